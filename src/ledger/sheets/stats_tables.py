"""The statistics sheet's tables: cases, complaints, callback compliance, satisfaction, timeliness."""

from __future__ import annotations

from typing import Any

from ledger.core.stats import Compliance, Grades, MonthStats
from ledger.core.vocab import ASPECTS, CATEGORIES, RESPONSIBILITY, SEVERITIES
from ledger.sheets.layout import wrapped_lines
from ledger.sheets.stats_form import (
    COLUMN_WIDTHS,
    ROW_HEIGHT,
    WIDTH,
    StatsForm,
    blanked,
    excluded_rows,
    no_data_note,
    pct,
)
from ledger.sheets.stats_words import say


def part_cases(sheet: StatsForm, s: MonthStats) -> None:
    lang = sheet.lang
    sheet.heading("s1")
    sheet.header(["category", "received", "completed", "open"])
    gone = (3, 4) if "completed" in s.missing else ()
    word = say("no_data", lang)
    for term in CATEGORIES:
        sheet.data(
            blanked([term.label(lang), s.received[term.key], s.completed[term.key], s.open[term.key]], gone, word)
        )
    sheet.data(
        blanked(
            [say("total", lang), sum(s.received.values()), sum(s.completed.values()), sum(s.open.values())], gone, word
        ),
        total=True,
    )
    no_data_note(sheet, s, "completed")
    if s.excluded:
        sheet.note(say("excluded", lang, n=len(s.excluded), rows=excluded_rows(s)))


def part_complaints(sheet: StatsForm, s: MonthStats) -> None:
    lang = sheet.lang
    sheet.heading("s2")
    sheet.layout.add_row([say("class", lang), *SEVERITIES.labels(lang), say("total", lang)], "header")
    word = say("no_data", lang)
    gone = range(2, 7) if "by_class_severity" in s.missing else ()
    for term in RESPONSIBILITY:
        cells = [s.by_class_severity[term.key][k] for k in SEVERITIES.keys()]
        sheet.data(blanked([term.label(lang), *cells, sum(cells)], gone, word))
    columns = [sum(s.by_class_severity[c][k] for c in RESPONSIBILITY.keys()) for k in SEVERITIES.keys()]
    sheet.data(blanked([say("total", lang), *columns, sum(columns)], gone, word), total=True)
    if not no_data_note(sheet, s, "by_class_severity") and s.unclassified:
        sheet.note(say("unclassified", lang, n=s.unclassified))
    sheet.gap()
    sheet.header(["aspect", "complaints"])
    gone = (2,) if "by_aspect" in s.missing else ()
    for term in ASPECTS:
        sheet.data(blanked([term.label(lang), s.by_aspect[term.key]], gone, word))
    sheet.data(blanked([say("total", lang), sum(s.by_aspect.values())], gone, word), total=True)
    no_data_note(sheet, s, "by_aspect")


def verdict_of(c: Compliance) -> bool | None:
    """Pass/fail of a compliance row; nothing to judge when no window closed in the month."""
    return c.passed if c.population else None


def compliance_why(c: Compliance, verdict: bool | None, lang: str) -> str:
    """The verdict with its reason: on-time callbacks against the required count."""
    if verdict is None:
        return say("none", lang)
    return say("why_cb_pass" if verdict else "why_cb_fail", lang, on_time=c.on_time, required=c.required)


def _compliance_cells(label: str, c: Compliance, sheet: StatsForm, verdict: bool | None, why: str) -> list[Any]:
    required_rate = c.rate  # a totals row has none: an average of the categories' rates would mean nothing
    return [
        label,
        c.population,
        c.sampled,
        c.on_time,
        c.late,
        c.too_early,
        c.overdue,
        c.exempt,
        c.unreachable,
        c.required,
        c.callback_rate,
        required_rate,
        why,
    ]


def part_compliance(sheet: StatsForm, s: MonthStats) -> None:
    lang = sheet.lang
    sheet.heading("s3")
    sheet.header(
        [
            "category",
            "population",
            "sampled",
            "on_time",
            "late",
            "too_early",
            "overdue",
            "exempt",
            "unreachable",
            "required",
            "callback_rate",
            "required_rate",
            "result_cb",
        ]
    )
    if "compliance" in s.missing:  # no verdict about data that is not there
        word = say("no_data", lang)
        for label in [*CATEGORIES.labels(lang), say("total", lang)]:
            sheet.data([label, *[word] * 10, None, None], total=label == say("total", lang))
        no_data_note(sheet, s, "compliance")
        return
    for term in CATEGORIES:
        c = s.compliance[term.key]
        why = compliance_why(c, verdict_of(c), lang)
        cells = _compliance_cells(term.label(lang), c, sheet, verdict_of(c), why)
        # no window closed for this category: its rate has no denominator, and says so (issue 13.2)
        row = sheet.data(blanked(cells, (11,) if not c.population else (), say("no_data", lang)), (11, 12))
        sheet.layout.style("wrap", row, 13)
        sheet.layout.heights[row] = ROW_HEIGHT * wrapped_lines(why, COLUMN_WIDTHS[WIDTH])
        sheet.verdict(row, (11, 13), verdict_of(c))
    total = s.compliance_total()
    failing = [k for k, c in s.compliance.items() if c.population and not c.passed]
    all_pass = not failing if total.population else None
    why = (
        say("none", lang)
        if all_pass is None
        else say("why_all_pass", lang)
        if all_pass
        else say("why_all_fail", lang, n=len(failing))
    )
    cells = _compliance_cells(say("total", lang), total, sheet, all_pass, why)
    row = sheet.data(
        blanked(cells, (11,) if not total.population else (), say("no_data", lang)), percent_cols=(11, 12), total=True
    )
    sheet.layout.style("wrap", row, 13)
    sheet.layout.heights[row] = ROW_HEIGHT * wrapped_lines(why, COLUMN_WIDTHS[WIDTH])
    sheet.verdict(row, (11, 13), all_pass)
    sheet.note(say("s3_note", lang))
    if not total.population:  # a rate without a denominator is no data, and says why
        sheet.note(say("no_windows", lang))


def _grades_why(g: Grades, lang: str) -> str:
    """The verdict with its reason: the rate against its target."""
    if g.passed is None:
        return say("none", lang)
    return say("why_sat_pass" if g.passed else "why_sat_fail", lang, rate=pct(g.rate), target=pct(g.target))


def _graded_or_no_data(label: str, g: Grades, sheet: StatsForm) -> list[Any]:
    """A satisfaction row; with no graded callback its rate has no denominator and says 无数据 (issue 13.2)."""
    cells = _grades_cells(label, g, sheet)
    return blanked(cells, (6,) if not g.graded else (), say("no_data", sheet.lang))


def _grades_cells(label: str, g: Grades, sheet: StatsForm) -> list[Any]:
    return [
        label,
        g.satisfied,
        g.fairly_satisfied,
        g.unsatisfied,
        g.graded,
        g.rate,
        g.target,
        _grades_why(g, sheet.lang),
        None,
        None,
    ]


def part_satisfaction(sheet: StatsForm, s: MonthStats) -> None:
    lang = sheet.lang
    sheet.heading("s4")
    keys = ["category", "satisfied", "fairly_satisfied", "unsatisfied", "graded", "sat_rate", "target", "result_sat"]
    sheet.spread(sheet.header(keys), 8, 10)
    if "satisfaction" in s.missing:  # no verdict about data that is not there
        word = say("no_data", lang)
        for term in CATEGORIES:
            row = sheet.data([term.label(lang), *[word] * 5, s.satisfaction[term.key].target, None], percent_cols=(7,))
            sheet.spread(row, 8, 10)
        overall = s.satisfaction["overall"]
        row = sheet.data([say("overall", lang), *[word] * 5, overall.target, None], percent_cols=(7,), total=True)
        sheet.spread(row, 8, 10)
        no_data_note(sheet, s, "satisfaction")
        return
    for term in CATEGORIES:
        g = s.satisfaction[term.key]
        row = sheet.data(_graded_or_no_data(term.label(lang), g, sheet), percent_cols=(6, 7))
        sheet.verdict(row, (6, 8), g.passed)
        sheet.spread(row, 8, 10)
    overall = s.satisfaction["overall"]
    row = sheet.data(
        _grades_cells(
            f"{say('total', lang)}({say('overall', lang)})"
            if lang != "en"
            else f"{say('total', lang)} ({say('overall', lang)})",
            overall,
            sheet,
        ),
        percent_cols=(6, 7),
        total=True,
    )
    sheet.verdict(row, (6, 8), overall.passed)
    sheet.spread(row, 8, 10)
    if not overall.graded:
        sheet.layout.rows[row - 1][5] = say("no_data", lang)
        sheet.note(say("no_callbacks", lang))
    sheet.note(say("s4_note", lang, target=pct(overall.target)))
    sheet.gap()
    row = sheet.header(["aspect", *keys[1:]])
    sheet.spread(row, 8, 10)
    for term in ASPECTS:
        g = s.satisfaction_by_aspect[term.key]
        row = sheet.data(_graded_or_no_data(term.label(lang), g, sheet), percent_cols=(6, 7))
        sheet.verdict(row, (6, 8), g.passed)
        sheet.spread(row, 8, 10)
    total = Grades(overall.target)
    for g in s.satisfaction_by_aspect.values():
        total.satisfied += g.satisfied
        total.fairly_satisfied += g.fairly_satisfied
        total.unsatisfied += g.unsatisfied
    row = sheet.data(_grades_cells(say("total", lang), total, sheet), percent_cols=(6, 7), total=True)
    sheet.verdict(row, (6, 8), total.passed)
    sheet.spread(row, 8, 10)


def part_timeliness(sheet: StatsForm, s: MonthStats) -> None:
    lang = sheet.lang
    sheet.heading("s5")
    sheet.header(["item", "count", "of", "ratio"])
    word = say("no_data", lang)
    for key, figure, count in (
        ("responded_24h", "responded_24h", s.responded_24h),
        ("resolved_3wd", "resolved_3_workdays", s.resolved_3_workdays),
    ):
        gone = (2, 4) if figure in s.missing else ((4,) if not count.of else ())
        sheet.data(blanked([say(key, lang), count.count, count.of, count.rate], gone, word), percent_cols=(4,))
    if not s.responded_24h.of:
        sheet.note(say("no_complaints", lang))
    no_data_note(sheet, s, "responded_24h")
    no_data_note(sheet, s, "resolved_3_workdays")
    sheet.gap()
    sheet.header(["category", "completed", "median"])
    gone = (2, 3) if "median_days" in s.missing else ()
    for term in CATEGORIES:
        sheet.data(
            blanked([term.label(lang), s.completed[term.key], s.median_days[term.key]], gone, word), plain_cols=(3,)
        )
    sheet.data(
        blanked([say("total", lang), sum(s.completed.values()), s.median_days.get("overall")], gone, word),
        total=True,
        plain_cols=(3,),
    )
