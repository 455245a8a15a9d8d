"""The clerk's workbook is replaced only by a verified copy, never while someone has it open."""

from __future__ import annotations

import os
import stat
import sys
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from ledger.io.safe_write import (
    BACKUP_DIR,
    WriteRefused,
    atomic_replace,
    check_writable,
    list_backups,
    read_excel_owner,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the builders live beside the tests
from test_safety_builders import build_ledger


def excel_owner_file(user: str, *, ansi: bytes | None = None) -> bytes:
    """The 165-byte `~$` file Excel writes: length, ANSI name padded to 54, length, UTF-16LE name."""
    n = len(user)
    ansi = ansi if ansi is not None else user.encode("gbk", "replace")
    data = bytes([n]) + ansi[:53].ljust(53, b" ") + n.to_bytes(2, "little") + user.encode("utf-16-le")
    return data.ljust(165, b"\x20")


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return build_ledger(tmp_path / "台账.xlsx", 10)


def copy_with_marker(marker: str) -> callable:
    """A write_fn producing a valid workbook that differs from the source (an extra part)."""

    def write(src: Path, tmp: Path) -> None:
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                if info.filename != "customXml/marker.xml":
                    zout.writestr(info, zin.read(info.filename))
            zout.writestr("customXml/marker.xml", f"<m>{marker}</m>")

    return write


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith((".~ledger_", ".ledger_probe_"))]


def test_excel_lock_file_refusal_names_the_user(ledger: Path) -> None:
    (ledger.parent / f"~${ledger.name}").write_bytes(excel_owner_file("张三"))
    with pytest.raises(WriteRefused) as info:
        check_writable(ledger)
    assert info.value.code == "write.locked"
    assert "张三" in info.value.message("zh-Hans")
    assert "张三" in info.value.message("en") and "open by" in info.value.message("en")


def test_excel_owner_read_from_ansi_part_when_no_unicode_copy(tmp_path: Path) -> None:
    lock = tmp_path / "~$a.xlsx"
    lock.write_bytes(bytes([6]) + b"wangwu".ljust(53, b" "))
    assert read_excel_owner(lock) == "wangwu"


def test_libreoffice_lock_refusal_names_the_user(ledger: Path) -> None:
    (ledger.parent / f".~lock.{ledger.name}#").write_text(
        "李四,lisi,OFFICE-PC,25.11.2026 09:30,file:///home/lisi/.config/libreoffice/4;", encoding="utf-8"
    )
    with pytest.raises(WriteRefused) as info:
        check_writable(ledger)
    assert "李四" in info.value.message("zh-Hant")


def test_lock_refusal_leaves_the_ledger_untouched(ledger: Path) -> None:
    before = ledger.read_bytes()
    (ledger.parent / f"~${ledger.name}").write_bytes(excel_owner_file("Zhang San", ansi=b"Zhang San"))
    with pytest.raises(WriteRefused):
        atomic_replace(ledger, lambda tmp: copy_with_marker("x")(ledger, tmp))
    assert ledger.read_bytes() == before
    assert not (ledger.parent / BACKUP_DIR).exists()
    assert leftovers(ledger.parent) == []


def test_read_only_file_is_refused(ledger: Path) -> None:
    ledger.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    try:
        with pytest.raises(WriteRefused) as info:
            check_writable(ledger)
        assert info.value.code == "write.read_only_file"
        assert "read-only" in info.value.message("en") and "只读" in info.value.message("zh-Hans")
    finally:
        ledger.chmod(0o644)


def test_writable_ledger_passes(ledger: Path) -> None:
    check_writable(ledger)
    assert leftovers(ledger.parent) == []


def test_replace_writes_new_content_and_keeps_a_dated_backup(ledger: Path) -> None:
    before = ledger.read_bytes()
    backup = atomic_replace(
        ledger, lambda tmp: copy_with_marker("v2")(ledger, tmp), now=datetime(2026, 11, 25, 9, 30, 5)
    )
    assert backup == ledger.parent / BACKUP_DIR / "台账_20261125-093005.xlsx"
    assert backup.read_bytes() == before
    with zipfile.ZipFile(ledger) as z:
        assert z.read("customXml/marker.xml") == b"<m>v2</m>"
    assert leftovers(ledger.parent) == []


def test_backup_rotation_keeps_the_newest_n(ledger: Path) -> None:
    start = datetime(2026, 11, 1, 8, 0, 0)
    versions = []
    for i in range(6):
        versions.append(ledger.read_bytes())
        atomic_replace(
            ledger,
            lambda tmp, i=i: copy_with_marker(f"v{i}")(ledger, tmp),
            keep_backups=3,
            now=start + timedelta(hours=i),
        )
    kept = list_backups(ledger)
    assert [p.name for p in kept] == [f"台账_20261101-{h:02d}0000.xlsx" for h in (11, 12, 13)]
    assert [p.read_bytes() for p in kept] == versions[3:]


def test_two_backups_in_the_same_second_do_not_overwrite(ledger: Path) -> None:
    now = datetime(2026, 11, 2, 8, 0, 0)
    for i in range(3):
        atomic_replace(ledger, lambda tmp, i=i: copy_with_marker(f"v{i}")(ledger, tmp), now=now)
    assert len(list_backups(ledger)) == 3


def test_crash_during_write_leaves_original_intact(ledger: Path) -> None:
    before = ledger.read_bytes()

    def crash(tmp: Path) -> None:
        tmp.write_bytes(b"PK\x03\x04 half written")
        raise OSError("disk full")

    with pytest.raises(WriteRefused) as info:
        atomic_replace(ledger, crash)
    assert info.value.code == "write.failed" and "disk full" in info.value.message("en")
    assert ledger.read_bytes() == before
    assert leftovers(ledger.parent) == []
    assert list_backups(ledger) == []


def test_failing_verify_leaves_original_intact(ledger: Path) -> None:
    before = ledger.read_bytes()

    def verify(tmp: Path) -> None:
        raise AssertionError("injected verification failure")

    with pytest.raises(WriteRefused) as info:
        atomic_replace(ledger, lambda tmp: copy_with_marker("v2")(ledger, tmp), verify)
    assert info.value.code == "write.verify_failed"
    assert ledger.read_bytes() == before
    assert leftovers(ledger.parent) == []


def _copy_with_a_flipped_byte(src: Path, dst: Path, member: str, at) -> None:
    """Copy `src` with one byte of `member`'s stored data inverted (at(info) bytes into it)."""
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        info = z.getinfo(member)
    data[info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + at(info)] ^= 0xFF
    dst.write_bytes(bytes(data))


def test_corrupt_output_fails_builtin_verification(ledger: Path) -> None:
    before = ledger.read_bytes()

    def write_bad_crc(tmp: Path) -> None:
        _copy_with_a_flipped_byte(ledger, tmp, "xl/sharedStrings.xml", lambda info: 5)

    with pytest.raises(WriteRefused):
        atomic_replace(ledger, write_bad_crc)
    assert ledger.read_bytes() == before
    assert leftovers(ledger.parent) == []


def test_out_path_writes_elsewhere_without_backup(ledger: Path, tmp_path: Path) -> None:
    before = ledger.read_bytes()
    out = tmp_path / "copy.xlsx"
    assert atomic_replace(ledger, lambda tmp: copy_with_marker("c")(ledger, tmp), out_path=out) is None
    assert ledger.read_bytes() == before
    assert zipfile.ZipFile(out).read("customXml/marker.xml") == b"<m>c</m>"
    assert not (tmp_path / BACKUP_DIR).exists()


def test_replacement_keeps_file_permissions(ledger: Path) -> None:
    ledger.chmod(0o640)
    atomic_replace(ledger, lambda tmp: copy_with_marker("p")(ledger, tmp))
    assert stat.S_IMODE(os.stat(ledger).st_mode) == 0o640


def _rewritten(src: Path, dst: Path, member: str, transform) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, transform(data) if info.filename == member else data)


def test_unfinished_worksheet_xml_fails_builtin_verification(ledger: Path) -> None:
    before = ledger.read_bytes()

    def write_truncated(tmp: Path) -> None:
        _rewritten(ledger, tmp, "xl/worksheets/sheet1.xml", lambda data: data[: len(data) // 2])

    with pytest.raises(WriteRefused):
        atomic_replace(ledger, write_truncated)
    assert ledger.read_bytes() == before
    assert leftovers(ledger.parent) == []


def test_damaged_binary_member_fails_builtin_verification(tmp_path: Path) -> None:
    book = build_ledger(tmp_path / "宏.xlsm", 10, xlsm=True)
    before = book.read_bytes()

    def write_bad_crc(tmp: Path) -> None:
        _copy_with_a_flipped_byte(book, tmp, "xl/vbaProject.bin", lambda info: info.compress_size // 2)

    with pytest.raises(WriteRefused):
        atomic_replace(book, write_bad_crc)
    assert book.read_bytes() == before
