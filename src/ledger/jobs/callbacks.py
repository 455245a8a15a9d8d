"""生成回访清单: statuses as of a date, the callback list and record forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ledger.core.allocation import without_gc
from ledger.core.callbacks import CallbackReport
from ledger.core.changes import Assessed, Changes, cell_fills, seeds_of, shared_or_assessed
from ledger.core.log import log_row
from ledger.core.models import Ledger
from ledger.core.sampling import default_seed
from ledger.core.validation import ValidationReport
from ledger.sheets.callback_list import callback_list_layout, record_forms_layout


@without_gc
def callbacks_json(report: CallbackReport) -> dict[str, Any]:
    """The callbacks document; one dict per case, so built with the collector paused (allocation.py)."""
    iso: dict[dt.date, str] = {}  # a few hundred distinct window days, written once each

    def day(d: dt.date | None) -> str | None:
        if d is None:
            return None
        text = iso.get(d)
        if text is None:
            text = iso[d] = d.isoformat()
        return text

    return {
        "as_of": report.as_of.isoformat(),
        "cases": [
            {
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
            }
            for a in report.assessments
        ],
        "counts": report.counts(),
        "follow_ups": [f.as_json() for f in report.follow_ups],
        "problems": [
            p.model_dump(include={"sheet", "row", "column", "code", "severity", "message"}) for p in report.problems
        ],
    }


def implied_draw_rows(
    report: CallbackReport, seeds: dict[str, int], by: str, skip: str | None = None
) -> list[list[Any]]:
    """Log rows for months whose draw is written for the first time (new random picks, no seed logged yet).

    Writing the tool columns records every month's draw; each such month's seed
    must then be in the Log, or a later `sample --seed` would claim a draw it did not make.
    """
    months = sorted({m for (_, m), d in report.draws.items() if d.new and m not in seeds and m != skip})
    rows = []
    for month in months:
        drawn = {c: [x.case_id for x in d.drawn] for (c, m), d in sorted(report.draws.items()) if m == month}
        rows.append(
            log_row("sample", {"month": month, "seed": default_seed(month), "write": True, "by": by}, {"drawn": drawn})
        )
    return rows


@without_gc
def callbacks_job(
    ledger: Ledger, as_of: dt.date, *, forms: bool = True, shared: Assessed | None = None
) -> tuple[CallbackReport, ValidationReport, Changes]:
    """Statuses as of a date, the callback list (+ record forms) sheets, the draws it implies logged."""
    seeds = seeds_of(ledger)
    done = shared_or_assessed(shared, ledger, as_of)
    report, validation = done.report, done.validation

    def build(changes: Changes) -> None:
        changes.sheets = [callback_list_layout(report, ledger, ledger.lang)]
        if forms:
            changes.sheets.append(record_forms_layout(report, ledger, ledger.lang))
        changes.tool_values = done.tool_values(ledger)
        changes.cell_fills = cell_fills(ledger, validation.problems)  # the highlights stay in step with 问题

    changes = Changes().defer(build)
    changes.log_rows.extend(implied_draw_rows(report, seeds, "callbacks"))
    counts = report.counts()
    changes.log_rows.append(log_row("callbacks", {"as_of": as_of.isoformat()}, {k: v for k, v in counts.items() if v}))
    return report, validation, changes
