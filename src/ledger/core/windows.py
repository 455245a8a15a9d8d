"""Callback windows: when, after completion, a case may and must be called back (SPEC §3.1)."""

from __future__ import annotations

import calendar
import datetime as dt

from ledger.core.rules import CategoryRule, Offset
from ledger.core.workdays import UnknownCalendarYear, WorkCalendar


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months; the day is clamped to the month's end (Jan 31 + 1 month = Feb 28/29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def shift(day: dt.date, offset: Offset, work: WorkCalendar) -> dt.date:
    """`day` moved by the offset: calendar days, weeks, calendar months or working days."""
    if offset.unit == "d":
        return day + dt.timedelta(days=offset.amount)
    if offset.unit == "w":
        return day + dt.timedelta(days=7 * offset.amount)
    if offset.unit == "M":
        return add_months(day, offset.amount)
    return work.add_workdays(day, offset.amount)


def window(completed_on: dt.date, rule: CategoryRule, work: WorkCalendar) -> tuple[dt.date, dt.date]:
    """[window_start, window_due], both inclusive. May raise UnknownCalendarYear for working-day rules."""
    return shift(completed_on, rule.start, work), shift(completed_on, rule.due, work)


def window_bounds(
    completed_on: dt.date, rule: CategoryRule, work: WorkCalendar
) -> tuple[dt.date | None, dt.date | None, set[int]]:
    """Each bound on its own: one that needs an unknown year's calendar is None (and the year returned)."""
    bounds: list[dt.date | None] = []
    unknown: set[int] = set()
    for offset in (rule.start, rule.due):
        try:
            bounds.append(shift(completed_on, offset, work))
        except UnknownCalendarYear as exc:
            bounds.append(None)
            unknown.add(exc.year)
    return bounds[0], bounds[1], unknown


def month_of(day: dt.date | None) -> str | None:
    return f"{day.year:04d}-{day.month:02d}" if day else None


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    year, mon = (int(p) for p in month.split("-"))
    return dt.date(year, mon, 1), dt.date(year, mon, calendar.monthrange(year, mon)[1])
