"""Issue 16 (5): 回访意见汇总 — the month's callback notes and unsatisfied cases by department (004 5.6.5)."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import case
from ledger.cli import app
from ledger.core.log import parse_log

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
    summary = rows[rows.index(("责任部门", "回访次数", "不满意", "列出件数", None, None, None, None, None)) + 1 :][:4]
    assert [r[:4] for r in summary] == [
        ("保洁部", 1, 0, 1),
        ("工程部", 3, 1, 2),
        ("(未填责任部门)", 1, 0, 1),
        ("合计", 5, 1, 4),
    ]
    at = next(i for i, r in enumerate(rows) if r[:2] == ("责任部门", "案件编号"))
    assert [r[:2] for r in rows[at + 1 :]] == [
        ("保洁部", "R4"),
        ("工程部", "R2"),  # unsatisfied first
        ("工程部", "R1"),
        ("(未填责任部门)", "R5"),
    ]
    r2 = next(r for r in rows if r[1] == "R2")
    assert (r2[7], r2[8], r2[6]) == ("不满意", "还在漏水", dt.datetime(2026, 10, 9))
    assert "九月的意见" not in [r[8] for r in rows]


def test_english_feedback_sheet_says_when_a_month_had_no_callbacks(ledger_file):
    path = ledger_file([called("R1", "Works", D(2026, 9, 5), notes="fine")], lang="en", sheet="Cases",
                       settings=[["Language", "en"]])  # fmt: skip
    result = runner.invoke(app, ["stats", str(path), "--month", "2026-10", "--as-of", "2026-11-05", "--write"])
    assert result.exit_code == 0, result.output
    rows = sheet_rows(path, "Callback feedback 2026-10")
    assert rows[1][0] == "No callbacks this month."


# ---------------------------------------------------------------- mailing each department head their part

SETTINGS = [
    ["项目", "值"],
    ["管理处名称", "阳光花园管理处"],
    ["发件人", "office@sunshine.example"],
    ["部门负责人邮箱", "工程部:gc@sunshine.example; 保洁部=bj@sunshine.example, bj2@sunshine.example"],
]


def _feedback_ledger(ledger_file):
    return ledger_file(
        [
            called("R1", "工程部", D(2026, 10, 5), notes="师傅很准时"),
            called("R2", "工程部", D(2026, 10, 9), satisfaction="不满意", notes="还在漏水"),
            called("R4", "保洁部", D(2026, 10, 6), notes="楼道已清理"),
            called("R7", "绿化部", D(2026, 10, 6), notes="草坪枯黄"),  # no address in Settings
        ],
        settings=SETTINGS,
    )


def _attachment_rows(msg):
    import io

    part = next(p for p in msg.iter_attachments())
    book = load_workbook(io.BytesIO(part.get_payload(decode=True)))
    return part.get_filename(), [r for r in book.worksheets[0].iter_rows(values_only=True)]


def test_feedback_goes_to_each_department_head_as_eml_with_only_their_cases(ledger_file, tmp_path):
    import email
    import email.policy
    import json

    path = _feedback_ledger(ledger_file)
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["send", str(path), "--month", "2026-10", "--feedback", "--via", "eml", "--out-dir", str(out),
              "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [(d["department"], d["sent"]) for d in doc["departments"]] == [
        ("保洁部", True),
        ("工程部", True),
        ("绿化部", False),
    ]
    assert any("绿化部" in line and "部门负责人邮箱" in line for line in doc["lines"])
    messages = {}
    for eml in out.glob("*.eml"):
        msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        messages[str(msg["To"])] = msg
    assert set(messages) == {"gc@sunshine.example", "bj@sunshine.example, bj2@sunshine.example"}
    works = messages["gc@sunshine.example"]
    assert works["Subject"] == "【回访意见】阳光花园管理处 工程部 2026-10"
    name, rows = _attachment_rows(works)
    assert name.endswith(".xlsx") and "工程部" in name
    ids = [r[1] for r in rows if r[1] in ("R1", "R2", "R4", "R7")]
    assert ids == ["R2", "R1"]  # unsatisfied first, only the department's own cases
    rows = list(load_workbook(path)["日志"].iter_rows(values_only=True))
    logged = [e for e in parse_log(rows) if e["action"] == "send_feedback"]
    assert len(logged) == 3


def test_feedback_over_smtp_reaches_the_server(ledger_file):
    import email
    import email.policy

    from test_send_command import Controller, Recorder, free_port

    handler, port = Recorder(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        path = _feedback_ledger(ledger_file)
        result = runner.invoke(
            app, ["send", str(path), "--month", "2026-10", "--feedback", "--smtp-host", "127.0.0.1",
                  "--smtp-port", str(port), "--smtp-security", "none"],
        )  # fmt: skip
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    assert sorted(tuple(e.rcpt_tos) for e in handler.envelopes) == [
        ("bj@sunshine.example", "bj2@sunshine.example"),
        ("gc@sunshine.example",),
    ]
    msg = email.message_from_bytes(handler.envelopes[0].content, policy=email.policy.default)
    assert "回访意见" in msg["Subject"]
