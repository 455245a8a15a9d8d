"""What a month's figures can count (issue 13): cases that cannot be placed, figures without data.

A case whose key date is unreadable or missing, or whose category is unknown, is left out of
the figures and named (`excluded`); a figure whose column the ledger lacks has no data
(`missing_figures`), which the statistics show as null / 无数据, never as 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ledger.core.models import Case, Ledger


@dataclass
class Excluded:
    """A case that could not be placed in the month's figures (SPEC §9.1 `excluded`)."""

    row: int
    case_id: str | None
    column: str  # the header as the clerk wrote it
    code: str  # the problem code on that cell (row.required when it is blank)

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "case_id": self.case_id, "column": self.column, "code": self.code}


# Figures and the case columns each is built from: without one of them the figure is "no data", not 0.
FIGURE_COLUMNS: dict[str, tuple[str, ...]] = {
    "completed": ("completed_on",),
    "open": ("completed_on",),
    "by_class_severity": ("responsibility", "severity"),
    "by_aspect": ("aspect",),
    "compliance": ("completed_on", "callback_on"),
    "satisfaction": ("callback_on", "satisfaction"),
    "responded_24h": ("first_response_at",),
    "resolved_3_workdays": ("completed_on",),
    "median_days": ("completed_on",),
    # the clerk's severity against the suggestion, whose rules mostly ask "still unresolved after ...?"
    "severity_raised": ("severity", "completed_on"),
}
KEY_FIELDS = ("received_on", "category", "completed_on")


def missing_figures(ledger: Ledger) -> dict[str, list[str]]:
    """figure -> the case columns it needs that the ledger lacks (only figures lacking some)."""
    out = {}
    for figure, fields in FIGURE_COLUMNS.items():
        lacking = [f for f in fields if f not in ledger.columns]
        if lacking:
            out[figure] = lacking
    return out


def excluded_cases(ledger: Ledger, first: dt.date, last: dt.date) -> list[Excluded]:
    """Cases of the month that cannot be placed in its figures: key date unreadable or missing, category unknown.

    A case whose receipt date is unknown belongs to no month and is listed in every month
    until it is corrected; the others are listed in the months they touch (received by the
    month's end and not completed before it began).
    """
    field_of = {header: f for f, header in ledger.headers.items()}
    bad: dict[tuple[int, str], tuple[str, str]] = {}
    for p in ledger.problems:
        f = field_of.get(p.column or "")
        if p.sheet == ledger.sheet and p.row and f in KEY_FIELDS:
            bad.setdefault((p.row, f), (p.column or "", p.code))

    def why(case: Case, f: str) -> tuple[str, str]:
        header = ledger.headers.get(f) or f
        return bad.get((case.row, f), (header, "row.required"))

    out = []
    for c in ledger.cases:
        received = c.received_on
        if received is None:
            out.append(Excluded(c.row, c.case_id, *why(c, "received_on")))
            continue
        if received > last or (c.completed_on is not None and c.completed_on < first):
            continue
        if c.category is None:
            out.append(Excluded(c.row, c.case_id, *why(c, "category")))
        elif (c.row, "completed_on") in bad:
            out.append(Excluded(c.row, c.case_id, *why(c, "completed_on")))
    return out
