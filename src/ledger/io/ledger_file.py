"""Applying a job's Changes to a ledger file, safely (see io.package, io.safe_write)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ledger.core.allocation import without_gc
from ledger.core.changes import Changes
from ledger.core.columns import TOOL_COLUMNS
from ledger.core.log import LOG_HEADERS, LOG_SHEET, sheet_rows
from ledger.core.models import Ledger
from ledger.io.package import CaseSheetPatch, ColumnPatch, save_changes
from ledger.io.safe_write import check_writable
from ledger.io.writer_lock import check_unchanged, fingerprint, ledger_write_lock
from ledger.sheets.settings_sheet import settings_layout

TOOL_HEADER_FILL = "FFE699"
TOOL_WIDTHS = {
    "window_start": 11,
    "window_due": 11,
    "callback_status": 10,
    "sampled": 8,
    "sample_reason": 12,
    "suggested_severity": 9,
    "problems": 40,
    "follow_up": 30,
}


def tool_patch(ledger: Ledger, values: dict[str, dict[int, Any]], fills: dict[tuple[int, int], str]):
    """The tool columns as a case-sheet patch; the job's value dicts are handed over as they are
    (plain values, dates formatted by io.package), not copied into a cell object each.

    Each tool column goes back where the reader found it by field (its header in any of the three
    languages), so a ledger whose Settings language changed keeps one set of tool columns."""
    lang = ledger.lang
    columns = [
        ColumnPatch(
            header=col.label(lang),
            cells=values.get(col.field, {}),
            header_fill=TOOL_HEADER_FILL,
            width=TOOL_WIDTHS.get(col.field),
            column=ledger.columns.get(col.field),
        )
        for col in TOOL_COLUMNS
    ]
    return CaseSheetPatch(sheet=ledger.sheet, header_row=ledger.header_row, columns=columns, highlights=fills)


@without_gc
def apply_changes(path: str | Path, ledger: Ledger, changes: Changes, out_path: str | Path | None = None):
    """Write the changes into the ledger (atomically, with a backup) or into `out_path`.

    One writer at a time (io.writer_lock), and the ledger must still be the file that was
    read: checked after the new copy is verified, just before the swap.
    """
    layouts = list(changes.sheets or [])
    if not ledger.has_settings:  # a clerk's own workbook gets its Settings sheet on the first write (issue 13.6)
        layouts.append(settings_layout(ledger.settings, ledger.lang))
    log_name = next((n for n in ledger.sheet_names if n in LOG_SHEET.values()), None) or LOG_SHEET.get(
        ledger.lang, LOG_SHEET["zh-Hans"]
    )
    append: dict[str, list[list[Any]]] = {}
    if changes.log_rows:
        # io.package contract: the first row is the header, written only into a new or empty sheet
        append[log_name] = [
            LOG_HEADERS.get(ledger.lang, LOG_HEADERS["zh-Hans"]),
            *sheet_rows(changes.log_rows, ledger.lang),
        ]
    patch = tool_patch(ledger, changes.tool_values, changes.cell_fills) if changes.tool_values is not None else None
    if changes.clerk_cells:  # `ledger record`: the one job that writes the clerk's own cells
        if patch is None:
            patch = tool_patch(ledger, {}, {})
            patch.columns, patch.highlights = [], None
        patch.cells = dict(changes.clerk_cells)
    source = ledger.source if out_path is None else None
    if out_path is None:
        check_writable(path)  # open in Excel, read-only: refused before even a lock file is made
    with ledger_write_lock(path):
        return save_changes(
            path,
            layouts=layouts,
            case_patch=patch,
            append_rows=append,
            keep_backups=ledger.settings.keep_backups,
            out_path=Path(out_path) if out_path else None,
            verify_fn=lambda _tmp: check_unchanged(path, source),
        )


def log_at_once(path: str | Path, ledger: Ledger, changes: Changes) -> None:
    """Write Log rows now (a send's attempt, before the mail goes out: jobs.send's `log_now`) and take the
    file as written as the one read, so the outcome written after it passes the unchanged check."""
    apply_changes(path, ledger, changes)
    ledger.source = fingerprint(path)
