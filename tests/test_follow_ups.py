"""Issue 16 (1): unsatisfied callbacks, repeat complaints and repeat repairs become follow-ups (000 4.5-4.6)
that a second callback (再回访) closes; shown in JSON, at the top of 回访清单, in the tool columns, in the stats."""

from __future__ import annotations

import datetime as dt
import json

from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import case
from ledger.cli import app
from ledger.schema import CallbacksDoc

D = dt.date
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def complaint(case_id, received, completed=None, **more):
    more.setdefault("aspect", "清洁卫生")
    return case(case_id, "投诉", received, completed, severity="一般", responsibility="一类", **more)


def _follow_ups(path, as_of="2026-11-20"):
    result = run("callbacks", path, "--as-of", as_of, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    CallbacksDoc.model_validate(doc)
    return {(f["case_id"], f["reason"]): f for f in doc["follow_ups"]}


def test_unsatisfied_callback_goes_to_the_office_manager_with_a_second_callback_due(ledger_file):
    path = ledger_file(
        [
            complaint("C1", D(2026, 11, 2), D(2026, 11, 3), callback_on=D(2026, 11, 5), satisfaction="不满意"),
            complaint(
                "C2", D(2026, 11, 2), D(2026, 11, 3), unit="9栋101", callback_on=D(2026, 11, 5), satisfaction="满意"
            ),
        ]
    )
    found = _follow_ups(path)
    assert list(found) == [("C1", "unsatisfied")]
    assert found["C1", "unsatisfied"] == {
        "case_id": "C1",
        "row": 2,
        "reason": "unsatisfied",
        "escalate_to": "office_manager",
        "since": "2026-11-05",
        "recall_due": "2026-11-12",
        "state": "open",
    }


def test_second_callback_closes_it_unless_graded_unsatisfied_again(ledger_file):
    called = {"callback_on": D(2026, 11, 5), "satisfaction": "不满意"}
    path = ledger_file(
        [
            complaint("C1", D(2026, 11, 2), D(2026, 11, 3), recall_on=D(2026, 11, 10), recall_satisfaction="满意", **called),
            complaint("C2", D(2026, 11, 2), D(2026, 11, 3), unit="2栋", recall_on=D(2026, 11, 10), recall_satisfaction="不满意", **called),
            complaint("C3", D(2026, 11, 2), D(2026, 11, 3), unit="3栋", recall_on=D(2026, 11, 25), recall_satisfaction="满意", **called),
        ]
    )  # fmt: skip
    found = _follow_ups(path)
    assert found["C1", "unsatisfied"]["state"] == "closed"
    assert found["C2", "unsatisfied"]["state"] == "open"
    assert found["C3", "unsatisfied"]["state"] == "open"  # the second callback is after the as-of date


def test_repeat_complaint_and_repeat_repair_inside_the_look_back_window(ledger_file):
    path = ledger_file(
        [
            complaint("C1", D(2026, 9, 1), D(2026, 9, 2)),
            complaint("C2", D(2026, 11, 1), D(2026, 11, 2)),  # 2nd within 90 days
            complaint("C3", D(2026, 1, 1), D(2026, 1, 2), unit="5栋"),
            complaint("C4", D(2026, 11, 1), D(2026, 11, 2), unit="5栋"),  # 10 months later: not a repeat
            case("R1", "维修", D(2026, 6, 1), D(2026, 6, 2), aspect="房屋维修"),
            case("R2", "维修", D(2026, 8, 1), D(2026, 8, 2), aspect="房屋维修"),
            case("R3", "维修", D(2026, 11, 1), D(2026, 11, 4), aspect="房屋维修"),  # 3rd within 180 days
            case("R4", "维修", D(2026, 11, 1), None, aspect="房屋维修", unit="7栋"),
            case("R5", "维修", D(2026, 11, 2), None, aspect="房屋维修", unit="7栋"),  # only 2 repairs
        ]
    )
    found = _follow_ups(path)
    assert sorted(found) == [("C2", "repeat_complaint"), ("R3", "repeat_repair")]
    assert found["R3", "repeat_repair"]["since"] == "2026-11-01"
    assert found["R3", "repeat_repair"]["recall_due"] == "2026-11-11"  # completion + 7 days (Settings)
    assert found["C2", "repeat_complaint"]["escalate_to"] == "office_manager"


def test_callback_list_opens_with_the_unsatisfied_section_and_the_tool_column_says_why(ledger_file):
    path = ledger_file(
        [
            complaint("C1", D(2026, 11, 2), D(2026, 11, 3), callback_on=D(2026, 11, 5), satisfaction="不满意"),
            complaint("C9", D(2026, 11, 18), D(2026, 11, 19), unit="8栋"),  # due: listed below
        ]
    )
    assert run("callbacks", path, "--as-of", "2026-11-20", "--write").exit_code == 0
    book = load_workbook(path)
    rows = [[c for c in r] for r in book["回访清单"].iter_rows(values_only=True)]
    titles = [r[0] for r in rows]
    section = titles.index("不满意 — 须报管理处经理")
    main_header = next(i for i, r in enumerate(rows) if r[0] == "序号")
    assert section < main_header  # at the top
    follow_row = rows[section + 2]
    assert follow_row[:2] == ("不满意", "C1") or follow_row[:2] == ["不满意", "C1"]
    header = list(rows[section + 1])  # the second callback's cells under the list's 回访日期 and 满意度 columns
    main = list(rows[main_header])
    assert header.index("再回访日期") == main.index("回访日期") and header.index("再回访满意度") == main.index("满意度")
    assert [r[1] for r in rows[main_header + 1 :] if r[1]] == ["C9"]
    ws = book["案件台账"]
    header = [c.value for c in ws[1]]
    col = header.index("跟进事项") + 1
    assert ws.cell(2, col).value == "不满意:须报管理处经理,处理后再回访(期限 2026-11-12)"
    assert ws.cell(3, col).value is None


def test_english_ledger_closes_a_follow_up_through_its_second_callback_columns(ledger_file):
    path = ledger_file(
        [complaint("C1", D(2026, 11, 2), D(2026, 11, 3), callback_on=D(2026, 11, 5), satisfaction="Unsatisfied",
                   recall_on=D(2026, 11, 9), recall_satisfaction="Fairly satisfied")],
        lang="en",
        sheet="Cases",
        settings=[["Language", "en"]],
    )  # fmt: skip
    assert _follow_ups(path)["C1", "unsatisfied"]["state"] == "closed"
    assert run("callbacks", path, "--as-of", "2026-11-20", "--write").exit_code == 0
    ws = load_workbook(path)["Cases"]
    header = [c.value for c in ws[1]]
    assert ws.cell(2, header.index("Follow-up") + 1).value == "unsatisfied: called back again, closed"


def test_statistics_count_follow_ups_opened_closed_and_still_open(ledger_file):
    bad = {"satisfaction": "不满意"}
    path = ledger_file(
        [
            complaint("C1", D(2026, 10, 1), D(2026, 10, 2), callback_on=D(2026, 10, 4), **bad),  # opened Oct
            complaint("C2", D(2026, 10, 1), D(2026, 10, 2), unit="2栋", callback_on=D(2026, 10, 4),
                      recall_on=D(2026, 10, 20), recall_satisfaction="满意", **bad),  # opened and closed in Oct
            complaint("C3", D(2026, 9, 1), D(2026, 9, 2), unit="3栋", callback_on=D(2026, 9, 4), **bad),  # from Sep
        ]
    )  # fmt: skip
    result = run("stats", path, "--month", "2026-10", "--as-of", "2026-11-20", "--format", "json", "--write")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["follow_ups"] == {"opened": 2, "closed": 1, "still_open": 2}
    ws = load_workbook(path)["月度统计 2026-10"]
    rows = [r for r in ws.iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(rows) if r[0] and str(r[0]).startswith("跟进事项"))
    assert rows[at + 1][:3] == ("本月新增", "本月再回访关闭", "月末仍未关闭")
    assert rows[at + 2][:3] == (2, 1, 2)
