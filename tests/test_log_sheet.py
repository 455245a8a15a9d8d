"""The Log sheet speaks the clerk's language and the tool still reads its own entries back."""

from __future__ import annotations

import datetime as dt
import json

from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import case
from ledger.cli import app
from ledger.core.log import LOG_HEADERS, log_row, parse_log, sample_seeds, sheet_rows
from ledger.core.settings import read_settings, settings_grid
from ledger.io.template import create_ledger
from ledger.io.workbook import load_file

D = dt.date
runner = CliRunner()


def _repairs() -> list[dict]:
    return [case(f"R{i}", "维修", D(2026, 9, 1), D(2026, 9, 2 + i), unit=f"{i}栋101") for i in range(6)]


def test_written_log_shows_actions_and_parameters_in_words_and_keeps_the_seed(ledger_file):
    path = ledger_file(_repairs())
    result = runner.invoke(app, ["sample", str(path), "--month", "2026-09", "--seed", "77", "--write"])
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(path)["日志"].values)
    assert list(rows[0]) == LOG_HEADERS["zh-Hans"]
    entry = next(r for r in rows[1:] if r[1] == "抽样")
    assert entry[2] == "月份 2026-09,种子 77,写入 是" and "{" not in entry[3]  # words, not JSON
    assert entry[3] == "抽中 维修 2 件,规定 维修 2,新抽 维修 2 件"
    assert sample_seeds(load_file(path).log) == {"2026-09": 77}  # read back from the hidden columns


def test_log_rows_of_older_ledgers_and_rows_in_words_are_read_alike():
    machine = log_row("sample", {"month": "2026-08", "seed": 5, "write": True}, {"drawn": {}})
    old_style = [["时间", "操作", "参数", "结果", "用户"], machine]
    new_style = [LOG_HEADERS["en"], *sheet_rows([machine], "en")]
    words_only = [LOG_HEADERS["zh-Hans"], sheet_rows([machine], "zh-Hans")[0][:2] + [json.dumps({"seed": 5})]]
    assert sample_seeds(parse_log(old_style)) == sample_seeds(parse_log(new_style)) == {"2026-08": 5}
    assert new_style[1][1] == "Draw samples" and new_style[1][2] == "month 2026-08, seed 5, written yes"
    assert parse_log(words_only)[0]["action"] == "sample"  # an action in words maps back to its code


def test_new_ledger_hides_the_machine_columns_of_its_log(tmp_path):
    path = create_ledger(tmp_path / "new.xlsx")
    ws = load_workbook(path)["日志"]
    assert [ws.column_dimensions[c].hidden for c in "ABCDEFGH"] == [False] * 5 + [True] * 3


def test_settings_show_the_preset_in_words_and_read_both_words_and_codes():
    settings, _ = read_settings([["规则预设", "商业"]])
    assert settings.preset == "commercial"
    assert read_settings([["规则预设", "commercial"]])[0].preset == "commercial"
    assert read_settings([["Rule preset", "Commercial"]])[0].preset == "commercial"
    assert read_settings([["规则预设", "住宅"]])[0].preset == "residential"
    grid = settings_grid(settings, "zh-Hans")
    assert ["规则预设", "商业"] == [v for v in next(r for r in grid if r and r[0] == "规则预设")][:2]
    assert read_settings(grid)[0].preset == "commercial"
