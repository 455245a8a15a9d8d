"""Issue 13 items 1-5: numbers head office can trust — no case vanishes, missing data is not zero,
months not over say so, a refused command writes nothing, highlights follow the 问题 column."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

import clerk_ledgers as cl
from conftest import case, write_ledger
from ledger.cli import app

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_safety_write import excel_owner_file  # noqa: E402  (the 165-byte file Excel writes)

runner = CliRunner()
AS_OF = ["--as-of", cl.AS_OF]


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def cells(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


# ---------------------------------------------------------------- 1. no case vanishes


def test_thirteen_complaints_with_one_unreadable_date_report_twelve_and_one_excluded(ledger_file):
    rows = [case(f"T{i:02d}", "投诉", received=dt.date(2026, 10, i + 1)) for i in range(12)]
    rows.append(case("T12", "投诉", received="2026-10-3l"))
    path = ledger_file(rows)
    result = run("stats", path, "--month", cl.MONTH, *AS_OF, "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["received"]["complaint"] == 12
    assert doc["excluded"] == [{"row": 14, "case_id": "T12", "column": "受理日期", "code": "date.unreadable"}]


def test_uncountable_cases_are_named_on_the_sheet_in_the_export_and_in_json(tmp_path):
    path = cl.messy_simplified(tmp_path)
    result = run(
        "stats", path, "--month", cl.MONTH, *AS_OF, "--write", "--export", tmp_path / "out", "--format", "json"
    )
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["excluded"] == [
        {"row": 7, "case_id": "S-004", "column": "接报日期", "code": "date.unreadable"},
        {"row": 8, "case_id": "S-005", "column": "接报日期", "code": "date.no_year"},
        {"row": 9, "case_id": "S-006", "column": "类型", "code": "cell.unknown_value"},
    ]
    note = "3 件未能计入统计:第 7、8、9 行,见“问题”列。"
    assert note in cells(load_workbook(path)["月度统计 2026-10"])
    [export] = (tmp_path / "out").iterdir()
    assert note in cells(load_workbook(export).active)
    text = run("stats", path, "--month", cl.MONTH, *AS_OF)
    assert text.exit_code == 1 and "3 件未能计入统计:第 7、8、9 行" in text.stdout


def test_a_ledger_whose_cases_all_count_exits_0_with_an_empty_excluded_list(tmp_path):
    result = run("stats", cl.hong_kong(tmp_path), "--month", cl.MONTH, *AS_OF, "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["excluded"] == []


# ---------------------------------------------------------------- 2. missing data is not zero


def test_a_missing_first_response_column_is_null_with_its_denominator_and_said_on_the_sheet(tmp_path):
    path = cl.messy_simplified(tmp_path)  # no 首次回复时间 column, but completion dates
    run("stats", path, "--month", cl.MONTH, *AS_OF, "--write")
    doc = json.loads(run("stats", path, "--month", cl.MONTH, *AS_OF, "--format", "json").stdout)
    assert doc["timeliness"]["responded_24h"] == {"count": None, "of": 2}
    assert doc["timeliness"]["resolved_3_workdays"] == {"count": 2, "of": 2}
    ws = load_workbook(path)["月度统计 2026-10"]
    row = next(r for r in ws.iter_rows(values_only=True) if r[0] == "投诉24小时内首次回复")
    assert row[1:4] == ("无数据", 2, "无数据")
    assert "无数据:台账没有“首次回复时间”列。" in cells(ws)


def test_a_rate_without_a_denominator_is_no_data_and_says_why(ledger_file):
    path = ledger_file([case("R1", received=dt.date(2026, 10, 3))])  # one open repair: nothing to rate
    assert run("stats", path, "--month", cl.MONTH, *AS_OF, "--write").exit_code == 0
    ws = load_workbook(path)["月度统计 2026-10"]
    rows = list(ws.iter_rows(values_only=True))
    assert next(r for r in rows if r[0] == "投诉24小时内首次回复")[1:4] == (0, 0, "无数据")
    assert next(r for r in rows if r[0] == "合计(总体)")[5] == "无数据"
    words = cells(ws)
    for note in (
        "比率无数据:本月没有受理投诉。",
        "满意率无数据:本月没有评了满意度的回访。",
        "回访率无数据:本月没有回访期限到期的案件。",
    ):
        assert note in words
    assert "不合格" not in words


# ---------------------------------------------------------------- 3. months that are not over


def test_a_month_after_the_as_of_month_has_not_started(tmp_path):
    path = cl.minimal(tmp_path)
    for command in ("stats", "sample"):
        result = run(command, path, "--month", "2026-12", *AS_OF)
        assert result.exit_code == 2 and "该月尚未开始" in result.stderr


def test_month_13_is_no_such_month_not_a_bad_format(tmp_path):
    result = run("stats", cl.minimal(tmp_path), "--month", "2026-13", *AS_OF)
    assert result.exit_code == 2 and "没有这个月份" in result.stderr and "格式" not in result.stderr
    result = run("stats", cl.hong_kong(tmp_path), "--month", "2026-13", *AS_OF)
    assert "沒有這個月份" in result.stderr  # in the workbook's script


def test_the_as_of_month_is_partial_in_json_and_in_the_sheet_title(tmp_path):
    path = cl.hong_kong(tmp_path)
    result = run("stats", path, "--month", "2026-10", "--as-of", "2026-10-26", "--write", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["partial"] is True
    title = load_workbook(path)["月度統計 2026-10"]["A1"].value
    assert title.endswith("(截至 2026-10-26,未滿月)")


def _sendable(tmp_path: Path, office: str = "阳光花园管理处") -> Path:
    settings = [["项目", "值"], ["管理处名称", office], ["总部邮箱", "quality@head-office.example"]]
    today = dt.date.today()
    return write_ledger(tmp_path / "台账.xlsx", [case("R1", received=today.replace(day=1))], settings=settings)


def test_send_refuses_a_month_not_over_unless_partial_is_given(tmp_path):
    path = _sendable(tmp_path)
    this_month = dt.date.today().strftime("%Y-%m")
    out = tmp_path / "out"
    refused = run("send", path, "--month", this_month, "--via", "eml", "--out-dir", out)
    assert refused.exit_code == 2 and "--partial" in refused.stderr
    assert not out.exists() or not any(out.iterdir())
    sent = run("send", path, "--month", this_month, "--via", "eml", "--out-dir", out, "--partial")
    assert sent.exit_code == 0, sent.output
    assert len(list(out.glob("*.eml"))) == 1


def test_send_refuses_to_address_head_office_as_the_generic_office(tmp_path):
    path = _sendable(tmp_path, office="物业管理处")
    out = tmp_path / "out"
    result = run("send", path, "--month", "2026-10", "--via", "eml", "--out-dir", out)
    assert result.exit_code == 2 and "通用" in result.stderr
    assert not out.exists() or not any(out.iterdir())
    named = run("send", path, "--month", "2026-10", "--via", "eml", "--out-dir", out, "--office", "翠苑管理处")
    assert named.exit_code == 0 and [p.name for p in out.glob("*.xlsx")] == ["回访统计_翠苑管理处_2026-10.xlsx"]


# ---------------------------------------------------------------- 4. all or nothing


def test_stats_write_export_on_a_ledger_open_in_excel_writes_nothing_anywhere(tmp_path):
    path = cl.messy_simplified(tmp_path)
    (tmp_path / f"~${path.name}").write_bytes(excel_owner_file("张三"))
    before = path.read_bytes()
    out = tmp_path / "out"
    result = run("stats", path, "--month", cl.MONTH, *AS_OF, "--write", "--export", out)
    assert result.exit_code == 2 and "张三" in result.stderr
    assert path.read_bytes() == before
    assert not out.exists() or not any(out.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, f"~${path.name}"])


def test_send_on_a_ledger_open_in_excel_sends_nothing(tmp_path):
    path = _sendable(tmp_path)
    (tmp_path / f"~${path.name}").write_bytes(excel_owner_file("李四"))
    out = tmp_path / "out"
    result = run("send", path, "--month", "2026-10", "--via", "eml", "--out-dir", out)
    assert result.exit_code == 2 and "李四" in result.stderr
    assert not out.exists() or not any(out.iterdir())


# ---------------------------------------------------------------- 5. highlights in step


def test_every_write_keeps_the_highlights_in_step_with_the_problems_column(tmp_path):
    path = cl.messy_simplified(tmp_path)
    writes = [
        ("validate", "--write"),
        ("callbacks", "--write"),
        ("sample", "--month", cl.MONTH, "--write"),
        ("stats", "--month", cl.MONTH, "--write"),
    ]
    for command, *args in writes:
        run(command, path, *AS_OF, *args)
        ws = load_workbook(path)["回访台账"]
        assert cl.highlighted_rows(ws) == cl.problem_rows(ws, 2) == {7, 8, 9}, command
    # the clerk corrects a date; the next write (any of them) drops that row's colour and note
    book = load_workbook(path)
    book["回访台账"]["B7"] = "2026-10-03"
    book.save(path)
    run("callbacks", path, *AS_OF, "--write")
    ws = load_workbook(path)["回访台账"]
    assert cl.highlighted_rows(ws) == cl.problem_rows(ws, 2) == {8, 9}
