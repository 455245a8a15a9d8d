"""SPEC §2.1: headers in Simplified, Traditional and English, anywhere near the top, or mapped in Settings."""

import datetime as dt

import pytest
from typer.testing import CliRunner

from conftest import case, write_ledger
from ledger.cli import app
from ledger.io.workbook import load_file

FIELDS = [
    "case_id",
    "received_on",
    "category",
    "unit",
    "phone",
    "completed_on",
    "callback_on",
    "satisfaction",
    "severity",
    "responsibility",
    "aspect",
    "no_callback_reason",
    "complainants",
]


@pytest.mark.parametrize(
    "lang, category, satisfaction, severity, cls, aspect, reason",
    [
        ("zh-Hans", "投诉", "满意", "热点", "一类", "清洁卫生", "无法联系"),
        ("zh-Hant", "投訴", "滿意", "熱點", "一類", "清潔衛生", "無法聯繫"),
        ("en", "Complaint", "Satisfied", "Hot", "Class 1", "Cleaning", "Unreachable"),
    ],
)
def test_headers_and_values_in_three_scripts(tmp_path, lang, category, satisfaction, severity, cls, aspect, reason):
    row = case(
        "C-1",
        category,
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 2),
        callback_on=dt.date(2026, 10, 3),
        satisfaction=satisfaction,
        severity=severity,
        responsibility=cls,
        aspect=aspect,
        no_callback_reason=reason,
        complainants=3,
    )
    ledger = load_file(
        write_ledger(tmp_path / "l.xlsx", [row], lang=lang, fields=FIELDS, sheet={"en": "Cases"}.get(lang, "案件台账"))
    )
    assert [p.code for p in ledger.problems] == []
    c = ledger.cases[0]
    assert (c.category, c.satisfaction, c.severity, c.responsibility, c.aspect, c.no_callback_reason) == (
        "complaint",
        "satisfied",
        "hot",
        "type1",
        "清洁卫生",
        "unreachable",
    )
    assert c.complainants == 3


def test_headers_match_despite_width_case_and_spaces(tmp_path):
    headers = {
        "case_id": " 案件编号 ",
        "received_on": "受理日期\u3000",
        "category": "類別",
        "unit": "ＵＮＩＴ",
        "phone": "聯繫電話",
        "completed_on": "completed ON",
    }
    path = write_ledger(
        tmp_path / "l.xlsx", [case("A", completed=dt.date(2026, 10, 3))], headers=headers, fields=list(headers)
    )
    ledger = load_file(path)
    assert set(ledger.columns) >= set(headers)
    assert ledger.cases[0].unit == "3栋2单元1101"


def test_header_below_title_and_blank_rows_is_found(tmp_path):
    path = write_ledger(tmp_path / "l.xlsx", [case("A"), case("B")], title_rows=3, fields=FIELDS)
    ledger = load_file(path)
    assert ledger.header_row == 4
    assert [c.row for c in ledger.cases] == [5, 6]


def test_case_sheet_found_by_its_header_when_named_otherwise(tmp_path):
    path = write_ledger(
        tmp_path / "l.xlsx",
        [case("A")],
        sheet="2026年投诉登记",
        fields=FIELDS,
        extra_sheets={"说明": [["本表用于登记"]]},
    )
    assert load_file(path).sheet == "2026年投诉登记"


def test_header_mapping_from_settings_names_the_clerks_own_headers(tmp_path):
    headers = {"case_id": "流水号", "received_on": "来电日", "category": "业务", "unit": "房号"}
    settings = [
        ["项目", "值"],
        ["管理处名称", "阳光花园"],
        [],
        ["【表头映射】"],
        ["台账表头", "标准字段"],
        ["流水号", "案件编号"],
        ["来电日", "received_on"],
        ["业务", "类别"],
    ]
    path = write_ledger(
        tmp_path / "l.xlsx", [case("X-9", "求助")], headers=headers, fields=list(headers), settings=settings
    )
    ledger = load_file(path)
    assert ledger.settings.office == "阳光花园"
    assert (ledger.cases[0].case_id, ledger.cases[0].category) == ("X-9", "help")


def test_missing_required_column_is_one_clear_error_naming_accepted_headers(tmp_path):
    path = write_ledger(tmp_path / "l.xlsx", [case("A")], fields=["case_id", "received_on", "unit"])
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "类别" in result.stderr and "類別" in result.stderr and "Category" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_unknown_vocabulary_lists_the_accepted_values(ledger_file):
    ledger = load_file(ledger_file([case("A", "保洁")]))
    [p] = ledger.problems
    assert (p.row, p.column, p.code) == (2, "类别", "cell.unknown_value")
    assert "投诉" in p.message and "保洁" in p.message


def test_numeric_ids_and_phones_are_read_as_text(ledger_file):
    ledger = load_file(ledger_file([case(1001, phone=13812345678)]))
    assert ledger.cases[0].case_id == "1001"
    assert ledger.cases[0].phone == "13812345678"


def test_two_row_header_with_a_group_title_is_read(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["案件编号", "受理日期", "类别", "房号", "完成日期", "回访情况", None, None])
    ws.append([None, None, None, None, None, "回访日期", "回访方式", "满意度"])
    ws.merge_cells("F1:H1")
    ws.append(
        ["A1", dt.date(2026, 10, 1), "维修", "1栋101", dt.date(2026, 10, 2), dt.date(2026, 11, 5), "电话", "满意"]
    )
    wb.save(tmp_path / "two.xlsx")
    ledger = load_file(tmp_path / "two.xlsx")
    assert [c.row for c in ledger.cases] == [3]
    c = ledger.cases[0]
    assert (c.callback_on, c.callback_method, c.satisfaction) == (dt.date(2026, 11, 5), "phone", "satisfied")
    assert ledger.problems == []


def test_totals_row_at_the_bottom_is_reported_not_counted_silently(ledger_file):
    ledger = load_file(ledger_file([case("A1"), {"case_id": "合计", "unit": None, "phone": None}]))
    from ledger.core.validation import validate

    report = validate(ledger, dt.date(2026, 11, 25))
    assert {(p.row, p.code) for p in report.problems} >= {(3, "row.required")}
    assert report.valid_rows == 1
