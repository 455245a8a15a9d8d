"""From sheet grids to cases: find the case sheet and header, read every cell.

Works on grids (lists of rows of Python values, or a ColumnGrid holding a sheet
column by column) so the same code reads a file (through python-calamine) and a
live workbook (through xlwings).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from itertools import compress, repeat
from typing import Any

from ledger.core.allocation import without_gc
from ledger.core.cell_reading import ColumnGrid, as_bool, as_text, blank_rows, body_columns, convert
from ledger.core.columns import COLUMNS_BY_FIELD, REQUIRED_FIELDS, match_header
from ledger.core.errors import LedgerError
from ledger.core.i18n import register, text
from ledger.core.log import is_log_sheet, parse_log
from ledger.core.models import Case, Ledger, Problem
from ledger.core.office import chinese_script, header_language, office_of, title_above
from ledger.core.settings import SETTINGS_SHEET, Settings, read_settings
from ledger.core.vocab import fold

CASE_SHEET_NAMES = {"zh-Hans": "案件台账", "zh-Hant": "案件台賬", "en": "Cases"}
_CASE_SHEET_FOLDED = {
    fold(n)
    for n in (*CASE_SHEET_NAMES.values(), "案件台帐", "台账", "台賬", "案件", "投诉台账", "回访台账", "cases", "ledger")
}
_SETTINGS_FOLDED = {fold(n) for n in SETTINGS_SHEET.values()}
HEADER_SCAN_ROWS = 30
# Each unreadable cell becomes a Problem (~1 KB with its message). Past this many the sheet is
# junk, not a ledger with typing mistakes: it is refused before the problems fill the memory
# (300,000 junk rows of 24 columns would otherwise ask for about 6 GB).
MAX_UNREADABLE_CELLS = 100_000

register(
    {
        "ledger.no_case_sheet": {
            "zh-Hans": "在工作簿中找不到案件台账:没有名为“案件台账”的工作表,也没有哪张表的表头包含“案件编号”“受理日期”“类别”。现有工作表:{sheets}。",
            "zh-Hant": "在活頁簿中找不到案件台賬:沒有名為「案件台賬」的工作表,也沒有哪張表的表頭包含「案件編號」「受理日期」「類別」。現有工作表:{sheets}。",
            "en": "No case sheet found: no sheet is named “Cases” and no sheet has a header row with Case ID, Received on and Category. Sheets: {sheets}.",
        },
        "ledger.missing_column": {
            "zh-Hans": "工作表“{sheet}”第{row}行的表头缺少必填列:{columns}。请添加这些列或把现有列的表头改成可接受的名称,或在“设置”表的【表头映射】中指定对应的列(没有这一段时,在表末另起一行写【表头映射】,下面每行填“台账表头”和“标准字段”)。",
            "zh-Hant": "工作表「{sheet}」第{row}行的表頭缺少必填欄:{columns}。請新增這些欄或把現有欄的表頭改成可接受的名稱,或在「設置」表的【表頭映射】中指定對應的欄(沒有這一段時,在表末另起一列寫【表頭映射】,下面每列填「台賬表頭」和「標準欄位」)。",
            "en": "The header in row {row} of sheet “{sheet}” lacks required columns: {columns}. Add them or rename an existing header to an accepted one, or map it under [Header mapping] in the Settings sheet (if that section is missing, add a row 【Header mapping】 at the end, then one row per mapping: ledger header, standard field).",
        },
        "ledger.missing_column_no_settings": {
            "zh-Hans": "工作表“{sheet}”第{row}行的表头缺少必填列:{columns}。请添加这些列或把现有列的表头改成可接受的名称;表头不能改时,先运行 ledger init --into 台账文件 添加“设置”表,再在其【表头映射】中指定对应的列。",
            "zh-Hant": "工作表「{sheet}」第{row}行的表頭缺少必填欄:{columns}。請新增這些欄或把現有欄的表頭改成可接受的名稱;表頭不能改時,先執行 ledger init --into 台賬檔案 新增「設置」表,再在其【表頭映射】中指定對應的欄。",
            "en": "The header in row {row} of sheet “{sheet}” lacks required columns: {columns}. Add them or rename an existing header to an accepted one; if the headers must stay, run ledger init --into LEDGER to add a Settings sheet and map them under its [Header mapping].",
        },
        "ledger.missing_one": {
            "zh-Hans": "“{column}”(可接受的表头:{accepted})",
            "zh-Hant": "「{column}」(可接受的表頭:{accepted})",
            "en": "“{column}” (accepted headers: {accepted})",
        },
        "ledger.too_many_unreadable": {
            "zh-Hans": "工作表“{sheet}”({rows} 行 × {columns} 列)中无法识别的单元格超过 {limit} 个(仅“{column}”一列就有 {worst} 个),看起来不是案件台账,已停止读取,未作任何改动。请确认选对了文件,表头与下面的内容一致;若是某列整列填错,请先改正该列。",
            "zh-Hant": "工作表「{sheet}」({rows} 列 × {columns} 欄)中無法識別的儲存格超過 {limit} 個(僅「{column}」一欄就有 {worst} 個),看起來不是案件台賬,已停止讀取,未作任何變更。請確認選對了檔案、表頭與下方內容一致;若是某欄整欄填錯,請先改正該欄。",
            "en": "Sheet “{sheet}” ({rows} rows × {columns} columns) has more than {limit} cells that cannot be read ({worst} in column “{column}” alone); it does not look like a case ledger, so reading stopped and nothing was changed. Check that this is the right file and that the headers match the contents below them; if one column is filled wrongly throughout, correct it first.",
        },
        "ledger.empty": {
            "zh-Hans": "工作表“{sheet}”是空的,没有表头也没有案件。",
            "zh-Hant": "工作表「{sheet}」是空的,沒有表頭也沒有案件。",
            "en": "Sheet “{sheet}” is empty: no header and no cases.",
        },
        "cell.required": {
            "zh-Hans": "“{column}”必须填写。",
            "zh-Hant": "「{column}」必須填寫。",
            "en": "“{column}” is required.",
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
            "zh-Hans": "日期“{value}”有歧义(无法确定年月日的顺序),请写成 2026-11-03 这样的格式;如本处一向先写日,请在“设置”表的“日期顺序”填“日月年”(先写月填“月日年”)。",
            "zh-Hant": "日期「{value}」有歧義(無法確定年月日的順序),請寫成 2026-11-03 這樣的格式;如本處一向先寫日,請在「設置」表的「日期順序」填「日月年」(先寫月填「月日年」)。",
            "en": "The date “{value}” is ambiguous (day and month order unclear); write it as 2026-11-03, or if your office always writes the day first, set “Date order” to day-month-year in the Settings sheet (month-day-year if the month comes first).",
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
        "date.no_year": {
            "zh-Hans": "日期“{value}”缺少年份,请写成 2026-10-05 这样的完整日期。",
            "zh-Hant": "日期「{value}」缺少年份,請寫成 2026-10-05 這樣的完整日期。",
            "en": "The date “{value}” has no year; write the full date, e.g. 2026-10-05.",
        },
        "date.unreadable": {
            "zh-Hans": "无法识别日期“{value}”,请写成 2026-11-03 或 2026年11月3日。",
            "zh-Hant": "無法識別日期「{value}」,請寫成 2026-11-03 或 2026年11月3日。",
            "en": "“{value}” is not a readable date; write 2026-11-03.",
        },
    }
)


class UnusableLedger(LedgerError):
    """The input cannot be used at all (exit status 2).

    Raised with `lang=` once the headers tell the workbook's script, so the message is in it."""


@dataclass
class HeaderMatch:
    sheet: str
    row: int  # 1-based
    fields: dict[str, int]  # field -> 1-based column
    headers: dict[str, str]
    extra: dict[str, int]  # non-case columns we read: "strong_reaction", tool fields
    data_row: int = 0  # first row below the header (two-row headers push it down)

    def __post_init__(self) -> None:
        self.data_row = self.data_row or self.row + 1


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
        score = len(fields) + 2 * sum(f in fields for f in REQUIRED_FIELDS)
        if score > best_score and len(fields) >= 2:
            best, best_score = HeaderMatch(name, r + 1, fields, headers, extra), score
    if best is not None:
        _second_header_row(best, grid, mapping)
    return best


def _second_header_row(match: HeaderMatch, grid: list[list[Any]], mapping: dict[str, str]) -> None:
    """Two-row headers: a group title (回访情况) above its columns (回访日期, 满意度 ...)."""
    if match.row >= len(grid):
        return
    top, below = grid[match.row - 1], grid[match.row]
    added = {}
    for c, cell in enumerate(below):
        if cell is None or isinstance(cell, (int, float, dt.date)):
            continue
        field = match_header(cell, mapping)
        above = top[c] if c < len(top) else None
        if (
            field
            and field in COLUMNS_BY_FIELD
            and field not in match.fields
            and (above is None or match_header(above, mapping) is None)
        ):
            added[field] = (c + 1, str(cell).strip())
    if len(added) >= 2:
        for field, (col, label) in added.items():
            match.fields[field] = col
            match.headers[field] = label
        match.data_row = match.row + 2


def locate_case_sheet(
    grids: dict[str, list[list[Any]]], mapping: dict[str, str], lang: str | None = None
) -> HeaderMatch:
    named = [n for n in grids if fold(n) in _CASE_SHEET_FOLDED]
    candidates = named + [n for n in grids if n not in named and fold(n) not in _SETTINGS_FOLDED]
    matches = [m for n in candidates if (m := find_header(n, grids[n], mapping))]
    if named and not any(m.sheet in named for m in matches):
        grid = grids[named[0]]
        if not any(any(c not in (None, "") for c in row) for row in grid):
            raise UnusableLedger("ledger.empty", lang=lang or chinese_script(list(grids)), sheet=named[0])
    if not matches:
        seen = [*grids, *(c for g in grids.values() for row in g[:HEADER_SCAN_ROWS] for c in row)]
        raise UnusableLedger("ledger.no_case_sheet", lang=lang or chinese_script(seen), sheets="、".join(grids) or "-")
    in_named = [m for m in matches if m.sheet in named]
    pool = in_named or matches
    return max(pool, key=lambda m: sum(f in m.fields for f in REQUIRED_FIELDS) * 100 + len(m.fields))


@without_gc
def load_ledger(grids: dict[str, list[list[Any]]], path: str | None = None, settings: Settings | None = None) -> Ledger:
    """Read the Settings and case sheets into a Ledger; cell problems are collected, not raised."""
    problems: list[Problem] = []
    if settings is None:
        settings_name = next((n for n in grids if fold(n) in _SETTINGS_FOLDED), None)
        settings, settings_problems = read_settings(
            grids.get(settings_name) if settings_name else None, settings_name or "设置"
        )
        problems.extend(settings_problems)
    has_settings = any(fold(n) in _SETTINGS_FOLDED for n in grids)
    match = locate_case_sheet(grids, settings.header_mapping, settings.language if settings.language_given else None)
    grid = grids[match.sheet]
    if not settings.language_given:  # the workbook's script, judged by the header the clerk wrote
        settings.language = header_language(grid[match.row - 1], match.extra)
    lang = settings.language
    missing = [f for f in REQUIRED_FIELDS if f not in match.fields]
    if missing:
        raise UnusableLedger(
            "ledger.missing_column" if has_settings else "ledger.missing_column_no_settings",
            lang=lang,
            sheet=match.sheet,
            row=match.row,
            columns=";".join(
                text(
                    "ledger.missing_one",
                    lang,
                    column=COLUMNS_BY_FIELD[f].label(lang),
                    accepted=" / ".join(COLUMNS_BY_FIELD[f].accepted_headers()),
                )
                for f in missing
            ),
        )
    title = title_above(grid, match.row)
    office_source = "settings"
    if not has_settings:
        settings.office, office_source = office_of(title, path)
    cases, cell_problems = _read_rows(match, grid, lang, settings.date_order)
    problems.extend(cell_problems)
    log_name = next((n for n in grids if is_log_sheet(n)), None)
    return Ledger(
        cases=cases,
        problems=problems,
        settings=settings,
        sheet=match.sheet,
        header_row=match.row,
        columns={**match.fields, **{k: v for k, v in match.extra.items()}},
        headers=match.headers,
        rows=len(cases),
        path=path,
        log=parse_log(grids.get(log_name)) if log_name else [],
        sheet_names=list(grids),
        has_settings=has_settings,
        office_source=office_source,
        title=title,
    )


_CASE_DEFAULTS = {f.name: f.default for f in dataclasses.fields(Case) if f.name != "row"}


def _moment(when: Any) -> dt.datetime | None:
    return when.value if when is not None else None


def _has_time(when: Any) -> bool:
    return bool(when and when.has_time)


def _day(when: Any) -> dt.date | None:
    return when.value.date() if when is not None and when.value is not None else None


def _one_if_blank(number: Any) -> Any:
    return 1 if number is None else number


# Case attributes a column fills, each with how its converted value becomes the attribute.
_TARGETS: dict[str, tuple[tuple[str, Any], ...]] = {
    "received_on": (("received_at", _moment), ("received_has_time", _has_time)),
    "first_response_at": (("first_response_at", _moment), ("first_response_has_time", _has_time)),
    "complainants": (("complainants", _one_if_blank),),
    "lawsuit_or_media": (("lawsuit_or_media", bool),),
    "strong_reaction": (("strong_reaction", bool),),
}


def _targets(field: str, kind: str) -> tuple[tuple[str, Any], ...]:
    if field in _TARGETS:
        return _TARGETS[field]
    return ((field, _day),) if kind in ("date", "datetime") else ((field, None),)


def _read_rows(match: HeaderMatch, grid: Any, lang: str, order: str = "ymd") -> tuple[list[Case], list[Problem]]:
    """Read the case rows column by column.

    Ledger columns repeat a handful of values (categories, aspects, the same
    dates), so each column converts each distinct value once and maps the
    column through the results: 100k rows cost a few hundred thousand
    dictionary look-ups rather than as many parses.
    """
    whole_column = body_columns(grid, match.data_row - 1)
    height = max(len(grid) - (match.data_row - 1), 0)
    kept, everything = _kept_rows(match, whole_column, height)
    numbers = list(map(match.data_row.__add__, kept))

    def _column_of(index: int) -> list[Any]:
        col = whole_column(index)
        return col if everything else list(map(col.__getitem__, kept))

    columns, problems = _case_columns(match, grid, lang, order, _column_of, numbers, height)
    for extra, parse in (("sampled", as_bool), ("sample_reason", as_text)):
        col = match.extra.get(extra)
        if col:
            raw = _column_of(col - 1)
            values = [parse(v) for v in raw]
            key = {"sampled": "sampled_mark", "sample_reason": "sample_reason_mark"}.get(extra, extra)
            columns[key] = [v is True for v in values] if parse is as_bool else values
    unknown = set(columns) - set(_CASE_DEFAULTS)
    if unknown:
        raise TypeError(f"Case has no field {sorted(unknown)[0]!r}")
    # positionally, one C-level map: no keyword dict per row
    cases = list(
        map(
            Case,
            numbers,
            *(columns[name] if name in columns else repeat(default) for name, default in _CASE_DEFAULTS.items()),
        )
    )
    problems.sort(key=lambda p: (p.row or 0, match.fields.get(_field_of(match, p.column), 0)))
    return cases, problems


def _kept_rows(
    match: HeaderMatch, whole_column: Callable[[int], list[Any]], height: int
) -> tuple[range | list[int], bool]:
    """Positions (0-based) of the body rows that hold a case, and whether that is every row."""
    used = sorted({c - 1 for c in match.fields.values()})
    required = [match.fields[f] - 1 for f in REQUIRED_FIELDS if f in match.fields]
    # a row counts when any case column holds something: required columns first, they are rarely blank
    blank = blank_rows(map(whole_column, dict.fromkeys(required + used)), height) if used else range(height)
    if not blank:
        return range(height), True
    keep = bytearray(b"\x01") * height
    for i in blank:
        keep[i] = 0
    return list(compress(range(height), keep)), False


def _case_columns(
    match: HeaderMatch,
    grid: Any,
    lang: str,
    order: str,
    column_of: Callable[[int], list[Any]],
    numbers: list[int],
    height: int,
) -> tuple[dict[str, list[Any]], list[Problem]]:
    """Case attribute -> its values for the kept rows, and a Problem for each unreadable cell."""
    problems: list[Problem] = []
    columns: dict[str, list[Any]] = {}
    unreadable = 0
    for field, col in match.fields.items():
        column = COLUMNS_BY_FIELD[field]
        header = match.headers.get(field, column.label(lang))
        targets = _targets(field, column.kind)
        outputs, bad = convert(
            column,
            column_of(col - 1),
            [finish for _, finish in targets],
            grid.distinct(col - 1) if isinstance(grid, ColumnGrid) else None,
            order,
        )
        for (name, _), values in zip(targets, outputs):
            columns[name] = values
        unreadable += len(bad)
        if unreadable > MAX_UNREADABLE_CELLS:
            raise UnusableLedger(
                "ledger.too_many_unreadable",
                sheet=match.sheet,
                rows=f"{height:,}",
                columns=len(match.fields) + len(match.extra),
                limit=f"{MAX_UNREADABLE_CELLS:,}",
                column=header,
                worst=f"{len(bad):,}",
            )
        for i, code, value in bad:
            problems.append(
                Problem.make(
                    code,
                    lang,
                    sheet=match.sheet,
                    row=numbers[i],
                    column=header,
                    value=value,
                    allowed="、".join(column.vocabulary.labels(lang)) if column.vocabulary else "",
                )
            )
    return columns, problems


def _field_of(match: HeaderMatch, header: str | None) -> str | None:
    for field, text_ in match.headers.items():
        if text_ == header:
            return field
    return None
