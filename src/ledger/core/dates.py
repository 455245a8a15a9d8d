"""Reading dates the way clerks type them (SPEC §2.1).

A cell is read or reported, never guessed: `11/3/2026` could be March or
November and is reported as ambiguous; `2026-02-30` is impossible.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
# Serial numbers a ledger can plausibly hold: 2000-01-01 .. 2099-12-31.
SERIAL_MIN, SERIAL_MAX = 36526, 73050
EXCEL_ERRORS = frozenset(
    {
        "#N/A",
        "#VALUE!",
        "#REF!",
        "#DIV/0!",
        "#NUM!",
        "#NAME?",
        "#NULL!",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#UNKNOWN!",
    }
)


@dataclass(frozen=True, slots=True)
class When:
    """A parsed cell: a moment, whether it carried a time of day, or why not."""

    value: dt.datetime | None
    has_time: bool = False
    error: str | None = None  # problem code

    @property
    def date(self) -> dt.date | None:
        return self.value.date() if self.value else None


EMPTY = When(None)

_TIME = r"(?:[ T]+(?P<H>\d{1,2})(?:[:时點点](?P<M>\d{1,2})(?:[:分](?P<S>\d{1,2})(?:\.\d+)?秒?)?分?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_YMD = re.compile(r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?" + _TIME + r"$")
_COMPACT = re.compile(r"^(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})$")
_XYZ = re.compile(r"^(?P<a>\d{1,2})\s*[-/.]\s*(?P<b>\d{1,2})\s*[-/.]\s*(?P<y>\d{2,4})" + _TIME + r"$")
_NO_YEAR = re.compile(r"^\d{1,2}\s*(?:[-/.]\s*\d{1,2}|月\s*\d{1,2}\s*[日号]?)$")
DATE_ORDERS = ("ymd", "dmy", "mdy")  # Settings 日期顺序: 年月日 / 日月年 / 月日年
_SHORT_Y = re.compile(r"^(?P<y>\d{2})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})" + _TIME + r"$")


def is_excel_error(raw: object) -> bool:
    return isinstance(raw, str) and raw.strip().upper() in EXCEL_ERRORS


def parse_when(raw: object, order: str = "ymd") -> When:
    """Parse a date or date-time cell value of any shape SPEC §2.1 lists.

    `order` is the office's way of writing a day-month-year date (Settings 日期顺序):
    with "dmy" `8/10/2026` is 8 October, with "mdy" 10 August; with the default
    "ymd" such a date, ambiguous when both numbers could be months, is reported.
    """
    if raw is None or raw == "":
        return EMPTY
    if isinstance(raw, bool):
        return When(None, error="date.unreadable")
    if isinstance(raw, dt.datetime):
        has_time = (raw.hour, raw.minute, raw.second) != (0, 0, 0)
        plain = raw.tzinfo is None and not raw.microsecond and type(raw) is dt.datetime
        return When(raw if plain else raw.replace(tzinfo=None, microsecond=0), has_time)
    if isinstance(raw, dt.date):
        return When(dt.datetime(raw.year, raw.month, raw.day))
    if isinstance(raw, (int, float)):
        if 1 <= raw < 13 and not float(raw).is_integer():
            return When(None, error="date.no_year")  # 10.5 typed as a number: month and day, no year
        return _from_serial(float(raw))
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if not text:
        return EMPTY
    if text.upper() in EXCEL_ERRORS:
        return When(None, error="date.error_value")
    m = _YMD.match(text) or _COMPACT.match(text)
    if m:
        return _build(int(m["y"]), int(m["m"]), int(m["d"]), m.groupdict())
    m = _XYZ.match(text)
    if m:
        a, b, year = int(m["a"]), int(m["b"]), int(m["y"])
        if year < 100:
            return When(None, error="date.ambiguous")
        if order in ("dmy", "mdy"):
            month, day = (b, a) if order == "dmy" else (a, b)
            return _build(year, month, day, m.groupdict())
        if a <= 12 and b <= 12 and a != b:
            return When(None, error="date.ambiguous")
        month, day = (a, b) if b > 12 else (b, a)
        return _build(year, month, day, m.groupdict())
    if _NO_YEAR.match(text):
        return When(None, error="date.no_year")
    if _SHORT_Y.match(text):
        return When(None, error="date.ambiguous")
    try:
        number = float(text)
    except ValueError:
        return When(None, error="date.unreadable")
    return _from_serial(number)


def _from_serial(number: float) -> When:
    if not SERIAL_MIN <= number <= SERIAL_MAX + 1:
        return When(None, error="date.implausible")
    moment = EXCEL_EPOCH + dt.timedelta(days=number)
    moment = moment.replace(microsecond=0)
    if moment.second == 59:
        moment += dt.timedelta(seconds=1)
    return When(moment, number != int(number))


def _build(year: int, month: int, day: int, parts: dict) -> When:
    hour = parts.get("H")
    try:
        moment = dt.datetime(year, month, day)
        if hour is not None:
            moment = moment.replace(hour=int(hour), minute=int(parts.get("M") or 0), second=int(parts.get("S") or 0))
    except ValueError:
        return When(None, error="date.impossible")
    if not 2000 <= year <= 2099:
        return When(None, error="date.implausible")
    return When(moment, (moment.hour, moment.minute, moment.second) != (0, 0, 0))
