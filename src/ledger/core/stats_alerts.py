"""The month's alerts (SPEC §6, 预警): unsatisfied callbacks, repeat complaints and repairs at one unit,
and complaints whose recorded severity is below the one their words suggest."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from ledger.core.models import Case, Ledger
from ledger.core.severity import suggest_since
from ledger.core.vocab import SEVERITY_RANK
from ledger.core.workdays import WorkCalendar

REPEAT_COMPLAINTS, REPEAT_REPAIRS = 2, 3


def case_label(case: Case) -> str:
    """What a case is called in a list: its id, or its row when the id is missing."""
    return case.case_id or f"#{case.row}"


def in_month(day: dt.date | None, first: dt.date, last: dt.date) -> bool:
    return day is not None and first <= day <= last


@dataclass
class RepeatGroup:
    unit: str
    aspect: str
    case_ids: list[str]

    def as_json(self) -> dict[str, Any]:
        return {"unit": self.unit, "aspect": self.aspect, "case_ids": list(self.case_ids)}


@dataclass
class RaisedSeverity:
    case_id: str
    clerk: str | None
    suggested: str


@dataclass
class Alerts:
    unsatisfied: list[str] = field(default_factory=list)
    repeat_complaints: list[RepeatGroup] = field(default_factory=list)
    repeat_repairs: list[RepeatGroup] = field(default_factory=list)
    severity_raised: list[RaisedSeverity] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            len(self.unsatisfied) + len(self.repeat_complaints) + len(self.repeat_repairs) + len(self.severity_raised)
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "unsatisfied": list(self.unsatisfied),
            "repeat_complaints": [g.as_json() for g in self.repeat_complaints],
            "repeat_repairs": [g.as_json() for g in self.repeat_repairs],
            "severity_raised": [r.case_id for r in self.severity_raised],
        }


_RECEIVED_ORDER = attrgetter("received_at", "row")


def repeat_groups(
    cases: list[Case], category: str, lookback_days: int, threshold: int, first: dt.date, last: dt.date
) -> list[RepeatGroup]:
    """Unit + aspect groups reaching `threshold` cases in the look-back ending on `last`, one of them in M."""
    start = last - dt.timedelta(days=lookback_days - 1)
    groups: dict[tuple[str, str], list[Case]] = defaultdict(list)
    current: set[tuple[str, str]] = set()  # groups with a case received in M
    for c in cases:
        if c.category != category or not c.unit or not c.aspect or not c.received_at:
            continue
        received = c.received_at.date()
        if start <= received <= last:
            unit = c.unit.strip()
            if unit:
                key = (unit, c.aspect)
                groups[key].append(c)
                if first <= received:
                    current.add(key)
    out = []
    for key in sorted(k for k in current if len(groups[k]) >= threshold):
        members = groups[key]
        members.sort(key=_RECEIVED_ORDER)
        out.append(RepeatGroup(key[0], key[1], list(map(case_label, members))))
    return out


def alerts(ledger: Ledger, first: dt.date, last: dt.date, work: WorkCalendar) -> tuple[Alerts, set[int]]:
    cases, settings = ledger.cases, ledger.settings
    found = Alerts()
    found.unsatisfied = [
        case_label(c)
        for c in cases
        if c.category and c.satisfaction == "unsatisfied" and in_month(c.callback_on, first, last)
    ]
    complaints = [c for c in cases if c.category == "complaint"]  # what the rules below look at
    found.repeat_complaints = repeat_groups(
        complaints, "complaint", settings.complaint_lookback_days, REPEAT_COMPLAINTS, first, last
    )
    found.repeat_repairs = repeat_groups(
        [c for c in cases if c.category == "repair"],
        "repair",
        settings.repair_lookback_days,
        REPEAT_REPAIRS,
        first,
        last,
    )
    suggestions, unknown = suggest_since(complaints, last, work, first)
    for c in complaints:
        if not c.received_at:
            continue
        s = suggestions.get(c.row)
        if s is None or not first <= c.received_at.date() <= last:
            continue
        if SEVERITY_RANK[s.severity] > SEVERITY_RANK[c.severity or "general"]:
            found.severity_raised.append(RaisedSeverity(case_label(c), c.severity, s.severity))
    return found, unknown
