"""A generated sheet (SheetLayout) as HTML table rows: the page shows the very cells the workbook gets.

The callback list and the monthly statistics are built once, as a SheetLayout, by
ledger.sheets; io.render writes it into the .xlsx and this module turns the same
layout into rows of cells for the templates, so the figures cannot differ.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ledger.sheets.layout import SheetLayout


@dataclass(slots=True)
class HtmlCell:
    text: str
    classes: str = ""
    colspan: int = 1
    rowspan: int = 1


def cell_styles(layout: SheetLayout) -> dict[tuple[int, int], list[str]]:
    """(row, column) → the layout's style names on that cell (1-based, as in the sheet)."""
    styles: dict[tuple[int, int], list[str]] = {}
    for s in layout.styles:
        for r in range(s.first_row, s.last_row + 1):
            for c in range(s.first_col, s.last_col + 1):
                styles.setdefault((r, c), []).append(s.style)
    return styles


def shown(value: Any, styles: list[str]) -> str:
    """A cell value as the sheet's number formats show it (0.0%, yyyy-mm-dd, yyyy-mm-dd hh:mm)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour, value.minute) != (0, 0) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and "percent" in styles:
        return f"{value:.1%}"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def table_rows(layout: SheetLayout, first: int = 1, last: int | None = None) -> list[list[HtmlCell]]:
    """Rows `first`..`last` (1-based, inclusive) as cells, merged ranges as col/rowspans."""
    last = len(layout.rows) if last is None else last
    width = layout.width
    styles = cell_styles(layout)
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for r1, c1, r2, c2 in layout.merged:
        spans[(r1, c1)] = (r2 - r1 + 1, c2 - c1 + 1)
        covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - {(r1, c1)}
    out = []
    for r in range(first, last + 1):
        values = layout.rows[r - 1] if r <= len(layout.rows) else []
        cells = []
        for c in range(1, width + 1):
            if (r, c) in covered:
                continue
            value = values[c - 1] if c <= len(values) else None
            names = styles.get((r, c), [])
            rowspan, colspan = spans.get((r, c), (1, 1))
            cells.append(HtmlCell(shown(value, names), " ".join(f"s-{n}" for n in names), colspan, rowspan))
        out.append(cells)
    return out


def is_blank(cells: list[HtmlCell]) -> bool:
    return all(not c.text for c in cells)
