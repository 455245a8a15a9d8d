"""The monthly statistics export (SPEC §6): the statistics sheet alone, for head office.

A very hidden `ledger_data` sheet carries the same figures for programs (export_data.py).

Values only (the layout holds no formulas, and text that looks like one stays
text through render.put), native charts kept, phone numbers masked wherever a
clerk's text carries one, written to a temp file and swapped in with os.replace
so head office never receives half a file.
"""

from __future__ import annotations

import dataclasses
import gc
import io
import os
import re
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from ledger.core.models import Ledger
from ledger.core.stats import MonthStats
from ledger.io.export_data import add_data_sheet
from ledger.io.render import render
from ledger.io.safe_write import fsync_file, write_error
from ledger.io.scratch import sweep, tag
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


def masked_doc(doc: Any) -> Any:
    """A JSON document with phone numbers masked in every string (a unit such as `3栋1101 13812345678`)."""
    if isinstance(doc, dict):
        return {k: masked_doc(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [masked_doc(v) for v in doc]
    return mask_phones(doc) if isinstance(doc, str) else doc


EXPORT_PREFIX = {"zh-Hans": "回访统计", "zh-Hant": "回訪統計", "en": "Callback statistics"}


def export_name(office: str, month: str, lang: str = "zh-Hans") -> str:
    """`回访统计_<office>_<YYYY-MM>.xlsx`, the first word in the workbook's script."""
    safe = _UNSAFE_FILE_CHARS.sub("_", mask_phones(office)).strip(" .") or "office"
    return f"{EXPORT_PREFIX.get(lang, EXPORT_PREFIX['zh-Hans'])}_{safe}_{month}.xlsx"


def export_path(target: str | Path, office: str, month: str, lang: str = "zh-Hans") -> Path:
    """A folder (existing, or any path not ending in .xlsx) gets the standard name inside it."""
    target = Path(target)
    if target.suffix.lower() == ".xlsx" and not target.is_dir():
        return target
    return target / export_name(office, month, lang)


def export_workbook(result: MonthStats, ledger: Ledger) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    render(masked_layout(stats_layout(result, ledger.lang, ledger)), book)
    add_data_sheet(book, masked_doc(result.as_json()))  # the same figures for programs (io/export_data.py)
    book.properties.creator = "ledger"
    book.properties.title = export_name(result.office, result.month, ledger.lang)[:-5]
    return book


def export_stats(result: MonthStats, ledger: Ledger, target: str | Path) -> Path:
    """Write the export and return its path; an existing file of the same name is replaced atomically."""
    path = export_path(target, result.office, result.month, ledger.lang)
    book = export_workbook(result, ledger)
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        sweep(path.parent)
        fd, tmp_name = tempfile.mkstemp(prefix=tag(".~export_"), suffix=".xlsx", dir=path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        buffer = io.BytesIO()  # built in memory (a few KB): a full disk fails our write, not openpyxl's zip
        book.save(buffer)
        tmp.write_bytes(buffer.getvalue())
        os.chmod(tmp, 0o666 & ~_umask())
        fsync_file(tmp)
        os.replace(tmp, path)
    except OSError as exc:  # a full disk or a read-only folder: one clear paragraph, no half file
        refusal = write_error(exc, path)
        _let_go_quietly(exc)
        raise refusal from None
    finally:
        if tmp is not None and tmp.exists():
            tmp.unlink()
    return path


def _let_go_quietly(exc: BaseException) -> None:
    """openpyxl's half-finished worksheet writers would print "Exception ignored ... Traceback" when
    collected (their temp file hit the same full disk): collect them now, with that report off."""
    traceback.clear_frames(exc.__traceback__)
    exc.__traceback__ = None
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
