"""The Excel add-in (dist/ledger.xlam) built on Linux: ribbon, VBA, settings sheet, reproducibility.

Excel is not available here, so the built file is read back by independent
readers: oletools/olevba for the VBA project, python-calamine for the settings
sheet, LibreOffice for the whole file (it imports VBA modules as Basic).
"""

from __future__ import annotations

import io
import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import olefile
import pytest
from defusedxml import ElementTree as ET
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, decompress_stream
from python_calamine import CalamineWorkbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ledger.xl as lx  # noqa: E402
from addin import build as addin_build  # noqa: E402
from addin import cfb, ovba  # noqa: E402
from addin.vbaproject import VbaProject, encode_source  # noqa: E402
from ledger.xl import HANDLERS  # noqa: E402

NS = "{http://schemas.microsoft.com/office/2006/01/customui}"
LABELS = {
    "validate": "校验台账",
    "callback_list": "生成回访清单",
    "draw_samples": "抽样",
    "record_results": "登记回访结果",
    "monthly_stats": "月度统计",
    "send_to_head_office": "发送总部",
    "settings": "设置",
    "consolidate_reports": "汇总各处报表",
}
DISPATCH_CALL = (
    """RunPython "import ledger.xl as x; x.dispatch('" & buttonId & "', '" & HexName(ActiveWorkbook.Name) """
    """& "', '" & XLWINGS_VERSION & "', '" & HexName(reportFile) & "')\""""
)


@pytest.fixture(scope="module")
def xlam(tmp_path_factory) -> Path:
    return addin_build.build(tmp_path_factory.mktemp("addin") / "ledger.xlam")


def _macros(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def _member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def _base_project() -> VbaProject:
    with zipfile.ZipFile(io.BytesIO(addin_build.base_addin())) as zf:
        return VbaProject.read(zf.read("xl/vbaProject.bin"))


def test_dispatcher_module_source_is_read_back_by_olevba(xlam):
    code = _macros(xlam)["LedgerRibbon.bas"]
    assert "Public Sub LedgerButton(control As IRibbonControl)\r\n    RunButton control.Id\r\nEnd Sub" in code
    assert DISPATCH_CALL in code


def test_xlwings_modules_still_decode_with_their_base_source(xlam):
    macros = _macros(xlam)
    base = _base_project()
    assert set(macros) == {"ThisWorkbook.cls", "Sheet2.cls", "Dictionary.cls", "xlwings.bas", "LedgerRibbon.bas"}
    assert "Public Function RunPython(PythonCommand As String)" in macros["xlwings.bas"]
    # Only the PROJECT_NAME constant of the xlwings module differs from the pinned base.
    built = VbaProject.read(_member(xlam, "xl/vbaProject.bin"))
    for module in ("ThisWorkbook", "Sheet2", "Dictionary"):
        assert built.source(module) == base.source(module)
    expected = base.source("xlwings").replace('PROJECT_NAME As String = "myaddin"', 'PROJECT_NAME As String = "ledger"')
    # The base stores this module with bare LF; the build writes VBA's own CRLF.
    assert built.source("xlwings") == expected.replace("\r\n", "\n").replace("\n", "\r\n")
    assert expected != base.source("xlwings")


def test_base_demo_ribbon_module_is_removed(xlam):
    ole = olefile.OleFileIO(_member(xlam, "xl/vbaProject.bin"))
    assert not ole.exists("VBA/RibbonMyAddin")
    assert b"RibbonMyAddin" not in ole.openstream("PROJECT").read()
    assert b"Module=LedgerRibbon" in ole.openstream("PROJECT").read()


def test_vba_project_is_source_only_so_excel_recompiles(xlam):
    built = VbaProject.read(_member(xlam, "xl/vbaProject.bin"))
    assert built.vba_project_header[2:4] == b"\xff\xff"
    assert all(m.text_offset == 0 for m in built.dir.modules)


def test_vba_container_has_no_cfb_defects(xlam):
    ole = olefile.OleFileIO(_member(xlam, "xl/vbaProject.bin"), raise_defects=olefile.DEFECT_POTENTIAL)
    assert sorted("/".join(p) for p in ole.listdir()) == [
        "PROJECT",
        "PROJECTwm",
        "VBA/Dictionary",
        "VBA/LedgerRibbon",
        "VBA/Sheet2",
        "VBA/ThisWorkbook",
        "VBA/_VBA_PROJECT",
        "VBA/dir",
        "VBA/xlwings",
    ]


def test_ribbon_has_six_buttons_with_chinese_labels_calling_one_macro(xlam):
    tree = ET.fromstring(_member(xlam, "customUI/customUI.xml"))
    (tab,) = tree.iter(f"{NS}tab")
    assert tab.get("label") == "回访台账"
    buttons = list(tree.iter(f"{NS}button"))
    assert {b.get("id"): b.get("label") for b in buttons} == LABELS
    assert {b.get("onAction") for b in buttons} == {"LedgerRibbon.LedgerButton"}
    assert all(b.get("imageMso") for b in buttons)


def test_the_ribbon_buttons_are_exactly_the_python_handlers():
    tree = ET.fromstring((addin_build.SRC / "customUI.xml").read_bytes())
    ids = [b.get("id") for b in tree.iter(f"{NS}button")]
    assert sorted(ids) == sorted(HANDLERS) == sorted(LABELS)


def test_ribbon_callback_macro_exists_in_dispatcher_module(xlam):
    module, macro = addin_build.CALLBACK.split(".")
    assert f"Public Sub {macro}(control As IRibbonControl)" in _macros(xlam)[f"{module}.bas"]


def test_build_rejects_a_ribbon_button_without_a_python_handler():
    xml = (addin_build.SRC / "customUI.xml").read_bytes().replace(b'id="settings"', b'id="options"')
    with pytest.raises(addin_build.BuildError, match="options"):
        addin_build.check_customui(xml)


def test_build_rejects_a_button_calling_another_macro():
    xml = (addin_build.SRC / "customUI.xml").read_bytes()
    last = [b.get("id") for b in ET.fromstring(xml).iter(f"{NS}button")][-1]
    head, tail = xml.rsplit(b'onAction="LedgerRibbon.LedgerButton"', 1)  # the last button's macro
    with pytest.raises(addin_build.BuildError, match=last):
        addin_build.check_customui(head + b'onAction="Other.Macro"' + tail)


def test_build_rejects_a_button_id_the_vba_would_refuse():
    xml = (addin_build.SRC / "customUI.xml").read_bytes().replace(b'id="settings"', b'id="Settings"')
    with pytest.raises(addin_build.BuildError):
        addin_build.check_customui(xml)
    assert 'buttonId Like "*[!a-z0-9_]*"' in (addin_build.SRC / "LedgerRibbon.bas").read_text(encoding="utf-8")


def test_build_is_byte_reproducible(tmp_path, xlam):
    again = addin_build.build(tmp_path / "again.xlam")
    assert again.read_bytes() == xlam.read_bytes()
    with zipfile.ZipFile(again) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert zf.namelist()[0] == "[Content_Types].xml"


def test_settings_sheet_holds_interpreter_defaults(xlam):
    wb = CalamineWorkbook.from_path(str(xlam))
    assert wb.sheet_names == ["ledger.conf"]
    rows = {r[0]: r[1] for r in wb.get_sheet_by_name("ledger.conf").to_python()}
    assert rows["Interpreter_Win"] == r"%LOCALAPPDATA%\ledger\.venv\Scripts\pythonw.exe"
    assert rows["Interpreter_Mac"] == "$HOME/.ledger/.venv/bin/python"
    assert rows["UDF Modules"] == ""
    assert "Use UDF Server" not in rows and "Debug UDFs" not in rows  # the user's settings file decides
    assert rows["ADD_WORKBOOK_TO_PYTHONPATH"] == "false"


def test_settings_sheet_name_is_the_one_xlwings_reads(xlam):
    # xlwings' GetConfig reads the sheet named PROJECT_NAME & ".conf".
    source = _macros(xlam)["xlwings.bas"]
    (name,) = re.findall(r'Public Const PROJECT_NAME As String = "([^"]+)"', source)
    assert CalamineWorkbook.from_path(str(xlam)).sheet_names == [f"{name}.conf"]


def test_interpreter_paths_can_be_overridden_at_build(tmp_path):
    path = addin_build.build(
        tmp_path / "x.xlam", interpreter_win=r"D:\py\pythonw.exe", interpreter_mac="/opt/py/bin/python"
    )
    rows = {r[0]: r[1] for r in CalamineWorkbook.from_path(str(path)).get_sheet_by_name("ledger.conf").to_python()}
    assert rows["Interpreter_Win"] == r"D:\py\pythonw.exe"
    assert rows["Interpreter_Mac"] == "/opt/py/bin/python"


def test_build_refuses_an_unpinned_base_addin(monkeypatch):
    monkeypatch.setattr(addin_build, "BASE_SHA256", "0" * 64)
    with pytest.raises(addin_build.BuildError, match="differs from the pinned file"):
        addin_build.base_addin()


def test_command_line_build_writes_the_addin(tmp_path):
    out = tmp_path / "dist" / "ledger.xlam"
    done = subprocess.run(
        [sys.executable, str(ROOT / "addin" / "build.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)
    assert zipfile.is_zipfile(out)


def _evaluate_vba_string(expression: str) -> str:
    """Value of a VBA concatenation of "literals" and ChrW(&Hxxxx) calls."""
    parts = re.findall(r'"((?:[^"]|"")*)"|ChrW\(&H([0-9A-F]{4})\)', expression)
    return "".join(lit.replace('""', '"') if not code else chr(int(code, 16)) for lit, code in parts)


def _vba_function(code: str, name: str) -> str:
    """The text of one VBA Function or Sub, continuation lines included."""
    match = re.search(rf"Private (?:Function|Sub) {name}\b.*?\nEnd (?:Function|Sub)", code, flags=re.S)
    assert match, name
    return match.group()


def test_clerk_messages_keep_their_chinese_text_in_a_code_page_1252_project(xlam):
    code = _macros(xlam)["LedgerRibbon.bas"]
    assert all(ord(ch) < 128 for ch in code)
    messages = {
        name: _evaluate_vba_string(_vba_function(code, name))
        for name in ("NoWorkbookText", "NoPythonText", "NoLedgerText", "MismatchText", "FailedText", "NoServerText")
    }
    assert messages["NoWorkbookText"].startswith("请先打开台账工作簿，再点按钮。")
    assert "找不到回访台账的 Python 环境" in messages["NoPythonText"] and "install.ps1" in messages["NoPythonText"]
    assert "没有装好回访台账程序（ledger 或 xlwings）" in messages["NoLedgerText"]
    assert "加载项需要 xlwings " in messages["MismatchText"] and "，电脑上装的是 " in messages["MismatchText"]
    assert "台账没有被修改" in messages["FailedText"]
    assert "后台 Python 服务没有运行" in messages["NoServerText"] and "-ComServer" in messages["NoServerText"]
    assert _evaluate_vba_string(_vba_function(code, "ShowMessage")).startswith("回访台账")


def test_windows_message_boxes_are_unicode_messageboxw_not_msgbox(xlam):
    code = _macros(xlam)["LedgerRibbon.bas"]
    declare = (
        'Private Declare PtrSafe Function MessageBoxW Lib "user32" (ByVal hWnd As LongPtr, '
        "ByVal lpText As LongPtr, ByVal lpCaption As LongPtr, ByVal uType As Long) As Long"
    )
    assert declare in code
    show = _vba_function(code, "ShowMessage")
    assert "MessageBoxW Application.hWnd, StrPtr(message), StrPtr(caption)" in show
    # MsgBox (ANSI on Windows) only in the Mac branch of ShowMessage, and nowhere else
    statements = [line for line in code.splitlines() if not line.lstrip().startswith("'")]
    assert sum("MsgBox " in line for line in statements) == 1 and re.search(r"#If Mac Then\s+MsgBox message", show)
    # every message goes through ShowMessage; the checks run before RunPython starts Python
    button = re.search(r"Public Sub RunButton.*?End Sub", code, flags=re.S).group()
    assert button.index("InstallProblem()") < button.index("RunPython")
    assert "On Error GoTo Failed" in button and "ShowMessage FailedText(Err.Description)" in button


def test_installation_checks_look_for_the_pinned_xlwings_and_ledger(xlam):
    code = _macros(xlam)["LedgerRibbon.bas"]
    check = _vba_function(code, "PackageProblem")
    assert 'wanted = "xlwings-" & XLWINGS_VERSION & ".dist-info"' in check
    assert 'Left$(folderName, 7) = "ledger-"' in check
    install = _vba_function(code, "InstallProblem")
    assert 'CreateObject("Scripting.FileSystemObject")' in install  # Unicode paths (Chinese user names)
    assert 'site = root & "\\Lib\\site-packages"' in install
    assert 'Public Const XLWINGS_VERSION As String = "0.37.8"' in _macros(xlam)["xlwings.bas"]


def test_the_vba_hex_name_matches_what_python_decodes(xlam):
    code = _macros(xlam)["LedgerRibbon.bas"]
    assert 'Right$("000" & Hex$(AscW(Mid$(s, i, 1)) And &HFFFF&), 4)' in _vba_function(code, "HexName")
    name = "台账 O'Brien.xlsx"
    vba = "".join(f"{ord(ch) & 0xFFFF:04X}" for ch in name)  # what the loop computes
    assert lx.decode_name(vba) == name


def test_customui_relationship_type_matches_its_namespace(xlam):
    rels = ET.fromstring(_member(xlam, "_rels/.rels"))
    (rel,) = [r for r in rels if r.get("Target").lstrip("/") == "customUI/customUI.xml"]
    namespace = ET.fromstring(_member(xlam, "customUI/customUI.xml")).tag[1:].split("}")[0]
    assert namespace == "http://schemas.microsoft.com/office/2006/01/customui"
    assert rel.get("Type") == "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
    ns2009 = (addin_build.SRC / "customUI.xml").read_bytes().replace(b"2006/01/customui", b"2009/07/customui")
    base = _member(xlam, "_rels/.rels").decode("utf-8")
    assert 'Type="http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"' in (
        addin_build.package_rels(base, ns2009)
    )


def test_the_unused_msforms_reference_is_dropped_and_office_kept(xlam):
    ole = olefile.OleFileIO(_member(xlam, "xl/vbaProject.bin"))
    directory = bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    assert b"MSForms" not in directory and b"FM20.DLL" not in directory
    assert b"Office" in directory  # IRibbonControl lives in the Office library
    base = _base_project()
    assert base.dir.reference_names() == ["MSForms", "Office"]
    assert not re.search(r"MSForms|DataObject|UserForm", "".join(_macros(xlam).values()))


def test_unused_mini_fat_entries_are_free_sectors(xlam):
    data = _member(xlam, "xl/vbaProject.bin")
    ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_POTENTIAL)
    start, count = struct.unpack_from("<II", data, 0x3C)  # header: first mini-FAT sector, number of them
    raw = data[(start + 1) * 512 : (start + 1 + count) * 512]
    entries = struct.unpack(f"<{len(raw) // 4}I", raw)
    used = -(-ole.root.size // 64)
    assert count >= 1 and len(entries) == 128 * count > used
    assert all(entry == cfb.FREESECT for entry in entries[used:])
    assert all(entry != cfb.FREESECT for entry in entries[:used])


def test_non_ascii_outside_string_literals_is_refused():
    assert encode_source('x = "a中""b"') == b'x = "a" & ChrW(&H4E2D) & """b"'
    with pytest.raises(ValueError, match="outside a string literal"):
        encode_source("' 注释")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="Sub End If Then\r\n\"'().&_ xyz0123", max_size=12000))
def test_ovba_compression_is_decoded_exactly_by_oletools(text):
    data = text.encode("ascii")
    assert decompress_stream(bytearray(ovba.compress(data))) == data
    assert ovba.decompress(ovba.compress(data)) == data


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=9000))
def test_incompressible_chunks_are_stored_raw(data):
    out = decompress_stream(bytearray(ovba.compress(data)))
    assert out[: len(data)] == data
    assert out[len(data) :] == b"\x00" * (len(out) - len(data))  # raw chunks are padded to 4096


def test_cfb_streams_of_every_size_class_read_back_by_olefile():
    sizes = [0, 1, 63, 64, 65, 4095, 4096, 4097, 70000]
    root = cfb.Storage(children={f"s{n}": bytes([n % 251]) * n for n in sizes})
    root.children["VBA"] = cfb.Storage(children={"dir": b"d" * 100, "big": b"b" * 5000})
    ole = olefile.OleFileIO(cfb.write(root), raise_defects=olefile.DEFECT_POTENTIAL)
    for n in sizes:
        assert ole.openstream(f"s{n}").read() == bytes([n % 251]) * n
    assert ole.openstream("VBA/dir").read() == b"d" * 100
    assert ole.openstream("VBA/big").read() == b"b" * 5000


def test_install_script_creates_the_venv_the_settings_sheet_points_to():
    script = (ROOT / "addin" / "install.ps1").read_text(encoding="utf-8-sig")
    conf = dict(addin_build.read_conf((addin_build.SRC / "ledger.conf").read_text(encoding="utf-8")))
    venv = conf["Interpreter_Win"].removesuffix(r"\Scripts\pythonw.exe").replace("%LOCALAPPDATA%", "$env:LOCALAPPDATA")
    assert venv in script
    assert "XLSTART" in script and "Unblock-File" in script
    assert f'$XlwingsVersion = "{addin_build.XLWINGS_VERSION}"' in script
    # Windows PowerShell 5.1 reads a script without BOM as ANSI and garbles its Chinese text.
    assert (ROOT / "addin" / "install.ps1").read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.libreoffice
def test_libreoffice_opens_the_addin_and_imports_its_vba(xlam, tmp_path, soffice):
    done = subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--infilter=Calc MS Excel 2007 VBA XML",
            "--convert-to",
            "ods",
            "--outdir",
            str(tmp_path / "out"),
            str(xlam),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    ods = tmp_path / "out" / "ledger.ods"
    assert ods.exists(), done.stdout + done.stderr
    with zipfile.ZipFile(ods) as zf:
        ribbon = zf.read("Basic/LedgerAddin/LedgerRibbon.xml").decode("utf-8")
        xlwings = zf.read("Basic/LedgerAddin/xlwings.xml").decode("utf-8")
        content = zf.read("content.xml").decode("utf-8")
    assert "Public Sub LedgerButton(control As IRibbonControl)" in ribbon
    assert "x.dispatch(&apos;&quot; &amp; buttonId" in ribbon
    assert "Public Function RunPython(PythonCommand As String)" in xlwings
    assert 'table:name="ledger.conf"' in content
    assert r"%LOCALAPPDATA%\ledger\.venv\Scripts\pythonw.exe" in content
