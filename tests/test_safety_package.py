"""save_changes rewrites only what changes and keeps everything else of the clerk's workbook."""

from __future__ import annotations

import io
import posixpath
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import python_calamine

import ledger.io.sheet_stream as sheet_stream
from ledger.io.guard import UnusableWorkbook
from ledger.io.package import CaseSheetPatch, CellWrite, ColumnPatch, save_changes
from ledger.io.safe_write import BACKUP_DIR, WriteRefused, list_backups
from ledger.io.xlsx_parts import MAIN_NS
from ledger.sheets.layout import ChartSpec, SheetLayout

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the builders live beside the tests
from test_safety_builders import CASE_HEADERS, build_ledger, case_rows

N = 40  # case rows 3..42
FIRST, LAST = 3, N + 2

# parts that save_changes is expected to rewrite (everything else must be byte-identical)
REWRITTEN = {
    "[Content_Types].xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "xl/worksheets/sheet1.xml",
    "xl/worksheets/sheet2.xml",
}
# the old callback list's chart and its relationships go with it (the new list has none), and calcChain (a cache)
REMOVED = {
    "xl/calcChain.xml",
    "xl/worksheets/_rels/sheet2.xml.rels",
    "xl/drawings/drawing2.xml",
    "xl/drawings/_rels/drawing2.xml.rels",
    "xl/charts/chart1.xml",
}


def raw_member(path: Path, name: str) -> tuple[int, int, int, bytes]:
    """(CRC, compress_type, size, compressed bytes) exactly as stored in the zip."""
    with zipfile.ZipFile(path) as z, open(path, "rb") as f:
        info = z.getinfo(name)
        f.seek(info.header_offset)
        head = f.read(30)
        n, m = struct.unpack("<HH", head[26:30])
        f.seek(info.header_offset + 30 + n + m)
        return info.CRC, info.compress_type, info.file_size, f.read(info.compress_size)


def tool_layouts() -> list[SheetLayout]:
    """What the callback/statistics modules hand over: named styles, merged cells, a chart, print setup."""
    listing = SheetLayout("回访清单", widths={1: 18}, repeat_rows=(1, 2), freeze="A3")
    listing.add_row(["回访清单（截至 2026-11-25）"], "title")
    listing.merged.append((1, 1, 1, 4))
    listing.add_row(["案件编号", "期限", "状态", "备注"], "header")
    listing.add_row(["TS2026-00001", date(2026, 11, 20), "逾期", "=B3+1"])
    listing.add_row(["TS2026-00002", date(2026, 11, 28), "待回访", "已联系"])
    listing.style("overdue", 3, 3)
    stats = SheetLayout("月度统计", landscape=False)
    stats.add_row(["类别", "数量"], "header")
    for cat, n in (("投诉", 5), ("报修", 12), ("求助", 3)):
        stats.add_row([cat, n])
    stats.add_row([None, 0.875])
    stats.style("percent", 5, 2)
    stats.charts.append(
        ChartSpec(
            "本月案件", "bar", header_row=1, first_row=2, last_row=4, category_col=1, series_cols=[2], anchor="D2"
        )
    )
    return [listing, stats]


def case_patch() -> CaseSheetPatch:
    status = {
        r: CellWrite(["overdue", "due", "done"][r % 3], fill="FFC7CE" if r % 3 == 0 else None)
        for r in range(FIRST, LAST + 1)
        if r != 7
    }
    due = {r: CellWrite(date(2026, 12, r % 28 + 1)) for r in range(FIRST, LAST + 1)}
    due[4] = CellWrite(datetime(2026, 12, 1, 14, 30))
    problems = {5: CellWrite("受理日期无法识别", bold=True, font_color="C00000"), 6: CellWrite(3)}
    return CaseSheetPatch(
        "案件台账",
        2,
        [
            ColumnPatch("回访状态", status, width=12),
            ColumnPatch("回访期限", due, width=14),
            ColumnPatch("问题", problems),
        ],
        cell_fills={(5, 2): "FFFF00", (8, 1): "FFFF00", (9, 7): "FFFF00"},
    )


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return build_ledger(tmp_path / "台账.xlsx", N)


@pytest.fixture
def saved(ledger: Path, tmp_path: Path) -> tuple[Path, Path]:
    original = tmp_path / "original.xlsx"
    shutil.copy(ledger, original)
    save_changes(
        ledger,
        layouts=tool_layouts(),
        case_patch=case_patch(),
        append_rows={"日志": [["时间", "动作", "参数"], [datetime(2026, 11, 25, 9, 0), "callbacks", "seed=7"]]},
    )
    return original, ledger


def test_untouched_members_are_byte_identical(saved: tuple[Path, Path]) -> None:
    original, result = saved
    old = set(zipfile.ZipFile(original).namelist())
    new = set(zipfile.ZipFile(result).namelist())
    assert old - new == REMOVED
    untouched = old - REWRITTEN - REMOVED
    assert len(untouched) >= 25
    for name in sorted(untouched):
        assert raw_member(original, name) == raw_member(result, name), name


def test_clerk_cells_of_case_sheet_are_unchanged(saved: tuple[Path, Path]) -> None:
    original, result = saved
    cell = re.compile(rb'<c r="([A-E])(\d+)"[^>]*?(?:/>|>.*?</c>)', re.S)
    old = {(m[1], int(m[2])): m[0] for m in cell.finditer(zipfile.ZipFile(original).read("xl/worksheets/sheet1.xml"))}
    new = {(m[1], int(m[2])): m[0] for m in cell.finditer(zipfile.ZipFile(result).read("xl/worksheets/sheet1.xml"))}
    assert old.keys() == new.keys()
    highlighted = {(b"B", 5), (b"A", 8)}
    for key in old:
        if key in highlighted:
            assert re.sub(rb' s="\d+"', b"", old[key]) == re.sub(rb' s="\d+"', b"", new[key])
        else:
            assert old[key] == new[key], key
    ws_old = openpyxl.load_workbook(original)["案件台账"]
    ws_new = openpyxl.load_workbook(result)["案件台账"]
    for r in range(1, LAST + 1):
        for c in range(1, 6):
            a, b = ws_old.cell(r, c), ws_new.cell(r, c)
            assert (a.value, a.number_format, a.font.b) == (b.value, b.number_format, b.font.b)
    assert ws_new.merged_cells.ranges == ws_old.merged_cells.ranges
    assert ws_new.conditional_formatting is not None and len(ws_new.data_validations.dataValidation) == 1
    assert ws_new.tables["Cases"].ref == f"A2:E{LAST}"
    assert ws_new.column_dimensions["A"].width == pytest.approx(16.7109375)
    assert ws_new.freeze_panes == "A3"


def test_tool_columns_read_back_with_openpyxl(saved: tuple[Path, Path]) -> None:
    ws = openpyxl.load_workbook(saved[1])["案件台账"]
    assert [ws.cell(2, c).value for c in range(1, 9)] == CASE_HEADERS + ["回访状态", "回访期限", "问题"]
    assert ws["F2"].fill.fgColor.rgb == "FFFFE699" and ws["F2"].font.b
    assert ws["F3"].value == "overdue" and ws["F3"].fill.fgColor.rgb == "FFFFC7CE"
    assert ws["F4"].value == "due" and ws["F4"].fill.fill_type is None
    assert ws["F7"].value is None
    assert ws["G3"].value == datetime(2026, 12, 4) and ws["G3"].number_format == "yyyy-mm-dd"
    assert ws["G4"].value == datetime(2026, 12, 1, 14, 30) and ws["G4"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["H5"].value == "受理日期无法识别" and ws["H5"].font.b and ws["H5"].font.color.rgb == "FFC00000"
    assert ws["H6"].value == 3 and ws["H7"].value is None
    assert ws.column_dimensions["F"].width == 12 and ws.column_dimensions["G"].width == 14
    assert ws.max_column == 8 and ws.max_row == LAST


def test_tool_columns_read_back_with_calamine(saved: tuple[Path, Path]) -> None:
    book = python_calamine.CalamineWorkbook.from_path(str(saved[1]))
    rows = book.get_sheet_by_name("案件台账").to_python()
    assert rows[1][5:8] == ["回访状态", "回访期限", "问题"]
    assert rows[2][0] == "TS2026-00001" and rows[2][5] == "overdue" and rows[2][6] == date(2026, 12, 4)
    assert rows[3][6] == datetime(2026, 12, 1, 14, 30)
    assert rows[4][7] == "受理日期无法识别"
    assert rows[2][3] == case_rows(1)[0][3]


def test_highlight_keeps_the_clerk_cell_format(saved: tuple[Path, Path]) -> None:
    ws = openpyxl.load_workbook(saved[1])["案件台账"]
    assert ws["B5"].fill.fgColor.rgb == "FFFFFF00"
    assert ws["B5"].number_format == 'yyyy"年"m"月"d"日"' and ws["B5"].border.left.style == "thin"
    assert ws["A8"].fill.fgColor.rgb == "FFFFFF00" and ws["A8"].value == "TS2026-00006"
    assert ws["G9"].fill.fill_type is None  # a tool column is never highlighted as a clerk cell
    assert ws["B6"].fill.fill_type is None


def test_layouts_replace_in_place_and_add_at_end(saved: tuple[Path, Path]) -> None:
    wb = openpyxl.load_workbook(saved[1])
    assert wb.sheetnames == ["案件台账", "回访清单", "月度统计", "设置", "透视", "日志"]
    ws = wb["回访清单"]
    assert ws["A1"].value == "回访清单（截至 2026-11-25）" and ws["A1"].font.b and ws["A1"].font.sz == 14
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:D1"]
    assert ws["A2"].fill.fgColor.rgb == "FFD9E1F2" and ws["A2"].font.b
    assert ws["B3"].value == datetime(2026, 11, 20) and ws["B3"].number_format == "yyyy-mm-dd"
    assert ws["D3"].value == "=B3+1" and ws["D3"].data_type == "s"  # text that looks like a formula stays text
    assert ws["C3"].fill.fgColor.rgb == "FFFFC7CE"
    assert ws.print_title_rows == "$1:$2" and ws.page_setup.orientation == "landscape"
    assert not ws.print_area and ws.freeze_panes == "A3"
    assert ws.column_dimensions["A"].width == 18
    assert ws._charts == []
    st = wb["月度统计"]
    assert len(st._charts) == 1 and st["B5"].number_format == "0.0%"
    assert [c.value for c in st["A"]] == ["类别", "投诉", "报修", "求助", None]
    assert st.page_setup.orientation == "portrait"
    assert not any(w.sheet_view.tabSelected for w in wb.worksheets[1:])


def test_replaced_sheet_leaves_no_orphan_parts_and_names(saved: tuple[Path, Path]) -> None:
    z = zipfile.ZipFile(saved[1])
    names = set(z.namelist())
    ct = z.read("[Content_Types].xml").decode()
    for part in re.findall(r'PartName="/([^"]+)"', ct):
        assert part in names, f"content type for missing part {part}"
    workbook = z.read("xl/workbook.xml").decode()
    assert workbook.count('localSheetId="1"') == 1  # the new print titles; the old print area is gone
    assert "回访清单!$A$1:$B$2" not in workbook
    assert '<definedName name="办公室">设置!$B$1</definedName>' in workbook
    assert "calcChain" not in z.read("xl/_rels/workbook.xml.rels").decode()
    for name in names:
        if name.endswith(".rels"):
            source = name.replace("_rels/", "")[: -len(".rels")]
            for target, mode in re.findall(r'Target="([^"]+)"(?: TargetMode="(\w+)")?', z.read(name).decode()):
                if mode != "External":
                    resolved = (
                        target[1:]
                        if target.startswith("/")
                        else posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
                    )
                    assert resolved in names, f"{name} points at missing {target}"


def test_styles_xml_keeps_prefixes_and_original_entries(saved: tuple[Path, Path]) -> None:
    old = zipfile.ZipFile(saved[0]).read("xl/styles.xml").decode()
    new = zipfile.ZipFile(saved[1]).read("xl/styles.xml").decode()
    assert 'mc:Ignorable="x14ac x16r2"' in new and 'x14ac:knownFonts="1"' in new
    old_xfs = re.search(r"<cellXfs[^>]*>(.*)</cellXfs>", old, re.S).group(1)
    new_xfs = re.search(r"<cellXfs[^>]*>(.*)</cellXfs>", new, re.S).group(1)
    assert new_xfs.startswith(old_xfs)  # appended, never renumbered
    count = int(re.search(r'<cellXfs count="(\d+)"', new).group(1))
    assert count == new_xfs.count("<xf ")


def test_shared_strings_are_untouched_and_new_text_is_inline(saved: tuple[Path, Path]) -> None:
    original, result = saved
    assert raw_member(original, "xl/sharedStrings.xml") == raw_member(result, "xl/sharedStrings.xml")
    sheet = zipfile.ZipFile(result).read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="F3" s="' in sheet and 't="inlineStr"><is><t>overdue</t></is>' in sheet


def test_log_rows_are_appended_to_an_existing_log(saved: tuple[Path, Path]) -> None:
    ledger = saved[1]
    receipt = save_changes(
        ledger,
        append_rows={
            "日志": [
                ["时间", "动作", "参数"],
                [datetime(2026, 11, 26, 10, 0), "stats", "month=2026-10"],
                [datetime(2026, 11, 26, 10, 5), "send", "to=qa@example.com"],
            ]
        },
    )
    assert receipt.appended_rows == {"日志": 2}
    rows = list(openpyxl.load_workbook(ledger)["日志"].values)
    assert rows == [
        ("时间", "动作", "参数"),
        (datetime(2026, 11, 25, 9, 0), "callbacks", "seed=7"),
        (datetime(2026, 11, 26, 10, 0), "stats", "month=2026-10"),
        (datetime(2026, 11, 26, 10, 5), "send", "to=qa@example.com"),
    ]
    assert openpyxl.load_workbook(ledger)["日志"]["A4"].number_format == "yyyy-mm-dd hh:mm"


def test_second_run_reuses_tool_columns_and_clears_dropped_rows(saved: tuple[Path, Path]) -> None:
    ledger = saved[1]
    patch = CaseSheetPatch(
        "案件台账",
        2,
        [ColumnPatch("问题", {10: CellWrite("重复投诉")}), ColumnPatch("回访状态", {3: CellWrite("done")})],
    )
    receipt = save_changes(ledger, case_patch=patch)
    assert receipt.case_columns == {"问题": "H", "回访状态": "F"}
    ws = openpyxl.load_workbook(ledger)["案件台账"]
    assert ws.max_column == 8
    assert ws["F3"].value == "done" and ws["F4"].value is None and ws["F5"].value is None
    assert ws["H10"].value == "重复投诉" and ws["H5"].value is None and ws["H6"].value is None
    assert ws["G3"].value == datetime(2026, 12, 4)  # a column not in this patch is left alone
    assert ws["A3"].value == "TS2026-00001" and ws["B5"].fill.fgColor.rgb == "FFFFFF00"


def test_rows_and_cells_without_references_are_placed_correctly(ledger: Path, tmp_path: Path) -> None:
    implicit = tmp_path / "implicit.xlsx"
    with zipfile.ZipFile(ledger) as zin, zipfile.ZipFile(implicit, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                # row 5 without r and its cells without r (allowed by the schema)
                row5 = re.search(r'<row r="5".*?</row>', text).group(0)
                text = text.replace(row5, re.sub(r' r="[A-Z]*\d+"', "", row5))
                data = text.encode()
            zout.writestr(info, data)
    save_changes(
        implicit,
        case_patch=CaseSheetPatch(
            "案件台账",
            2,
            [ColumnPatch("回访状态", {5: CellWrite("due"), 6: CellWrite("done")})],
            cell_fills={(5, 3): "FFFF00"},
        ),
    )
    ws = openpyxl.load_workbook(implicit)["案件台账"]
    assert [c.value for c in ws[5]][:6] == [
        "TS2026-00003",
        datetime(2026, 1, 4),
        "投诉",
        case_rows(3)[2][3],
        "=LEN(D5)",
        "due",
    ]
    assert ws["C5"].fill.fgColor.rgb == "FFFFFF00" and ws["F6"].value == "done"


def test_cells_for_rows_missing_from_the_sheet_are_created(ledger: Path) -> None:
    save_changes(
        ledger,
        case_patch=CaseSheetPatch(
            "案件台账",
            2,
            [ColumnPatch("回访状态", {LAST + 3: CellWrite("exempt")})],
            cell_fills={(LAST + 2, 1): "FFFF00"},
        ),
    )
    ws = openpyxl.load_workbook(ledger)["案件台账"]
    assert ws.cell(LAST + 3, 6).value == "exempt"
    assert ws.cell(LAST + 2, 1).fill.fgColor.rgb == "FFFFFF00"
    assert ws.max_row == LAST + 3


def test_xlsm_keeps_vba_project_and_macro_content_type(tmp_path: Path) -> None:
    book = build_ledger(tmp_path / "宏.xlsm", 10, xlsm=True)
    before = raw_member(book, "xl/vbaProject.bin")
    save_changes(
        book,
        layouts=tool_layouts(),
        case_patch=CaseSheetPatch("案件台账", 2, [ColumnPatch("回访状态", {3: CellWrite("due")})]),
    )
    z = zipfile.ZipFile(book)
    assert raw_member(book, "xl/vbaProject.bin") == before
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in z.read("[Content_Types].xml").decode()
    assert (
        'Extension="bin" ContentType="application/vnd.ms-office.vbaProject"' in z.read("[Content_Types].xml").decode()
    )
    assert "vbaProject.bin" in z.read("xl/_rels/workbook.xml.rels").decode()
    wb = openpyxl.load_workbook(book, keep_vba=True)
    assert wb["案件台账"]["F3"].value == "due"


def test_save_changes_keeps_a_backup(ledger: Path) -> None:
    before = ledger.read_bytes()
    receipt = save_changes(ledger, append_rows={"日志": [["时间", "动作"], [datetime(2026, 1, 1), "x"]]})
    assert receipt.backup is not None and receipt.backup.parent.name == BACKUP_DIR
    assert receipt.backup.read_bytes() == before
    assert list_backups(ledger) == [receipt.backup]


def test_failing_verification_leaves_the_ledger_untouched(ledger: Path) -> None:
    before = ledger.read_bytes()

    def verify(tmp: Path) -> None:
        raise RuntimeError("simulated crash after writing")

    with pytest.raises(WriteRefused):
        save_changes(ledger, layouts=tool_layouts(), case_patch=case_patch(), verify_fn=verify)
    assert ledger.read_bytes() == before
    assert sorted(p.name for p in ledger.parent.iterdir()) == [ledger.name]


def test_hostile_input_is_refused_before_writing(tmp_path: Path) -> None:
    p = tmp_path / "ledger.xlsx"
    p.write_text("案件编号,受理日期\n", encoding="utf-8")
    with pytest.raises(UnusableWorkbook) as info:
        save_changes(p, append_rows={"日志": [["a"], ["b"]]})
    assert info.value.code == "workbook.text"
    assert p.read_text(encoding="utf-8") == "案件编号,受理日期\n"


def test_out_path_leaves_source_alone(ledger: Path, tmp_path: Path) -> None:
    before = ledger.read_bytes()
    out = tmp_path / "out.xlsx"
    receipt = save_changes(ledger, case_patch=case_patch(), out_path=out)
    assert ledger.read_bytes() == before and receipt.backup is None and receipt.path == out
    assert openpyxl.load_workbook(out)["案件台账"]["F3"].value == "overdue"


@pytest.mark.libreoffice
def test_libreoffice_opens_the_result(saved: tuple[Path, Path], tmp_path: Path, soffice: str) -> None:
    out = tmp_path / "lo"
    proc = subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(saved[1]),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    converted = out / saved[1].name
    assert converted.exists(), proc.stdout + proc.stderr
    wb = openpyxl.load_workbook(converted)
    assert wb.sheetnames == ["案件台账", "回访清单", "月度统计", "设置", "透视", "日志"]
    ws = wb["案件台账"]
    assert [ws.cell(2, c).value for c in range(6, 9)] == ["回访状态", "回访期限", "问题"]
    assert ws["F3"].value == "overdue" and ws["G3"].value == datetime(2026, 12, 4)
    assert ws["A42"].value == "TS2026-00040"
    assert [str(r) for r in wb["回访清单"].merged_cells.ranges] == ["A1:D1"]
    assert len(wb["月度统计"]._charts) == 1


def rezip(src: Path, dst: Path, transform=lambda name, data: data, *, streamed: bool = False) -> Path:
    """Copy a package, optionally rewriting members or writing through a non-seekable stream
    (which makes zipfile use data descriptors, as streaming writers in other tools do)."""

    class NoSeek:
        def __init__(self, f):
            self.f, self.n = f, 0

        def write(self, b):
            self.n += len(b)
            return self.f.write(b)

        def tell(self):
            return self.n

        def flush(self):
            self.f.flush()

        def seekable(self):
            return False

    with open(dst, "wb") as raw, zipfile.ZipFile(src) as zin:
        with zipfile.ZipFile(NoSeek(raw) if streamed else raw, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = transform(info.filename, zin.read(info.filename))
                if streamed:
                    with zout.open(info.filename, "w") as w:
                        w.write(data)
                else:
                    zout.writestr(info, data)
    return dst


def test_sheet_with_prefixed_namespace_is_patched(ledger: Path, tmp_path: Path) -> None:
    def prefix(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        text = re.sub(r"<(/?)([A-Za-z]+)(?=[\s>/])", r"<\1x:\2", data.decode())
        return text.replace(
            'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
            'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
        ).encode()

    book = rezip(ledger, tmp_path / "prefixed.xlsx", prefix)
    assert b"<x:row " in zipfile.ZipFile(book).read("xl/worksheets/sheet1.xml")
    save_changes(
        book,
        case_patch=CaseSheetPatch(
            "案件台账",
            2,
            [ColumnPatch("回访状态", {3: CellWrite("due"), 4: CellWrite(date(2026, 1, 2))}, width=10)],
            cell_fills={(3, 1): "FFFF00"},
        ),
    )
    sheet = zipfile.ZipFile(book).read("xl/worksheets/sheet1.xml").decode()
    assert '<x:c r="F3"' in sheet and "<c " not in sheet and '<x:col min="6"' in sheet
    ws = openpyxl.load_workbook(book)["案件台账"]
    assert (ws["F2"].value, ws["F3"].value, ws["F4"].value) == ("回访状态", "due", datetime(2026, 1, 2))
    assert ws["A3"].fill.fgColor.rgb == "FFFFFF00" and ws["A3"].value == "TS2026-00001"


def test_source_with_data_descriptors_is_copied_intact(ledger: Path, tmp_path: Path) -> None:
    book = rezip(ledger, tmp_path / "streamed.xlsx", streamed=True)
    assert zipfile.ZipFile(book).getinfo("xl/sharedStrings.xml").flag_bits & 0x08
    save_changes(book, case_patch=CaseSheetPatch("案件台账", 2, [ColumnPatch("回访状态", {3: CellWrite("x")})]))
    with zipfile.ZipFile(book) as z, zipfile.ZipFile(ledger) as orig:
        assert z.testzip() is None
        for name in ("xl/sharedStrings.xml", "xl/media/image1.png", "xl/pivotTables/pivotTable1.xml"):
            assert z.read(name) == orig.read(name)
    assert openpyxl.load_workbook(book)["案件台账"]["F3"].value == "x"


def test_openpyxl_made_ledger_with_empty_log_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "案件台账"
    ws.append(["案件编号", "受理日期"])
    ws.append(["A1", date(2026, 3, 1)])
    wb.create_sheet("日志")
    path = tmp_path / "init.xlsx"
    wb.save(path)
    receipt = save_changes(
        path,
        case_patch=CaseSheetPatch("案件台账", 1, [ColumnPatch("回访状态", {2: CellWrite("open")})]),
        append_rows={"日志": [["时间", "动作"], [datetime(2026, 3, 2, 8, 0), "init"]]},
    )
    assert receipt.appended_rows == {"日志": 1}
    wb = openpyxl.load_workbook(path)
    assert list(wb["日志"].values) == [("时间", "动作"), (datetime(2026, 3, 2, 8, 0), "init")]
    assert list(wb["案件台账"].values) == [("案件编号", "受理日期", "回访状态"), ("A1", datetime(2026, 3, 1), "open")]


def test_replace_removes_a_stale_tool_sheet(ledger: Path) -> None:
    receipt = save_changes(ledger, replace=["回访清单"])
    assert receipt.replaced_sheets == ["回访清单"]
    z = zipfile.ZipFile(ledger)
    assert "xl/charts/chart1.xml" not in z.namelist()
    workbook = z.read("xl/workbook.xml").decode()
    assert "回访清单" not in workbook
    assert '<definedName name="_xlnm.Print_Titles" localSheetId="0">' in workbook
    wb = openpyxl.load_workbook(ledger)
    assert wb.sheetnames == ["案件台账", "设置", "透视"]
    assert wb["设置"]["B1"].value == "一号服务中心"


def test_regenerating_tool_sheets_twice_leaves_one_copy(saved: tuple[Path, Path]) -> None:
    ledger = saved[1]
    save_changes(ledger, layouts=tool_layouts())
    z = zipfile.ZipFile(ledger)
    names = z.namelist()
    assert len([n for n in names if n.startswith("xl/charts/")]) == 1
    assert len([n for n in names if n.startswith("xl/comments")]) == 1  # the clerk's own
    wb = openpyxl.load_workbook(ledger)
    assert wb.sheetnames == ["案件台账", "回访清单", "月度统计", "设置", "透视", "日志"]
    assert len(wb["月度统计"]._charts) == 1
    workbook = z.read("xl/workbook.xml").decode()
    assert workbook.count("_xlnm.Print_Titles") == 2 and workbook.count("<definedNames>") == 1


@pytest.mark.parametrize("prefix", ["", "x:"])
@pytest.mark.parametrize("chunk", [5, 64, 1 << 20])
def test_sheet_stream_cuts_rows_across_read_boundaries(monkeypatch, prefix: str, chunk: int) -> None:
    p = prefix
    rows = [
        f'<{p}row r="1" spans="1:2"><{p}c r="A1" t="inlineStr"><{p}is><{p}t>行 &lt;row&gt;</{p}t></{p}is></{p}c></{p}row>',
        f'<{p}row r="2" spans="1:2" />',
        f'<{p}row r="3"><{p}c r="B3"><{p}v>3</{p}v></{p}c></{p}row>',
    ]
    ns = f' xmlns:{p[:-1]}="{MAIN_NS}"' if p else f' xmlns="{MAIN_NS}"'
    tail = f'</{p}sheetData><{p}rowBreaks count="0"/></{p}worksheet>'
    xml = (
        f'<?xml version="1.0"?><{p}worksheet{ns}><{p}dimension ref="A1:B3"/><{p}sheetData>' + "".join(rows) + tail
    ).encode()
    monkeypatch.setattr(sheet_stream, "CHUNK", chunk)
    stream = sheet_stream.SheetStream(io.BytesIO(xml))
    assert [r.decode() for r in stream.rows()] == rows
    rest = io.BytesIO()
    stream.copy_rest(rest)
    assert rest.getvalue().decode() == tail
