"""Issue 13: three ledgers written as clerks write them go through validate → callbacks --write →
stats --write --export, and the month's figures add up to the rows of the month."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import clerk_ledgers as cl
from ledger.cli import app
from ledger.schema import StatsDoc

runner = CliRunner()
AS_OF = ["--as-of", cl.AS_OF]


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


LEDGERS = {
    # builder, rows meant for October, exit of validate, export name, settings sheet, office
    "messy_simplified": (cl.messy_simplified, cl.MESSY_OCTOBER_ROWS, 1, "回访统计_阳光花园管理处_2026-10.xlsx", "设置"),
    "hong_kong": (cl.hong_kong, cl.HK_OCTOBER_ROWS, 0, "回訪統計_海景花園管理處_2026-10.xlsx", "設置"),
    "minimal": (cl.minimal, cl.MINIMAL_OCTOBER_ROWS, 0, "回访统计_翠苑管理处_2026-10.xlsx", "设置"),
}


@pytest.mark.parametrize("kind", list(LEDGERS))
def test_clerk_ledger_runs_the_month_and_received_plus_excluded_is_the_rows_of_the_month(tmp_path, kind):
    build, october_rows, validate_exit, export_name, settings_sheet = LEDGERS[kind]
    path = build(tmp_path)
    checked = run("validate", path, *AS_OF, "--format", "json")
    assert checked.exit_code == validate_exit, checked.output
    assert run("callbacks", path, *AS_OF, "--write").exit_code == validate_exit
    out = tmp_path / "out"
    result = run("stats", path, "--month", cl.MONTH, *AS_OF, "--write", "--export", out, "--format", "json")
    doc = json.loads(result.stdout)
    StatsDoc.model_validate(doc)
    assert result.exit_code == (1 if doc["excluded"] else 0)
    assert sum(doc["received"].values()) + len(doc["excluded"]) == october_rows
    assert doc["partial"] is False
    # the export is named in the workbook's script, after the office the ledger names
    assert [p.name for p in out.iterdir()] == [export_name]
    book = load_workbook(path)
    assert settings_sheet in book.sheetnames and "月度统計 2026-10" not in book.sheetnames
    stats_sheet = next(n for n in book.sheetnames if n.endswith("2026-10"))
    exported = load_workbook(out / export_name).active
    sheet_rows = [[c.value for c in row] for row in book[stats_sheet].iter_rows()]
    assert [[c.value for c in row] for row in exported.iter_rows()][:8] == sheet_rows[:8]
    # the case table's total row on the sheet carries the same received count as the JSON
    total_label = {"hong_kong": "合計"}.get(kind, "合计")
    total = next(r for r in sheet_rows if r[0] == total_label)
    assert total[1] == sum(doc["received"].values())


def test_messy_ledger_is_read_despite_title_row_reordering_extra_columns_and_text_dates(tmp_path):
    path = cl.messy_simplified(tmp_path)
    doc = json.loads(run("callbacks", path, *AS_OF, "--format", "json").stdout)
    by_id = {c["case_id"]: c for c in doc["cases"]}
    assert by_id["S-002"]["status"] == "done" and by_id["S-007"]["status"] == "done"
    assert by_id["S-003"]["category"] == "repair" and by_id["S-003"]["status"] == "open"  # 报修 is a repair
    # the clerk's own words were read into the vocabulary: no problem on those cells
    problems = json.loads(run("validate", path, *AS_OF, "--format", "json").stdout)["problems"]
    assert {(p["row"], p["code"]) for p in problems} == {
        (7, "date.unreadable"),
        (8, "date.no_year"),
        (9, "cell.unknown_value"),
    }


def test_hong_kong_ledger_reads_traditional_headers_day_first_dates_and_local_phones(tmp_path):
    path = cl.hong_kong(tmp_path)
    result = run("validate", path, *AS_OF, "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["problems"] == []
    doc = json.loads(run("stats", path, "--month", cl.MONTH, *AS_OF, "--format", "json").stdout)
    assert doc["office"] == "海景花園管理處"
    assert doc["received"]["repair"] == 2 and doc["received"]["complaint"] == 2 and doc["received"]["help"] == 1
    assert doc["completed"]["complaint"] == 2
    text = run("stats", path, "--month", cl.MONTH, *AS_OF).stdout
    assert "受理 5 件" in text and "投訴 2 件" in text  # the summary in the workbook's script


def test_minimal_ledger_reports_no_data_instead_of_zero(tmp_path):
    path = cl.minimal(tmp_path)
    doc = json.loads(run("stats", path, "--month", cl.MONTH, *AS_OF, "--format", "json").stdout)
    assert doc["received"]["repair"] == 2 and doc["received"]["complaint"] == 2
    assert set(doc["completed"].values()) == {None} and set(doc["open"].values()) == {None}
    assert doc["timeliness"]["responded_24h"] == {"count": None, "of": 2}
    assert doc["compliance"]["complaint"]["pass"] is None and doc["compliance"]["repair"]["population"] is None
    assert doc["satisfaction"]["overall"] == {
        "satisfied": None,
        "fairly_satisfied": None,
        "unsatisfied": None,
        "rate": None,
    }
    assert doc["alerts"]["severity_raised"] == []  # no completion dates: "unresolved for a month" cannot be judged
    assert "completed_on" in doc["no_data"]["open"]


def test_minimal_ledger_sheet_says_no_data_and_why_and_judges_nothing(tmp_path):
    path = cl.minimal(tmp_path)
    assert run("stats", path, "--month", cl.MONTH, *AS_OF, "--write").exit_code == 0
    ws = load_workbook(path)["月度统计 2026-10"]
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert "无数据" in cells
    assert "无数据:台账没有“完成日期”列。" in cells
    assert "无数据:台账没有“首次回复时间”列。" in cells
    assert "无数据:台账没有“回访日期”、“满意度”列。" in cells
    assert "不合格" not in cells and "合格" not in cells
    open_header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "类别" and r[3] == "月末未完成")
    assert open_header is not None
    rows = list(ws.iter_rows(values_only=True))
    start = rows.index(open_header)
    assert rows[start + 1][:4] == ("投诉", 2, "无数据", "无数据")  # never "every case open at month end"
