"""Issue 16 (4): callbacks that look unreal are reported by `validate` and `stats` and on the statistics sheet;
thresholds come from Settings; a row explained in 疑点说明 is not raised again."""

from __future__ import annotations

import datetime as dt
import json

from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import case
from ledger.cli import app
from ledger.schema import StatsDoc, ValidateDoc

D = dt.date
runner = CliRunner()
AS_OF = ["--as-of", "2026-11-05"]


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def called(case_id, on, by="陈静", notes=None, unit=None, method="上门", **more):
    """A repair completed 2026-09-01 and called back on `on` (method 上门 unless said: no off-day question)."""
    return case(
        case_id,
        "维修",
        D(2026, 8, 30),
        D(2026, 9, 1),
        unit=unit or f"{case_id}栋",
        aspect="房屋维修",
        callback_on=on,
        callback_by=by,
        callback_method=method,
        satisfaction="满意",
        callback_notes=notes,
        **more,
    )


def suspicions(path, *extra):
    result = run("validate", path, *AS_OF, "--format", "json", *extra)
    doc = json.loads(result.stdout)
    ValidateDoc.model_validate(doc)
    return {s["code"]: s for s in doc["suspicions"]}


def test_callback_before_completion_and_own_handler(ledger_file):
    path = ledger_file(
        [
            called("A1", D(2026, 8, 31)),  # before completion (09-01)
            called("A2", D(2026, 10, 8), by="张伟", handler="张伟"),  # his own case
            called("A3", D(2026, 10, 8), handler="张伟"),
        ]
    )
    found = suspicions(path)
    assert set(found) == {"callback_before_completion", "own_case"}
    assert found["callback_before_completion"]["rows"] == [2]
    assert found["own_case"]["rows"] == [3]
    assert "处理人本人" in found["own_case"]["message"]


def test_month_end_bunching_of_one_caller(ledger_file):
    days = [D(2026, 10, 9), D(2026, 10, 20), D(2026, 10, 29), D(2026, 10, 29), D(2026, 10, 30), D(2026, 10, 30)]
    rows = [called(f"B{i}", d) for i, d in enumerate(days)]
    rows += [called(f"K{i}", d, by="李娜") for i, d in enumerate(days[:3] + [D(2026, 10, 12)] * 3)]  # 1 of 6: fine
    found = suspicions(ledger_file(rows))
    assert set(found) == {"month_end_bunching"}
    assert found["month_end_bunching"]["rows"] == [4, 5, 6, 7]
    assert "陈静" in found["month_end_bunching"]["message"] and "2026-10" in found["month_end_bunching"]["message"]


def test_same_notes_word_for_word_on_many_cases_of_one_caller(ledger_file):
    note = "维修及时,师傅态度很好,住户非常满意"
    rows = [called(f"N{i}", D(2026, 10, 8 + i), notes=note) for i in range(5)]
    rows += [called(f"M{i}", D(2026, 10, 8 + i), by="李娜", notes="满意") for i in range(6)]  # too short to tell
    found = suspicions(ledger_file(rows))
    assert set(found) == {"copied_notes"}
    assert found["copied_notes"]["rows"] == [2, 3, 4, 5, 6]


def test_perfect_satisfaction_from_a_tiny_sample_while_callbacks_are_overdue(ledger_file):
    rows = [called("P1", D(2026, 10, 8)), called("P2", D(2026, 10, 9))]
    rows += [
        case(f"O{i}", "投诉", D(2026, 10, 10), D(2026, 10, 12), unit=f"O{i}栋", aspect="清洁卫生", severity="一般",
             responsibility="一类")
        for i in range(2)
    ]  # fmt: skip  # window 10-12..10-15, no callback: overdue in October
    found = suspicions(ledger_file(rows))
    assert set(found) == {"perfect_tiny_sample"}
    assert found["perfect_tiny_sample"]["rows"] == [2, 3]
    assert "100%" in found["perfect_tiny_sample"]["message"] and "2 件逾期" in found["perfect_tiny_sample"]["message"]


def test_phone_callback_on_a_day_off_unless_settings_say_the_office_calls_then(ledger_file):
    rows = [called("W1", D(2026, 10, 18), method="电话"), called("W2", D(2026, 10, 19), method="电话")]
    found = suspicions(ledger_file(rows))
    assert set(found) == {"off_day_office_call"} and found["off_day_office_call"]["rows"] == [2]
    quiet = ledger_file(rows, name="quiet.xlsx", settings=[["非工作日存疑回访方式", "无"]])
    assert suspicions(quiet) == {}


def test_a_row_explained_in_the_suspicion_column_is_not_raised_again(ledger_file):
    path = ledger_file([called("A1", D(2026, 8, 31), suspicion_note="主管已核实:完成日期录入有误")])
    assert suspicions(path) == {}


def test_thresholds_come_from_settings(ledger_file):
    note = "维修及时,师傅态度很好,住户非常满意"
    rows = [called(f"N{i}", D(2026, 10, 8 + i), notes=note) for i in range(3)]
    assert suspicions(ledger_file(rows)) == {}
    strict = ledger_file(rows, name="strict.xlsx", settings=[["相同回访意见件数", 3]])
    assert suspicions(strict)["copied_notes"]["rows"] == [2, 3, 4]


def test_stats_report_the_months_suspicions_in_json_and_on_the_sheet(ledger_file):
    path = ledger_file(
        [
            called("A1", D(2026, 10, 8), by="张伟", handler="张伟"),
            called("A2", D(2026, 9, 8), by="张伟", handler="张伟"),  # September: not in October's figures
        ]
    )
    result = run("stats", path, "--month", "2026-10", *AS_OF, "--format", "json", "--write")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    StatsDoc.model_validate(doc)
    assert [(s["code"], s["rows"]) for s in doc["suspicions"]] == [("own_case", [2])]
    rows = [r[0] for r in load_workbook(path)["月度统计 2026-10"].iter_rows(values_only=True)]
    at = next(i for i, v in enumerate(rows) if v and str(v).startswith("回访疑点"))
    assert rows[at + 1] == doc["suspicions"][0]["message"]
