"""Values of the tool-owned columns at the right of the case sheet (回访起始 … 问题)."""

from __future__ import annotations

from typing import Any

from ledger.core.callbacks import CallbackReport
from ledger.core.columns import TOOL_COLUMNS
from ledger.core.follow_ups import follow_up_note
from ledger.core.i18n import register_by_language, text
from ledger.core.models import Ledger, Problem
from ledger.core.vocab import SEVERITIES, STATUSES

REASONS = ("full", "recorded", "called_back", "attempted", "random")
register_by_language(
    "tool",
    {
        "zh-Hans": {
            "drawn": "抽中",
            "not_drawn": "未抽中",
            "reason_full": "全部回访",
            "reason_recorded": "已抽中",
            "reason_called_back": "已回访计入",
            "reason_attempted": "已尝试回访计入",
            "reason_random": "随机抽取",
        },
        "zh-Hant": {
            "drawn": "抽中",
            "not_drawn": "未抽中",
            "reason_full": "全部回訪",
            "reason_recorded": "已抽中",
            "reason_called_back": "已回訪計入",
            "reason_attempted": "已嘗試回訪計入",
            "reason_random": "隨機抽取",
        },
        "en": {
            "drawn": "drawn",
            "not_drawn": "not drawn",
            "reason_full": "100 % rule",
            "reason_recorded": "drawn earlier",
            "reason_called_back": "called back",
            "reason_attempted": "call attempted",
            "reason_random": "random draw",
        },
    },
)


def tool_column_values(
    ledger: Ledger, report: CallbackReport, problems: list[Problem], lang: str
) -> dict[str, dict[int, Any]]:
    """Values of the tool-owned columns, by field and Excel row (SPEC §2.1)."""
    by_row: dict[int, list[str]] = {}
    for p in problems:
        if p.sheet == ledger.sheet and p.row:
            mark = "✖" if p.severity == "error" else "⚠"
            by_row.setdefault(p.row, []).append(f"{mark}{p.column + ': ' if p.column else ''}{p.message}")
    drawn = (text("tool.drawn", lang), text("tool.not_drawn", lang))
    reasons = {key: text(f"tool.reason_{key}", lang) for key in REASONS}
    status_label = {k: STATUSES.label(k, lang) for k in STATUSES.keys()}
    severity_label = {k: SEVERITIES.label(k, lang) for k in SEVERITIES.keys()}
    values: dict[str, dict[int, Any]] = {c.field: {} for c in TOOL_COLUMNS}
    starts, dues, statuses = values["window_start"], values["window_due"], values["callback_status"]
    sampled, sample_reasons = values["sampled"], values["sample_reason"]
    severities, notes = values["suggested_severity"], values["problems"]
    for a in report.assessments:
        row = a.case.row
        starts[row] = a.window_start
        dues[row] = a.window_due
        statuses[row] = status_label[a.status] if a.status else None
        if a.sampled is not None:
            sampled[row] = drawn[0 if a.sampled else 1]
        if a.sample_reason:
            sample_reasons[row] = reasons[a.sample_reason]
        if a.suggestion is not None:
            severities[row] = severity_label[a.suggestion.severity]
        if row in by_row:
            notes[row] = "\n".join(by_row[row])
    follow = values["follow_up"]
    for f in report.follow_ups:
        note = follow_up_note(f, lang)
        follow[f.case.row] = f"{follow[f.case.row]}\n{note}" if f.case.row in follow else note
    return values
