"""Hostile or wrong files end in one UnusableWorkbook message, quickly."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ledger.io.guard import UnusableWorkbook, inspect_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the builders live beside the tests
from test_safety_builders import build_ledger

BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + ']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    "<si><t>&lol9;</t></si></sst>"
)


def refused(path: Path, **kw) -> UnusableWorkbook:
    started = time.perf_counter()
    with pytest.raises(UnusableWorkbook) as info:
        inspect_workbook(path, **kw)
    assert time.perf_counter() - started < 2.0, "refusal must be quick"
    return info.value


def replace_member(src: Path, dst: Path, name: str, data: bytes) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, data if info.filename == name else zin.read(info.filename))
    return dst


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return build_ledger(tmp_path / "台账.xlsx", 20)


def test_accepts_a_real_ledger_xlsx_and_xlsm(tmp_path: Path, ledger: Path) -> None:
    inspect_workbook(ledger)
    inspect_workbook(build_ledger(tmp_path / "macro.xlsm", 5, xlsm=True))
    wb = openpyxl.Workbook()
    wb.save(tmp_path / "openpyxl.xlsx")
    inspect_workbook(tmp_path / "openpyxl.xlsx")


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    err = refused(tmp_path / "nope.xlsx")
    assert err.code == "workbook.missing"
    assert "nope.xlsx" in err.message("zh-Hans") and "找不到" in err.message("zh-Hans")
    assert "File not found" in err.message("en") and "找不到檔案" in err.message("zh-Hant")


def test_directory_and_empty_file_are_refused(tmp_path: Path) -> None:
    assert refused(tmp_path).code == "workbook.is_directory"
    (tmp_path / "empty.xlsx").write_bytes(b"")
    assert refused(tmp_path / "empty.xlsx").code == "workbook.empty"


def test_password_protected_workbook_is_recognised_as_encrypted(tmp_path: Path, ledger: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    enc = tmp_path / "加密.xlsx"
    with open(ledger, "rb") as f, open(enc, "wb") as out:
        OOXMLFile(f).encrypt("密码123", out)
    assert enc.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    err = refused(enc)
    assert err.code == "workbook.encrypted"
    assert "password" in err.message("en")


def test_encrypted_workbook_is_recognised_even_without_olefile(
    tmp_path: Path, ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    enc = tmp_path / "加密.xlsx"
    with open(ledger, "rb") as f, open(enc, "wb") as out:
        OOXMLFile(f).encrypt("x", out)
    monkeypatch.setitem(sys.modules, "olefile", None)  # import olefile -> ImportError
    assert refused(enc).code == "workbook.encrypted"


@pytest.mark.libreoffice
def test_legacy_xls_is_recognised(tmp_path: Path, ledger: Path, soffice: str) -> None:
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "xls",
            "--outdir",
            str(tmp_path / "out"),
            str(ledger),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    xls = tmp_path / "out" / "台账.xls"
    assert xls.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    err = refused(xls)
    assert err.code == "workbook.legacy_xls"
    assert "Save As" in err.message("en")


def test_xlsb_is_recognised(tmp_path: Path) -> None:
    p = tmp_path / "book.xlsb"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00" * 10)
    assert refused(p).code == "workbook.xlsb"


def test_ods_is_recognised(tmp_path: Path) -> None:
    p = tmp_path / "book.ods"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    assert refused(p).code == "workbook.ods"


@pytest.mark.parametrize(
    "payload",
    [
        "案件编号,受理日期\nTS1,2026-11-03\n".encode(),
        "案件编号,受理日期\nTS1,2026-11-03\n".encode("gbk"),
        "\ufeff案件编号\t受理日期\n".encode("utf-8"),
        b"<html><body><table><tr><td>1</td></tr></table></body></html>",
    ],
)
def test_csv_and_text_given_by_mistake(tmp_path: Path, payload: bytes) -> None:
    p = tmp_path / "ledger.xls"
    p.write_bytes(payload)
    err = refused(p)
    assert err.code == "workbook.text"
    assert "CSV" in err.message("en")


def test_truncated_zip_is_reported_damaged(tmp_path: Path, ledger: Path) -> None:
    data = ledger.read_bytes()
    p = tmp_path / "cut.xlsx"
    p.write_bytes(data[: len(data) // 2])
    err = refused(p)
    assert err.code == "workbook.corrupt"
    assert ".ledger_backups" in err.message("en")


def test_zip_without_workbook_part(tmp_path: Path) -> None:
    p = tmp_path / "report.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    assert refused(p).code == "workbook.no_workbook_part"


def test_zip_bomb_member_over_512_mb_is_refused_small_on_disk(tmp_path: Path, ledger: Path) -> None:
    p = tmp_path / "bomb.xlsx"
    shutil.copy(ledger, p)
    with zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open("xl/worksheets/sheet9.xml", "w", force_zip64=True) as w:
            block = b"\0" * (1 << 20)
            for _ in range(520):
                w.write(block)
    assert p.stat().st_size < 5 * 1024 * 1024
    err = refused(p)
    assert err.code == "workbook.zip_bomb"
    assert "sheet9.xml" in err.message("en")


def test_zip_bomb_by_compression_ratio_is_refused(tmp_path: Path, ledger: Path) -> None:
    p = tmp_path / "ratio.xlsx"
    shutil.copy(ledger, p)
    with zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("xl/media/blank.bin", b"\0" * (40 << 20))
    assert refused(p).code == "workbook.zip_bomb"


def test_billion_laughs_is_refused_by_guard_and_by_openpyxl(tmp_path: Path, ledger: Path) -> None:
    p = replace_member(ledger, tmp_path / "lol.xlsx", "xl/sharedStrings.xml", BILLION_LAUGHS.encode())
    err = refused(p)
    assert err.code == "workbook.hostile_xml"
    assert "sharedStrings.xml" in err.message("en")
    # openpyxl itself (with defusedxml installed) refuses to expand the entities
    from defusedxml import EntitiesForbidden

    started = time.perf_counter()
    with pytest.raises(ValueError) as info:
        openpyxl.load_workbook(p, read_only=True)
    assert isinstance(info.value.__cause__, EntitiesForbidden)
    assert time.perf_counter() - started < 2.0


def test_doctype_after_comments_in_any_part_is_refused(tmp_path: Path, ledger: Path) -> None:
    hostile = (
        '<?xml version="1.0"?><!-- x --><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    )
    p = replace_member(ledger, tmp_path / "xxe.xlsx", "xl/styles.xml", hostile.encode())
    assert refused(p).code == "workbook.hostile_xml"


def test_our_own_xml_parsing_refuses_entities() -> None:
    from defusedxml import EntitiesForbidden

    from ledger.io import styles_part

    with pytest.raises(EntitiesForbidden):
        styles_part._Styles(BILLION_LAUGHS.replace("sst", "styleSheet").encode())
