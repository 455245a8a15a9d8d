"""SPEC §3.4: the suggested complaint severity; each rule firing and not firing, highest wins, as of a date."""

from __future__ import annotations

import datetime as dt

from ledger.core.models import Case
from ledger.core.settings import Holiday
from ledger.core.severity import suggest_all
from ledger.core.workdays import WorkCalendar

D = dt.date
WORK = WorkCalendar()


def complaint(
    row: int,
    received: dt.date,
    completed: dt.date | None = None,
    unit: str = "3栋2单元1101",
    aspect: str = "清洁卫生",
    **more,
) -> Case:
    return Case(
        row=row,
        case_id=f"C{row}",
        category="complaint",
        received_at=dt.datetime.combine(received, dt.time()),
        completed_on=completed,
        unit=unit,
        aspect=aspect,
        **more,
    )


def suggest(cases: list[Case], as_of: dt.date, work: WorkCalendar = WORK):
    return suggest_all(cases, as_of, work)


def one(case: Case, as_of: dt.date):
    return suggest([case], as_of)[case.row]


# Monday 2026-03-02 is received; 3 working days later is Thursday 03-05.
MON = D(2026, 3, 2)


def test_resolved_within_3_workdays_is_general():
    s = one(complaint(2, MON, D(2026, 3, 5)), D(2026, 3, 31))
    assert (s.severity, s.reasons) == ("general", [])


def test_resolved_on_4th_workday_is_important():
    s = one(complaint(2, MON, D(2026, 3, 6)), D(2026, 3, 31))
    assert s.severity == "important" and s.reasons == ["important.unresolved_3_workdays"]


def test_three_workdays_skip_the_weekend():
    # received Friday 03-06: Mon 09, Tue 10, Wed 11 → resolved Wed is in time, Thu is not
    assert one(complaint(2, D(2026, 3, 6), D(2026, 3, 11)), D(2026, 3, 31)).severity == "general"
    assert one(complaint(2, D(2026, 3, 6), D(2026, 3, 12)), D(2026, 3, 31)).severity == "important"


def test_three_workdays_count_make_up_day_and_skip_holidays():
    # received 2026-09-30: Oct 1-7 off, Oct 8, 9 and Saturday Oct 10 (调休) are working days
    in_time = one(complaint(2, D(2026, 9, 30), D(2026, 10, 10)), D(2026, 10, 31))
    late = one(complaint(2, D(2026, 9, 30), D(2026, 10, 12)), D(2026, 10, 31))
    assert "important.unresolved_3_workdays" not in in_time.reasons  # (it is hot: over a week)
    assert "important.unresolved_3_workdays" in late.reasons


def test_open_complaint_becomes_important_only_after_the_3rd_workday():
    c = complaint(2, MON)
    assert one(c, D(2026, 3, 5)).severity == "general"
    assert one(c, D(2026, 3, 6)).severity == "important"


def test_completion_after_as_of_date_counts_as_unresolved_then():
    c = complaint(2, MON, D(2026, 3, 20))
    assert one(c, D(2026, 3, 4)).severity == "general"
    assert one(c, D(2026, 3, 9)).severity == "important"  # a week after receipt: not yet "over a week"
    assert one(c, D(2026, 3, 10)).severity == "hot"


def test_unresolved_one_week_is_hot_and_exactly_a_week_is_not():
    assert one(complaint(2, MON, D(2026, 3, 9)), D(2026, 3, 31)).severity == "important"  # day 7: not hot
    s = one(complaint(2, MON, D(2026, 3, 10)), D(2026, 3, 31))
    assert s.severity == "hot" and "hot.unresolved_week" in s.reasons


def test_unresolved_one_month_is_major_calendar_month():
    assert one(complaint(2, D(2026, 1, 31), D(2026, 2, 28)), D(2026, 4, 1)).severity == "hot"
    s = one(complaint(2, D(2026, 1, 31), D(2026, 3, 1)), D(2026, 4, 1))
    assert s.severity == "major" and "major.unresolved_month" in s.reasons


def test_open_complaint_as_of_date_decides_major():
    c = complaint(2, MON)
    assert one(c, D(2026, 4, 2)).severity == "hot"
    assert one(c, D(2026, 4, 3)).severity == "major"


def test_lawsuit_or_media_is_major():
    s = one(complaint(2, MON, MON, lawsuit_or_media=True), D(2026, 3, 2))
    assert s.severity == "major" and s.reasons == ["major.lawsuit_or_media"]


def test_complainants_thresholds():
    assert one(complaint(2, MON, MON, complainants=2), MON).severity == "general"
    assert one(complaint(2, MON, MON, complainants=3), MON).severity == "hot"
    assert one(complaint(2, MON, MON, complainants=9), MON).severity == "hot"
    assert one(complaint(2, MON, MON, complainants=10), MON).severity == "major"


def test_highest_rule_wins_and_all_reasons_are_kept():
    s = one(complaint(2, MON, D(2026, 3, 12), complainants=3, lawsuit_or_media=True), D(2026, 3, 31))
    assert s.severity == "major"
    assert set(s.reasons) == {
        "major.lawsuit_or_media",
        "hot.complainants",
        "hot.unresolved_week",
        "important.unresolved_3_workdays",
    }


def test_repeat_on_same_unit_and_matter_after_closure_is_hot():
    first = complaint(2, MON, D(2026, 3, 3))
    second = complaint(3, D(2026, 3, 20), D(2026, 3, 20))
    out = suggest([first, second], D(2026, 3, 31))
    assert out[3].severity == "hot" and "hot.repeat_after_closure" in out[3].reasons
    assert out[2].severity == "general"


def test_second_complaint_before_first_closed_is_not_a_repeat():
    first = complaint(2, MON, D(2026, 3, 5))
    second = complaint(3, D(2026, 3, 4), D(2026, 3, 4))
    assert suggest([first, second], D(2026, 3, 31))[3].severity == "general"


def test_repeat_needs_same_unit_and_same_aspect():
    first = complaint(2, MON, D(2026, 3, 3))
    other_unit = complaint(3, D(2026, 3, 20), D(2026, 3, 20), unit="5栋101")
    other_aspect = complaint(4, D(2026, 3, 20), D(2026, 3, 20), aspect="停车场")
    out = suggest([first, other_unit, other_aspect], D(2026, 3, 31))
    assert out[3].severity == "general" and out[4].severity == "general"


def test_repeat_is_judged_with_cases_received_by_as_of_date():
    first = complaint(2, MON, D(2026, 3, 3))
    second = complaint(3, D(2026, 3, 20), D(2026, 3, 20))
    assert set(suggest([first, second], D(2026, 3, 19))) == {2}
    assert suggest([first, second], D(2026, 3, 20))[3].severity == "hot"


def test_three_units_same_aspect_within_a_month_are_important():
    cases = [
        complaint(2, D(2026, 3, 1), D(2026, 3, 1), unit="1栋101"),
        complaint(3, D(2026, 3, 15), D(2026, 3, 15), unit="2栋101"),
        complaint(4, D(2026, 4, 1), D(2026, 4, 1), unit="3栋101"),
    ]
    out = suggest(cases, D(2026, 4, 30))
    assert all(out[r].severity == "important" and "important.similar_units" in out[r].reasons for r in (2, 3, 4))


def test_three_units_spread_over_more_than_a_month_are_not_similar():
    cases = [
        complaint(2, D(2026, 3, 1), D(2026, 3, 1), unit="1栋101"),
        complaint(3, D(2026, 3, 15), D(2026, 3, 15), unit="2栋101"),
        complaint(4, D(2026, 4, 2), D(2026, 4, 2), unit="3栋101"),
    ]
    out = suggest(cases, D(2026, 4, 30))
    assert all(out[r].severity == "general" for r in (2, 3, 4))


def test_three_complaints_from_two_units_are_not_similar_units():
    cases = [
        complaint(2, D(2026, 3, 1), D(2026, 3, 1), unit="1栋101"),
        complaint(3, D(2026, 3, 2), D(2026, 3, 2), unit="2栋101"),
        complaint(4, D(2026, 3, 3), D(2026, 3, 3), unit="2栋101", aspect="清洁卫生"),
    ]
    out = suggest(cases, D(2026, 3, 31))
    assert "important.similar_units" not in out[2].reasons


def test_similar_units_only_counts_complaints_received_by_as_of_date():
    cases = [
        complaint(2, D(2026, 3, 1), D(2026, 3, 1), unit="1栋101"),
        complaint(3, D(2026, 3, 2), D(2026, 3, 2), unit="2栋101"),
        complaint(4, D(2026, 3, 10), D(2026, 3, 10), unit="3栋101"),
    ]
    assert suggest(cases, D(2026, 3, 5))[2].severity == "general"
    assert suggest(cases, D(2026, 3, 10))[2].severity == "important"


def test_non_complaints_get_no_suggestion():
    repair = Case(row=2, case_id="R1", category="repair", received_at=dt.datetime(2026, 3, 2), unit="1栋101")
    assert suggest([repair], D(2026, 6, 1)) == {}


def test_settled_complaint_needs_no_unknown_year_calendar():
    s = one(complaint(2, D(2026, 12, 30), D(2026, 12, 31)), D(2027, 1, 20))
    assert s.unknown_year is None and s.severity == "general"


def test_open_complaint_across_unknown_year_reports_the_year():
    s = one(complaint(2, D(2026, 12, 30)), D(2027, 1, 4))
    assert s.unknown_year == 2027
    work = WorkCalendar([Holiday(day=D(2027, 1, 1))])
    s = suggest([complaint(2, D(2026, 12, 30))], D(2027, 1, 5), work)[2]
    # 12-31, (01-01 off, weekend), 01-04, 01-05: the 3rd working day is 01-05, not yet passed
    assert s.unknown_year is None and s.severity == "general"
