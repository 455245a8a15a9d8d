"""Results typed into 回访清单, checked and turned into case-sheet cells (`ledger record`).

The list is found by its headers, never by column position: a table is a row
holding 案件编号 and 核对码 (check code); its entry columns are those whose
header names a result field (回访日期 回访方式 满意度 回访意见 回访次数 再回访日期
再回访满意度, in any of the three languages). The check code is a fingerprint of
the case's callback cells when the list was made: a case changed since then is
refused, so a result is never posted over something the clerk did meanwhile.

A failed attempt is written as 未接通 in the 满意度 cell with the day tried in
回访日期: it adds that day to 未接通日期 and counts one attempt (core.attempts).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from ledger.core.columns import COLUMNS_BY_FIELD, match_header
from ledger.core.dates import parse_when
from ledger.core.i18n import register
from ledger.core.models import Case, Ledger, Problem
from ledger.core.vocab import fold

CHECK_HEADERS = {"zh-Hans": "核对码", "zh-Hant": "核對碼", "en": "Check code"}
_CHECK_FOLDED = {fold(h) for h in CHECK_HEADERS.values()}
ENTRY_FIELDS = (
    "callback_on",
    "callback_method",
    "satisfaction",
    "callback_notes",
    "callback_attempts",
    "recall_on",
    "recall_satisfaction",
)
NO_ANSWER = {fold(w) for w in ("未接通", "無人接聽", "无人接听", "未接聽", "no answer", "unanswered")}
_FINGERPRINTED = (
    "case_id",
    "completed_on",
    *ENTRY_FIELDS,
    "no_callback_reason",
    "attempt_dates",
)

register(
    {
        "record.unknown_case": {
            "zh-Hans": "案件编号“{case_id}”在案件台账中找不到(或不唯一);请核对编号,或重新生成回访清单。",
            "zh-Hant": "案件編號「{case_id}」在案件台賬中找不到(或不唯一);請核對編號,或重新生成回訪清單。",
            "en": "Case “{case_id}” is not in the case sheet (or not unique); check the ID or make the callback list again.",
        },
        "record.case_changed": {
            "zh-Hans": "案件“{case_id}”(台账第{case_row}行)在生成清单后已被修改,未登记;请核对台账,重新生成回访清单后再填写此行。",
            "zh-Hant": "案件「{case_id}」(台賬第{case_row}行)在生成清單後已被修改,未登記;請核對台賬,重新生成回訪清單後再填寫此行。",
            "en": "Case “{case_id}” (case sheet row {case_row}) changed after the list was made, so nothing was posted; check it, make the list again and enter this row again.",
        },
        "record.bad_date": {
            "zh-Hans": "“{value}”不是有效日期;请填写如 2026-11-03。",
            "zh-Hant": "「{value}」不是有效日期;請填寫如 2026-11-03。",
            "en": "“{value}” is not a valid date; write e.g. 2026-11-03.",
        },
        "record.future_date": {
            "zh-Hans": "日期 {value} 晚于今天 {today};请填写实际回访的日期。",
            "zh-Hant": "日期 {value} 晚於今天 {today};請填寫實際回訪的日期。",
            "en": "{value} is after today ({today}); enter the day the call was made.",
        },
        "record.before_completion": {
            "zh-Hans": "回访日期 {value} 早于完成日期 {completed};未处理完毕不能回访,请核对。",
            "zh-Hant": "回訪日期 {value} 早於完成日期 {completed};未處理完畢不能回訪,請核對。",
            "en": "Callback on {value} is before completion on {completed}; check the date.",
        },
        "record.bad_value": {
            "zh-Hans": "“{value}”不是可用的值;可填:{allowed}。",
            "zh-Hant": "「{value}」不是可用的值;可填:{allowed}。",
            "en": "“{value}” is not allowed here; use one of: {allowed}.",
        },
        "record.date_missing": {
            "zh-Hans": "已填满意度或回访意见,但没有填回访日期;请补填回访日期。",
            "zh-Hant": "已填滿意度或回訪意見,但沒有填回訪日期;請補填回訪日期。",
            "en": "A result without a callback date; enter the date of the call.",
        },
        "record.column_missing": {
            "zh-Hans": "案件台账没有【{column}】列,无法登记;请在案件台账的表头加上这一列后再登记。",
            "zh-Hant": "案件台賬沒有【{column}】列,無法登記;請在案件台賬的表頭加上這一列後再登記。",
            "en": "The case sheet has no column “{column}”; add it to the case sheet's headers, then record again.",
        },
    }
)


def fingerprint(case: Case) -> str:
    """8 characters that change when any of the case's callback cells change."""
    text = "|".join(str(getattr(case, f)) for f in _FINGERPRINTED)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8].upper()


@dataclass
class Entry:
    """One list row the clerk typed something into."""

    list_row: int  # Excel row on the list sheet
    case_id: str
    check: str
    raw: dict[str, Any]  # field -> typed value
    headers: dict[str, str]  # field -> the list's header text


@dataclass
class CellChange:
    case_id: str
    row: int  # Excel row on the case sheet
    field: str
    column: int  # 1-based
    header: str
    old: Any  # JSON form: ISO date text, vocabulary key, text, int, or None
    new: Any

    def as_json(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "row": self.row,
            "field": self.field,
            "column": self.header,
            "old": self.old,
            "new": self.new,
        }


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() if value is not None else ""


def read_entries(grid: Any) -> list[Entry]:
    """Every row of every table on the list sheet with something typed into an entry column."""
    entries: list[Entry] = []
    columns: dict[str, int] | None = None
    headers: dict[str, str] = {}
    for r, row in enumerate(grid, start=1):
        cells = list(row)
        names = [match_header(v) if v is not None else None for v in cells]
        checks = [i for i, v in enumerate(cells) if v is not None and fold(_text(v)) in _CHECK_FOLDED]
        if "case_id" in names and checks:  # a table's header row
            columns = {"case_id": names.index("case_id"), "check": checks[0]}
            headers = {}
            for i, name in enumerate(names):
                if name in ENTRY_FIELDS and name not in columns:
                    columns[name], headers[name] = i, _text(cells[i])
            continue
        if columns is None:
            continue
        cells += [None] * (max(columns.values()) + 1 - len(cells))
        case_id = _text(cells[columns["case_id"]])
        if not case_id:
            if any(_text(v) for v in cells):
                columns = None  # a row with no case id ends the table (signature lines, notes)
            continue
        raw = {f: cells[i] for f, i in columns.items() if f in ENTRY_FIELDS and _text(cells[i])}
        if raw:
            entries.append(Entry(r, case_id, _text(cells[columns["check"]]), raw, headers))
    return entries


@dataclass
class Plan:
    changes: list[CellChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    entries: int = 0


def json_form(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def plan_record(ledger: Ledger, entries: list[Entry], as_of: dt.date, list_sheet: str) -> Plan:
    """The cells the entries change, or the problems that stop them (nothing is posted then)."""
    lang = ledger.lang
    by_id: dict[str, list[Case]] = {}
    for c in ledger.cases:
        if c.case_id:
            by_id.setdefault(c.case_id.strip(), []).append(c)
    plan = Plan(entries=len(entries))
    for e in entries:

        def problem(code: str, field: str | None = None, severity: str = "error", e: Entry = e, **params: Any) -> None:
            column = e.headers.get(field) if field else None
            plan.problems.append(
                Problem.make(code, lang, sheet=list_sheet, row=e.list_row, column=column, severity=severity, **params)
            )

        found = by_id.get(e.case_id, [])
        if len(found) != 1:
            problem("record.unknown_case", case_id=e.case_id)
            continue
        case = found[0]
        if fingerprint(case) != e.check.upper():
            problem("record.case_changed", case_id=e.case_id, case_row=case.row)
            continue
        new = _entry_values(case, e, as_of, problem)
        if new is None:
            continue
        for name, value in new.items():
            if getattr(case, name) == value:
                continue
            if name not in ledger.columns:
                if name in e.raw:  # typed by the clerk; counts and attempt days follow the ledger's columns
                    problem("record.column_missing", name, column=COLUMNS_BY_FIELD[name].label(lang))
                continue
            header = ledger.headers.get(name) or COLUMNS_BY_FIELD[name].label(lang)
            plan.changes.append(
                CellChange(
                    case.case_id or "",
                    case.row,
                    name,
                    ledger.columns[name],
                    header,
                    json_form(getattr(case, name)),
                    json_form(value),
                )
            )
    return plan


def _entry_values(case: Case, e: Entry, as_of: dt.date, problem) -> dict[str, Any] | None:
    """The case's new field values from one entry (vocabulary keys, dates), or None after a problem."""
    ok = True
    values: dict[str, Any] = {}
    for name, raw in e.raw.items():
        column = COLUMNS_BY_FIELD[name]
        if name == "satisfaction" and fold(_text(raw)) in NO_ANSWER:
            values["no_answer"] = True
            continue
        if column.kind == "date":
            day = parse_when(raw).date
            if day is None:
                problem("record.bad_date", name, value=_text(raw))
                ok = False
            elif day > as_of:
                problem("record.future_date", name, value=day.isoformat(), today=as_of.isoformat())
                ok = False
            elif name == "callback_on" and case.completed_on and day < case.completed_on:
                problem("record.before_completion", name, value=day, completed=case.completed_on)
                ok = False
            values[name] = day
        elif column.vocabulary is not None:
            term = column.vocabulary.parse(raw)
            if term is None:
                allowed = "、".join(column.vocabulary.labels("zh-Hans"))
                problem("record.bad_value", name, value=_text(raw), allowed=allowed)
                ok = False
            else:
                values[name] = term.key
        elif column.kind == "int":
            text = _text(raw)
            if not text.isdigit() or int(text) < 1:
                problem("record.bad_value", name, value=text, allowed="1, 2, 3 …")
                ok = False
            else:
                values[name] = int(text)
        else:
            values[name] = _text(raw)
    if not ok:
        return None
    return _settle(case, values, e, problem)


def _settle(case: Case, values: dict[str, Any], e: Entry, problem) -> dict[str, Any] | None:
    """A failed attempt adds its day to 未接通日期; any call counts one attempt unless a count was typed."""
    day = values.get("callback_on")
    if values.pop("no_answer", False):
        if day is None:
            problem("record.date_missing", "callback_on")
            return None
        del values["callback_on"]
        known = [p for p in (case.attempt_dates or "").replace(",", "、").split("、") if p.strip()]
        if day.isoformat() not in known:
            values["attempt_dates"] = "、".join([*known, day.isoformat()])
    elif day is None and ({"satisfaction", "callback_notes", "callback_method"} & set(values)):
        if case.callback_on is None:
            problem("record.date_missing", "callback_on")
            return None
    if day is not None and "callback_attempts" not in values:
        values["callback_attempts"] = (case.callback_attempts or 0) + 1
    return values
