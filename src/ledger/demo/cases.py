"""Realistic demo ledgers: the cases a property office records over a few months.

Used by `ledger demo`, by tests and by benchmarks, so it must be deterministic
(one seed, one ledger) and look like a real clerk's sheet: Chinese names, units
across ~20 buildings, the usual category mix, callbacks mostly on time but not
all, repeat complaints and repairs, and (on request) the typing mistakes the
validator must catch.

The ledger file itself is written by ledger.demo_workbook.write_ledger.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from functools import lru_cache
from typing import Any

from ledger.core import vocab
from ledger.core.columns import CASE_COLUMNS
from ledger.core.i18n import normalize_language
from ledger.core.rules import PRESETS, Offset
from ledger.core.settings import Settings, StaffMember
from ledger.demo.case_texts import (
    ASPECT_DEPARTMENT,
    CALLBACK_NOTES,
    CASE_TEXTS,
    DEPARTMENTS,
    GIVEN,
    MOBILE_PREFIXES,
    REPAIR_NOTES,
    SURNAME_WEIGHTS,
    SURNAMES,
)

LOG_SHEET = {"zh-Hans": "日志", "zh-Hant": "日誌", "en": "Log"}
FIELDS = [c.field for c in CASE_COLUMNS]

# ---------------------------------------------------------------- vocabulary of the estate

# Office staff (Settings 【人员】): (zh-Hans, en, role)
_STAFF = [
    ("李建国", "Li Jianguo", "office_manager"),
    ("王丽", "Wang Li", "supervisor"),
    ("赵强", "Zhao Qiang", "department_supervisor"),
    ("孙磊", "Sun Lei", "department_supervisor"),
    ("张敏", "Zhang Min", "clerk"),
    ("陈静", "Chen Jing", "clerk"),
    ("刘洋", "Liu Yang", "clerk"),
]
_OFFICE = {"zh-Hans": "阳光花园管理处", "zh-Hant": "陽光花園管理處", "en": "Sunshine Garden Management Office"}

_CATEGORY_MIX = {
    "repair": 45,
    "complaint": 15,
    "help": 13,
    "special_service": 12,
    "event": 6,
    "other": 7,
    "emergency": 2,
}
_PREFIX = {
    "complaint": "TS",
    "repair": "WX",
    "special_service": "TY",
    "help": "QZ",
    "emergency": "JJ",
    "event": "HD",
    "supervisory": "JG",
    "other": "QT",
}
_CHANNEL_MIX = {
    "complaint": {"phone": 45, "visit": 25, "online": 15, "letter": 3, "email": 4, "complaint_box": 5, "other": 3},
    "repair": {"phone": 60, "visit": 20, "online": 20},
    "emergency": {"phone": 80, "visit": 20},
    "event": {"other": 60, "visit": 40},
}
_DEFAULT_CHANNELS = {"phone": 55, "visit": 30, "online": 15}
_YES = {"zh-Hans": "是", "zh-Hant": "是", "en": "Yes"}
_UNKNOWN_CATEGORY = {"zh-Hans": "咨询", "zh-Hant": "諮詢", "en": "Enquiry"}


@lru_cache(maxsize=1)
def _s2t():
    import opencc  # lazy: start-up time (only Traditional demo ledgers need it)

    return opencc.OpenCC("s2tw")


@lru_cache(maxsize=50_000)
def _hant(text: str) -> str:
    return _s2t().convert(text)


def _say(pair: tuple[str, str], lang: str) -> str:
    """A (zh-Hans, en) pair in the ledger's language."""
    if lang == "en":
        return pair[1]
    return _hant(pair[0]) if lang == "zh-Hant" else pair[0]


# ---------------------------------------------------------------- dates


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to the month's end (Jan 31 + 1 month = Feb 28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def _after(day: dt.date, offset: Offset) -> dt.date:
    if offset.unit == "M":
        return add_months(day, offset.amount)
    if offset.unit == "w":
        return day + dt.timedelta(weeks=offset.amount)
    if offset.unit == "wd":  # demo only: five working days ≈ a week
        return day + dt.timedelta(days=offset.amount * 7 // 5)
    return day + dt.timedelta(days=offset.amount)


# ---------------------------------------------------------------- the generator


class _Estate:
    """Buildings, units and the residents living in them (fixed layout, seeded residents)."""

    def __init__(self, rng: random.Random, lang: str, buildings: int = 20):
        layout = random.Random(20260101)  # the same estate for every seed
        self.units: list[tuple[int, int, int, int]] = []
        for b in range(1, buildings + 1):
            floors = layout.choice([6, 11, 18, 26, 32])
            for u in range(1, layout.choice([2, 2, 3]) + 1):
                for f in range(1, floors + 1):
                    for r in range(1, (2 if floors > 20 else 4) + 1):
                        self.units.append((b, u, f, r))
        self.rng, self.lang = rng, lang
        self.residents: dict[str, tuple[str | None, str | None]] = {}

    def pick_unit(self) -> str:
        b, u, f, r = self.rng.choice(self.units)
        if self.lang == "en":
            return f"{b}-{u}-{f}{r:02d}"
        if self.lang == "zh-Hant":
            return f"{b}棟{u}單元{f}{r:02d}"
        return f"{b}栋{u}单元{f}{r:02d}"

    def resident(self, unit: str) -> tuple[str | None, str | None]:
        if unit not in self.residents:
            self.residents[unit] = (self._name(), self._phone())
        return self.residents[unit]

    def _name(self) -> str:
        rng = self.rng
        surname = rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]
        if rng.random() < 0.25:  # clerks often write only 王先生 / 李女士
            male = rng.random() < 0.5
            if self.lang == "en":
                return f"{'Mr' if male else 'Ms'} {surname[1]}"
            return _say((surname[0] + ("先生" if male else "女士"), ""), self.lang)
        given = [rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.35 else 2)]
        zh = surname[0] + "".join(g[0] for g in given)
        en = f"{surname[1]} {''.join(g[1] for g in given).capitalize()}"
        return _say((zh, en), self.lang)

    def _phone(self) -> str | None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.03:
            return None
        if roll < 0.12:  # landline, leading zero kept as text
            return f"0755-{rng.randint(2, 8)}{rng.randint(0, 9999999):07d}"
        return f"{rng.choice(MOBILE_PREFIXES)}{rng.randint(0, 99999999):08d}"


def _weighted(rng: random.Random, mix: dict[str, int]) -> str:
    return rng.choices(list(mix), list(mix.values()))[0]


def _completion_days(rng: random.Random, category: str) -> int:
    roll = rng.random()
    if category == "complaint":
        table = [(0.30, 0, 0), (0.55, 1, 1), (0.70, 2, 2), (0.80, 3, 3), (0.92, 4, 7), (0.98, 8, 30), (1.0, 31, 60)]
    elif category == "repair":
        table = [(0.35, 0, 0), (0.65, 1, 1), (0.80, 2, 2), (0.92, 3, 5), (1.0, 6, 15)]
    elif category in ("help", "emergency", "event"):
        table = [(0.80, 0, 0), (1.0, 1, 3)]
    else:
        table = [(0.40, 0, 0), (0.80, 1, 3), (1.0, 4, 10)]
    for limit, low, high in table:
        if roll < limit:
            return rng.randint(low, high)
    return 0


def generate_cases(
    n: int, *, seed: int, end: dt.date, months: int = 6, lang: str = "zh-Hans", dirty: bool = False
) -> list[dict[str, Any]]:
    """`n` case rows received over `months` months ending at `end`, as a clerk would have typed them.

    Rows are keyed by canonical field names (every field present, None when
    blank). With `dirty=True` a handful of rows carry one typing mistake each
    and an extra key `_defect` naming it (see `DEFECTS`); the other rows are
    identical to the clean ledger of the same seed.
    """
    lang = normalize_language(lang)
    rng = random.Random(seed)
    estate = _Estate(rng, lang)
    start = add_months(end + dt.timedelta(days=1), -months)
    span = (end - start).days + 1
    days = sorted(rng.randrange(span) for _ in range(n))
    cases: list[dict[str, Any]] = []
    recent_complaints: list[tuple[dt.date, str, str, tuple[str, str]]] = []
    recent_repairs: list[list[Any]] = []  # [day, unit, aspect, text pair, times]
    repeat_pool: list[list[Any]] = []
    counters: dict[tuple[str, str], int] = {}
    staff = {
        role: [_say((zh, en), lang) for zh, en, r in _STAFF if r == role]
        for role in ("office_manager", "supervisor", "department_supervisor", "clerk")
    }
    for offset in days:
        day = start + dt.timedelta(days=offset)
        category = _weighted(rng, _CATEGORY_MIX)
        aspect_table = CASE_TEXTS[category]
        aspect, _, texts = rng.choices(aspect_table, [w for _, w, _ in aspect_table])[0]
        pair = rng.choice(texts)
        unit: str | None = estate.pick_unit()
        repeat = _repeat_of(rng, category, day, recent_complaints, recent_repairs, repeat_pool)
        repeat_note = None
        if repeat is not None:
            unit, aspect, pair, repeat_note = repeat
        if category == "event" and rng.random() < 0.5:
            unit = None
        customer, phone = estate.resident(unit) if unit else (None, None)
        description = _say(pair, lang)
        if repeat_note:
            description = _say(repeat_note, lang) + description
        channel = _weighted(rng, _CHANNEL_MIX.get(category, _DEFAULT_CHANNELS))
        dept_key = ASPECT_DEPARTMENT.get(aspect, "security" if category == "emergency" else "service")
        dept_zh, dept_en, handlers = DEPARTMENTS[dept_key]
        timed = category in ("complaint", "emergency")
        received = _time_of_day(rng, day) if timed else day
        row: dict[str, Any] = dict.fromkeys(FIELDS)
        row.update(
            received_on=received,
            channel=vocab.CHANNELS.label(channel, lang),
            category=vocab.CATEGORIES.label(category, lang),
            unit=unit,
            customer=customer,
            phone=phone,
            description=description,
            aspect=vocab.ASPECTS.label(aspect, lang),
            department=_say((dept_zh, dept_en), lang),
            handler=_say(rng.choice(handlers), lang),
        )
        severity = "general"
        if category == "complaint":
            severity = _complaint_details(rng, row, lang, received, repeat_note is not None)
            if channel in ("complaint_box", "letter") and rng.random() < 0.4:
                row.update(
                    customer=None, phone=None, no_callback_reason=vocab.NO_CALLBACK_REASONS.label("anonymous", lang)
                )
            recent_complaints.append((day, unit, aspect, pair))
        elif category == "repair" and repeat_note is None and unit:
            recent_repairs.append([day, unit, aspect, pair, 1])
        _complete_and_call_back(rng, row, category, severity, day, end, lang, staff)
        month = f"{day.year}{day.month:02d}"
        key = (_PREFIX[category], month)
        counters[key] = counters.get(key, 0) + 1
        row["case_id"] = f"{key[0]}-{month}-{counters[key]:04d}"
        cases.append(row)
    if dirty:
        _spoil(cases, random.Random(f"{seed}-dirty"), end, lang)
    return cases


def _repeat_of(
    rng: random.Random,
    category: str,
    day: dt.date,
    recent_complaints: list[tuple[dt.date, str, str, tuple[str, str]]],
    recent_repairs: list[list[Any]],
    repeat_pool: list[list[Any]],
) -> tuple[str, str, tuple[str, str], tuple[str, str]] | None:
    """Now and then a complaint or repair repeats an earlier one at the same unit: (unit, aspect, text pair,
    the note put before its description), or None."""
    if category == "complaint" and recent_complaints and rng.random() < 0.05:
        prev = recent_complaints[-rng.randint(1, min(40, len(recent_complaints)))]
        if (day - prev[0]).days <= 60:
            return prev[1], prev[2], prev[3], ("再次投诉：", "Again: ")
    elif category == "repair" and recent_repairs and rng.random() < 0.04:
        pool = repeat_pool if repeat_pool and rng.random() < 0.3 else recent_repairs[-200:]
        prev = rng.choice(pool)
        if (day - prev[0]).days <= 120 and prev[4] < 3:
            prev[4] += 1
            if prev[4] == 2:
                repeat_pool.append(prev)
            else:  # third time: done with this unit's chain
                repeat_pool[:] = [p for p in repeat_pool if p is not prev]
            return prev[1], prev[2], prev[3], ("再次报修：", "Reported again: ")
    return None


def _time_of_day(rng: random.Random, day: dt.date) -> dt.datetime:
    """A complaint's or emergency's time of receipt: office hours and the evening, busiest mid-morning."""
    hour = rng.choices(range(7, 23), [2, 5, 8, 9, 8, 6, 7, 8, 8, 7, 6, 5, 5, 4, 3, 2])[0]
    return dt.datetime(day.year, day.month, day.day, hour, rng.randrange(60))


def _complaint_details(
    rng: random.Random, row: dict[str, Any], lang: str, received: dt.datetime, repeated: bool
) -> str:
    roll = rng.random()
    complainants = 1 if roll < 0.88 else 2 if roll < 0.93 else rng.randint(3, 9) if roll < 0.99 else rng.randint(10, 30)
    media = rng.random() < 0.005
    roll = rng.random()
    severity = "general" if roll < 0.75 else "important" if roll < 0.90 else "hot" if roll < 0.98 else "major"
    if media or (complainants >= 10 and rng.random() < 0.7):
        severity = "major"
    elif repeated and rng.random() < 0.5:
        severity = "hot"
    roll = rng.random()
    row.update(
        responsibility=vocab.RESPONSIBILITY.label(
            "type1" if roll < 0.55 else "type2" if roll < 0.85 else "type3", lang
        ),
        severity=vocab.SEVERITIES.label(severity, lang),
        complainants=complainants,
        lawsuit_or_media=_YES[lang] if media else None,
    )
    roll = rng.random()
    minutes = (
        rng.randint(5, 120)
        if roll < 0.65
        else rng.randint(121, 20 * 60)
        if roll < 0.92
        else rng.randint(24 * 60 + 1, 72 * 60)
    )
    row["first_response_at"] = received + dt.timedelta(minutes=minutes)
    return severity


def _who_calls_and_how(
    rng: random.Random, category: str, severity: str, staff: dict[str, list[str]]
) -> tuple[list[str], str]:
    """Who may make the callback, and how: the manager for a major complaint, supervisors for serious ones."""
    if category != "complaint":
        return staff["clerk"], _weighted(rng, {"phone": 90, "in_person": 5, "on_site": 5})
    by = (
        staff["office_manager"]
        if severity == "major"
        else staff["supervisor"] + staff["department_supervisor"]
        if severity != "general" or rng.random() < 0.4
        else staff["clerk"]
    )
    method = "on_site" if severity in ("major", "hot") else _weighted(rng, {"phone": 80, "in_person": 12, "on_site": 8})
    return by, method


def _complete_and_call_back(
    rng: random.Random,
    row: dict[str, Any],
    category: str,
    severity: str,
    day: dt.date,
    end: dt.date,
    lang: str,
    staff: dict[str, list[str]],
) -> None:
    """Completion, then the callback a clerk would (or would not) have recorded by `end`."""
    age = (end - day).days
    done = day + dt.timedelta(days=_completion_days(rng, category))
    still_open = rng.random() < (0.4 if age <= 7 else 0.12 if age <= 30 else 0.055)
    response = row["first_response_at"]
    if response is not None and (response.date() > end or (still_open and rng.random() < 0.2)):
        row["first_response_at"] = response = None
    if still_open or done > end:
        return
    row["completed_on"] = done
    if response is not None and response.date() > done:
        row["first_response_at"] = row["received_on"] + dt.timedelta(minutes=rng.randint(10, 90))
    if row["no_callback_reason"]:
        return
    rule = PRESETS["residential"][category]
    must = rule.takes_everyone or severity != "general"
    if not must and rng.random() >= min(1.0, rule.rate * 1.05):
        return
    first, due = _after(done, rule.start), _after(done, rule.due)
    roll = rng.random()
    if roll < 0.02:
        reason = "declined"
    elif roll < 0.035 and category != "complaint":
        reason = "resolved_on_site"
    elif roll < 0.055:
        reason = "unreachable"
    else:
        reason = None
    if reason:
        if reason == "unreachable":
            if due > end:
                return
            row.update(callback_attempts=3, callback_by=rng.choice(staff["clerk"]))
        row["no_callback_reason"] = vocab.NO_CALLBACK_REASONS.label(reason, lang)
        return
    roll = rng.random()
    early_share = 0.15 if category == "repair" else 0.0
    if roll < early_share and (first - done).days > 2:
        when = done + dt.timedelta(days=rng.randint(2, min(10, (first - done).days - 1)))
    elif roll < early_share + 0.07:
        when = due + dt.timedelta(days=rng.randint(1, 10))
    elif must and roll < early_share + 0.11:
        return  # forgotten: overdue once the window closes
    else:
        width = (due - first).days
        when = first + dt.timedelta(days=min(width, int(rng.expovariate(3.0 / max(width, 1)))))
    if when > end:
        return
    roll = rng.random()
    satisfaction = "satisfied" if roll < 0.82 else "fairly_satisfied" if roll < 0.95 else "unsatisfied"
    by, method = _who_calls_and_how(rng, category, severity, staff)
    roll = rng.random()
    choices = CALLBACK_NOTES[satisfaction] + (
        REPAIR_NOTES[satisfaction] if category in ("repair", "special_service") else []
    )
    notes = None if satisfaction == "satisfied" and rng.random() < 0.4 else _say(rng.choice(choices), lang)
    row.update(
        callback_on=when,
        callback_method=vocab.CALLBACK_METHODS.label(method, lang),
        callback_by=rng.choice(by),
        callback_attempts=1 if roll < 0.8 else 2 if roll < 0.95 else 3,
        satisfaction=vocab.SATISFACTION.label(satisfaction, lang),
        callback_notes=notes,
    )


# ---------------------------------------------------------------- deliberate mistakes

# defect -> (field it spoils, problem code the reader reports, or None when a later validation catches it)
DEFECTS: dict[str, tuple[str, str | None]] = {
    "impossible_date": ("completed_on", "date.impossible"),
    "ambiguous_date": ("received_on", "date.ambiguous"),
    "unknown_category": ("category", "cell.unknown_value"),
    "duplicate_id": ("case_id", None),
    "completed_before_received": ("completed_on", None),
    "satisfaction_without_callback": ("satisfaction", None),
    "undialable_phone": ("phone", None),
}


def _spoil(cases: list[dict[str, Any]], rng: random.Random, end: dt.date, lang: str) -> None:
    """Give one row per defect the mistake a clerk makes; rows chosen by their own seed."""
    if len(cases) < len(DEFECTS) + 1:
        raise ValueError(f"dirty=True needs at least {len(DEFECTS) + 1} cases")
    rows = rng.sample(range(1, len(cases)), len(DEFECTS))
    for defect, index in zip(DEFECTS, rows):
        row = cases[index]
        row["_defect"] = defect
        if defect == "impossible_date":
            row["completed_on"] = f"{end.year}-02-30"
        elif defect == "ambiguous_date":
            row["received_on"] = f"03/04/{end.year}"
        elif defect == "unknown_category":
            row["category"] = _UNKNOWN_CATEGORY[lang]
        elif defect == "duplicate_id":
            row["case_id"] = cases[index - 1]["case_id"]
        elif defect == "completed_before_received":
            received = row["received_on"]
            row["completed_on"] = (received.date() if isinstance(received, dt.datetime) else received) - dt.timedelta(
                days=3
            )
        elif defect == "satisfaction_without_callback":
            row.update(callback_on=None, satisfaction=vocab.SATISFACTION.label("satisfied", lang))
        elif defect == "undialable_phone":
            row["phone"] = "12345"


# ---------------------------------------------------------------- settings


def demo_settings(lang: str = "zh-Hans") -> Settings:
    """The demo office: Sunshine Garden, its staff and head office's quality department."""
    lang = normalize_language(lang)
    return Settings(
        office=_OFFICE.get(lang, _OFFICE["zh-Hans"]),
        language=lang,
        head_office=["quality@head-office.example"],
        sender="sunshine-garden@office.example",
        staff=[StaffMember(name=_say((zh, en), lang), role=role) for zh, en, role in _STAFF],
    )
