"""The head-office workbook: league table, 12-month trends, submissions.

Values only (no formulas), in the language asked for. The league table is
ranked (rank_key) with conditional formatting on the rates and the verdict; the
group line under it comes from summed counts. Trends come from the history
database, with native line charts for the group and for the offices.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ledger.core.i18n import register, text
from ledger.headoffice.checks import Submissions
from ledger.io.render import STYLE_SPECS, put

CHART_OFFICES = 12  # offices drawn in the office trend chart (the rest are in the table beside it)

_LABELS: dict[str, tuple[str, str, str]] = {
    "league": ("汇总 {month}", "彙總 {month}", "League {month}"),
    "title": ("各管理处回访统计汇总 {month}", "各管理處回訪統計彙總 {month}", "Offices' callback statistics {month}"),
    "trends": ("趋势", "趨勢", "Trends"),
    "submissions": ("报送情况", "報送情況", "Submissions"),
    "rank": ("排名", "排名", "Rank"),
    "office": ("管理处", "管理處", "Office"),
    "received": ("受理", "受理", "Received"),
    "completed": ("完成", "完成", "Completed"),
    "callbacks": ("回访次数", "回訪次數", "Callbacks made"),
    "callback_rate": ("回访率", "回訪率", "Callback rate"),
    "on_time_rate": ("按时回访率", "按時回訪率", "On-time rate"),
    "satisfaction_rate": ("满意率", "滿意率", "Satisfaction rate"),
    "overdue": ("逾期未回访", "逾期未回訪", "Overdue"),
    "repeat_complaints": ("重复投诉", "重複投訴", "Repeat complaints"),
    "households": ("户数", "戶數", "Households"),
    "complaints_per_1000": ("每千户投诉", "每千戶投訴", "Complaints per 1,000 households"),
    "compliance_pass": ("回访达标", "回訪達標", "Callbacks on target"),
    "satisfaction_pass": ("满意率达标", "滿意率達標", "Satisfaction on target"),
    "pass": ("结论", "結論", "Verdict"),
    "group": ("集团合计", "集團合計", "Group total"),
    "yes": ("合格", "合格", "pass"),
    "no": ("不合格", "不合格", "fail"),
    "month": ("月份", "月份", "Month"),
    "group_trend": ("集团 12 个月趋势", "集團 12 個月趨勢", "Group, 12 months"),
    "office_sat": ("各管理处满意率", "各管理處滿意率", "Satisfaction rate by office"),
    "office_cb": ("各管理处回访率", "各管理處回訪率", "Callback rate by office"),
    "file": ("文件", "檔案", "File"),
    "sent_at": ("发送时间", "發送時間", "Sent"),
    "status": ("状态", "狀態", "Status"),
    "reason": ("原因", "原因", "Reason"),
    "on_time": ("按时", "按時", "on time"),
    "late": ("逾期(晚于次月 25 日)", "逾期(晚於次月 25 日)", "late (after the 25th)"),
    "missing": ("缺报", "缺報", "missing"),
    "duplicate": ("重复(以较新的为准)", "重複(以較新的為準)", "duplicate (the newer one is kept)"),
    "rejected": ("退回", "退回", "rejected"),
    "other_month": ("其他月份,未计入", "其他月份,未計入", "another month, not counted"),
    "kept": ("保留:{file}", "保留:{file}", "kept: {file}"),
    "note": (
        "合计由各处的件数相加后再计算比率,不是比率的平均。满意率 =(满意 + 一般满意)/ 回访次数。",
        "合計由各處的件數相加後再計算比率,不是比率的平均。滿意率 =(滿意 + 一般滿意)/ 回訪次數。",
        "Group figures add up the offices' counts and compute rates from the sums, never an average of rates. "
        "Satisfaction rate = (satisfied + fairly satisfied) / callbacks.",
    ),
}
register({f"ho.book.{k}": dict(zip(("zh-Hans", "zh-Hant", "en"), v)) for k, v in _LABELS.items()})

LEAGUE_COLUMNS = (
    "received",
    "completed",
    "callbacks",
    "callback_rate",
    "on_time_rate",
    "satisfaction_rate",
    "overdue",
    "repeat_complaints",
    "households",
    "complaints_per_1000",
    "compliance_pass",
    "satisfaction_pass",
    "pass",
)
RATES = ("callback_rate", "on_time_rate", "satisfaction_rate")
VERDICTS = ("compliance_pass", "satisfaction_pass", "pass")
_RED = PatternFill("solid", fgColor="FFC7CE")
_GREEN = PatternFill("solid", fgColor="C6EFCE")


def _t(key: str, lang: str, **params: Any) -> str:
    return text(f"ho.book.{key}", lang, **params)


def _style(cell: Any, name: str) -> None:
    for attr, value in STYLE_SPECS[name].items():
        setattr(cell, attr, value)


def _rate_chart(title: str) -> LineChart:
    chart = LineChart()
    chart.title = title
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    chart.height, chart.width = 7.5, 16
    return chart


def _straight(chart: LineChart) -> None:
    for series in chart.series:
        series.smooth = False  # a rate between two months is not known: no invented curve


def _printable(ws: Any) -> None:
    """Landscape, one page wide, so the table prints whole."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0


def _cell(ws: Any, row: int, col: int, value: Any, style: str = "text") -> Any:
    cell = ws.cell(row=row, column=col)
    put(cell, value)
    _style(cell, style)
    return cell


def league_sheet(book: Workbook, month: str, ranked: list[dict[str, Any]], group: dict[str, Any], lang: str) -> None:
    ws = book.create_sheet(_t("league", lang, month=month))
    _cell(ws, 1, 1, _t("title", lang, month=month), "title")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(LEAGUE_COLUMNS) + 2)
    headers = ["rank", "office", *LEAGUE_COLUMNS]
    for c, key in enumerate(headers, 1):
        _cell(ws, 2, c, _t(key, lang), "header")
    for r, row in enumerate(ranked, 3):
        _league_line(ws, r, [row["rank"], row["office"]], row, lang, "text")
    last = 2 + len(ranked)
    _league_line(ws, last + 1, ["", _t("group", lang)], group, lang, "total")
    _cell(ws, last + 3, 1, _t("note", lang), "note")
    if ranked:
        for key in RATES:
            col = get_column_letter(headers.index(key) + 1)
            ws.conditional_formatting.add(
                f"{col}3:{col}{last}",
                ColorScaleRule(start_type="min", start_color="F8696B", mid_type="percentile", mid_value=50,
                               mid_color="FFEB84", end_type="max", end_color="63BE7B"),
            )  # fmt: skip
        col = get_column_letter(headers.index("overdue") + 1)
        ws.conditional_formatting.add(
            f"{col}3:{col}{last}", CellIsRule(operator="greaterThan", formula=["0"], fill=_RED)
        )
        first, final = (get_column_letter(headers.index(k) + 1) for k in (VERDICTS[0], VERDICTS[-1]))
        for word, fill in ((_t("no", lang), _RED), (_t("yes", lang), _GREEN)):
            ws.conditional_formatting.add(
                f"{first}3:{final}{last}", CellIsRule(operator="equal", formula=[f'"{word}"'], fill=fill)
            )
    ws.freeze_panes = "C3"
    ws.column_dimensions["B"].width = 22
    for c in range(3, len(headers) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 12
    ws.row_dimensions[2].height = 32


def _league_line(ws: Any, r: int, lead: list[Any], row: dict[str, Any], lang: str, style: str) -> None:
    for c, value in enumerate(lead, 1):
        _cell(ws, r, c, value, style)
    for c, key in enumerate(LEAGUE_COLUMNS, len(lead) + 1):
        value = row.get(key)
        if key in VERDICTS and value is not None:
            value = _t("yes" if value else "no", lang)
        cell = _cell(ws, r, c, value, style)
        if key in RATES:
            cell.number_format = "0.0%"
        elif key == "complaints_per_1000":
            cell.number_format = "0.00"


def trends_sheet(
    book: Workbook, month: str, months: list[str], trends: dict[str, dict[str, dict]], offices: list[str], lang: str
) -> None:
    ws = book.create_sheet(_t("trends", lang))
    _cell(ws, 1, 1, _t("group_trend", lang), "title")
    keys = ("graded", "satisfaction_rate", "callback_rate", "on_time_rate", "overdue")
    heads = ("month", "callbacks", "satisfaction_rate", "callback_rate", "on_time_rate", "overdue")
    for c, key in enumerate(heads, 1):
        _cell(ws, 2, c, _t(key, lang), "header")
    group = trends.get("", {})
    for r, m in enumerate(months, 3):
        _cell(ws, r, 1, m)
        for c, key in enumerate(keys, 2):
            cell = _cell(ws, r, c, (group.get(m) or {}).get(key))
            cell.number_format = "0.0%" if key.endswith("rate") else "0"
    end = 2 + len(months)
    chart = _rate_chart(_t("group_trend", lang))
    chart.add_data(Reference(ws, min_col=3, max_col=5, min_row=2, max_row=end), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=3, max_row=end))
    _straight(chart)
    ws.add_chart(chart, "H2")
    row = end + 18
    for key, label in (("satisfaction_rate", "office_sat"), ("callback_rate", "office_cb")):
        row = _office_matrix(ws, row, key, _t(label, lang), months, trends, offices, lang) + 2
    ws.column_dimensions["A"].width = 22


def _office_matrix(ws, top, key, title, months, trends, offices, lang) -> int:
    """Offices as columns, months as rows (so each office is a chart series); returns the last row."""
    _cell(ws, top, 1, title, "subtitle")
    _cell(ws, top + 1, 1, _t("month", lang), "header")
    for c, office in enumerate(offices, 2):
        _cell(ws, top + 1, c, office, "header")
    for r, m in enumerate(months, top + 2):
        _cell(ws, r, 1, m)
        for c, office in enumerate(offices, 2):
            _cell(ws, r, c, (trends.get(office, {}).get(m) or {}).get(key)).number_format = "0.0%"
    end = top + 1 + len(months)
    if offices:
        last_col = get_column_letter(1 + len(offices))
        ws.conditional_formatting.add(
            f"B{top + 2}:{last_col}{end}",
            ColorScaleRule(start_type="min", start_color="F8696B", end_type="max", end_color="63BE7B"),
        )
        chart = _rate_chart(title)
        shown = min(len(offices), CHART_OFFICES)
        chart.add_data(Reference(ws, min_col=2, max_col=1 + shown, min_row=top + 1, max_row=end), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=top + 2, max_row=end))
        _straight(chart)
        ws.add_chart(chart, f"{get_column_letter(len(offices) + 3)}{top}")
    return end


def submissions_sheet(book: Workbook, subs: Submissions, lang: str) -> None:
    ws = book.create_sheet(_t("submissions", lang))
    heads = ("office", "file", "sent_at", "status", "reason")
    for c, key in enumerate(heads, 1):
        _cell(ws, 1, c, _t(key, lang), "header")
    lines: list[tuple[Any, ...]] = []
    for s in sorted(subs.accepted, key=lambda s: s.office):
        sent = s.sent_at.replace(tzinfo=None) if isinstance(s.sent_at, dt.datetime) else None
        lines.append((s.office, s.file, sent, _t("late" if s.late else "on_time", lang), "", s.late))
    for d in subs.duplicates:
        for f in d["files"]:
            lines.append((d["office"], f, None, _t("duplicate", lang), _t("kept", lang, file=d["kept"]), True))
    lines += [(o, "", None, _t("missing", lang), "", True) for o in subs.missing]
    for r in subs.rejected:
        lines.append(("", r.file, None, _t("rejected", lang), text(f"ho.reason.{r.reason}", lang), True))
    lines += [("", f, None, _t("other_month", lang), m, False) for f, m in subs.other_months]
    for r, (*values, bad) in enumerate(lines, 2):
        for c, value in enumerate(values, 1):
            cell = _cell(ws, r, c, value)
            if c == 3 and value is not None:
                cell.number_format = "yyyy-mm-dd hh:mm"
            if c == 4 and bad:
                cell.fill, cell.font = _RED, Font(color="9C0006", bold=True)
    for col, width in zip("ABCDE", (22, 44, 18, 24, 60)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    for row in ws.iter_rows(min_row=2, min_col=5, max_col=5):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def write_report_book(
    path: Path,
    month: str,
    ranked: list[dict[str, Any]],
    group: dict[str, Any],
    subs: Submissions,
    trends: dict[str, dict[str, dict]],
    months: list[str],
    lang: str,
) -> Path:
    """Write the workbook to a temp file beside `path`, then swap it in (never half a file)."""
    book = Workbook()
    book.remove(book.active)
    league_sheet(book, month, ranked, group, lang)
    trends_sheet(book, month, months, trends, [r["office"] for r in ranked], lang)
    submissions_sheet(book, subs, lang)
    for ws in book.worksheets:
        _printable(ws)
    book.properties.creator = "ledger"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~consolidate_", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        book.save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
