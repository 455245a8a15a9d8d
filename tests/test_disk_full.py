"""Full disks and cut-short writes (issue 14, point 4): one clear paragraph, exit 2, nothing half-written.

The full folder is a real small filesystem (tmpfs, mounted when the tests run as root, skipped
with the reason otherwise); a backup cut short mid-copy is reproduced by a copy that raises ENOSPC
half-way.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import subprocess
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import case, write_ledger
from ledger.cli import app
from ledger.io import safe_write
from ledger.io.safe_write import BACKUP_DIR, list_backups

SETTINGS = [
    ["项目", "值"],
    ["管理处名称", "阳光花园管理处"],
    ["总部邮箱", "hq@example.com"],
    ["发件人", "o@example.com"],
]


def ledger_in(folder: Path, rows: int = 20) -> Path:
    cases = [case(f"R{i}", "维修", dt.date(2026, 10, 2), dt.date(2026, 10, 3)) for i in range(rows)]
    return write_ledger(folder / "台账.xlsx", cases, settings=SETTINGS)


@pytest.fixture
def full_folder(tmp_path):
    """A 256 KB tmpfs, filled to the last byte."""
    mount = tmp_path / "small_disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr.decode().strip()}")
    try:
        fill(mount)
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> None:
    fd = os.open(folder / "filler.bin", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while os.write(fd, b"\0" * size):
                    pass
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_stats_export_into_a_full_folder_is_one_clear_paragraph(tmp_path, full_folder):
    path = ledger_in(tmp_path)
    result = run("stats", str(path), "--month", "2026-10", "--export", str(full_folder), "--as-of", "2026-11-05")
    assert result.exit_code == 2
    assert "磁盘已满" in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in full_folder.iterdir()) == ["filler.bin"]  # no half export, no temp file


def test_send_eml_into_a_full_folder_is_exit_2_without_a_traceback(tmp_path, full_folder):
    path = ledger_in(tmp_path)
    before = path.read_bytes()
    result = run("send", str(path), "--month", "2026-10", "--via", "eml", "--out-dir", str(full_folder))
    assert result.exit_code == 2, result.output
    assert "磁盘已满" in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in full_folder.iterdir()) == ["filler.bin"]
    assert path.read_bytes() == before  # nothing was staged, so nothing was logged


def test_writing_a_ledger_on_a_full_disk_keeps_it_and_its_backups(full_folder):
    (full_folder / "filler.bin").unlink()
    path = ledger_in(full_folder, rows=5)
    assert run("callbacks", str(path), "--write", "--as-of", "2026-11-05").exit_code == 0
    kept = list_backups(path)
    before = path.read_bytes()
    fill(full_folder)
    result = run("stats", str(path), "--month", "2026-10", "--write", "--as-of", "2026-11-05")
    assert result.exit_code == 2 and "磁盘已满" in result.stderr and "Traceback" not in result.output
    assert path.read_bytes() == before
    assert list_backups(path) == kept
    leftovers = [p.name for p in [*full_folder.iterdir(), *(full_folder / BACKUP_DIR).iterdir()] if ".~" in p.name]
    assert leftovers == []


def test_a_backup_cut_short_never_counts_among_the_kept_ones(tmp_path, monkeypatch):
    path = ledger_in(tmp_path)
    assert run("callbacks", str(path), "--write", "--as-of", "2026-11-05").exit_code == 0
    kept = list_backups(path)
    before = path.read_bytes()

    def copy_half_then_disk_full(src, dst, length=0):
        dst.write(src.read(1000))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(safe_write.shutil, "copyfileobj", copy_half_then_disk_full)
    result = run("stats", str(path), "--month", "2026-10", "--write", "--as-of", "2026-11-05")
    assert result.exit_code == 2 and "磁盘已满" in result.stderr and "Traceback" not in result.output
    assert path.read_bytes() == before  # the ledger is not replaced without its backup
    assert list_backups(path) == kept
    for backup in list_backups(path):
        openpyxl.load_workbook(backup)  # every kept backup opens
    assert [p.name for p in (tmp_path / BACKUP_DIR).iterdir() if p.name.startswith(".~")] == []


def test_the_new_copy_is_flushed_to_disk_before_it_replaces_the_ledger(tmp_path, monkeypatch):
    path = ledger_in(tmp_path)
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(safe_write.os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(
        safe_write.os, "replace", lambda a, b: (events.append(f"replace {Path(b).name}"), real_replace(a, b))[1]
    )
    assert run("callbacks", str(path), "--write", "--as-of", "2026-11-05").exit_code == 0
    swap = events.index(f"replace {path.name}")
    assert "fsync" in events[:swap]


def test_an_export_when_temporary_space_runs_out_is_one_paragraph_without_a_traceback(tmp_path):
    """RLIMIT_FSIZE below what openpyxl's own temporary worksheet file needs: `send --via eml`
    must still end in one paragraph, with no "Exception ignored … Traceback" on stderr."""
    import resource
    import signal
    import sys

    path = ledger_in(tmp_path)
    out = tmp_path / "out"

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    before = path.read_bytes()
    done = subprocess.run(
        [sys.executable, "-c", "from ledger.cli import main; main()", "send", str(path), "--month", "2026-10"]
        + ["--via", "eml", "--out-dir", str(out)],
        capture_output=True,
        text=True,
        preexec_fn=limited,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "磁盘已满" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert [p.name for p in out.iterdir()] == []
    assert path.read_bytes() == before


def test_an_eml_cut_short_by_a_full_disk_leaves_no_half_file(tmp_path, monkeypatch):
    from ledger.mail import delivery

    path = ledger_in(tmp_path)
    out = tmp_path / "out"
    real_open = open

    class HalfWritten:
        def __init__(self, name, mode):
            self.f = real_open(name, mode)

        def write(self, data):
            self.f.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

    monkeypatch.setattr(delivery, "open", HalfWritten, raising=False)
    before = path.read_bytes()
    result = run("send", str(path), "--month", "2026-10", "--via", "eml", "--out-dir", str(out))
    assert result.exit_code == 2 and "磁盘已满" in result.output and "Traceback" not in result.output
    assert [p.suffix for p in out.iterdir()] == [".xlsx"]  # the export is whole; no .eml, whole or half
    assert path.read_bytes() == before  # nothing staged, nothing logged
