"""Problem highlights in desktop Excel: two conditional-formatting rules, however many problems there are.

Painting each problem cell costs a call per 255-character address: 36 calls
for the ~900 scattered problem cells of a 10,000-row ledger, 100 at 30,000
(benchmarks/RESULTS.md). Instead the cells to colour go, as text, into column
A of a very hidden sheet (`ledger_marks`, row for row with the case sheet: one
values call), and one rule per colour over the case block colours a cell when
its row's marks name its column. So a click costs the same at 300 rows and at
30,000; the rules, like the file's highlight block (io.highlights), leave the
clerk's own cell formats alone, and a corrected cell loses its colour as soon
as the marks are rewritten.

The rules read the marks through a workbook name rather than another sheet's
address: Excel keeps such a rule in the sheet's ordinary conditional
formatting, where the file route finds it by HIGHLIGHT_MARK and replaces it
(an address on another sheet would go into an Excel 2010 extension the file
route does not read). The formulas use ROW() and COLUMN() rather than relative
references, which COM would resolve against the active cell.

Where Excel refuses (a protected workbook structure, an Excel that will not
take the rule), the caller paints the cells one range at a time as before.
"""

from __future__ import annotations

from typing import Any

from ledger.core.changes import ERROR_FILL, HIGHLIGHT_MARK, HIGHLIGHT_NUMBER, MARKS_SHEET, WARNING_FILL
from ledger.xl.bridge import Snapshot, windows_excel

MARKS_NAME = "ledger_marks"  # the workbook name the rules read the marks through
KINDS = {ERROR_FILL: "e", WARNING_FILL: "w"}  # fill -> the letter after a column number in the marks
LAST_ROW = 1_048_576  # the rules run to the sheet's end, so rows the clerk adds are covered too
XL_EXPRESSION = 2  # FormatConditions.Add Type: a formula
XL_SHEET_VERY_HIDDEN = 2


class RulesRefused(Exception):
    """Excel would not take the marks sheet or a rule: paint the cells instead."""


def row_marks(fills: dict[tuple[int, int], str]) -> dict[int, str]:
    """Each row's marks: "|4e|7w|" is column 4 an error, column 7 a warning (a cell is in `fills` once)."""
    by_row: dict[int, list[tuple[int, str]]] = {}
    for (r, c), color in fills.items():
        by_row.setdefault(r, []).append((c, KINDS.get(color.lstrip("#").upper(), "w")))
    return {r: "|" + "|".join(f"{c}{k}" for c, k in sorted(cells)) + "|" for r, cells in by_row.items()}


def rule_formula(kind: str) -> str:
    """True where the cell's row's marks name the cell's column with `kind`; HIGHLIGHT_MARK marks it as ours."""
    return f'=AND({HIGHLIGHT_MARK},ISNUMBER(FIND("|"&COLUMN()&"{kind}|",INDEX({MARKS_NAME},ROW()))))'


def bgr(color: str) -> int:
    """A "RRGGBB" colour as the integer COM's Interior.Color takes (blue in the high byte)."""
    rgb = color.lstrip("#")
    r, g, b = (int(rgb[i : i + 2], 16) for i in (0, 2, 4))
    return (b << 16) | (g << 8) | r


def rules_supported(sheet: Any) -> bool:
    """Conditional formats through COM: desktop Excel on Windows."""
    return windows_excel(sheet.book)


def marks_sheet(snap: Snapshot) -> str | None:
    """The marks sheet's name as the workbook spells it; None until 校验台账 has set up the rules."""
    return next((n for n in snap.names if n.casefold() == MARKS_SHEET), None)


def write_marks(book: Any, snap: Snapshot, name: str, fills: dict[tuple[int, int], str], last_row: int) -> None:
    """Column A of the marks sheet, rows 1..last row of the case sheet or of the marks already there: one call."""
    marks = row_marks(fills)
    rows = max(last_row, len(snap.grids.get(name) or []), max(marks, default=0))
    column = [[marks.get(r)] for r in range(1, rows + 1)]
    if column:
        book.sheets[name].range((1, 1)).value = column
    snap.grids[name] = column


def set_up_rules(book: Any, snap: Snapshot, sheet: Any, first_row: int, last_col: int) -> str:
    """The marks sheet and name (made once), the tool's old rules out, one rule per colour over the case block;
    returns the marks sheet's name."""
    try:
        name = marks_sheet(snap) or _add_marks_sheet(book, snap, sheet)
        book.names.add(MARKS_NAME, f"='{MARKS_SHEET}'!$A:$A")
        remove_rules(sheet)
        conditions = sheet.range((first_row, 1), (LAST_ROW, max(last_col, 1))).api.FormatConditions
        for color, kind in KINDS.items():
            rule = conditions.Add(Type=XL_EXPRESSION, Formula1=rule_formula(kind))
            rule.Interior.Color = bgr(color)
        return name
    except Exception as exc:  # noqa: BLE001 - any COM refusal: the caller paints the cells instead
        raise RulesRefused(str(exc)) from exc


def _add_marks_sheet(book: Any, snap: Snapshot, case_sheet: Any) -> str:
    marks = book.sheets.add(MARKS_SHEET, after=book.sheets[len(book.sheets) - 1])
    marks.api.Visible = XL_SHEET_VERY_HIDDEN  # not in the clerk's tabs, nor in Unhide
    case_sheet.activate()  # adding a sheet showed it
    snap.names.append(MARKS_SHEET)
    snap.grids[MARKS_SHEET] = []
    return MARKS_SHEET


def remove_rules(sheet: Any) -> int:
    """Delete the tool's rules on the sheet (ours and the file route's), leaving the clerk's; returns how many."""
    rules = sheet.api.Cells.FormatConditions
    removed = 0
    for i in range(rules.Count, 0, -1):
        rule = rules.Item(i)
        try:
            formula = str(rule.Formula1)
        except Exception:  # noqa: BLE001 - data bars, colour scales and icon sets have no formula
            continue
        if HIGHLIGHT_NUMBER in formula:
            rule.Delete()
            removed += 1
    return removed
