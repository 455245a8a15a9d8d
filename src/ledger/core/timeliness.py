"""Timeliness of the month's cases (SPEC §6, 处理及时性): complaints answered within 24 hours and resolved
within 3 working days, and the median days from receipt to completion."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass

from ledger.core.models import Case
from ledger.core.vocab import CATEGORIES
from ledger.core.workdays import UnknownCalendarYear, WorkCalendar


@dataclass
class Count:
    count: int = 0
    of: int = 0

    @property
    def rate(self) -> float | None:
        return self.count / self.of if self.of else None

    def as_json(self) -> dict[str, int]:
        return {"count": self.count, "of": self.of}


def responded_within_24h(case: Case) -> bool:
    """The 24-hour reply commitment (002 规范5); a bare date gives the whole next day."""
    if case.received_at is None or case.first_response_at is None:
        return False
    if case.received_has_time and case.first_response_has_time:
        delta = case.first_response_at - case.received_at
        return dt.timedelta(0) <= delta <= dt.timedelta(hours=24)
    days = (case.first_response_at.date() - case.received_at.date()).days
    return 0 <= days <= 1


def timeliness(
    cases: list[Case], first: dt.date, last: dt.date, work: WorkCalendar
) -> tuple[Count, Count, dict[str, float | None], set[int]]:
    responded, resolved = Count(), Count()
    unknown_years: set[int] = set()
    days: dict[str, list[int]] = defaultdict(list)
    for c in cases:
        category = c.category
        if not category or not c.received_at:
            continue
        received = c.received_at.date()
        done = c.completed_on
        if category == "complaint" and first <= received <= last:
            responded.of += 1
            resolved.of += 1
            if responded_within_24h(c):
                responded.count += 1
            if done is not None:
                try:
                    if done <= work.add_workdays(received, 3):
                        resolved.count += 1
                except UnknownCalendarYear as exc:
                    unknown_years.add(exc.year)
        if done is not None and first <= done <= last:
            span = (done - received).days
            if span >= 0:
                days[category].append(span)
    everything = [d for k in CATEGORIES.keys() for d in days[k]]
    medians = {k: (statistics.median(days[k]) if days[k] else None) for k in CATEGORIES.keys()}
    medians["overall"] = statistics.median(everything) if everything else None
    return responded, resolved, medians, unknown_years
