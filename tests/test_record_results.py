"""Issue 16 (2, 3): results typed into 回访清单 posted into the case sheet by `ledger record`, undone by `--undo`;
the unreachable ladder (无法联系 only after N attempts on different days)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from conftest import case, write_ledger
from ledger.cli import app
from ledger.core.log import parse_log

D = dt.date
runner = CliRunner()
AS_OF = ["--as-of", "2026-11-20"]


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def complaint(case_id, received, completed=None, **more):
    more.setdefault("aspect", "清洁卫生")
    return case(case_id, "投诉", received, completed, severity="一般", responsibility="一类", **more)


def listed_ledger(path: Path, rows, **kw) -> Path:
    write_ledger(path, rows, **kw)
    result = run("callbacks", path, *AS_OF, "--write")
    assert result.exit_code == 0, result.output
    return path


def type_into_list(path: Path, sheet: str, entries: dict[str, dict[str, object]], header_key: str = "案件编号"):
    """The clerk types results into the list: {case_id: {header: value}}; found by header, in every table."""
    wb = load_workbook(path)
    ws = wb[sheet]
    header: list = []
    for row in ws.iter_rows():
        values = [c.value for c in row]
        if header_key in values:
            header = values
            continue
        if header and header_key in header:
            case_id = values[header.index(header_key)]
            for name, value in entries.get(case_id, {}).items():
                row[header.index(name)].value = value
    wb.save(path)


def case_cells(path: Path, sheet: str = "案件台账") -> dict[str, dict[str, object]]:
    ws = load_workbook(path)[sheet]
    header = [c.value for c in ws[1]]
    return {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}


def list_ids(path: Path, sheet: str = "回访清单") -> list[str]:
    ws = load_workbook(path)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r[0] in ("序号", "序號", "No."))
    return [r[1] for r in rows[at + 1 :] if r[1]]


def log_actions(path: Path, sheet: str = "日志") -> list[tuple[str, dict, dict]]:
    ws = load_workbook(path)[sheet]
    entries = parse_log(list(ws.iter_rows(values_only=True)))  # the machine columns behind the words
    return [(e["action"], e["params"], e["result"]) for e in entries]


def two_due(tmp_path: Path) -> Path:
    return listed_ledger(
        tmp_path / "台账.xlsx",
        [
            complaint("C1", D(2026, 11, 17), D(2026, 11, 18)),
            complaint("C2", D(2026, 11, 17), D(2026, 11, 18), unit="5栋101"),
        ],
    )


RESULT = {"回访日期": "2026/11/20", "回访方式": "电话", "满意度": "满意", "回访意见": "已清理干净"}


def test_round_trip_type_record_check_cells_regenerated_list_and_undo(tmp_path):
    path = two_due(tmp_path)
    type_into_list(path, "回访清单", {"C1": RESULT})
    before = path.read_bytes()

    preview = run("record", path, *AS_OF, "--format", "json")
    assert preview.exit_code == 0, preview.output
    assert path.read_bytes() == before  # without --write nothing changes
    assert json.loads(preview.stdout)["written"] is False

    result = run("record", path, *AS_OF, "--write", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {(c["case_id"], c["field"], c["old"], c["new"]) for c in doc["cells"]} == {
        ("C1", "callback_on", None, "2026-11-20"),
        ("C1", "callback_method", None, "phone"),
        ("C1", "satisfaction", None, "satisfied"),
        ("C1", "callback_notes", None, "已清理干净"),
        ("C1", "callback_attempts", None, 1),
    }
    c1 = case_cells(path)["C1"]
    assert c1["回访日期"] == dt.datetime(2026, 11, 20)
    assert (c1["回访方式"], c1["满意度"], c1["回访意见"], c1["回访次数"]) == ("电话", "满意", "已清理干净", 1)
    assert c1["回访状态"] == "已回访"  # tool columns follow
    assert case_cells(path)["C2"]["回访日期"] is None
    assert list_ids(path) == ["C2"]  # the list is regenerated
    assert list((tmp_path / ".ledger_backups").iterdir())  # a backup was made
    action, params, logged = log_actions(path)[-2]
    assert action == "record" and params["list"] == "回访清单"
    assert {(c["column"], c["old"], c["new"]) for c in logged["cells"]} >= {("回访日期", None, "2026-11-20")}

    undo = run("record", path, *AS_OF, "--undo", "--write")
    assert undo.exit_code == 0, undo.output
    c1 = case_cells(path)["C1"]
    assert [c1[h] for h in ("回访日期", "回访方式", "满意度", "回访意见", "回访次数")] == [None] * 5
    assert c1["回访状态"] == "待回访"
    assert list_ids(path) == ["C1", "C2"]
    assert [a for a, _, _ in log_actions(path)][-2] == "record_undo"
    again = run("record", path, *AS_OF, "--undo")
    assert again.exit_code == 1 and "没有可撤销" in again.output


def test_ledger_open_in_excel_is_refused_with_exit_2_and_nothing_written(tmp_path):
    from test_ledger_open_elsewhere import excel_owner_file

    path = two_due(tmp_path)
    type_into_list(path, "回访清单", {"C1": RESULT})
    (tmp_path / f"~${path.name}").write_bytes(excel_owner_file("张三"))
    before = path.read_bytes()
    result = run("record", path, *AS_OF, "--write")
    assert result.exit_code == 2
    assert "张三" in result.output
    assert path.read_bytes() == before
    assert "Traceback" not in result.output


def test_a_case_changed_after_listing_is_refused_and_nothing_is_posted(tmp_path):
    path = two_due(tmp_path)
    type_into_list(path, "回访清单", {"C1": RESULT, "C2": RESULT})
    wb = load_workbook(path)
    ws = wb["案件台账"]
    header = [c.value for c in ws[1]]
    ws.cell(3, header.index("回访意见") + 1).value = "住户来电说已满意"  # C2 changed meanwhile
    wb.save(path)
    before = path.read_bytes()
    result = run("record", path, *AS_OF, "--write", "--format", "json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["code"], p["sheet"]) for p in problems] == [("record.case_changed", "回访清单")]
    assert "C2" in problems[0]["message"] and "第3行" in problems[0]["message"]
    assert path.read_bytes() == before


def test_bad_entries_name_the_list_row_and_column_and_block_the_posting(tmp_path):
    path = two_due(tmp_path)
    type_into_list(
        path,
        "回访清单",
        {
            "C1": {"回访日期": "2026-13-01", "满意度": "满意"},
            "C2": {"回访日期": "2026-11-25", "满意度": "很棒"},
        },
    )
    before = path.read_bytes()
    result = run("record", path, *AS_OF, "--write", "--format", "json")
    assert result.exit_code == 1
    found = {(p["code"], p["column"]) for p in json.loads(result.stdout)["problems"]}
    assert found == {
        ("record.bad_date", "回访日期"),
        ("record.future_date", "回访日期"),
        ("record.bad_value", "满意度"),
    }
    assert path.read_bytes() == before


def test_entry_columns_are_found_by_header_in_traditional_chinese_wherever_they_sit(tmp_path):
    path = listed_ledger(
        tmp_path / "台帳.xlsx",
        [complaint("C1", D(2026, 11, 17), D(2026, 11, 18))],
        lang="zh-Hant",
        sheet="案件台賬",
        settings=[["語言", "zh-Hant"]],
    )
    wb = load_workbook(path)
    ws = wb["回訪清單"]
    ws.insert_cols(2, 2)  # the clerk inserted two columns of their own: every position moves
    wb.save(path)
    type_into_list(path, "回訪清單", {"C1": {"回訪日期": dt.datetime(2026, 11, 19), "滿意度": "一般滿意"}}, "案件編號")
    result = run("record", path, *AS_OF, "--write")
    assert result.exit_code == 0, result.output
    c1 = case_cells(path, "案件台賬")["C1"]
    assert (c1["回訪日期"], c1["滿意度"], c1["回訪次數"]) == (dt.datetime(2026, 11, 19), "一般滿意", 1)


def test_second_callback_typed_into_the_follow_up_section_closes_the_follow_up(tmp_path):
    path = listed_ledger(
        tmp_path / "l.xlsx",
        [complaint("C1", D(2026, 11, 2), D(2026, 11, 3), callback_on=D(2026, 11, 5), satisfaction="不满意")],
    )
    type_into_list(path, "回访清单", {"C1": {"再回访日期": "2026-11-19", "再回访满意度": "满意"}})
    result = run("record", path, *AS_OF, "--write")
    assert result.exit_code == 0, result.output
    c1 = case_cells(path)["C1"]
    assert (c1["再回访日期"], c1["再回访满意度"]) == (dt.datetime(2026, 11, 19), "满意")
    assert c1["回访日期"] == dt.datetime(2026, 11, 5)  # the first callback is untouched
    doc = json.loads(run("callbacks", path, *AS_OF, "--format", "json").stdout)
    assert [f["state"] for f in doc["follow_ups"]] == ["closed"]
    titles = [r[0] for r in load_workbook(path)["回访清单"].iter_rows(values_only=True)]
    assert "不满意 — 须报管理处经理" not in titles


# ---------------------------------------------------------------- the unreachable ladder


def test_unreachable_only_after_three_unanswered_days_and_the_list_says_which_attempt_is_next(tmp_path):
    path = listed_ledger(tmp_path / "l.xlsx", [complaint("C1", D(2026, 11, 14), D(2026, 11, 15))])
    statuses = []
    for day, next_label in (
        ("2026-11-16", "第2次/共3次"),
        ("2026-11-16", "第2次/共3次"),
        ("2026-11-17", "第3次/共3次"),
    ):
        type_into_list(path, "回访清单", {"C1": {"回访日期": day, "满意度": "未接通"}})
        result = run("record", path, *AS_OF, "--write")
        assert result.exit_code == 0, result.output
        ws = load_workbook(path)["回访清单"]
        rows = list(ws.iter_rows(values_only=True))
        header = next(r for r in rows if r[0] == "序号")
        row = next(r for r in rows if r[1] == "C1")
        assert row[header.index("状态")].splitlines()[-1] == next_label  # the next attempt, under the status
        statuses.append(case_cells(path)["C1"]["回访状态"])
    c1 = case_cells(path)["C1"]
    assert c1["未接通日期"] == "2026-11-16、2026-11-17"  # the same day counts once
    assert c1["回访日期"] is None and c1["满意度"] is None
    type_into_list(path, "回访清单", {"C1": {"回访日期": "2026-11-19", "满意度": "未接通"}})
    assert run("record", path, *AS_OF, "--write").exit_code == 0
    assert case_cells(path)["C1"]["回访状态"] == "无法联系"
    assert statuses == ["逾期", "逾期", "逾期"]  # still to call (its window has passed), not unreachable
    assert "C1" not in list_ids(path)


def test_unreachable_typed_before_the_last_rung_is_a_warning_and_stays_on_the_list(ledger_file):
    path = ledger_file(
        [complaint("C1", D(2026, 11, 14), D(2026, 11, 15), attempt_dates="2026-11-16、11/17/2026x",
                   no_callback_reason="无法联系")]
    )  # fmt: skip
    result = run("validate", path, *AS_OF, "--format", "json")
    codes = {(p["code"], p["severity"]) for p in json.loads(result.stdout)["problems"]}
    assert {("row.unreachable_too_soon", "warning"), ("row.attempt_date_unreadable", "error")} <= codes
    doc = json.loads(run("callbacks", path, *AS_OF, "--format", "json").stdout)
    assert doc["cases"][0]["status"] == "overdue"  # still to call, not unreachable


def test_a_ledger_without_attempt_days_keeps_counting_attempts(tmp_path):
    fields = [f for f in ("case_id", "received_on", "category", "unit", "completed_on", "callback_attempts")]
    path = write_ledger(
        tmp_path / "l.xlsx",
        [case("R1", "投诉", D(2026, 11, 14), D(2026, 11, 15), callback_attempts=3)],
        fields=fields,
    )
    doc = json.loads(run("callbacks", path, *AS_OF, "--format", "json").stdout)
    assert doc["cases"][0]["status"] == "unreachable"


def test_record_without_a_callback_list_is_exit_2(tmp_path):
    wb = Workbook()
    wb.active.title = "案件台账"
    wb.active.append(["案件编号", "受理日期", "类别", "房号"])
    wb.active.append(["C1", dt.datetime(2026, 11, 1), "投诉", "1栋"])
    wb.save(tmp_path / "l.xlsx")
    result = run("record", tmp_path / "l.xlsx", *AS_OF)
    assert result.exit_code == 2 and "callbacks --write" in result.output


def test_undo_is_refused_when_a_posted_cell_was_changed_afterwards(tmp_path):
    path = two_due(tmp_path)
    type_into_list(path, "回访清单", {"C1": RESULT})
    assert run("record", path, *AS_OF, "--write").exit_code == 0
    wb = load_workbook(path)
    ws = wb["案件台账"]
    header = [c.value for c in ws[1]]
    ws.cell(2, header.index("回访意见") + 1).value = "主管补充:已复查"
    wb.save(path)
    before = path.read_bytes()
    result = run("record", path, *AS_OF, "--undo", "--write", "--format", "json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["code"], p["row"], p["column"]) for p in problems] == [("record.undo_changed", 2, "回访意见")]
    assert path.read_bytes() == before


def test_posted_cells_keep_the_clerks_cell_style_and_other_cells_are_untouched(tmp_path):
    from openpyxl.styles import Font

    path = two_due(tmp_path)
    wb = load_workbook(path)
    ws = wb["案件台账"]
    header = [c.value for c in ws[1]]
    notes = ws.cell(2, header.index("回访意见") + 1)
    notes.font = Font(bold=True, color="FF0000")
    ws.cell(2, header.index("内容") + 1).value = "楼道垃圾 =SUM(1)"
    wb.save(path)
    assert run("callbacks", path, *AS_OF, "--write").exit_code == 0  # list again: the case changed
    type_into_list(path, "回访清单", {"C1": RESULT})
    assert run("record", path, *AS_OF, "--write").exit_code == 0
    ws = load_workbook(path)["案件台账"]
    notes = ws.cell(2, header.index("回访意见") + 1)
    assert notes.value == "已清理干净" and notes.font.b and notes.font.color.rgb == "00FF0000"
    assert ws.cell(2, header.index("内容") + 1).value == "楼道垃圾 =SUM(1)"
    assert ws.cell(2, header.index("回访日期") + 1).number_format == "yyyy-mm-dd"


def test_text_preview_lists_each_cell_in_the_clerks_words(tmp_path):
    path = two_due(tmp_path)
    type_into_list(path, "回访清单", {"C1": RESULT})
    result = run("record", path, *AS_OF)
    assert result.exit_code == 0, result.output
    assert "C1\t2\t满意度\t → 满意" in result.output and "C1\t2\t回访方式\t → 电话" in result.output
    assert "5 个单元格将写入台账(预览;加 --write 写入)。" in result.output
