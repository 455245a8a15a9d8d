"""回访意见汇总: the month's callback notes and unsatisfied cases grouped by department (004 5.6.5)."""

from __future__ import annotations

from ledger.core.feedback import department_feedback
from ledger.core.models import Ledger
from ledger.core.vocab import ASPECTS, CATEGORIES, SATISFACTION
from ledger.sheets.layout import SheetLayout

SHEET_NAME = {"zh-Hans": "回访意见汇总 {month}", "zh-Hant": "回訪意見匯總 {month}", "en": "Callback feedback {month}"}
_WORDS = {
    "zh-Hans": {
        "title": "{office} 回访意见汇总 {month}(按责任部门整理,送部门负责人,004 5.6.5)",
        "dept": "{dept}:本月回访 {n} 次,不满意 {bad} 次",
        "blank": "(未填责任部门)",
        "none": "本月没有回访。",
        "no_notes": "本月回访均无意见。",
        "header": ["案件编号", "类别", "房号", "服务项目", "处理人", "回访日期", "满意度", "回访意见"],
    },
    "zh-Hant": {
        "title": "{office} 回訪意見匯總 {month}(按責任部門整理,送部門負責人,004 5.6.5)",
        "dept": "{dept}:本月回訪 {n} 次,不滿意 {bad} 次",
        "blank": "(未填責任部門)",
        "none": "本月沒有回訪。",
        "no_notes": "本月回訪均無意見。",
        "header": ["案件編號", "類別", "房號", "服務項目", "處理人", "回訪日期", "滿意度", "回訪意見"],
    },
    "en": {
        "title": "{office} callback feedback {month} (by responsible department, for the department heads, 004 5.6.5)",
        "dept": "{dept}: {n} callbacks this month, {bad} unsatisfied",
        "blank": "(no department)",
        "none": "No callbacks this month.",
        "no_notes": "No notes on this month's callbacks.",
        "header": ["Case ID", "Category", "Unit", "Aspect", "Handler", "Called back", "Satisfaction", "Notes"],
    },
}
WIDTHS = {1: 16, 2: 9, 3: 14, 4: 12, 5: 9, 6: 11, 7: 9, 8: 50}


def sheet_name(month: str, lang: str) -> str:
    return SHEET_NAME.get(lang, SHEET_NAME["zh-Hans"]).format(month=month)


def feedback_layout(ledger: Ledger, month: str, lang: str, department: str | None = None) -> SheetLayout:
    """The whole office's sheet, or (`department`) that department's part alone, to mail to its head."""
    words = _WORDS.get(lang, _WORDS["zh-Hans"])
    width = len(words["header"])
    layout = SheetLayout(sheet_name(month, lang))
    t = layout.add_row([words["title"].format(office=ledger.settings.office, month=month)], "title")
    layout.merged.append((t, 1, t, width))
    entries = [e for e in department_feedback(ledger, month) if department is None or e.department == department]
    if not entries:
        layout.add_row([words["none"]], "note")
    for e in entries:
        layout.add_row([])
        dept = e.department or words["blank"]
        h = layout.add_row([words["dept"].format(dept=dept, n=e.callbacks, bad=e.unsatisfied)], "signature")
        layout.merged.append((h, 1, h, width))
        if not e.cases:
            layout.add_row([words["no_notes"]], "note")
            continue
        layout.add_row(words["header"], "header")
        for c in e.cases:
            r = layout.add_row(
                [
                    c.case_id,
                    CATEGORIES.label(c.category, lang) if c.category else None,
                    c.unit,
                    ASPECTS.label(c.aspect, lang) if c.aspect else None,
                    c.handler,
                    c.callback_on,
                    SATISFACTION.label(c.satisfaction, lang) if c.satisfaction else None,
                    c.callback_notes,
                ]
            )
            layout.style("fail" if c.satisfaction == "unsatisfied" else "wrap", r, 1, r, width)
            layout.style("date", r, 6)
    layout.widths = dict(WIDTHS)
    layout.landscape = True
    return layout
