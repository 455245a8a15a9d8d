"""SPEC §9 `ledger callbacks`: the JSON contract, exit status, and what --write leaves in the file."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import case
from ledger.cli import app
from ledger.core.vocab import STATUSES

D = dt.date
runner = CliRunner()
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CASE_KEYS = {"case_id", "row", "category", "status", "window_start", "window_due", "sampled", "assignee_role"}


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def _rows() -> list[dict]:
    return [
        case("C1", "投诉", D(2026, 10, 8), D(2026, 10, 9), aspect="清洁卫生", severity="一般", responsibility="一类"),
        case("R1", "维修", D(2026, 9, 1), D(2026, 9, 2), aspect="房屋维修"),
        case("R2", "维修", D(2026, 9, 1), None, aspect="房屋维修"),
        case("H1", "求助", D(2026, 9, 20), D(2026, 9, 21), no_callback_reason="匿名"),
        case("E1", "急救", D(2026, 9, 20), D(2026, 9, 21), callback_on=D(2026, 9, 23), satisfaction="满意"),
    ]


@pytest.fixture
def path(ledger_file):
    return ledger_file(_rows())


def test_callbacks_json_is_one_document_with_as_of_cases_counts(path):
    result = run("callbacks", path, "--as-of", "2026-10-10", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {"as_of", "cases", "counts"} <= set(doc) and doc["as_of"] == "2026-10-10"


def test_one_entry_per_case_row_with_excel_row_numbers(path):
    doc = json.loads(run("callbacks", path, "--as-of", "2026-10-10", "--format", "json").stdout)
    assert [(c["case_id"], c["row"]) for c in doc["cases"]] == [("C1", 2), ("R1", 3), ("R2", 4), ("H1", 5), ("E1", 6)]
    assert all(CASE_KEYS <= set(c) for c in doc["cases"])


def test_statuses_windows_and_sampled_per_case(path):
    doc = json.loads(run("callbacks", path, "--as-of", "2026-10-10", "--format", "json").stdout)
    by_id = {c["case_id"]: c for c in doc["cases"]}
    assert (by_id["C1"]["status"], by_id["C1"]["window_start"], by_id["C1"]["window_due"]) == (
        "due",
        "2026-10-09",
        "2026-10-12",
    )
    assert (by_id["C1"]["category"], by_id["C1"]["sampled"], by_id["C1"]["assignee_role"]) == (
        "complaint",
        True,
        "department_supervisor",
    )
    assert (by_id["R1"]["status"], by_id["R1"]["window_start"], by_id["R1"]["window_due"]) == (
        "due",
        "2026-10-02",
        "2026-11-02",
    )
    assert (by_id["R2"]["status"], by_id["R2"]["window_start"], by_id["R2"]["window_due"], by_id["R2"]["sampled"]) == (
        "open",
        None,
        None,
        None,
    )
    assert (by_id["H1"]["status"], by_id["H1"]["sampled"]) == ("exempt", None)
    assert (by_id["E1"]["status"], by_id["E1"]["closure"]) == ("done", "closed")


def test_dates_are_iso_days_and_counts_cover_every_status_key(path):
    doc = json.loads(run("callbacks", path, "--as-of", "2026-10-10", "--format", "json").stdout)
    for c in doc["cases"]:
        for key in ("window_start", "window_due"):
            assert c[key] is None or DATE.match(c[key])
        assert c["status"] in STATUSES.keys()
    assert list(doc["counts"]) == STATUSES.keys()
    assert doc["counts"] == {**{k: 0 for k in STATUSES.keys()}, "due": 2, "open": 1, "exempt": 1, "done": 1}


def test_as_of_defaults_to_today(path):
    doc = json.loads(run("callbacks", path, "--format", "json").stdout)
    assert doc["as_of"] == dt.date.today().isoformat()


def test_ledger_errors_give_exit_one_and_the_row_still_listed(ledger_file):
    rows = _rows() + [case("X1", "维修", "2026-13-45", D(2026, 9, 2))]
    result = run("callbacks", ledger_file(rows), "--as-of", "2026-10-10", "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert [c["case_id"] for c in doc["cases"]][-1] == "X1"


def test_unknown_calendar_year_is_reported_in_json_and_text(ledger_file):
    settings = [
        ["规则预设", "住宅"],
        [],
        ["【回访规则】"],
        ["类别", "起始", "期限", "回访率", "目标"],
        ["投诉", "0", "3个工作日", "100%", ""],
    ]
    path = ledger_file([case("C9", "投诉", D(2026, 12, 29), D(2026, 12, 30), aspect="清洁卫生")], settings=settings)
    doc = json.loads(run("callbacks", path, "--as-of", "2027-01-10", "--format", "json").stdout)
    assert doc["cases"][0]["window_due"] is None and doc["cases"][0]["status"] == "due"
    assert [p["code"] for p in doc["problems"]] == ["calendar.year_unknown"]
    text = run("callbacks", path, "--as-of", "2027-01-10")
    assert "2027" in text.output and "设置" in text.output


def test_text_output_lists_due_cases_and_counts(path):
    result = run("callbacks", path, "--as-of", "2026-10-10")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any(line.startswith("待回访\t2026-10-12\tC1") for line in lines)
    assert "待回访 2" in lines[-1] and "免回访 1" in lines[-1]


def test_write_fills_tool_columns_and_logs_the_draw_it_implies(path):
    result = run("callbacks", path, "--as-of", "2026-10-10", "--write", "--format", "json")
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    sheet = book["案件台账"]
    header = [c.value for c in sheet[1]]
    values = {r[header.index("案件编号")]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    status_col, start_col = header.index("回访状态"), header.index("回访起始")
    assert values["R1"][status_col] == "待回访" and values["R1"][start_col].date() == D(2026, 10, 2)
    assert values["R2"][status_col] == "处理中" and values["R2"][start_col] is None
    assert values["R1"][header.index("抽样")] == "抽中"
    log = [(r[5], json.loads(r[6])) for r in book["日志"].iter_rows(min_row=2, values_only=True)]  # hidden codes
    assert ("sample", {"month": "2026-09", "seed": 202609, "write": True, "by": "callbacks"}) in log
    assert log[-1] == ("callbacks", {"as_of": "2026-10-10"})
    assert {"回访清单", "回访记录表"} <= set(book.sheetnames)


def test_second_write_logs_no_new_draw_and_keeps_statuses(path):
    first = json.loads(run("callbacks", path, "--as-of", "2026-10-10", "--write", "--format", "json").stdout)
    second = json.loads(run("callbacks", path, "--as-of", "2026-10-10", "--write", "--format", "json").stdout)
    assert first["cases"] == second["cases"]
    actions = [r[5] for r in load_workbook(path)["日志"].iter_rows(min_row=2, values_only=True)]
    assert actions.count("sample") == 1 and actions.count("callbacks") == 2
