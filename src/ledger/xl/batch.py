"""Formatting calls grouped by what they set, so a sheet's looks cost a few calls whatever its length.

A generated sheet repeats the same look many times (one style per table cell
or row, one highlight per problem cell). The Batch first works out, setting
by setting, what each cell ends up with (a later range wins where two
overlap, as it would range by range), then sends each (setting, value) once,
over the fewest rectangles that cover its cells. Desktop Excel on Windows
accepts a multi-area address ("A1:D1,A23:D23,..." up to 255 characters) for
one COM call; there each (setting, value) is one call per address chunk, so
the count is flat in the number of rows. Other engines (the remote engine,
Excel on macOS) get one call per rectangle; a union that Excel refuses falls
back to that too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledger.sheets.cellrefs import col_letter, runs
from ledger.xl.bridge import windows_excel

MAX_ADDRESS = 255  # Excel's limit for a Range() address string


def address(r1: int, c1: int, r2: int, c2: int) -> str:
    first = f"{col_letter(c1)}{r1}"
    return first if (r1, c1) == (r2, c2) else f"{first}:{col_letter(c2)}{r2}"


def union_chunks(ranges: list[tuple[int, int, int, int]], limit: int = MAX_ADDRESS) -> list[str]:
    """Comma-joined addresses, each string at most `limit` characters."""
    chunks: list[str] = []
    current = ""
    for rng in ranges:
        a = address(*rng)
        if current and len(current) + 1 + len(a) > limit:
            chunks.append(current)
            current = a
        else:
            current = f"{current},{a}" if current else a
    if current:
        chunks.append(current)
    return chunks


def _border(rng: Any, on: bool) -> None:
    if on:
        rng.borders.line_style = "continuous"


def _bottom_border(rng: Any, on: bool) -> None:
    if on:
        rng.borders["edge_bottom"].line_style = "continuous"


def _merge(rng: Any, on: bool) -> None:
    if on:
        rng.merge()


def _merge_across(rng: Any, on: bool) -> None:
    """Each row of the range merged on its own (Excel's Merge Across): many row merges, one call."""
    if on:
        rng.merge(across=True)


SETTERS: dict[str, Callable[[Any, Any], None]] = {
    "number_format": lambda r, v: setattr(r, "number_format", v),
    "color": lambda r, v: setattr(r, "color", v),
    "bold": lambda r, v: setattr(r.font, "bold", v),
    "italic": lambda r, v: setattr(r.font, "italic", v),
    "size": lambda r, v: setattr(r.font, "size", v),
    "font_color": lambda r, v: setattr(r.font, "color", v),
    "wrap": lambda r, v: setattr(r, "wrap_text", v),
    "halign": lambda r, v: setattr(r, "horizontal_alignment", v),
    "valign": lambda r, v: setattr(r, "vertical_alignment", v),
    "border": _border,
    "bottom_border": _bottom_border,
    "merge": _merge,
    "merge_across": _merge_across,
    "column_width": lambda r, v: setattr(r, "column_width", v),
    "row_height": lambda r, v: setattr(r, "row_height", v),
}


def unions_supported(sheet: Any) -> bool:
    """Multi-area addresses: Excel through COM only."""
    return windows_excel(sheet.book)


#: Settings that are not painted cell by cell: each range is one operation (merges do not overlap).
UNPAINTED = {"merge", "merge_across"}

Rect = tuple[int, int, int, int]


def rectangles(cells: set[tuple[int, int]]) -> list[Rect]:
    """Few rectangles (r1, c1, r2, c2) covering exactly `cells`: runs down each column,
    joined across neighbouring columns that have the same runs."""
    by_col: dict[int, list[int]] = {}
    for r, c in cells:
        by_col.setdefault(c, []).append(r)
    col_runs = {c: tuple(runs(rows)) for c, rows in by_col.items()}
    out: list[Rect] = []
    open_rects: dict[tuple[int, int], int] = {}  # (r1, r2) -> index in out of the rectangle ending at column c-1
    for c in sorted(col_runs):
        still_open: dict[tuple[int, int], int] = {}
        for r1, r2 in col_runs[c]:
            i = open_rects.get((r1, r2))
            if i is not None and out[i][3] == c - 1:
                out[i] = (r1, out[i][1], r2, c)
            else:
                out.append((r1, c, r2, c))
                i = len(out) - 1
            still_open[(r1, r2)] = i
        open_rects = still_open
    return sorted(out)


class Batch:
    """Collect settings per range; on flush send each (setting, value) once over the cells it ends up on."""

    def __init__(self, sheet: Any, union: bool | None = None):
        self.sheet = sheet
        self.union = unions_supported(sheet) if union is None else union
        self.added: list[tuple[str, Any, Rect]] = []

    def add(self, setting: str, value: Any, r1: int, c1: int, r2: int | None = None, c2: int | None = None) -> None:
        if setting not in SETTERS:
            raise KeyError(setting)
        self.added.append((setting, value, (r1, c1, r2 or r1, c2 or c1)))

    def groups(self) -> list[tuple[str, Any, list[Rect]]]:
        """(setting, value, rectangles) in the order each setting was first added."""
        painted: dict[str, dict[tuple[int, int], Any]] = {}
        merges: list[tuple[str, Any, list[Rect]]] = []
        for setting, value, (r1, c1, r2, c2) in self.added:
            if setting in UNPAINTED:
                merges.append((setting, value, [(r1, c1, r2, c2)]))
                continue
            cells = painted.setdefault(setting, {})
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    cells[(r, c)] = value
        out: list[tuple[str, Any, list[Rect]]] = []
        for setting, cells in painted.items():
            by_value: dict[Any, set[tuple[int, int]]] = {}
            for cell, value in cells.items():
                by_value.setdefault(value, set()).add(cell)
            out.extend((setting, value, rectangles(group)) for value, group in by_value.items())
        merged: dict[tuple[str, Any], list[Rect]] = {}
        for setting, value, rects in merges:
            merged.setdefault((setting, value), []).extend(rects)
        out.extend((setting, value, sorted(rects)) for (setting, value), rects in merged.items())
        return out

    def flush(self) -> int:
        """Apply everything collected; returns the number of calls made."""
        calls = 0
        for setting, value, ranges in self.groups():
            calls += self._send(SETTERS[setting], value, ranges)
        self.added.clear()
        return calls

    def _send(self, setter: Callable[[Any, Any], None], value: Any, ranges: list[Rect]) -> int:
        calls = 0
        if self.union and len(ranges) > 1:
            try:
                for chunk in union_chunks(ranges):
                    setter(self.sheet.range(chunk), value)
                    calls += 1
                return calls
            except NotImplementedError:
                return calls
            except Exception:  # noqa: BLE001 - Excel refused the union: go range by range
                pass
        for r1, c1, r2, c2 in ranges:
            try:
                setter(self.sheet.range((r1, c1), (r2, c2)), value)
                calls += 1
            except NotImplementedError:  # an engine without this setting (alignment outside Office.js)
                break
        return calls
