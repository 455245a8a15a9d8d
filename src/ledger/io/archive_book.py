"""The two openpyxl writes of archiving: the archive workbook, and the ledger with rows removed.

Removing rows is the one write that loads the whole ledger into openpyxl (io.package
cannot shift rows); jobs.archive refuses it where openpyxl would lose something
(io.guard.openpyxl_losses) and writes to a new file instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from ledger.core.changes import MARKS_SHEET
from ledger.sheets.cellrefs import runs


def write_archive_book(target: Path, sheet: str, header: list[Any], rows: list[list[Any]]) -> None:
    """A workbook of one sheet: the ledger's header in bold, frozen, then the archived rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for r in rows:
        ws.append(r)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    wb.save(target)


def write_without_rows(
    source: Path, target: Path, sheet: str, rows: list[int], log_name: str, log_header: list[str], entry: list[Any]
) -> None:
    """The ledger at `source` without the given Excel rows of `sheet`, one Log row added, saved to `target`."""
    wb = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm", rich_text=True)
    ws = wb[sheet]
    marks = wb[MARKS_SHEET] if MARKS_SHEET in wb.sheetnames else None  # Excel's highlights, row for row
    for first, last in runs(rows)[::-1]:
        ws.delete_rows(first, last - first + 1)
        if marks is not None:
            marks.delete_rows(first, last - first + 1)
    log = wb[log_name] if log_name in wb.sheetnames else wb.create_sheet(log_name)
    if log.max_row <= 1 and log.cell(1, 1).value is None:
        log.append(log_header)
    log.append(entry)
    wb.save(target)
