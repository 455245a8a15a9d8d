"""The printable callback list (回访清单) and the tool-owned columns of the case sheet."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from typing import Any

from ledger.core.attempts import next_attempt
from ledger.core.callbacks import Assessment, CallbackReport
from ledger.core.follow_ups import reason_label
from ledger.core.i18n import register, register_by_language, text
from ledger.core.models import Case, Ledger
from ledger.core.recording import CHECK_HEADERS, fingerprint
from ledger.core.vocab import CALLBACK_METHODS, CATEGORIES, ROLES, SATISFACTION, STATUSES
from ledger.sheets.layout import SheetLayout, footer_safe, wrapped_lines

LIST_SHEET = {"zh-Hans": "回访清单", "zh-Hant": "回訪清單", "en": "Callback list"}

_HEADERS = {
    "zh-Hans": [
        "序号",
        "案件编号",
        "房号 / 住户 / 电话",
        "回访期限",
        "状态",
        "回访人 / 建议方式",
        "类别及内容摘要",
        "回访日期",
        "回访方式",
        "满意度",
        "回访意见",
        "回访次数",
        "核对码",
    ],
    "zh-Hant": [
        "序號",
        "案件編號",
        "房號 / 住戶 / 電話",
        "回訪期限",
        "狀態",
        "回訪人 / 建議方式",
        "類別及內容摘要",
        "回訪日期",
        "回訪方式",
        "滿意度",
        "回訪意見",
        "回訪次數",
        "核對碼",
    ],
    "en": [
        "No.",
        "Case ID",
        "Unit / customer / phone",
        "Call by",
        "Status",
        "Caller / method",
        "Category and summary",
        "Callback date",
        "Callback method",
        "Satisfaction",
        "Notes",
        "Callback attempts",
        "Check code",
    ],
}
# The columns the caller fills in by hand, read back by `ledger record` by header (core.recording), so the
# words above stay as they are; the last column (核对码) tells record whether the case changed since.
RESULT_COLUMNS = range(8, 13)
# About 125 characters across, so A4 landscape prints the 11-pt text at 9 pt or more even where the
# character is wide (LibreOffice without Calibri).
# Few distinct widths: in Excel each one is a call (xl.render), and a click stays under 40 calls.
WIDTHS = [4, 14.5, 14.5, 10.5, 10.5, 8.5, 14.5, 10.5, 7, 7, 14.5, 4, 9]
ROW_HEIGHT = 36.0  # points: two written lines at least
_LINE = 14.5  # points per wrapped line of 11-pt text
register(
    {
        "callbacks.list_title": {
            "zh-Hans": "{office} 回访清单(截至 {as_of})",
            "zh-Hant": "{office} 回訪清單(截至 {as_of})",
            "en": "{office} callback list as of {as_of}",
        },
        "callbacks.list_subtitle": {
            "zh-Hans": "待回访 {due} 件,逾期 {overdue} 件。红色逾期,黄色3天内到期。回访后在右侧空栏填写结果"
            "(未接通:填日期,满意度填“未接通”),再按“登记回访结果”记入台账。",
            "zh-Hant": "待回訪 {due} 件,逾期 {overdue} 件。紅色逾期,黃色3天內到期。回訪後在右側空欄填寫結果"
            "(未接通:填日期,滿意度填「未接通」),再按「登記回訪結果」記入台賬。",
            "en": "{due} due, {overdue} overdue (red: overdue; yellow: due within 3 days). Write each result in the "
            "blank columns (no answer: the date and “no answer”), then press “Record results” (ledger record).",
        },
        "callbacks.list_sign": {
            "zh-Hans": "服务中心主管:__________    日期:__________",
            "zh-Hant": "服務中心主管:__________    日期:__________",
            "en": "Supervisor: __________    Date: __________",
        },
        "callbacks.and_more": {"zh-Hans": "等另 {n} 件", "zh-Hant": "等另 {n} 件", "en": "and {n} more"},
        "callbacks.attempt": {
            "zh-Hans": "第{n}次/共{limit}次",
            "zh-Hant": "第{n}次/共{limit}次",
            "en": "call {n} of {limit}",
        },
    }
)
register(
    {
        "list.days_overdue": {"zh-Hans": "逾期 {n} 天", "zh-Hant": "逾期 {n} 天", "en": "{n} days late"},
        "list.due_today": {"zh-Hans": "今天到期", "zh-Hant": "今天到期", "en": "due today"},
        "list.days_left": {"zh-Hans": "剩 {n} 天", "zh-Hant": "剩 {n} 天", "en": "{n} days left"},
        "list.footer_left": {
            "zh-Hans": "{office}  回访清单(截至 {as_of})",
            "zh-Hant": "{office}  回訪清單(截至 {as_of})",
            "en": "{office}  callback list as of {as_of}",
        },
        "list.page": {"zh-Hans": "第 &P 页 共 &N 页", "zh-Hant": "第 &P 頁 共 &N 頁", "en": "Page &P of &N"},
        "list.supervisor_of": {"zh-Hans": "{dept}主管", "zh-Hant": "{dept}主管", "en": "{dept} supervisor"},
    }
)


def listed(report: CallbackReport) -> list[Assessment]:
    """Cases to call now: due and overdue, earliest deadline first."""
    rows = [a for a in report.assessments if a.status in ("due", "overdue")]
    return sorted(rows, key=lambda a: (a.window_due or dt.date.max, a.case.row))


def _role_label(a: Assessment, lang: str) -> str:
    """Who calls when Settings names nobody of the role: the role itself (the department's supervisor)."""
    role = a.assignee_role or "clerk"
    if role == "department_supervisor" and a.case.department:
        return text("list.supervisor_of", lang, dept=a.case.department)
    return ROLES.label(role, lang)


def _spread(case_key: str) -> int:
    """A stable number per case (the same on every run and machine, unlike hash())."""
    return int.from_bytes(hashlib.sha1(case_key.encode("utf-8")).digest()[:8], "big")


def callers(rows: list[Assessment], ledger: Ledger, lang: str) -> dict[int, str]:
    """One named caller per listed case (keyed by ledger row), shared out evenly among the staff of its role.

    Each case has a preferred person (a hash of its case id into the role's
    staff list); cases are handed out in hash order and a person already
    holding their share passes the case to the next in line. The same ledger
    gives the same names on every run; a role nobody holds in Settings is
    named by the role.
    """
    by_role: dict[str, list[Assessment]] = {}
    for a in rows:
        by_role.setdefault(a.assignee_role or "clerk", []).append(a)
    names: dict[int, str] = {}
    for role, cases in by_role.items():
        staff = ledger.settings.staff_for(role)
        if not staff:
            for a in cases:
                names[a.case.row] = _role_label(a, lang)
            continue
        share = -(-len(cases) // len(staff))  # ceil: nobody takes more than their share
        load = dict.fromkeys(staff, 0)
        keyed = sorted((_spread(a.case.case_id or f"#{a.case.row}"), a.case.row, a) for a in cases)
        for spread, _, a in keyed:
            first = spread % len(staff)
            person = next(p for p in staff[first:] + staff[:first] if load[p] < share)
            load[person] += 1
            names[a.case.row] = person
    return names


def _status_text(a: Assessment, as_of: dt.date, lang: str) -> str:
    days = a.days_left(as_of)
    if days is None:
        return STATUSES.label(a.status, lang)
    if days < 0:
        return text("list.days_overdue", lang, n=-days)
    return text("list.due_today", lang) if days == 0 else text("list.days_left", lang, n=days)


def _who(c: Any) -> str | None:
    """Unit and customer on the first line, the phone on the second."""
    first = " ".join(str(v) for v in (c.unit, c.customer) if v)
    return "\n".join(v for v in (first, str(c.phone) if c.phone else "") if v) or None


def callback_list_layout(report: CallbackReport, ledger: Ledger, lang: str) -> SheetLayout:
    rows = listed(report)
    names = callers(rows, ledger, lang)
    lang = lang if lang in _HEADERS else "zh-Hans"
    layout = SheetLayout(LIST_SHEET[lang])
    headers = _HEADERS[lang]
    width = len(headers)
    office, as_of = ledger.settings.office, report.as_of.isoformat()
    layout.add_row([text("callbacks.list_title", lang, office=office, as_of=as_of)], "title")
    layout.merged.append((1, 1, 1, width))
    layout.heights[1] = 24
    due = sum(a.status == "due" for a in rows)
    layout.add_row([text("callbacks.list_subtitle", lang, due=due, overdue=len(rows) - due)], "subtitle")
    layout.merged.append((2, 1, 2, width))
    layout.style("wrap", 2, 1, 2, width)
    layout.heights[2] = 32  # two lines, as tall as the header row
    follow_up_blocks(layout, report, ledger, lang)
    ladder = ("attempt_dates" in ledger.columns, ledger.settings.unreachable_attempts)
    header_row = layout.add_row(headers, "header")
    layout.heights[header_row] = 32
    for n, a in enumerate(rows, start=1):
        c = a.case
        category = CATEGORIES.label(c.category, lang) if c.category else ""
        tag = f"[{category}] " if lang == "en" else f"【{category}】"
        summary = f"{tag}{_summary(c.description) or ''}" if category else _summary(c.description)
        values = [
            n,
            c.case_id,
            _who(c),
            a.window_due,
            f"{_status_text(a, report.as_of, lang)}\n{attempt_label(c, ladder, lang)}",
            f"{names[c.row]}\n{CALLBACK_METHODS.label(a.suggested_method or 'phone', lang)}",
            summary,
            *(None for _ in RESULT_COLUMNS),
            fingerprint(c),
        ]
        r = layout.add_row(values)
        layout.style("field", r, 1, r, width)
        layout.style("date", r, 4)
        needed = max(wrapped_lines(v, WIDTHS[i]) for i, v in ((2, values[2]), (4, values[4]), (6, summary)))
        layout.heights[r] = _row_height(needed)
        days = a.days_left(report.as_of)
        if a.status == "overdue":
            layout.style("overdue", r, 1, r, RESULT_COLUMNS[0] - 1)
        elif days is not None and days <= 3:
            layout.style("due_soon", r, 1, r, RESULT_COLUMNS[0] - 1)
    layout.fitted.append((3, len(layout.rows)))  # the follow-ups and the list, below the titles
    layout.add_row([])
    layout.add_row([text("callbacks.list_sign", lang)], "signature")
    layout.widths = {i + 1: w for i, w in enumerate(WIDTHS)}
    layout.freeze = f"A{header_row + 1}"
    layout.repeat_rows = (header_row, header_row)
    layout.margins = (0.25, 0.45)
    layout.footer = (
        footer_safe(text("list.footer_left", lang, office=office, as_of=as_of)),
        text("list.page", lang),
        "",
    )
    return layout


def _row_height(lines: int) -> float:
    """Room for `lines` of text, in whole two-line rows: room to write, and few distinct heights (each
    distinct height is a call into Excel, xl.render)."""
    return math.ceil((lines * _LINE + 6) / ROW_HEIGHT) * ROW_HEIGHT


def _summary(value: str | None, limit: int = 60) -> str | None:
    if not value:
        return value
    return value if len(value) <= limit else value[: limit - 1] + "…"


# ---------------------------------------------------------------- printable record forms (回访记录表)

FORMS_SHEET = {"zh-Hans": "回访记录表", "zh-Hant": "回訪記錄表", "en": "Callback records"}
register_by_language(
    "forms",
    {
        "zh-Hans": {
            "title": "回访记录表",
            "none": "截至 {as_of} 没有待回访或逾期的案件。",
            "intro": "{office} 回访记录表(截至 {as_of},共 {n} 份)。每份回访后由回访人填写,住户签名确认,交服务中心主管审核。",
            "case_id": "案件编号",
            "category": "类别",
            "unit": "房号",
            "customer": "住户姓名",
            "phone": "联系电话",
            "received": "受理日期",
            "completed": "完成日期",
            "window": "回访时间范围",
            "department": "责任部门",
            "handler": "处理人",
            "description": "内容",
            "assignee": "回访人",
            "method": "建议方式",
            "callback_on": "回访日期",
            "method_used": "回访方式",
            "attempts": "回访次数",
            "satisfaction": "满意度",
            "notes": "回访意见(质量、效果、不足、建议)",
            "customer_sign": "住户签名",
            "caller_sign": "回访人签名",
            "reviewer": "主管审核",
        },
        "zh-Hant": {
            "title": "回訪記錄表",
            "none": "截至 {as_of} 沒有待回訪或逾期的案件。",
            "intro": "{office} 回訪記錄表(截至 {as_of},共 {n} 份)。每份回訪後由回訪人填寫,住戶簽名確認,交服務中心主管審核。",
            "case_id": "案件編號",
            "category": "類別",
            "unit": "房號",
            "customer": "住戶姓名",
            "phone": "聯繫電話",
            "received": "受理日期",
            "completed": "完成日期",
            "window": "回訪時間範圍",
            "department": "責任部門",
            "handler": "處理人",
            "description": "內容",
            "assignee": "回訪人",
            "method": "建議方式",
            "callback_on": "回訪日期",
            "method_used": "回訪方式",
            "attempts": "回訪次數",
            "satisfaction": "滿意度",
            "notes": "回訪意見(質量、效果、不足、建議)",
            "customer_sign": "住戶簽名",
            "caller_sign": "回訪人簽名",
            "reviewer": "主管審核",
        },
        "en": {
            "title": "Callback record",
            "none": "No callbacks due or overdue as of {as_of}.",
            "intro": "{office} callback records as of {as_of} ({n} forms). The caller fills one in per callback, "
            "the customer signs, the supervisor reviews.",
            "case_id": "Case ID",
            "category": "Category",
            "unit": "Unit",
            "customer": "Customer",
            "phone": "Phone",
            "received": "Received",
            "completed": "Completed",
            "window": "Call between",
            "department": "Department",
            "handler": "Handler",
            "description": "Description",
            "assignee": "Caller",
            "method": "Suggested method",
            "callback_on": "Callback date",
            "method_used": "Method used",
            "attempts": "Attempts",
            "satisfaction": "Satisfaction",
            "notes": "Notes (quality, effect, shortcomings, suggestions)",
            "customer_sign": "Customer signature",
            "caller_sign": "Caller signature",
            "reviewer": "Reviewed by",
        },
    },
)
FORM_WIDTHS = {1: 16, 2: 30, 3: 16, 4: 30}
FORM_ROW = 28.0  # points: room to write by hand


def _boxes(labels: list[str]) -> str:
    """Tick boxes to fill in by hand: □电话 □上门 ..."""
    return "  ".join(f"□{label}" for label in labels)


def record_forms_layout(report: CallbackReport, ledger: Ledger, lang: str) -> SheetLayout:
    """One printable callback record form per listed case (due and overdue), 4 columns wide, portrait,
    each on a page of its own (a page break after every form, rows tall enough to write in)."""

    def words(key: str, **params: Any) -> str:
        return text(f"forms.{key}", lang, **params)

    layout = SheetLayout(FORMS_SHEET.get(lang, FORMS_SHEET["zh-Hans"]), landscape=False)
    rows = listed(report)
    names = callers(rows, ledger, lang)
    as_of = report.as_of.isoformat()
    r = layout.add_row(
        [
            words("intro", office=ledger.settings.office, as_of=as_of, n=len(rows))
            if rows
            else words("none", as_of=as_of)
        ],
        "subtitle",
    )
    layout.merged.append((r, 1, r, 4))
    layout.style("wrap", r, 1, r, 4)
    layout.heights[r] = 34

    def pair(l1: str, v1: Any, l2: str, v2: Any) -> None:
        n = layout.add_row([words(l1), v1, words(l2), v2])
        layout.style("field", n, 1, n, 4)
        layout.style("header", n, 1)
        layout.style("header", n, 3)
        layout.heights[n] = FORM_ROW

    def wide(label: str, value: Any, height: int = 1) -> None:
        """A label and one value across the other three columns; `height` rows for handwriting."""
        n = layout.add_row([words(label), value, None, None])
        for _ in range(height - 1):
            layout.add_row([None, None, None, None])
        last = n + height - 1
        layout.style("field", n, 1, last, 4)
        layout.style("header", n, 1, last, 1)
        layout.merged.append((n, 2, last, 4))
        if height > 1:
            layout.merged.append((n, 1, last, 1))
        lines = wrapped_lines(value if isinstance(value, str) else None, sum(FORM_WIDTHS[c] for c in (2, 3, 4)))
        for row in range(n, last + 1):
            layout.heights[row] = max(FORM_ROW, lines * _LINE + 8)

    method_boxes, grade_boxes = _boxes(CALLBACK_METHODS.labels(lang)), _boxes(SATISFACTION.labels(lang))
    for i, a in enumerate(rows):
        c = a.case
        if i:
            layout.page_break()
        layout.heights[layout.add_row([])] = 12
        t = layout.add_row([f"{words('title')}  {c.case_id or ''}", None, None, None], "title")
        layout.merged.append((t, 1, t, 4))
        layout.heights[t] = 30
        pair("case_id", c.case_id, "category", CATEGORIES.label(c.category, lang) if c.category else None)
        pair("unit", c.unit, "customer", c.customer)
        pair("phone", c.phone, "received", c.received_on)
        window = f"{a.window_start or '?'} ~ {a.window_due or '?'}"
        pair("completed", c.completed_on, "window", window)
        pair("department", c.department, "handler", c.handler)
        wide("description", c.description)
        pair("assignee", names[c.row], "method", CALLBACK_METHODS.label(a.suggested_method or "phone", lang))
        pair("callback_on", None, "attempts", None)
        wide("method_used", method_boxes)
        wide("satisfaction", grade_boxes)
        wide("notes", None, height=4)
        pair("customer_sign", None, "caller_sign", None)
        wide("reviewer", None)
    layout.widths = dict(FORM_WIDTHS)
    layout.footer = (footer_safe(ledger.settings.office), "", "")
    layout.follows = list(LIST_SHEET.values())  # the forms sit beside the list they print
    return layout


# ---------------------------------------------------------------- follow-ups at the top (000 4.5-4.6)

_FOLLOW_TITLES = {
    "unsatisfied": {
        "zh-Hans": "不满意 — 须报管理处经理",
        "zh-Hant": "不滿意 — 須報管理處經理",
        "en": "Unsatisfied — report to the office manager",
    },
    "repeat": {
        "zh-Hans": "重复投诉、重复维修 — 报管理处经理决定",
        "zh-Hant": "重複投訴、重複維修 — 報管理處經理決定",
        "en": "Repeat complaints and repairs — for the office manager to decide",
    },
}
# On the list's own 13 columns (same widths, so dates fit and the sheet prints as one grid): the second
# callback's date and satisfaction sit under the list's 回访日期 and 满意度 columns, where they are written.
_FOLLOW_HEADERS = {
    "zh-Hans": ["原因", "案件编号", "房号 / 住户 / 电话", "再回访期限", "跟进起始", "责任部门", "类别及相关案件",
                "再回访日期", None, "再回访满意度", None, None],
    "zh-Hant": ["原因", "案件編號", "房號 / 住戶 / 電話", "再回訪期限", "跟進起始", "責任部門", "類別及相關案件",
                "再回訪日期", None, "再回訪滿意度", None, None],
    "en": ["Reason", "Case ID", "Unit / customer / phone", "Call again by", "Since", "Department",
           "Category and related cases", "Second callback on", None, "Second callback satisfaction", None, None],
}  # fmt: skip


def follow_up_blocks(layout: SheetLayout, report: CallbackReport, ledger: Ledger, lang: str) -> None:
    """The open follow-ups, unsatisfied first, each with blank cells for the second callback (再回访)."""
    key = lang if lang in _FOLLOW_HEADERS else "zh-Hans"
    headers = [*_FOLLOW_HEADERS[key], CHECK_HEADERS[key]]
    open_ones = [f for f in report.follow_ups if f.state == "open"]
    for group in ("unsatisfied", "repeat"):
        rows = [f for f in open_ones if (f.reason == "unsatisfied") == (group == "unsatisfied")]
        rows.sort(key=lambda f: not f.overdue(report.as_of))  # overdue first: one red block
        if not rows:
            continue
        t = layout.add_row([_FOLLOW_TITLES[group][key]], "subtitle")
        layout.merged.append((t, 1, t, len(headers)))
        layout.heights[layout.add_row(headers, "header")] = 32
        for f in rows:
            c = f.case
            category = CATEGORIES.label(c.category, lang) if c.category else ""
            others = [x for x in f.related if x != c.case_id]
            shown = others if len(others) <= 3 else [*others[:2], text("callbacks.and_more", lang, n=len(others) - 2)]
            related = "\n".join(shown)  # one case id a line, at most three lines: none cut off
            what = "\n".join(v for v in (category, related) if v) or None
            values = [reason_label(f.reason, lang), c.case_id, _who(c), f.recall_due, f.since, c.department, what]
            r = layout.add_row([*values, None, None, None, None, None, fingerprint(c)])
            layout.style("field", r, 1, r, len(headers))  # boxed and wrapped, as the list's rows
            layout.style("date", r, 4, r, 5)
            if f.overdue(report.as_of):
                layout.style("overdue", r, 1, r, RESULT_COLUMNS[0] - 1)  # the blank cells stay white to write in
            needed = max(wrapped_lines(v, WIDTHS[i]) for i, v in enumerate(values) if isinstance(v, str))
            layout.heights[r] = _row_height(needed)  # everything readable, room to write
        layout.add_row([])


def attempt_label(case: Case, ladder: tuple[bool, int], lang: str) -> str:
    """Which attempt the next call is, on the unreachable ladder (core.attempts)."""
    days_known, limit = ladder
    return text("callbacks.attempt", lang, n=next_attempt(case, days_known), limit=limit)
