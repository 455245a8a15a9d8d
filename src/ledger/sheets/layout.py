"""Sheets the tool generates, described without Excel.

The core builds a `SheetLayout` (values, styles by name, merged cells, print
setup, charts); adapters render it: openpyxl into a file, xlwings into a live
workbook. So the callback list and the statistics look the same either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# Named styles every renderer knows.
STYLES = (
    "title",
    "subtitle",
    "header",
    "total",
    "date",
    "percent",
    "int",
    "text",
    "pass",
    "fail",
    "overdue",
    "due_soon",
    "note",
    "signature",
    "wrap",
)


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
