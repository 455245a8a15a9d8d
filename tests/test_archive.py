"""SPEC §8: old cases move to an archive workbook; nothing is deleted."""

import datetime as dt

from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import case
from ledger.cli import app
from ledger.io.workbook import load_file

D = dt.date


def test_archive_moves_old_completed_cases_and_keeps_them(ledger_file):
    path = ledger_file(
        [
            case("OLD1", completed=D(2024, 1, 5), received=D(2024, 1, 2)),
            case("NEW1", completed=D(2026, 10, 5)),
            case("OLD2", completed=D(2024, 3, 1), received=D(2024, 2, 2)),
            case("OPEN", received=D(2023, 1, 1)),
        ]
    )
    result = CliRunner().invoke(app, ["archive", str(path), "--before", "2024-11-01"])
    assert result.exit_code == 0, result.output
    assert [c.case_id for c in load_file(path).cases] == ["NEW1", "OPEN"]
    archive = path.with_name("ledger_归档.xlsx")
    rows = list(load_workbook(archive).active.values)
    assert rows[0][0] == "案件编号"
    assert [r[0] for r in rows[1:]] == ["OLD1", "OLD2"]
    assert len(list((path.parent / ".ledger_backups").iterdir())) == 1
    log = list(load_workbook(path)["日志"].values)
    assert log[-1][1] == "归档" and log[-1][5] == "archive" and "OLD1" in log[-1][7]


def test_archive_twice_appends_without_duplicates(ledger_file):
    path = ledger_file(
        [
            case("OLD1", completed=D(2024, 1, 5), received=D(2024, 1, 2)),
            case("OLD2", completed=D(2024, 6, 5), received=D(2024, 6, 2)),
        ]
    )
    runner = CliRunner()
    runner.invoke(app, ["archive", str(path), "--before", "2024-03-01"])
    runner.invoke(app, ["archive", str(path), "--before", "2024-11-01"])
    rows = list(load_workbook(path.with_name("ledger_归档.xlsx")).active.values)
    assert [r[0] for r in rows[1:]] == ["OLD1", "OLD2"]
    assert load_file(path).cases == []


def test_archive_with_nothing_old_changes_nothing(ledger_file):
    path = ledger_file([case("NEW1", completed=D(2026, 10, 5))])
    before = path.read_bytes()
    result = CliRunner().invoke(app, ["archive", str(path), "--before", "2024-11-01"])
    assert result.exit_code == 0 and "2024-11-01" in result.stdout
    assert path.read_bytes() == before


def test_archive_removes_the_same_rows_from_excels_highlight_marks(ledger_file):
    """A ledger checked in Excel keeps its marks row for row with the cases (xl.highlights)."""
    from ledger.core.changes import MARKS_SHEET

    path = ledger_file(
        [
            case("OLD1", completed=D(2024, 1, 5), received=D(2024, 1, 2)),
            case("NEW1", completed=D(2026, 10, 5)),
            case("OLD2", completed=D(2024, 3, 1), received=D(2024, 2, 2)),
            case("OPEN", received=D(2023, 1, 1)),
        ]
    )
    wb = load_workbook(path)
    first = load_file(path).cases[0].row
    marks = wb.create_sheet(MARKS_SHEET)
    marks.sheet_state = "veryHidden"
    for i, case_id in enumerate(["OLD1", "NEW1", "OLD2", "OPEN"]):
        marks.cell(first + i, 1, f"|2e|{case_id}")
    wb.save(path)
    result = CliRunner().invoke(app, ["archive", str(path), "--before", "2024-11-01"])
    assert result.exit_code == 0, result.output
    kept = load_file(path).cases
    after = load_workbook(path)[MARKS_SHEET]
    assert [after.cell(c.row, 1).value for c in kept] == ["|2e|NEW1", "|2e|OPEN"]
    assert after.max_row == kept[-1].row
