"""Render a SheetLayout into a live workbook with xlwings (the twin of io.render).

Cost is bounded by the layout's shape, not its length: one values call; every
style, date format, merge and column width goes through one batch.Batch, which
sends each (setting, value) once over the cells it ends up on (one call per
multi-area address on Windows); the rows of a fitted span (a list as long as
the ledger) are fitted by Excel in one call rather than sized row by row; then
freeze, charts and page setup.
"""

from __future__ import annotations

from typing import Any

from ledger.sheets.layout import NAMED_STYLES, SheetLayout, StyleRange
from ledger.xl.batch import Batch
from ledger.xl.bridge import cell_value, date_format_blocks, windows_excel

# Excel sizes a row for its largest font by itself (a 14-pt title line included), and for wrapped text
# too, except text in merged cells: only rows taller than this whose text is merged cost a call.
DEFAULT_ROW_POINTS = 24.0
# Each distinct height is a call: a statistics sheet with long alerts asks for 2 to 6 lines of them.
MAX_HEIGHTS = 3
# The named styles, defined once (sheets.layout.NAMED_STYLES), in batch.SETTERS' terms already.
STYLES = NAMED_STYLES


def merged_styles(styles: list[StyleRange]) -> list[StyleRange]:
    """Join ranges of one style that touch: down the rows, then across the columns, then down again.

    The core styles tables cell by cell or row by row; Excel wants few, large
    ranges. A block keeps the place of its first member, so later styles still
    win where styles overlap.
    """
    blocks = _join(styles, vertical=True)
    blocks = _join(blocks, vertical=False)
    return _join(blocks, vertical=True)


def _join(styles: list[StyleRange], vertical: bool) -> list[StyleRange]:
    out: list[StyleRange] = []
    last: dict[tuple[str, int, int], StyleRange] = {}
    for s in styles:
        key = (s.style, s.first_col, s.last_col) if vertical else (s.style, s.first_row, s.last_row)
        prev = last.get(key)
        if prev is not None and vertical and prev.first_row <= s.first_row <= prev.last_row + 1:
            prev.last_row = max(prev.last_row, s.last_row)
            continue
        if prev is not None and not vertical and prev.first_col <= s.first_col <= prev.last_col + 1:
            prev.last_col = max(prev.last_col, s.last_col)
            continue
        block = StyleRange(s.style, s.first_row, s.first_col, s.last_row, s.last_col)
        out.append(block)
        last[key] = block
    return out


def merge_blocks(merged: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int, bool]]:
    """Merged ranges as few calls: one-row merges with the same columns in consecutive rows
    become one Merge Across block (a table whose every row merges cells), others stay as they are."""
    blocks: list[tuple[int, int, int, int, bool]] = []
    open_runs: dict[tuple[int, int], int] = {}  # (c1, c2) -> index in blocks of the run ending lowest
    for r1, c1, r2, c2 in sorted(merged):
        i = open_runs.get((c1, c2))
        if r1 == r2 and i is not None and blocks[i][2] == r1 - 1:
            b = blocks[i]
            blocks[i] = (b[0], c1, r1, c2, True)
            continue
        blocks.append((r1, c1, r2, c2, False))
        if r1 == r2:
            open_runs[c1, c2] = len(blocks) - 1
    return blocks


def row_heights(layout: SheetLayout) -> dict[int, float]:
    """The heights Excel must be told: rows taller than it would make them whose text is in a merged cell.

    Excel fits a row to its wrapped text by itself, but never to text in a
    merged cell (the statistics sheet's alerts, a title over the columns).
    Other rows, and every row of a fitted span (xl.render), it sizes itself:
    a height sent for each would cost calls growing with the sheet (41 calls
    for the statistics sheet, 44 for a 10,000-row ledger's callback list).
    Each distinct height is one call, so beyond MAX_HEIGHTS of them the
    tallest few are sent as one.
    """
    fitted = {r for first, last in layout.fitted for r in range(first, last + 1)}
    merged = {r1 for r1, c1, _, c2 in layout.merged if c2 > c1 and _has_text(layout, r1, c1)}
    heights = {
        row: h
        for row, h in sorted(layout.heights.items())
        if h > DEFAULT_ROW_POINTS and row in merged and row not in fitted
    }
    values = sorted(set(heights.values()))
    if len(values) > MAX_HEIGHTS:  # the rarer, taller rows all as tall as the tallest: room, never a cut
        tallest = values[-1]
        heights = {row: h if h < values[MAX_HEIGHTS - 1] else tallest for row, h in heights.items()}
    return heights


def _has_text(layout: SheetLayout, row: int, col: int) -> bool:
    values = layout.rows[row - 1] if row <= len(layout.rows) else []
    return col <= len(values) and values[col - 1] not in (None, "")


def target_sheet(book: Any, name: str) -> Any:
    """The sheet called `name`, emptied (values, formats, merges, charts), or a new one at the end."""
    existing = next((s for s in book.sheets if s.name.casefold() == name.casefold()), None)
    if existing is None:
        return book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])
    existing.clear()
    for chart in list(existing.charts):
        chart.delete()
    return existing


def render(book: Any, layout: SheetLayout) -> Any:
    """Write the layout into the sheet of its name (cleared and reused, or added)."""
    sheet = target_sheet(book, layout.name)
    width = layout.width
    if layout.rows and width:
        block = [[cell_value(v) for v in row] + [None] * (width - len(row)) for row in layout.rows]
        sheet.range((1, 1)).value = block
    batch = Batch(sheet)
    if layout.rows and width:
        for fmt, r1, c1, r2, c2 in date_format_blocks(layout.rows, 1, 1):
            batch.add("number_format", fmt, r1, c1, r2, c2)
    for s in merged_styles(layout.styles):
        for setting, value in STYLES.get(s.style, {}).items():
            batch.add(setting, value, s.first_row, s.first_col, s.last_row, s.last_col)
    for r1, c1, r2, c2, across in merge_blocks(layout.merged):
        batch.add("merge_across" if across else "merge", True, r1, c1, r2, c2)
    for col, w in sorted(layout.widths.items()):
        batch.add("column_width", w, 1, col)
    for row, h in row_heights(layout).items():
        batch.add("row_height", h, row, 1)
    batch.flush()
    for first, last in layout.fitted:  # after the values, wrap and widths it measures by
        sheet.range((first, 1), (last, max(width, 1))).rows.autofit()
    if layout.freeze:
        sheet.freeze_panes.freeze_at(layout.freeze)
    for spec in layout.charts:
        _chart(sheet, spec)
    _page_setup(book, sheet, layout)
    return sheet


def _chart(sheet: Any, spec: Any) -> None:
    """A native chart over the block from the category column to the last series column."""
    cols = [spec.category_col, *spec.series_cols]
    kind = "line_markers" if spec.kind == "line" else "column_clustered"
    chart = sheet.charts.add(anchor=sheet.range(spec.anchor), chart_type=kind, width=480, height=220)
    chart.set_source_data(sheet.range((spec.header_row, min(cols)), (spec.last_row, max(cols))))
    chart.title = spec.title
    if spec.percent:
        axis = chart.value_axis
        axis.minimum_scale = 0
        axis.maximum_scale = 1


def page_setup_supported(book: Any) -> bool:
    """Only Excel on Windows exposes printing (COM PageSetup)."""
    return windows_excel(book)


def _page_setup(book: Any, sheet: Any, layout: SheetLayout) -> None:
    """A4, fit to width (or the layout's fixed scale), print titles, margins, footer and page breaks.

    About 16 COM writes and two per page break, the same for any length of
    sheet (counted in benchmarks/RESULTS.md apart from the calls xlwings'
    engine sees). Excel asks the printer driver about each PageSetup write
    unless PrintCommunication is off, which on a PC with a network printer
    is most of a click's time; so it is off while they are made.
    """
    if not page_setup_supported(book):
        return
    app = book.app.api
    quiet = _printer_quiet(app, True)
    try:
        ps = sheet.api.PageSetup
        ps.PaperSize = 9  # xlPaperA4
        ps.Orientation = 2 if layout.landscape else 1
        ps.CenterHorizontally = True
        side, top = layout.margins
        ps.LeftMargin = ps.RightMargin = side * 72  # points
        ps.TopMargin = ps.BottomMargin = top * 72
        if layout.repeat_rows:
            ps.PrintTitleRows = f"${layout.repeat_rows[0]}:${layout.repeat_rows[1]}"
        if layout.footer:
            for part, words in zip(("LeftFooter", "CenterFooter", "RightFooter"), layout.footer):
                if words:
                    setattr(ps, part, words)
    finally:
        if quiet:
            _printer_quiet(app, False)
    if layout.scale:  # with the printer told: Excel has been known to drop fit-to-page made while it was not
        ps.Zoom = layout.scale
    else:
        ps.Zoom = False
        ps.FitToPagesWide = 1
        ps.FitToPagesTall = False
    sheet.api.ResetAllPageBreaks()
    if layout.breaks:
        breaks = sheet.api.HPageBreaks
        for row in sorted(set(layout.breaks)):
            breaks.Add(Before=sheet.api.Range(f"A{row + 1}"))


def _printer_quiet(app: Any, quiet: bool) -> bool:
    """Application.PrintCommunication (Excel 2010 and later); False where there is no such switch (WPS)."""
    try:
        app.PrintCommunication = not quiet
        return True
    except Exception:  # noqa: BLE001 - an Excel without the switch prints as before, only slower
        return False
