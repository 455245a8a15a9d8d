"""Memory stays bounded by the input's limits (issue 14, point 3).

Each run is a subprocess that reports its own peak resident memory (VmHWM) when it exits,
so one measurement never includes another's. The files are small junk ledgers
(tests/junk_ledger.py) that blow memory up when nothing bounds it; benchmarks/RESULTS.md
records the full-size runs (300,000 and 1,000,000 rows).
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from junk_ledger import write_junk_ledger
from ledger.core.columns import COLUMNS_BY_FIELD

ROWS = 20_000
HEADERS = ([c.label("zh-Hans") for c in COLUMNS_BY_FIELD.values()] + [f"备注{i}" for i in range(24)])[:24]

# Runs the CLI in a fresh interpreter after `setup` (a line of Python), then prints the peak RSS.
# VmHWM (Linux) is this program's own high-water mark; ru_maxrss would also count the forked
# pytest process before exec.
RUNNER = """
import atexit, re, resource, sys
def peak():
    try:
        return int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
atexit.register(lambda: print("PEAK_KB=%d" % peak(), file=sys.stderr))
SETUP
from ledger.cli import main
sys.argv = ["ledger", *sys.argv[1:]]
main()
"""


def run(path: Path, *args: str, setup: str = "") -> tuple[int, str, int]:
    done = subprocess.run(
        [sys.executable, "-c", RUNNER.replace("SETUP", setup), *args, str(path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    peak = int(re.search(r"PEAK_KB=(\d+)", done.stderr).group(1)) // 1024
    return done.returncode, done.stderr, peak


@pytest.fixture(scope="module")
def junk_rows(tmp_path_factory) -> Path:
    """Every cell of every row unreadable for its column: each would become a problem (~1 KB)."""
    return write_junk_ledger(tmp_path_factory.mktemp("junk") / "junk.xlsx", ROWS, HEADERS)


def test_junk_rows_are_refused_naming_the_sheet_size_before_memory_grows(junk_rows):
    code, err, peak = run(junk_rows, "validate")
    assert code == 2 and "Traceback" not in err
    assert f"{ROWS:,} 行 × 24 列" in err and "100,000" in err
    unbounded_code, unbounded_err, unbounded_peak = run(
        junk_rows, "validate", setup="import ledger.core.reading as r; r.MAX_UNREADABLE_CELLS = 10**9"
    )
    assert unbounded_code == 1, unbounded_err  # without the bound the same file is read to the end ...
    assert unbounded_peak > 2 * peak, (peak, unbounded_peak)  # ... at several times the memory
    assert peak < 400, peak


def test_a_sheet_too_large_to_read_is_refused_before_reading_naming_its_size(tmp_path):
    path = write_junk_ledger(tmp_path / "distinct.xlsx", ROWS, HEADERS, every_cell_distinct=True)
    # a 60 MB reading budget stands in for the real 800 MB one, so the file can stay small
    code, err, peak = run(path, "callbacks", setup="import ledger.io.workbook as w; w.MAX_SHEET_BYTES = 60 * 2**20")
    assert code == 2 and "Traceback" not in err
    assert "太大" in err and f"{(ROWS + 1) * 24:,} 个文字单元格" in err and "上限 60 MB" in err
    assert peak < 150, peak  # refused from the streamed scan: nothing was read into memory


def test_an_ordinary_ledger_stays_far_below_the_reading_budget(tmp_path):
    """The bound must not refuse real ledgers: 20,000 demo cases after a write are estimated at a
    fraction of it (a 300,000-row ledger at about 560 MB of 800, see benchmarks/RESULTS.md)."""
    from ledger.demo.cases import generate_cases
    from ledger.demo.workbook import write_ledger as write_demo
    from ledger.io.workbook import MAX_SHEET_BYTES, scan_sheets

    path = tmp_path / "demo.xlsx"
    write_demo(path, generate_cases(20_000, seed=1, end=dt.date(2026, 11, 30)), lang="zh-Hans")
    scans = scan_sheets(path)
    biggest = max(s.memory_estimate() for s in scans.values())
    assert 15 * biggest < MAX_SHEET_BYTES, biggest
    code, err, peak = run(path, "validate")
    assert code in (0, 1), err


@pytest.mark.parametrize("command", [["validate"], ["callbacks", "--as-of", "2026-11-05"]])
def test_rows_that_each_break_many_rules_are_refused_past_the_problem_budget(tmp_path, monkeypatch, command):
    """Readable cells, but every row breaks ~8 rules: the row checks stop at the budget (exit 2)."""
    from typer.testing import CliRunner

    import ledger.core.validation as validation
    from conftest import case, write_ledger
    from ledger.cli import app

    rows = [
        case(
            f"T{i % 3}", "投诉", dt.date(2026, 10, 5), dt.date(2026, 10, 1), callback_on=dt.date(2026, 9, 1), phone="12"
        )
        for i in range(300)
    ]
    path = write_ledger(tmp_path / "台账.xlsx", rows)
    monkeypatch.setattr(validation, "MAX_PROBLEMS", 1000)  # stands in for 500,000 so the ledger stays small
    result = CliRunner().invoke(app, [command[0], str(path), *command[1:]])
    assert result.exit_code == 2, result.output
    assert "300 行" in result.stderr and "问题超过 1,000 个" in result.stderr
    monkeypatch.setattr(validation, "MAX_PROBLEMS", 500_000)
    assert CliRunner().invoke(app, [command[0], str(path), *command[1:]]).exit_code == 1  # listed when below it
