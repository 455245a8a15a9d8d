"""The monthly statistics sheet (月度统计) and the `stats` job (SPEC §6, §9).

The sheet follows the paper forms 顾客投诉分类统计表 / 回访统计表: one titled
table per part, each with a totals row, every rate next to its target with a
pass/fail highlight, a 12-month trend with two native line charts, and a
signature line for the supervisor. It is a neutral `SheetLayout`; io.render
and the xlwings adapter draw it.
"""

from __future__ import annotations

from ledger.core.models import Ledger
from ledger.core.stats import MonthStats
from ledger.core.vocab import CATEGORIES
from ledger.sheets.layout import SheetLayout, footer_safe
from ledger.sheets.stats_alerts import part_alerts, part_follow_ups, part_suspicions
from ledger.sheets.stats_form import COLUMN_WIDTHS, ROW_HEIGHT, WIDTH, StatsForm, excluded_rows, pct
from ledger.sheets.stats_tables import (
    compliance_why,
    part_cases,
    part_complaints,
    part_compliance,
    part_satisfaction,
    part_timeliness,
    verdict_of,
)
from ledger.sheets.stats_trend import part_trend
from ledger.sheets.stats_words import say

SHEET_NAME = {"zh-Hans": "月度统计 {month}", "zh-Hant": "月度統計 {month}", "en": "Statistics {month}"}
# The empty sheet a new ledger holds for the statistics (io.template); the first month's sheet takes it over.
PLACEHOLDER = {"zh-Hans": "月度统计", "zh-Hant": "月度統計", "en": "Monthly statistics"}


def sheet_name(month: str, lang: str) -> str:
    return SHEET_NAME.get(lang, SHEET_NAME["zh-Hans"]).format(month=month)


def stats_layout(stats: MonthStats, lang: str, ledger: Ledger | None = None) -> SheetLayout:
    """The month's statistics sheet; `ledger` (optional) lets alerts name units and aspects."""
    layout = SheetLayout(sheet_name(stats.month, lang))
    sheet = StatsForm(layout, lang)
    title = say("title", lang, office=stats.office, month=stats.month)
    if stats.partial:
        title += say("partial_title", lang, as_of=stats.as_of.isoformat())
    layout.add_row([title], "title")
    layout.merged.append((1, 1, 1, WIDTH))
    layout.add_row(
        [
            say(
                "subtitle",
                lang,
                first=stats.first_day.isoformat(),
                last=stats.last_day.isoformat(),
                as_of=stats.as_of.isoformat(),
            )
        ],
        "subtitle",
    )
    layout.merged.append((2, 1, 2, WIDTH))
    part_cases(sheet, stats)
    part_complaints(sheet, stats)
    part_compliance(sheet, stats)
    part_satisfaction(sheet, stats)
    part_timeliness(sheet, stats)
    part_alerts(sheet, stats, ledger)
    part_trend(sheet, stats)
    part_follow_ups(sheet, stats)
    part_suspicions(sheet, stats)
    layout.add_row([])
    row = layout.add_row([say("signature", lang)], "signature")
    layout.merged.append((row, 1, row, WIDTH))
    _paper(sheet, stats)
    return layout


def _paper(sheet: StatsForm, stats: MonthStats) -> None:
    """A4 landscape, the title on every page, page numbers, and breaks between sections, never inside a
    table or through the charts (the trend section holds its charts' rows)."""
    layout, lang = sheet.layout, sheet.lang
    layout.widths = dict(COLUMN_WIDTHS)
    layout.landscape = True
    layout.placeholders = list(PLACEHOLDER.values())
    layout.repeat_rows = (1, 1)
    layout.heights[1] = 24
    # A fixed scale rather than fit-to-width: LibreOffice shrinks a fitted sheet with manual breaks far
    # below the paper's width; this one fits in Excel, WPS and LibreOffice alike (wide characters allowed).
    layout.scale = int(layout.width_scale(wider=1.3) * 100)
    for row in range(1, len(layout.rows) + 1):  # every height spelled out, so the breaks fall where planned
        layout.heights.setdefault(row, ROW_HEIGHT)
    layout.footer = (
        footer_safe(say("footer", lang, office=stats.office, month=stats.month)),
        say("page", lang),
        "",
    )
    left, right = layout.charts[0], layout.charts[1]
    left.width_cm = layout.columns_cm(1, 6) - 0.3  # each chart inside its columns: nothing prints past M
    right.width_cm = layout.columns_cm(7, WIDTH) - 0.3
    layout.keep_together(sheet.starts)


# ---------------------------------------------------------------- the job and its text summary


def stats_text(result: MonthStats, lang: str) -> str:
    """A few readable lines for the terminal."""
    word, gone = say("no_data", lang), result.missing
    lines = [
        say("text_head", lang, office=result.office, month=result.month, as_of=result.as_of.isoformat())
        + (say("partial_title", lang, as_of=result.as_of.isoformat()) if result.partial else ""),
        say(
            "text_cases",
            lang,
            received=sum(result.received.values()),
            completed=word if "completed" in gone else sum(result.completed.values()),
            open=word if "open" in gone else sum(result.open.values()),
        ),
    ]
    for key, c in result.compliance.items():
        if (c.population or c.exempt) and "compliance" not in gone:
            lines.append(
                say(
                    "text_compliance",
                    lang,
                    category=CATEGORIES.label(key, lang),
                    population=c.population,
                    required=c.required,
                    on_time=c.on_time,
                    late=c.late,
                    too_early=c.too_early,
                    overdue=c.overdue,
                    exempt=c.exempt,
                    unreachable=c.unreachable,
                    rate=pct(c.callback_rate),
                    result=compliance_why(c, verdict_of(c), lang),
                )
            )
    overall = result.satisfaction["overall"]
    lines.append(
        say(
            "text_satisfaction",
            lang,
            graded=word if "satisfaction" in gone else overall.graded,
            rate=word if "satisfaction" in gone else pct(overall.rate),
            target=pct(overall.target),
        )
    )
    lines.append(
        say(
            "text_timeliness",
            lang,
            of=result.responded_24h.of,
            r24=word if "responded_24h" in gone else result.responded_24h.count,
            r3=word if "resolved_3_workdays" in gone else result.resolved_3_workdays.count,
        )
    )
    a = result.alerts
    lines.append(
        say(
            "text_alerts",
            lang,
            u=len(a.unsatisfied),
            rc=len(a.repeat_complaints),
            rr=len(a.repeat_repairs),
            sr=len(a.severity_raised),
        )
    )
    if result.excluded:
        lines.append(say("text_excluded", lang, n=len(result.excluded), rows=excluded_rows(result)))
    for p in result.problems:
        lines.append("⚠ " + p.located(lang))
    return "\n".join(lines)
