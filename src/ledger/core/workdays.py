"""Working days on the mainland calendar, with make-up working days (调休).

The official calendar comes from chinese-calendar; Settings can add holidays
and make-up days. A year neither knows is reported, never guessed: listing any
day of a year in Settings declares that year known (its other days then follow
Monday–Friday), because the clerk has entered that year's holiday notice.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import chinese_calendar

from ledger.core.errors import LedgerError
from ledger.core.settings import Holiday

ONE_DAY = dt.timedelta(days=1)


class UnknownCalendarYear(LedgerError):
    """The official calendar does not know this year yet (the rules report it as a problem)."""

    def __init__(self, year: int):
        super().__init__("calendar.year_unknown", year=year)
        self.year = year


@cache
def _official(day: dt.date) -> bool | None:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


class WorkCalendar:
    def __init__(self, holidays: list[Holiday] | tuple[Holiday, ...] = ()):
        self.overrides = {h.day: h.workday for h in holidays}
        self.years_in_settings = {h.day.year for h in holidays}
        self._walks: dict[tuple[dt.date, int], tuple[dt.date, int | None]] = {}

    def is_workday(self, day: dt.date) -> bool:
        """Settings first (extra holiday or make-up day), then the official calendar."""
        if day in self.overrides:
            return self.overrides[day]
        official = _official(day)
        if official is None:
            if day.year not in self.years_in_settings:
                raise UnknownCalendarYear(day.year)
            return day.weekday() < 5
        return official

    def _walk(self, start: dt.date, count: int) -> tuple[dt.date, int | None]:
        """Counting `count` working days after `start`: the day reached, or the first day of an
        unknown year met on the way and that year. Remembered per start, since a big ledger asks
        the same few hundred starts thousands of times."""
        key = (start, count)
        walked = self._walks.get(key)
        if walked is None:
            day, remaining, unknown = start, count, None
            while remaining > 0:
                day += ONE_DAY
                try:
                    if self.is_workday(day):
                        remaining -= 1
                except UnknownCalendarYear as exc:
                    unknown = exc.year
                    break
            walked = self._walks[key] = (day, unknown)
        return walked

    def add_workdays(self, start: dt.date, count: int) -> dt.date:
        """The date `count` working days after `start` (start itself not counted; 0 → start)."""
        day, unknown = self._walk(start, count)
        if unknown is not None:
            raise UnknownCalendarYear(unknown)
        return day

    def after_workdays(self, start: dt.date, count: int, day: dt.date) -> bool:
        """Is `day` later than `add_workdays(start, count)`?

        Looks only at the days before `day`, so a case settled inside the limit
        does not need next year's calendar to be known.
        """
        reached, unknown = self._walk(start, count)
        if day <= reached:
            return False
        if unknown is not None:
            raise UnknownCalendarYear(unknown)
        return True

    def knows(self, day: dt.date) -> bool:
        try:
            self.is_workday(day)
            return True
        except UnknownCalendarYear:
            return False
