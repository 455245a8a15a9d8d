"""Suggested complaint severity (SPEC §3.4): the tool suggests, the clerk decides.

Each rule is checked as of a date; the suggestion is the highest rule that fires.
Rules that compare cases (repeat after closure, similar complaints) look only at
cases received by the as-of date.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .models import Case
from .vocab import SEVERITY_RANK
from .windows import add_months
from .workdays import UnknownCalendarYear, WorkCalendar


@dataclass
class Suggestion:
    severity: str = "general"
    reasons: list[str] = field(default_factory=list)  # reason codes, e.g. "major.lawsuit_or_media"
    unknown_year: int | None = None

    def raise_to(self, severity: str, reason: str) -> None:
        self.reasons.append(reason)
        if SEVERITY_RANK[severity] > SEVERITY_RANK[self.severity]:
            self.severity = severity


def _resolved_by(case: Case, as_of: dt.date) -> dt.date | None:
    return case.completed_on if case.completed_on and case.completed_on <= as_of else None


def _late(case: Case, limit: dt.date, as_of: dt.date) -> bool:
    """Not resolved by `limit`: completed after it, or still open on a day past it."""
    done = _resolved_by(case, as_of)
    return done > limit if done else as_of > limit


def suggest_all(cases: list[Case], as_of: dt.date, work: WorkCalendar) -> dict[int, Suggestion]:
    """Suggestions for every complaint received by `as_of`, keyed by Excel row."""
    complaints = [c for c in cases if c.category == "complaint" and c.received_on and c.received_on <= as_of]
    out: dict[int, Suggestion] = {}
    for case in complaints:
        s = Suggestion()
        received = case.received_on
        if case.lawsuit_or_media:
            s.raise_to("major", "major.lawsuit_or_media")
        if _late(case, add_months(received, 1), as_of):
            s.raise_to("major", "major.unresolved_month")
        if case.complainants >= 10:
            s.raise_to("major", "major.complainants")
        if _late(case, received + dt.timedelta(days=7), as_of):
            s.raise_to("hot", "hot.unresolved_week")
        if case.complainants >= 3:
            s.raise_to("hot", "hot.complainants")
        try:
            if work.after_workdays(received, 3, _resolved_by(case, as_of) or as_of):
                s.raise_to("important", "important.unresolved_3_workdays")
        except UnknownCalendarYear as exc:
            s.unknown_year = exc.year
        out[case.row] = s
    _repeat_after_closure(complaints, as_of, out)
    _similar_from_units(complaints, out)
    return out


def _repeat_after_closure(complaints: list[Case], as_of: dt.date, out: dict[int, Suggestion]) -> None:
    """Hot: a complaint on the same unit and matter after an earlier one was closed."""
    groups: dict[tuple[str, str], list[Case]] = defaultdict(list)
    for c in complaints:
        if c.unit and c.aspect:
            groups[(c.unit.strip(), c.aspect)].append(c)
    for group in groups.values():
        group.sort(key=lambda c: (c.received_at, c.row))
        earliest_closure: dt.date | None = None
        for c in group:
            if earliest_closure and earliest_closure <= c.received_on:
                out[c.row].raise_to("hot", "hot.repeat_after_closure")
            done = _resolved_by(c, as_of)
            if done and (earliest_closure is None or done < earliest_closure):
                earliest_closure = done


def _similar_from_units(complaints: list[Case], out: dict[int, Suggestion]) -> None:
    """Important: 3+ complaints on the same aspect from different units within one month."""
    by_aspect: dict[str, list[Case]] = defaultdict(list)
    for c in complaints:
        if c.aspect and c.unit:
            by_aspect[c.aspect].append(c)
    for group in by_aspect.values():
        group.sort(key=lambda c: (c.received_on, c.row))
        units: Counter[str] = Counter()
        j = 0
        marked_until = -1
        for i, first in enumerate(group):
            limit = add_months(first.received_on, 1)
            while j < len(group) and group[j].received_on <= limit:
                units[group[j].unit.strip()] += 1
                j += 1
            if len(units) >= 3:
                for k in range(max(i, marked_until + 1), j):
                    out[group[k].row].raise_to("important", "important.similar_units")
                marked_until = max(marked_until, j - 1)
            key = first.unit.strip()
            units[key] -= 1
            if units[key] == 0:
                del units[key]
