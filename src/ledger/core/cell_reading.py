"""Cell values into case attributes, a column at a time (the reader's inner loop); ColumnGrid, a sheet held
column by column.

Ledger columns repeat a handful of values (categories, aspects, the same dates), so
each column converts each distinct value once and maps the column through the results.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from itertools import compress, count, repeat
from operator import itemgetter
from typing import Any

from ledger.core import vocab
from ledger.core.dates import EXCEL_ERRORS, is_excel_error, parse_when
from ledger.core.vocab import fold

_MISSING = object()
# The only cell types whose values compare equal across types (1 == 1.0 == True).
_NUMERIC = frozenset({bool, int, float})
_first = itemgetter(0)


class ColumnGrid:
    """A sheet held column by column, blanks as None: how a file's sheets are read.

    It answers as a grid of rows (len, index, slice, iteration), building rows on
    request, so the header search and small sheets read it like any other grid,
    while the case rows are taken a whole column at a time without row lists.
    `values`, where known, holds for each column a dict whose keys include every
    value in it (and maybe others), so they need not be collected again.
    """

    def __init__(self, columns: list[list[Any]], height: int, values: list[dict | None] | None = None):
        self.columns = columns
        self.height = height
        self.values = values or []

    def __len__(self) -> int:
        return self.height

    def __iter__(self):
        return map(list, zip(*self.columns)) if self.columns else iter([[] for _ in range(self.height)])

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.height))]
        if index < 0:
            index += self.height
        if not 0 <= index < self.height:
            raise IndexError(index)
        return [col[index] for col in self.columns]

    def column(self, index: int, start: int = 0) -> list[Any]:
        """Cells of one column from row `start` (0-based) down; None beyond the sheet's width."""
        if index < len(self.columns):
            return self.columns[index][start:]
        return [None] * max(self.height - start, 0)

    def distinct(self, index: int) -> dict | None:
        """A dict whose keys include every value of the column, if known."""
        if index >= len(self.columns):
            return {None: None}
        return self.values[index] if index < len(self.values) else None

    def put(self, row: int, col: int, value: Any) -> None:
        """Set one cell, widening the sheet if it lies beyond the last column."""
        while len(self.columns) <= col:
            self.columns.append([None] * self.height)
            if self.values:
                self.values.append({None: None})
        self.columns[col][row] = value
        if col < len(self.values) and self.values[col] is not None:
            self.values[col].setdefault(value, value)


def body_columns(grid: Any, start: int) -> Callable[[int], list[Any]]:
    """index -> the cells of that column from row `start` (0-based) down, each column built once."""
    cache: dict[int, list[Any]] = {}
    if isinstance(grid, ColumnGrid):

        def whole_column(index: int) -> list[Any]:
            if index not in cache:
                cache[index] = grid.column(index, start)
            return cache[index]

        return whole_column
    body = grid[start:]
    shortest = min(map(len, body), default=0)

    def whole_column(index: int) -> list[Any]:
        if index not in cache:
            cache[index] = list(map(itemgetter(index), body)) if index < shortest else _column(body, index)
        return cache[index]

    return whole_column


def blank_rows(columns, height: int) -> list[int]:
    """Positions (0-based) where every one of `columns` is blank (None or "")."""
    candidates: list[int] | None = None
    for col in columns:
        if candidates is None:
            candidates = [i for i, v in enumerate(col) if v is None or v == ""]
        else:
            candidates = [i for i in candidates if col[i] is None or col[i] == ""]
        if not candidates:
            return []
    return list(range(height)) if candidates is None else candidates


def _column(rows: list[list[Any]], index: int) -> list[Any]:
    return [row[index] if index < len(row) else None for row in rows]


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    s = str(value).strip()
    return s or None


def convert(
    column, raw: list[Any], finishes: list[Any], distinct: dict | None = None, order: str = "ymd"
) -> tuple[list[list[Any]], list[tuple[int, str, Any]]]:
    """The column converted once per finishing function (None: as converted), and the
    unreadable cells as (index, problem code, shown value). `distinct`, if given, has
    every value of `raw` among its keys.

    Each distinct value converts once and the column maps through the results.
    Values of different types that compare equal (1 == 1.0 == True) must not
    share a result, so a column holding more than one numeric type takes the
    per-cell path keyed by (type, value).
    """
    if distinct is None:
        distinct = dict.fromkeys(raw)
    if _NUMERIC.intersection(map(type, distinct)) and len(_NUMERIC.intersection(map(type, raw))) > 1:
        return _convert_mixed(column, raw, finishes, order)
    results = _convert_distinct(column, distinct, order)
    failing = {value: result[1] for value, result in results.items() if result[1]}
    bad = [(i, failing[value], as_text(value)) for i, value in _cells_holding(raw, failing)] if failing else []
    outputs = []
    for finish in finishes:
        converted = map(_first, results.values())
        table = dict(zip(results, converted if finish is None else map(finish, converted)))
        outputs.append(list(map(table.__getitem__, raw)))
    return outputs, bad


def _cells_holding(raw: list[Any], values: dict[Any, Any]) -> list[tuple[int, Any]]:
    """(index, cell) of each cell of `raw` equal to one of `values`, in order.

    Often the only such value is the header's own text, absent from the rows:
    a few C-level scans of the list then beat a dict look-up per cell.
    """
    if len(values) > 8:
        return [(i, raw[i]) for i in compress(count(), map(values.__contains__, raw))]
    found = []
    for value in values:
        i = -1
        while True:
            try:
                i = raw.index(value, i + 1)
            except ValueError:
                break
            found.append((i, raw[i]))
    return sorted(found, key=_first)


def _convert_distinct(column, distinct: dict[Any, None], order: str = "ymd") -> dict[Any, tuple[Any, str | None]]:
    """value -> (converted, problem code or None) for each distinct cell value."""
    kind = column.kind
    blank = (None, None)
    if kind in ("date", "datetime", "enum", "int", "bool") or str not in set(map(type, distinct)):
        return {
            value: blank if value is None or value == "" else _convert_one(column, kind, value, order)
            for value in distinct
        }
    # text: a string is itself, stripped, unless it strips to nothing or is an Excel error
    strings = [v for v in distinct if type(v) is str]
    stripped = list(map(str.strip, strings))
    results = dict(zip(strings, zip(stripped, repeat(None))))
    if "" in stripped or not EXCEL_ERRORS.isdisjoint(map(str.upper, stripped)):
        for value, s in zip(strings, stripped):
            if not s or s.upper() in EXCEL_ERRORS:
                results[value] = blank if value == "" else _convert_one(column, kind, value)
    for value in distinct:
        if type(value) is not str:
            results[value] = blank if value is None else _convert_one(column, kind, value)
    return results


def _convert_mixed(
    column, raw: list[Any], finishes: list[Any], order: str = "ymd"
) -> tuple[list[list[Any]], list[tuple[int, str, Any]]]:
    kind = column.kind
    cache: dict[Any, Any] = {}
    out: list[Any] = []
    bad: list[tuple[int, str, Any]] = []
    for i, value in enumerate(raw):
        if value is None or value == "":
            out.append(None)
            continue
        key = (type(value), value)
        hit = cache.get(key, _MISSING)
        if hit is _MISSING:
            hit = cache[key] = _convert_one(column, kind, value, order)
        converted, code = hit
        if code:
            bad.append((i, code, as_text(value)))
        out.append(converted)
    return [out if finish is None else list(map(finish, out)) for finish in finishes], bad


def _convert_one(column, kind: str, value: Any, order: str = "ymd") -> tuple[Any, str | None]:
    if kind not in ("date", "datetime") and is_excel_error(value):
        return None, "cell.error_value"
    if kind in ("date", "datetime"):
        when = parse_when(value, order)
        return (None, when.error) if when.error else (when, None)
    if kind == "enum":
        term = column.vocabulary.parse(value)
        return (None, "cell.unknown_value") if term is None else (term.key, None)
    if kind == "int":
        number = as_int(value)
        return (None, "cell.not_integer") if number is None else (number, None)
    if kind == "bool":
        flag = as_bool(value)
        return (None, "cell.not_boolean") if flag is None else (flag, None)
    return as_text(value), None


def as_int(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return int(raw) if float(raw).is_integer() else None
    s = fold(str(raw)).rstrip("人次")
    try:
        f = float(s)
    except ValueError:
        return None
    return int(f) if f.is_integer() else None


_SAMPLED_TRUE = {
    fold(s) for s in ("抽中", "已抽中", "抽样", "是", "✓", "√", "y", "yes", "true", "1", "drawn", "sampled")
}


def as_bool(raw: Any) -> bool | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)):
        return bool(raw)
    s = fold(str(raw))
    if s in vocab.BOOLEAN_TRUE or s in _SAMPLED_TRUE:
        return True
    if s in vocab.BOOLEAN_FALSE or s in ("未抽中",):
        return False
    return None
