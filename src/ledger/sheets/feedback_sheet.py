"""回访意见汇总: the month's callback notes and unsatisfied cases grouped by department (004 5.6.5)."""

from __future__ import annotations

from ledger.core.feedback import department_feedback
from ledger.core.models import Ledger
from ledger.core.vocab import ASPECTS, CATEGORIES, SATISFACTION
from ledger.sheets.layout import SheetLayout
from ledger.sheets.stats_sheet import sheet_name as stats_sheet_name

SHEET_NAME = {"zh-Hans": "回访意见汇总 {month}", "zh-Hant": "回訪意見匯總 {month}", "en": "Callback feedback {month}"}
_WORDS = {
    "zh-Hans": {
        "title": "{office} 回访意见汇总 {month}(按责任部门整理,送部门负责人,004 5.6.5)",
        "summary": ["责任部门", "回访次数", "不满意", "列出件数"],
        "total": "合计",
        "blank": "(未填责任部门)",
        "none": "本月没有回访。",
        "header": ["责任部门", "案件编号", "类别", "房号", "服务项目", "处理人", "回访日期", "满意度", "回访意见"],
    },
    "zh-Hant": {
        "title": "{office} 回訪意見匯總 {month}(按責任部門整理,送部門負責人,004 5.6.5)",
        "summary": ["責任部門", "回訪次數", "不滿意", "列出件數"],
        "total": "合計",
        "blank": "(未填責任部門)",
        "none": "本月沒有回訪。",
        "header": ["責任部門", "案件編號", "類別", "房號", "服務項目", "處理人", "回訪日期", "滿意度", "回訪意見"],
    },
    "en": {
        "title": "{office} callback feedback {month} (by responsible department, for the department heads, 004 5.6.5)",
        "summary": ["Department", "Callbacks", "Unsatisfied", "Listed"],
        "total": "Total",
        "blank": "(no department)",
        "none": "No callbacks this month.",
        "header": ["Department", "Case ID", "Category", "Unit", "Aspect", "Handler", "Called back", "Satisfaction",
                   "Notes"],
    },
}  # fmt: skip
WIDTHS = {1: 14, 2: 16, 3: 9, 4: 14, 5: 12, 6: 9, 7: 11, 8: 9, 9: 50}


def sheet_name(month: str, lang: str) -> str:
    return SHEET_NAME.get(lang, SHEET_NAME["zh-Hans"]).format(month=month)


def feedback_layout(ledger: Ledger, month: str, lang: str, department: str | None = None) -> SheetLayout:
    """The whole office's sheet, or (`department`) that department's part alone, to mail to its head.

    Two tables, each one block (so its cost in Excel calls does not grow with the departments): the
    count per department, then every case with notes or graded 不满意, by department, unsatisfied first.
    """
    words = _WORDS.get(lang, _WORDS["zh-Hans"])
    width = len(words["header"])
    layout = SheetLayout(sheet_name(month, lang))
    layout.follows = [stats_sheet_name(month, lang)]  # beside the month's statistics it explains
    t = layout.add_row([words["title"].format(office=ledger.settings.office, month=month)], "title")
    layout.merged.append((t, 1, t, width))
    entries = [e for e in department_feedback(ledger, month) if department is None or e.department == department]
    if not entries:
        layout.add_row([words["none"]], "note")
        layout.widths = dict(WIDTHS)
        return layout
    layout.add_row([])
    layout.add_row(words["summary"], "header")
    first = len(layout.rows) + 1
    for e in entries:
        layout.add_row([e.department or words["blank"], e.callbacks, e.unsatisfied, len(e.cases)])
    layout.style("int", first, 2, len(layout.rows), 4)
    total = [words["total"], *(sum(x) for x in zip(*((e.callbacks, e.unsatisfied, len(e.cases)) for e in entries)))]
    layout.add_row(total, "total")
    layout.add_row([])
    layout.add_row(words["header"], "header")
    first = len(layout.rows) + 1
    for e in entries:
        for c in e.cases:
            layout.add_row(
                [
                    e.department or words["blank"],
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
    if len(layout.rows) >= first:
        layout.style("wrap", first, 1, len(layout.rows), width)
        layout.style("date", first, 7, len(layout.rows), 7)
    layout.widths = dict(WIDTHS)
    layout.landscape = True
    return layout
