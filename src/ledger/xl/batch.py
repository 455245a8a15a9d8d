"""Formatting calls grouped by what they set, so repeated blocks cost one call, not one each.

A generated sheet repeats the same look many times (one record form per
callback, one highlight per problem cell). Desktop Excel on Windows accepts a
multi-area address ("A1:D1,A23:D23,..." up to 255 characters) for one COM
call; there each group goes out in such chunks. Other engines (the remote
engine, Excel on macOS) get one call per range; a union that Excel refuses
falls back to that too.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from ledger.sheets.cellrefs import col_letter

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
}


def unions_supported(sheet: Any) -> bool:
    """Multi-area addresses: Excel through COM only."""
    return sys.platform.startswith("win") and sheet.book.app.engine.name == "excel"


class Batch:
    """Collect settings per range and send them grouped, keeping the order in which each setting changes.

    Ranges join the latest group of their setting while the value stays the
    same; a new value starts a new group. So where two fills overlap, the later
    one still wins, as it would cell by cell.
    """

    def __init__(self, sheet: Any, union: bool | None = None):
        self.sheet = sheet
        self.union = unions_supported(sheet) if union is None else union
        self.groups: list[tuple[str, Any, list[tuple[int, int, int, int]]]] = []
        self._latest: dict[str, int] = {}

    def add(self, setting: str, value: Any, r1: int, c1: int, r2: int | None = None, c2: int | None = None) -> None:
        rng = (r1, c1, r2 or r1, c2 or c1)
        i = self._latest.get(setting)
        if i is not None and self.groups[i][1] == value:
            self.groups[i][2].append(rng)
            return
        self._latest[setting] = len(self.groups)
        self.groups.append((setting, value, [rng]))

    def flush(self) -> int:
        """Apply everything collected; returns the number of calls made."""
        calls = 0
        for setting, value, ranges in self.groups:
            setter = SETTERS[setting]
            if self.union and len(ranges) > 1:
                try:
                    for chunk in union_chunks(ranges):
                        setter(self.sheet.range(chunk), value)
                        calls += 1
                    continue
                except NotImplementedError:
                    continue
                except Exception:  # noqa: BLE001 - Excel refused the union: go range by range
                    pass
            for r1, c1, r2, c2 in ranges:
                try:
                    setter(self.sheet.range((r1, c1), (r2, c2)), value)
                    calls += 1
                except NotImplementedError:  # an engine without this setting (alignment outside Office.js)
                    break
        self.groups.clear()
        self._latest.clear()
        return calls
