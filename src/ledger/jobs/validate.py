"""校验台账: the problems of every row, as tool columns and highlights."""

from __future__ import annotations

import datetime as dt

from ledger.core.allocation import without_gc
from ledger.core.changes import Assessed, Changes, cell_fills, shared_or_assessed
from ledger.core.log import log_row
from ledger.core.models import Ledger
from ledger.core.suspicions import find_suspicions
from ledger.core.validation import ValidationReport


@without_gc
def validate_job(ledger: Ledger, today: dt.date, *, shared: Assessed | None = None) -> tuple[ValidationReport, Changes]:
    done = shared_or_assessed(shared, ledger, today)
    report = done.validation
    report.suspicions = find_suspicions(ledger, done.report)

    def build(changes: Changes) -> None:
        changes.tool_values = done.tool_values(ledger)
        changes.cell_fills = cell_fills(ledger, report.problems)

    changes = Changes().defer(build)
    changes.log_rows.append(
        log_row(
            "validate",
            {"as_of": today.isoformat()},
            {
                "rows": report.rows,
                "valid_rows": report.valid_rows,
                "errors": len(report.errors),
                "warnings": len(report.problems) - len(report.errors),
            },
        )
    )
    return report, changes
