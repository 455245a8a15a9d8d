"""Issue 2 item 5: each validation rule, with a failing row and a passing row."""

import datetime as dt

import pytest

from conftest import case
from ledger.core.validation import diallable, validate
from ledger.io.workbook import load_file

TODAY = dt.date(2026, 11, 25)
D = dt.date


def problems_of(ledger_file, rows, **kw):
    ledger = load_file(ledger_file(rows, **kw))
    report = validate(ledger, TODAY)
    return report, {(p.row, p.code) for p in report.problems}


@pytest.mark.parametrize(
    "bad, good, code",
    [
        (case(None), case("A2"), "row.required"),
        (case("A1", received=None), case("A2"), "row.required"),
        (case("A1", category=None), case("A2"), "row.required"),
        (case("A1", unit=None), case("A2", "活动/刊物", unit=None), "row.required"),
        (
            case("A1", received=D(2026, 10, 5), completed=D(2026, 10, 4)),
            case("A2", received=D(2026, 10, 5), completed=D(2026, 10, 5)),
            "row.completed_before_received",
        ),
        (
            case("A1", completed=D(2026, 10, 5), callback_on=D(2026, 10, 4), satisfaction="满意"),
            case("A2", completed=D(2026, 10, 5), callback_on=D(2026, 11, 5), satisfaction="满意"),
            "row.callback_before_completed",
        ),
        (
            case("A1", callback_on=D(2026, 10, 4), satisfaction="满意"),
            case("A2", completed=D(2026, 10, 2), callback_on=D(2026, 11, 4), satisfaction="满意"),
            "row.callback_without_completion",
        ),
        (
            case("A1", completed=D(2026, 10, 2), satisfaction="满意"),
            case("A2", completed=D(2026, 10, 2), callback_on=D(2026, 11, 4), satisfaction="满意"),
            "row.satisfaction_without_callback",
        ),
        (
            case("A1", completed=D(2026, 10, 2), callback_on=D(2026, 11, 4)),
            case("A2", completed=D(2026, 10, 2), callback_on=D(2026, 11, 4), satisfaction="一般满意"),
            "row.callback_without_satisfaction",
        ),
        (
            case("A1", "维修", severity="一般"),
            case("A2", "投诉", severity="一般", responsibility="一类", aspect="清洁卫生"),
            "row.complaint_field_on_other",
        ),
        (case("A1", phone="12345"), case("A2", phone="0592-5123456"), "row.phone_not_diallable"),
        (case("A1", received=D(2026, 12, 1)), case("A2", received=D(2026, 11, 25)), "row.future_date"),
        (case("A1", complainants=0), case("A2", complainants=2), "row.bad_count"),
        (
            case(
                "A1",
                completed=D(2026, 10, 2),
                callback_on=D(2026, 10, 3),
                satisfaction="满意",
                no_callback_reason="匿名",
            ),
            case("A2", completed=D(2026, 10, 2), no_callback_reason="匿名"),
            "row.exempt_but_called",
        ),
    ],
)
def test_rule_flags_the_bad_row_and_not_the_good_one(ledger_file, bad, good, code):
    _, found = problems_of(ledger_file, [bad, good])
    assert (2, code) in found
    assert (3, code) not in found


def test_duplicate_case_id_names_the_first_row(ledger_file):
    report, found = problems_of(ledger_file, [case("A1"), case("A2"), case("a1 ")])
    assert (4, "row.duplicate_id") in found and (2, "row.duplicate_id") not in found
    [p] = [p for p in report.problems if p.code == "row.duplicate_id"]
    assert "2" in p.message and p.column == "案件编号"


def test_complaint_missing_class_or_severity_is_a_warning(ledger_file):
    report, found = problems_of(
        ledger_file, [case("C1", "投诉"), case("C2", "投诉", responsibility="二类", severity="一般", aspect="停车场")]
    )
    assert (2, "row.complaint_field_missing") in found
    assert (3, "row.complaint_field_missing") not in found
    assert all(p.severity == "warning" for p in report.problems if p.code == "row.complaint_field_missing")


def test_severity_below_the_suggestion_is_a_warning_not_an_error(ledger_file):
    rows = [
        case(
            "C1",
            "投诉",
            received=D(2026, 10, 1),
            completed=D(2026, 10, 2),
            severity="一般",
            responsibility="一类",
            aspect="停车场",
            lawsuit_or_media="是",
        ),
        case(
            "C2",
            "投诉",
            received=D(2026, 10, 1),
            completed=D(2026, 10, 2),
            severity="重大",
            responsibility="一类",
            aspect="停车场",
            lawsuit_or_media="是",
            unit="9栋101",
        ),
    ]
    report, found = problems_of(ledger_file, rows)
    [p] = [p for p in report.problems if p.code == "row.severity_below_suggestion"]
    assert (p.row, p.severity, p.column) == (2, "warning", "严重程度")
    assert "重大" in p.message and "涉诉" in p.message
    assert report.valid_rows == 2


def test_unreadable_cells_make_the_row_invalid_but_good_rows_still_count(ledger_file):
    report, _ = problems_of(ledger_file, [case("A1", received="2026-02-30"), case("A2"), case("A3", "不知道")])
    assert (report.rows, report.valid_rows) == (3, 1)


@pytest.mark.parametrize(
    "phone",
    [
        "13812345678",
        "138 1234 5678",
        "+86 138-1234-5678",
        "0592-5123456",
        "(0592)5123456",
        "010-12345678转123",
        "4008123123",
        "5123456",
        "13812345678 / 0592-5123456",
    ],
)
def test_diallable_numbers(phone):
    assert diallable(phone)


@pytest.mark.parametrize("phone", ["12345", "1381234567", "23812345678", "abc", "138123456789"])
def test_numbers_that_cannot_be_dialled(phone):
    assert not diallable(phone)


def test_phone_stored_as_number_warns_that_the_leading_zero_may_be_lost(ledger_file):
    _, found = problems_of(ledger_file, [case("A1", phone=5925123456)])
    assert (2, "row.phone_lost_zero") in found


def test_messages_follow_the_workbook_language(ledger_file):
    settings = [["Item", "Value"], ["Language", "en"]]
    report, _ = problems_of(
        ledger_file, [case("A1", received=D(2026, 10, 5), completed=D(2026, 10, 4))], settings=settings
    )
    [p] = [p for p in report.problems if p.code == "row.completed_before_received"]
    assert p.message.startswith("Completed on 2026-10-04")
