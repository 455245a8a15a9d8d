"""月度统计: month M's statistics, its sheet and a Log row."""

from __future__ import annotations

import datetime as dt

from ledger.core.allocation import without_gc
from ledger.core.callbacks import CallbackReport, assess
from ledger.core.changes import Assessed, Changes, cell_fills, seeds_of
from ledger.core.log import log_row
from ledger.core.models import Ledger
from ledger.core.stats import MonthStats, compute
from ledger.core.validation import validate
from ledger.sheets.feedback_sheet import feedback_layout
from ledger.sheets.stats_sheet import sheet_name, stats_layout


@without_gc
def stats_job(
    ledger: Ledger,
    month: str,
    as_of: dt.date,
    *,
    report: CallbackReport | None = None,
    shared: Assessed | None = None,
) -> tuple[MonthStats, Changes]:
    """Month M's statistics, its sheet (replacing only that month's sheet on --write) and a Log row.

    `report`: assess(ledger, as_of, seeds_of(ledger)) when the caller has it already; `shared`:
    the whole assessment of the run. Like every writing job it also rewrites the tool columns
    and the highlights, so the 问题 column and the colours never disagree (issue 13.5).
    """
    if shared is not None and shared.as_of == as_of:
        report = shared.report
    report = report if report is not None else assess(ledger, as_of, seeds_of(ledger))
    result = compute(ledger, month, as_of, report=report)

    def build(changes: Changes) -> None:
        # the month's statistics, then its feedback to departments (004 5.6.5)
        changes.sheets.extend([stats_layout(result, ledger.lang, ledger), feedback_layout(ledger, month, ledger.lang)])
        done = shared
        if done is None or done.as_of != as_of:
            done = Assessed(as_of, report, validate(ledger, as_of, report.suggestions))
        changes.tool_values = done.tool_values(ledger)
        changes.cell_fills = cell_fills(ledger, done.validation.problems)

    changes = Changes().defer(build)
    total = result.compliance_total()
    changes.log_rows.append(
        log_row(
            "stats",
            {"month": month, "as_of": as_of.isoformat()},
            {
                "sheet": sheet_name(month, ledger.lang),
                "received": sum(result.received.values()),
                "completed": sum(result.completed.values()),
                "open": sum(result.open.values()),
                "population": total.population,
                "on_time": total.on_time,
                "overdue": total.overdue,
                **result.headline(),
                **({"excluded": [e.row for e in result.excluded]} if result.excluded else {}),
            },
        )
    )
    return result, changes
