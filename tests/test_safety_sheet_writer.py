"""Generated sheets written straight as worksheet XML (io.sheet_writer) look as the openpyxl rendering does.

The callback list, record forms and statistics sheet of a generated ledger are
written into the ledger by save_changes(layouts=...) and, for reference,
rendered through openpyxl (io.render); both files are read back with openpyxl
and compared cell by cell. LibreOffice must open the result.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from ledger.core.callbacks import assess
from ledger.core.stats import compute
from ledger.demo.cases import demo_settings, generate_cases
from ledger.demo.workbook import write_ledger
from ledger.io.package import save_changes
from ledger.io.render import render
from ledger.io.workbook import load_file
from ledger.sheets.callback_list import callback_list_layout, record_forms_layout
from ledger.sheets.layout import SheetLayout
from ledger.sheets.stats_sheet import stats_layout

AS_OF = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, list[SheetLayout]]:
    folder = tmp_path_factory.mktemp("writer")
    path = folder / "台账.xlsx"
    write_ledger(path, generate_cases(400, seed=5, end=AS_OF, months=6, dirty=True), settings=demo_settings("zh-Hans"))
    ledger = load_file(path)
    report = assess(ledger, AS_OF)
    layouts = [
        callback_list_layout(report, ledger, ledger.lang),
        record_forms_layout(report, ledger, ledger.lang),
        stats_layout(compute(ledger, "2026-10", AS_OF), ledger.lang, ledger),
    ]
    return path, layouts


@pytest.fixture(scope="module")
def both(generated, tmp_path_factory) -> tuple[Path, Path, list[SheetLayout]]:
    path, layouts = generated
    folder = tmp_path_factory.mktemp("both")
    direct = folder / "direct.xlsx"
    shutil.copy(path, direct)
    save_changes(direct, layouts=layouts)
    reference = folder / "reference.xlsx"
    book = Workbook()
    book.remove(book.active)
    for layout in layouts:
        render(layout, book)
    book.save(reference)
    return direct, reference, layouts


def _rgb(color) -> str | None:
    rgb = getattr(color, "rgb", None)
    return rgb[-6:] if isinstance(rgb, str) else None


def _look(cell) -> tuple:
    f, b, a = cell.font, cell.border, cell.alignment
    fill = _rgb(cell.fill.fgColor) if cell.fill.fill_type == "solid" else None
    sides = tuple(
        (s.style, _rgb(s.color)) if s is not None and s.style else None for s in (b.left, b.right, b.top, b.bottom)
    )
    value = round(cell.value, 12) if isinstance(cell.value, float) else cell.value  # openpyxl keeps 16 digits
    return (
        value,
        cell.number_format,
        bool(f.b),
        bool(f.i),
        _rgb(f.color) if f.color is not None else None,
        fill,
        sides,
        a.horizontal,
        a.vertical,
        bool(a.wrap_text),
        bool(cell.quotePrefix),
    )


def test_every_cell_matches_the_openpyxl_rendering(both) -> None:
    direct, reference, layouts = both
    ours, theirs = openpyxl.load_workbook(direct), openpyxl.load_workbook(reference)
    for layout in layouts:
        a, b = ours[layout.name], theirs[layout.name]
        assert (a.max_row, a.max_column) == (b.max_row, b.max_column), layout.name
        checked = 0
        for row_a, row_b in zip(a.iter_rows(), b.iter_rows()):
            for x, y in zip(row_a, row_b):
                assert _look(x) == _look(y), (layout.name, x.coordinate)
                checked += x.value is not None
        assert checked > 20, layout.name


def test_sheet_settings_match_the_openpyxl_rendering(both) -> None:
    direct, reference, layouts = both
    ours, theirs = openpyxl.load_workbook(direct), openpyxl.load_workbook(reference)
    for layout in layouts:
        a, b = ours[layout.name], theirs[layout.name]
        assert sorted(map(str, a.merged_cells.ranges)) == sorted(map(str, b.merged_cells.ranges))
        assert a.freeze_panes == b.freeze_panes
        assert a.print_title_rows == b.print_title_rows
        assert a.page_setup.orientation == b.page_setup.orientation
        if layout.scale:  # a fixed scale (the statistics) or fitted to the page width (the lists)
            assert int(a.page_setup.scale) == int(b.page_setup.scale) == layout.scale
        else:
            assert a.page_setup.fitToWidth == b.page_setup.fitToWidth == 1
            assert int(a.page_setup.fitToHeight) == int(b.page_setup.fitToHeight) == 0
            assert a.sheet_properties.pageSetUpPr.fitToPage
        assert [x.id for x in a.row_breaks.brk] == [x.id for x in b.row_breaks.brk] == sorted(set(layout.breaks))
        for left, right in ((a.oddFooter.left, b.oddFooter.left), (a.oddFooter.center, b.oddFooter.center)):
            assert left.text == right.text
        for row, height in layout.heights.items():
            assert a.row_dimensions[row].height == b.row_dimensions[row].height == height
        for col, width in layout.widths.items():
            letter = openpyxl.utils.get_column_letter(col)
            assert a.column_dimensions[letter].width == b.column_dimensions[letter].width == width
        assert len(a._charts) == len(b._charts) == len(layout.charts)
        for x, y in zip(a._charts, b._charts):
            assert [s.val.numRef.f for s in x.series] == [s.val.numRef.f for s in y.series]
            assert [s.cat.numRef.f if s.cat.numRef else s.cat.strRef.f for s in x.series] == [
                s.cat.numRef.f if s.cat.numRef else s.cat.strRef.f for s in y.series
            ]


def test_statistics_charts_are_anchored_where_the_layout_says(both) -> None:
    direct, _, layouts = both
    stats = layouts[2]
    ws = openpyxl.load_workbook(direct)[stats.name]
    anchors = [(c.anchor._from.col, c.anchor._from.row) for c in ws._charts]
    expected = []
    for spec in stats.charts:
        letters = spec.anchor.rstrip("0123456789")
        expected.append((openpyxl.utils.column_index_from_string(letters) - 1, int(spec.anchor[len(letters) :]) - 1))
    assert anchors == expected


def test_writing_again_replaces_in_place_and_leaves_one_copy_of_each_chart(generated, tmp_path) -> None:
    path, layouts = generated
    target = tmp_path / "twice.xlsx"
    shutil.copy(path, target)
    save_changes(target, layouts=layouts)
    order = openpyxl.load_workbook(target, read_only=True).sheetnames
    save_changes(target, layouts=layouts)
    names = zipfile.ZipFile(target).namelist()
    assert len([n for n in names if n.startswith("xl/charts/chart")]) == len(layouts[2].charts)
    assert len([n for n in names if n.startswith("xl/drawings/drawing") and n.endswith(".xml")]) == 1
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == order
    assert workbook_xml(target).count("_xlnm.Print_Titles") == len([x for x in layouts if x.repeat_rows])


def workbook_xml(path: Path) -> str:
    return zipfile.ZipFile(path).read("xl/workbook.xml").decode()


def test_generated_text_uses_the_clerks_default_typeface(generated, tmp_path) -> None:
    path, layouts = generated
    target = tmp_path / "font.xlsx"
    shutil.copy(path, target)
    default_font = openpyxl.load_workbook(target)._fonts[0].name
    save_changes(target, layouts=layouts[:1])
    ws = openpyxl.load_workbook(target)[layouts[0].name]
    header = next(c for row in ws.iter_rows() for c in row if c.font.b and c.value)
    assert header.font.name == default_font


def test_formula_like_text_and_control_characters_are_written_as_plain_text(generated, tmp_path) -> None:
    path, _ = generated
    target = tmp_path / "text.xlsx"
    shutil.copy(path, target)
    layout = SheetLayout("导出")
    layout.add_row(['=HYPERLINK("http://x")', "+86 138", "坏\x0b字符", dt.datetime(2026, 11, 2, 9, 30), 0.5], "text")
    save_changes(target, layouts=[layout])
    ws = openpyxl.load_workbook(target)["导出"]
    assert ws["A1"].value == '=HYPERLINK("http://x")' and ws["A1"].data_type == "s" and ws["A1"].quotePrefix
    assert ws["B1"].value == "+86 138" and ws["B1"].quotePrefix
    assert ws["C1"].value == "坏字符"
    assert ws["D1"].value == dt.datetime(2026, 11, 2, 9, 30) and ws["D1"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["E1"].value == 0.5 and ws["E1"].border.left.style == "thin"


@pytest.mark.libreoffice
def test_libreoffice_opens_the_written_sheets(both, tmp_path, soffice: str) -> None:
    direct, _, layouts = both
    program = soffice
    out = tmp_path / "lo"
    proc = subprocess.run(
        [
            program,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(direct),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    wb = openpyxl.load_workbook(out / direct.name)
    for layout in layouts:
        ws = wb[layout.name]
        first = next(v for v in layout.rows[0] if v is not None)
        assert ws["A1"].value == first
        assert sorted(map(str, ws.merged_cells.ranges)) == sorted(
            f"{openpyxl.utils.get_column_letter(c1)}{r1}:{openpyxl.utils.get_column_letter(c2)}{r2}"
            for r1, c1, r2, c2 in layout.merged
        )
    assert len(wb[layouts[2].name]._charts) == len(layouts[2].charts)
