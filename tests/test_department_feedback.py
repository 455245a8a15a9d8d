"""Issue 16 (5): 回访意见汇总 — the month's callback notes and unsatisfied cases by department (004 5.6.5)."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import case
from ledger.cli import app

D = dt.date
runner = CliRunner()


def called(case_id, dept, on, satisfaction="满意", notes=None, **more):
    return case(
        case_id, "维修", D(2026, 9, 1), D(2026, 9, 2), department=dept, callback_on=on, satisfaction=satisfaction,
        callback_notes=notes, aspect="房屋维修", handler="张伟", **more,
    )  # fmt: skip


def sheet_rows(path, name):
    return [r for r in load_workbook(path)[name].iter_rows(values_only=True)]


def test_stats_write_adds_the_feedback_sheet_grouped_by_department_unsatisfied_first(ledger_file):
    path = ledger_file(
        [
            called("R1", "工程部", D(2026, 10, 5), notes="师傅很准时"),
            called("R2", "工程部", D(2026, 10, 9), satisfaction="不满意", notes="还在漏水"),
            called("R3", "工程部", D(2026, 10, 12)),  # no notes: counted, not listed
            called("R4", "保洁部", D(2026, 10, 6), notes="楼道已清理"),
            called("R5", None, D(2026, 10, 7), notes="无部门的意见"),
            called("R6", "工程部", D(2026, 9, 20), notes="九月的意见"),  # another month
        ]
    )
    result = runner.invoke(app, ["stats", str(path), "--month", "2026-10", "--as-of", "2026-11-05", "--write"])
    assert result.exit_code == 0, result.output
    rows = sheet_rows(path, "回访意见汇总 2026-10")
    firsts = [r[0] for r in rows if r[0]]
    assert firsts[1:] == [
        "保洁部:本月回访 1 次,不满意 0 次",
        "案件编号",
        "R4",
        "工程部:本月回访 3 次,不满意 1 次",
        "案件编号",
        "R2",
        "R1",
        "(未填责任部门):本月回访 1 次,不满意 0 次",
        "案件编号",
        "R5",
    ]
    r2 = next(r for r in rows if r[0] == "R2")
    assert (r2[6], r2[7], r2[5]) == ("不满意", "还在漏水", dt.datetime(2026, 10, 9))
    assert "九月的意见" not in [r[7] for r in rows]


def test_english_feedback_sheet_says_when_a_month_had_no_callbacks(ledger_file):
    path = ledger_file([called("R1", "Works", D(2026, 9, 5), notes="fine")], lang="en", sheet="Cases",
                       settings=[["Language", "en"]])  # fmt: skip
    result = runner.invoke(app, ["stats", str(path), "--month", "2026-10", "--as-of", "2026-11-05", "--write"])
    assert result.exit_code == 0, result.output
    rows = sheet_rows(path, "Callback feedback 2026-10")
    assert rows[1][0] == "No callbacks this month."
