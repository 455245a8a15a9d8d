"""The statistics sheet's grid (columns A..M, row heights) and the helpers that keep each table's code to its content."""

from __future__ import annotations

from typing import Any

from ledger.core.columns import COLUMNS_BY_FIELD
from ledger.core.stats import MonthStats
from ledger.sheets.layout import SheetLayout, wrapped_lines
from ledger.sheets.stats_words import say

WIDTH = 13  # columns A..M
# About 120 characters across, so A4 landscape prints the tables at 9 pt even where characters are wide
# (LibreOffice without Calibri); M holds the verdicts with their reasons.
COLUMN_WIDTHS = {1: 16, **{c: 8 for c in range(2, WIDTH)}, WIDTH: 18}
ROW_HEIGHT = 16.0  # points: a line of 11-pt CJK text in any program
CHART_ROWS = 15  # sheet rows (15 pt) a 7.5 cm chart covers, with a little room


def no_data_note(sheet: StatsForm, s: MonthStats, *figures: str) -> bool:
    """Say why a figure has no data (its columns are missing from the ledger); True when one has none."""
    fields = list(dict.fromkeys(f for figure in figures for f in s.missing.get(figure, ())))
    if fields:
        quote = "“{}”" if sheet.lang == "zh-Hans" else ("「{}」" if sheet.lang == "zh-Hant" else "“{}”")
        columns = "、".join(quote.format(COLUMNS_BY_FIELD[f].label(sheet.lang)) for f in fields)
        sheet.note(say("no_data_why", sheet.lang, columns=columns))
    return bool(fields)


def blanked(values: list[Any], cols: range | tuple[int, ...], word: str) -> list[Any]:
    """The row with the cells of these 1-based columns saying "no data" instead of a number."""
    return [word if i + 1 in cols else v for i, v in enumerate(values)]


def excluded_rows(s: MonthStats) -> str:
    return "、".join(str(e.row) for e in s.excluded)


def result_key(passed: bool | None) -> str:
    return "none" if passed is None else ("pass" if passed else "fail")


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


class StatsForm:
    """Small helpers that keep each table's code to its content."""

    def __init__(self, layout: SheetLayout, lang: str):
        self.layout, self.lang = layout, lang
        self.starts: list[int] = []  # first row of each block kept on one page (a section, a table)

    def heading(self, key: str) -> None:
        self.heading_text(say(key, self.lang))

    def heading_text(self, words: str) -> None:
        """A section heading: a page may break before it, never right after it."""
        self.layout.add_row([])
        row = self.layout.add_row([words])
        self.layout.merged.append((row, 1, row, WIDTH))
        self.layout.style("signature", row, 1, row, WIDTH)  # bold, ruled: a form's section heading
        self.starts.append(row)

    def gap(self) -> None:
        """An empty row, then a new table that should not be split across pages."""
        self.layout.add_row([])
        self.starts.append(len(self.layout.rows) + 1)

    def note(self, message: str) -> None:
        row = self.layout.add_row([message], "note")
        self.layout.merged.append((row, 1, row, WIDTH))

    def header(self, keys: list[str]) -> int:
        labels = [say(k, self.lang) for k in keys]
        row = self.layout.add_row(labels, "header")
        lines = max(wrapped_lines(label, COLUMN_WIDTHS.get(c, 8)) for c, label in enumerate(labels, start=1))
        if lines > 1:  # a wrapped header gets the height it needs: spreadsheets do not grow rows on opening
            self.layout.heights[row] = ROW_HEIGHT * lines
        return row

    def data(
        self,
        values: list[Any],
        percent_cols: tuple[int, ...] = (),
        total: bool = False,
        plain_cols: tuple[int, ...] = (),
    ) -> int:
        """A table row: label in column A, counts as integers, rates as percents (1-based columns)."""
        row = self.layout.add_row(values)
        n = len(values)
        self.layout.style("total" if total else "text", row, 1, row, n)
        for col in range(2, n + 1):
            if col in percent_cols:
                self.layout.style("percent", row, col)
            elif col not in plain_cols and isinstance(values[col - 1], int) and not isinstance(values[col - 1], bool):
                self.layout.style("int", row, col)
        return row

    def verdict(self, row: int, cols: tuple[int, ...], passed: bool | None) -> None:
        if passed is None:
            return
        for col in cols:
            self.layout.style("pass" if passed else "fail", row, col)

    def result_word(self, passed: bool | None) -> str:
        return say(result_key(passed), self.lang)

    def spread(self, row: int, first: int, last: int) -> None:
        """One cell across columns first..last of the row (a verdict with its reason)."""
        self.layout.merged.append((row, first, row, last))
