"""The printable callback list (回访清单) and record forms (回访记录表), read back from the written xlsx."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import case
from ledger.cli import app
from ledger.core.callbacks import assess
from ledger.io.workbook import load_file
from ledger.sheets.callback_list import (
    FORMS_SHEET,
    LIST_SHEET,
    callback_list_layout,
    callers,
    listed,
    record_forms_layout,
)

D = dt.date
AS_OF = "2026-03-20"
runner = CliRunner()
STAFF = [
    ["管理处名称", "阳光花园管理处"],
    [],
    ["【人员】"],
    ["姓名", "角色"],
    ["王经理", "管理处经理"],
    ["李文员", "管理员"],
]


def _rows() -> list[dict]:
    general = dict(severity="一般", responsibility="一类")
    return [
        case(
            "C-DUE",
            "投诉",
            D(2026, 3, 17),
            D(2026, 3, 18),
            aspect="清洁卫生",
            department="保洁部",
            customer="张三",
            description="楼道垃圾未清运",
            **general,
        ),  # due 03-21
        case("C-OVER", "投诉", D(2026, 3, 9), D(2026, 3, 10), aspect="停车场", unit="5栋101", **general),  # due 03-13
        case(
            "C-MAJOR",
            "投诉",
            D(2026, 3, 18),
            D(2026, 3, 19),
            aspect="安全保卫",
            unit="6栋101",
            severity="重大",
            responsibility="一类",
            lawsuit_or_media="是",
        ),  # due 03-22
        case("E-DONE", "急救", D(2026, 3, 15), D(2026, 3, 16), unit="7栋101", callback_on=D(2026, 3, 17)),
        case("E-OPEN", "急救", D(2026, 3, 19), None, unit="8栋101"),
        case("R-LATER", "维修", D(2026, 3, 1), D(2026, 3, 10), unit="9栋101"),  # not yet due
    ]


@pytest.fixture
def written(ledger_file):
    path = ledger_file(_rows(), settings=STAFF)
    result = runner.invoke(app, ["callbacks", str(path), "--as-of", AS_OF, "--write"])
    assert result.exit_code == 0, result.output
    return load_workbook(path)


def _listed(ws) -> list[tuple]:
    header_row = next(r for r in range(1, 6) if ws.cell(r, 2).value == "案件编号")
    rows = []
    for r in range(header_row + 1, ws.max_row + 1):
        if isinstance(ws.cell(r, 1).value, int):
            rows.append(tuple(ws.cell(r, c).value for c in range(1, 14)))
    return rows


def test_list_holds_due_and_overdue_only_sorted_by_deadline(written):
    ws = written[LIST_SHEET["zh-Hans"]]
    ids = [r[1] for r in _listed(ws)]
    assert ids == ["C-OVER", "C-DUE", "C-MAJOR"]


def test_list_shows_window_days_left_and_status(written):
    rows = {r[1]: r for r in _listed(written[LIST_SHEET["zh-Hans"]])}
    over, due = rows["C-OVER"], rows["C-DUE"]
    assert (
        over[3].date() == D(2026, 3, 13) and over[4] == "逾期 7 天\n第1次/共3次"
    )  # the next attempt on the unreachable ladder
    assert due[3].date() == D(2026, 3, 21) and due[4] == "剩 1 天\n第1次/共3次"
    assert due[2] == "3栋2单元1101 张三\n13812345678"  # unit and name, the phone on a second line
    assert due[6] == "【投诉】楼道垃圾未清运"


def test_list_names_one_caller_of_the_role_and_the_suggested_method(written):
    rows = {r[1]: r for r in _listed(written[LIST_SHEET["zh-Hans"]])}
    assert rows["C-MAJOR"][5] == "王经理\n上门"
    assert rows["C-DUE"][5] == "保洁部主管\n电话"  # nobody of the role in Settings: the role is named


def test_overdue_rows_are_red_and_due_soon_rows_yellow(written):
    ws = written[LIST_SHEET["zh-Hans"]]
    header_row = next(r for r in range(1, 6) if ws.cell(r, 2).value == "案件编号")
    fills = {ws.cell(r, 2).value: ws.cell(r, 1).fill.fgColor.rgb for r in range(header_row + 1, header_row + 4)}
    assert fills["C-OVER"].endswith("FFC7CE")
    assert fills["C-DUE"].endswith("FFEB9C")


def test_list_leaves_the_result_columns_blank_to_write_in_and_has_the_supervisor_line(written):
    ws = written[LIST_SHEET["zh-Hans"]]
    header_row = next(r for r in range(1, 6) if ws.cell(r, 2).value == "案件编号")
    headers = [ws.cell(header_row, c).value for c in range(1, 14)][:12]
    assert headers[-5:] == ["回访日期", "回访方式", "满意度", "回访意见", "回访次数"]
    assert all(row[7:12] == (None,) * 5 for row in _listed(ws))
    assert any("服务中心主管" in str(ws.cell(r, 1).value) for r in range(header_row, ws.max_row + 1))


def test_list_prints_header_row_on_every_page_landscape(written):
    ws = written[LIST_SHEET["zh-Hans"]]
    header_row = next(r for r in range(1, 6) if ws.cell(r, 2).value == "案件编号")
    assert ws.print_title_rows == f"${header_row}:${header_row}"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0  # fitted to the width only
    assert "阳光花园管理处" in ws["A1"].value and AS_OF in ws["A1"].value
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert "阳光花园管理处" in ws.oddFooter.left.text and AS_OF in ws.oddFooter.left.text
    heights = [ws.row_dimensions[r].height for r in range(header_row + 1, header_row + 4)]
    assert all(h >= 30 for h in heights)  # two written lines at least


def test_record_forms_sheet_has_one_form_per_listed_case(written):
    ws = written[FORMS_SHEET["zh-Hans"]]
    titles = [
        ws.cell(r, 1).value
        for r in range(1, ws.max_row + 1)
        if str(ws.cell(r, 1).value or "").startswith("回访记录表 ")
    ]
    assert titles == ["回访记录表  C-OVER", "回访记录表  C-DUE", "回访记录表  C-MAJOR"]
    labels = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert labels.count("住户签名") == 3 and labels.count("满意度") == 3
    assert ws.page_setup.orientation == "portrait"


def test_record_form_prefills_case_details_and_leaves_answers_blank(written):
    ws = written[FORMS_SHEET["zh-Hans"]]
    grid = [[ws.cell(r, c).value for c in range(1, 5)] for r in range(1, ws.max_row + 1)]
    start = next(i for i, row in enumerate(grid) if row[0] == "回访记录表  C-DUE")
    block = {row[0]: row for row in grid[start : start + 14] if row[0]}
    assert block["案件编号"][1:] == ["C-DUE", "类别", "投诉"]
    assert block["房号"][3] == "张三"
    assert block["内容"][1] == "楼道垃圾未清运"
    assert block["回访日期"][1] is None and block["回访日期"][2:] == ["回访次数", None]
    assert block["回访方式"][1] == "□电话  □面谈  □上门  □书面  □会议  □网上"  # every option, a row of its own
    assert block["满意度"][1] == "□满意  □一般满意  □不满意"


def test_record_forms_break_the_page_after_every_form(written):
    ws = written[FORMS_SHEET["zh-Hans"]]
    titles = [r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith("回访记录表 ")]
    breaks = [b.id for b in ws.row_breaks.brk]
    assert len(breaks) == len(titles) - 1
    assert all(titles[i] - 2 == breaks[i - 1] for i in range(1, len(titles)))  # each form starts a page


def test_record_forms_layout_in_english(ledger_file):
    ledger = load_file(ledger_file(_rows()))
    report = assess(ledger, D(2026, 3, 20))
    layout = record_forms_layout(report, ledger, "en")
    assert layout.name == "Callback records"
    firsts = [r[0] for r in layout.rows if r]
    assert firsts.count("Customer signature") == 3 and "Callback record  C-OVER" in firsts


def test_empty_list_still_renders_title_and_note(ledger_file):
    ledger = load_file(ledger_file([case("R1", "维修", D(2026, 3, 1), None)]))
    report = assess(ledger, D(2026, 3, 20))
    assert "没有待回访" in record_forms_layout(report, ledger, "zh-Hans").rows[0][0]
    layout = callback_list_layout(report, ledger, "zh-Hans")
    assert "待回访 0 件,逾期 0 件" in layout.rows[1][0]


def _many(ledger_file, n: int, staff: list[list]) -> tuple:
    general = dict(severity="一般", responsibility="一类", aspect="清洁卫生", department="保洁部")
    rows = [case(f"C-{i:03d}", "投诉", D(2026, 3, 11), D(2026, 3, 12), unit=f"{i}栋101", **general) for i in range(n)]
    ledger = load_file(ledger_file(rows, settings=staff))
    report = assess(ledger, D(2026, 3, 14))
    return ledger, report


def test_callers_share_the_cases_evenly_and_the_same_way_every_run(ledger_file):
    role = "责任部门主管"  # complaints like these are called back by a department supervisor
    staff = [["【人员】"], ["姓名", "角色"], ["张敏", role], ["陈静", role], ["刘洋", role], ["李文员", "管理员"]]
    ledger, report = _many(ledger_file, 20, staff)
    rows = listed(report)
    names = callers(rows, ledger, "zh-Hans")
    assert len(rows) == 20 and set(names.values()) == {"张敏", "陈静", "刘洋"}
    counts = sorted(Counter(names.values()).values())
    assert counts == [6, 7, 7]
    assert callers(list(reversed(rows)), ledger, "zh-Hans") == names  # same data, same names
    again, report_again = _many(ledger_file, 20, staff)
    assert callers(listed(report_again), again, "zh-Hans") == names


def test_callers_fall_back_to_the_role_when_settings_name_nobody(ledger_file):
    ledger, report = _many(ledger_file, 3, [["【人员】"], ["姓名", "角色"], ["王经理", "管理处经理"]])
    assert set(callers(listed(report), ledger, "zh-Hans").values()) == {"保洁部主管"}
