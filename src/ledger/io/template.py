"""A new, empty ledger workbook (`ledger init`, SPEC §2).

The template is where a clerk's good habits start: dropdowns so categories are
spelled one way, text-formatted phone and case-id columns so leading zeros
survive, date formats, a frozen header, and the tool's own columns marked so
nobody types into them. It is a plain .xlsx (no macros: head-office mail
filters strip .xlsm). Formats live on column styles and validations on ranges,
not on thousands of pre-formatted cells, so the file stays a few kilobytes.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ledger.core.columns import CASE_COLUMNS, TOOL_COLUMNS, Column
from ledger.core.i18n import LANGUAGES, normalize_language, register, text
from ledger.core.log import LOG_HEADERS, LOG_SHEET, MACHINE_COLUMNS
from ledger.core.reading import CASE_SHEET_NAMES
from ledger.core.rules import PRESETS
from ledger.core.settings import PRESET_LABELS, SCALAR_KEYS, SETTINGS_SHEET, Settings, settings_grid
from ledger.io.safe_write import atomic_replace
from ledger.sheets.stats_sheet import PLACEHOLDER

CALLBACK_SHEET = {"zh-Hans": "回访清单", "zh-Hant": "回訪清單", "en": "Callback list"}
STATS_SHEET = PLACEHOLDER  # taken over by the first month's statistics (sheets.stats_sheet)
LISTS_SHEET = "_lists"  # hidden: the dropdown values, referenced by the validations
CASE_TABLE = "CaseTable"
DEFAULT_OFFICE = {"zh-Hans": "物业管理处", "zh-Hant": "物業管理處", "en": "Property management office"}
BOOLEAN_LABELS = {"zh-Hans": ["是", "否"], "zh-Hant": ["是", "否"], "en": ["Yes", "No"]}
VALIDATED_ROWS = 20000  # rows 2..VALIDATED_ROWS carry the dropdowns

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TEXT_FORMAT = "@"

CLERK_FILL = PatternFill("solid", fgColor="DDEBF7")
TOOL_FILL = PatternFill("solid", fgColor="FFE699")  # the colour io.ledger_file gives tool headers
TOOL_BODY_FILL = PatternFill("solid", fgColor="F2F2F2")
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
HEADER_BORDER = Border(bottom=Side(style="thin", color="808080"))
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)

CATALOG = {
    "template.exists": {
        "zh-Hans": "文件 {path} 已存在,未覆盖。请换一个文件名;确需用空白台账替换它时请加 --force(原文件会先备份)。",
        "zh-Hant": "檔案 {path} 已存在,未覆蓋。請換一個檔名;確需用空白台賬取代它時請加 --force(原檔案會先備份)。",
        "en": "{path} already exists and was not overwritten. Choose another name, or add --force to replace it with an empty ledger (the old file is backed up first).",
    },
    "template.not_xlsx": {
        "zh-Hans": "新台账必须是 .xlsx 文件(不含宏),而不是“{path}”。请把文件名改为以 .xlsx 结尾。",
        "zh-Hant": "新台賬必須是 .xlsx 檔案(不含巨集),而不是「{path}」。請把檔名改為以 .xlsx 結尾。",
        "en": "A new ledger must be an .xlsx file (no macros), not “{path}”. Use a name ending in .xlsx.",
    },
    "template.unknown_preset": {
        "zh-Hans": "没有名为“{preset}”的规则预设,可选:{allowed}。",
        "zh-Hant": "沒有名為「{preset}」的規則預設,可選:{allowed}。",
        "en": "There is no rule preset “{preset}”; choose one of: {allowed}.",
    },
    "template.tool_column": {
        "zh-Hans": "由工具生成,请勿手工填写。",
        "zh-Hant": "由工具生成,請勿手工填寫。",
        "en": "Written by the tool; do not type here.",
    },
    "template.required": {
        "zh-Hans": "必填。",
        "zh-Hant": "必填。",
        "en": "Required.",
    },
    "template.pick_from_list": {
        "zh-Hans": "请从下拉列表中选择:{column}。",
        "zh-Hant": "請從下拉清單中選擇:{column}。",
        "en": "Choose {column} from the dropdown list.",
    },
    "template.whole_number": {
        "zh-Hans": "{column}应为不小于 {minimum} 的整数。",
        "zh-Hant": "{column}應為不小於 {minimum} 的整數。",
        "en": "{column} is a whole number of at least {minimum}.",
    },
    "template.invalid_title": {
        "zh-Hans": "输入有误",
        "zh-Hant": "輸入有誤",
        "en": "Check the entry",
    },
    "template.callback_title": {
        "zh-Hans": "回访清单(点击“生成回访清单”由工具生成)",
        "zh-Hant": "回訪清單(點擊「生成回訪清單」由工具生成)",
        "en": "Callback list (press “Callback list” to have the tool build it)",
    },
    "template.stats_title": {
        "zh-Hans": "月度统计(点击“月度统计”由工具生成)",
        "zh-Hant": "月度統計(點擊「月度統計」由工具生成)",
        "en": "Monthly statistics (press “Monthly statistics” to have the tool build it)",
    },
}
register(CATALOG)


def sheet_names(lang: str) -> dict[str, str]:
    """The five sheets of a ledger in `lang`, by role (cases, callbacks, stats, settings, log)."""
    lang = normalize_language(lang)
    return {
        "cases": CASE_SHEET_NAMES[lang],
        "callbacks": CALLBACK_SHEET[lang],
        "stats": STATS_SHEET[lang],
        "settings": SETTINGS_SHEET[lang],
        "log": LOG_SHEET[lang],
    }


def create_ledger(
    path: str | Path,
    *,
    preset: str = "residential",
    lang: str = "zh-Hans",
    office: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write an empty ledger to `path` and return it.

    An existing file is never replaced silently: without `overwrite` it is a
    FileExistsError; with it the old file is backed up and swapped atomically
    (io.safe_write), because a ledger may be an office's only record.
    """
    path = Path(path)
    lang = normalize_language(lang)
    if preset not in PRESETS:
        raise ValueError(text("template.unknown_preset", lang, preset=preset, allowed=", ".join(PRESETS)))
    if path.suffix.lower() != ".xlsx":
        raise ValueError(text("template.not_xlsx", lang, path=str(path)))
    if path.exists() and not overwrite:
        # One argument, so str(error) is the clerk's message as it stands.
        raise FileExistsError(text("template.exists", lang, path=str(path)))
    book = build_workbook(preset=preset, lang=lang, office=office)
    path.parent.mkdir(parents=True, exist_ok=True)
    existed = path.exists()

    def write(tmp: Path) -> None:
        book.save(tmp)
        if not existed:  # the temp file is private (0600); a new ledger gets the usual mode
            os.chmod(tmp, 0o666 & ~_umask())

    atomic_replace(path, write)
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def build_workbook(
    *, preset: str = "residential", lang: str = "zh-Hans", office: str | None = None, settings: Settings | None = None
) -> Workbook:
    """The template as an openpyxl Workbook (not saved), sheets in SPEC §2 order; `settings` (the demo's)
    fill the Settings sheet instead of the preset's defaults."""
    lang = normalize_language(lang)
    names = sheet_names(lang)
    book = Workbook()
    book.properties.creator = "ledger"
    cases = book.active
    cases.title = names["cases"]
    callbacks = book.create_sheet(names["callbacks"])
    stats = book.create_sheet(names["stats"])
    settings_ws = book.create_sheet(names["settings"])
    log = book.create_sheet(names["log"])
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"

    list_refs = _write_lists(lists, lang)
    _write_case_sheet(cases, lang, list_refs)
    _write_title(callbacks, text("template.callback_title", lang))
    _write_title(stats, text("template.stats_title", lang))
    settings = settings or Settings(
        office=office or DEFAULT_OFFICE[lang],
        language=lang,
        preset=preset,
        rules={k: r.model_copy(deep=True) for k, r in PRESETS[preset].items()},
    )
    _write_settings(settings_ws, settings, lang)
    _write_log(log, lang)
    book.active = 0
    return book


def dropdown_values(column: Column, lang: str) -> list[str] | None:
    """The dropdown list of a case column in `lang`, or None if it has none."""
    if column.vocabulary is not None:
        return column.vocabulary.labels(lang)
    if column.kind == "bool":
        return BOOLEAN_LABELS[lang]
    return None


def _write_lists(ws: Worksheet, lang: str) -> dict[str, str]:
    """One row per dropdown list (rows, so no row mixes two lists and looks like a header)."""
    refs: dict[str, str] = {}
    row = 1
    for column in CASE_COLUMNS:
        values = dropdown_values(column, lang)
        if values is None:
            continue
        for c, value in enumerate(values, start=1):
            ws.cell(row=row, column=c, value=value)
        refs[column.field] = f"'{LISTS_SHEET}'!$A${row}:${get_column_letter(len(values))}${row}"
        row += 1
    return refs


def _display_width(label: str) -> int:
    """Width in Excel character units: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in label)


_KIND_WIDTH = {"date": 12, "datetime": 17, "int": 8, "bool": 8, "phone": 14}
_FIELD_WIDTH = {"description": 40, "callback_notes": 32, "problems": 40, "unit": 16, "case_id": 14, "sample_reason": 20}


def _column_width(column: Column, lang: str) -> float:
    header = _display_width(column.label(lang)) + 4  # room for the table's filter button
    body = _FIELD_WIDTH.get(column.field) or _KIND_WIDTH.get(column.kind, 12)
    values = dropdown_values(column, lang)
    if values:
        body = max(_display_width(v) for v in values) + 3
    return float(min(max(header, body, 8), 48))


def _number_format(column: Column) -> str | None:
    if column.kind == "date":
        return DATE_FORMAT
    if column.kind == "datetime":
        return DATETIME_FORMAT
    if column.kind == "phone" or column.field == "case_id":
        return TEXT_FORMAT
    return None


def _write_case_sheet(ws: Worksheet, lang: str, list_refs: dict[str, str]) -> None:
    columns = [*CASE_COLUMNS, *TOOL_COLUMNS]
    last = get_column_letter(len(columns))
    for c, column in enumerate(columns, start=1):
        letter = get_column_letter(c)
        tool = column in TOOL_COLUMNS
        cell = ws.cell(row=1, column=c, value=column.label(lang))
        cell.fill = TOOL_FILL if tool else CLERK_FILL
        cell.font = REQUIRED_FONT if column.required else HEADER_FONT
        cell.alignment = HEADER_ALIGN
        cell.border = HEADER_BORDER
        note = (
            text("template.tool_column", lang)
            if tool
            else (text("template.required", lang) if column.required else None)
        )
        if note:
            cell.comment = Comment(note, "ledger", width=160, height=40)
        dim = ws.column_dimensions[letter]
        dim.width = _column_width(column, lang)
        fmt = _number_format(column)
        if fmt:
            dim.number_format = fmt
        if tool:
            dim.fill = TOOL_BODY_FILL
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "B2"

    table = Table(displayName=CASE_TABLE, ref=f"A1:{last}2")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)

    _add_validations(ws, lang, list_refs)

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.print_title_rows = "1:1"
    ws.page_margins = PageMargins(left=0.3, right=0.3, top=0.5, bottom=0.5, header=0.2, footer=0.2)
    ws.oddFooter.center.text = "&P / &N"


def _add_validations(ws: Worksheet, lang: str, list_refs: dict[str, str]) -> None:
    """Dropdowns for enum and yes/no columns, whole numbers for counts.

    The error style is a warning, not a stop: the reader accepts the spellings
    of older ledgers (其它, 报修 ...), and a clerk who pastes one should be told,
    not blocked.
    """
    title = text("template.invalid_title", lang)
    for c, column in enumerate(CASE_COLUMNS, start=1):
        letter = get_column_letter(c)
        label = column.label(lang)
        if column.field in list_refs:
            dv = DataValidation(
                type="list",
                formula1=list_refs[column.field],
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle=title,
                error=text("template.pick_from_list", lang, column=label),
            )
        elif column.kind == "int":
            minimum = 1 if column.field == "complainants" else 0
            dv = DataValidation(
                type="whole",
                operator="greaterThanOrEqual",
                formula1=str(minimum),
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle=title,
                error=text("template.whole_number", lang, column=label, minimum=minimum),
            )
        else:
            continue
        dv.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
        ws.add_data_validation(dv)


def _write_title(ws: Worksheet, title: str) -> None:
    ws["A1"] = title
    ws["A1"].font = TITLE_FONT
    ws.column_dimensions["A"].width = 16


def _write_settings(ws: Worksheet, settings: Settings, lang: str) -> None:
    grid = settings_grid(settings, lang)
    header_next = True  # the first row and the row after each 【section】 are column headers
    for r, row in enumerate(grid, start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, float):
                cell.number_format = "0%"
            if isinstance(value, (int, float)) and c == 2:
                cell.alignment = Alignment(horizontal="left")
            if header_next:
                cell.font = HEADER_FONT
                cell.fill = CLERK_FILL
                cell.border = HEADER_BORDER
        first = str(row[0]) if row else ""
        if first.startswith("【"):
            ws.cell(row=r, column=1).font = Font(bold=True, size=12)
            header_next = True
        else:
            header_next = False
    for letter, width in zip("ABCDE", (30, 30, 30, 12, 12)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    language = DataValidation(type="list", formula1=f'"{",".join(LANGUAGES)}"', allow_blank=True)
    labels = [PRESET_LABELS[key][("zh-Hans", "zh-Hant", "en").index(lang)] for key in PRESETS]
    presets = DataValidation(type="list", formula1=f'"{",".join(labels)}"', allow_blank=True)
    for r, row in enumerate(grid, start=1):
        if row and row[0] == _scalar_label("language", lang):
            language.add(f"B{r}")
        elif row and row[0] == _scalar_label("preset", lang):
            presets.add(f"B{r}")
    ws.add_data_validation(language)
    ws.add_data_validation(presets)


def _scalar_label(key: str, lang: str) -> str:
    index = {"zh-Hans": 0, "zh-Hant": 1, "en": 2}[lang]
    return next(labels[index] for k, *labels in SCALAR_KEYS if k == key)


def _write_log(ws: Worksheet, lang: str) -> None:
    for c, (label, width) in enumerate(zip(LOG_HEADERS[lang], (20, 14, 50, 60, 12, 12, 40, 40)), start=1):
        cell = ws.cell(row=1, column=c, value=label)
        cell.font = HEADER_FONT
        cell.fill = CLERK_FILL
        cell.border = HEADER_BORDER
        ws.column_dimensions[get_column_letter(c)].width = width
        ws.column_dimensions[get_column_letter(c)].hidden = c in MACHINE_COLUMNS  # read by the tool only
    ws.column_dimensions["A"].number_format = "yyyy-mm-dd hh:mm:ss"
    ws.freeze_panes = "A2"
