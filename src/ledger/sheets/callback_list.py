"""The printable callback list (回访清单) and the tool-owned columns of the case sheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ledger.core.attempts import next_attempt
from ledger.core.callbacks import Assessment, CallbackReport
from ledger.core.follow_ups import reason_label
from ledger.core.i18n import register, register_by_language, text
from ledger.core.models import Case, Ledger
from ledger.core.recording import CHECK_HEADERS, fingerprint
from ledger.core.vocab import CALLBACK_METHODS, CATEGORIES, ROLES, SATISFACTION, STATUSES
from ledger.sheets.layout import SheetLayout

LIST_SHEET = {"zh-Hans": "回访清单", "zh-Hant": "回訪清單", "en": "Callback list"}

_HEADERS = {
    "zh-Hans": [
        "序号",
        "案件编号",
        "类别",
        "房号",
        "住户姓名",
        "联系电话",
        "完成日期",
        "回访起始",
        "回访期限",
        "剩余天数",
        "状态",
        "回访人",
        "建议方式",
        "内容摘要",
        "回访日期",
        "回访方式",
        "满意度",
        "回访意见",
        "住户签名",
        "回访人签名",
        "下次尝试",
        "回访次数",
        "核对码",
    ],
    "zh-Hant": [
        "序號",
        "案件編號",
        "類別",
        "房號",
        "住戶姓名",
        "聯繫電話",
        "完成日期",
        "回訪起始",
        "回訪期限",
        "剩餘天數",
        "狀態",
        "回訪人",
        "建議方式",
        "內容摘要",
        "回訪日期",
        "回訪方式",
        "滿意度",
        "回訪意見",
        "住戶簽名",
        "回訪人簽名",
        "下次嘗試",
        "回訪次數",
        "核對碼",
    ],
    "en": [
        "No.",
        "Case ID",
        "Category",
        "Unit",
        "Customer",
        "Phone",
        "Completed",
        "Window start",
        "Window due",
        "Days left",
        "Status",
        "Assignee",
        "Method",
        "Summary",
        "Callback date",
        "Callback method",
        "Satisfaction",
        "Notes",
        "Customer signature",
        "Caller signature",
        "Next attempt",
        "Callback attempts",
        "Check code",
    ],
}
register(
    {
        "callbacks.list_title": {
            "zh-Hans": "{office} 回访清单(截至 {as_of})",
            "zh-Hant": "{office} 回訪清單(截至 {as_of})",
            "en": "{office} callback list as of {as_of}",
        },
        "callbacks.list_subtitle": {
            "zh-Hans": "待回访 {due} 件,逾期 {overdue} 件。红色为逾期,黄色为3天内到期。回访后在本表填写回访日期、方式、满意度、意见"
            "(未接通:填日期,满意度填“未接通”),再按“登记回访结果”(ledger record)记入台账。",
            "zh-Hant": "待回訪 {due} 件,逾期 {overdue} 件。紅色為逾期,黃色為3天內到期。回訪後在本表填寫回訪日期、方式、滿意度、意見"
            "(未接通:填日期,滿意度填「未接通」),再按「登記回訪結果」(ledger record)記入台賬。",
            "en": "{due} due, {overdue} overdue. Red: overdue; yellow: due within 3 days. After calling, type the date, method, "
            "satisfaction and notes here (no answer: the date, and “no answer” as satisfaction), then press "
            "“Record results” (ledger record) to post them into the ledger.",
        },
        "callbacks.list_sign": {
            "zh-Hans": "服务中心主管:__________    日期:__________",
            "zh-Hant": "服務中心主管:__________    日期:__________",
            "en": "Supervisor: __________    Date: __________",
        },
    }
)
WIDTHS = [5, 16, 9, 14, 9, 14, 11, 11, 11, 8, 8, 12, 9, 30, 11, 9, 9, 24, 12, 12, 10, 8, 9]


def listed(report: CallbackReport) -> list[Assessment]:
    """Cases to call now: due and overdue, earliest deadline first."""
    rows = [a for a in report.assessments if a.status in ("due", "overdue")]
    return sorted(rows, key=lambda a: (a.window_due or dt.date.max, a.case.row))


def assignee(a: Assessment, ledger: Ledger, lang: str) -> str:
    role = a.assignee_role or "clerk"
    names = ledger.settings.staff_for(role)
    if role == "department_supervisor":
        dept = a.case.department or ""
        label = f"{dept}{ROLES.label(role, lang) if not dept else ('主管' if lang != 'en' else ' supervisor')}"
        clerks = ledger.settings.staff_for("clerk")
        return label + (f" + {clerks[0]}" if clerks else "")
    return "、".join(names) if names else ROLES.label(role, lang)


def _assignees(ledger: Ledger, lang: str) -> Callable[[Assessment], str]:
    """assignee() remembered per role and department: thousands of listed cases, a handful of answers."""
    names: dict[tuple[str | None, str | None], str] = {}

    def of(a: Assessment) -> str:
        key = (a.assignee_role, a.case.department)
        name = names.get(key)
        if name is None:
            name = names[key] = assignee(a, ledger, lang)
        return name

    return of


def callback_list_layout(report: CallbackReport, ledger: Ledger, lang: str) -> SheetLayout:
    rows = listed(report)
    assignee_of = _assignees(ledger, lang)
    layout = SheetLayout(LIST_SHEET.get(lang, LIST_SHEET["zh-Hans"]))
    headers = _HEADERS.get(lang, _HEADERS["zh-Hans"])
    width = len(headers)
    layout.add_row(
        [text("callbacks.list_title", lang, office=ledger.settings.office, as_of=report.as_of.isoformat())],
        "title",
    )
    layout.merged.append((1, 1, 1, width))
    due = sum(a.status == "due" for a in rows)
    layout.add_row([text("callbacks.list_subtitle", lang, due=due, overdue=len(rows) - due)], "subtitle")
    layout.merged.append((2, 1, 2, width))
    follow_up_blocks(layout, report, ledger, lang)
    ladder = ("attempt_dates" in ledger.columns, ledger.settings.unreachable_attempts)
    header_row = layout.add_row(headers, "header")
    for n, a in enumerate(rows, start=1):
        c = a.case
        days = a.days_left(report.as_of)
        r = layout.add_row(
            [
                n,
                c.case_id,
                CATEGORIES.label(c.category, lang),
                c.unit,
                c.customer,
                c.phone,
                c.completed_on,
                a.window_start,
                a.window_due,
                days,
                STATUSES.label(a.status, lang),
                assignee_of(a),
                CALLBACK_METHODS.label(a.suggested_method or "phone", lang),
                _summary(c.description),
                None,
                None,
                None,
                None,
                None,
                None,
                attempt_label(c, ladder, lang),
                None,
                fingerprint(c),
            ]
        )
        layout.style("wrap", r, 1, r, width)
        layout.style("date", r, 7, r, 9)
        if a.status == "overdue":
            layout.style("overdue", r, 1, r, width)
        elif days is not None and days <= 3:
            layout.style("due_soon", r, 1, r, width)
    layout.add_row([])
    layout.add_row([text("callbacks.list_sign", lang)], "signature")
    layout.widths = {i + 1: w for i, w in enumerate(WIDTHS)}
    layout.freeze = f"A{header_row + 1}"
    layout.repeat_rows = (header_row, header_row)
    return layout


def _summary(text: str | None, limit: int = 60) -> str | None:
    if not text:
        return text
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
            "satisfaction": "Satisfaction",
            "notes": "Notes (quality, effect, shortcomings, suggestions)",
            "customer_sign": "Customer signature",
            "caller_sign": "Caller signature",
            "reviewer": "Reviewed by",
        },
    },
)
FORM_WIDTHS = {1: 16, 2: 30, 3: 16, 4: 30}


def _boxes(labels: list[str]) -> str:
    """Tick boxes to fill in by hand: □电话 □上门 ..."""
    return "  ".join(f"□{label}" for label in labels)


def record_forms_layout(report: CallbackReport, ledger: Ledger, lang: str) -> SheetLayout:
    """One printable callback record form per listed case (due and overdue), 4 columns wide, portrait."""

    def words(key: str, **params: Any) -> str:
        return text(f"forms.{key}", lang, **params)

    layout = SheetLayout(FORMS_SHEET.get(lang, FORMS_SHEET["zh-Hans"]), landscape=False)
    rows = listed(report)
    assignee_of = _assignees(ledger, lang)
    as_of = report.as_of.isoformat()
    r = layout.add_row(
        [
            words("intro", office=ledger.settings.office, as_of=as_of, n=len(rows))
            if rows
            else words("none", as_of=as_of)
        ],
        "note",
    )
    layout.merged.append((r, 1, r, 4))

    def pair(l1: str, v1: Any, l2: str, v2: Any) -> None:
        n = layout.add_row([words(l1), v1, words(l2), v2])
        layout.style("wrap", n, 1, n, 4)
        layout.style("header", n, 1)
        layout.style("header", n, 3)

    def wide(label: str, value: Any, height: int = 1) -> None:
        """A label and one value across the other three columns; `height` rows for handwriting."""
        n = layout.add_row([words(label), value, None, None])
        for _ in range(height - 1):
            layout.add_row([None, None, None, None])
        last = n + height - 1
        layout.style("wrap", n, 1, last, 4)
        layout.style("header", n, 1, last, 1)
        layout.merged.append((n, 2, last, 4))
        if height > 1:
            layout.merged.append((n, 1, last, 1))

    method_boxes, grade_boxes = _boxes(CALLBACK_METHODS.labels(lang)), _boxes(SATISFACTION.labels(lang))
    for a in rows:
        c = a.case
        layout.add_row([])
        t = layout.add_row([f"{words('title')}  {c.case_id or ''}", None, None, None], "title")
        layout.merged.append((t, 1, t, 4))
        pair("case_id", c.case_id, "category", CATEGORIES.label(c.category, lang) if c.category else None)
        pair("unit", c.unit, "customer", c.customer)
        pair("phone", c.phone, "received", c.received_on)
        window = f"{a.window_start or '?'} ~ {a.window_due or '?'}"
        pair("completed", c.completed_on, "window", window)
        pair("department", c.department, "handler", c.handler)
        wide("description", c.description)
        pair("assignee", assignee_of(a), "method", CALLBACK_METHODS.label(a.suggested_method or "phone", lang))
        pair("callback_on", None, "method_used", method_boxes)
        wide("satisfaction", grade_boxes)
        wide("notes", None, height=3)
        pair("customer_sign", None, "caller_sign", None)
        wide("reviewer", None)
    layout.widths = dict(FORM_WIDTHS)
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
_FOLLOW_HEADERS = {
    "zh-Hans": ["原因", "案件编号", "类别", "房号", "住户姓名", "联系电话", "责任部门", "跟进起始", "再回访期限", "相关案件",
                "再回访日期", "再回访满意度"],
    "zh-Hant": ["原因", "案件編號", "類別", "房號", "住戶姓名", "聯繫電話", "責任部門", "跟進起始", "再回訪期限", "相關案件",
                "再回訪日期", "再回訪滿意度"],
    "en": ["Reason", "Case ID", "Category", "Unit", "Customer", "Phone", "Department", "Since", "Call again by",
           "Related cases", "Second callback on", "Second callback satisfaction"],
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
        layout.add_row(headers, "header")
        for f in rows:
            c = f.case
            r = layout.add_row(
                [
                    reason_label(f.reason, lang),
                    c.case_id,
                    CATEGORIES.label(c.category, lang) if c.category else None,
                    c.unit,
                    c.customer,
                    c.phone,
                    c.department,
                    f.since,
                    f.recall_due,
                    "、".join(x for x in f.related if x != c.case_id) or None,
                    None,
                    None,
                    fingerprint(c),
                ]
            )
            layout.style("date", r, 8, r, 9)
            layout.style("overdue" if f.overdue(report.as_of) else "wrap", r, 1, r, len(headers))
        layout.add_row([])


_ATTEMPT = {"zh-Hans": "第{n}次/共{limit}次", "zh-Hant": "第{n}次/共{limit}次", "en": "{n} of {limit}"}


def attempt_label(case: Case, ladder: tuple[bool, int], lang: str) -> str:
    """Which attempt the next call is, on the unreachable ladder (core.attempts)."""
    days_known, limit = ladder
    return _ATTEMPT.get(lang, _ATTEMPT["zh-Hans"]).format(n=next_attempt(case, days_known), limit=limit)
