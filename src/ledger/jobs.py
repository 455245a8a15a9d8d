"""The operations behind the buttons and commands, on a loaded Ledger.

Each job returns its result (for JSON and messages) and the `Changes` it would
make to the workbook; the adapters (file writer, xlwings) apply the changes.
Nothing here touches a file or Excel.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

from .allocation import without_gc
from .callback_list import callback_list_layout, record_forms_layout, tool_column_values
from .callbacks import CallbackReport, assess
from .layout import SheetLayout
from .log import log_row, sample_seeds
from .models import Ledger, Problem
from .sampling import default_seed, household_survey
from .validation import ValidationReport, validate
from .vocab import CATEGORIES
from .windows import month_bounds

ERROR_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"


_BUILT_LATE = frozenset({"sheets", "tool_values", "cell_fills"})


@dataclass
class Changes:
    """What a job writes: whole sheets, the tool columns, highlights, Log rows.

    A job may `defer` building the sheets, tool columns and highlights: they are
    built the first time one of them is read, so `--format json` without
    `--write` never builds the 300k-entry tool columns or the printable sheets.
    """
    sheets: list[SheetLayout] = field(default_factory=list)
    tool_values: dict[str, dict[int, Any]] | None = None
    cell_fills: dict[tuple[int, int], str] = field(default_factory=dict)
    log_rows: list[list[Any]] = field(default_factory=list)
    _pending: list[Callable[["Changes"], None]] = field(default_factory=list, repr=False, compare=False)

    def defer(self, build: Callable[["Changes"], None]) -> "Changes":
        """Run `build(self)` just before sheets, tool_values or cell_fills are first read."""
        self._pending.append(build)
        return self

    def __getattribute__(self, name: str) -> Any:
        if name in _BUILT_LATE:
            pending = object.__getattribute__(self, "_pending")
            while pending:
                pending.pop(0)(self)
        return object.__getattribute__(self, name)

    def merge(self, other: "Changes") -> "Changes":
        self.sheets.extend(other.sheets)
        if other.tool_values is not None:
            self.tool_values = other.tool_values
        self.cell_fills.update(other.cell_fills)
        self.log_rows.extend(other.log_rows)
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


def _shared(shared: Assessed | None, ledger: Ledger, as_of: dt.date) -> Assessed:
    return shared if shared is not None and shared.as_of == as_of else assessed(ledger, as_of)


@without_gc
def validate_job(ledger: Ledger, today: dt.date, *, shared: Assessed | None = None
                 ) -> tuple[ValidationReport, Changes]:
    done = _shared(shared, ledger, today)
    report = done.validation

    def build(changes: Changes) -> None:
        changes.tool_values = done.tool_values(ledger)
        changes.cell_fills = cell_fills(ledger, report.problems)

    changes = Changes().defer(build)
    changes.log_rows.append(log_row("validate", {"as_of": today.isoformat()},
                                    {"rows": report.rows, "valid_rows": report.valid_rows,
                                     "errors": len(report.errors),
                                     "warnings": len(report.problems) - len(report.errors)}))
    return report, changes


@without_gc
def callbacks_json(report: CallbackReport) -> dict[str, Any]:
    """The callbacks document; one dict per case, so built with the collector paused (allocation.py)."""
    iso: dict[dt.date, str] = {}   # a few hundred distinct window days, written once each

    def day(d: dt.date | None) -> str | None:
        if d is None:
            return None
        text = iso.get(d)
        if text is None:
            text = iso[d] = d.isoformat()
        return text

    return {
        "as_of": report.as_of.isoformat(),
        "cases": [{
            "case_id": a.case.case_id,
            "row": a.case.row,
            "category": a.case.category,
            "status": a.status,
            "window_start": day(a.window_start),
            "window_due": day(a.window_due),
            "sampled": a.sampled,
            "assignee_role": a.assignee_role,
            "suggested_method": a.suggested_method,
            "suggested_severity": a.suggestion.severity if a.suggestion else None,
            "closure": a.closure,
        } for a in report.assessments],
        "counts": report.counts(),
        "problems": [p.model_dump(include={"sheet", "row", "column", "code", "severity", "message"})
                     for p in report.problems],
    }


def implied_draw_rows(report: CallbackReport, seeds: dict[str, int], by: str,
                      skip: str | None = None) -> list[list[Any]]:
    """Log rows for months whose draw is written for the first time (new random picks, no seed logged yet).

    Writing the tool columns records every month's draw; each such month's seed
    must then be in the Log, or a later `sample --seed` would claim a draw it did not make.
    """
    months = sorted({m for (_, m), d in report.draws.items() if d.new and m not in seeds and m != skip})
    rows = []
    for month in months:
        drawn = {c: [x.case_id for x in d.drawn] for (c, m), d in sorted(report.draws.items()) if m == month}
        rows.append(log_row("sample", {"month": month, "seed": default_seed(month), "write": True, "by": by},
                            {"drawn": drawn}))
    return rows


@without_gc
def callbacks_job(ledger: Ledger, as_of: dt.date, *, forms: bool = True, shared: Assessed | None = None
                  ) -> tuple[CallbackReport, ValidationReport, Changes]:
    """Statuses as of a date, the callback list (+ record forms) sheets, the draws it implies logged."""
    seeds = seeds_of(ledger)
    done = _shared(shared, ledger, as_of)
    report, validation = done.report, done.validation

    def build(changes: Changes) -> None:
        changes.sheets = [callback_list_layout(report, ledger, ledger.lang)]
        if forms:
            changes.sheets.append(record_forms_layout(report, ledger, ledger.lang))
        changes.tool_values = done.tool_values(ledger)

    changes = Changes().defer(build)
    changes.log_rows.extend(implied_draw_rows(report, seeds, "callbacks"))
    counts = report.counts()
    changes.log_rows.append(log_row("callbacks", {"as_of": as_of.isoformat()},
                                    {k: v for k, v in counts.items() if v}))
    return report, validation, changes


@without_gc
def sample_job(ledger: Ledger, month: str, seed: int | None, as_of: dt.date, *,
               shared: Assessed | None = None) -> tuple[dict[str, Any], Changes]:
    """Draw the samples of the cases completed in `month` (SPEC §5)."""
    month_bounds(month)  # validates the month
    seeds = seeds_of(ledger)
    if month in seeds and seed is not None and seed != seeds[month]:
        used = seeds[month]  # a month keeps the seed of its first written draw: top-up only
    else:
        used = seed if seed is not None else seeds.get(month, default_seed(month))
    same_day = shared is not None and shared.as_of == as_of
    if same_day and used == seeds.get(month, default_seed(month)):
        report = shared.report   # assessed() drew with the same seeds: each month's logged or default one
    else:
        report = assess(ledger, as_of, {**seeds, month: used})
    validation = shared.validation if same_day else validate(ledger, as_of, report.suggestions)
    drawn: dict[str, list[str]] = {}
    required: dict[str, int] = {}
    population: dict[str, int] = {}
    new: dict[str, list[str]] = {}
    for key in CATEGORIES.keys():   # categories with cases to call back in the month, in vocabulary order
        d = report.draws.get((key, month))
        if d is None:
            continue
        drawn[key] = [c.case_id for c in d.drawn]
        required[key] = d.required
        population[key] = len(d.population)
        new[key] = [c.case_id for c in d.new]
    result: dict[str, Any] = {"month": month, "seed": used, "drawn": drawn, "required": required,
                              "population": population, "new": new}
    if seed is not None and used != seed:
        result["seed_requested"] = seed
    if month[5:] in SURVEY_MONTHS:
        result["survey"] = survey(ledger, used)
    done = shared if same_day and report is shared.report else Assessed(as_of, report, validation)
    changes = Changes().defer(lambda ch: setattr(ch, "tool_values", done.tool_values(ledger)))
    changes.log_rows.extend(implied_draw_rows(report, seeds, "sample", skip=month))
    log_result: dict[str, Any] = {"drawn": drawn, "required": required, "new": new}
    if "survey" in result:
        log_result["survey"] = result["survey"]["units"]
    changes.log_rows.append(log_row("sample", {"month": month, "seed": used, "write": True}, log_result))
    return result, changes


SURVEY_MONTHS = ("01", "07")


def survey(ledger: Ledger, seed: int) -> dict[str, Any]:
    """The half-yearly written survey (SPEC §5): ≥ the Settings rate of households, stratified by building.

    Households are the units the ledger names (the ledger holds no household register).
    """
    units = [c.unit for c in ledger.cases if c.unit]
    picked = household_survey(units, ledger.settings.survey_rate, seed)
    return {"rate": ledger.settings.survey_rate, "households": len({u.strip() for u in units if u.strip()}),
            "units": picked}


@without_gc
def month_end_job(ledger: Ledger, month: str, as_of: dt.date) -> tuple[dict[str, Any], Changes]:
    """validate, sample `month`, callbacks and the month's statistics in one run, one write.

    The same Changes as running the four jobs one after another on this ledger
    and merging them in that order, with the statuses and problems computed once.
    """
    from .stats_sheet import stats_job

    shared = assessed(ledger, as_of)
    validation, changes = validate_job(ledger, as_of, shared=shared)
    sample, more = sample_job(ledger, month, None, as_of, shared=shared)
    changes.merge(more)
    report, _, more = callbacks_job(ledger, as_of, shared=shared)
    changes.merge(more)
    stats, more = stats_job(ledger, month, as_of, report=shared.report)
    changes.merge(more)
    return {"validation": validation, "sample": sample, "callbacks": report, "stats": stats}, changes
