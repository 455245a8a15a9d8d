"""Issue 13 items 6-9: every office's own ledger — its Settings sheet, Traditional Chinese and
Hong Kong ways of writing, the clerk's own words, the strong-reaction column."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

import clerk_ledgers as cl
from conftest import case, write_ledger
from ledger.core.columns import COLUMNS_BY_FIELD
from ledger.io.workbook import load_file

runner = CliRunner()
AS_OF = ["--as-of", cl.AS_OF]
ROOT = Path(__file__).resolve().parent.parent


def run(*args: object):
    from ledger.cli import app

    return runner.invoke(app, [str(a) for a in args])


def settings_of(path: Path, sheet: str = "设置") -> dict[str, object]:
    return {row[0]: row[1] for row in load_workbook(path)[sheet].iter_rows(values_only=True) if row and row[0]}


# ---------------------------------------------------------------- 6. an existing ledger gets its Settings


def test_first_write_adds_a_settings_sheet_named_after_the_title_row_and_says_so(tmp_path):
    path = cl.messy_simplified(tmp_path)
    first = run("validate", path, *AS_OF, "--write")
    assert "管理处名称“阳光花园管理处”取自表头上方的标题行" in first.stderr
    items = settings_of(path)
    assert items["管理处名称"] == "阳光花园管理处" and items["语言"] == "zh-Hans" and items["日期顺序"] == "年月日"
    second = run("callbacks", path, *AS_OF, "--write")
    assert "取自" not in second.stderr  # added once
    assert load_workbook(path).sheetnames.count("设置") == 1


def test_office_option_and_file_name_name_the_office_of_a_ledger_without_settings(tmp_path):
    by_name = cl.minimal(tmp_path)
    result = run("validate", by_name, *AS_OF, "--write")
    assert "管理处名称“翠苑管理处”取自文件名" in result.stderr
    by_option = cl.minimal(tmp_path, name="ledger.xlsx")
    result = run("stats", by_option, "--month", cl.MONTH, *AS_OF, "--write", "--office", "翠苑花园管理处")
    assert "取自 --office 参数" in result.stderr
    assert settings_of(by_option)["管理处名称"] == "翠苑花园管理处"
    assert "月度统计 2026-10" in load_workbook(by_option).sheetnames


def test_init_into_adds_only_the_settings_sheet_once(tmp_path):
    path = cl.hong_kong(tmp_path, settings=False)
    result = run("init", "--into", path, "--office", "海景花園管理處", "--preset", "commercial")
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    assert book.sheetnames == ["個案紀錄", "設置"]
    assert [c.value for c in book["個案紀錄"][1]] == cl.HK_HEADERS  # no tool columns: nothing else written
    items = settings_of(path, "設置")
    assert (
        items["管理處名稱"] == "海景花園管理處" and items["語言"] == "zh-Hant" and items["規則預設"] == "商業"
    )  # the preset in words
    again = run("init", "--into", path)
    assert again.exit_code == 2 and "已經有「設置」表" in again.stderr


def test_a_missing_column_message_offers_init_into_when_there_is_no_settings_sheet(tmp_path):
    wb = Workbook()
    wb.active.append(["房号", "内容", "受理日期"])
    wb.active.append(["1栋101", "漏水", dt.date(2026, 10, 3)])
    wb.save(tmp_path / "x.xlsx")
    result = run("validate", tmp_path / "x.xlsx")
    assert result.exit_code == 2
    assert "ledger init --into" in result.stderr and "【表头映射】" in result.stderr


# ---------------------------------------------------------------- 7. every office's ledger reads


def test_day_first_dates_are_ambiguous_until_the_settings_say_the_office_writes_the_day_first(tmp_path):
    unsure = cl.hong_kong(tmp_path, name="a.xlsx", settings=False)
    problems = json.loads(run("validate", unsure, *AS_OF, "--format", "json").stdout)["problems"]
    assert {p["code"] for p in problems} == {"date.ambiguous"}
    assert "日期「8/10/2026」有歧義" in problems[0]["message"] and "日月年" in problems[0]["message"]
    sure = load_file(cl.hong_kong(tmp_path, name="b.xlsx"))
    assert sure.settings.date_order == "dmy"
    assert [c.received_on for c in sure.cases][:2] == [dt.date(2026, 10, 8), dt.date(2026, 10, 12)]
    assert sure.cases[0].completed_on == dt.date(2026, 10, 10)


def test_month_first_offices_read_month_first(tmp_path):
    rows = [case("U1", received="10/8/2026")]
    path = write_ledger(tmp_path / "us.xlsx", rows, settings=[["项目", "值"], ["日期顺序", "月日年"]])
    assert load_file(path).cases[0].received_on == dt.date(2026, 10, 8)


@pytest.mark.parametrize(
    "phone", ["9123 4567", "+852 6123 4567", "+853 6612 3456", "2876 5432", "0912-345-678", "+886 912 345 678"]
)
def test_hong_kong_macau_and_taiwan_phone_numbers_are_diallable(ledger_file, phone):
    path = ledger_file([case("P1", phone=phone)])
    problems = json.loads(run("validate", path, *AS_OF, "--format", "json").stdout)["problems"]
    assert [p for p in problems if p["code"].startswith("row.phone")] == []


def test_too_short_numbers_are_still_reported(ledger_file):
    path = ledger_file([case("P1", phone="+852 1234")])
    problems = json.loads(run("validate", path, *AS_OF, "--format", "json").stdout)["problems"]
    assert [p["code"] for p in problems] == ["row.phone_not_diallable"]


def test_an_unreadable_ledger_answers_in_the_script_of_its_headers(tmp_path):
    hant, en = Workbook(), Workbook()
    hant.active.append(["個案編號", "單位", "業主", "聯絡電話"])
    hant.active.append(["H1", "A座", "陳大文", "91234567"])
    hant.save(tmp_path / "hk.xlsx")
    en.active.append(["Case ID", "Unit", "Phone"])
    en.active.append(["E1", "Block 3", "91234567"])
    en.save(tmp_path / "en.xlsx")
    hk = run("validate", tmp_path / "hk.xlsx")
    assert hk.exit_code == 2 and "缺少必填欄" in hk.stderr and "「受理日期」" in hk.stderr and "「類別」" in hk.stderr
    english = run("validate", tmp_path / "en.xlsx")
    assert english.exit_code == 2 and "lacks required columns" in english.stderr


def test_an_english_ledger_exports_under_an_english_name(tmp_path):
    path = write_ledger(tmp_path / "Harbour View cases.xlsx", [case("E1", "Repair")], lang="en")
    result = run("stats", path, "--month", cl.MONTH, *AS_OF, "--export", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["Callback statistics_Harbour View_2026-10.xlsx"]


# ---------------------------------------------------------------- 8. the clerk's own words


def test_the_clerks_own_words_map_to_the_vocabulary(tmp_path):
    cases = {c.case_id: c for c in load_file(cl.messy_simplified(tmp_path)).cases}
    assert (cases["S-001"].callback_method, cases["S-001"].satisfaction) == ("phone", "satisfied")  # 电话回访 非常满意
    assert (cases["S-002"].callback_method, cases["S-002"].satisfaction) == ("on_site", "fairly_satisfied")
    assert (cases["S-007"].callback_method, cases["S-007"].satisfaction) == ("online", "fairly_satisfied")
    assert cases["S-000"].satisfaction == "satisfied"  # 很满意


def test_a_date_without_a_year_says_so_typed_as_text_or_as_a_number(ledger_file):
    path = ledger_file([case("N1", received="10.5"), case("N2", received=10.5), case("N3", received="10月5日")])
    problems = json.loads(run("validate", path, *AS_OF, "--format", "json").stdout)["problems"]
    assert [(p["row"], p["code"]) for p in problems] == [(2, "date.no_year"), (3, "date.no_year"), (4, "date.no_year")]
    assert "缺少年份" in problems[0]["message"]


def test_several_missing_required_columns_are_named_at_once_with_every_accepted_header_once(tmp_path):
    wb = Workbook()
    wb.active.append(["房号", "内容", "受理日期"])
    wb.save(tmp_path / "x.xlsx")
    message = run("validate", tmp_path / "x.xlsx").stderr
    assert "“案件编号”" in message and "“类别”" in message
    for field in ("case_id", "category"):
        accepted = COLUMNS_BY_FIELD[field].accepted_headers()
        assert " / ".join(accepted) in message
        assert len(accepted) == len(set(accepted))
    assert "個案編號" in message and "案件編號" in message and "類別 / 類別" not in message


# ---------------------------------------------------------------- 9. the strong-reaction column


def test_the_templates_and_the_readme_carry_the_strong_reaction_column():
    for lang, header in (("zh-Hans", "住户反应强烈"), ("zh-Hant", "住戶反應強烈"), ("en", "Strong reaction")):
        book = load_workbook(ROOT / "workbook_templates" / f"ledger_template_{lang}.xlsx")
        assert header in [c.value for c in book.worksheets[0][1]]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "住户反应强烈" in readme and "客户反应强烈" in readme


@pytest.mark.parametrize("header", ["住户反应强烈", "客户反应强烈", "反应强烈"])
def test_a_strong_reaction_forces_the_callback_of_a_repair(tmp_path, header):
    rows = [case(f"R{i}", received=dt.date(2026, 9, 1), completed=dt.date(2026, 9, 2)) for i in range(10)]
    rows[7]["strong_reaction"] = "是"
    fields = ["case_id", "received_on", "category", "unit", "completed_on", "strong_reaction"]
    path = write_ledger(tmp_path / "台账.xlsx", rows, fields=fields, headers={"strong_reaction": header})
    doc = json.loads(run("callbacks", path, *AS_OF, "--format", "json").stdout)
    forced = next(c for c in doc["cases"] if c["case_id"] == "R7")
    assert forced["sampled"] is True and forced["suggested_method"] == "on_site"


def test_tool_columns_already_written_keep_their_language_so_no_second_set_appears(tmp_path):
    path = cl.hong_kong(tmp_path)
    book = load_workbook(path)
    ws = book["個案紀錄"]
    old = ["回访起始", "回访期限", "回访状态", "抽样", "抽样原因", "建议等级", "问题"]  # an earlier run's labels
    for i, label in enumerate(old, start=len(cl.HK_HEADERS) + 1):
        ws.cell(row=1, column=i, value=label)
    book.save(path)
    assert run("callbacks", path, *AS_OF, "--write").exit_code == 0
    # the earlier set is kept, in its language; only the tool column added since (跟进事项) is new, in the same script
    assert [c.value for c in load_workbook(path)["個案紀錄"][1]] == [*cl.HK_HEADERS, *old, "跟进事项"]
    fresh = cl.hong_kong(tmp_path, name="fresh.xlsx")
    run("callbacks", fresh, *AS_OF, "--write")
    assert [c.value for c in load_workbook(fresh)["個案紀錄"][1]][-2:] == ["問題", "跟進事項"]  # its own script


def test_every_accepted_header_reads_as_its_own_column_and_no_other():
    from ledger.core.columns import CASE_COLUMNS, match_header

    wrong = {
        (header, column.field, match_header(header))
        for column in CASE_COLUMNS
        for header in column.accepted_headers()
        if match_header(header) != column.field
    }
    assert wrong == set()
