"""Between a live workbook (xlwings) and the core: sheets in as grids, and the value helpers for writing.

Every Excel call crosses a process boundary (COM, AppleScript or the remote
engine's action list), so the rule here is one bulk read per sheet (the used
range). Writing a job's Changes back is ledger.xl.write.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ledger.core.settings import SETTINGS_SHEET, read_settings
from ledger.core.vocab import fold
from ledger.sheets.callback_list import FORMS_SHEET, LIST_SHEET
from ledger.sheets.cellrefs import runs

# Sheets the tool regenerates: never read (cheaper, and never taken for the case sheet).
_STATS_SHEET_PREFIXES = ("月度统计", "月度統計", "monthlystatistics", "statistics")
_GENERATED = {fold(n) for n in (*LIST_SHEET.values(), *FORMS_SHEET.values())}
_SETTINGS = {fold(n) for n in SETTINGS_SHEET.values()}

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

# Text Excel would turn into a formula, a number or a date when written as a value.
_LEADS = ("=", "+", "-", "@")
_COERCIBLE = re.compile(r"\d[\d\s.,:/%+\-年月日时分秒]*")


def is_generated(name: str) -> bool:
    key = fold(name)
    return key in _GENERATED or key.startswith(_STATS_SHEET_PREFIXES)


def is_settings(name: str) -> bool:
    return fold(name) in _SETTINGS


@dataclass
class Snapshot:
    """The workbook as read once at the start of a click."""

    grids: dict[str, list[list[Any]]]
    lang: str = "zh-Hans"
    names: list[str] = field(default_factory=list)

    def extent(self, sheet: str) -> tuple[int, int]:
        """(last used row, last used column) of a sheet as read, 1-based; (0, 0) when empty."""
        grid = self.grids.get(sheet) or []
        last_row = 0
        last_col = 0
        for r, row in enumerate(grid, start=1):
            used = [c for c, v in enumerate(row, start=1) if v is not None]
            if used:
                last_row = r
                last_col = max(last_col, used[-1])
        return last_row, last_col


def clean(value: Any) -> Any:
    """Blank as None on every engine (the remote engine sends "")."""
    if value == "" or value is None:
        return None
    return value


def read_sheet(sheet: Any) -> list[list[Any]]:
    """The sheet's used range in one call, padded so grid[r-1][c-1] is Excel cell (r, c)."""
    rng = sheet.used_range
    values = rng.options(ndim=2, err_to_str=True).value or []
    top, left = rng.row, rng.column
    pad = [None] * (left - 1)
    grid: list[list[Any]] = [[] for _ in range(top - 1)]
    grid.extend(pad + [clean(v) for v in row] for row in values)
    while grid and not any(v is not None for v in grid[-1]):
        grid.pop()
    return grid


def snapshot(book: Any, reading: Callable[[int, int, str], None] | None = None) -> Snapshot:
    """Read every sheet the core needs; generated sheets are listed but not read.

    `reading(done, total, sheet)` is told before each sheet is read (Excel's status bar).
    """
    grids: dict[str, list[list[Any]]] = {}
    names = []
    sheets = list(book.sheets)
    for i, sheet in enumerate(sheets, start=1):
        name = sheet.name
        names.append(name)
        if is_generated(name):
            grids[name] = []
            continue
        if reading is not None:
            reading(i, len(sheets), name)
        grids[name] = read_sheet(sheet)
    settings_name = next((n for n in names if is_settings(n)), None)
    lang = "zh-Hans"
    if settings_name:
        settings, _ = read_settings(grids[settings_name], settings_name)
        lang = settings.language
    return Snapshot(grids=grids, lang=lang, names=names)


def windows_excel(book: Any) -> bool:
    """Desktop Excel on Windows, driven through COM: the one engine with multi-area addresses, conditional
    formats and page set-up (xl.batch, xl.highlights, xl.render each ask through their own name, which
    tests/union_engine.py stands in for)."""
    return sys.platform.startswith("win") and book.app.engine.name == "excel"


def cell_value(value: Any) -> Any:
    """A value safe to write: text that Excel would evaluate or convert stays text."""
    if isinstance(value, str) and value:
        if (value.startswith(_LEADS) and len(value) > 1) or _COERCIBLE.fullmatch(value):
            return "'" + value
    return value


def column_blocks(cols: Iterable[int]) -> list[tuple[int, int]]:
    return runs(cols)


def hex_color(rgb: str) -> str:
    return rgb if rgb.startswith("#") else "#" + rgb


def date_format_blocks(rows: list[list[Any]], first_row: int, first_col: int) -> list[tuple[str, int, int, int, int]]:
    """Rectangles (format, r1, c1, r2, c2) covering the date and datetime cells of a block.

    Runs are found per column, then neighbouring columns with the same runs
    are joined, so a list with three date columns costs one call per run.
    """
    width = max((len(r) for r in rows), default=0)
    per_col: dict[int, tuple[tuple[str, int, int], ...]] = {}
    for c in range(width):
        marks: dict[str, list[int]] = {}
        for i, row in enumerate(rows):
            v = row[c] if c < len(row) else None
            if isinstance(v, dt.datetime):
                fmt = DATETIME_FORMAT if (v.hour, v.minute, v.second) != (0, 0, 0) else DATE_FORMAT
                marks.setdefault(fmt, []).append(first_row + i)
            elif isinstance(v, dt.date):
                marks.setdefault(DATE_FORMAT, []).append(first_row + i)
        found = tuple((fmt, a, b) for fmt, rs in sorted(marks.items()) for a, b in runs(rs))
        if found:
            per_col[first_col + c] = found
    blocks: list[tuple[str, int, int, int, int]] = []
    cols = sorted(per_col)
    i = 0
    while i < len(cols):
        j = i
        while j + 1 < len(cols) and cols[j + 1] == cols[j] + 1 and per_col[cols[j + 1]] == per_col[cols[i]]:
            j += 1
        for fmt, a, b in per_col[cols[i]]:
            blocks.append((fmt, a, cols[i], b, cols[j]))
        i = j + 1
    return blocks
