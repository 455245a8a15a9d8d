"""Monthly statistics (SPEC §6, the `stats` JSON of §9): pure computation, no Excel.

Every number follows the written definitions of §9 so that head office, or a
reader with COUNTIFS, re-derives it from the ledger rows. Choices the spec leaves
open are made here once and named:

- Compliance is judged with one `callbacks.assess` report as of the build date
  (the callbacks recorded when the statistics are built). A case of a sampled
  category that was not drawn and not called (status `not_sampled`) is in the
  population but in no outcome bucket: it was never owed a call. A case whose
  window closes in M but is still `due` / `not_yet_due` on the build date (the
  statistics were built before the window closed) is likewise in no bucket yet.
- A complaint with no clerk severity counts as 一般 when looking for raised
  severities, and is left out of the class × severity table (no cell to put it in).
- Look-back windows of N days end on M's last day and hold N days, both ends
  included: received_on in [last − (N − 1), last].
- Satisfaction rates divide by the callbacks that carry a grade; rows without a
  readable category are left out of every table (they have no column to go in).
- `responded_24h`: with both times known, 0 ≤ reply − receipt ≤ 24 h; when either
  is a bare date, a reply on the day of receipt or the next calendar day.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ledger.core.allocation import without_gc
from ledger.core.callbacks import CallbackReport, assess
from ledger.core.coverage import Excluded, excluded_cases, missing_figures
from ledger.core.follow_ups import FollowUpCounts, month_counts
from ledger.core.models import Case, Ledger, Problem
from ledger.core.sampling import required_count
from ledger.core.stats_alerts import Alerts, alerts
from ledger.core.suspicions import Suspicion, find_suspicions
from ledger.core.timeliness import Count, timeliness
from ledger.core.vocab import ASPECTS, CATEGORIES, RESPONSIBILITY, SEVERITIES
from ledger.core.windows import add_months, month_bounds, month_of
from ledger.core.workdays import WorkCalendar

OUTCOME_OF_STATUS = {
    "done": "on_time",
    "done_late": "late",
    "too_early": "too_early",
    "overdue": "overdue",
    "unreachable": "unreachable",
}
TREND_MONTHS = 12


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Compliance:
    """One category's callback compliance for the windows closing in the month."""

    rate: float | None  # the rule's required rate; None for a totals row
    population: int = 0
    sampled: int = 0
    on_time: int = 0
    late: int = 0
    too_early: int = 0
    overdue: int = 0
    exempt: int = 0
    unreachable: int = 0
    summed_required: int = 0  # totals row: the categories' required counts added up

    @property
    def required(self) -> int:
        return self.summed_required if self.rate is None else required_count(self.rate, self.population)

    @property
    def called(self) -> int:
        return self.on_time + self.late + self.too_early

    @property
    def callback_rate(self) -> float | None:
        return _ratio(self.called, self.population)

    @property
    def passed(self) -> bool:
        return self.on_time >= self.required

    def add(self, other: Compliance) -> None:
        for key in ("population", "sampled", "on_time", "late", "too_early", "overdue", "exempt", "unreachable"):
            setattr(self, key, getattr(self, key) + getattr(other, key))

    def as_json(self) -> dict[str, Any]:
        return {
            "population": self.population,
            "required": self.required,
            "sampled": self.sampled,
            "on_time": self.on_time,
            "late": self.late,
            "too_early": self.too_early,
            "overdue": self.overdue,
            "exempt": self.exempt,
            "unreachable": self.unreachable,
            "callback_rate": self.callback_rate,
            "pass": self.passed,
        }


@dataclass
class Grades:
    """Satisfaction grades of callbacks, with the target they are held to."""

    target: float
    satisfied: int = 0
    fairly_satisfied: int = 0
    unsatisfied: int = 0

    @property
    def graded(self) -> int:
        return self.satisfied + self.fairly_satisfied + self.unsatisfied

    @property
    def content(self) -> int:
        return self.satisfied + self.fairly_satisfied

    @property
    def rate(self) -> float | None:
        return _ratio(self.content, self.graded)

    @property
    def passed(self) -> bool | None:
        return None if self.rate is None else self.rate >= self.target - 1e-12

    def count(self, grade: str, n: int = 1) -> None:
        setattr(self, grade, getattr(self, grade) + n)

    def as_json(self) -> dict[str, Any]:
        return {
            "satisfied": self.satisfied,
            "fairly_satisfied": self.fairly_satisfied,
            "unsatisfied": self.unsatisfied,
            "rate": self.rate,
        }


@dataclass
class TrendPoint:
    """One month of the 12-month trend, from the same functions as the month itself."""

    month: str
    satisfaction: Grades
    compliance: Compliance  # all categories together

    @property
    def required_rate(self) -> float | None:
        return _ratio(self.compliance.required, self.compliance.population)

    def as_json(self) -> dict[str, Any]:
        c = self.compliance
        return {
            "month": self.month,
            "graded": self.satisfaction.graded,
            "satisfaction_rate": self.satisfaction.rate,
            "population": c.population,
            "called": c.called,
            "on_time": c.on_time,
            "required": c.required,
            "callback_rate": c.callback_rate,
        }


@dataclass
class MonthStats:
    month: str
    office: str
    as_of: dt.date
    received: dict[str, int]
    completed: dict[str, int]
    open: dict[str, int]
    by_class_severity: dict[str, dict[str, int]]
    by_aspect: dict[str, int]
    unclassified: int  # complaints of M lacking a class or severity
    compliance: dict[str, Compliance]
    satisfaction: dict[str, Grades]  # categories + "overall"
    satisfaction_by_aspect: dict[str, Grades]
    responded_24h: Count
    resolved_3_workdays: Count
    median_days: dict[str, float | None]  # receipt to completion, cases completed in M; + "overall"
    alerts: Alerts
    trend: list[TrendPoint] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    missing: dict[str, list[str]] = field(default_factory=dict)  # figure -> case columns the ledger lacks

    @property
    def partial(self) -> bool:
        """The month is not over at the as-of date: its figures are so far, not final."""
        return self.as_of <= self.last_day  # on its last day, cases still come in

    follow_ups: FollowUpCounts = field(default_factory=FollowUpCounts)  # core.follow_ups (000 4.5-4.6)
    suspicions: list[Suspicion] = field(default_factory=list)  # core.suspicions, callbacks made in M

    @property
    def first_day(self) -> dt.date:
        return month_bounds(self.month)[0]

    @property
    def last_day(self) -> dt.date:
        return month_bounds(self.month)[1]

    def compliance_total(self) -> Compliance:
        return combined(self.compliance.values())

    def as_json(self) -> dict[str, Any]:
        """The §9 `stats` document; keys beyond §9 are added at the top level only.

        A figure whose column the ledger lacks is null (counts and rates), never 0 (§9.1).
        """
        gone = self.missing

        def null(doc: dict[str, Any], figure: str, keep: tuple[str, ...] = ()) -> dict[str, Any]:
            return {k: (v if k in keep else None) for k, v in doc.items()} if figure in gone else doc

        return {
            "month": self.month,
            "received": dict(self.received),
            "completed": null(dict(self.completed), "completed"),
            "open": null(dict(self.open), "open"),
            "complaints": {
                "by_class_severity": {k: null(dict(v), "by_class_severity") for k, v in self.by_class_severity.items()},
                "by_aspect": null(dict(self.by_aspect), "by_aspect"),
            },
            "compliance": {k: null(c.as_json(), "compliance") for k, c in self.compliance.items()},
            "satisfaction": {k: null(g.as_json(), "satisfaction") for k, g in self.satisfaction.items()},
            "timeliness": {
                "responded_24h": null(self.responded_24h.as_json(), "responded_24h", ("of",)),
                "resolved_3_workdays": null(self.resolved_3_workdays.as_json(), "resolved_3_workdays", ("of",)),
            },
            "alerts": self.alerts.as_json(),
            "excluded": [e.as_json() for e in self.excluded],
            "partial": self.partial,
            "no_data": {figure: list(fields) for figure, fields in gone.items()},
            "office": self.office,
            "as_of": self.as_of.isoformat(),
            "satisfaction_by_aspect": {
                k: null(g.as_json(), "satisfaction") for k, g in self.satisfaction_by_aspect.items()
            },
            "median_days_to_complete": null(dict(self.median_days), "median_days"),
            "trend": [p.as_json() for p in self.trend],
            "follow_ups": self.follow_ups.as_json(),
            "suspicions": [x.as_json() for x in self.suspicions],
        }

    def headline(self) -> dict[str, Any]:
        """The few numbers a covering e-mail quotes (ledger.sending placeholders)."""
        return {
            "callbacks": self.satisfaction["overall"].graded,
            "satisfaction_rate": None if "satisfaction" in self.missing else self.satisfaction["overall"].rate,
            "overdue": self.compliance_total().overdue,
            "alerts": self.alerts.total,
        }


def combined(parts) -> Compliance:
    """All categories together; the total's required count is the sum of the categories'."""
    total = Compliance(rate=None)
    for p in parts:
        total.add(p)
        total.summed_required += p.required
    return total


def _by_category() -> dict[str, int]:
    return {k: 0 for k in CATEGORIES.keys()}


# Loops take a case's receipt day from received_at (the received_on property costs more than the
# check), and the trend's 12 months read two tallies built in one pass each, not the rows 12 times.

# ---------------------------------------------------------------- 1. received, completed, open


def case_counts(cases: list[Case], first: dt.date, last: dt.date) -> tuple[dict, dict, dict]:
    received, completed, still_open = _by_category(), _by_category(), _by_category()
    for c in cases:
        category = c.category
        if category is None:
            continue
        done = c.completed_on
        if c.received_at:
            day = c.received_at.date()
            if day <= last:
                if first <= day:
                    received[category] += 1
                if done is None or done > last:
                    still_open[category] += 1
        if done is not None and first <= done <= last:
            completed[category] += 1
    return received, completed, still_open


# ---------------------------------------------------------------- 2. complaints of the month


def complaint_tables(cases: list[Case], first: dt.date, last: dt.date) -> tuple[dict, dict, int]:
    table = {k: {s: 0 for s in SEVERITIES.keys()} for k in RESPONSIBILITY.keys()}
    aspects = {k: 0 for k in ASPECTS.keys()}
    unclassified = 0
    for c in cases:
        if c.category != "complaint" or not c.received_at or not first <= c.received_at.date() <= last:
            continue
        if c.responsibility and c.severity:
            table[c.responsibility][c.severity] += 1
        else:
            unclassified += 1
        if c.aspect:
            aspects[c.aspect] += 1
    return table, aspects, unclassified


# ---------------------------------------------------------------- 3. compliance


def compliance_tally(report: CallbackReport) -> Counter:
    """Assessments with a window, counted by (window_due, category, status, needs_callback, sampled)."""
    return Counter(
        (a.window_due, a.case.category, a.status, a.needs_callback, a.sampled)
        for a in report.assessments
        if a.window_due is not None
    )


def compliance(
    report: CallbackReport, rates: dict[str, float], first: dt.date, last: dt.date, tally: Counter | None = None
) -> dict[str, Compliance]:
    """Each case judged once, in the month its window closes (SPEC §9). `tally`: compliance_tally(report)."""
    out = {k: Compliance(rate=rates[k]) for k in CATEGORIES.keys()}
    tally = compliance_tally(report) if tally is None else tally
    for (due, category, status, needs_callback, sampled), n in tally.items():
        if category is None or not first <= due <= last:
            continue
        row = out[category]
        if status == "exempt":
            row.exempt += n
            continue
        if not needs_callback:
            continue
        row.population += n
        if sampled:
            row.sampled += n
        outcome = OUTCOME_OF_STATUS.get(status or "")
        if outcome:
            setattr(row, outcome, getattr(row, outcome) + n)
    return out


# ---------------------------------------------------------------- 4. satisfaction


def grade_tally(cases: list[Case]) -> Counter:
    """Graded callbacks of categorised cases, counted by (callback_on, category, aspect, grade)."""
    return Counter(
        (c.callback_on, c.category, c.aspect, c.satisfaction)
        for c in cases
        if c.callback_on is not None and c.satisfaction and c.category is not None
    )


def satisfaction(
    cases: list[Case], first: dt.date, last: dt.date, target_of, overall_target: float, tally: Counter | None = None
) -> tuple[dict[str, Grades], dict[str, Grades]]:
    """Grades of the callbacks made in the month, per category (+ overall) and per aspect.

    `tally`: grade_tally(cases), when the caller reads several months.
    """
    by_category = {k: Grades(target_of(k)) for k in CATEGORIES.keys()}
    overall = Grades(overall_target)
    by_aspect = {k: Grades(overall_target) for k in ASPECTS.keys()}
    tally = grade_tally(cases) if tally is None else tally
    for (callback_on, category, aspect, grade), n in tally.items():
        if not first <= callback_on <= last:
            continue
        by_category[category].count(grade, n)
        overall.count(grade, n)
        if aspect:
            by_aspect[aspect].count(grade, n)
    return {**by_category, "overall": overall}, by_aspect


# ---------------------------------------------------------------- 7. trend and the whole month


def trend_months(month: str, count: int = TREND_MONTHS) -> list[str]:
    first = month_bounds(month)[0]
    return [month_of(add_months(first, -i)) for i in range(count - 1, -1, -1)]


def trend(
    ledger: Ledger,
    report: CallbackReport,
    month: str,
    rates: dict[str, float],
    count: int = TREND_MONTHS,
    grades: Counter | None = None,
    judged: Counter | None = None,
) -> list[TrendPoint]:
    """`grades`, `judged`: grade_tally(ledger.cases) and compliance_tally(report) when the caller has them."""
    grades = grade_tally(ledger.cases) if grades is None else grades
    judged = compliance_tally(report) if judged is None else judged
    points = []
    s = ledger.settings
    for m in trend_months(month, count):
        first, last = month_bounds(m)
        month_grades, _ = satisfaction(ledger.cases, first, last, s.target, s.satisfaction_target, grades)
        points.append(
            TrendPoint(m, month_grades["overall"], combined(compliance(report, rates, first, last, judged).values()))
        )
    return points


@without_gc
def compute(
    ledger: Ledger,
    month: str,
    as_of: dt.date,
    seeds: dict[str, int] | None = None,
    report: CallbackReport | None = None,
) -> MonthStats:
    """The statistics of `month`, judged with the callbacks recorded on `as_of`."""
    first, last = month_bounds(month)
    s = ledger.settings
    work = WorkCalendar(s.holidays)
    report = report or assess(ledger, as_of, seeds)
    rates = {k: s.rule(k).rate for k in CATEGORIES.keys()}
    graded, judged = grade_tally(ledger.cases), compliance_tally(report)
    excluded = excluded_cases(ledger, first, last)
    left_out = {e.row for e in excluded}
    placed = [c for c in ledger.cases if c.row not in left_out] if left_out else ledger.cases
    received, completed, still_open = case_counts(placed, first, last)
    table, aspects, unclassified = complaint_tables(placed, first, last)
    grades, by_aspect = satisfaction(ledger.cases, first, last, s.target, s.satisfaction_target, graded)
    responded, resolved, medians, years_t = timeliness(placed, first, last, work)
    found, years_a = alerts(ledger, first, last, work)
    missing = missing_figures(ledger)
    if "severity_raised" in missing:  # no alert about data that is not there
        found.severity_raised = []
    problems = list(report.problems)
    known = {p.message for p in problems}
    for year in sorted(years_t | years_a):
        p = Problem.make("calendar.year_unknown", ledger.lang, severity="warning", year=year)
        if p.message not in known:
            problems.append(p)
            known.add(p.message)
    return MonthStats(
        month=month,
        office=s.office,
        as_of=as_of,
        received=received,
        completed=completed,
        open=still_open,
        by_class_severity=table,
        by_aspect=aspects,
        unclassified=unclassified,
        compliance=compliance(report, rates, first, last, judged),
        satisfaction=grades,
        satisfaction_by_aspect=by_aspect,
        responded_24h=responded,
        resolved_3_workdays=resolved,
        median_days=medians,
        alerts=found,
        trend=trend(ledger, report, month, rates, grades=graded, judged=judged),
        problems=problems,
        excluded=excluded,
        missing=missing,
        follow_ups=month_counts(ledger, first, last, as_of),
        suspicions=find_suspicions(ledger, report, month),
    )
