"""SPEC §4: callback status as of a date, on both sides of every boundary; 100 % rules; closing."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from ledger.core.callbacks import assess
from ledger.core.models import Case, Ledger
from ledger.core.settings import Settings
from ledger.core.vocab import ASPECTS, CATEGORIES, STATUSES

D = dt.date
DONE = D(2026, 3, 10)  # a repair completed on 03-10 is called back from 04-10 to 05-10
RECEIVED = D(2026, 3, 1)


def mk(
    row: int, category: str = "repair", completed: dt.date | None = DONE, received: dt.date = RECEIVED, **more
) -> Case:
    more.setdefault("unit", f"{row}栋101")
    more.setdefault("aspect", "房屋维修" if category == "repair" else "清洁卫生")
    return Case(
        row=row,
        case_id=more.pop("case_id", f"K{row}"),
        category=category,
        received_at=dt.datetime.combine(received, dt.time()),
        completed_on=completed,
        **more,
    )


def ledger(*cases: Case, **settings) -> Ledger:
    return Ledger(cases=list(cases), problems=[], settings=Settings(**settings))


def status(case: Case, as_of: dt.date, **settings) -> str:
    return assess(ledger(case, **settings), as_of).by_row()[case.row].status


@pytest.mark.parametrize(
    "as_of, expected",
    [
        (D(2026, 4, 9), "not_yet_due"),  # window_start - 1
        (D(2026, 4, 10), "due"),  # = window_start
        (D(2026, 5, 10), "due"),  # = window_due
        (D(2026, 5, 11), "overdue"),  # window_due + 1
    ],
)
def test_uncalled_status_on_both_sides_of_window_bounds(as_of, expected):
    assert status(mk(2), as_of) == expected


@pytest.mark.parametrize(
    "callback_on, expected",
    [
        (D(2026, 4, 9), "too_early"),
        (D(2026, 4, 10), "done"),
        (D(2026, 5, 10), "done"),
        (D(2026, 5, 11), "done_late"),
    ],
)
def test_called_status_on_both_sides_of_window_bounds(callback_on, expected):
    assert status(mk(2, callback_on=callback_on), D(2026, 6, 30)) == expected


def test_callback_after_as_of_date_is_not_seen_yet():
    assert status(mk(2, callback_on=D(2026, 4, 20)), D(2026, 4, 15)) == "due"


def test_complaint_window_is_inclusive_three_days():
    c = mk(2, "complaint", completed=D(2026, 3, 10))
    assert status(c, D(2026, 3, 10)) == "due"
    assert status(c, D(2026, 3, 13)) == "due"
    assert status(c, D(2026, 3, 14)) == "overdue"


def test_not_completed_is_open():
    assert status(mk(2, completed=None), D(2026, 12, 31)) == "open"


def test_completed_after_as_of_date_is_open():
    c = mk(2, completed=D(2026, 3, 10))
    assert status(c, D(2026, 3, 9)) == "open"
    assert status(c, D(2026, 3, 10)) == "not_yet_due"


def test_open_case_has_no_window_and_no_sample():
    a = assess(ledger(mk(2, completed=None)), D(2026, 4, 1)).assessments[0]
    assert (a.window_start, a.window_due, a.sampled) == (None, None, None)


@pytest.mark.parametrize("reason", ["resolved_on_site", "anonymous", "declined", "sensitive"])
def test_exempt_reasons_are_exempt_and_out_of_the_population(reason):
    report = assess(ledger(mk(2, no_callback_reason=reason), mk(3)), D(2026, 4, 20))
    a = report.by_row()[2]
    assert a.status == "exempt" and a.sampled is None and not a.needs_callback
    assert [c.row for c in report.draws[("repair", "2026-03")].population] == [3]


def test_unreachable_reason_is_not_exempt_and_stays_in_the_population():
    report = assess(ledger(mk(2, no_callback_reason="unreachable"), mk(3)), D(2026, 4, 20))
    assert report.by_row()[2].status == "unreachable"
    assert sorted(c.row for c in report.draws[("repair", "2026-03")].population) == [2, 3]


def test_exempt_case_called_back_anyway_is_judged_as_called():
    assert status(mk(2, no_callback_reason="declined", callback_on=D(2026, 4, 12)), D(2026, 4, 20)) == "done"


@pytest.mark.parametrize("attempts, expected", [(2, "due"), (3, "unreachable"), (4, "unreachable")])
def test_attempts_reaching_the_default_limit_are_unreachable(attempts, expected):
    assert status(mk(2, callback_attempts=attempts), D(2026, 4, 20)) == expected


@pytest.mark.parametrize("attempts, expected", [(4, "due"), (5, "unreachable")])
def test_attempts_limit_comes_from_settings(attempts, expected):
    assert status(mk(2, callback_attempts=attempts), D(2026, 4, 20), unreachable_attempts=5) == expected


def test_successful_callback_after_failed_attempts_is_done():
    assert status(mk(2, callback_attempts=3, callback_on=D(2026, 4, 20)), D(2026, 4, 25)) == "done"


def test_undrawn_cases_of_a_30_percent_category_are_not_sampled():
    report = assess(ledger(*[mk(r) for r in range(2, 12)]), D(2026, 4, 20))
    statuses = [a.status for a in report.assessments]
    assert statuses.count("due") == 3 and statuses.count("not_sampled") == 7
    assert all(a.sampled is (a.status == "due") for a in report.assessments)


def test_100_percent_category_has_no_not_sampled():
    report = assess(ledger(*[mk(r, "emergency") for r in range(2, 12)]), D(2026, 3, 12))
    assert {a.status for a in report.assessments} == {"due"}


def _complaints_at_half_rate() -> Settings:
    s = Settings()
    s.rules["complaint"] = s.rules["complaint"].model_copy(update={"rate": 0.5})
    return s


@pytest.mark.parametrize("severity", ["major", "hot", "important"])
def test_serious_complaints_are_always_called_even_below_100_percent(severity):
    settings = _complaints_at_half_rate()
    cases = [
        mk(
            r,
            "complaint",
            completed=D(2026, 3, 2),
            received=D(2026, 3, 2),
            severity="general",
            aspect=ASPECTS.keys()[r],
        )
        for r in range(2, 12)
    ]  # distinct matters: no rule fires
    cases.append(mk(12, "complaint", completed=D(2026, 3, 2), received=D(2026, 3, 2), severity=severity))
    report = assess(Ledger(cases=cases, problems=[], settings=settings), D(2026, 3, 3))
    serious = report.by_row()[12]
    assert serious.sampled and serious.sample_reason == "full" and serious.forced_full
    assert serious.suggested_method == "on_site"
    assert sum(a.sampled for a in report.assessments) == 6  # ceil(0.5 × 11)


def test_suggested_severity_forces_a_full_callback_too():
    settings = _complaints_at_half_rate()
    cases = [
        mk(
            r,
            "complaint",
            completed=D(2026, 3, 2),
            received=D(2026, 3, 2),
            severity="general",
            aspect=ASPECTS.keys()[r],
        )
        for r in range(2, 6)
    ]
    cases.append(
        mk(6, "complaint", completed=D(2026, 3, 2), received=D(2026, 3, 2), severity="general", complainants=3)
    )
    a = assess(Ledger(cases=cases, problems=[], settings=settings), D(2026, 3, 3)).by_row()[6]
    assert a.suggestion.severity == "hot" and a.forced_full and a.sampled and a.suggested_method == "on_site"


def test_strong_reaction_forces_a_full_callback_in_a_sampled_category():
    cases = [mk(r) for r in range(2, 12)] + [mk(12, strong_reaction=True)]
    a = assess(ledger(*cases), D(2026, 4, 20)).by_row()[12]
    assert a.sampled and a.sample_reason == "full" and a.suggested_method == "on_site"
    assert a.assignee_role == "clerk"


def test_general_complaint_is_called_by_phone():
    a = assess(ledger(mk(2, "complaint", severity="general", received=D(2026, 3, 9))), D(2026, 3, 11)).by_row()[2]
    assert a.suggested_method == "phone" and not a.forced_full


@pytest.mark.parametrize(
    "case, role",
    [
        (mk(2, "complaint", severity="major"), "office_manager"),
        (mk(2, "complaint", severity="general", lawsuit_or_media=True), "office_manager"),  # suggested major
        (mk(2, "complaint", severity="hot"), "department_supervisor"),
        (mk(2, "complaint", severity="general"), "department_supervisor"),
        (mk(2, "repair"), "clerk"),
        (mk(2, "event"), "clerk"),
    ],
)
def test_assignee_role_by_category_and_severity(case, role):
    assert assess(ledger(case), D(2026, 3, 11)).by_row()[2].assignee_role == role


@pytest.mark.parametrize(
    "grade, closure",
    [("satisfied", "closed"), ("fairly_satisfied", "closed"), ("unsatisfied", "reopened"), (None, None)],
)
def test_closing_by_satisfaction(grade, closure):
    c = mk(2, callback_on=D(2026, 4, 12), satisfaction=grade)
    assert assess(ledger(c), D(2026, 4, 20)).by_row()[2].closure == closure


def test_grade_of_a_callback_after_as_of_date_does_not_close_yet():
    c = mk(2, callback_on=D(2026, 4, 12), satisfaction="satisfied")
    assert assess(ledger(c), D(2026, 4, 11)).by_row()[2].closure is None


def _declined(**more) -> Case:
    return mk(
        2, "complaint", completed=D(2026, 3, 10), unit="1栋101", aspect="停车场", no_callback_reason="declined", **more
    )


def test_declined_without_repeat_within_7_days_closes():
    assert assess(ledger(_declined()), D(2026, 3, 18)).by_row()[2].closure == "closed"


def test_declined_is_pending_until_the_7_days_have_passed():
    assert assess(ledger(_declined()), D(2026, 3, 17)).by_row()[2].closure == "pending"


def test_declined_with_repeat_complaint_within_7_days_reopens():
    repeat = mk(3, "complaint", completed=None, received=D(2026, 3, 17), unit="1栋101", aspect="停车场")
    assert assess(ledger(_declined(), repeat), D(2026, 3, 31)).by_row()[2].closure == "reopened"


def test_declined_with_repeat_on_day_8_closes():
    repeat = mk(3, "complaint", completed=None, received=D(2026, 3, 18), unit="1栋101", aspect="停车场")
    assert assess(ledger(_declined(), repeat), D(2026, 3, 31)).by_row()[2].closure == "closed"


def test_declined_repeat_must_be_same_unit_and_matter():
    other = [
        mk(3, "complaint", completed=None, received=D(2026, 3, 12), unit="2栋101", aspect="停车场"),
        mk(4, "complaint", completed=None, received=D(2026, 3, 12), unit="1栋101", aspect="清洁卫生"),
    ]
    assert assess(ledger(_declined(), *other), D(2026, 3, 31)).by_row()[2].closure == "closed"


def test_counts_cover_every_status_key():
    report = assess(ledger(mk(2), mk(3, completed=None)), D(2026, 4, 20))
    counts = report.counts()
    assert list(counts) == STATUSES.keys()
    assert counts["open"] == 1 and counts["due"] == 1 and sum(counts.values()) == 2


# ---------------------------------------------------------------- properties


def _case_strategy(row: int):
    return st.builds(
        lambda cat, done, cb, attempts, reason, sev: mk(
            row,
            cat,
            completed=None if done is None else D(2026, 1, 1) + dt.timedelta(days=done),
            received=D(2026, 1, 1),
            callback_on=None if cb is None or done is None else D(2026, 1, 1) + dt.timedelta(days=done + cb),
            callback_attempts=attempts,
            no_callback_reason=reason,
            severity=sev,
            unit=f"{row % 4}栋{row}",
            case_id=f"P{row}",
        ),
        st.sampled_from(CATEGORIES.keys()),
        st.one_of(st.none(), st.integers(0, 120)),
        st.one_of(st.none(), st.integers(-3, 80)),
        st.one_of(st.none(), st.integers(0, 4)),
        st.sampled_from([None, None, None, "declined", "unreachable", "anonymous"]),
        st.sampled_from([None, "general", "important", "major"]),
    )


cases_strategy = st.integers(1, 25).flatmap(lambda n: st.tuples(*[_case_strategy(r) for r in range(2, n + 2)]))


@hsettings(max_examples=60, deadline=None)
@given(cases_strategy, st.integers(0, 200))
def test_property_every_case_gets_exactly_one_known_status(cases, day):
    as_of = D(2026, 1, 1) + dt.timedelta(days=day)
    report = assess(ledger(*cases), as_of)
    assert len(report.assessments) == len(cases)
    for a in report.assessments:
        assert a.status in STATUSES.keys()
        completed = a.case.completed_on is not None and a.case.completed_on <= as_of
        assert (a.status == "open") is (not completed)
        called = a.case.callback_on is not None and a.case.callback_on <= as_of
        exempt = completed and a.case.no_callback_reason in ("declined", "anonymous") and not called
        assert (a.status == "exempt") is exempt
        assert (a.status in ("done", "done_late", "too_early")) is (completed and called)
    assert sum(report.counts().values()) == len(cases)


@hsettings(max_examples=60, deadline=None)
@given(cases_strategy, st.integers(0, 200))
def test_property_every_draw_reaches_its_required_count(cases, day):
    report = assess(ledger(*cases), D(2026, 1, 1) + dt.timedelta(days=day))
    for d in report.draws.values():
        assert len(d.drawn) >= d.required
        assert all(a.sampled for a in report.assessments if a.case.row in {c.row for c in d.drawn})


@hsettings(max_examples=40, deadline=None)
@given(cases_strategy, st.integers(0, 200), st.randoms(use_true_random=False))
def test_property_same_seed_same_statuses_whatever_the_row_order(cases, day, rnd):
    as_of = D(2026, 1, 1) + dt.timedelta(days=day)
    first = {a.case.case_id: (a.status, a.sampled) for a in assess(ledger(*cases), as_of).assessments}
    moved = list(cases)
    rnd.shuffle(moved)
    for row, c in enumerate(moved, start=2):
        c.row = row
    again = {a.case.case_id: (a.status, a.sampled) for a in assess(ledger(*moved), as_of).assessments}
    assert again == first
