"""月度统计: month M's statistics, its sheet and a Log row."""

from __future__ import annotations

import datetime as dt

from ledger.core.allocation import without_gc
from ledger.core.callbacks import CallbackReport
from ledger.core.changes import Changes, seeds_of
from ledger.core.log import log_row
from ledger.core.models import Ledger
from ledger.core.stats import MonthStats, compute
from ledger.sheets.feedback_sheet import feedback_layout
from ledger.sheets.stats_sheet import sheet_name, stats_layout


@without_gc
def stats_job(
    ledger: Ledger, month: str, as_of: dt.date, *, report: CallbackReport | None = None
) -> tuple[MonthStats, Changes]:
    """Month M's statistics, its sheet (replacing only that month's sheet on --write) and a Log row.

    `report`: assess(ledger, as_of, seeds_of(ledger)) when the caller has it already.
    """
    result = compute(ledger, month, as_of, seeds_of(ledger), report=report)

    def build(ch: Changes) -> None:  # the month's statistics, then its feedback to departments (004 5.6.5)
        ch.sheets.extend([stats_layout(result, ledger.lang, ledger), feedback_layout(ledger, month, ledger.lang)])

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
            },
        )
    )
    return result, changes
