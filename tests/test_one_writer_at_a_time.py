"""Two writers on one ledger never lose an update (issue 14, point 2).

Writers run as real subprocesses of the `ledger` command; the result is read back with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import case, write_ledger
from ledger.cli import app
from ledger.io.ledger_file import apply_changes
from ledger.io.safe_write import WriteRefused
from ledger.io.workbook import load_file
from ledger.io.writer_lock import WAIT_SECONDS, ledger_write_lock, lock_path
from ledger.jobs.stats import stats_job

LEDGER_CMD = [sys.executable, "-c", "from ledger.cli import main; main()"]


def ledger_of(tmp_path: Path, rows: int = 300, lang: str = "zh-Hans") -> Path:
    category = {"zh-Hans": "维修", "zh-Hant": "維修", "en": "Repair"}[lang]
    cases = [
        case(f"R{i}", category, dt.date(2026, 10, 1 + i % 28), dt.date(2026, 10, 1 + i % 28), phone="13812345678")
        for i in range(rows)
    ]
    return write_ledger(tmp_path / "台账.xlsx", cases, lang=lang)


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([*LEDGER_CMD, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_callbacks_and_stats_written_together_keep_both_sheets_or_refuse_one(tmp_path, lang):
    path = ledger_of(tmp_path, lang=lang)
    callbacks = start("callbacks", str(path), "--write", "--as-of", "2026-11-05")
    stats = start("stats", str(path), "--month", "2026-10", "--write", "--as-of", "2026-11-05")
    outcomes = [(p.wait(timeout=120), p.stderr.read()) for p in (callbacks, stats)]
    for code, err in outcomes:
        assert "Traceback" not in err and "bad local header" not in err.lower()
        assert code in (0, 2), err
        if code == 2:  # refused clearly, never half-done, in the workbook's language (judged by its headers)
            assert (
                "另一项任务正在写入" in err
                or "台账在处理期间被修改" in err
                or "Another task is writing" in err
                or ("changed while it was being processed" in err)
            )
    names = openpyxl.load_workbook(path).sheetnames
    if outcomes[0][0] == 0:  # the list is named in the language of the headers
        assert {"zh-Hans": "回访清单", "en": "Callback list"}[lang] in names, names
    if outcomes[1][0] == 0:
        assert any("2026-10" in n for n in names), names


def test_a_second_writer_waits_then_refuses_with_exit_2(tmp_path):
    path = ledger_of(tmp_path, rows=5)
    before = path.read_bytes()
    with ledger_write_lock(path):  # a first writer that does not finish
        started = time.monotonic()
        second = subprocess.run(
            [*LEDGER_CMD, "callbacks", str(path), "--write"], capture_output=True, text=True, timeout=60
        )
        waited = time.monotonic() - started
    assert second.returncode == 2
    assert "另一项任务正在写入" in second.stderr and "Traceback" not in second.stderr
    assert waited >= WAIT_SECONDS * 0.8  # it waited for the first writer before giving up
    assert path.read_bytes() == before


def test_a_waiting_writer_goes_ahead_once_the_first_is_done(tmp_path):
    path = ledger_of(tmp_path, rows=5)
    with ledger_write_lock(path):
        second = start("callbacks", str(path), "--write", "--as-of", "2026-11-05")
        time.sleep(1.0)
    assert second.wait(timeout=60) == 0, second.stderr.read()
    assert "回访清单" in openpyxl.load_workbook(path).sheetnames


def test_a_ledger_saved_by_excel_meanwhile_is_not_replaced(tmp_path):
    path = ledger_of(tmp_path, rows=5)
    ledger = load_file(path)
    _, changes = stats_job(ledger, "2026-10", dt.date(2026, 11, 5))
    book = openpyxl.load_workbook(path)  # the clerk types a case and saves, while the job runs
    book["案件台账"].append(["NEW1", "维修"])
    book.save(path)
    saved = path.read_bytes()
    with pytest.raises(WriteRefused) as refused:
        apply_changes(path, ledger, changes)
    assert refused.value.code == "write.changed_meanwhile"
    assert "台账在处理期间被修改,请重试" in refused.value.message("zh-Hans")
    assert path.read_bytes() == saved  # the clerk's new case is still there
    assert not (tmp_path / ".ledger_backups").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["callbacks", "--write", "--as-of", "2026-11-05"],
        ["stats", "--month", "2026-10", "--write", "--as-of", "2026-11-05"],
        ["archive", "--before", "2026-10-05"],
    ],
    ids=lambda a: a[0],
)
def test_the_cli_reports_a_ledger_changed_meanwhile_as_exit_2(tmp_path, monkeypatch, args):
    path = ledger_of(tmp_path, rows=5)
    import ledger.cli as cli

    real_load = cli._load

    def load_then_excel_saves(p):
        loaded = real_load(p)
        book = openpyxl.load_workbook(p)
        book["案件台账"]["A2"] = "改过"
        book.save(p)
        return loaded

    monkeypatch.setattr(cli, "_load", load_then_excel_saves)
    result = CliRunner().invoke(app, [args[0], str(path), *args[1:]])
    assert result.exit_code == 2 and "台账在处理期间被修改" in result.stderr, result.output
    assert openpyxl.load_workbook(path)["案件台账"]["A2"].value == "改过"


def test_the_lock_file_is_not_mistaken_for_excel_or_libreoffice_holding_the_ledger(tmp_path):
    path = ledger_of(tmp_path, rows=5)
    with ledger_write_lock(path):
        pass
    assert lock_path(path).exists() and lock_path(path).stat().st_size == 0
    result = CliRunner().invoke(app, ["callbacks", str(path), "--write", "--as-of", "2026-11-05"])
    assert result.exit_code == 0, result.output
