"""Callback status of every case as of a date (SPEC §4), with who calls and how.

A pipeline of pure steps over the loaded ledger: suggested severities, windows,
the sample of each (category, completion month), then one status per case.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from ledger.core.allocation import without_gc
from ledger.core.attempts import is_unreachable as _unreachable_after
from ledger.core.follow_ups import FollowUp, follow_ups
from ledger.core.i18n import register
from ledger.core.models import Case, Ledger, Problem
from ledger.core.rules import CategoryRule
from ledger.core.sampling import Draw, default_seed, draw
from ledger.core.severity import Suggestion, suggest_all
from ledger.core.vocab import EXEMPT_REASONS, SEVERITY_RANK, STATUSES
from ledger.core.windows import month_of, window_bounds
from ledger.core.workdays import WorkCalendar

STRONG_SEVERITIES = ("major", "hot", "important")

register(
    {
        "calendar.year_unknown": {
            "zh-Hans": "{year}年的法定节假日尚未收录,无法按工作日计算;请在“设置”表的【节假日】中填写{year}年的放假和调休上班日期。",
            "zh-Hant": "{year}年的法定節假日尚未收錄,無法按工作日計算;請在「設置」表的【節假日】中填寫{year}年的放假和調休上班日期。",
            "en": "The public holidays of {year} are not known yet, so working days cannot be counted; list {year}'s holidays and make-up working days under [Holidays] in the Settings sheet.",
        },
    }
)


@dataclass(slots=True)
class Assessment:
    case: Case
    status: str | None
    window_start: dt.date | None = None
    window_due: dt.date | None = None
    needs_callback: bool = False
    sampled: bool | None = None
    sample_reason: str | None = None
    forced_full: bool = False
    assignee_role: str | None = None
    suggested_method: str | None = None
    suggestion: Suggestion | None = None
    closure: str | None = None  # closed | reopened | pending

    def days_left(self, as_of: dt.date) -> int | None:
        """Days until the window closes; negative once overdue."""
        return None if self.window_due is None else (self.window_due - as_of).days


@dataclass
class CallbackReport:
    as_of: dt.date
    assessments: list[Assessment]
    draws: dict[tuple[str, str], Draw] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    suggestions: dict[int, Suggestion] = field(default_factory=dict)  # severity.suggest_all as of as_of
    follow_ups: list[FollowUp] = field(default_factory=list)  # core.follow_ups as of as_of

    def counts(self) -> dict[str, int]:
        counts = {key: 0 for key in STATUSES.keys()}
        for a in self.assessments:
            if a.status:
                counts[a.status] += 1
        return counts

    def by_row(self) -> dict[int, Assessment]:
        return {a.case.row: a for a in self.assessments}


def is_forced_full(case: Case, suggestion: Suggestion | None) -> bool:
    """Always called back, whatever the rate: serious complaints and strong reactions (004 5.6.2-5.6.3)."""
    if case.strong_reaction:
        return True
    if case.category != "complaint":
        return False
    clerk = case.severity in STRONG_SEVERITIES
    suggested = suggestion is not None and suggestion.severity in STRONG_SEVERITIES
    return clerk or suggested


def effective_severity(case: Case, suggestion: Suggestion | None) -> str | None:
    """The higher of the clerk's and the suggested severity (the clerk's on a tie)."""
    clerk, suggested = case.severity, suggestion.severity if suggestion else None
    if not suggested or not clerk:
        return clerk or suggested or None
    return suggested if SEVERITY_RANK[suggested] > SEVERITY_RANK[clerk] else clerk


@without_gc
def assess(ledger: Ledger, as_of: dt.date, seeds: dict[str, int] | None = None) -> CallbackReport:
    """Statuses as of `as_of`. `seeds` maps a completion month to the seed its draw used."""
    settings = ledger.settings
    work = WorkCalendar(settings.holidays)
    suggestions = suggest_all(ledger.cases, as_of, work)
    report = CallbackReport(as_of, [], suggestions=suggestions)
    unknown_years: set[int] = {s.unknown_year for s in suggestions.values() if s.unknown_year}
    populations: dict[tuple[str, str], list[Case]] = defaultdict(list)
    forced_rows: set[int] = set()
    # per category and per (completion day, category), not per case: a ledger has a few hundred of each
    rules: dict[str, CategoryRule] = {}
    days: dict[tuple[dt.date, str], tuple[dt.date | None, dt.date | None, tuple[str, str]]] = {}
    items: list[Assessment] = []
    to_call: list[Assessment] = []
    declined: list[int] = []  # where in items the cases the customer declined are
    for case in ledger.cases:
        category = case.category
        completed_on = case.completed_on
        suggestion = suggestions.get(case.row)
        if case.no_callback_reason == "declined":
            declined.append(len(items))
        if category is None:
            items.append(Assessment(case, "open" if completed_on is None else None, suggestion=suggestion))
            continue
        rule = rules.get(category)
        if rule is None:
            rule = rules[category] = settings.rule(category)
        # only complaints and strong reactions can be forced (is_forced_full), most rows are neither
        forced = (case.strong_reaction or category == "complaint") and is_forced_full(case, suggestion)
        role = _role(case, suggestion, rule.role) if category == "complaint" else rule.role
        method = "on_site" if forced else "phone"
        # Assessment(case, status, window_start, window_due, needs_callback, sampled, sample_reason,
        #            forced_full, assignee_role, suggested_method, suggestion): positional, one per row
        if completed_on is None or completed_on > as_of:
            items.append(Assessment(case, "open", None, None, False, None, None, forced, role, method, suggestion))
            continue
        key = (completed_on, category)
        day = days.get(key)
        if day is None:  # window bounds and the population the day's cases are drawn from
            start, due, unknown = window_bounds(completed_on, rule, work)
            unknown_years |= unknown
            day = days[key] = (start, due, (category, month_of(completed_on)))
        if case.no_callback_reason in EXEMPT_REASONS and not _called(case, as_of):
            items.append(
                Assessment(case, "exempt", day[0], day[1], False, None, None, forced, role, method, suggestion)
            )
            continue
        a = Assessment(case, None, day[0], day[1], True, None, None, forced, role, method, suggestion)
        items.append(a)
        to_call.append(a)
        if forced:
            forced_rows.add(case.row)
        populations[day[2]].append(case)
    for (category, month), population in populations.items():
        seed = (seeds or {}).get(month, default_seed(month))
        report.draws[(category, month)] = draw(
            category, month, settings.rule(category).rate, population, seed, forced_rows
        )
    drawn_reason: dict[int, str] = {}
    for d in report.draws.values():
        drawn_reason.update(d.reasons)
    attempts_limit = settings.unreachable_attempts
    days_known = "attempt_dates" in ledger.columns  # the unreachable ladder (core.attempts)
    for a in to_call:
        case = a.case
        a.sample_reason = drawn_reason.get(case.row)
        a.sampled = case.row in drawn_reason
        a.status = _status(case, a, as_of, attempts_limit, days_known)
        if case.satisfaction:  # no grade, no closure
            a.closure = _closure(case, as_of)
    closures = declined_closures(ledger, as_of)
    for i in declined:
        closure = closures.get(items[i].case.row)
        if closure is not None:
            items[i].closure = closure
    report.assessments = items
    report.follow_ups = follow_ups(ledger, as_of)
    for year in sorted(unknown_years):
        report.problems.append(Problem.make("calendar.year_unknown", ledger.lang, severity="warning", year=year))
    return report


def _called(case: Case, as_of: dt.date) -> bool:
    return case.callback_on is not None and case.callback_on <= as_of


def _status(case: Case, a: Assessment, as_of: dt.date, attempts_limit: int, days_known: bool = False) -> str:
    """One status per completed case needing a callback (SPEC §4); bounds are inclusive.

    A bound that needs an unknown year's calendar is None: the case is then
    never called early or late on a guess (reported as calendar.year_unknown).
    """
    start, due = a.window_start, a.window_due
    called_on = case.callback_on
    if called_on is not None and called_on <= as_of:  # _called
        if start is not None and called_on < start:
            return "too_early"
        if due is not None and called_on > due:
            return "done_late"
        return "done"
    if _unreachable_after(case, attempts_limit, days_known):
        return "unreachable"
    if not a.sampled:
        return "not_sampled"
    if start is not None and as_of < start:
        return "not_yet_due"
    if due is not None and as_of > due:
        return "overdue"
    return "due"


def is_unreachable(case: Case, attempts_limit: int) -> bool:
    """无法联系 recorded by the clerk, or the configured number of failed attempts reached."""
    return case.no_callback_reason == "unreachable" or (case.callback_attempts or 0) >= attempts_limit


def _closure(case: Case, as_of: dt.date) -> str | None:
    """Closing by the callback's grade (002 规范10): a grade given after the as-of date is not known yet."""
    if case.callback_on is not None and case.callback_on > as_of:
        return None
    if case.satisfaction in ("satisfied", "fairly_satisfied"):
        return "closed"
    if case.satisfaction == "unsatisfied":
        return "reopened"
    return None


def _role(case: Case, suggestion: Suggestion | None, default: str) -> str:
    if case.category == "complaint":
        return "office_manager" if effective_severity(case, suggestion) == "major" else "department_supervisor"
    return default


def declined_closures(ledger: Ledger, as_of: dt.date) -> dict[int, str]:
    """Customer declined the callback: closed if no repeat on the unit and matter within 7 days (002 规范10.5).

    A repeat is a complaint (or a case of the declined case's own category) on the
    same unit and aspect received from the completion day to 7 days after it, as
    known on the as-of date; until those 7 days have passed the closure is pending.
    """
    declined = [
        c
        for c in ledger.cases
        if c.no_callback_reason == "declined" and c.completed_on is not None and c.completed_on <= as_of and c.unit
    ]
    if not declined:
        return {}
    matters = {(c.unit.strip(), c.aspect) for c in declined}
    by_matter: dict[tuple[str, str | None], list[Case]] = defaultdict(list)
    for c in ledger.cases:
        if c.unit and c.received_at:
            key = (c.unit.strip(), c.aspect)
            if key in matters:
                by_matter[key].append(c)
    out: dict[int, str] = {}
    for c in declined:
        limit = c.completed_on + dt.timedelta(days=7)
        repeat = any(
            o is not c
            and o.category in ("complaint", c.category)
            and c.completed_on <= o.received_on <= min(limit, as_of)
            for o in by_matter[(c.unit.strip(), c.aspect)]
        )
        out[c.row] = "reopened" if repeat else ("closed" if as_of > limit else "pending")
    return out
