"""Render a SheetLayout into an openpyxl worksheet (for files and exports)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..layout import SheetLayout

_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

STYLE_SPECS: dict[str, dict[str, Any]] = {
    "title": {"font": Font(bold=True, size=14), "alignment": Alignment(horizontal="center", vertical="center")},
    "subtitle": {"font": Font(italic=True, color="595959")},
    "header": {"font": Font(bold=True), "fill": PatternFill("solid", fgColor="D9E1F2"), "border": _BOX,
               "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True)},
    "total": {"font": Font(bold=True), "fill": PatternFill("solid", fgColor="F2F2F2"), "border": _BOX},
    "date": {"number_format": "yyyy-mm-dd", "border": _BOX},
    "percent": {"number_format": "0.0%", "border": _BOX},
    "int": {"number_format": "0", "border": _BOX},
    "text": {"border": _BOX},
    "wrap": {"border": _BOX, "alignment": Alignment(wrap_text=True, vertical="top")},
    "pass": {"fill": PatternFill("solid", fgColor="C6EFCE"), "font": Font(color="006100")},
    "fail": {"fill": PatternFill("solid", fgColor="FFC7CE"), "font": Font(color="9C0006", bold=True)},
    "overdue": {"fill": PatternFill("solid", fgColor="FFC7CE")},
    "due_soon": {"fill": PatternFill("solid", fgColor="FFEB9C")},
    "note": {"font": Font(color="595959", size=9)},
    "signature": {"font": Font(bold=True), "border": Border(bottom=_THIN)},
}


def render(layout: SheetLayout, book: Workbook) -> Worksheet:
    """Add the layout as a new sheet of `book` (a scratch workbook handed to io.package)."""
    ws = book.create_sheet(layout.name)
    for r, row in enumerate(layout.rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=c)
            put(cell, value)
            if isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    for rng in layout.styles:
        spec = STYLE_SPECS.get(rng.style, {})
        for row in ws.iter_rows(min_row=rng.first_row, max_row=rng.last_row,
                                min_col=rng.first_col, max_col=rng.last_col):
            for cell in row:
                for attr, value in spec.items():
                    setattr(cell, attr, value)
    _merge_all(ws, layout.merged)
    for col, width in layout.widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    if layout.freeze:
        ws.freeze_panes = layout.freeze
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if layout.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    if layout.repeat_rows:
        ws.print_title_rows = f"{layout.repeat_rows[0]}:{layout.repeat_rows[1]}"
    for spec in layout.charts:
        chart = LineChart() if spec.kind == "line" else BarChart()
        chart.title = spec.title
        chart.y_axis.title = spec.y_title
        chart.height, chart.width = 7.5, 16
        for col in spec.series_cols:
            data = Reference(ws, min_col=col, min_row=spec.header_row, max_row=spec.last_row)
            chart.add_data(data, titles_from_data=True)
        cats = Reference(ws, min_col=spec.category_col, min_row=spec.first_row, max_row=spec.last_row)
        chart.set_categories(cats)
        if spec.percent:
            chart.y_axis.number_format = "0%"
            chart.y_axis.scaling.min = 0
            chart.y_axis.scaling.max = 1
        chart.y_axis.delete = False
        chart.x_axis.delete = False
        ws.add_chart(chart, spec.anchor)
    return ws


def _merge_all(ws: Worksheet, merged: list[tuple[int, int, int, int]]) -> None:
    """Merge the ranges as `ws.merge_cells` does, in linear time.

    openpyxl checks each new range against every range merged before it, which
    is quadratic: a record-forms sheet of thousands of forms took minutes. A
    range inside one already merged is skipped, as openpyxl skips it.
    """
    from openpyxl.worksheet.merge import MergedCellRange

    by_row: dict[int, list[tuple[int, int, int, int]]] = {}
    for r1, c1, r2, c2 in merged:
        if any(a <= r1 and b <= c1 and r2 <= c and c2 <= d for a, b, c, d in by_row.get(r1, ())):
            continue
        for r in range(r1, r2 + 1):
            by_row.setdefault(r, []).append((r1, c1, r2, c2))
        mcr = MergedCellRange(ws, f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}")
        ws.merged_cells.ranges.add(mcr)
        ws._clean_merge_range(mcr)


FORMULA_LEADS = ("=", "+", "-", "@")


def put(cell, value: Any) -> None:
    """Write a value; text that looks like a formula stays text (quote prefix, string type).

    Control characters pasted into a clerk's cell (stored by Excel as _x000B_)
    cannot live in a worksheet cell: they are dropped from the copy we write.
    """
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str) and value[:1] in FORMULA_LEADS and len(value) > 1:
        cell.data_type = "s"
        cell.quotePrefix = True
