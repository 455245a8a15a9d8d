"""SPEC §2.1: dates arrive in many shapes; each is read or reported, never guessed."""

import datetime as dt

import pytest

from conftest import case
from ledger.core.dates import parse_when


@pytest.mark.parametrize(
    "raw, expected, has_time",
    [
        (dt.datetime(2026, 11, 3, 9, 30), dt.datetime(2026, 11, 3, 9, 30), True),
        (dt.date(2026, 11, 3), dt.datetime(2026, 11, 3), False),
        (dt.datetime(2026, 11, 3), dt.datetime(2026, 11, 3), False),
        ("2026/11/3", dt.datetime(2026, 11, 3), False),
        ("2026-11-03", dt.datetime(2026, 11, 3), False),
        ("2026年11月3日", dt.datetime(2026, 11, 3), False),
        ("2026.11.3", dt.datetime(2026, 11, 3), False),
        ("2026-11-03 14:30", dt.datetime(2026, 11, 3, 14, 30), True),
        ("2026/11/3 14:30:15", dt.datetime(2026, 11, 3, 14, 30, 15), True),
        ("2026-11-03T14:30:00", dt.datetime(2026, 11, 3, 14, 30), True),
        ("2026-11-03T14:30:00.000Z", dt.datetime(2026, 11, 3, 14, 30), True),
        ("2026年11月3日 14时30分", dt.datetime(2026, 11, 3, 14, 30), True),
        ("２０２６－１１－０３", dt.datetime(2026, 11, 3), False),  # full-width digits
        (" 2026-11-03 ", dt.datetime(2026, 11, 3), False),
        ("20261103", dt.datetime(2026, 11, 3), False),
        (46329, dt.datetime(2026, 11, 3), False),  # Excel serial number
        (46329.5, dt.datetime(2026, 11, 3, 12, 0), True),
        ("46329", dt.datetime(2026, 11, 3), False),
        ("25/11/2026", dt.datetime(2026, 11, 25), False),  # day > 12: only one reading
    ],
)
def test_date_shapes_are_read(raw, expected, has_time):
    when = parse_when(raw)
    assert when.error is None
    assert when.value == expected
    assert when.has_time is has_time


@pytest.mark.parametrize(
    "raw, code",
    [
        ("#N/A", "date.error_value"),
        ("#VALUE!", "date.error_value"),
        ("11/3/2026", "date.ambiguous"),  # March or November?
        ("03/04/26", "date.ambiguous"),
        ("26/11/3", "date.ambiguous"),  # two-digit year first
        ("2026-02-30", "date.impossible"),
        ("2026年13月1日", "date.impossible"),
        ("2026-11-03 25:00", "date.impossible"),
        ("明天", "date.unreadable"),
        ("1900-01-05", "date.implausible"),
        (12, "date.implausible"),  # a serial number far outside a ledger's years
        (True, "date.unreadable"),
    ],
)
def test_bad_dates_are_reported_not_guessed(raw, code):
    when = parse_when(raw)
    assert when.value is None
    assert when.error == code


def test_blank_date_is_empty_not_a_problem():
    assert parse_when(None).value is None and parse_when(None).error is None
    assert parse_when("  ").error is None


def test_bad_date_cell_becomes_a_problem_on_that_cell(ledger_file):
    from ledger.io.workbook import load_file

    path = ledger_file([case("A1", received="2026-02-30"), case("A2", received="2026-10-05")])
    ledger = load_file(path)
    [problem] = [p for p in ledger.problems if p.code.startswith("date.")]
    assert (problem.sheet, problem.row, problem.column, problem.code) == ("案件台账", 2, "受理日期", "date.impossible")
    assert "2026-02-30" in problem.message
    assert ledger.cases[1].received_on == dt.date(2026, 10, 5)


def test_excel_error_value_in_a_date_cell_is_reported(tmp_path):
    from openpyxl import Workbook

    from ledger.io.workbook import load_file

    wb = Workbook()
    ws = wb.active
    ws.title = "案件台账"
    ws.append(["案件编号", "受理日期", "类别", "房号", "完成日期"])
    ws.append(["A1", dt.date(2026, 10, 1), "维修", "1栋101", "#N/A"])  # openpyxl stores #N/A as an error cell
    wb.save(tmp_path / "e.xlsx")
    ledger = load_file(tmp_path / "e.xlsx")
    assert [(p.row, p.column, p.code) for p in ledger.problems] == [(2, "完成日期", "date.error_value")]
