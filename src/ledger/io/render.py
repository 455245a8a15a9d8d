"""Render a SheetLayout into an openpyxl worksheet (for files and exports)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.axis import ChartLines
from openpyxl.chart.legend import Legend
from openpyxl.chart.marker import Marker
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.drawing.line import LineProperties
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ledger.sheets.layout import BORDER_COLOR, NAMED_STYLES, ChartSpec, SheetLayout

# The export's one typeface: a CJK sans-serif every Chinese Windows has; a font left unnamed prints in
# whatever the reader's default is (a serif in LibreOffice), so every font below names it.
PRINT_FONT = "微软雅黑"
BASE_FONT = Font(name=PRINT_FONT, size=11, family=2, charset=134)


def _font(size: float = 11, **kw: Any) -> Font:
    return Font(name=PRINT_FONT, family=2, charset=134, size=size, **kw)


_THIN = Side(style="thin", color=BORDER_COLOR)
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = {"bold": "bold", "italic": "italic", "size": "size", "font_color": "color"}
_ALIGNMENT = {"halign": "horizontal", "valign": "vertical", "wrap": "wrap_text"}


def openpyxl_spec(style: dict[str, Any]) -> dict[str, Any]:
    """A named style (sheets.layout.NAMED_STYLES) as openpyxl cell attributes, in the order the data names them."""
    spec: dict[str, Any] = {}
    for key in style:
        if key in _FONT and "font" not in spec:
            spec["font"] = _font(
                **{_FONT[k]: _rgb(v) if k == "font_color" else v for k, v in style.items() if k in _FONT}
            )
        elif key == "color":
            spec["fill"] = PatternFill("solid", fgColor=_rgb(style["color"]))
        elif key == "border":
            spec["border"] = _BOX
        elif key == "bottom_border":
            spec["border"] = Border(bottom=_THIN)
        elif key in _ALIGNMENT and "alignment" not in spec:
            spec["alignment"] = Alignment(**{_ALIGNMENT[k]: v for k, v in style.items() if k in _ALIGNMENT})
        elif key == "number_format":
            spec["number_format"] = style["number_format"]
    return spec


def _rgb(color: str) -> str:
    return color.lstrip("#")


STYLE_SPECS: dict[str, dict[str, Any]] = {name: openpyxl_spec(style) for name, style in NAMED_STYLES.items()}


def render(layout: SheetLayout, book: Workbook) -> Worksheet:
    """Add the layout as a new sheet of `book` (an openpyxl workbook: the export for head office)."""
    ws = book.create_sheet(layout.name)
    for r, row in enumerate(layout.rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=c)
            put(cell, value)
            cell.font = BASE_FONT
            if isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    _apply_styles(ws, layout)
    _merge_all(ws, layout.merged)
    for col, width in layout.widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    if layout.freeze:
        ws.freeze_panes = layout.freeze
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if layout.landscape else "portrait"
    if layout.scale:
        ws.page_setup.scale = layout.scale
    else:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    side, top = layout.margins
    ws.page_margins = PageMargins(left=side, right=side, top=top, bottom=top, header=0.2, footer=0.25)
    for row, height in layout.heights.items():
        ws.row_dimensions[row].height = height
    for row in sorted(set(layout.breaks)):
        ws.row_breaks.append(Break(id=row))
    if layout.footer:
        for part, words in zip((ws.oddFooter.left, ws.oddFooter.center, ws.oddFooter.right), layout.footer):
            part.text = words or None
    if layout.repeat_rows:
        ws.print_title_rows = f"{layout.repeat_rows[0]}:{layout.repeat_rows[1]}"
    for spec in layout.charts:
        ws.add_chart(build_chart(spec, ws), spec.anchor)
    return ws


# Explicit series looks: LibreOffice draws a line series without a colour of its own as no line at all,
# and WPS and Excel draw what LibreOffice does once nothing is left to their defaults.
SERIES_COLORS = ("1F4E79", "C00000", "548235", "BF8F00")
SERIES_MARKERS = ("circle", "triangle", "square", "diamond")


def build_chart(spec: ChartSpec, ws: Worksheet):
    """A native line or bar chart over the block of `ws` that the spec names, every look spelled out."""
    chart = LineChart() if spec.kind == "line" else BarChart()
    chart.title = spec.title
    chart.y_axis.title = spec.y_title or None
    chart.x_axis.title = spec.x_title or None
    chart.height, chart.width = spec.height_cm, spec.width_cm
    for col in spec.series_cols:
        data = Reference(ws, min_col=col, min_row=spec.header_row, max_row=spec.last_row)
        chart.add_data(data, titles_from_data=True)
    cats = Reference(ws, min_col=spec.category_col, min_row=spec.first_row, max_row=spec.last_row)
    chart.set_categories(cats)
    for i, series in enumerate(chart.series):
        _paint(series, SERIES_COLORS[i % len(SERIES_COLORS)], SERIES_MARKERS[i % len(SERIES_MARKERS)], spec.kind)
    if spec.percent:
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        chart.y_axis.majorUnit = 0.2
    chart.y_axis.majorGridlines = ChartLines(spPr=GraphicalProperties(ln=LineProperties(solidFill="D9D9D9")))
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.x_axis.tickLblPos = chart.y_axis.tickLblPos = "low"
    chart.legend = Legend(legendPos="b", overlay=False)
    chart.display_blanks = "gap"
    return chart


def _paint(series, color: str, marker: str, kind: str) -> None:
    if kind == "line":
        series.graphicalProperties.line.solidFill = color
        series.graphicalProperties.line.width = 28575  # 2.25 pt
        series.smooth = False
        series.marker = Marker(symbol=marker, size=6)
        series.marker.graphicalProperties = GraphicalProperties(solidFill=color)
        series.marker.graphicalProperties.line.solidFill = color
    else:
        series.graphicalProperties.solidFill = color
        series.graphicalProperties.line.solidFill = color


def _apply_styles(ws: Worksheet, layout: SheetLayout) -> None:
    """Apply the named styles, each range in order, with the result per (cell style, name) memoised.

    Setting a style through openpyxl's descriptors hashes the style object into
    the workbook's collections on every cell: tens of thousands of styled cells
    took a minute. The outcome depends only on the cell's style array before
    and the style's name, so it is computed once (through openpyxl, so the
    workbook's collections grow exactly as before) and copied after that.
    """
    done: dict[tuple[tuple[int, ...], str], tuple[int, ...]] = {}
    for rng in layout.styles:
        spec = STYLE_SPECS.get(rng.style, {})
        for row in ws.iter_rows(
            min_row=rng.first_row, max_row=rng.last_row, min_col=rng.first_col, max_col=rng.last_col
        ):
            for cell in row:
                key = (tuple(_style_of(cell)), rng.style)
                hit = done.get(key)
                if hit is not None:
                    cell._style = StyleArray(hit)
                    continue
                for attr, value in spec.items():
                    setattr(cell, attr, value)
                done[key] = tuple(cell._style)


def _style_of(cell):
    """The cell's style array, created as openpyxl's style descriptors create it."""
    if not cell._style:
        cell._style = StyleArray()
    return cell._style


class _Merger:
    """`ws.merge_cells` for many ranges, same result, linear time.

    openpyxl checks each new range against every range merged before (quadratic)
    and recomputes border objects per cell. Here ranges are indexed by row, and
    each border sum, which depends only on the two border ids, is computed once
    through openpyxl and reused. A range inside one already merged is not listed
    again, as in openpyxl. tests/test_large_ledgers.py compares the result
    with openpyxl's own merge_cells cell by cell.
    """

    def __init__(self, ws: Worksheet):
        self.ws = ws
        self.by_row: dict[int, list[tuple[int, int, int, int]]] = {}
        self.sums: dict[tuple, int] = {}
        self.protections: dict[int, int] = {}
        self.sides: dict[tuple[int, str], Any] = {}

    def _add_border(self, cell, key: tuple, make) -> None:
        """cell.border += make(), memoised on the cell's border id and `key`."""
        full = (_style_of(cell).borderId, *key)
        hit = self.sums.get(full)
        if hit is None:
            cell.border += make()
            self.sums[full] = cell._style.borderId
        else:
            cell._style.borderId = hit

    def merge(self, r1: int, c1: int, r2: int, c2: int) -> None:
        ws = self.ws
        inside = any(a <= r1 and b <= c1 and r2 <= c and c2 <= d for a, b, c, d in self.by_row.get(r1, ()))
        if not inside:
            for r in range(r1, r2 + 1):
                self.by_row.setdefault(r, []).append((r1, c1, r2, c2))
        cells = ws._cells
        # MergedCellRange.__init__ (its _get_borders), done below with memoised border sums
        mcr = MergedCellRange.__new__(MergedCellRange)
        mcr.ws = ws
        CellRange.__init__(mcr, min_col=c1, min_row=r1, max_col=c2, max_row=r2)
        start = cells.get((r1, c1))
        if start is None:
            start = ws.cell(row=r1, column=c1)
        mcr.start_cell = start
        end = cells.get((r2, c2))
        if end is not None:
            self._add_border(
                start,
                ("corner", _style_of(end).borderId),
                lambda: Border(right=end.border.right, bottom=end.border.bottom),
            )
        if not inside:  # MultiCellRange.add; the cells are cleaned and formatted either way
            ws.merged_cells.ranges.add(mcr)
        # Worksheet._clean_merge_range
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    cells[r, c] = MergedCell(ws, r, c)
        # MergedCellRange.format
        for name in ("top", "left", "right", "bottom"):
            start_id = _style_of(start).borderId
            side = self.sides.get((start_id, name), self)
            if side is self:
                side = self.sides[start_id, name] = getattr(start.border, name)
            if side and side.style is None:
                continue
            for coord in getattr(mcr, name):
                self._add_border(cells[coord], (name, start_id), lambda name=name, side=side: Border(**{name: side}))
        pid = self.protections.get(_style_of(start).protectionId)
        if pid is None:
            before = start._style.protectionId
            start.protection = copy.copy(start.protection)
            pid = self.protections[before] = start._style.protectionId
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                _style_of(cells[r, c]).protectionId = pid


def _merge_all(ws: Worksheet, merged: list[tuple[int, int, int, int]]) -> None:
    merger = _Merger(ws)
    for r1, c1, r2, c2 in merged:
        merger.merge(r1, c1, r2, c2)


# Full-width forms too: Excel (with a Chinese IME) takes ＝SUM(…) typed in a cell as a formula.
FORMULA_LEADS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")


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
