"""SPEC §3.1: callback windows per preset and category, calendar months, working days (调休)."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import case
from ledger.core.callbacks import assess
from ledger.core.rules import PRESETS, CategoryRule, Offset
from ledger.core.settings import Holiday
from ledger.core.windows import add_months, window, window_bounds
from ledger.core.workdays import UnknownCalendarYear, WorkCalendar
from ledger.io.workbook import load_file

D = dt.date
WORK = WorkCalendar()

RESIDENTIAL = {  # category: (window start, window due) for a case completed on 2026-03-10
    "complaint": (D(2026, 3, 10), D(2026, 3, 13)),
    "repair": (D(2026, 4, 10), D(2026, 5, 10)),
    "special_service": (D(2026, 3, 10), D(2026, 3, 17)),
    "help": (D(2026, 3, 10), D(2026, 3, 17)),
    "emergency": (D(2026, 3, 10), D(2026, 3, 17)),
    "event": (D(2026, 3, 10), D(2026, 4, 10)),
    "other": (D(2026, 3, 10), D(2026, 3, 17)),
}
RESIDENTIAL_RATES = {
    "complaint": 1.0,
    "repair": 0.3,
    "special_service": 0.3,
    "help": 0.3,
    "emergency": 1.0,
    "event": 0.1,
    "other": 0.3,
}
COMMERCIAL = {
    "complaint": (D(2026, 3, 10), D(2026, 3, 13)),
    "repair": (D(2026, 3, 10), D(2026, 4, 10)),
    "special_service": (D(2026, 3, 10), D(2026, 3, 17)),
    "help": (D(2026, 3, 10), D(2026, 3, 17)),
    "emergency": (D(2026, 3, 10), D(2026, 3, 30)),  # special incidents: within 20 days
    "other": (D(2026, 3, 10), D(2026, 3, 17)),
}


@pytest.mark.parametrize("category", sorted(RESIDENTIAL))
def test_residential_preset_window_per_category(category):
    assert window(D(2026, 3, 10), PRESETS["residential"][category], WORK) == RESIDENTIAL[category]


@pytest.mark.parametrize("category", sorted(RESIDENTIAL_RATES))
def test_residential_preset_rate_per_category(category):
    assert PRESETS["residential"][category].rate == RESIDENTIAL_RATES[category]


@pytest.mark.parametrize("category", sorted(COMMERCIAL))
def test_commercial_preset_window_per_category(category):
    assert window(D(2026, 3, 10), PRESETS["commercial"][category], WORK) == COMMERCIAL[category]


def test_commercial_repair_rate_is_20_percent_and_complaints_100():
    assert PRESETS["commercial"]["repair"].rate == 0.2
    assert PRESETS["commercial"]["complaint"].rate == 1.0


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2026, 1, 31), 2, D(2026, 3, 31)),
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),  # across the year end
        (D(2026, 11, 30), 2, D(2027, 1, 30)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
    ],
)
def test_calendar_month_arithmetic_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_repair_completed_jan_31_window_is_feb_28_to_mar_31():
    assert window(D(2026, 1, 31), PRESETS["residential"]["repair"], WORK) == (D(2026, 2, 28), D(2026, 3, 31))


def test_repair_completed_jan_31_in_leap_year_opens_feb_29():
    assert window(D(2028, 1, 31), PRESETS["residential"]["repair"], WORK)[0] == D(2028, 2, 29)


def _wd_rule(start: str, due: str) -> CategoryRule:
    return CategoryRule(category="complaint", start=Offset.parse(start), due=Offset.parse(due), rate=1.0)


def test_workdays_skip_national_day_and_count_saturday_make_up_day():
    # 2026-10-01..07 off; Saturday 2026-10-10 is a make-up working day (调休上班)
    assert WORK.is_workday(D(2026, 10, 10)) is True
    assert D(2026, 10, 10).weekday() == 5
    assert WORK.add_workdays(D(2026, 9, 30), 3) == D(2026, 10, 10)


def test_workdays_sunday_make_up_day_counts():
    # Sunday 2026-09-20 is a make-up working day; Friday 2026-09-25 (Mid-Autumn) is off
    assert WORK.add_workdays(D(2026, 9, 19), 1) == D(2026, 9, 20)
    assert WORK.add_workdays(D(2026, 9, 24), 1) == D(2026, 9, 28)


def test_working_day_window_from_settings_rule():
    assert window(D(2026, 9, 30), _wd_rule("0", "3个工作日"), WORK) == (D(2026, 9, 30), D(2026, 10, 10))


def test_extra_holiday_from_settings_is_skipped():
    work = WorkCalendar([Holiday(day=D(2026, 10, 9), workday=False)])
    assert work.add_workdays(D(2026, 9, 30), 3) == D(2026, 10, 12)


def test_extra_make_up_day_from_settings_counts():
    work = WorkCalendar([Holiday(day=D(2026, 10, 11), workday=True)])  # a Sunday declared a working day
    assert work.add_workdays(D(2026, 10, 9), 2) == D(2026, 10, 11)


def test_unknown_year_raises_instead_of_guessing():
    with pytest.raises(UnknownCalendarYear) as exc:
        WORK.add_workdays(D(2026, 12, 30), 3)
    assert exc.value.year == 2027


def test_year_listed_in_settings_is_known():
    work = WorkCalendar([Holiday(day=D(2027, 1, 1), workday=False)])
    # 2026-12-31 Thu; 2027-01-01 off (Settings); 01-02/03 weekend; 01-04, 01-05 working days
    assert work.add_workdays(D(2026, 12, 30), 3) == D(2027, 1, 5)


def test_window_bounds_keep_the_known_bound_when_one_needs_an_unknown_year():
    start, due, unknown = window_bounds(D(2026, 12, 30), _wd_rule("0", "3wd"), WORK)
    assert (start, due, unknown) == (D(2026, 12, 30), None, {2027})


def test_unknown_year_is_reported_as_problem_and_window_left_empty(ledger_file):
    settings = [
        ["规则预设", "住宅"],
        [],
        ["【回访规则】"],
        ["类别", "起始", "期限", "回访率", "目标"],
        ["投诉", "0", "3个工作日", "100%", ""],
    ]
    path = ledger_file([case("C1", "投诉", D(2026, 12, 28), D(2026, 12, 30), aspect="清洁卫生")], settings=settings)
    report = assess(load_file(path), D(2027, 1, 8))
    a = report.assessments[0]
    assert a.window_start == D(2026, 12, 30) and a.window_due is None
    assert a.status == "due"  # never "overdue" on a guessed deadline
    codes = [(p.code, p.severity) for p in report.problems]
    assert ("calendar.year_unknown", "warning") in codes
    assert "2027" in next(p.message for p in report.problems if p.code == "calendar.year_unknown")


def test_settings_holidays_read_from_the_settings_sheet_shift_working_day_windows(ledger_file):
    settings = [
        ["规则预设", "住宅"],
        [],
        ["【回访规则】"],
        ["类别", "起始", "期限", "回访率", "目标"],
        ["投诉", "0", "3个工作日", "100%", ""],
        [],
        ["【节假日】"],
        ["日期", "类型", "说明"],
        [D(2026, 10, 9), "放假", "本市加休"],
    ]
    path = ledger_file([case("C1", "投诉", D(2026, 9, 29), D(2026, 9, 30), aspect="清洁卫生")], settings=settings)
    a = assess(load_file(path), D(2026, 10, 1)).assessments[0]
    assert (a.window_start, a.window_due) == (D(2026, 9, 30), D(2026, 10, 12))


def test_commercial_preset_chosen_in_settings_sets_repair_window(ledger_file):
    path = ledger_file([case("R1", "维修", D(2026, 3, 1), D(2026, 3, 10))], settings=[["规则预设", "商业"]])
    a = assess(load_file(path), D(2026, 3, 11)).assessments[0]
    assert (a.window_start, a.window_due) == (D(2026, 3, 10), D(2026, 4, 10))
