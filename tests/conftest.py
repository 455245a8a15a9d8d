"""Shared fixtures: real ledger files written with openpyxl, as clerks' ledgers are."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from ledger.core.columns import COLUMNS_BY_FIELD

CANONICAL = [c for c in COLUMNS_BY_FIELD]


def write_ledger(
    path: Path,
    rows: list[dict[str, Any]],
    *,
    lang: str = "zh-Hans",
    sheet: str = "案件台账",
    fields: list[str] | None = None,
    headers: dict[str, str] | None = None,
    title_rows: int = 0,
    settings: list[list[Any]] | None = None,
    extra_sheets: dict[str, list[list[Any]]] | None = None,
) -> Path:
    """A ledger file: one header row (after `title_rows` title lines), one row per dict keyed by field."""
    fields = fields or CANONICAL
    headers = headers or {}
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for i in range(title_rows):
        ws.append(["某某物业管理处 案件台账" if i == 0 else None])
    ws.append([headers.get(f, COLUMNS_BY_FIELD[f].label(lang) if f in COLUMNS_BY_FIELD else f) for f in fields])
    for row in rows:
        ws.append([row.get(f) for f in fields])
    if settings is not None:
        s = wb.create_sheet("设置")
        for r in settings:
            s.append(r)
    for name, grid in (extra_sheets or {}).items():
        s = wb.create_sheet(name)
        for r in grid:
            s.append(r)
    wb.save(path)
    return path


def case(
    case_id: str, category: str = "维修", received: Any = dt.date(2026, 10, 1), completed: Any = None, **more: Any
) -> dict[str, Any]:
    """A case row as a clerk would type it (labels, dates)."""
    row = {
        "case_id": case_id,
        "category": category,
        "received_on": received,
        "completed_on": completed,
        "unit": more.pop("unit", "3栋2单元1101"),
        "phone": more.pop("phone", "13812345678"),
    }
    row.update(more)
    return row


@pytest.fixture
def ledger_file(tmp_path):
    def make(rows, name="ledger.xlsx", **kw):
        return write_ledger(tmp_path / name, rows, **kw)

    return make


REQUIRE_LIBREOFFICE = "LEDGER_REQUIRE_LIBREOFFICE"


def find_soffice() -> str:
    """LibreOffice for tests that must see a real spreadsheet program open our files.

    On a developer's machine without it the test is skipped, with the reason shown (pytest -ra);
    where LEDGER_REQUIRE_LIBREOFFICE=1 (.ci/run, which installs it) a missing one is a failure.
    """
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        if os.environ.get(REQUIRE_LIBREOFFICE) == "1":
            pytest.fail(f"LibreOffice (soffice) is not on PATH and {REQUIRE_LIBREOFFICE}=1 requires it")
        pytest.skip(f"LibreOffice (soffice) is not installed; set {REQUIRE_LIBREOFFICE}=1 to make this a failure")
    return found


@pytest.fixture
def soffice() -> str:
    """The soffice program (see find_soffice): every LibreOffice test takes it."""
    return find_soffice()
