"""From sheet grids to cases: find the case sheet and header, read every cell.

Works on plain grids (lists of rows of Python values) so the same code reads a
file (through python-calamine) and a live workbook (through xlwings).
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from . import vocab
from .columns import CASE_COLUMNS, COLUMNS_BY_FIELD, REQUIRED_FIELDS, TOOL_COLUMNS, match_header
from .dates import is_excel_error, parse_when
from .i18n import register, text
from .models import Case, Ledger, Problem
from .settings import SETTINGS_SHEET, Settings, read_settings
from .vocab import fold

CASE_SHEET_NAMES = {"zh-Hans": "案件台账", "zh-Hant": "案件台賬", "en": "Cases"}
_CASE_SHEET_FOLDED = {fold(n) for n in (*CASE_SHEET_NAMES.values(), "案件台帐", "台账", "台賬", "案件", "投诉台账",
                                         "回访台账", "cases", "ledger")}
_SETTINGS_FOLDED = {fold(n) for n in SETTINGS_SHEET.values()}
HEADER_SCAN_ROWS = 30
# An optional extra column some offices keep (SPEC §3.1 "reacted strongly").
STRONG_REACTION_HEADERS = {fold(h) for h in ("住户反应强烈", "住戶反應強烈", "反应强烈", "Strong reaction")}

register({
    "ledger.no_case_sheet": {
        "zh-Hans": "在工作簿中找不到案件台账:没有名为“案件台账”的工作表,也没有哪张表的表头包含“案件编号”“受理日期”“类别”。现有工作表:{sheets}。",
        "zh-Hant": "在活頁簿中找不到案件台賬:沒有名為「案件台賬」的工作表,也沒有哪張表的表頭包含「案件編號」「受理日期」「類別」。現有工作表:{sheets}。",
        "en": "No case sheet found: no sheet is named “Cases” and no sheet has a header row with Case ID, Received on and Category. Sheets: {sheets}.",
    },
    "ledger.missing_column": {
        "zh-Hans": "工作表“{sheet}”第{row}行的表头缺少必填列“{column}”。可接受的表头:{accepted}。请添加该列,或在“设置”表的【表头映射】中指定对应的列。",
        "zh-Hant": "工作表「{sheet}」第{row}行的表頭缺少必填欄「{column}」。可接受的表頭:{accepted}。請新增該欄,或在「設置」表的【表頭映射】中指定對應的欄。",
        "en": "The header in row {row} of sheet “{sheet}” lacks the required column “{column}”. Accepted headers: {accepted}. Add the column, or map it under [Header mapping] in the Settings sheet.",
    },
    "ledger.empty": {
        "zh-Hans": "工作表“{sheet}”是空的,没有表头也没有案件。",
        "zh-Hant": "工作表「{sheet}」是空的,沒有表頭也沒有案件。",
        "en": "Sheet “{sheet}” is empty: no header and no cases.",
    },
    "cell.required": {
        "zh-Hans": "“{column}”必须填写。", "zh-Hant": "「{column}」必須填寫。", "en": "“{column}” is required.",
    },
    "cell.unknown_value": {
        "zh-Hans": "“{value}”不是有效的{column},可选:{allowed}。",
        "zh-Hant": "「{value}」不是有效的{column},可選:{allowed}。",
        "en": "“{value}” is not a valid {column}; choose one of: {allowed}.",
    },
    "cell.not_integer": {
        "zh-Hans": "“{value}”不是有效的整数,{column}应填写如 1、2、3。",
        "zh-Hant": "「{value}」不是有效的整數,{column}應填寫如 1、2、3。",
        "en": "“{value}” is not a whole number; {column} takes 1, 2, 3 ...",
    },
    "cell.not_boolean": {
        "zh-Hans": "“{value}”无法识别,{column}请填“是”或“否”。",
        "zh-Hant": "「{value}」無法識別,{column}請填「是」或「否」。",
        "en": "“{value}” is not understood; {column} takes yes or no.",
    },
    "cell.error_value": {
        "zh-Hans": "单元格是 Excel 错误值 {value},请改为实际内容。",
        "zh-Hant": "儲存格是 Excel 錯誤值 {value},請改為實際內容。",
        "en": "The cell holds the Excel error {value}; enter the real value.",
    },
    "date.error_value": {
        "zh-Hans": "日期单元格是 Excel 错误值 {value},请填写实际日期。",
        "zh-Hant": "日期儲存格是 Excel 錯誤值 {value},請填寫實際日期。",
        "en": "The date cell holds the Excel error {value}; enter the real date.",
    },
    "date.ambiguous": {
        "zh-Hans": "日期“{value}”有歧义(无法确定年月日的顺序),请写成 2026-11-03 这样的格式。",
        "zh-Hant": "日期「{value}」有歧義(無法確定年月日的順序),請寫成 2026-11-03 這樣的格式。",
        "en": "The date “{value}” is ambiguous (day and month order unclear); write it as 2026-11-03.",
    },
    "date.impossible": {
        "zh-Hans": "日期“{value}”不存在,请检查月份和日期。",
        "zh-Hant": "日期「{value}」不存在,請檢查月份和日期。",
        "en": "The date “{value}” does not exist; check the month and day.",
    },
    "date.implausible": {
        "zh-Hans": "“{value}”不像是台账中的日期(应在2000至2099年之间)。",
        "zh-Hant": "「{value}」不像是台賬中的日期(應在2000至2099年之間)。",
        "en": "“{value}” does not look like a ledger date (expected 2000–2099).",
    },
    "date.unreadable": {
        "zh-Hans": "无法识别日期“{value}”,请写成 2026-11-03 或 2026年11月3日。",
        "zh-Hant": "無法識別日期「{value}」,請寫成 2026-11-03 或 2026年11月3日。",
        "en": "“{value}” is not a readable date; write 2026-11-03.",
    },
})


class UnusableLedger(Exception):
    """The input cannot be used at all (SPEC §9 exit status 2)."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code, self.params = code, params

    def message(self, lang: str = "zh-Hans") -> str:
        return text(self.code, lang, **self.params)


@dataclass
class HeaderMatch:
    sheet: str
    row: int  # 1-based
    fields: dict[str, int]  # field -> 1-based column
    headers: dict[str, str]
    extra: dict[str, int]  # non-case columns we read: "strong_reaction", tool fields


def find_header(name: str, grid: list[list[Any]], mapping: dict[str, str]) -> HeaderMatch | None:
    """The row, among the first few, that names the most case fields."""
    best: HeaderMatch | None = None
    best_score = 0
    for r, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        fields: dict[str, int] = {}
        headers: dict[str, str] = {}
        extra: dict[str, int] = {}
        for c, cell in enumerate(row):
            if cell is None or isinstance(cell, (int, float, dt.date)):
                continue
            field = match_header(cell, mapping)
            if field and field in COLUMNS_BY_FIELD and field not in fields:
                fields[field] = c + 1
                headers[field] = str(cell).strip()
            elif field and field not in extra:
                extra[field] = c + 1
            elif fold(str(cell)) in STRONG_REACTION_HEADERS:
                extra["strong_reaction"] = c + 1
        score = len(fields) + 2 * sum(f in fields for f in REQUIRED_FIELDS)
        if score > best_score and len(fields) >= 2:
            best, best_score = HeaderMatch(name, r + 1, fields, headers, extra), score
    return best


def locate_case_sheet(grids: dict[str, list[list[Any]]], mapping: dict[str, str]) -> HeaderMatch:
    named = [n for n in grids if fold(n) in _CASE_SHEET_FOLDED]
    candidates = named + [n for n in grids if n not in named and fold(n) not in _SETTINGS_FOLDED]
    matches = [m for n in candidates if (m := find_header(n, grids[n], mapping))]
    if named and not any(m.sheet in named for m in matches):
        grid = grids[named[0]]
        if not any(any(c not in (None, "") for c in row) for row in grid):
            raise UnusableLedger("ledger.empty", sheet=named[0])
    if not matches:
        raise UnusableLedger("ledger.no_case_sheet", sheets="、".join(grids) or "-")
    in_named = [m for m in matches if m.sheet in named]
    pool = in_named or matches
    return max(pool, key=lambda m: sum(f in m.fields for f in REQUIRED_FIELDS) * 100 + len(m.fields))


def load_ledger(grids: dict[str, list[list[Any]]], path: str | None = None,
                settings: Settings | None = None) -> Ledger:
    """Read the Settings and case sheets into a Ledger; cell problems are collected, not raised."""
    problems: list[Problem] = []
    if settings is None:
        settings_name = next((n for n in grids if fold(n) in _SETTINGS_FOLDED), None)
        settings, settings_problems = read_settings(grids.get(settings_name) if settings_name else None,
                                                    settings_name or "设置")
        problems.extend(settings_problems)
    lang = settings.language
    match = locate_case_sheet(grids, settings.header_mapping)
    missing = [f for f in REQUIRED_FIELDS if f not in match.fields]
    if missing:
        col = COLUMNS_BY_FIELD[missing[0]]
        raise UnusableLedger("ledger.missing_column", sheet=match.sheet, row=match.row, column=col.label(lang),
                             accepted=" / ".join(col.accepted()[:3] + col.aliases[:4]))
    grid = grids[match.sheet]
    cases: list[Case] = []
    reader = _RowReader(match, lang)
    for r in range(match.row, len(grid)):
        row = grid[r]
        if not any(row[c - 1] not in (None, "") for c in match.fields.values() if c - 1 < len(row)):
            continue
        case, row_problems = reader.read(r + 1, row)
        cases.append(case)
        problems.extend(row_problems)
    from .log import is_log_sheet, parse_log
    log_name = next((n for n in grids if is_log_sheet(n)), None)
    return Ledger(cases=cases, problems=problems, settings=settings, sheet=match.sheet, header_row=match.row,
                  columns={**match.fields, **{k: v for k, v in match.extra.items()}}, headers=match.headers,
                  rows=len(cases), path=path, log=parse_log(grids.get(log_name)) if log_name else [],
                  sheet_names=list(grids))


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    s = str(value).strip()
    return s or None


class _RowReader:
    """Reads one row's cells by their column kind; each unreadable cell becomes a problem."""

    def __init__(self, match: HeaderMatch, lang: str):
        self.match, self.lang = match, lang
        self.cells = [(COLUMNS_BY_FIELD[f], c - 1) for f, c in match.fields.items()]
        self.sampled_col = match.extra.get("sampled")
        self.reason_col = match.extra.get("sample_reason")
        self.strong_col = match.extra.get("strong_reaction")

    def problem(self, code: str, row: int, column: str, **params: Any) -> Problem:
        return Problem.make(code, self.lang, sheet=self.match.sheet, row=row, column=column, **params)

    def read(self, row_no: int, row: list[Any]) -> tuple[Case, list[Problem]]:
        case = Case(row=row_no)
        problems: list[Problem] = []
        width = len(row)
        for col, index in self.cells:
            raw = row[index] if index < width else None
            if raw is None or raw == "":
                continue
            header = self.match.headers.get(col.field, col.label(self.lang))
            if is_excel_error(raw) and col.kind not in ("date", "datetime"):
                problems.append(self.problem("cell.error_value", row_no, header, value=str(raw).strip()))
                continue
            kind = col.kind
            if kind in ("date", "datetime"):
                when = parse_when(raw)
                if when.error:
                    problems.append(self.problem(when.error, row_no, header, value=_as_text(raw)))
                    continue
                if col.field == "received_on":
                    case.received_at, case.received_has_time = when.value, when.has_time
                elif col.field == "first_response_at":
                    case.first_response_at, case.first_response_has_time = when.value, when.has_time
                else:
                    setattr(case, col.field, when.date)
            elif kind == "enum":
                term = col.vocabulary.parse(raw)
                if term is None:
                    problems.append(self.problem("cell.unknown_value", row_no, header, value=_as_text(raw),
                                                 allowed="、".join(col.vocabulary.labels(self.lang))))
                else:
                    setattr(case, col.field, term.key)
            elif kind == "int":
                value = _as_int(raw)
                if value is None:
                    problems.append(self.problem("cell.not_integer", row_no, header, value=_as_text(raw)))
                else:
                    setattr(case, col.field, value)
            elif kind == "bool":
                value = _as_bool(raw)
                if value is None:
                    problems.append(self.problem("cell.not_boolean", row_no, header, value=_as_text(raw)))
                else:
                    setattr(case, col.field, value)
            else:
                setattr(case, col.field, _as_text(raw))
        if self.sampled_col and self.sampled_col - 1 < width:
            case.sampled_mark = _as_bool(row[self.sampled_col - 1]) is True
        if self.reason_col and self.reason_col - 1 < width:
            case.sample_reason_mark = _as_text(row[self.reason_col - 1])
        if self.strong_col and self.strong_col - 1 < width:
            case.strong_reaction = _as_bool(row[self.strong_col - 1]) is True
        return case, problems


def _as_int(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return int(raw) if float(raw).is_integer() else None
    s = fold(str(raw)).rstrip("人次")
    try:
        f = float(s)
    except ValueError:
        return None
    return int(f) if f.is_integer() else None


_SAMPLED_TRUE = {fold(s) for s in ("抽中", "已抽中", "抽样", "是", "✓", "√", "y", "yes", "true", "1", "drawn", "sampled")}


def _as_bool(raw: Any) -> bool | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)):
        return bool(raw)
    s = fold(str(raw))
    if s in vocab.BOOLEAN_TRUE or s in _SAMPLED_TRUE:
        return True
    if s in vocab.BOOLEAN_FALSE or s in ("未抽中",):
        return False
    return None
