"""Between a live workbook (xlwings) and the core: sheets in as grids, Changes out.

Every Excel call crosses a process boundary (COM, AppleScript or the remote
engine's action list), so the rule here is: one bulk read per sheet, one
values write per block, formats per column block, highlights per column
(remote engine) or per run of rows (desktop). The number of calls grows with
what is generated (styled ranges of the sheets), never with the number of
case rows as such.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ledger.core.columns import TOOL_COLUMNS
from ledger.core.log import LOG_HEADERS, LOG_SHEET, is_log_sheet, sheet_rows
from ledger.core.settings import SETTINGS_SHEET, read_settings
from ledger.core.vocab import fold
from ledger.sheets.callback_list import FORMS_SHEET, LIST_SHEET
from ledger.sheets.cellrefs import runs

# Sheets the tool regenerates: never read (cheaper, and never taken for the case sheet).
_STATS_SHEET_PREFIXES = ("月度统计", "月度統計", "monthlystatistics", "statistics")
_GENERATED = {fold(n) for n in (*LIST_SHEET.values(), *FORMS_SHEET.values())}
_SETTINGS = {fold(n) for n in SETTINGS_SHEET.values()}

TOOL_HEADER_FILL = "#FFE699"  # the colour io.ledger_file gives the tool headers
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
LOG_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
TOOL_WIDTHS = {
    "window_start": 11,
    "window_due": 11,
    "callback_status": 10,
    "sampled": 8,
    "sample_reason": 12,
    "suggested_severity": 9,
    "problems": 40,
}

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


def snapshot(book: Any) -> Snapshot:
    """Read every sheet the core needs; generated sheets are listed but not read."""
    grids: dict[str, list[list[Any]]] = {}
    names = []
    for sheet in book.sheets:
        name = sheet.name
        names.append(name)
        grids[name] = [] if is_generated(name) else read_sheet(sheet)
    settings_name = next((n for n in names if is_settings(n)), None)
    lang = "zh-Hans"
    if settings_name:
        settings, _ = read_settings(grids[settings_name], settings_name)
        lang = settings.language
    return Snapshot(grids=grids, lang=lang, names=names)


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


# --------------------------------------------------------------------------- writing Changes


@dataclass
class Written:
    """What apply_changes did, for the clerk's message and for tests."""

    sheets: list[str] = field(default_factory=list)
    tool_columns: dict[str, int] = field(default_factory=dict)  # label -> 1-based column
    tool_rows: int = 0
    highlighted: int = 0
    log_sheet: str | None = None
    log_rows: int = 0


def _norm_header(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip().casefold() if value is not None else ""


def apply_changes(book: Any, snap: Snapshot, ledger: Any, changes: Any) -> Written:
    """Apply a job's Changes to the live workbook: sheets, tool columns, highlights, Log."""
    from ledger.xl.render import render

    written = Written()
    for layout in changes.sheets:
        render(book, layout)
        written.sheets.append(layout.name)
    if changes.tool_values is not None:
        write_tool_columns(book, snap, ledger, changes.tool_values, written)
    if changes.cell_fills:
        written.highlighted = write_fills(book.sheets[ledger.sheet], changes.cell_fills)
    if changes.log_rows:
        append_log(book, snap, ledger.lang, changes.log_rows, written)
    return written


def tool_column_positions(header: list[Any], last_col: int, lang: str) -> dict[str, int]:
    """Where each tool column goes: the column already headed by its label, else after the last used one."""
    existing: dict[str, int] = {}
    for c, v in enumerate(header, start=1):
        key = _norm_header(v)
        if key and key not in existing:
            existing[key] = c
    placed: dict[str, int] = {}
    taken: set[int] = set()
    for col in TOOL_COLUMNS:
        c = existing.get(_norm_header(col.label(lang)))
        if c is None or c in taken:
            last_col += 1
            c = last_col
        placed[col.field] = c
        taken.add(c)
    return placed


def write_tool_columns(
    book: Any, snap: Snapshot, ledger: Any, values: dict[str, dict[int, Any]], written: Written
) -> None:
    """The tool-owned columns, header included, as one block per run of adjacent columns.

    Every row from the header to the last used row is written, so values left
    from an earlier run are cleared.
    """
    sheet = book.sheets[ledger.sheet]
    lang = ledger.lang
    grid = snap.grids.get(ledger.sheet) or []
    header_row = ledger.header_row
    header = grid[header_row - 1] if header_row - 1 < len(grid) else []
    last_row, last_col = snap.extent(ledger.sheet)
    last_row = max([last_row, header_row] + [r for v in values.values() for r in v])
    positions = tool_column_positions(header, last_col, lang)
    by_col = {c: f for f, c in positions.items()}
    labels = {c.field: c.label(lang) for c in TOOL_COLUMNS}
    for c1, c2 in column_blocks(by_col):
        fields = [by_col[c] for c in range(c1, c2 + 1)]
        block = [[labels[f] for f in fields]]
        for r in range(header_row + 1, last_row + 1):
            block.append([cell_value(values.get(f, {}).get(r)) for f in fields])
        sheet.range((header_row, c1)).value = block
        head = sheet.range((header_row, c1), (header_row, c2))
        head.color = TOOL_HEADER_FILL
        head.font.bold = True
    if last_row > header_row:
        dates = [positions[f] for f in ("window_start", "window_due")]
        for c1, c2 in column_blocks(dates):
            sheet.range((header_row + 1, c1), (last_row, c2)).number_format = DATE_FORMAT
    widths: dict[float, list[int]] = {}
    for f, c in positions.items():
        if f in TOOL_WIDTHS and c > last_col:  # only columns the tool just added; the clerk's widths stay
            widths.setdefault(TOOL_WIDTHS[f], []).append(c)
    for width, cols in widths.items():
        for c1, c2 in column_blocks(cols):
            sheet.range((1, c1), (1, c2)).column_width = width
    written.tool_columns = {labels[f]: c for f, c in positions.items()}
    written.tool_rows = max(0, last_row - header_row)


SET_COLORS_MAX = 10_000  # cells per Range.set_colors call (xlwings' limit)


def write_fills(sheet: Any, fills: dict[tuple[int, int], str]) -> int:
    """Highlight cells; returns the cells coloured.

    Where Range.set_colors is one call (the remote engine: Office Scripts, xlwings
    Server) each highlighted column goes out as one colour matrix per 10,000 rows,
    whatever the number of problem cells. Desktop engines implement set_colors
    cell by cell, so there each colour and run of rows is one range (batched,
    multi-area on Windows).
    """
    if sheet.book.app.engine.name == "remote":
        by_col: dict[int, dict[int, str]] = {}
        for (r, c), color in fills.items():
            by_col.setdefault(c, {})[r] = hex_color(color)
        for c, colored in sorted(by_col.items()):
            first, last = min(colored), max(colored)
            for r1 in range(first, last + 1, SET_COLORS_MAX):
                r2 = min(last, r1 + SET_COLORS_MAX - 1)
                sheet.range((r1, c), (r2, c)).set_colors([[colored.get(r, ...)] for r in range(r1, r2 + 1)])
        return len(fills)
    from ledger.xl.batch import Batch

    groups: dict[tuple[int, str], list[int]] = {}
    for (r, c), color in fills.items():
        groups.setdefault((c, color), []).append(r)
    batch = Batch(sheet)
    for (c, color), rows in sorted(groups.items()):
        for r1, r2 in runs(rows):
            batch.add("color", hex_color(color), r1, c, r2, c)
    batch.flush()
    return len(fills)


def append_log(book: Any, snap: Snapshot, lang: str, rows: list[list[Any]], written: Written) -> None:
    """Append Log rows in one call below the last used row; create the Log sheet with its header if missing."""
    name = next((n for n in snap.names if is_log_sheet(n)), None)
    block = [[cell_value(v) for v in row] for row in sheet_rows(rows, lang)]
    header = list(LOG_HEADERS.get(lang, LOG_HEADERS["zh-Hans"]))
    if name is None:
        name = LOG_SHEET.get(lang, LOG_SHEET["zh-Hans"])
        sheet = book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])
        snap.names.append(name)
        snap.grids[name] = []
        start = 1
    else:
        sheet = book.sheets[name]
        start = snap.extent(name)[0] + 1
    with_header = start == 1
    if with_header:
        block.insert(0, header)
    sheet.range((start, 1)).value = block
    first_data = start + with_header
    sheet.range((first_data, 1), (start + len(block) - 1, 1)).number_format = LOG_TIME_FORMAT
    # later appends in the same click go below these rows
    snap.grids[name] = (snap.grids.get(name) or []) + [list(r) for r in block]
    written.log_sheet = name
    written.log_rows += len(rows)
