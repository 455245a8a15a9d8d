"""A small file that asks for a lot of memory: a header row, then rows of distinct junk strings.

Written straight as a minimal .xlsx package (no openpyxl, so a million rows take seconds). The sheet
XML is very repetitive (cells without their optional `r=` references), so 300,000 rows of
24 columns pack into about 2 MB: the guards accept it (no member beyond their ratio or size limits),
yet every cell is a problem to report.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _letters(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def write_junk_ledger(
    path: Path, rows: int, headers: list[str], *, sheet: str = "案件台账", every_cell_distinct: bool = False
) -> Path:
    """`headers` in row 1, then `rows` rows of junk text: each column its own string (every cell
    unreadable for its column), or with `every_cell_distinct` a different string in every cell."""
    letters = [_letters(i + 1) for i in range(len(headers))]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK.format(sheet=sheet))
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            head = "".join(f'<c r="{col}1" t="inlineStr"><is><t>{h}</t></is></c>' for col, h in zip(letters, headers))
            out.write(f'<row r="1">{head}</row>'.encode())
            batch: list[str] = []
            tag = (lambda r: f"j{r}") if every_cell_distinct else (lambda r: "junk")
            for r in range(2, rows + 2):
                cells = "".join(f'<c t="inlineStr"><is><t>{tag(r)}{col}</t></is></c>' for col in letters)
                batch.append(f'<row r="{r}">{cells}</row>')
                if len(batch) == 2000:
                    out.write("".join(batch).encode())
                    batch.clear()
            out.write("".join(batch).encode())
            out.write(b"</sheetData></worksheet>")
    return path
