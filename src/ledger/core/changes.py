"""What a job would write, and the assessment the jobs of one run share.

Jobs return a `Changes`; the adapters (file writer, xlwings) apply it. It lives
in the core so that the io and xl layers depend on it without depending on jobs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ledger.core.callbacks import CallbackReport, assess
from ledger.core.log import sample_seeds
from ledger.core.models import Ledger, Problem
from ledger.core.tool_columns import tool_column_values
from ledger.core.validation import ValidationReport, validate


class Sheet(Protocol):
    """A generated sheet to write (ledger.sheets.layout.SheetLayout); the core only carries it."""

    name: str


ERROR_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"
# In every highlight rule the tool writes (the file's block, Excel's rules): always true, and the number
# marks the rule as the tool's, so each route finds and replaces the other's.
HIGHLIGHT_NUMBER = "424242"
HIGHLIGHT_MARK = f"ISNUMBER({HIGHLIGHT_NUMBER})"
# The very hidden sheet whose column A, row for row with the case sheet, names the cells Excel's highlight
# rules colour (xl.highlights); whatever removes case rows removes the same rows there.
MARKS_SHEET = "ledger_marks"


_BUILT_LATE = frozenset({"sheets", "tool_values", "cell_fills"})


@dataclass
class Changes:
    """What a job writes: whole sheets, the tool columns, highlights, Log rows.

    A job may `defer` building the sheets, tool columns and highlights: they are
    built the first time one of them is read, so `--format json` without
    `--write` never builds the 300k-entry tool columns or the printable sheets.
    """

    sheets: list[Sheet] = field(default_factory=list)
    tool_values: dict[str, dict[int, Any]] | None = None
    cell_fills: dict[tuple[int, int], str] = field(default_factory=dict)
    log_rows: list[list[Any]] = field(default_factory=list)
    clerk_cells: dict[tuple[int, int], Any] = field(default_factory=dict)  # `ledger record` only: (row, col) -> value
    _pending: list[Callable[[Changes], None]] = field(default_factory=list, repr=False, compare=False)

    def defer(self, build: Callable[[Changes], None]) -> Changes:
        """Run `build(self)` just before sheets, tool_values or cell_fills are first read."""
        self._pending.append(build)
        return self

    def __getattribute__(self, name: str) -> Any:
        if name in _BUILT_LATE:
            pending = object.__getattribute__(self, "_pending")
            while pending:
                pending.pop(0)(self)
        return object.__getattribute__(self, name)

    def merge(self, other: Changes) -> Changes:
        self.sheets.extend(other.sheets)
        if other.tool_values is not None:
            self.tool_values = other.tool_values
        self.cell_fills.update(other.cell_fills)
        self.log_rows.extend(other.log_rows)
        self.clerk_cells.update(other.clerk_cells)
        return self


def seeds_of(ledger: Ledger) -> dict[str, int]:
    return sample_seeds(ledger.log)


def cell_fills(ledger: Ledger, problems: list[Problem]) -> dict[tuple[int, int], str]:
    """Highlight the clerk's cells that have problems: red for errors, yellow for warnings."""
    col_by_header = {ledger.headers.get(f, ""): c for f, c in ledger.columns.items()}
    fills: dict[tuple[int, int], str] = {}
    for p in problems:
        if p.sheet != ledger.sheet or not p.row or not p.column or p.column not in col_by_header:
            continue
        key = (p.row, col_by_header[p.column])
        if p.severity == "error" or key not in fills:
            fills[key] = ERROR_FILL if p.severity == "error" else WARNING_FILL
    return fills


@dataclass
class Assessed:
    """One assess and one validate of a ledger as of a date, shared by the jobs of one run.

    Every job needs the callback statuses (for the tool columns) and the
    problems; computed once here, a month-end run of four jobs does not
    compute them four times. Pass it to a job only for the same, unchanged ledger.
    """

    as_of: dt.date
    report: CallbackReport
    validation: ValidationReport
    _tool_values: dict[str, dict[int, Any]] | None = field(default=None, repr=False, compare=False)

    def tool_values(self, ledger: Ledger) -> dict[str, dict[int, Any]]:
        """The tool columns of this report and these problems, built once for all the jobs that write them."""
        if self._tool_values is None:
            self._tool_values = tool_column_values(ledger, self.report, self.validation.problems, ledger.lang)
        return self._tool_values


def assessed(ledger: Ledger, as_of: dt.date) -> Assessed:
    report = assess(ledger, as_of, seeds_of(ledger))
    return Assessed(as_of, report, validate(ledger, as_of, report.suggestions))


def shared_or_assessed(shared: Assessed | None, ledger: Ledger, as_of: dt.date) -> Assessed:
    return shared if shared is not None and shared.as_of == as_of else assessed(ledger, as_of)
