"""Write a job's Changes into the live workbook: generated sheets, tool columns, highlights, Log rows.

The rule is: one values write per block, formats per column block; highlights
as two rules over a column of marks in desktop Excel on Windows (xl.highlights),
one colour matrix per column on the remote engine, range by range elsewhere.
The number of calls grows with what is generated, never with the number of
case rows as such.

Tool columns are found by field, not by header text: a header in any of the
three languages (or an accepted alias, see core.columns) names its column, so
switching the Settings language rewrites the same columns in the new language
instead of appending a second set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ledger.core.columns import TOOL_COLUMNS, match_header
from ledger.core.log import LOG_HEADERS, LOG_SHEET, is_log_sheet, sheet_rows
from ledger.sheets.cellrefs import runs
from ledger.xl import highlights as rules
from ledger.xl.batch import Batch
from ledger.xl.bridge import DATE_FORMAT, Snapshot, cell_value, column_blocks, hex_color
from ledger.xl.render import render

TOOL_HEADER_FILL = "#FFE699"  # the colour io.ledger_file gives the tool headers
LOG_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
# Widths of the columns the tool adds: two values, so setting them costs two calls.
TOOL_WIDTHS = {
    "window_start": 12,
    "window_due": 12,
    "callback_status": 12,
    "sampled": 12,
    "sample_reason": 12,
    "suggested_severity": 12,
    "problems": 40,
}


@dataclass
class Written:
    """What apply_changes did, for the clerk's message and for tests."""

    sheets: list[str] = field(default_factory=list)
    tool_columns: dict[str, int] = field(default_factory=dict)  # label -> 1-based column
    tool_rows: int = 0
    highlighted: int = 0
    log_sheet: str | None = None
    log_rows: int = 0


def apply_changes(book: Any, snap: Snapshot, ledger: Any, changes: Any, highlights: str = "none") -> Written:
    """Apply a job's Changes to the live workbook: sheets, tool columns, highlights, Log.

    `highlights`: "all" sets them up and writes them (校验台账); "marks" only rewrites
    the marks where 校验台账 has set the rules up, with the 问题 column (one call, so
    the colours follow it); "none" (the default) leaves them alone.
    """
    written = Written()
    for layout in changes.sheets:
        render(book, layout)
        written.sheets.append(layout.name)
    if changes.tool_values is not None:
        write_tool_columns(book, snap, ledger, changes.tool_values, written)
    if highlights == "all" or (highlights == "marks" and changes.tool_values is not None):
        written.highlighted = write_highlights(book, snap, ledger, changes.cell_fills, highlights)
    for (r, c), value in sorted(changes.clerk_cells.items()):  # `record`: a few result cells, one call each
        book.sheets[ledger.sheet].range((r, c)).value = cell_value(value)
    if changes.log_rows:
        append_log(book, snap, ledger.lang, changes.log_rows, written)
    return written


def tool_column_positions(header: list[Any], last_col: int) -> dict[str, int]:
    """Where each tool column goes: the column whose header names its field (in any language), else a new
    column after the last used one."""
    tool_fields = {col.field for col in TOOL_COLUMNS}
    existing: dict[str, int] = {}
    for c, v in enumerate(header, start=1):
        found = match_header(v)
        if found in tool_fields and found not in existing:
            existing[found] = c
    placed: dict[str, int] = {}
    for col in TOOL_COLUMNS:
        c = existing.get(col.field)
        if c is None:
            last_col += 1
            c = last_col
        placed[col.field] = c
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
    positions = tool_column_positions(header, last_col)
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


def colour_matrices(sheet: Any) -> bool:
    """Range.set_colors is one call only on the remote engine; desktop engines set it cell by cell."""
    return sheet.book.app.engine.name == "remote"


def write_highlights(book: Any, snap: Snapshot, ledger: Any, fills: dict[tuple[int, int], str], mode: str) -> int:
    """Desktop Excel on Windows: marks and two rules (xl.highlights), a few calls whatever the number of
    problems; elsewhere, or where Excel refuses the rules, the cells painted. Returns the cells highlighted."""
    sheet = book.sheets[ledger.sheet]
    last_row, last_col = snap.extent(ledger.sheet)
    if not rules.rules_supported(sheet):
        return write_fills(sheet, fills) if mode == "all" and fills else 0
    name = rules.marks_sheet(snap)
    if mode == "all":
        try:
            name = rules.set_up_rules(book, snap, sheet, ledger.header_row + 1, last_col)
        except rules.RulesRefused:
            return write_fills(sheet, fills)
    if name is None:  # "marks" where 校验台账 has not set the rules up: nothing to keep in step
        return 0
    rules.write_marks(book, snap, name, fills, last_row)
    return len(fills)


def write_fills(sheet: Any, fills: dict[tuple[int, int], str]) -> int:
    """Highlight cells; returns the cells coloured.

    Where Range.set_colors is one call (the remote engine: Office Scripts, xlwings
    Server) each highlighted column goes out as one colour matrix per 10,000 rows,
    whatever the number of problem cells. Desktop engines implement set_colors
    cell by cell, so there each colour and run of rows is one range (batched,
    multi-area on Windows).
    """
    if colour_matrices(sheet):
        by_col: dict[int, dict[int, str]] = {}
        for (r, c), color in fills.items():
            by_col.setdefault(c, {})[r] = hex_color(color)
        for c, colored in sorted(by_col.items()):
            first, last = min(colored), max(colored)
            for r1 in range(first, last + 1, SET_COLORS_MAX):
                r2 = min(last, r1 + SET_COLORS_MAX - 1)
                sheet.range((r1, c), (r2, c)).set_colors([[colored.get(r, ...)] for r in range(r1, r2 + 1)])
        return len(fills)
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
