"""The statistics sheet's 12-month trend table and its two line charts."""

from __future__ import annotations

from ledger.core.stats import MonthStats
from ledger.sheets.layout import ChartSpec
from ledger.sheets.stats_form import CHART_ROWS, StatsForm
from ledger.sheets.stats_words import say

_COLUMNS = [
    "month",
    "graded",
    "content",
    "sat_rate",
    "target",
    "population",
    "required",
    "called",
    "on_time",
    "callback_rate",
    "required_rate",
]


def part_trend(sheet: StatsForm, s: MonthStats) -> None:
    """The trend table (a row per month, then the totals) and its two charts below it."""
    sheet.heading("s7")
    header = sheet.header(_COLUMNS)
    first = header + 1
    _month_rows(sheet, s)
    last = len(sheet.layout.rows)
    total_row = _totals_row(sheet, s)
    _charts(sheet, header, first, last, total_row)
    for _ in range(CHART_ROWS + 1):  # room for the charts (7.5 cm tall) before the signature line
        sheet.layout.add_row([])


def _month_rows(sheet: StatsForm, s: MonthStats) -> None:
    layout = sheet.layout
    target = s.satisfaction["overall"].target
    for p in s.trend:
        c = p.compliance
        layout.rows.append(
            [
                p.month,
                p.satisfaction.graded,
                p.satisfaction.content,
                p.satisfaction.rate,
                target,
                c.population,
                c.required,
                c.called,
                c.on_time,
                c.callback_rate,
                p.required_rate,
            ]
        )
        row = len(layout.rows)
        layout.style("text", row, 1, row, 11)
        layout.style("int", row, 2, row, 3)
        layout.style("percent", row, 4, row, 5)
        layout.style("int", row, 6, row, 9)
        layout.style("percent", row, 10, row, 11)


def _totals_row(sheet: StatsForm, s: MonthStats) -> int:
    graded = sum(p.satisfaction.graded for p in s.trend)
    content = sum(p.satisfaction.content for p in s.trend)
    population = sum(p.compliance.population for p in s.trend)
    required = sum(p.compliance.required for p in s.trend)
    called = sum(p.compliance.called for p in s.trend)
    on_time = sum(p.compliance.on_time for p in s.trend)
    return sheet.data(
        [
            say("total", sheet.lang),
            graded,
            content,
            content / graded if graded else None,
            s.satisfaction["overall"].target,
            population,
            required,
            called,
            on_time,
            called / population if population else None,
            None,  # no aggregate required rate: the rule's rates differ by category
        ],
        percent_cols=(4, 5, 10, 11),
        total=True,
    )


def _charts(sheet: StatsForm, header: int, first: int, last: int, total_row: int) -> None:
    """Satisfaction rate against target (left, from column A), callback rates (right, from column G)."""
    lang = sheet.lang
    for title, series, anchor, y_title in (
        ("chart_sat", [4, 5], "A", "sat_rate"),
        ("chart_cb", [10, 11], "G", "callback_rate"),
    ):
        sheet.layout.charts.append(
            ChartSpec(
                title=say(title, lang),
                kind="line",
                header_row=header,
                first_row=first,
                last_row=last,
                category_col=1,
                series_cols=series,
                anchor=f"{anchor}{total_row + 2}",
                y_title=say(y_title, lang),
                x_title=say("x_month", lang),
                rows_tall=CHART_ROWS,
            )
        )
