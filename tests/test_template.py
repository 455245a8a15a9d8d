"""`ledger init`: the empty ledger template, checked on real .xlsx files read back."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import os
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter, range_boundaries

from ledger.core import vocab
from ledger.core.columns import CASE_COLUMNS, TOOL_COLUMNS
from ledger.core.i18n import LANGUAGES, text
from ledger.core.log import LOG_HEADERS
from ledger.core.reading import find_header
from ledger.core.rules import PRESETS
from ledger.io.template import LISTS_SHEET, VALIDATED_ROWS, create_ledger, sheet_names
from ledger.io.workbook import load_file, read_grids

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = REPO / "workbook_templates"
ALL_COLUMNS = [*CASE_COLUMNS, *TOOL_COLUMNS]
LETTER = {c.field: get_column_letter(i) for i, c in enumerate(ALL_COLUMNS, start=1)}
TOOL_NOTE = {"zh-Hans": "由工具生成,请勿手工填写", "zh-Hant": "由工具生成,請勿手工填寫", "en": "Written by the tool"}


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("templates")
    return {lang: create_ledger(folder / f"{lang}.xlsx", lang=lang) for lang in LANGUAGES}


def _case_sheet(path: Path, lang: str):
    book = openpyxl.load_workbook(path)
    return book, book[sheet_names(lang)["cases"]]


@pytest.mark.parametrize("preset", sorted(PRESETS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_new_ledger_reads_back_with_no_problems_and_its_settings(tmp_path, lang, preset):
    path = create_ledger(tmp_path / "台账.xlsx", preset=preset, lang=lang, office="阳光花园管理处")
    ledger = load_file(path)
    assert ledger.problems == []
    assert ledger.cases == []
    assert ledger.sheet == sheet_names(lang)["cases"]
    assert ledger.settings.language == lang
    assert ledger.settings.preset == preset
    assert ledger.settings.office == "阳光花园管理处"
    assert {k: r.model_dump() for k, r in ledger.settings.rules.items()} == {
        k: r.model_dump() for k, r in PRESETS[preset].items()
    }
    assert ledger.settings.satisfaction_target == 0.95


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sheets_are_named_in_the_language_with_the_lists_hidden(templates, lang):
    book = openpyxl.load_workbook(templates[lang])
    names = sheet_names(lang)
    assert book.sheetnames == [names[k] for k in ("cases", "callbacks", "stats", "settings", "log")] + [LISTS_SHEET]
    assert book[LISTS_SHEET].sheet_state == "hidden"
    assert [ws.sheet_state for ws in book.worksheets[:5]] == ["visible"] * 5
    assert book.active.title == names["cases"]


def _label(field: str, key: str, lang: str) -> str:
    column = next(c for c in CASE_COLUMNS if c.field == field)
    return column.vocabulary.label(key, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_rows_a_clerk_types_are_read_as_cases(templates, tmp_path, lang):
    book, ws = _case_sheet(templates[lang], lang)
    yes = {"en": "Yes"}.get(lang, "是")
    rows = [
        {
            "case_id": "0012",
            "received_on": dt.datetime(2026, 3, 2, 9, 30),
            "channel": _label("channel", "phone", lang),
            "category": _label("category", "complaint", lang),
            "unit": "3栋2单元1101",
            "customer": "王女士",
            "phone": "01088886666",
            "description": "楼道灯不亮",
            "aspect": _label("aspect", "设备管理", lang),
            "responsibility": _label("responsibility", "type1", lang),
            "severity": _label("severity", "hot", lang),
            "complainants": 3,
            "lawsuit_or_media": yes,
            "first_response_at": dt.datetime(2026, 3, 2, 15, 0),
            "completed_on": dt.date(2026, 3, 4),
            "callback_on": dt.date(2026, 3, 5),
            "callback_method": _label("callback_method", "on_site", lang),
            "callback_by": "李",
            "callback_attempts": 1,
            "satisfaction": _label("satisfaction", "fairly_satisfied", lang),
        },
        {
            "case_id": "R-2026-031",
            "received_on": dt.date(2026, 3, 3),
            "category": _label("category", "repair", lang),
            "unit": "5栋101",
            "no_callback_reason": _label("no_callback_reason", "declined", lang),
        },
    ]
    for r, values in enumerate(rows, start=2):
        for field, value in values.items():
            ws[f"{LETTER[field]}{r}"] = value
    path = tmp_path / "typed.xlsx"
    book.save(path)

    ledger = load_file(path)
    assert ledger.problems == []
    first, second = ledger.cases
    assert (first.row, first.case_id, first.category, first.channel) == (2, "0012", "complaint", "phone")
    assert (first.phone, first.aspect, first.responsibility, first.severity) == (
        "01088886666",
        "设备管理",
        "type1",
        "hot",
    )
    assert (first.complainants, first.lawsuit_or_media, first.callback_attempts) == (3, True, 1)
    assert first.received_at == dt.datetime(2026, 3, 2, 9, 30)
    assert first.completed_on == dt.date(2026, 3, 4)
    assert (first.callback_method, first.satisfaction) == ("on_site", "fairly_satisfied")
    assert (second.row, second.case_id, second.category, second.no_callback_reason) == (
        3,
        "R-2026-031",
        "repair",
        "declined",
    )


def _resolve(book, formula: str) -> list[str]:
    sheet, ref = formula.lstrip("=").rsplit("!", 1)
    ws = book[sheet.strip("'")]
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    return [ws.cell(row=r, column=c).value for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_enum_column_has_a_dropdown_of_its_labels(templates, lang):
    book, ws = _case_sheet(templates[lang], lang)
    by_range = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    enum_columns = [c for c in CASE_COLUMNS if c.vocabulary is not None]
    assert len(enum_columns) == 9  # + 再回访满意度 (issue 16)
    for column in enum_columns:
        letter = LETTER[column.field]
        dv = by_range[f"{letter}2:{letter}{VALIDATED_ROWS}"]
        assert dv.type == "list"
        assert dv.allow_blank
        assert _resolve(book, dv.formula1) == column.vocabulary.labels(lang), column.field
    yes_no = by_range[f"{LETTER['lawsuit_or_media']}2:{LETTER['lawsuit_or_media']}{VALIDATED_ROWS}"]
    values = _resolve(book, yes_no.formula1)
    assert all(vocab.fold(v) in vocab.BOOLEAN_TRUE | vocab.BOOLEAN_FALSE for v in values)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_count_columns_take_whole_numbers(templates, lang):
    _, ws = _case_sheet(templates[lang], lang)
    by_range = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    complainants = by_range[f"{LETTER['complainants']}2:{LETTER['complainants']}{VALIDATED_ROWS}"]
    attempts = by_range[f"{LETTER['callback_attempts']}2:{LETTER['callback_attempts']}{VALIDATED_ROWS}"]
    assert (complainants.type, complainants.operator, complainants.formula1) == ("whole", "greaterThanOrEqual", "1")
    assert (attempts.type, attempts.formula1) == ("whole", "0")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lists_sheet_is_never_taken_for_a_case_header(templates, lang):
    grids = read_grids(templates[lang])
    assert find_header(LISTS_SHEET, grids[LISTS_SHEET], {}) is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_case_sheet_has_header_table_frozen_panes_and_print_setup(templates, lang):
    _, ws = _case_sheet(templates[lang], lang)
    labels = [c.label(lang) for c in ALL_COLUMNS]
    assert [cell.value for cell in ws[1]] == labels
    assert ws.freeze_panes == "B2"
    (table,) = ws.tables.values()
    assert table.ref == f"A1:{get_column_letter(len(ALL_COLUMNS))}2"
    assert table.headerRowCount == 1
    assert [col.name for col in table.tableColumns] == labels
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_options.gridLines


@pytest.mark.parametrize("lang", LANGUAGES)
def test_tool_columns_are_marked_and_commented(templates, lang):
    _, ws = _case_sheet(templates[lang], lang)
    clerk_fills = {ws[f"{LETTER[c.field]}1"].fill.fgColor.rgb for c in CASE_COLUMNS}
    tool_fills = {ws[f"{LETTER[c.field]}1"].fill.fgColor.rgb for c in TOOL_COLUMNS}
    assert len(clerk_fills) == len(tool_fills) == 1 and clerk_fills != tool_fills
    for column in TOOL_COLUMNS:
        comment = ws[f"{LETTER[column.field]}1"].comment
        assert comment is not None and TOOL_NOTE[lang] in comment.text
    for column in CASE_COLUMNS:
        comment = ws[f"{LETTER[column.field]}1"].comment
        assert comment is None or TOOL_NOTE[lang] not in comment.text
        assert (comment is not None) == column.required
        assert ws[f"{LETTER[column.field]}1"].font.b


@pytest.mark.parametrize("lang", LANGUAGES)
def test_columns_carry_date_and_text_formats(templates, lang):
    _, ws = _case_sheet(templates[lang], lang)
    expected = {
        "case_id": "@",
        "phone": "@",
        "received_on": "yyyy-mm-dd hh:mm",
        "first_response_at": "yyyy-mm-dd hh:mm",
        "completed_on": "yyyy-mm-dd",
        "callback_on": "yyyy-mm-dd",
        "window_start": "yyyy-mm-dd",
        "window_due": "yyyy-mm-dd",
        "description": "General",
    }
    for field, fmt in expected.items():
        assert ws.column_dimensions[LETTER[field]].number_format == fmt, field
    widths = [ws.column_dimensions[get_column_letter(i)].width for i in range(1, len(ALL_COLUMNS) + 1)]
    assert all(8 <= w <= 48 for w in widths)
    assert ws.column_dimensions[LETTER["description"]].width > ws.column_dimensions[LETTER["category"]].width


@pytest.mark.parametrize("lang", LANGUAGES)
def test_settings_sheet_has_bold_sections_and_a_wide_key_column(templates, lang):
    book = openpyxl.load_workbook(templates[lang])
    ws = book[sheet_names(lang)["settings"]]
    sections = [row[0] for row in ws.iter_rows() if isinstance(row[0].value, str) and row[0].value.startswith("【")]
    assert len(sections) == 4
    assert all(cell.font.b for cell in sections)
    assert ws["A1"].font.b
    assert ws.column_dimensions["A"].width >= 25
    assert ws.freeze_panes == "A2"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_log_sheet_has_its_header_frozen(templates, lang):
    book = openpyxl.load_workbook(templates[lang])
    ws = book[sheet_names(lang)["log"]]
    assert [c.value for c in ws[1]] == LOG_HEADERS[lang]
    assert ws.freeze_panes == "A2"
    for role in ("callbacks", "stats"):
        title = book[sheet_names(lang)[role]]["A1"]
        assert title.value and title.font.b


def test_existing_file_is_refused_then_replaced_only_with_overwrite(tmp_path):
    path = tmp_path / "台账.xlsx"
    create_ledger(path, lang="en")
    book = openpyxl.load_workbook(path)
    book["Cases"]["A2"] = "KEEP-1"
    book.save(path)
    before = path.read_bytes()

    with pytest.raises(FileExistsError) as refused:
        create_ledger(path)
    assert str(refused.value) == text("template.exists", "zh-Hans", path=str(path))
    assert "--force" in str(refused.value)
    assert path.read_bytes() == before

    create_ledger(path, overwrite=True)
    assert load_file(path).cases == []
    (backup,) = (tmp_path / ".ledger_backups").iterdir()
    assert backup.read_bytes() == before


def test_only_xlsx_and_known_presets_are_created(tmp_path):
    with pytest.raises(ValueError, match=r"\.xlsx"):
        create_ledger(tmp_path / "ledger.xlsm")
    with pytest.raises(ValueError, match="residential"):
        create_ledger(tmp_path / "ledger.xlsx", preset="industrial")
    assert list(tmp_path.iterdir()) == []


def test_new_ledger_is_created_in_missing_folders_with_the_usual_file_mode(tmp_path):
    path = create_ledger(tmp_path / "2026" / "阳光花园" / "台账.xlsx")
    assert path.is_file()
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask


def _build_module():
    spec = importlib.util.spec_from_file_location("templates_build", TEMPLATES / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def test_committed_templates_are_what_build_produces_and_stay_small(tmp_path):
    build = _build_module()
    fresh = build.build(tmp_path)
    again = build.build(tmp_path / "again")
    for path, repeat in zip(fresh, again):
        committed = TEMPLATES / path.name
        assert path.read_bytes() == repeat.read_bytes()
        assert _members(committed) == _members(path), f"{committed.name} is stale: run workbook_templates/build.py"
        assert committed.stat().st_size < 100 * 1024
        assert load_file(committed).problems == []


def _convert(soffice: str, source: Path, target_format: str, outdir: Path, profile: Path) -> None:
    result = subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            target_format,
            "--outdir",
            str(outdir),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", LANGUAGES)
def test_libreoffice_opens_the_template_and_keeps_it_usable(templates, tmp_path, lang, soffice):
    profile = tmp_path / "profile"
    # UTF-8 (76), first sheet only: the case sheet's header row as LibreOffice sees it.
    _convert(soffice, templates[lang], "csv:Text - txt - csv (StarCalc):44,34,76,1", tmp_path / "csv", profile)
    (exported,) = (tmp_path / "csv").glob("*.csv")
    with exported.open(encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header == [c.label(lang) for c in ALL_COLUMNS]

    # A clerk on LibreOffice/WPS saves the workbook again: it must still load, dropdowns intact.
    _convert(soffice, templates[lang], "xlsx:Calc MS Excel 2007 XML", tmp_path / "resaved", profile)
    (resaved,) = (tmp_path / "resaved").glob("*.xlsx")
    ledger = load_file(resaved)
    assert ledger.problems == [] and ledger.cases == []
    book, ws = _case_sheet(resaved, lang)
    category = LETTER["category"]
    dvs = [dv for dv in ws.data_validations.dataValidation if f"{category}2" in dv.sqref]
    assert dvs and _resolve(book, dvs[0].formula1) == vocab.CATEGORIES.labels(lang)


def test_head_office_addresses_split_on_the_separators_clerks_type():
    from ledger.core.settings import _addresses

    typed = "hq@group.cn；qa@group.cn，boss@group.cn、 ops@group.cn; x@y.cn , z@y.cn"
    assert _addresses(typed) == ["hq@group.cn", "qa@group.cn", "boss@group.cn", "ops@group.cn", "x@y.cn", "z@y.cn"]
