"""Generated sheets take their place among the clerk's: beside the list, before Settings, Log and hidden sheets."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import case
from ledger.cli import app
from ledger.io.template import create_ledger

D = dt.date
runner = CliRunner()
GENERAL = dict(severity="一般", responsibility="一类", aspect="清洁卫生")


def _run(*args: str) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output


def test_new_sheets_go_before_settings_and_log_and_keep_their_print_titles(ledger_file):
    rows = [
        case(f"C{i}", "投诉", D(2026, m, 3), D(2026, m, 4), unit=f"{i}栋", **GENERAL) for i, m in enumerate((9, 10))
    ]
    path = ledger_file(rows, settings=[["管理处名称", "阳光花园管理处"]], extra_sheets={"日志": [["时间", "操作"]]})
    _run("stats", str(path), "--month", "2026-09", "--as-of", "2026-11-20", "--write")
    _run("callbacks", str(path), "--as-of", "2026-10-05", "--write")
    _run("stats", str(path), "--month", "2026-10", "--as-of", "2026-11-20", "--write")
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "案件台账",
        "月度统计 2026-09",
        "回访意见汇总 2026-09",  # each month's feedback to departments beside its statistics
        "回访清单",
        "回访记录表",
        "月度统计 2026-10",
        "回访意见汇总 2026-10",
        "设置",
        "日志",
    ]
    assert wb["月度统计 2026-09"].print_title_rows == wb["月度统计 2026-10"].print_title_rows == "$1:$1"
    assert wb["回访清单"].print_title_rows == "$3:$3"  # the sheet-scoped names moved with their sheets
    assert wb["设置"].print_title_rows is None and wb["日志"].print_title_rows is None


def test_first_statistics_take_over_the_empty_sheet_of_a_new_ledger_and_later_months_follow(tmp_path):
    path = create_ledger(tmp_path / "new.xlsx")
    _run("stats", str(path), "--month", "2026-09", "--as-of", "2026-11-20", "--write")
    _run("stats", str(path), "--month", "2026-10", "--as-of", "2026-11-20", "--write")
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "案件台账",
        "回访清单",
        "月度统计 2026-09",
        "回访意见汇总 2026-09",
        "月度统计 2026-10",
        "回访意见汇总 2026-10",
        "设置",
        "日志",
        "_lists",
    ]
    assert wb["月度统计 2026-09"]["A1"].value.endswith("月度回访统计表(2026-09)")
