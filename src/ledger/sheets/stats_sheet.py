"""The monthly statistics sheet (月度统计) and the `stats` job (SPEC §6, §9).

The sheet follows the paper forms 顾客投诉分类统计表 / 回访统计表: one titled
table per part, each with a totals row, every rate next to its target with a
pass/fail highlight, a 12-month trend with two native line charts, and a
signature line for the supervisor. It is a neutral `SheetLayout`; io.render
and the xlwings adapter draw it.
"""

from __future__ import annotations

from typing import Any

from ledger.core.columns import COLUMNS_BY_FIELD
from ledger.core.i18n import register, text
from ledger.core.models import Case, Ledger
from ledger.core.stats import Compliance, Grades, MonthStats
from ledger.core.vocab import ASPECTS, CATEGORIES, RESPONSIBILITY, SEVERITIES
from ledger.sheets.layout import ChartSpec, SheetLayout, footer_safe, wrapped_lines

WIDTH = 13  # columns A..M
# About 120 characters across, so A4 landscape prints the tables at 9 pt even where characters are wide
# (LibreOffice without Calibri); M holds the verdicts with their reasons.
COLUMN_WIDTHS = {1: 16, **{c: 8 for c in range(2, WIDTH)}, WIDTH: 18}
ROW_HEIGHT = 16.0  # points: a line of 11-pt CJK text in any program
CHART_ROWS = 15  # sheet rows (15 pt) a 7.5 cm chart covers, with a little room
SHEET_NAME = {"zh-Hans": "月度统计 {month}", "zh-Hant": "月度統計 {month}", "en": "Statistics {month}"}
# The empty sheet a new ledger holds for the statistics (io.template); the first month's sheet takes it over.
PLACEHOLDER = {"zh-Hans": "月度统计", "zh-Hant": "月度統計", "en": "Monthly statistics"}

_L: dict[str, tuple[str, str, str]] = {
    "title": (
        "{office} 月度回访统计表({month})",
        "{office} 月度回訪統計表({month})",
        "{office} monthly callback statistics, {month}",
    ),
    "subtitle": (
        "统计期间 {first} 至 {last};回访记录截至 {as_of}。表中均为数值,可按台账用 COUNTIFS 复核。",
        "統計期間 {first} 至 {last};回訪記錄截至 {as_of}。表中均為數值,可按台賬用 COUNTIFS 複核。",
        "Period {first} to {last}; callbacks recorded up to {as_of}. All cells are values that COUNTIFS over the ledger re-derives.",
    ),
    "s1": (
        "一、案件受理、完成与未完成情况(按类别)",
        "一、案件受理、完成與未完成情況(按類別)",
        "1. Cases received, completed and still open, by category",
    ),
    "s2": (
        "二、顾客投诉分类统计(本月受理的投诉)",
        "二、顧客投訴分類統計(本月受理的投訴)",
        "2. Complaints received this month, by responsibility class and severity",
    ),
    "s2b": ("投诉按服务项目", "投訴按服務項目", "Complaints by aspect"),
    "s3": (
        "三、回访完成情况(按回访期限所在月份判定)",
        "三、回訪完成情況(按回訪期限所在月份判定)",
        "3. Callback compliance (judged in the month the window closes)",
    ),
    "s4": (
        "四、回访满意度(本月所做回访)",
        "四、回訪滿意度(本月所做回訪)",
        "4. Satisfaction of the callbacks made this month",
    ),
    "s4b": ("满意度按服务项目", "滿意度按服務項目", "Satisfaction by aspect"),
    "s5": ("五、处理及时性", "五、處理及時性", "5. Timeliness"),
    "s6": ("六、预警", "六、預警", "6. Alerts"),
    "s7": ("七、近12个月趋势", "七、近12個月趨勢", "7. 12-month trend"),
    "category": ("类别", "類別", "Category"),
    "received": ("本月受理", "本月受理", "Received"),
    "completed": ("本月完成", "本月完成", "Completed"),
    "open": ("月末未完成", "月末未完成", "Open at month end"),
    "total": ("合计", "合計", "Total"),
    "overall": ("总体", "總體", "Overall"),
    "class": ("责任类别", "責任類別", "Responsibility"),
    "aspect": ("服务项目", "服務項目", "Aspect"),
    "complaints": ("投诉件数", "投訴件數", "Complaints"),
    "unclassified": (
        "另有 {n} 件本月投诉未填写责任类别或严重程度,未计入上表。",
        "另有 {n} 件本月投訴未填寫責任類別或嚴重程度,未計入上表。",
        "{n} complaint(s) of this month lack a class or severity and are not in the table above.",
    ),
    "population": ("应回访总数", "應回訪總數", "Population"),
    "sampled": ("抽中", "抽中", "Drawn"),
    "on_time": ("按时回访", "按時回訪", "On time"),
    "late": ("逾期回访", "逾期回訪", "Late"),
    "too_early": ("过早回访", "過早回訪", "Too early"),
    "overdue": ("逾期未回访", "逾期未回訪", "Overdue"),
    "exempt": ("免回访", "免回訪", "Exempt"),
    "unreachable": ("无法联系", "無法聯繫", "Unreachable"),
    "required": ("规定回访件数", "規定回訪件數", "Required"),
    "callback_rate": ("实际回访率", "實際回訪率", "Callback rate"),
    "required_rate": ("规定回访率", "規定回訪率", "Required rate"),
    "result": ("结果", "結果", "Result"),
    "result_cb": ("结果(按时 ≥ 规定为合格)", "結果(按時 ≥ 規定為合格)", "Result (pass: on time ≥ required)"),
    "result_sat": ("结果(满意率 ≥ 目标为合格)", "結果(滿意率 ≥ 目標為合格)", "Result (pass: rate ≥ target)"),
    "pass": ("合格", "合格", "Pass"),
    "fail": ("不合格", "不合格", "Fail"),
    "why_cb_pass": (
        "合格:按时 {on_time} ≥ 规定 {required}",
        "合格:按時 {on_time} ≥ 規定 {required}",
        "Pass: on time {on_time} ≥ required {required}",
    ),
    "why_cb_fail": (
        "不合格:按时 {on_time} < 规定 {required}",
        "不合格:按時 {on_time} < 規定 {required}",
        "Fail: on time {on_time} < required {required}",
    ),
    "why_all_pass": ("合格:各类别均合格", "合格:各類別均合格", "Pass: every category passes"),
    "why_all_fail": ("不合格:{n} 类未达标", "不合格:{n} 類未達標", "Fail: {n} categories short"),
    "why_sat_pass": ("合格:{rate} ≥ {target}", "合格:{rate} ≥ {target}", "Pass: {rate} ≥ {target}"),
    "why_sat_fail": ("不合格:{rate} < {target}", "不合格:{rate} < {target}", "Fail: {rate} < {target}"),
    "footer": (
        "{office}  月度回访统计表 {month}",
        "{office}  月度回訪統計表 {month}",
        "{office}  callback statistics {month}",
    ),
    "page": ("第 &P 页 共 &N 页", "第 &P 頁 共 &N 頁", "Page &P of &N"),
    "x_month": ("月份", "月份", "Month"),
    "none": ("—", "—", "—"),
    "s3_note": (
        "按时回访件数 ≥ 规定回访件数为合格。免回访不计入应回访总数;未抽中且未回访的案件计入总数,但不计入任何结果。",
        "按時回訪件數 ≥ 規定回訪件數為合格。免回訪不計入應回訪總數;未抽中且未回訪的案件計入總數,但不計入任何結果。",
        "Pass: on-time callbacks ≥ required. Exempt cases are outside the population; cases not drawn and not called are in the population but in no outcome column.",
    ),
    "satisfied": ("满意", "滿意", "Satisfied"),
    "fairly_satisfied": ("一般满意", "一般滿意", "Fairly satisfied"),
    "unsatisfied": ("不满意", "不滿意", "Unsatisfied"),
    "graded": ("回访件数", "回訪件數", "Callbacks"),
    "sat_rate": ("满意率", "滿意率", "Satisfaction rate"),
    "target": ("目标", "目標", "Target"),
    "s4_note": (
        "满意率 =(满意 + 一般满意)÷ 回访件数 × 100%(003 篇3 3.1.3);总体目标 ≥ {target}。",
        "滿意率 =(滿意 + 一般滿意)÷ 回訪件數 × 100%(003 篇3 3.1.3);總體目標 ≥ {target}。",
        "Rate = (satisfied + fairly satisfied) ÷ callbacks graded; overall target ≥ {target}.",
    ),
    "item": ("项目", "項目", "Item"),
    "count": ("达标件数", "達標件數", "Met"),
    "of": ("投诉总数", "投訴總數", "Complaints"),
    "ratio": ("比率", "比率", "Rate"),
    "responded_24h": ("投诉24小时内首次回复", "投訴24小時內首次回覆", "Complaints answered within 24 hours"),
    "resolved_3wd": ("投诉3个工作日内解决", "投訴3個工作日內解決", "Complaints resolved within 3 working days"),
    "median": ("中位天数", "中位天數", "Median days"),
    "alert_kind": ("预警类型", "預警類型", "Alert"),
    "unit": ("房号", "房號", "Unit"),
    "cases": ("件数", "件數", "Cases"),
    "case_ids": ("案件编号", "案件編號", "Case IDs"),
    "detail": ("说明", "說明", "Detail"),
    "a_unsatisfied": ("回访不满意", "回訪不滿意", "Unsatisfied"),
    "a_repeat_complaints": ("重复投诉", "重複投訴", "Repeat complaint"),
    "a_repeat_repairs": ("重复维修", "重複維修", "Repeat repair"),
    "a_severity_raised": ("等级建议上调", "等級建議上調", "Raise severity"),
    "lookback": (
        "同房号同事项 {days}天内 ≥{n} 次",
        "同房號同事項 {days}天內 ≥{n} 次",
        "same unit and matter, ≥ {n} in {days} days",
    ),
    "raised": (
        "登记 {clerk} → 建议 {suggested}",
        "登記 {clerk} → 建議 {suggested}",
        "recorded {clerk} → suggested {suggested}",
    ),
    "blank": ("(未填)", "(未填)", "(blank)"),
    "no_alerts": ("本月无预警", "本月無預警", "No alerts this month"),
    "alerts_total": ("共 {n} 项", "共 {n} 項", "{n} alert(s)"),
    "month": ("月份", "月份", "Month"),
    "content": ("满意+一般满意", "滿意+一般滿意", "Satisfied + fairly satisfied"),
    "called": ("已回访", "已回訪", "Called back"),
    "chart_sat": ("满意率趋势", "滿意率趨勢", "Satisfaction rate"),
    "chart_cb": ("回访率趋势", "回訪率趨勢", "Callback rate"),
    "signature": (
        "制表人:__________    服务中心主管(签字):__________    管理处经理:__________    日期:__________",
        "製表人:__________    服務中心主管(簽字):__________    管理處經理:__________    日期:__________",
        "Prepared by: __________    Supervisor (signature): __________    Office manager: __________    Date: __________",
    ),
    "text_head": (
        "{office} {month} 月度统计(回访截至 {as_of})",
        "{office} {month} 月度統計(回訪截至 {as_of})",
        "{office} statistics for {month} (callbacks up to {as_of})",
    ),
    "text_cases": (
        "受理 {received} 件,完成 {completed} 件,月末未完成 {open} 件。",
        "受理 {received} 件,完成 {completed} 件,月末未完成 {open} 件。",
        "Received {received}, completed {completed}, open at month end {open}.",
    ),
    "text_compliance": (
        "{category}:应回访 {population},规定 {required},按时 {on_time},逾期回访 {late},过早 {too_early},逾期未回访 {overdue},免回访 {exempt},无法联系 {unreachable},回访率 {rate},{result}",
        "{category}:應回訪 {population},規定 {required},按時 {on_time},逾期回訪 {late},過早 {too_early},逾期未回訪 {overdue},免回訪 {exempt},無法聯繫 {unreachable},回訪率 {rate},{result}",
        "{category}: population {population}, required {required}, on time {on_time}, late {late}, too early {too_early}, overdue {overdue}, exempt {exempt}, unreachable {unreachable}, rate {rate}, {result}",
    ),
    "text_satisfaction": (
        "满意度:回访 {graded} 件,满意率 {rate}(目标 {target})。",
        "滿意度:回訪 {graded} 件,滿意率 {rate}(目標 {target})。",
        "Satisfaction: {graded} callbacks graded, rate {rate} (target {target}).",
    ),
    "text_timeliness": (
        "投诉 {of} 件:24小时内回复 {r24},3个工作日内解决 {r3}。",
        "投訴 {of} 件:24小時內回覆 {r24},3個工作日內解決 {r3}。",
        "{of} complaints: {r24} answered within 24 h, {r3} resolved within 3 working days.",
    ),
    "partial_title": (
        "(截至 {as_of},未满月)",
        "(截至 {as_of},未滿月)",
        " (up to {as_of}, month not over)",
    ),
    "excluded": (
        "{n} 件未能计入统计:第 {rows} 行,见“问题”列。",
        "{n} 件未能計入統計:第 {rows} 行,見「問題」欄。",
        "{n} case(s) could not be counted: rows {rows}; see the Problems column.",
    ),
    "no_data": ("无数据", "無數據", "No data"),
    "no_data_why": (
        "无数据:台账没有{columns}列。",
        "無數據:台賬沒有{columns}欄。",
        "No data: the ledger has no {columns} column.",
    ),
    "no_windows": (
        "回访率无数据:本月没有回访期限到期的案件。",
        "回訪率無數據:本月沒有回訪期限到期的案件。",
        "Callback rate: no data, no callback window closed this month.",
    ),
    "no_callbacks": (
        "满意率无数据:本月没有评了满意度的回访。",
        "滿意率無數據:本月沒有評了滿意度的回訪。",
        "Satisfaction rate: no data, no graded callback this month.",
    ),
    "no_complaints": (
        "比率无数据:本月没有受理投诉。",
        "比率無數據:本月沒有受理投訴。",
        "Rates: no data, no complaint was received this month.",
    ),
    "text_excluded": (
        "⚠ {n} 件未能计入统计:第 {rows} 行,见“问题”列。",
        "⚠ {n} 件未能計入統計:第 {rows} 行,見「問題」欄。",
        "⚠ {n} case(s) could not be counted: rows {rows}; see the Problems column.",
    ),
    "text_alerts": (
        "预警:不满意 {u},重复投诉 {rc} 组,重复维修 {rr} 组,等级建议上调 {sr}。",
        "預警:不滿意 {u},重複投訴 {rc} 組,重複維修 {rr} 組,等級建議上調 {sr}。",
        "Alerts: {u} unsatisfied, {rc} repeat-complaint groups, {rr} repeat-repair groups, {sr} severities to raise.",
    ),
}
register({f"stats.{k}": {"zh-Hans": v[0], "zh-Hant": v[1], "en": v[2]} for k, v in _L.items()})


def _t(key: str, lang: str, **params: Any) -> str:
    return text(f"stats.{key}", lang, **params)


def sheet_name(month: str, lang: str) -> str:
    return SHEET_NAME.get(lang, SHEET_NAME["zh-Hans"]).format(month=month)


def _no_data_note(sheet: _Sheet, s: MonthStats, *figures: str) -> bool:
    """Say why a figure has no data (its columns are missing from the ledger); True when one has none."""
    fields = list(dict.fromkeys(f for figure in figures for f in s.missing.get(figure, ())))
    if fields:
        quote = "“{}”" if sheet.lang == "zh-Hans" else ("「{}」" if sheet.lang == "zh-Hant" else "“{}”")
        columns = "、".join(quote.format(COLUMNS_BY_FIELD[f].label(sheet.lang)) for f in fields)
        sheet.note(_t("no_data_why", sheet.lang, columns=columns))
    return bool(fields)


def _blanked(values: list[Any], cols: range | tuple[int, ...], word: str) -> list[Any]:
    """The row with the cells of these 1-based columns saying "no data" instead of a number."""
    return [word if i + 1 in cols else v for i, v in enumerate(values)]


def _excluded_rows(s: MonthStats) -> str:
    return "、".join(str(e.row) for e in s.excluded)


def _result_key(passed: bool | None) -> str:
    return "none" if passed is None else ("pass" if passed else "fail")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


class _Sheet:
    """Small helpers that keep each table's code to its content."""

    def __init__(self, layout: SheetLayout, lang: str):
        self.layout, self.lang = layout, lang
        self.starts: list[int] = []  # first row of each block kept on one page (a section, a table)

    def heading(self, key: str) -> None:
        self.heading_text(_t(key, self.lang))

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
        labels = [_t(k, self.lang) for k in keys]
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
        return _t(_result_key(passed), self.lang)

    def spread(self, row: int, first: int, last: int) -> None:
        """One cell across columns first..last of the row (a verdict with its reason)."""
        self.layout.merged.append((row, first, row, last))


def stats_layout(stats: MonthStats, lang: str, ledger: Ledger | None = None) -> SheetLayout:
    """The month's statistics sheet; `ledger` (optional) lets alerts name units and aspects."""
    layout = SheetLayout(sheet_name(stats.month, lang))
    sheet = _Sheet(layout, lang)
    title = _t("title", lang, office=stats.office, month=stats.month)
    if stats.partial:
        title += _t("partial_title", lang, as_of=stats.as_of.isoformat())
    layout.add_row([title], "title")
    layout.merged.append((1, 1, 1, WIDTH))
    layout.add_row(
        [
            _t(
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
    _part_cases(sheet, stats)
    _part_complaints(sheet, stats)
    _part_compliance(sheet, stats)
    _part_satisfaction(sheet, stats)
    _part_timeliness(sheet, stats)
    _part_alerts(sheet, stats, ledger)
    _part_trend(sheet, stats)
    _part_follow_ups(sheet, stats)
    _part_suspicions(sheet, stats)
    layout.add_row([])
    row = layout.add_row([_t("signature", lang)], "signature")
    layout.merged.append((row, 1, row, WIDTH))
    _paper(sheet, stats)
    return layout


def _paper(sheet: _Sheet, stats: MonthStats) -> None:
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
        footer_safe(_t("footer", lang, office=stats.office, month=stats.month)),
        _t("page", lang),
        "",
    )
    left, right = layout.charts[0], layout.charts[1]
    left.width_cm = layout.columns_cm(1, 6) - 0.3  # each chart inside its columns: nothing prints past M
    right.width_cm = layout.columns_cm(7, WIDTH) - 0.3
    layout.keep_together(sheet.starts)


def _part_cases(sheet: _Sheet, s: MonthStats) -> None:
    lang = sheet.lang
    sheet.heading("s1")
    sheet.header(["category", "received", "completed", "open"])
    gone = (3, 4) if "completed" in s.missing else ()
    word = _t("no_data", lang)
    for term in CATEGORIES:
        sheet.data(
            _blanked([term.label(lang), s.received[term.key], s.completed[term.key], s.open[term.key]], gone, word)
        )
    sheet.data(
        _blanked(
            [_t("total", lang), sum(s.received.values()), sum(s.completed.values()), sum(s.open.values())], gone, word
        ),
        total=True,
    )
    _no_data_note(sheet, s, "completed")
    if s.excluded:
        sheet.note(_t("excluded", lang, n=len(s.excluded), rows=_excluded_rows(s)))


def _part_complaints(sheet: _Sheet, s: MonthStats) -> None:
    lang = sheet.lang
    sheet.heading("s2")
    sheet.layout.add_row([_t("class", lang), *SEVERITIES.labels(lang), _t("total", lang)], "header")
    word = _t("no_data", lang)
    gone = range(2, 7) if "by_class_severity" in s.missing else ()
    for term in RESPONSIBILITY:
        cells = [s.by_class_severity[term.key][k] for k in SEVERITIES.keys()]
        sheet.data(_blanked([term.label(lang), *cells, sum(cells)], gone, word))
    columns = [sum(s.by_class_severity[c][k] for c in RESPONSIBILITY.keys()) for k in SEVERITIES.keys()]
    sheet.data(_blanked([_t("total", lang), *columns, sum(columns)], gone, word), total=True)
    if not _no_data_note(sheet, s, "by_class_severity") and s.unclassified:
        sheet.note(_t("unclassified", lang, n=s.unclassified))
    sheet.gap()
    sheet.header(["aspect", "complaints"])
    gone = (2,) if "by_aspect" in s.missing else ()
    for term in ASPECTS:
        sheet.data(_blanked([term.label(lang), s.by_aspect[term.key]], gone, word))
    sheet.data(_blanked([_t("total", lang), sum(s.by_aspect.values())], gone, word), total=True)
    _no_data_note(sheet, s, "by_aspect")


def _verdict(c: Compliance) -> bool | None:
    """Pass/fail of a compliance row; nothing to judge when no window closed in the month."""
    return c.passed if c.population else None


def _compliance_why(c: Compliance, verdict: bool | None, lang: str) -> str:
    """The verdict with its reason: on-time callbacks against the required count."""
    if verdict is None:
        return _t("none", lang)
    return _t("why_cb_pass" if verdict else "why_cb_fail", lang, on_time=c.on_time, required=c.required)


def _compliance_cells(label: str, c: Compliance, sheet: _Sheet, verdict: bool | None, why: str) -> list[Any]:
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


def _part_compliance(sheet: _Sheet, s: MonthStats) -> None:
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
        word = _t("no_data", lang)
        for label in [*CATEGORIES.labels(lang), _t("total", lang)]:
            sheet.data([label, *[word] * 10, None, None], total=label == _t("total", lang))
        _no_data_note(sheet, s, "compliance")
        return
    for term in CATEGORIES:
        c = s.compliance[term.key]
        why = _compliance_why(c, _verdict(c), lang)
        cells = _compliance_cells(term.label(lang), c, sheet, _verdict(c), why)
        # no window closed for this category: its rate has no denominator, and says so (issue 13.2)
        row = sheet.data(_blanked(cells, (11,) if not c.population else (), _t("no_data", lang)), (11, 12))
        sheet.layout.style("wrap", row, 13)
        sheet.layout.heights[row] = ROW_HEIGHT * wrapped_lines(why, COLUMN_WIDTHS[WIDTH])
        sheet.verdict(row, (11, 13), _verdict(c))
    total = s.compliance_total()
    failing = [k for k, c in s.compliance.items() if c.population and not c.passed]
    all_pass = not failing if total.population else None
    why = (
        _t("none", lang)
        if all_pass is None
        else _t("why_all_pass", lang)
        if all_pass
        else _t("why_all_fail", lang, n=len(failing))
    )
    cells = _compliance_cells(_t("total", lang), total, sheet, all_pass, why)
    row = sheet.data(
        _blanked(cells, (11,) if not total.population else (), _t("no_data", lang)), percent_cols=(11, 12), total=True
    )
    sheet.layout.style("wrap", row, 13)
    sheet.layout.heights[row] = ROW_HEIGHT * wrapped_lines(why, COLUMN_WIDTHS[WIDTH])
    sheet.verdict(row, (11, 13), all_pass)
    sheet.note(_t("s3_note", lang))
    if not total.population:  # a rate without a denominator is no data, and says why
        sheet.note(_t("no_windows", lang))


def _grades_why(g: Grades, lang: str) -> str:
    """The verdict with its reason: the rate against its target."""
    if g.passed is None:
        return _t("none", lang)
    return _t("why_sat_pass" if g.passed else "why_sat_fail", lang, rate=_pct(g.rate), target=_pct(g.target))


def _graded_or_no_data(label: str, g: Grades, sheet: _Sheet) -> list[Any]:
    """A satisfaction row; with no graded callback its rate has no denominator and says 无数据 (issue 13.2)."""
    cells = _grades_cells(label, g, sheet)
    return _blanked(cells, (6,) if not g.graded else (), _t("no_data", sheet.lang))


def _grades_cells(label: str, g: Grades, sheet: _Sheet) -> list[Any]:
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


def _part_satisfaction(sheet: _Sheet, s: MonthStats) -> None:
    lang = sheet.lang
    sheet.heading("s4")
    keys = ["category", "satisfied", "fairly_satisfied", "unsatisfied", "graded", "sat_rate", "target", "result_sat"]
    sheet.spread(sheet.header(keys), 8, 10)
    if "satisfaction" in s.missing:  # no verdict about data that is not there
        word = _t("no_data", lang)
        for term in CATEGORIES:
            row = sheet.data([term.label(lang), *[word] * 5, s.satisfaction[term.key].target, None], percent_cols=(7,))
            sheet.spread(row, 8, 10)
        overall = s.satisfaction["overall"]
        row = sheet.data([_t("overall", lang), *[word] * 5, overall.target, None], percent_cols=(7,), total=True)
        sheet.spread(row, 8, 10)
        _no_data_note(sheet, s, "satisfaction")
        return
    for term in CATEGORIES:
        g = s.satisfaction[term.key]
        row = sheet.data(_graded_or_no_data(term.label(lang), g, sheet), percent_cols=(6, 7))
        sheet.verdict(row, (6, 8), g.passed)
        sheet.spread(row, 8, 10)
    overall = s.satisfaction["overall"]
    row = sheet.data(
        _grades_cells(
            f"{_t('total', lang)}({_t('overall', lang)})"
            if lang != "en"
            else f"{_t('total', lang)} ({_t('overall', lang)})",
            overall,
            sheet,
        ),
        percent_cols=(6, 7),
        total=True,
    )
    sheet.verdict(row, (6, 8), overall.passed)
    sheet.spread(row, 8, 10)
    if not overall.graded:
        sheet.layout.rows[row - 1][5] = _t("no_data", lang)
        sheet.note(_t("no_callbacks", lang))
    sheet.note(_t("s4_note", lang, target=_pct(overall.target)))
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
    row = sheet.data(_grades_cells(_t("total", lang), total, sheet), percent_cols=(6, 7), total=True)
    sheet.verdict(row, (6, 8), total.passed)
    sheet.spread(row, 8, 10)


def _part_timeliness(sheet: _Sheet, s: MonthStats) -> None:
    lang = sheet.lang
    sheet.heading("s5")
    sheet.header(["item", "count", "of", "ratio"])
    word = _t("no_data", lang)
    for key, figure, count in (
        ("responded_24h", "responded_24h", s.responded_24h),
        ("resolved_3wd", "resolved_3_workdays", s.resolved_3_workdays),
    ):
        gone = (2, 4) if figure in s.missing else ((4,) if not count.of else ())
        sheet.data(_blanked([_t(key, lang), count.count, count.of, count.rate], gone, word), percent_cols=(4,))
    if not s.responded_24h.of:
        sheet.note(_t("no_complaints", lang))
    _no_data_note(sheet, s, "responded_24h")
    _no_data_note(sheet, s, "resolved_3_workdays")
    sheet.gap()
    sheet.header(["category", "completed", "median"])
    gone = (2, 3) if "median_days" in s.missing else ()
    for term in CATEGORIES:
        sheet.data(
            _blanked([term.label(lang), s.completed[term.key], s.median_days[term.key]], gone, word), plain_cols=(3,)
        )
    sheet.data(
        _blanked([_t("total", lang), sum(s.completed.values()), s.median_days.get("overall")], gone, word),
        total=True,
        plain_cols=(3,),
    )


# Alert table columns: kind A, unit B:C, aspect D:E, count F, detail G:I, case ids J:M (merged per row,
# so long units and id lists print without wrapping).
_ALERT_SPANS = ((1, 1), (2, 3), (4, 5), (6, 6), (7, 9), (10, WIDTH))


def _alert_row(sheet: _Sheet, values: list[Any], style: str) -> int:
    cells: list[Any] = [None] * WIDTH
    for (first, _), value in zip(_ALERT_SPANS, values):
        cells[first - 1] = value
    row = sheet.layout.add_row(cells)
    sheet.layout.style(style, row, 1, row, WIDTH)
    for first, last in _ALERT_SPANS:
        if last > first:
            sheet.layout.merged.append((row, first, row, last))
    return row


def _wrap_long(sheet: _Sheet, row: int, values: list[Any]) -> None:
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


def _part_alerts(sheet: _Sheet, s: MonthStats, ledger: Ledger | None) -> None:
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
    _alert_row(sheet, [_t(k, lang) for k in ("alert_kind", "unit", "aspect", "cases", "detail", "case_ids")], "header")
    rows: list[list[Any]] = []
    kind = _t("a_unsatisfied", lang)
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
        kind, detail = _t(key, lang), (_t("lookback", lang, days=days, n=least) if days else None)
        for g in groups:
            rows.append([kind, g.unit, ASPECTS.label(g.aspect, lang), len(g.case_ids), detail, "、".join(g.case_ids)])
    kind, details = _t("a_severity_raised", lang), {}  # one detail text per (clerk, suggested) pair
    for r in s.alerts.severity_raised:
        detail = details.get((r.clerk, r.suggested))
        if detail is None:
            clerk = SEVERITIES.label(r.clerk, lang) if r.clerk else _t("blank", lang)
            detail = details[(r.clerk, r.suggested)] = _t(
                "raised", lang, clerk=clerk, suggested=SEVERITIES.label(r.suggested, lang)
            )
        rows.append([kind, *where(r.case_id), 1, detail, r.case_id])
    for values in rows:
        row = _alert_row(sheet, values, "text")
        sheet.layout.style("int", row, 6)
        _wrap_long(sheet, row, values)
    if not rows:
        _alert_row(sheet, [_t("no_alerts", lang)], "text")
    row = _alert_row(
        sheet, [_t("total", lang), None, None, s.alerts.total, _t("alerts_total", lang, n=s.alerts.total)], "total"
    )
    sheet.layout.style("int", row, 6)


def _part_trend(sheet: _Sheet, s: MonthStats) -> None:
    lang = sheet.lang
    layout = sheet.layout
    sheet.heading("s7")
    header = sheet.header(
        [
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
    )
    target = s.satisfaction["overall"].target
    first = header + 1
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
    last = len(layout.rows)
    graded = sum(p.satisfaction.graded for p in s.trend)
    content = sum(p.satisfaction.content for p in s.trend)
    population = sum(p.compliance.population for p in s.trend)
    required = sum(p.compliance.required for p in s.trend)
    called = sum(p.compliance.called for p in s.trend)
    on_time = sum(p.compliance.on_time for p in s.trend)
    row = sheet.data(
        [
            _t("total", lang),
            graded,
            content,
            content / graded if graded else None,
            target,
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
    layout.charts.append(
        ChartSpec(
            title=_t("chart_sat", lang),
            kind="line",
            header_row=header,
            first_row=first,
            last_row=last,
            category_col=1,
            series_cols=[4, 5],
            anchor=f"A{row + 2}",
            y_title=_t("sat_rate", lang),
            x_title=_t("x_month", lang),
            rows_tall=CHART_ROWS,
        )
    )
    layout.charts.append(
        ChartSpec(
            title=_t("chart_cb", lang),
            kind="line",
            header_row=header,
            first_row=first,
            last_row=last,
            category_col=1,
            series_cols=[10, 11],
            anchor=f"G{row + 2}",
            y_title=_t("callback_rate", lang),
            x_title=_t("x_month", lang),
            rows_tall=CHART_ROWS,
        )
    )
    for _ in range(CHART_ROWS + 1):  # room for the charts (7.5 cm tall) before the signature line
        layout.add_row([])


# ---------------------------------------------------------------- the job and its text summary


def stats_text(result: MonthStats, lang: str) -> str:
    """A few readable lines for the terminal."""
    word, gone = _t("no_data", lang), result.missing
    lines = [
        _t("text_head", lang, office=result.office, month=result.month, as_of=result.as_of.isoformat())
        + (_t("partial_title", lang, as_of=result.as_of.isoformat()) if result.partial else ""),
        _t(
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
                _t(
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
                    rate=_pct(c.callback_rate),
                    result=_compliance_why(c, _verdict(c), lang),
                )
            )
    overall = result.satisfaction["overall"]
    lines.append(
        _t(
            "text_satisfaction",
            lang,
            graded=word if "satisfaction" in gone else overall.graded,
            rate=word if "satisfaction" in gone else _pct(overall.rate),
            target=_pct(overall.target),
        )
    )
    lines.append(
        _t(
            "text_timeliness",
            lang,
            of=result.responded_24h.of,
            r24=word if "responded_24h" in gone else result.responded_24h.count,
            r3=word if "resolved_3_workdays" in gone else result.resolved_3_workdays.count,
        )
    )
    a = result.alerts
    lines.append(
        _t(
            "text_alerts",
            lang,
            u=len(a.unsatisfied),
            rc=len(a.repeat_complaints),
            rr=len(a.repeat_repairs),
            sr=len(a.severity_raised),
        )
    )
    if result.excluded:
        lines.append(_t("text_excluded", lang, n=len(result.excluded), rows=_excluded_rows(result)))
    for p in result.problems:
        lines.append("⚠ " + p.located(lang))
    return "\n".join(lines)


_FOLLOW_UPS = {
    "zh-Hans": ("跟进事项(不满意、重复投诉、重复维修;须再回访关闭)", "本月新增", "本月再回访关闭", "月末仍未关闭"),
    "zh-Hant": ("跟進事項(不滿意、重複投訴、重複維修;須再回訪關閉)", "本月新增", "本月再回訪關閉", "月末仍未關閉"),
    "en": ("Follow-ups (unsatisfied, repeat complaints and repairs; closed by a second callback)",
           "Opened this month", "Closed this month", "Still open at month end"),
}  # fmt: skip


def _part_follow_ups(sheet: _Sheet, s: MonthStats) -> None:
    """Follow-ups opened, closed and still open (core.follow_ups.month_counts)."""
    words = _FOLLOW_UPS.get(sheet.lang, _FOLLOW_UPS["zh-Hans"])
    sheet.heading_text(words[0])
    sheet.layout.add_row(list(words[1:]), "header")
    f = s.follow_ups
    sheet.data([f.opened, f.closed, f.still_open])


_SUSPICIONS = {
    "zh-Hans": ("回访疑点(请主管核实;核实后在案件台账【疑点说明】列写明,不再提示)", "本月未发现回访疑点", "疑点"),
    "zh-Hant": ("回訪疑點(請主管核實;核實後在案件台賬【疑點說明】欄寫明,不再提示)", "本月未發現回訪疑點", "疑點"),
    "en": ("Callback suspicions (for the supervisor to check; explain one in the case sheet's “Suspicion explained” "
           "column and it is not raised again)", "No suspicions this month", "Suspicion"),
}  # fmt: skip


def _part_suspicions(sheet: _Sheet, s: MonthStats) -> None:
    """The month's suspicions (core.suspicions), one row each: what, how many rows, the message."""
    words = _SUSPICIONS.get(sheet.lang, _SUSPICIONS["zh-Hans"])
    sheet.heading_text(words[0])
    for x in s.suspicions or [None]:
        sheet.note(x.message if x else words[1])
