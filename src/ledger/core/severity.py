"""Suggested complaint severity (SPEC §3.4): the tool suggests, the clerk decides.

Each rule is checked as of a date; the suggestion is the highest rule that fires.
Rules that compare cases (repeat after closure, similar complaints) look only at
cases received by the as-of date.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ledger.core.models import Case
from ledger.core.vocab import SEVERITY_RANK
from ledger.core.windows import add_months
from ledger.core.workdays import UnknownCalendarYear, WorkCalendar


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


def _late(done: dt.date | None, limit: dt.date, as_of: dt.date) -> bool:
    """Not resolved by `limit`: completed (`done`) after it, or still open on a day past it."""
    return done > limit if done else as_of > limit


def _complaints(cases: list[Case], as_of: dt.date) -> list[tuple[Case, dt.date, dt.date | None]]:
    """Complaints received by `as_of`, each with its receipt day and the day it was resolved by then.

    Worked out once and handed to the rules as plain values: a big ledger holds tens of thousands.
    """
    out = []
    for c in cases:
        if c.category == "complaint" and c.received_at:
            received = c.received_at.date()
            if received <= as_of:
                out.append((c, received, _resolved_by(c, as_of)))
    return out


def suggest_all(cases: list[Case], as_of: dt.date, work: WorkCalendar) -> dict[int, Suggestion]:
    """Suggestions for every complaint received by `as_of`, keyed by Excel row."""
    return _suggest(cases, as_of, work, None)[0]


def suggest_since(
    cases: list[Case], as_of: dt.date, work: WorkCalendar, received_from: dt.date
) -> tuple[dict[int, Suggestion], set[int]]:
    """suggest_all's suggestions for the complaints received from `received_from` on, and the
    unknown calendar years of all of them (suggest_all's unknown_year values): what a month's
    statistics need. The earlier complaints still count for the rules that compare cases."""
    return _suggest(cases, as_of, work, received_from)


def _suggest(
    cases: list[Case], as_of: dt.date, work: WorkCalendar, received_from: dt.date | None
) -> tuple[dict[int, Suggestion], set[int]]:
    complaints = _complaints(cases, as_of)
    month_after = _month_after()
    week = dt.timedelta(days=7)
    out: dict[int, Suggestion] = {}
    unknown: set[int] = set()
    for case, received, done in complaints:
        if received_from is not None and received < received_from:
            try:  # no suggestion wanted, but the calendar it needs is reported all the same
                _slow(work, received, done, as_of)
            except UnknownCalendarYear as exc:
                unknown.add(exc.year)
            continue
        s = Suggestion()
        if case.lawsuit_or_media:
            s.raise_to("major", "major.lawsuit_or_media")
        if _late(done, month_after(received), as_of):
            s.raise_to("major", "major.unresolved_month")
        if case.complainants >= 10:
            s.raise_to("major", "major.complainants")
        if _late(done, received + week, as_of):
            s.raise_to("hot", "hot.unresolved_week")
        if case.complainants >= 3:
            s.raise_to("hot", "hot.complainants")
        try:
            if _slow(work, received, done, as_of):
                s.raise_to("important", "important.unresolved_3_workdays")
        except UnknownCalendarYear as exc:
            s.unknown_year = exc.year
            unknown.add(exc.year)
        out[case.row] = s
    _repeat_after_closure(complaints, out)
    if received_from is not None:  # a one-month window starting 31+ days earlier ends before it
        cutoff = received_from - dt.timedelta(days=31)
        complaints = [t for t in complaints if t[1] >= cutoff]
    _similar_from_units(complaints, month_after, out)
    return out, unknown


def _slow(work: WorkCalendar, received: dt.date, done: dt.date | None, as_of: dt.date) -> bool:
    """Unresolved 3 working days after receipt; raises UnknownCalendarYear when that needs an unknown year."""
    return work.after_workdays(received, 3, done or as_of)


def _month_after() -> Callable[[dt.date], dt.date]:
    """add_months(day, 1), remembered per day (a ledger spans a few hundred receipt days)."""
    return functools.cache(lambda day: add_months(day, 1))


def _repeat_after_closure(complaints: list[tuple[Case, dt.date, dt.date | None]], out: dict[int, Suggestion]) -> None:
    """Hot: a complaint on the same unit and matter after an earlier one was closed."""
    groups: dict[tuple[str, str], list[tuple[Case, dt.date, dt.date | None]]] = defaultdict(list)
    for item in complaints:
        c = item[0]
        if c.unit and c.aspect:
            groups[(c.unit.strip(), c.aspect)].append(item)
    for group in groups.values():
        if len(group) < 2:  # nothing earlier to repeat
            continue
        group.sort(key=lambda item: (item[0].received_at, item[0].row))
        earliest_closure: dt.date | None = None
        for c, received, done in group:
            if earliest_closure and earliest_closure <= received and c.row in out:
                out[c.row].raise_to("hot", "hot.repeat_after_closure")
            if done and (earliest_closure is None or done < earliest_closure):
                earliest_closure = done


def _similar_from_units(
    complaints: list[tuple[Case, dt.date, dt.date | None]],
    month_after: Callable[[dt.date], dt.date],
    out: dict[int, Suggestion],
) -> None:
    """Important: 3+ complaints on the same aspect from different units within one month."""
    by_aspect: dict[str, list[tuple[dt.date, int, str]]] = defaultdict(list)
    for c, received, _ in complaints:
        if c.aspect and c.unit:
            by_aspect[c.aspect].append((received, c.row, c.unit.strip()))
    for group in by_aspect.values():
        group.sort(key=lambda item: (item[0], item[1]))
        days = [item[0] for item in group]
        rows = [item[1] for item in group]
        names = [item[2] for item in group]
        n = len(group)
        units: dict[str, int] = {}  # unit -> complaints of the window [i, j)
        j = 0
        marked_until = -1
        for i in range(n):
            limit = month_after(days[i])
            while j < n and days[j] <= limit:
                other = names[j]
                units[other] = units.get(other, 0) + 1
                j += 1
            if len(units) >= 3:
                for k in range(max(i, marked_until + 1), j):
                    if rows[k] in out:
                        out[rows[k]].raise_to("important", "important.similar_units")
                marked_until = max(marked_until, j - 1)
            unit = names[i]
            left = units[unit] - 1
            if left:
                units[unit] = left
            else:
                del units[unit]
