"""Sheets the tool generates, described without Excel.

The core builds a `SheetLayout` (values, styles by name, merged cells, print
setup, charts); adapters render it: openpyxl into a file, xlwings into a live
workbook. So the callback list and the statistics look the same either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# The named styles, defined once as data; io.render (openpyxl), io.sheet_writer (worksheet XML) and
# xl.render (xlwings) each turn them into their own objects. Keys: bold, italic, size, font_color and
# color (fill) as "#RRGGBB", border (thin, BORDER_COLOR, all sides), bottom_border, halign, valign, wrap,
# number_format.
BORDER_COLOR = "808080"
NAMED_STYLES: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "size": 14, "halign": "center", "valign": "center"},
    "subtitle": {"italic": True, "font_color": "#595959"},
    "header": {"bold": True, "color": "#D9E1F2", "border": True, "halign": "center", "valign": "center", "wrap": True},
    "total": {"bold": True, "color": "#F2F2F2", "border": True},
    "date": {"number_format": "yyyy-mm-dd", "border": True},
    "percent": {"number_format": "0.0%", "border": True},
    "int": {"number_format": "0", "border": True},
    "text": {"border": True},
    "wrap": {"border": True, "wrap": True, "valign": "top"},
    "pass": {"color": "#C6EFCE", "font_color": "#006100"},
    "fail": {"color": "#FFC7CE", "font_color": "#9C0006", "bold": True},
    "overdue": {"color": "#FFC7CE"},
    "due_soon": {"color": "#FFEB9C"},
    "note": {"font_color": "#595959", "size": 9},
    "signature": {"bold": True, "bottom_border": True},
}
STYLES = tuple(NAMED_STYLES)


@dataclass
class StyleRange:
    style: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int


@dataclass
class ChartSpec:
    """A native line chart over a block of the sheet (1-based, inclusive)."""

    title: str
    kind: Literal["line", "bar"]
    header_row: int  # row with series names
    first_row: int  # first data row
    last_row: int
    category_col: int  # x-axis labels
    series_cols: list[int]
    anchor: str  # top-left cell, e.g. "H3"
    y_title: str = ""
    percent: bool = True


@dataclass
class SheetLayout:
    name: str
    rows: list[list[Any]] = field(default_factory=list)  # rows[0] is Excel row 1
    styles: list[StyleRange] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)  # 1-based column -> width
    freeze: str | None = None
    landscape: bool = True
    repeat_rows: tuple[int, int] | None = None  # print titles
    charts: list[ChartSpec] = field(default_factory=list)

    def add_row(self, values: list[Any], style: str | None = None) -> int:
        self.rows.append(list(values))
        row = len(self.rows)
        if style and values:
            self.style(style, row, 1, row, len(values))
        return row

    def style(
        self, style: str, first_row: int, first_col: int, last_row: int | None = None, last_col: int | None = None
    ) -> None:
        self.styles.append(StyleRange(style, first_row, first_col, last_row or first_row, last_col or first_col))

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)
