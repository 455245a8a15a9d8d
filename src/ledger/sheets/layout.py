"""Sheets the tool generates, described without Excel.

The core builds a `SheetLayout` (values, styles by name, merged cells, print
setup, charts); adapters render it: openpyxl into a file, xlwings into a live
workbook. So the callback list and the statistics look the same either way.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

# The named styles, defined once as data; io.render (openpyxl), io.sheet_writer (worksheet XML) and
# xl.render (xlwings) each turn them into their own objects. Keys: bold, italic, size, font_color and
# color (fill) as "#RRGGBB", border (thin, BORDER_COLOR, all sides), bottom_border, halign, valign, wrap,
# number_format.
BORDER_COLOR = "808080"
NAMED_STYLES: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "size": 14, "halign": "center", "valign": "center"},
    "subtitle": {"font_color": "#595959"},  # not italic: Chinese has no italics, a slanted 汉字 is only worse
    "header": {"bold": True, "color": "#D9E1F2", "border": True, "halign": "center", "valign": "center", "wrap": True},
    "total": {"bold": True, "color": "#F2F2F2", "border": True},
    "date": {"number_format": "yyyy-mm-dd", "border": True},
    "percent": {"number_format": "0.0%", "border": True},
    "int": {"number_format": "0", "border": True},
    "text": {"border": True},
    "wrap": {"border": True, "wrap": True, "valign": "top"},
    # verdicts: the fill and the word say it; black text stays legible on any printer
    "pass": {"color": "#C6EFCE"},
    "fail": {"color": "#FFC7CE", "bold": True},
    "overdue": {"color": "#FFC7CE"},
    "due_soon": {"color": "#FFEB9C"},
    "note": {"font_color": "#595959", "size": 9},
    "signature": {"bold": True, "bottom_border": True},
    # a printed form's field: boxed, wrapped, read from the left, centred in its (tall) row
    "field": {"border": True, "halign": "left", "valign": "center", "wrap": True},
}
STYLES = tuple(NAMED_STYLES)


def display_width(value: str) -> int:
    """Width in Excel character units: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value)


def wrapped_lines(value: str | None, width: float) -> int:
    """Printed lines a wrapped cell needs in a column `width` characters wide."""
    if not value:
        return 1
    per_line = max(int(width) - 1, 1)
    return sum(max(1, -(-display_width(part) // per_line)) for part in value.split("\n"))


def footer_safe(text: str) -> str:
    """Clerk text inside a header/footer: `&` starts a code there, so a literal one is doubled."""
    return text.replace("&", "&&")


DEFAULT_ROW_HEIGHT = 15.0  # points, as the sheets declare (sheetFormatPr defaultRowHeight)


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
    width_cm: float = 16.0
    height_cm: float = 7.5


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
    scale: int | None = None  # a fixed print scale in percent instead of fitting to the page width
    # Row spans (first, last) whose rows are as tall as their text: a live Excel fits them itself (AutoFit,
    # one call a span, xl.render) instead of taking `heights` row by row; files keep `heights`.
    fitted: list[tuple[int, int]] = field(default_factory=list)
    # Where a new sheet goes: right after the first of `follows` the workbook has, else before its Settings,
    # Log and hidden sheets; an empty sheet named in `placeholders` (the template's) is taken over.
    follows: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)

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

    def page_height(self) -> float:
        """Points of sheet rows one printed A4 page holds once the sheet is fitted to the paper's width.

        Column widths become points as Excel does for an 11-pt font (7 pixels a
        character plus 5, 0.75 pt a pixel); repeated title rows and a little
        room for rounding come off.
        """
        paper_h = 8.27 if self.landscape else 11.69
        top = self.margins[1]
        scale = self.scale / 100 if self.scale else self.width_scale()
        titles = 0.0
        if self.repeat_rows:
            titles = sum(self.row_height(r) for r in range(self.repeat_rows[0], self.repeat_rows[1] + 1))
        return ((paper_h - 2 * top) * 72 - 24) / scale - titles

    def width_scale(self, wider: float = 1.0) -> float:
        """The print scale that fits the columns to the paper's width (at most 1); `wider` allows for
        characters wider than Excel's Calibri (LibreOffice without it draws columns about 1.3 times as wide)."""
        paper_w = 11.69 if self.landscape else 8.27
        last = max(self.width, max(self.widths, default=0))
        sheet_width = self.columns_cm(1, last) * 72 / 2.54 * wider or 1.0
        return min(1.0, (paper_w - 2 * self.margins[0]) * 72 / sheet_width)

    def columns_cm(self, first: int, last: int) -> float:
        """The printed width of columns first..last at 100 % (Excel's 11-pt character width)."""
        return sum((self.widths.get(c, 8.43) * 7 + 5) * 0.75 for c in range(first, last + 1)) * 2.54 / 72

    def row_height(self, row: int) -> float:
        return self.heights.get(row, DEFAULT_ROW_HEIGHT)

    def keep_together(self, starts: list[int]) -> None:
        """Page breaks so that no block is split where it need not be: block i runs from starts[i] to the
        row before starts[i+1] (the last to the end of the sheet); a block that does not fit in what is
        left of a page starts a new one. A block taller than a page starts on a fresh page and runs on."""
        page = self.page_height()
        bounds = [*starts, len(self.rows) + 1]
        used = sum(self.row_height(r) for r in range(1, starts[0])) if starts else 0.0
        for first, nxt in zip(bounds, bounds[1:]):
            height = sum(self.row_height(r) for r in range(first, nxt))
            if used and used + height > page:
                self.breaks.append(first - 1)
                used = 0.0
            used = (used + height) % page if height > page else used + height

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)
