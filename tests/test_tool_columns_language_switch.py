"""The tool columns are found again by field, whatever language wrote their headers.

A clerk who switches Settings 语言 between runs must not get a second set of
tool columns: the reader recognises each tool header in all three languages,
and the writer puts each field back where the reader found it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import case
from ledger.cli import app
from ledger.core.columns import TOOL_COLUMNS

runner = CliRunner()
ALL_TOOL_HEADERS = {c.label(lang): c.field for c in TOOL_COLUMNS for lang in ("zh-Hans", "zh-Hant", "en")}


def _set_language(path: Path, lang: str) -> None:
    wb = load_workbook(path)
    settings = wb["设置"]
    for row in settings.iter_rows():
        if row[0].value == "语言":
            row[1].value = lang
    wb.save(path)


def _write(path: Path) -> None:
    result = runner.invoke(app, ["callbacks", str(path), "--as-of", "2026-11-20", "--write"])
    assert result.exit_code in (0, 1), result.output


def _tool_headers(path: Path) -> list[tuple[int, str, str]]:
    """(column, header, field) of every cell in the header row that names a tool column."""
    ws = load_workbook(path)["案件台账"]
    return [(c.column, c.value, ALL_TOOL_HEADERS[c.value]) for c in ws[1] if c.value in ALL_TOOL_HEADERS]


@pytest.mark.parametrize(
    "languages",
    [("zh-Hans", "zh-Hant", "en", "zh-Hans"), ("en", "zh-Hant", "zh-Hans", "en")],
    ids=["simplified-traditional-english-back", "english-traditional-simplified-back"],
)
def test_switching_language_keeps_one_set_of_tool_columns(ledger_file, languages):
    rows = [
        case("W-1", completed=dt.date(2026, 11, 2)),
        case("W-2", "投诉", completed=dt.date(2026, 11, 10)),
        case("W-3", received=dt.date(2026, 11, 15)),
    ]
    path = ledger_file(rows, settings=[["语言", languages[0]]])
    _write(path)
    first = _tool_headers(path)
    assert [f for _, _, f in first] == [c.field for c in TOOL_COLUMNS]
    positions = [col for col, _, _ in first]
    for lang in languages[1:]:
        _set_language(path, lang)
        _write(path)
        found = _tool_headers(path)
        assert [col for col, _, _ in found] == positions, lang
        assert [h for _, h, _ in found] == [c.label(lang) for c in TOOL_COLUMNS]
        ws = load_workbook(path)["案件台账"]
        assert ws.max_column == positions[-1]
        status_col = positions[[c.field for c in TOOL_COLUMNS].index("callback_status")]
        assert ws.cell(2, status_col).value is not None
