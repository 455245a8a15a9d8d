"""Render a SheetLayout into a live workbook with xlwings (the twin of io.render).

Cost is bounded by the layout's shape, not its length: one values call, one
call per style attribute per merged style block, per date block, per merge and
per width group. Style ranges the core emits row by row (the callback list
styles each row) are first joined into blocks of contiguous rows.
"""
from __future__ import annotations

import sys
from typing import Any

from ..layout import SheetLayout, StyleRange
from .bridge import cell_value, date_format_blocks, hex_color

# Same looks as io.render.STYLE_SPECS, as xlwings attribute writes.
STYLES: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "size": 14, "halign": "center"},
    "subtitle": {"italic": True, "font_color": "595959"},
    "header": {"bold": True, "fill": "D9E1F2", "border": True, "halign": "center", "wrap": True},
    "total": {"bold": True, "fill": "F2F2F2", "border": True},
    "date": {"number_format": "yyyy-mm-dd", "border": True},
    "percent": {"number_format": "0.0%", "border": True},
    "int": {"number_format": "0", "border": True},
    "text": {"border": True},
    "wrap": {"border": True, "wrap": True, "valign": "top"},
    "pass": {"fill": "C6EFCE", "font_color": "006100"},
    "fail": {"fill": "FFC7CE", "font_color": "9C0006", "bold": True},
    "overdue": {"fill": "FFC7CE"},
    "due_soon": {"fill": "FFEB9C"},
    "note": {"font_color": "595959", "size": 9},
    "signature": {"bold": True, "bottom_border": True},
}


def merged_styles(styles: list[StyleRange]) -> list[StyleRange]:
    """Join ranges of the same style and columns whose rows touch; first-seen order is kept."""
    out: list[StyleRange] = []
    last: dict[tuple[str, int, int], StyleRange] = {}
    for s in styles:
        key = (s.style, s.first_col, s.last_col)
        prev = last.get(key)
        if prev is not None and prev.first_row <= s.first_row <= prev.last_row + 1:
            prev.last_row = max(prev.last_row, s.last_row)
            continue
        block = StyleRange(s.style, s.first_row, s.first_col, s.last_row, s.last_col)
        out.append(block)
        last[key] = block
    return out


def target_sheet(book: Any, name: str) -> Any:
    """The sheet called `name`, emptied (values, formats, merges, charts), or a new one at the end."""
    existing = next((s for s in book.sheets if s.name.casefold() == name.casefold()), None)
    if existing is None:
        return book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])
    existing.clear()
    for chart in list(existing.charts):
        chart.delete()
    return existing


def apply_style(rng: Any, spec: dict[str, Any]) -> None:
    if "number_format" in spec:
        rng.number_format = spec["number_format"]
    if "fill" in spec:
        rng.color = hex_color(spec["fill"])
    if spec.get("bold"):
        rng.font.bold = True
    if spec.get("italic"):
        rng.font.italic = True
    if "size" in spec:
        rng.font.size = spec["size"]
    if "font_color" in spec:
        rng.font.color = hex_color(spec["font_color"])
    if spec.get("wrap"):
        rng.wrap_text = True
    if "halign" in spec:
        rng.horizontal_alignment = spec["halign"]
    if "valign" in spec:
        rng.vertical_alignment = spec["valign"]
    if spec.get("border"):
        rng.borders.line_style = "continuous"
    if spec.get("bottom_border"):
        rng.borders["edge_bottom"].line_style = "continuous"


def render(book: Any, layout: SheetLayout) -> Any:
    """Write the layout into the sheet of its name (cleared and reused, or added)."""
    sheet = target_sheet(book, layout.name)
    width = layout.width
    if layout.rows and width:
        block = [[cell_value(v) for v in row] + [None] * (width - len(row)) for row in layout.rows]
        sheet.range((1, 1)).value = block
        for fmt, r1, c1, r2, c2 in date_format_blocks(layout.rows, 1, 1):
            sheet.range((r1, c1), (r2, c2)).number_format = fmt
    for s in merged_styles(layout.styles):
        spec = STYLES.get(s.style)
        if spec:
            apply_style(sheet.range((s.first_row, s.first_col), (s.last_row, s.last_col)), spec)
    for r1, c1, r2, c2 in layout.merged:
        sheet.range((r1, c1), (r2, c2)).merge()
    groups: dict[float, list[int]] = {}
    for col, w in sorted(layout.widths.items()):
        groups.setdefault(w, []).append(col)
    from .bridge import column_blocks
    for w, cols in groups.items():
        for c1, c2 in column_blocks(cols):
            sheet.range((1, c1), (1, c2)).column_width = w
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


def _page_setup(book: Any, sheet: Any, layout: SheetLayout) -> None:
    """A4, fit to width, print titles: only Excel on Windows exposes these (COM PageSetup)."""
    if not sys.platform.startswith("win") or book.app.engine.name != "excel":
        return
    ps = sheet.api.PageSetup
    ps.PaperSize = 9                      # xlPaperA4
    ps.Orientation = 2 if layout.landscape else 1
    ps.Zoom = False
    ps.FitToPagesWide = 1
    ps.FitToPagesTall = False
    ps.CenterHorizontally = True
    if layout.repeat_rows:
        ps.PrintTitleRows = f"${layout.repeat_rows[0]}:${layout.repeat_rows[1]}"
