"""Issue 2 item 7: `ledger demo` builds a realistic ledger and runs the whole monthly job on it."""

import datetime as dt
import email
import email.policy
import zipfile

from openpyxl import load_workbook
from typer.testing import CliRunner

from clerk_ledgers import highlighted_rows, problem_rows
from ledger.cli import app
from ledger.demo.run import run_demo


def test_demo_runs_the_monthly_job_and_leaves_every_output(tmp_path):
    lines = list(run_demo(tmp_path, today=dt.date(2026, 11, 25), rows=300))
    ledger = tmp_path / "演示台账.xlsx"
    wb = load_workbook(ledger)
    assert {"案件台账", "回访清单", "月度统计 2026-10", "日志"} <= set(wb.sheetnames)
    log = list(wb["日志"].iter_rows(min_row=2, values_only=True))
    assert {"校验", "抽样", "回访清单", "月度统计", "发送"} <= {row[1] for row in log}  # in words
    assert {"validate", "sample", "callbacks", "stats", "send"} <= {row[5] for row in log}  # hidden codes
    header = [c.value for c in wb["案件台账"][1]]
    assert {"回访状态", "回访期限", "抽样", "问题"} <= set(header)
    # issue 13.5: the demo ends coloured, the highlights in step with the 问题 column after every write
    coloured = highlighted_rows(wb["案件台账"])
    assert coloured and coloured == problem_rows(wb["案件台账"], 1)
    export = tmp_path / "回访统计_阳光花园管理处_2026-10.xlsx"
    with zipfile.ZipFile(export) as zf:
        assert any(n.startswith("xl/charts/chart") for n in zf.namelist())
    [eml] = list(tmp_path.glob("*.eml"))
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert [a.get_filename() for a in message.iter_attachments()] == [export.name]
    assert any(str(export) in line for line in lines)


def test_demo_command_prints_where_the_outputs_are(tmp_path):
    result = CliRunner().invoke(app, ["demo", str(tmp_path / "out"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "demo_ledger.xlsx" in result.stdout and ".eml" in result.stdout
    assert (tmp_path / "out" / "demo_ledger.xlsx").exists()


def test_demo_ledger_is_the_init_template_with_sheets_in_working_order(tmp_path):
    list(run_demo(tmp_path, today=dt.date(2026, 11, 25), rows=120))
    wb = load_workbook(tmp_path / "演示台账.xlsx")
    assert wb.sheetnames == [
        "案件台账",
        "回访清单",
        "回访记录表",
        "月度统计 2026-10",
        "回访意见汇总 2026-10",
        "设置",
        "日志",
        "_lists",
    ]
    assert wb["_lists"].sheet_state == "hidden"  # the dropdown values, last
    cases = wb["案件台账"]
    assert cases.freeze_panes == "B2" and cases.print_title_rows == "$1:$1"
    assert cases.page_setup.orientation == "landscape" and int(cases.page_setup.fitToHeight) == 0
    assert len(cases.data_validations.dataValidation) >= 5  # the template's dropdowns
    assert cases.tables["CaseTable"].ref.endswith(str(121))  # the table covers every demo case
    settings = {row[0]: row[1] for row in wb["设置"].iter_rows(values_only=True) if row and row[0]}
    assert settings["规则预设"] == "住宅" and settings["管理处名称"] == "阳光花园管理处"
