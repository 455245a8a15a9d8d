"""Issue 8: huge and hostile sheet extents end in a result or a clear refusal, and the fast paths
(render, sampling heap, streamed sheet scan) give exactly what the plain algorithms give.

Sheets are written as raw XML into a zip (a million rows is a few MB on disk). No test asserts a
time: each asserts that the read completes and what it read is right.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import random
import zipfile
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from ledger.cli import app
from ledger.core.models import Case
from ledger.core.reading import UnusableLedger
from ledger.core.sampling import _spread, case_key, stratum
from ledger.io import render as render_mod
from ledger.io import workbook as workbook_mod
from ledger.io.workbook import load_file, scan_sheet

CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="案件台账" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    "</styleSheet>"
)
RECEIVED_SERIAL = 46000  # 2025-12-09


def text_cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def case_rows(count: int, first: int = 2):
    """The header in row 1 and `count` repair cases below it (id, received, category)."""
    yield (
        '<row r="1">' + text_cell("A1", "案件编号") + text_cell("B1", "受理日期") + text_cell("C1", "类别") + "</row>"
    )
    for r in range(first, first + count):
        yield (
            f'<row r="{r}">'
            + text_cell(f"A{r}", f"R{r}")
            + f'<c r="B{r}" s="1"><v>{RECEIVED_SERIAL}</v></c>'
            + text_cell(f"C{r}", "维修")
            + "</row>"
        )


def write_sheet(path: Path, rows, dimension: str) -> Path:
    """A one-sheet .xlsx whose sheet XML is exactly the rows given (streamed into the zip)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (
            ("[Content_Types].xml", CT),
            ("_rels/.rels", RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/styles.xml", STYLES),
        ):
            z.writestr(name, data)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(
                (
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet '
                    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    f'<dimension ref="{dimension}"/><sheetData>'
                ).encode()
            )
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == 20_000:
                    f.write("".join(batch).encode())
                    batch.clear()
            f.write("".join(batch).encode() + b"</sheetData></worksheet>")
    return path


def then(first, second):
    yield from first
    yield from second


def assert_cases(ledger, count: int) -> None:
    assert len(ledger.cases) == count
    assert ledger.cases[0].case_id == "R2" and ledger.cases[-1].case_id == f"R{count + 1}"
    assert {c.category for c in ledger.cases} == {"repair"}
    assert ledger.cases[-1].received_on == dt.date(2025, 12, 9)
    assert [p for p in ledger.problems if p.severity == "error"] == []


# ---------------------------------------------------------------- huge used ranges, bounded reads


def test_huge_dimension_with_few_rows_reads_only_the_real_rows(tmp_path):
    path = write_sheet(tmp_path / "dim.xlsx", case_rows(200), "A1:Z1048576")
    assert_cases(load_file(path), 200)


def test_a_million_formatted_empty_rows_below_the_table_are_not_cases(tmp_path):
    empty = (
        f'<row r="{r}" spans="1:26" s="1" customFormat="1" ht="15" customHeight="1"/>' for r in range(202, 1_048_577)
    )
    path = write_sheet(tmp_path / "formatted.xlsx", then(case_rows(200), empty), "A1:Z1048576")
    assert path.stat().st_size < 20_000_000
    assert_cases(load_file(path), 200)


def test_a_million_rows_of_formatted_empty_cells_are_not_cases(tmp_path):
    empty = (f'<row r="{r}"><c r="A{r}" s="1"/><c r="Z{r}" s="1"/></row>' for r in range(202, 1_048_577))
    path = write_sheet(tmp_path / "cells.xlsx", then(case_rows(200), empty), "A1:Z1048576")
    assert_cases(load_file(path), 200)


def test_a_genuine_million_row_sheet_reads_every_row(tmp_path):
    path = write_sheet(tmp_path / "million.xlsx", case_rows(1_048_575), "A1:C1048576")
    ledger = load_file(path)
    assert_cases(ledger, 1_048_575)
    assert ledger.cases[-1].row == 1_048_576


def test_content_beyond_excels_last_row_is_refused_with_the_cell(tmp_path):
    beyond = ['<row r="1048577">' + text_cell("A1048577", "R-x") + "</row>"]
    path = write_sheet(tmp_path / "beyond.xlsx", then(case_rows(5), beyond), "A1:C1048577")
    with pytest.raises(UnusableLedger) as caught:
        load_file(path)
    assert caught.value.code == "file.beyond_excel"
    message = caught.value.message("en")
    assert "A1048577" in message or "C1048577" in message
    assert "1,048,576 rows" in message and "案件台账" in caught.value.message("zh-Hans")


def test_a_stray_value_at_the_far_corner_is_refused_before_it_is_allocated(tmp_path):
    # python-calamine would ask for a dense 1048576 x 16384 block and abort the process
    stray = ['<row r="1048576">' + text_cell("XFD1048576", "x") + "</row>"]
    path = write_sheet(tmp_path / "corner.xlsx", then(case_rows(200), stray), "A1:XFD1048576")
    with pytest.raises(UnusableLedger) as caught:
        load_file(path)
    assert caught.value.code == "file.too_large"
    assert "XFD1048576" in caught.value.message("zh-Hans") and "Ctrl+End" in caught.value.message("en")


def test_the_cli_refuses_an_oversized_sheet_with_exit_status_2_and_one_paragraph(tmp_path):
    stray = ['<row r="1048576">' + text_cell("XFD1048576", "x") + "</row>"]
    path = write_sheet(tmp_path / "corner.xlsx", then(case_rows(3), stray), "A1:XFD1048576")
    result = CliRunner().invoke(app, ["callbacks", str(path), "--format", "json", "--as-of", "2026-01-10"])
    assert result.exit_code == 2
    assert "XFD1048576" in result.stderr and "Traceback" not in result.output + result.stderr


def test_formatted_empty_cells_far_right_do_not_count_as_content(tmp_path):
    wide = ['<row r="2"><c r="XFD2" s="1"/></row>', '<row r="1048576"><c r="A1048576" s="1"/></row>']
    rows = then(case_rows(1), wide)
    scan = scan_sheet(io.BytesIO("".join(rows).encode()))
    assert (scan.last_row, scan.last_column) == (2, "C")


# ---------------------------------------------------------------- the streamed scan equals a whole-part scan


@pytest.mark.parametrize("chunk", [7, 64, 1000, 1 << 20])
def test_scan_finds_every_error_cell_and_the_extent_whatever_the_chunk_size(monkeypatch, chunk):
    rng = random.Random(8)
    rows, errors, widest, last = [], {}, 0, 0
    for r in range(1, 400):
        cells = []
        for c in sorted(rng.sample(range(1, 60), 4)):
            ref = f"{get_column_letter(c)}{r}"
            if rng.random() < 0.1:
                value = rng.choice(["#N/A", "#REF!", "#DIV/0!"])
                cells.append(f'<c r="{ref}" t="e"><f>A1/0</f><v>{value}</v></c>')
                errors[(r - 1, c - 1)] = value
            elif rng.random() < 0.2:
                cells.append(f'<c r="{ref}" s="1"/>')
                continue
            else:
                cells.append(f'<c r="{ref}"><v>{r * c}</v></c>')
            widest, last = max(widest, c), r
        rows.append(f'<row r="{r}">' + "".join(cells) + "</row>")
    rows.append('<row r="500" s="1" customFormat="1"/>')
    xml = ("<worksheet><sheetData>" + "".join(rows) + "</sheetData></worksheet>").encode()
    monkeypatch.setattr(workbook_mod, "SCAN_CHUNK", chunk)
    scan = scan_sheet(io.BytesIO(xml))
    assert scan.errors == errors
    assert (scan.last_row, scan.columns) == (last, widest)


def test_reading_leaves_the_garbage_collector_as_it_found_it(tmp_path):
    path = write_sheet(tmp_path / "small.xlsx", case_rows(3), "A1:C4")
    assert gc.isenabled()
    load_file(path)
    assert gc.isenabled()
    gc.disable()
    try:
        load_file(path)
        assert not gc.isenabled()
    finally:
        gc.enable()


# ---------------------------------------------------------------- rendering: same workbook as openpyxl's own calls


def _plain_styles(ws, layout):
    for rng in layout.styles:
        spec = render_mod.STYLE_SPECS.get(rng.style, {})
        for row in ws.iter_rows(
            min_row=rng.first_row, max_row=rng.last_row, min_col=rng.first_col, max_col=rng.last_col
        ):
            for cell in row:
                for attr, value in spec.items():
                    setattr(cell, attr, value)


def _plain_merges(ws, merged):
    for r1, c1, r2, c2 in merged:
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def _parts(book: Workbook) -> dict[str, bytes]:
    buf = io.BytesIO()
    book.save(buf)
    with zipfile.ZipFile(buf) as z:
        return {n: z.read(n) for n in z.namelist() if not n.startswith("docProps/")}


def _layouts():
    from ledger.core.callbacks import assess
    from ledger.core.stats import compute
    from ledger.demo.cases import generate_cases
    from ledger.demo.workbook import write_ledger
    from ledger.sheets.callback_list import callback_list_layout, record_forms_layout
    from ledger.sheets.layout import SheetLayout
    from ledger.sheets.stats_sheet import stats_layout

    return (
        generate_cases,
        write_ledger,
        assess,
        callback_list_layout,
        record_forms_layout,
        compute,
        stats_layout,
        SheetLayout,
    )


def test_fast_render_writes_the_same_workbook_as_openpyxls_merge_and_style_calls(tmp_path, monkeypatch):
    generate_cases, write_ledger, assess, cb_layout, forms_layout, compute, stats_layout, SheetLayout = _layouts()
    path = write_ledger(tmp_path / "l.xlsx", generate_cases(600, seed=3, end=dt.date(2026, 10, 31), dirty=True))
    ledger = load_file(path)
    as_of = dt.date(2026, 11, 5)
    report = assess(ledger, as_of)
    tricky = SheetLayout("tricky")
    for r in range(1, 9):
        tricky.add_row([f"v{r}{c}" for c in range(1, 7)])
    tricky.style("header", 1, 1, 8, 6)
    tricky.style("fail", 2, 2, 5, 5)
    tricky.style("wrap", 3, 1, 3, 6)
    tricky.merged += [
        (1, 1, 1, 3),
        (1, 1, 1, 3),
        (1, 2, 1, 3),
        (2, 2, 4, 4),
        (3, 3, 3, 3),
        (6, 1, 8, 6),
        (7, 2, 7, 5),
        (5, 5, 5, 6),
    ]
    layouts = [
        cb_layout(report, ledger, "zh-Hans"),
        forms_layout(report, ledger, "zh-Hans"),
        stats_layout(compute(ledger, "2026-10", as_of, report=report), "zh-Hans", ledger),
        tricky,
    ]
    assert sum(len(x.merged) for x in layouts) > 200

    fast, plain = Workbook(), Workbook()
    for layout in layouts:
        render_mod.render(layout, fast)
    monkeypatch.setattr(render_mod, "_apply_styles", _plain_styles)
    monkeypatch.setattr(render_mod, "_merge_all", _plain_merges)
    for layout in layouts:
        render_mod.render(layout, plain)
    for ws_fast, ws_plain in zip(fast.worksheets, plain.worksheets):
        assert sorted(str(r) for r in ws_fast.merged_cells.ranges) == sorted(
            str(r) for r in ws_plain.merged_cells.ranges
        )
        assert set(ws_fast._cells) == set(ws_plain._cells)
        for key, cell in ws_plain._cells.items():
            other = ws_fast._cells[key]
            assert (type(other), other.value, tuple(other._style or [0] * 9)) == (
                type(cell),
                cell.value,
                tuple(cell._style or [0] * 9),
            ), (ws_plain.title, key)
    assert _parts(fast) == _parts(plain)


# ---------------------------------------------------------------- sampling: the heap picks what the scan picks


def _spread_by_scan(population, chosen, shortfall, seed):
    """The original O(picks x strata) algorithm, kept here as the reference."""
    if shortfall <= 0:
        return []
    size_b, size_a = defaultdict(int), defaultdict(int)
    taken_b, taken_a = defaultdict(int), defaultdict(int)
    for case in population:
        aspect, building = stratum(case)
        size_b[building] += 1
        size_a[aspect] += 1
        if case.row in chosen:
            taken_b[building] += 1
            taken_a[aspect] += 1
    keys = {c.row: case_key(seed, c.case_id or f"row{c.row}") for c in population if c.row not in chosen}
    queues = defaultdict(list)
    for case in population:
        if case.row not in chosen:
            queues[stratum(case)].append(case)
    for queue in queues.values():
        queue.sort(key=lambda c: (keys[c.row], c.row))
    picked = []
    for _ in range(shortfall):
        open_strata = [k for k, q in queues.items() if q]
        if not open_strata:
            break

        def coverage(k):
            aspect, building = k
            head = queues[k][0]
            return (
                Fraction(taken_b[building], size_b[building]),
                Fraction(taken_a[aspect], size_a[aspect]),
                keys[head.row],
                head.row,
            )

        best = min(open_strata, key=coverage)
        case = queues[best].pop(0)
        taken_b[best[1]] += 1
        taken_a[best[0]] += 1
        picked.append(case)
    return picked


@pytest.mark.parametrize("seed", range(12))
def test_heap_spread_picks_exactly_what_the_full_scan_picks(seed):
    rng = random.Random(seed)
    buildings = rng.randint(1, 25)
    aspects = ["房屋维修", "清洁卫生", "秩序维护", "绿化", "公共设施", None][: rng.randint(1, 6)]
    population = [
        Case(
            row=i + 2,
            case_id=None if rng.random() < 0.05 else f"C{i}",
            unit=f"{rng.randint(1, buildings)}栋{rng.randint(101, 1802)}" if rng.random() < 0.95 else None,
            aspect=rng.choice(aspects),
        )
        for i in range(rng.randint(1, 600))
    ]
    chosen = {c.row: c for c in population if rng.random() < 0.2}
    shortfall = rng.randint(0, len(population))
    assert [c.row for c in _spread(population, chosen, shortfall, seed)] == [
        c.row for c in _spread_by_scan(population, chosen, shortfall, seed)
    ]


# ---------------------------------------------------------------- one month-end run: same Changes, computed once


def _comparable(changes):
    """Changes without the Log rows' clock times."""
    return (
        [
            (s.name, s.rows, s.merged, [(x.style, x.first_row, x.first_col, x.last_row, x.last_col) for x in s.styles])
            for s in changes.sheets
        ],
        changes.tool_values,
        changes.cell_fills,
        [row[1:] for row in changes.log_rows],
    )


def test_month_end_job_writes_what_the_four_jobs_write_one_after_another(tmp_path):
    from ledger.demo.cases import generate_cases
    from ledger.demo.workbook import write_ledger
    from ledger.jobs.callbacks import callbacks_job
    from ledger.jobs.month_end import month_end_job
    from ledger.jobs.sample import sample_job
    from ledger.jobs.stats import stats_job
    from ledger.jobs.validate import validate_job

    path = write_ledger(tmp_path / "l.xlsx", generate_cases(500, seed=11, end=dt.date(2026, 10, 31), dirty=True))
    ledger = load_file(path)
    as_of, month = dt.date(2026, 11, 6), "2026-10"
    _, expected = validate_job(ledger, as_of)
    for more in (
        sample_job(ledger, month, None, as_of)[1],
        callbacks_job(ledger, as_of)[2],
        stats_job(ledger, month, as_of)[1],
    ):
        expected.merge(more)
    results, changes = month_end_job(ledger, month, as_of)
    assert _comparable(changes) == _comparable(expected)
    assert results["sample"]["drawn"] and results["stats"].month == month


def test_changes_build_their_sheets_and_tool_columns_only_when_read(tmp_path):
    from ledger.demo.cases import generate_cases
    from ledger.demo.workbook import write_ledger
    from ledger.jobs.callbacks import callbacks_job

    path = write_ledger(tmp_path / "l.xlsx", generate_cases(120, seed=2, end=dt.date(2026, 10, 31)))
    ledger = load_file(path)
    _, _, changes = callbacks_job(ledger, dt.date(2026, 11, 6))
    assert object.__getattribute__(changes, "_pending")  # nothing built for a JSON-only run
    assert [row[1] for row in changes.log_rows][-1] == "callbacks"
    assert object.__getattribute__(changes, "_pending")  # the Log rows do not need the sheets
    assert [s.name for s in changes.sheets] == ["回访清单", "回访记录表"]
    assert not object.__getattribute__(changes, "_pending")
    assert set(changes.tool_values) >= {"callback_status", "window_due"}
