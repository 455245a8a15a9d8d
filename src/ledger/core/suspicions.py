"""Callbacks that look unreal (疑点): what a quality department checks by hand today.

Six checks over the recorded callbacks, thresholds in Settings:
- callback_before_completion: a callback dated before the case was completed or received;
- month_end_bunching: over half (月末集中比例) of a caller's callbacks of a month dated in its
  last 3 days, once the caller made at least 月末集中最少件数 callbacks that month;
- copied_notes: the same notes word for word on 相同回访意见件数 or more cases of one caller
  (notes of 6 characters or more: "满意" alone is no evidence);
- own_case: a case called back by its own handler;
- perfect_tiny_sample: 100 % satisfaction from fewer than 满意率小样本件数 graded callbacks in a
  month while callbacks whose window closed that month are overdue;
- off_day_office_call: a callback on a non-working day recorded with a method the office only
  uses on working days (非工作日存疑回访方式, default 电话).
A row whose 疑点说明 holds an explanation is left out of every check.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ledger.core.callbacks import CallbackReport
from ledger.core.i18n import register, text
from ledger.core.models import Case, Ledger
from ledger.core.vocab import CALLBACK_METHODS, fold
from ledger.core.windows import month_bounds, month_of
from ledger.core.workdays import UnknownCalendarYear, WorkCalendar

CODES = (
    "callback_before_completion",
    "month_end_bunching",
    "copied_notes",
    "own_case",
    "perfect_tiny_sample",
    "off_day_office_call",
)
MIN_NOTE_LENGTH = 6

register(
    {
        "suspicion.callback_before_completion": {
            "zh-Hans": "{n} 次回访的日期早于完成或受理日期(第 {rows} 行):请核对是否真的回访过。",
            "zh-Hant": "{n} 次回訪的日期早於完成或受理日期(第 {rows} 行):請核對是否真的回訪過。",
            "en": "{n} callback(s) dated before completion or receipt (rows {rows}): check they really happened.",
        },
        "suspicion.month_end_bunching": {
            "zh-Hans": "{caller} 在 {month} 的 {total} 次回访中有 {n} 次集中在月末最后3天(第 {rows} 行)。",
            "zh-Hant": "{caller} 在 {month} 的 {total} 次回訪中有 {n} 次集中在月末最後3天(第 {rows} 行)。",
            "en": "{n} of {caller}'s {total} callbacks in {month} fall in its last 3 days (rows {rows}).",
        },
        "suspicion.copied_notes": {
            "zh-Hans": "{caller} 在 {n} 件案件上写了一字不差的回访意见“{notes}”(第 {rows} 行)。",
            "zh-Hant": "{caller} 在 {n} 件案件上寫了一字不差的回訪意見「{notes}」(第 {rows} 行)。",
            "en": "{caller} wrote the same notes “{notes}” word for word on {n} cases (rows {rows}).",
        },
        "suspicion.own_case": {
            "zh-Hans": "{n} 件案件由处理人本人回访(第 {rows} 行):回访应由他人进行。",
            "zh-Hant": "{n} 件案件由處理人本人回訪(第 {rows} 行):回訪應由他人進行。",
            "en": "{n} case(s) called back by their own handler (rows {rows}); someone else should call.",
        },
        "suspicion.perfect_tiny_sample": {
            "zh-Hans": "{month} 满意率 100%,但只有 {graded} 次回访,同时有 {overdue} 件逾期未回访(第 {rows} 行)。",
            "zh-Hant": "{month} 滿意率 100%,但只有 {graded} 次回訪,同時有 {overdue} 件逾期未回訪(第 {rows} 行)。",
            "en": "{month}: 100 % satisfied from only {graded} callbacks while {overdue} are overdue (rows {rows}).",
        },
        "suspicion.off_day_office_call": {
            "zh-Hans": "{n} 次{method}回访记在非工作日(第 {rows} 行):请核对日期。",
            "zh-Hant": "{n} 次{method}回訪記在非工作日(第 {rows} 行):請核對日期。",
            "en": "{n} {method} callback(s) recorded on days off (rows {rows}): check the dates.",
        },
    }
)


@dataclass
class Suspicion:
    code: str
    rows: list[int]
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "rows": list(self.rows), "message": self.message}


def _rows(cases: list[Case]) -> str:
    rows = [c.row for c in cases]
    shown = "、".join(map(str, rows[:12]))
    return shown + ("…" if len(rows) > 12 else "")


def _make(code: str, cases: list[Case], lang: str, **params: Any) -> Suspicion:
    cases = sorted(cases, key=lambda c: c.row)
    message = text(f"suspicion.{code}", lang, n=len(cases), rows=_rows(cases), **params)
    return Suspicion(code, [c.row for c in cases], message, params)


def find_suspicions(ledger: Ledger, report: CallbackReport, month: str | None = None) -> list[Suspicion]:
    """Every suspicion on the ledger's callbacks (those made in `month` only, when given)."""
    s, lang = ledger.settings, ledger.lang
    called = [
        c
        for c in ledger.cases
        if c.callback_on is not None
        and c.callback_on <= report.as_of
        and not (c.suspicion_note or "").strip()
        and (month is None or month_of(c.callback_on) == month)
    ]
    found: list[Suspicion] = []
    early = [
        c
        for c in called
        if (c.completed_on and c.callback_on < c.completed_on) or (c.received_on and c.callback_on < c.received_on)
    ]
    if early:
        found.append(_make("callback_before_completion", early, lang))
    by_caller: dict[str, list[Case]] = defaultdict(list)
    for c in called:
        if c.callback_by and c.callback_by.strip():
            by_caller[c.callback_by.strip()].append(c)
    for caller, cases in sorted(by_caller.items()):
        found += _bunching(caller, cases, s.suspicion_month_end_share, s.suspicion_min_callbacks, lang)
        found += _copied(caller, cases, s.suspicion_copied_notes, lang)
    own = [c for c in called if c.handler and c.callback_by and fold(c.handler) == fold(c.callback_by)]
    if own:
        found.append(_make("own_case", own, lang))
    found += _perfect_tiny(called, report, s.suspicion_tiny_sample, lang)
    found += _off_days(called, WorkCalendar(s.holidays), s.office_call_methods, lang)
    return found


def _bunching(caller: str, cases: list[Case], share: float, least: int, lang: str) -> list[Suspicion]:
    out = []
    months: dict[str, list[Case]] = defaultdict(list)
    for c in cases:
        months[month_of(c.callback_on)].append(c)
    for m, month_cases in sorted(months.items()):
        if len(month_cases) < least:
            continue
        end = month_bounds(m)[1]
        late = [c for c in month_cases if c.callback_on > end - dt.timedelta(days=3)]
        if len(late) > share * len(month_cases):
            out.append(_make("month_end_bunching", late, lang, caller=caller, month=m, total=len(month_cases)))
    return out


def _copied(caller: str, cases: list[Case], least: int, lang: str) -> list[Suspicion]:
    same: dict[str, list[Case]] = defaultdict(list)
    for c in cases:
        notes = (c.callback_notes or "").strip()
        if len(notes) >= MIN_NOTE_LENGTH:
            same[notes].append(c)
    return [
        _make("copied_notes", group, lang, caller=caller, notes=notes if len(notes) <= 30 else notes[:29] + "…")
        for notes, group in sorted(same.items())
        if len(group) >= least
    ]


def _perfect_tiny(called: list[Case], report: CallbackReport, tiny: int, lang: str) -> list[Suspicion]:
    overdue: dict[str, int] = defaultdict(int)
    for a in report.assessments:
        if a.status == "overdue" and a.window_due is not None:
            overdue[month_of(a.window_due)] += 1
    graded: dict[str, list[Case]] = defaultdict(list)
    for c in called:
        if c.satisfaction:
            graded[month_of(c.callback_on)].append(c)
    out = []
    for m, cases in sorted(graded.items()):
        content = all(c.satisfaction in ("satisfied", "fairly_satisfied") for c in cases)
        if content and len(cases) < tiny and overdue.get(m):
            out.append(_make("perfect_tiny_sample", cases, lang, month=m, graded=len(cases), overdue=overdue[m]))
    return out


def _off_days(called: list[Case], work: WorkCalendar, methods: list[str], lang: str) -> list[Suspicion]:
    out = []
    for method in methods:
        cases = []
        for c in called:
            if c.callback_method != method:
                continue
            try:
                if not work.is_workday(c.callback_on):
                    cases.append(c)
            except UnknownCalendarYear:  # a year the calendar does not know: never guessed
                continue
        if cases:
            out.append(_make("off_day_office_call", cases, lang, method=CALLBACK_METHODS.label(method, lang)))
    return out
