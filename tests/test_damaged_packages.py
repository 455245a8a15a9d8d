"""Damaged packages are refused when read, with the "restore from the backup" message (issue 14, point 6),
and text that Excel would take as a formula (ASCII or full-width lead) stays text in what we write."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import case, write_ledger
from ledger.cli import app
from ledger.io.render import put

WORD_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def ledger(tmp_path: Path, lang: str = "zh-Hans") -> Path:
    category = {"zh-Hans": "维修", "zh-Hant": "維修", "en": "Repair"}[lang]
    rows = [case(f"R{i}", category, dt.date(2026, 10, 2), dt.date(2026, 10, 3)) for i in range(10)]
    return write_ledger(tmp_path / "台账.xlsx", rows, lang=lang)


def rewrite(path: Path, edit, *, stored: bool = False) -> Path:
    """Copy the package member by member through `edit(name, data) -> data | None` (None drops it)."""
    out = path.with_name("damaged.xlsx")
    mode = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", mode) as zout:
        for info in zin.infolist():
            data = edit(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)
    return out


def flip_byte_of(path: Path, member: str) -> Path:
    """Change one byte inside a stored member's data: its CRC no longer matches."""
    out = rewrite(path, lambda n, d: d, stored=True)
    with zipfile.ZipFile(out) as zf:
        info = zf.getinfo(member)
    raw = bytearray(out.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    offset = start + info.compress_size // 2
    raw[offset] = ord("Q") if raw[offset] != ord("Q") else ord("R")
    out.write_bytes(bytes(raw))
    return out


def refused_as_damaged(path: Path) -> str:
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert ".ledger_backups" in result.stderr  # restore from the backup
    return result.stderr


def content_types_with(workbook_type: str):
    def edit(name: str, data: bytes) -> bytes:
        if name != "[Content_Types].xml":
            return data
        text = data.decode()
        start = text.index('ContentType="', text.index('PartName="/xl/workbook.xml"')) + len('ContentType="')
        return (text[:start] + workbook_type + text[text.index('"', start) :]).encode()

    return edit


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_missing_content_types_is_damaged(tmp_path, lang):
    path = rewrite(ledger(tmp_path, lang), lambda n, d: None if n == "[Content_Types].xml" else d)
    assert "[Content_Types].xml" in refused_as_damaged(path)


def test_content_types_that_are_not_content_types_are_damaged(tmp_path):
    bad = rewrite(ledger(tmp_path), lambda n, d: b"<html>oops</html>" if n == "[Content_Types].xml" else d)
    assert "已损坏" in refused_as_damaged(bad)


def test_a_workbook_part_declared_as_a_word_document_is_damaged(tmp_path):
    path = rewrite(ledger(tmp_path), content_types_with(WORD_DOCUMENT))
    assert "wordprocessingml" in refused_as_damaged(path)


@pytest.mark.parametrize("member", ["xl/styles.xml", "xl/worksheets/sheet1.xml", "docProps/core.xml"])
def test_a_member_with_a_bad_crc_is_damaged_at_read_time(tmp_path, member):
    path = flip_byte_of(ledger(tmp_path), member)
    err = refused_as_damaged(path)
    assert member in err and "已损坏" in err


def test_a_doctype_hidden_after_a_comment_is_refused(tmp_path):
    def edit(name: str, data: bytes) -> bytes:
        if name != "xl/workbook.xml":
            return data
        body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
        return b'<?xml version="1.0"?><!-- <x> a tag-like comment --><!DOCTYPE w [<!ENTITY e "e">]>' + body

    err = refused_as_damaged(rewrite(ledger(tmp_path), edit))
    assert "DOCTYPE" in err and "xl/workbook.xml" in err


def test_a_sound_ledger_with_comments_in_its_prolog_is_still_read(tmp_path):
    def edit(name: str, data: bytes) -> bytes:
        return (
            b"<!-- written by hand -->" + data
            if name == "xl/workbook.xml" and not data.startswith(b"<?")
            else (data.replace(b"?>", b"?><!-- written by hand -->", 1) if name == "xl/workbook.xml" else data)
        )

    result = CliRunner().invoke(app, ["validate", str(rewrite(ledger(tmp_path), edit))])
    assert result.exit_code in (0, 1), result.output


@pytest.mark.parametrize("text", ['＝HYPERLINK("http://x")', "＋86 138 0000 1111", "－1", "＠SUM(A1)", "=1+1", "@A1"])
def test_formula_leads_full_width_or_not_stay_text(tmp_path, text):
    book = openpyxl.Workbook()
    put(book.active["A1"], text)
    book.save(tmp_path / "out.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "out.xlsx").active["A1"]
    assert cell.value == text and cell.data_type == "s" and cell.quotePrefix


def test_full_width_leads_in_clerk_text_stay_text_in_the_stats_export(tmp_path):
    path = write_ledger(
        tmp_path / "台账.xlsx",
        [case("R1", "维修", dt.date(2026, 10, 2), dt.date(2026, 10, 3))],
        settings=[["项目", "值"], ["管理处名称", '＝HYPERLINK("http://evil")']],
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["stats", str(path), "--month", "2026-10", "--as-of", "2026-11-05", "--export", str(out)]
    )
    assert result.exit_code == 0, result.output
    [export] = list(out.glob("*.xlsx"))
    sheet = openpyxl.load_workbook(export).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("＝")]
    assert cells, "the office name appears at the start of a cell"
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
