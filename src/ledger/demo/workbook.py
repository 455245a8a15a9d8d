"""Demo and benchmark ledgers written as .xlsx files: case sheet, Settings sheet, empty Log sheet.

`write_ledger` serialises the SpreadsheetML itself instead of going through
openpyxl: openpyxl's write-only mode needs ~5 s per 10k case rows here (its
per-cell XML serialisation), far too slow for the 300k-row benchmarks; this
writer does 100k rows in ~3 s. It emits only the standard parts Excel itself
writes (shared strings, styled date serials, a <dimension>, a frozen header);
tests open the result with python-calamine, openpyxl and LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ledger.core.columns import CASE_COLUMNS
from ledger.core.i18n import normalize_language, register, text
from ledger.core.reading import CASE_SHEET_NAMES
from ledger.core.settings import SETTINGS_SHEET, Settings, settings_grid
from ledger.demo.cases import FIELDS, LOG_SHEET, demo_settings
from ledger.io.cell_xml import escape_text, serial
from ledger.io.template import CASE_TABLE, DATE_FORMAT, DATETIME_FORMAT, build_workbook
from ledger.sheets.cellrefs import col_letter

register(
    {
        "demo.ledger_title": {
            "zh-Hans": "{office} 案件台账",
            "zh-Hant": "{office} 案件台賬",
            "en": "{office} case ledger",
        },
        "demo.ledger_subtitle": {"zh-Hans": "制表人：{clerk}", "zh-Hant": "製表人：{clerk}", "en": "Kept by: {clerk}"},
    }
)
_WIDTHS = {
    "case_id": 16,
    "received_on": 17,
    "unit": 16,
    "description": 36,
    "first_response_at": 17,
    "completed_on": 12,
    "callback_on": 12,
    "callback_notes": 28,
    "no_callback_reason": 14,
}


def write_demo_ledger(
    path: str | Path, cases: list[dict[str, Any]], *, lang: str = "zh-Hans", settings: Settings | None = None
) -> Path:
    """The demo ledger as a clerk starts one: `ledger init`'s template (dropdowns, frozen header, print
    setup, the case table) with the demo's settings and cases filled in. For the demo's few hundred rows;
    write_ledger streams the large benchmark ledgers."""
    path = Path(path)
    lang = normalize_language(lang)
    settings = settings or demo_settings(lang)
    book = build_workbook(lang=lang, settings=settings)
    ws = book[CASE_SHEET_NAMES.get(lang, CASE_SHEET_NAMES["zh-Hans"])]
    for r, case in enumerate(cases, start=2):
        for c, field_name in enumerate(FIELDS, start=1):
            value = case.get(field_name)
            if value is None or value == "":
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, dt.datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
    table = ws.tables[CASE_TABLE]
    last = table.ref.split(":")[1].rstrip("0123456789")
    table.ref = f"A1:{last}{max(len(cases) + 1, 2)}"
    if table.autoFilter is not None:
        table.autoFilter.ref = table.ref
    book.save(path)
    return path


def write_ledger(
    path: str | Path,
    cases: Iterable[dict[str, Any]],
    *,
    lang: str = "zh-Hans",
    settings: Settings | None = None,
    title_rows: int = 0,
) -> Path:
    """Write cases to a new .xlsx ledger: case sheet, Settings sheet, empty Log sheet."""
    path = Path(path)
    lang = normalize_language(lang)
    settings = settings or demo_settings(lang)
    header = [c.label(lang) for c in CASE_COLUMNS]
    top: list[list[Any]] = []
    if title_rows:
        clerks = settings.staff_for("clerk") or [""]
        top = [
            [text("demo.ledger_title", lang, office=settings.office)],
            [text("demo.ledger_subtitle", lang, clerk=clerks[0])],
        ][:title_rows]
        top += [[] for _ in range(title_rows - len(top))]

    cases = cases if isinstance(cases, list) else list(cases)

    def case_rows() -> Iterable[list[Any]]:
        yield from top
        yield header
        for case in cases:
            yield [case.get(f) for f in FIELDS]

    book = _XlsxWriter(path)
    try:
        book.sheet(
            CASE_SHEET_NAMES.get(lang, CASE_SHEET_NAMES["zh-Hans"]),
            case_rows(),
            size=(title_rows + 1 + len(cases), len(FIELDS)),
            header_row=title_rows + 1,
            title_rows=min(title_rows, 1),
            widths=[_WIDTHS.get(f, 10) for f in FIELDS],
        )
        grid = settings_grid(settings, lang)
        book.sheet(
            SETTINGS_SHEET.get(lang, SETTINGS_SHEET["zh-Hans"]),
            grid,
            size=(len(grid), max(map(len, grid))),
            header_row=1,
            widths=[30, 40, 18, 12, 12],
            freeze=False,
        )
        book.sheet(LOG_SHEET.get(lang, LOG_SHEET["zh-Hans"]), [], size=(0, 0), widths=[])
        book.close()
    except BaseException:
        book.zip.close()
        path.unlink(missing_ok=True)  # no half-written ledger left behind
        raise
    return path


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_STYLES = (
    f'<styleSheet xmlns="{_MAIN}"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_STYLE_DATE, _STYLE_DATETIME, _STYLE_HEADER, _STYLE_TITLE = 1, 2, 3, 4
_FIXED_TIME = (2026, 1, 1, 0, 0, 0)  # zip entry times: the same cases give the same bytes


class _XlsxWriter:
    """A minimal SpreadsheetML package: shared strings, dates as styled serials, frozen header.

    Sheets stream straight into the zip; shared strings and the workbook parts
    are written on close, once every sheet is known.
    """

    def __init__(self, path: Path):
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.strings: dict[str, int] = {}
        self.string_refs = 0
        self.names: list[str] = []

    def sheet(
        self,
        name: str,
        rows: Iterable[list[Any]],
        *,
        size: tuple[int, int],
        header_row: int | None = None,
        title_rows: int = 0,
        widths: list[float],
        freeze: bool = True,
    ) -> None:
        """Stream one worksheet; `size` (rows, columns) goes into <dimension> so readers need not scan it."""
        self.names.append(name)
        letters = [col_letter(c) for c in range(1, max(len(widths), size[1], 1) + 1)]
        dimension = f"A1:{letters[size[1] - 1]}{size[0]}" if size[0] and size[1] else "A1"
        strings = self.strings
        selected = ' tabSelected="1"' if len(self.names) == 1 else ""
        views = f'<sheetView workbookViewId="0"{selected}/>'
        if freeze and header_row:
            views = (
                f'<sheetView workbookViewId="0"{selected}>'
                f'<pane ySplit="{header_row}" topLeftCell="A{header_row + 1}" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft"/></sheetView>'
            )
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1))
        info = zipfile.ZipInfo(f"xl/worksheets/sheet{len(self.names)}.xml", _FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        refs = 0
        with self.zip.open(info, "w", force_zip64=True) as out:
            out.write(
                (
                    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}" '
                    f'xmlns:r="{_REL}"><dimension ref="{dimension}"/><sheetViews>{views}</sheetViews><sheetFormatPr defaultRowHeight="15"/>'
                    + (f"<cols>{cols}</cols>" if cols else "")
                    + "<sheetData>"
                ).encode("utf-8")
            )
            batch: list[str] = []
            for r, row in enumerate(rows, 1):
                style = _STYLE_TITLE if r <= title_rows else _STYLE_HEADER if r == header_row else 0
                text_style = f' s="{style}"' if style else ""
                cells = []
                for c, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    ref = f"{letters[c]}{r}"
                    kind = type(value)
                    if kind is dt.datetime:
                        cells.append(f'<c r="{ref}" s="{_STYLE_DATETIME}"><v>{serial(value, False)!r}</v></c>')
                    elif kind is dt.date:
                        cells.append(f'<c r="{ref}" s="{_STYLE_DATE}"><v>{serial(value, False)}</v></c>')
                    elif kind is bool:
                        cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
                    elif kind is int or kind is float:
                        cells.append(f'<c r="{ref}"><v>{value!r}</v></c>')
                    else:
                        text = value if kind is str else str(value)
                        index = strings.get(text)
                        if index is None:
                            index = strings[text] = len(strings)
                        refs += 1
                        cells.append(f'<c r="{ref}" t="s"{text_style}><v>{index}</v></c>')
                if cells:
                    batch.append(f'<row r="{r}">{"".join(cells)}</row>')
                if len(batch) >= 2000:
                    out.write("".join(batch).encode("utf-8"))
                    batch.clear()
            batch.append("</sheetData></worksheet>")
            out.write("".join(batch).encode("utf-8"))
        self.string_refs += refs

    def close(self) -> None:
        n = len(self.names)
        sheets_xml = "".join(
            f'<sheet name="{escape_text(name).replace(chr(34), "&quot;")}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(self.names, 1)
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        rels += (
            f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
        )
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
            for i in range(1, n + 1)
        )
        head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        sst = [f'{head}<sst xmlns="{_MAIN}" count="{self.string_refs}" uniqueCount="{len(self.strings)}">']
        sst.extend(f'<si><t xml:space="preserve">{escape_text(s)}</t></si>' for s in self.strings)
        sst.append("</sst>")
        members = {
            "[Content_Types].xml": (
                f'{head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>{overrides}'
                f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
                f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
                '<Override PartName="/docProps/app.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>'
            ),
            "_rels/.rels": (
                f'{head}<Relationships xmlns="{_PKG_REL}">'
                f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
                f'<Relationship Id="rId2" Type="{_REL}/extended-properties" Target="docProps/app.xml"/></Relationships>'
            ),
            "docProps/app.xml": (
                f'{head}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                "<Application>ledger</Application></Properties>"
            ),
            "xl/workbook.xml": (
                f'{head}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView activeTab="0"/></bookViews>'
                f"<sheets>{sheets_xml}</sheets></workbook>"
            ),
            "xl/_rels/workbook.xml.rels": f'{head}<Relationships xmlns="{_PKG_REL}">{rels}</Relationships>',
            "xl/styles.xml": head + _STYLES,
            "xl/sharedStrings.xml": "".join(sst),
        }
        with self.zip as zf:
            for name, text in members.items():
                zf.writestr(zipfile.ZipInfo(name, _FIXED_TIME), text.encode("utf-8"), zipfile.ZIP_DEFLATED)
