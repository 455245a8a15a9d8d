"""The unreachable ladder: 无法联系 only after N attempts on different days (000 篇2; Settings 无法联系次数).

Where the ledger has the column 未接通日期, the clerk (or `ledger record`) lists
there the days a callback was tried without reaching the customer, e.g.
"2026-11-03、2026-11-05". A case with days listed counts as unreachable once that
many different days are listed; a 无法联系 typed with fewer days is a warning and
the case stays on the callback list. A case without days listed (or a ledger
without the column) keeps the old rule: 回访次数 reaching the limit, or 无法联系 typed.
"""

from __future__ import annotations

import datetime as dt
import re

from ledger.core.dates import parse_when
from ledger.core.i18n import register
from ledger.core.models import Case, Ledger, Problem

_SPLIT = re.compile(r"[、,，;；\s]+")

register(
    {
        "row.attempt_date_unreadable": {
            "zh-Hans": "“{value}”不是日期;请按 2026-11-03 的格式填写,多个日期用“、”隔开。",
            "zh-Hant": "「{value}」不是日期;請按 2026-11-03 的格式填寫,多個日期用「、」隔開。",
            "en": "“{value}” is not a date; write dates like 2026-11-03, separated by commas.",
        },
        "row.unreachable_too_soon": {
            "zh-Hans": "标为“无法联系”,但只在 {days} 天尝试过(需在 {limit} 个不同的日子尝试);请继续回访,或在【{column}】中补记尝试日期。",
            "zh-Hant": "標為「無法聯繫」,但只在 {days} 天嘗試過(需在 {limit} 個不同的日子嘗試);請繼續回訪,或在【{column}】中補記嘗試日期。",
            "en": "Marked unreachable, but tried on {days} day(s) only ({limit} different days needed); keep calling, or add the days tried in {column}.",
        },
    }
)


def _parts(text: str | None) -> list[str]:
    return [p for p in _SPLIT.split(text or "") if p]


def attempt_days(case: Case) -> list[dt.date]:
    """The different days listed in 未接通日期, in order (unreadable parts left out: see attempt_problems)."""
    days: list[dt.date] = []
    for part in _parts(case.attempt_dates):
        day = parse_when(part).date
        if day is not None and day not in days:
            days.append(day)
    return sorted(days)


def attempts_made(case: Case, days_known: bool) -> int:
    """Failed attempts so far: different days where the ledger records them, else the 回访次数 count."""
    return len(attempt_days(case)) if days_known and case.attempt_dates else (case.callback_attempts or 0)


def is_unreachable(case: Case, limit: int, days_known: bool) -> bool:
    if days_known and case.attempt_dates:
        return len(attempt_days(case)) >= limit
    return case.no_callback_reason == "unreachable" or (case.callback_attempts or 0) >= limit


def next_attempt(case: Case, days_known: bool) -> int:
    return attempts_made(case, days_known) + 1


def attempt_problems(ledger: Ledger, header: str) -> list[Problem]:
    """Unreadable attempt days, and 无法联系 typed before the ladder's last rung."""
    if "attempt_dates" not in ledger.columns:
        return []
    lang, limit, out = ledger.lang, ledger.settings.unreachable_attempts, []
    for c in ledger.cases:
        for part in _parts(c.attempt_dates):
            if parse_when(part).date is None:
                out.append(
                    Problem.make(
                        "row.attempt_date_unreadable", lang, sheet=ledger.sheet, row=c.row, column=header, value=part
                    )
                )
        if c.no_callback_reason == "unreachable" and c.callback_on is None and c.attempt_dates:
            days = len(attempt_days(c))
            if days < limit:
                out.append(
                    Problem.make(
                        "row.unreachable_too_soon",
                        lang,
                        sheet=ledger.sheet,
                        row=c.row,
                        column=header,
                        severity="warning",
                        days=days,
                        limit=limit,
                    )
                )
    return out
