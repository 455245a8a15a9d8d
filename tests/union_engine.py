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

Desktop Excel also takes conditional-formatting rules through COM (`.api`),
which the remote engine has no word for: while `union_ranges()` is active,
`sheet.api` and `range.api` are a small recording stand-in for the COM
objects xl.highlights uses (FormatConditions, a sheet's Visible), every
property read, write and method call one action ("func": "com"), and the
rules kept per sheet for `rules()`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import types
from collections.abc import Iterator
from typing import Any

import xlwings as xw
from xlwings import utils

import ledger.xl.batch as batch
import ledger.xl.highlights as highlights
import ledger.xl.render as render


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, dt.date):
        return value.isoformat() + "T00:00:00.000Z"
    return "" if value is None else value


def payload(grids: dict[str, list[list]], name: str = "ledger.xlsx", extra: dict | None = None) -> dict:
    """The Office Scripts payload a remote-engine book is made from, for these sheet values (blanks "", dates ISO)."""
    sheets = []
    for sheet, grid in grids.items():
        width = max((len(r) for r in grid), default=0)
        values = [[_iso(v) for v in r] + [""] * (width - len(r)) for r in grid] or [[""]]
        sheets.append({"name": sheet, "values": values, "pictures": [], "tables": [], **(extra or {}).get(sheet, {})})
    return {
        "client": "Microsoft Office Scripts",
        "version": xw.__version__,
        "book": {"name": name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": sheets,
    }


@contextlib.contextmanager
def union_ranges(page_setup: bool = False) -> Iterator[None]:
    """The desktop route; with `page_setup`, Excel's printing set-up (COM only) is recorded too."""
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
    original_supported = batch.unions_supported, highlights.rules_supported

    def sheet_range(self: Any, arg1: Any, arg2: Any = None) -> Any:
        if isinstance(arg1, str) and "," in arg1:
            return UnionRange(self, arg1.split(","))
        return original_range(self, arg1, arg2)

    _xlremote.Sheet.range = sheet_range
    batch.unions_supported = highlights.rules_supported = lambda sheet: True
    original_apis = xw.Sheet.api, xw.Range.api, xw.App.api
    original_printing = render.page_setup_supported
    xw.Sheet.api = property(lambda sheet: SheetCom(sheet))
    xw.Range.api = property(lambda rng: RangeCom(rng))
    if page_setup:
        xw.App.api = property(lambda app: Recorder(app.books.active.sheets[0], "Application"))
        render.page_setup_supported = lambda book: True
    try:
        yield
    finally:
        _xlremote.Sheet.range = original_range
        batch.unions_supported, highlights.rules_supported = original_supported
        xw.Sheet.api, xw.Range.api, xw.App.api = original_apis
        render.page_setup_supported = original_printing


# --------------------------------------------------------------------------- COM, recorded

_RULES: dict[tuple[int, str], list[dict]] = {}  # (id of the book's json, sheet name) -> rules in priority order


def rules(sheet: Any) -> list[dict]:
    """The conditional-formatting rules on a sheet: {"applies_to": (r1, c1, r2, c2), "formula", "color"}."""
    return _RULES.setdefault((id(sheet.book.json()), sheet.name), [])


def _call(sheet: Any, what: str, *args: Any) -> None:
    sheet.book.json()["actions"].append({"func": "com", "args": [what, *args], "sheet_position": sheet.index - 1})


class Recorder:
    """A COM object whose every property write and method call is one call (PageSetup, HPageBreaks ...)."""

    def __init__(self, sheet: Any, name: str):
        object.__setattr__(self, "_sheet", sheet)
        object.__setattr__(self, "_name", name)

    def __setattr__(self, name: str, value: Any) -> None:
        _call(self._sheet, f"{self._name}.{name}=", value)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)

        def method(*args: Any, **kwargs: Any) -> Any:
            _call(self._sheet, f"{self._name}.{name}()", *map(str, args), *map(str, kwargs.values()))
            return Recorder(self._sheet, name)

        return method


class SheetCom:
    def __init__(self, sheet: Any):
        self._sheet = sheet

    @property
    def PageSetup(self) -> Recorder:  # noqa: N802 - COM's name
        _call(self._sheet, "Sheet.PageSetup")
        return Recorder(self._sheet, "PageSetup")

    @property
    def HPageBreaks(self) -> Recorder:  # noqa: N802
        _call(self._sheet, "Sheet.HPageBreaks")
        return Recorder(self._sheet, "HPageBreaks")

    def ResetAllPageBreaks(self) -> None:  # noqa: N802
        _call(self._sheet, "Sheet.ResetAllPageBreaks()")

    def Range(self, address: str) -> str:  # noqa: N802
        _call(self._sheet, "Sheet.Range()", address)
        return address

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            return super().__setattr__(name, value)
        _call(self._sheet, f"Sheet.{name}=", value)

    @property
    def Cells(self) -> Any:  # noqa: N802 - COM's name
        _call(self._sheet, "Sheet.Cells")
        return types.SimpleNamespace(FormatConditions=FormatConditions(self._sheet, None))


class RangeCom:
    def __init__(self, rng: Any):
        self._range = rng

    @property
    def FormatConditions(self) -> Any:  # noqa: N802
        _call(self._range.sheet, "Range.FormatConditions", self._range.address)
        r = self._range
        area = (r.row, r.column, r.row + r.shape[0] - 1, r.column + r.shape[1] - 1)
        return FormatConditions(r.sheet, area)


class FormatConditions:
    def __init__(self, sheet: Any, area: tuple[int, int, int, int] | None):
        self._sheet, self._area = sheet, area

    @property
    def Count(self) -> int:  # noqa: N802
        _call(self._sheet, "FormatConditions.Count")
        return len(rules(self._sheet))

    def Item(self, i: int) -> Rule:  # noqa: N802
        _call(self._sheet, "FormatConditions.Item", i)
        return Rule(self._sheet, rules(self._sheet)[i - 1])

    def Add(self, Type: int, Formula1: str) -> Rule:  # noqa: N802, N803
        _call(self._sheet, "FormatConditions.Add", Type, Formula1)
        rule = {"applies_to": self._area, "formula": Formula1, "color": None}
        rules(self._sheet).append(rule)
        return Rule(self._sheet, rule)


class Rule:
    def __init__(self, sheet: Any, rule: dict):
        self._sheet, self._rule = sheet, rule

    @property
    def Formula1(self) -> str:  # noqa: N802
        _call(self._sheet, "FormatCondition.Formula1")
        if self._rule["formula"] is None:
            raise AttributeError("Formula1")  # data bars, colour scales: COM raises
        return self._rule["formula"]

    def Delete(self) -> None:  # noqa: N802
        _call(self._sheet, "FormatCondition.Delete")
        rules(self._sheet).remove(self._rule)

    @property
    def Interior(self) -> Any:  # noqa: N802
        _call(self._sheet, "FormatCondition.Interior")
        rule, sheet = self._rule, self._sheet

        class Interior:
            def __setattr__(self, name: str, value: Any) -> None:
                _call(sheet, f"Interior.{name}=", value)
                rule["color"] = value

        return Interior()


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


_RULE = re.compile(r'FIND\("\|"&COLUMN\(\)&"(\w)\|",INDEX\((\w+),ROW\(\)\)\)')


def highlighted(book: Any, sheet: Any) -> dict[tuple[int, int], str]:
    """(row, col) -> "RRGGBB" of the cells `sheet`'s rules colour, evaluated as Excel would: a rule's name
    read through the book's namesAdd action, that sheet's column A as it stands after the click's writes."""
    acts = book.json()["actions"]
    names = {a["args"][0]: a["args"][1] for a in acts if a["func"] == "namesAdd"}
    out: dict[tuple[int, int], str] = {}
    for rule in rules(sheet):
        found = _RULE.search(rule["formula"] or "")
        if not found or rule["color"] is None:
            continue
        kind, name = found.groups()
        target = names[name].lstrip("=").split("!")[0].strip("'")
        marks = column_a(book, target)
        r1, c1, r2, c2 = rule["applies_to"]
        color = rule["color"]
        rgb = f"{color & 0xFF:02X}{(color >> 8) & 0xFF:02X}{color >> 16:02X}"
        for r, mark in marks.items():
            for c in range(c1, c2 + 1):
                if r1 <= r <= r2 and f"|{c}{kind}|" in mark and (r, c) not in out:
                    out[(r, c)] = rgb
    return out


def column_a(book: Any, name: str) -> dict[int, str]:
    """Column A of a sheet after the click: the payload's values, then every setValues on it, in order."""
    sheet = book.sheets[name]
    col: dict[int, str] = {}
    for i, row in enumerate(sheet.impl.api.get("values") or [], start=1):  # the payload's sheet
        if row and row[0] not in (None, ""):
            col[i] = row[0]
    for a in book.json()["actions"]:
        if a["func"] == "setValues" and a["sheet_position"] == sheet.index - 1 and a["start_column"] == 0:
            for i, row in enumerate(a["values"], start=a["start_row"] + 1):
                if row[0] in (None, ""):
                    col.pop(i, None)
                else:
                    col[i] = row[0]
    return col
