"""xlwings' remote engine, taught the one thing desktop Excel on Windows has and it lacks: multi-area ranges.

No Windows Excel runs here, so the click's calls are counted on xlwings' own
remote engine, where every call is one action in `book.json()["actions"]`.
Desktop Excel accepts `sheet.range("A1:B2,D4:E5")` and sets a format on all
areas in one COM call; the remote engine would misread that address. While
`union_ranges()` is active, such an address becomes one range whose actions
carry all its areas ("areas": ["A1:B2", "D4:E5"]), and ledger.xl.batch is told
unions are available, as it is on Windows. `painted()` replays the actions
cell by cell, so a test can check that the union route paints exactly what the
range-by-range route paints.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

from xlwings import utils

import ledger.xl.batch as batch


@contextlib.contextmanager
def union_ranges() -> Iterator[None]:
    # lazy: xlwings.pro refuses to import before the test module's fixture has set the licence key
    from xlwings.pro import _xlremote

    class UnionRange(_xlremote.Range):
        """A multi-area range: placed at its first area, every action it sends names all areas."""

        def __init__(self, sheet: Any, areas: list[str]):
            super().__init__(sheet, areas[0])
            self.areas = areas

        def append_json_action(self, **kwargs: Any) -> None:
            super().append_json_action(**kwargs)
            self.sheet.book.json()["actions"][-1]["areas"] = list(self.areas)

    original_range = _xlremote.Sheet.range
    original_supported = batch.unions_supported

    def sheet_range(self: Any, arg1: Any, arg2: Any = None) -> Any:
        if isinstance(arg1, str) and "," in arg1:
            return UnionRange(self, arg1.split(","))
        return original_range(self, arg1, arg2)

    _xlremote.Sheet.range = sheet_range
    batch.unions_supported = lambda sheet: True
    try:
        yield
    finally:
        _xlremote.Sheet.range = original_range
        batch.unions_supported = original_supported


FORMAT_FUNCS = {
    "setRangeColor",
    "setFontProperty",
    "setBorderProperty",
    "setNumberFormat",
    "setWrapText",
    "setHorizontalAlignment",
    "setVerticalAlignment",
    "setColumnWidth",
}


def _areas(action: dict) -> list[tuple[int, int, int, int]]:
    if "areas" in action:
        out = []
        for area in action["areas"]:
            first, last = utils.a1_to_tuples(area)
            last = last or first
            out.append((first[0], first[1], last[0], last[1]))
        return out
    r, c = action["start_row"] + 1, action["start_column"] + 1
    return [(r, c, r + action["row_count"] - 1, c + action["column_count"] - 1)]


def painted(actions: list[dict]) -> tuple[dict, list]:
    """(cell -> {setting: value}, sorted merges) per sheet position, from the actions in order."""
    cells: dict[tuple[int, int, int], dict[str, Any]] = {}
    merges = []
    for a in actions:
        if a["func"] == "rangeMerge":
            merges.extend((a["sheet_position"], *area, a["args"][0]) for area in _areas(a))
            continue
        if a["func"] not in FORMAT_FUNCS:
            continue
        *what, value = a["args"] or [None]
        setting = a["func"] + json.dumps(what)
        for r1, c1, r2, c2 in _areas(a):
            if a["func"] == "setColumnWidth":
                r1 = r2 = 1
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    cells.setdefault((a["sheet_position"], r, c), {})[setting] = value
    return cells, sorted(merges)
