"""Killed runs leave nothing behind for long (issue 14, point 5).

A `ledger callbacks --write` subprocess is killed with SIGKILL while it writes; the ledger must be
intact, and the next run must remove the dead run's temporary files: the `.~ledger_<pid>_…` copy
beside the ledger and the `pkg_<pid>_…` folder (residents' names and phone numbers) in the
private temporary folder, which only its owner can open.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from ledger.demo.cases import generate_cases
from ledger.demo.workbook import write_ledger
from ledger.io.scratch import HOST, private_dir, sweep, tag

LEDGER_CMD = [sys.executable, "-c", "from ledger.cli import main; main()"]


@pytest.fixture(scope="module")
def big_ledger(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "台账.xlsx"
    write_ledger(path, generate_cases(20_000, seed=3, end=dt.date(2026, 11, 30)), lang="zh-Hans")
    return path


def private_folder(temp: Path) -> Path:
    return temp / f"ledger-{os.getuid()}"


def kill_mid_write(ledger: Path, temp: Path) -> tuple[int, list[str], list[str]]:
    """Start a write, SIGKILL it once its temporary copy exists; return (pid, leftovers beside, in temp)."""
    env = {**os.environ, "TMPDIR": str(temp)}
    proc = subprocess.Popen(
        [*LEDGER_CMD, "callbacks", str(ledger), "--write", "--as-of", "2026-11-05"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    mark = f".~ledger_{proc.pid}@"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.name.startswith(mark) for p in ledger.parent.iterdir()):
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the write ended before it could be killed"
    time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    beside = [p.name for p in ledger.parent.iterdir() if p.name.startswith(mark)]
    scratch = [p.name for p in private_folder(temp).iterdir()] if private_folder(temp).exists() else []
    return proc.pid, beside, scratch


def test_a_killed_write_leaves_the_ledger_intact_and_the_next_run_sweeps_its_files(big_ledger, tmp_path):
    ledger = tmp_path / big_ledger.name
    ledger.write_bytes(big_ledger.read_bytes())
    before = ledger.read_bytes()
    temp = tmp_path / "tmp"
    temp.mkdir()
    pid, beside, scratch = kill_mid_write(ledger, temp)
    assert ledger.read_bytes() == before  # never half a ledger
    assert beside, "the killed run left its temporary copy (the fault this test reproduces)"
    assert all(name.startswith(f"pkg_{pid}@") for name in scratch)
    assert stat.S_IMODE(private_folder(temp).stat().st_mode) == 0o700

    again = subprocess.run(
        [*LEDGER_CMD, "callbacks", str(ledger), "--write", "--as-of", "2026-11-05"],
        env={**os.environ, "TMPDIR": str(temp)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode in (0, 1), again.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".~")] == []
    folder = private_folder(temp)  # not made yet if the signal came before the run needed it
    assert not folder.exists() or list(folder.iterdir()) == []  # no residents' data left in the temp folder
    assert "回访清单" in openpyxl.load_workbook(ledger, read_only=True).sheetnames


def test_sweep_removes_only_files_of_this_computers_processes_that_are_gone(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / f".~ledger_{dead.pid}@{HOST}_x.xlsx").write_bytes(b"old")
    (tmp_path / f"pkg_{dead.pid}@{HOST}_abc").mkdir()
    (tmp_path / f".~ledger_{dead.pid}@other-pc_y.xlsx").write_bytes(b"another computer's, in use")
    (tmp_path / f"{tag('.~ledger_')}mine.xlsx").write_bytes(b"in use")
    (tmp_path / ".~ledger_notapid.xlsx").write_bytes(b"not ours to judge")
    (tmp_path / "台账.xlsx").write_bytes(b"the ledger")
    sweep(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{tag('.~ledger_')}mine.xlsx", ".~ledger_notapid.xlsx", f".~ledger_{dead.pid}@other-pc_y.xlsx", "台账.xlsx"]
    )


def test_the_private_folder_is_only_its_owners(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    folder = private_dir()
    assert folder.parent == tmp_path and stat.S_IMODE(folder.stat().st_mode) == 0o700
    os.chmod(folder, 0o755)  # loosened by someone: tightened again on next use
    assert stat.S_IMODE(private_dir().stat().st_mode) == 0o700


def test_a_terminated_write_cleans_up_at_once(big_ledger, tmp_path):
    """SIGTERM (a service stopping, `kill`) unwinds the run: nothing is left even before a next run."""
    ledger = tmp_path / big_ledger.name
    ledger.write_bytes(big_ledger.read_bytes())
    before = ledger.read_bytes()
    temp = tmp_path / "tmp"
    temp.mkdir()
    proc = subprocess.Popen(
        [*LEDGER_CMD, "callbacks", str(ledger), "--write", "--as-of", "2026-11-05"],
        env={**os.environ, "TMPDIR": str(temp)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.name.startswith(f".~ledger_{proc.pid}@") for p in tmp_path.iterdir()):
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the write ended before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert "Traceback" not in proc.stderr.read()
    # the old ledger, or (had the signal come after the swap) the new one whole
    assert ledger.read_bytes() == before or "回访清单" in openpyxl.load_workbook(ledger, read_only=True).sheetnames
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".~")] == []
    folder = private_folder(temp)  # not made yet if the signal came before the run needed it
    assert not folder.exists() or list(folder.iterdir()) == []
