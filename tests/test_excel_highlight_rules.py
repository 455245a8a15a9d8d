"""校验台账 in desktop Excel colours problem cells by two rules over a column of marks, not cell by cell.

The click runs on xlwings' engine with the desktop route (tests/union_engine.py:
multi-area ranges and a recording stand-in for COM's FormatConditions). What it
sends (the marks, the rules' formulas and ranges) is then handed to LibreOffice,
a real spreadsheet program, to check that the formulas colour exactly the cells
the file route highlights.
"""

from __future__ import annotations

import copy
import re
import subprocess

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.formatting.rule import Rule
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.numbers import NumberFormat
from openpyxl.utils.cell import range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from typer.testing import CliRunner

import ledger.xl as lx
import ledger.xl.highlights as xl_highlights
import test_xlwings_buttons
from ledger.cli import app
from ledger.core.changes import ERROR_FILL, WARNING_FILL
from ledger.demo.cases import generate_cases
from ledger.demo.workbook import write_ledger
from ledger.io.sheet_pdf import Print, print_sheets
from ledger.io.workbook import load_file, read_grids
from ledger.jobs.validate import validate_job
from ledger.xl.highlights import MARKS_NAME, MARKS_SHEET, row_marks, rule_formula
from test_xlwings_buttons import TODAY, actions, book_of, payload
from union_engine import column_a, highlighted, rules, union_ranges


@pytest.fixture(scope="module", autouse=True)
def xw():
    with test_xlwings_buttons.remote_xlwings() as xlwings:
        yield xlwings


@pytest.fixture(scope="module")
def dirty_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("dirty") / "台账.xlsx"
    return write_ledger(path, generate_cases(160, seed=11, end=TODAY, dirty=True))


@pytest.fixture(scope="module")
def file_fills(dirty_file):
    """The cells the file route highlights (validate --write), from the same validation."""
    fills = validate_job(load_file(dirty_file), TODAY)[1].cell_fills
    assert {ERROR_FILL, WARNING_FILL} <= set(fills.values())  # both colours, or the test proves little
    assert any(c >= 10 for _, c in fills)  # two-digit columns: "|1e|" must not match "|11e|"
    return fills


def desktop_click(button: str, data: dict, seed_rules: list[dict] | None = None):
    book = book_of(data)
    with union_ranges():
        if seed_rules is not None:
            rules(book.sheets[0]).extend(copy.deepcopy(seed_rules))
        message = getattr(lx, button)(book, today=TODAY)
        return book, message, actions(book), list(rules(book.sheets[0])), highlighted(book, book.sheets[0])


def test_validate_on_the_desktop_route_sends_two_rules_and_one_column_of_marks(dirty_file, file_fills):
    book, message, acts, sheet_rules, coloured = desktop_click("validate", payload(read_grids(dirty_file)))
    assert [r["formula"] for r in sheet_rules] == [rule_formula("e"), rule_formula("w")]
    assert {r["applies_to"] for r in sheet_rules} == {(2, 1, 1_048_576, 29)}  # the data rows to the end
    marks_pos = book.sheets[MARKS_SHEET].index - 1
    assert [a["args"] for a in acts if a["func"] == "com" and a["args"][0] == "Sheet.Visible="] == [
        ["Sheet.Visible=", 2]  # very hidden: not in the tabs, nor in Unhide
    ]
    assert sum(a["func"] == "setValues" and a["sheet_position"] == marks_pos for a in acts) == 1
    fills = [a for a in acts if a["func"] == "setRangeColor" and a["args"][0].lstrip("#") in (ERROR_FILL, WARNING_FILL)]
    assert not fills and not [a for a in acts if a["func"] == "setRangeColors"]  # no cell painted
    assert coloured == file_fills
    assert "红色" in message


def test_a_spreadsheet_program_colours_exactly_the_marked_cells(dirty_file, file_fills, tmp_path, soffice):
    """The rules as sent, evaluated by LibreOffice: each rule's fill is swapped for a number format showing
    E or W, so the printed page says which rule each cell met."""
    book, _, _, sheet_rules, _ = desktop_click("validate", payload(read_grids(dirty_file)))
    marks = column_a(book, MARKS_SHEET)
    last_row = max(marks)
    wb = Workbook()
    ws = wb.active
    ws.title = "cases"
    width = sheet_rules[0]["applies_to"][3]
    for r in range(1, last_row + 1):
        for c in range(1, width + 1):
            ws.cell(r, c, 0)
    sheet = wb.create_sheet(MARKS_SHEET)
    sheet.sheet_state = "veryHidden"
    for r, mark in marks.items():
        sheet.cell(r, 1, mark)
    wb.defined_names[MARKS_NAME] = DefinedName(MARKS_NAME, attr_text=f"'{MARKS_SHEET}'!$A:$A")
    for rule in sheet_rules:
        r1, c1, r2, c2 = rule["applies_to"]
        letter = re.search(r'"(\w)\|"', rule["formula"]).group(1).upper()
        shown = DifferentialStyle(numFmt=NumberFormat(numFmtId=200 + ord(letter), formatCode=f'"{letter}"'))
        area = f"{ws.cell(r1, c1).coordinate}:{ws.cell(r2, c2).coordinate}"
        ws.conditional_formatting.add(area, Rule(type="expression", dxf=shown, formula=[rule["formula"][1:]]))
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    wb.save(tmp_path / "rules.xlsx")
    pdf = print_sheets([Print(tmp_path / "rules.xlsx", "cases", "rules")], tmp_path / "pdf")["rules"]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    grid = [line.split() for line in text.splitlines() if re.fullmatch(r"[0EW ]+", line.strip() or "x")]
    assert len(grid) == last_row and all(len(row) == width for row in grid)
    seen = {(r, c): v for r, row in enumerate(grid, start=1) for c, v in enumerate(row, start=1) if v != "0"}
    expected = {cell: "E" if colour == ERROR_FILL else "W" for cell, colour in file_fills.items()}
    assert seen == expected


def test_validate_replaces_the_tools_old_rules_and_keeps_the_clerks(dirty_file):
    clerk = {"applies_to": (2, 3, 500, 3), "formula": "=$C2>5", "color": 255}
    data_bar = {"applies_to": (2, 4, 500, 4), "formula": None, "color": None}
    file_route = {"applies_to": (7, 5, 7, 5), "formula": "=ISNUMBER(424242)", "color": 13551615}
    old_excel = {"applies_to": (2, 1, 1_048_576, 20), "formula": rule_formula("w"), "color": 10284031}
    seeded = [clerk, data_bar, file_route, old_excel]
    _, _, _, sheet_rules, _ = desktop_click("validate", payload(read_grids(dirty_file)), seed_rules=seeded)
    assert sheet_rules[:2] == [clerk, data_bar]
    assert [r["formula"] for r in sheet_rules[2:]] == [rule_formula("e"), rule_formula("w")]


def test_where_excel_refuses_the_rules_the_cells_are_painted_instead(dirty_file, file_fills, monkeypatch):
    def refuse(self, Type, Formula1):  # noqa: N803 - COM's names
        raise RuntimeError("(-2146827284, 'OLE error', None, None)")

    import union_engine

    monkeypatch.setattr(union_engine.FormatConditions, "Add", refuse)
    _, message, acts, _, _ = desktop_click("validate", payload(read_grids(dirty_file)))
    painted = test_xlwings_buttons.colors(acts, 0)
    cells = {
        (r, c): colour.lstrip("#")
        for (r1, c1, r2, c2), colour in painted.items()
        for r in range(r1, r2 + 1)
        for c in range(c1, c2 + 1)
        if colour.lstrip("#") in (ERROR_FILL, WARNING_FILL)
    }
    assert cells == file_fills and "红色" in message


def test_the_list_button_keeps_the_marks_in_step_with_the_problems_column(dirty_file, file_fills):
    grids = read_grids(dirty_file)
    stale = [["|1e|"]] * 400  # marks left from an earlier check, longer than the ledger now
    data = payload({**grids, MARKS_SHEET: stale})
    book, _, acts, _, _ = desktop_click("callback_list", data)
    marks = column_a(book, MARKS_SHEET)
    assert marks == row_marks(file_fills)  # rewritten from this click's problems, the stale rows cleared
    written = [
        a for a in acts if a["func"] == "setValues" and a["sheet_position"] == book.sheets[MARKS_SHEET].index - 1
    ]
    assert len(written) == 1 and len(written[0]["values"]) == 400


def test_the_statistics_button_leaves_marks_and_rules_alone(dirty_file):
    data = payload({**read_grids(dirty_file), MARKS_SHEET: [["|1e|"]]})
    book, _, acts, sheet_rules, _ = desktop_click("monthly_stats", data)
    marks_pos = book.sheets[MARKS_SHEET].index - 1
    assert not [a for a in acts if a.get("sheet_position") == marks_pos or a["func"] == "com"]
    assert sheet_rules == []


def test_marks_name_the_column_and_kind_of_each_problem_cell():
    fills = {(5, 3): ERROR_FILL, (5, 11): WARNING_FILL, (5, 1): "#FFEB9C", (9, 2): ERROR_FILL}
    assert row_marks(fills) == {5: "|1w|3e|11w|", 9: "|2e|"}
    assert xl_highlights.bgr("FFC7CE") == 0xCEC7FF


def test_the_file_route_replaces_the_rules_excel_left_and_still_finds_the_ledger(dirty_file, file_fills, tmp_path):
    """A ledger checked in Excel (marks sheet, name, rules), then with `ledger validate --write`."""
    wb = load_workbook(dirty_file)
    ws = wb.worksheets[0]
    marks = wb.create_sheet(MARKS_SHEET)
    marks.sheet_state = "veryHidden"
    marks.cell(3, 1, "|2e|")
    wb.defined_names[MARKS_NAME] = DefinedName(MARKS_NAME, attr_text=f"'{MARKS_SHEET}'!$A:$A")
    fill = DifferentialStyle()
    for kind in "ew":
        ws.conditional_formatting.add(
            "A2:AC1048576", Rule(type="expression", dxf=fill, formula=[rule_formula(kind)[1:]])
        )
    ws.conditional_formatting.add("C2:C9", Rule(type="expression", dxf=fill, formula=["$C2>5"]))  # the clerk's
    path = tmp_path / "checked_in_excel.xlsx"
    wb.save(path)
    result = CliRunner().invoke(app, ["validate", str(path), "--write", "--as-of", TODAY.isoformat()])
    assert result.exit_code == 1, result.output  # errors found, written
    after = load_workbook(path).worksheets[0].conditional_formatting
    formulas = [(str(cf.sqref), rule.formula[0]) for cf in after for rule in cf.rules]
    assert ("C2:C9", "$C2>5") in formulas
    assert not [f for _, f in formulas if "FIND" in f]  # Excel's rules replaced ...
    tool = [sqref for sqref, f in formulas if f == "ISNUMBER(424242)"]
    cells = set()
    for sqref in tool:
        for ref in sqref.split():
            c1, r1, c2, r2 = range_boundaries(ref)
            cells |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    assert cells == set(file_fills)  # ... by the file's own block over exactly the problem cells
    assert load_file(path).sheet == ws.title
