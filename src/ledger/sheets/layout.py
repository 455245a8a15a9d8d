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


def footer_safe(text: str) -> str:
    """Clerk text inside a header/footer: `&` starts a code there, so a literal one is doubled."""
    return text.replace("&", "&&")


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
    x_title: str = ""
    percent: bool = True
    rows_tall: int = 16  # sheet rows the chart covers (its height), so page breaks can keep clear of it


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
    # Paper: row heights in points, manual page breaks (a new page starts after each listed row),
    # a footer (left, centre, right) in Excel's header/footer codes (&P page, &N pages; clerk text
    # through footer_safe), and page margins in inches (left/right, top/bottom).
    heights: dict[int, float] = field(default_factory=dict)
    breaks: list[int] = field(default_factory=list)
    footer: tuple[str, str, str] | None = None
    margins: tuple[float, float] = (0.4, 0.5)

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

    def page_break(self) -> None:
        """Start a new printed page after the last row added so far."""
        if self.rows and len(self.rows) not in self.breaks:
            self.breaks.append(len(self.rows))

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)
