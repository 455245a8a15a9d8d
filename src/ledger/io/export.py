"""The monthly statistics export (SPEC §6): the statistics sheet alone, for head office.

Values only (the layout holds no formulas, and text that looks like one stays
text through render.put), native charts kept, phone numbers masked wherever a
clerk's text carries one, written to a temp file and swapped in with os.replace
so head office never receives half a file.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from ledger.core.models import Ledger
from ledger.core.stats import MonthStats
from ledger.io.render import render
from ledger.sheets.layout import SheetLayout
from ledger.sheets.stats_sheet import stats_layout

# Mainland mobiles (11 digits from 13x..19x, optional +86 / spaces / dashes) and landlines
# (0 + area code, then 7-8 digits). Digit runs longer than a number are left alone.
_MOBILE = re.compile(r"(?<![\d])((?:\+?86[ -]?)?1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?![\d])")
_LANDLINE = re.compile(r"(?<![\d-])(\(?0\d{2,3}\)?[ -]?)(\d{3,4})[ -]?(\d{4})(?![\d])")
_UNSAFE_FILE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def mask_phones(value: str) -> str:
    """`13812345678` → `138****5678`; `0755-83211234` → `0755-****1234`."""
    value = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", value)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", value)


def masked_layout(layout: SheetLayout) -> SheetLayout:
    """The same layout with every text cell's phone numbers masked."""

    def clean(v: Any) -> Any:
        return mask_phones(v) if isinstance(v, str) else v

    return dataclasses.replace(layout, rows=[[clean(v) for v in row] for row in layout.rows])


def export_name(office: str, month: str) -> str:
    safe = _UNSAFE_FILE_CHARS.sub("_", mask_phones(office)).strip(" .") or "office"
    return f"回访统计_{safe}_{month}.xlsx"


def export_path(target: str | Path, office: str, month: str) -> Path:
    """A folder (existing, or any path not ending in .xlsx) gets the standard name inside it."""
    target = Path(target)
    if target.suffix.lower() == ".xlsx" and not target.is_dir():
        return target
    return target / export_name(office, month)


def export_workbook(result: MonthStats, ledger: Ledger) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    render(masked_layout(stats_layout(result, ledger.lang, ledger)), book)
    book.properties.creator = "ledger"
    book.properties.title = export_name(result.office, result.month)[:-5]
    return book


def export_stats(result: MonthStats, ledger: Ledger, target: str | Path) -> Path:
    """Write the export and return its path; an existing file of the same name is replaced atomically."""
    path = export_path(target, result.office, result.month)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = export_workbook(result, ledger)
    fd, tmp_name = tempfile.mkstemp(prefix=".~export_", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        book.save(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
