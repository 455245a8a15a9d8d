"""The statistics sheet's alerts, follow-ups and callback suspicions."""

from __future__ import annotations

from typing import Any

from ledger.core.models import Case, Ledger
from ledger.core.stats import MonthStats
from ledger.core.vocab import ASPECTS, CATEGORIES, SEVERITIES
from ledger.sheets.layout import wrapped_lines
from ledger.sheets.stats_form import COLUMN_WIDTHS, ROW_HEIGHT, WIDTH, StatsForm
from ledger.sheets.stats_words import FOLLOW_UPS, SUSPICIONS, say

# Alert table columns: kind A, unit B:C, aspect D:E, count F, detail G:I, case ids J:M (merged per row,
# so long units and id lists print without wrapping).
_ALERT_SPANS = ((1, 1), (2, 3), (4, 5), (6, 6), (7, 9), (10, WIDTH))


def _alert_row(sheet: StatsForm, values: list[Any], style: str) -> int:
    cells: list[Any] = [None] * WIDTH
    for (first, _), value in zip(_ALERT_SPANS, values):
        cells[first - 1] = value
    row = sheet.layout.add_row(cells)
    sheet.layout.style(style, row, 1, row, WIDTH)
    for first, last in _ALERT_SPANS:
        if last > first:
            sheet.layout.merged.append((row, first, row, last))
    return row


def _wrap_long(sheet: StatsForm, row: int, values: list[Any]) -> None:
    """Long alert texts wrap inside their merged cells (text running past column M would print a page of
    its own) and the row grows to hold them."""
    lines = 1
    for (first, last), value in zip(_ALERT_SPANS, values):
        if isinstance(value, str):
            width = sum(COLUMN_WIDTHS.get(c, 8) for c in range(first, last + 1))
            lines = max(lines, wrapped_lines(value, width))
    if lines > 1:
        sheet.layout.style("wrap", row, 1, row, WIDTH)
        sheet.layout.heights[row] = ROW_HEIGHT * lines


def part_alerts(sheet: StatsForm, s: MonthStats, ledger: Ledger | None) -> None:
    lang = sheet.lang
    named = set(s.alerts.unsatisfied) | {r.case_id for r in s.alerts.severity_raised}  # the ids looked up below
    by_id: dict[str, Case] = {}
    for c in ledger.cases if ledger else []:
        label = c.case_id or f"#{c.row}"
        if label in named:
            by_id[label] = c
    settings = ledger.settings if ledger else None

    def where(case_id: str) -> tuple[str | None, str | None]:
        case = by_id.get(case_id)
        if case is None:
            return None, None
        return case.unit, ASPECTS.label(case.aspect, lang) if case.aspect else None

    sheet.heading("s6")
    _alert_row(sheet, [say(k, lang) for k in ("alert_kind", "unit", "aspect", "cases", "detail", "case_ids")], "header")
    rows: list[list[Any]] = []
    kind = say("a_unsatisfied", lang)
    for case_id in s.alerts.unsatisfied:
        case = by_id.get(case_id)
        rows.append(
            [
                kind,
                *where(case_id),
                1,
                CATEGORIES.label(case.category, lang) if case and case.category else None,
                case_id,
            ]
        )
    for key, groups, days, least in (
        ("a_repeat_complaints", s.alerts.repeat_complaints, settings.complaint_lookback_days if settings else None, 2),
        ("a_repeat_repairs", s.alerts.repeat_repairs, settings.repair_lookback_days if settings else None, 3),
    ):
        kind, detail = say(key, lang), (say("lookback", lang, days=days, n=least) if days else None)
        for g in sorted(groups, key=lambda g: -len(g.case_ids)):  # the most repeated first
            rows.append([kind, g.unit, ASPECTS.label(g.aspect, lang), len(g.case_ids), detail, "、".join(g.case_ids)])
    kind, details = say("a_severity_raised", lang), {}  # one detail text per (clerk, suggested) pair
    for r in s.alerts.severity_raised:
        detail = details.get((r.clerk, r.suggested))
        if detail is None:
            clerk = SEVERITIES.label(r.clerk, lang) if r.clerk else say("blank", lang)
            detail = details[(r.clerk, r.suggested)] = say(
                "raised", lang, clerk=clerk, suggested=SEVERITIES.label(r.suggested, lang)
            )
        rows.append([kind, *where(r.case_id), 1, detail, r.case_id])
    for values in rows:
        row = _alert_row(sheet, values, "text")
        sheet.layout.style("int", row, 6)
        _wrap_long(sheet, row, values)
    if not rows:
        _alert_row(sheet, [say("no_alerts", lang)], "text")
    row = _alert_row(
        sheet, [say("total", lang), None, None, s.alerts.total, say("alerts_total", lang, n=s.alerts.total)], "total"
    )
    sheet.layout.style("int", row, 6)


def part_follow_ups(sheet: StatsForm, s: MonthStats) -> None:
    """Follow-ups opened, closed and still open (core.follow_ups.month_counts)."""
    words = FOLLOW_UPS.get(sheet.lang, FOLLOW_UPS["zh-Hans"])
    sheet.heading_text(words[0])
    sheet.layout.add_row(list(words[1:]), "header")
    f = s.follow_ups
    sheet.data([f.opened, f.closed, f.still_open])


def part_suspicions(sheet: StatsForm, s: MonthStats) -> None:
    """The month's suspicions (core.suspicions), one row each: what, how many rows, the message."""
    words = SUSPICIONS.get(sheet.lang, SUSPICIONS["zh-Hans"])
    sheet.heading_text(words[0])
    for x in s.suspicions or [None]:
        sheet.note(x.message if x else words[1])
