"""Progress on long work (issue 18.7): a bar on stderr when it is a terminal, Excel's status bar in a click.

Reading a ledger calls back every io.workbook.PROGRESS_EVERY_ROWS rows; the tests lower that
number so ledgers of a few thousand rows count as large.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import ledger.cli_support
import ledger.io.workbook as workbook_mod
import ledger.xl as lx
import ledger.xl.status as status_mod
import test_xlwings_buttons
from ledger.cli import app
from ledger.demo.cases import generate_cases
from ledger.demo.workbook import write_ledger
from ledger.io.workbook import load_file, read_grids
from test_xlwings_buttons import actions, book_of, payload

ROWS = 3000


@pytest.fixture(scope="module", autouse=True)
def xw():
    with test_xlwings_buttons.remote_xlwings() as xlwings:
        yield xlwings


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("progress")
    return {
        lang: write_ledger(
            folder / f"台账_{lang}.xlsx",
            generate_cases(ROWS, seed=7, end=dt.date(2026, 10, 31), lang=lang, dirty=lang == "zh-Hant"),
            lang=lang,
        )
        for lang in ("zh-Hans", "zh-Hant", "en")
    }


@pytest.fixture
def every_500_rows(monkeypatch):
    monkeypatch.setattr(workbook_mod, "PROGRESS_EVERY_ROWS", 500)


def run(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


# --------------------------------------------------------------------------- reading


def test_reading_reports_rows_read_of_the_total_every_n_rows_and_ends_complete(ledgers, every_500_rows):
    calls: list[tuple[int, int]] = []
    ledger = load_file(ledgers["zh-Hans"], progress=lambda done, total: calls.append((done, total)))
    assert len(ledger.cases) == ROWS
    done = [d for d, _ in calls]
    assert len(calls) >= ROWS // 500 and done == sorted(done)
    assert all(d <= t for d, t in calls)
    assert all(b - a >= 500 for a, b in zip(done, done[1:-1]))  # at most one call per 500 rows
    assert calls[-1][0] == calls[-1][1] >= ROWS  # every row of every sheet, header included


def test_a_small_ledger_never_calls_back(ledgers):
    calls = []
    load_file(ledgers["en"], progress=lambda done, total: calls.append(done))
    assert calls == []  # 3,000 rows: under the 10,240 rows between calls


# --------------------------------------------------------------------------- the command line


@pytest.mark.parametrize("command", [["validate"], ["stats", "--month", "2026-10"], ["callbacks"]])
@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_json_is_the_same_and_stderr_empty_when_stderr_is_not_a_terminal(ledgers, every_500_rows, command, lang):
    args = [command[0], ledgers[lang], *command[1:], "--as-of", "2026-11-05", "--format", "json"]
    plain = run(*args)
    assert plain.exit_code in (0, 1), plain.output
    assert plain.stderr == ""  # CliRunner's stderr is not a terminal: the real isatty check says so
    json.loads(plain.stdout)


@pytest.mark.parametrize("command", [["validate"], ["stats", "--month", "2026-10"], ["sample", "--month", "2026-10"]])
def test_a_terminal_gets_the_reading_bar_on_stderr_and_the_same_json_on_stdout(
    ledgers, every_500_rows, monkeypatch, command
):
    args = [command[0], ledgers["zh-Hans"], *command[1:], "--as-of", "2026-11-05", "--format", "json"]
    plain = run(*args)
    assert plain.exit_code in (0, 1), plain.output
    monkeypatch.setattr(ledger.cli_support, "stderr_is_terminal", lambda: True)
    shown = run(*args)
    assert shown.exit_code == plain.exit_code
    assert shown.stdout == plain.stdout  # nothing extra in the JSON
    assert "正在读取台账 台账_zh-Hans.xlsx" in shown.stderr
    assert "/" in shown.stderr.split("正在读取台账", 1)[1]  # rows read of the total


def test_a_terminal_and_a_small_ledger_show_no_bar(ledgers, monkeypatch):
    monkeypatch.setattr(ledger.cli_support, "stderr_is_terminal", lambda: True)
    result = run("validate", ledgers["en"], "--as-of", "2026-11-05", "--format", "json")
    assert result.stderr == ""


# --------------------------------------------------------------------------- Excel's status bar


class RecordingApp:
    """Stands in for desktop Excel's Application: remembers what the status bar was set to."""

    def __init__(self):
        self.statuses: list[object] = []

    def __setattr__(self, name, value):
        if name == "status_bar":
            self.statuses.append(value)
        object.__setattr__(self, name, value)


def click_with_status_bar(path: Path, monkeypatch) -> tuple[str, list[object], list]:
    book = book_of(payload(read_grids(path), name=str(path)))
    recorder = RecordingApp()
    monkeypatch.setattr(status_mod, "status_app", lambda book: recorder)
    message = lx.dispatch("validate", book=book)
    return message, recorder.statuses, actions(book)


def test_a_click_on_a_large_ledger_shows_reading_then_working_in_the_status_bar(ledgers, monkeypatch):
    monkeypatch.setattr(status_mod, "LARGE_FILE_BYTES", 1)
    monkeypatch.setattr(status_mod, "LARGE_LEDGER_ROWS", 2000)
    message, statuses, acts = click_with_status_bar(ledgers["zh-Hans"], monkeypatch)
    assert message.startswith("检查完成") and acts
    assert statuses[0] == "正在读取 案件台账(1/3)…"
    assert "正在处理 3,000 行案件 …" in statuses
    assert statuses[-1] is False  # given back to Excel


def test_the_working_line_is_in_the_ledgers_language(ledgers, monkeypatch):
    monkeypatch.setattr(status_mod, "LARGE_LEDGER_ROWS", 2000)
    _, statuses, _ = click_with_status_bar(ledgers["en"], monkeypatch)
    assert statuses == ["Working on 3,000 case rows …", False]


def test_a_click_on_a_small_ledger_leaves_the_status_bar_alone(ledgers, monkeypatch):
    message, statuses, _ = click_with_status_bar(ledgers["zh-Hant"], monkeypatch)
    assert message.startswith("檢查完成") and statuses == []
