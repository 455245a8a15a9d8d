"""Write changes into the ledger by zip-package surgery, never by load-and-save.

Loading a clerk's workbook into openpyxl and saving it drops what openpyxl does
not model (shapes, form controls, pivot tables, slicers, VBA, ...) and takes
~40 s at 100k rows. Instead we treat the .xlsx/.xlsm as the zip package it is
(io.xlsx_parts): only the parts that change are rewritten and every other member
is copied byte for byte, compressed data included:
- the case sheet's tool columns, streamed row by row (io.case_sheet, io.highlights);
- the tool's generated sheets, written as worksheet XML (io.sheet_writer);
- the Log sheet, appended to, or created as a layout (here);
- styles.xml, workbook.xml, rels and content types, edited as text.

Known limits (documented for the callers):
- An Excel table (ListObject) on the case sheet is left as is; tool columns
  appended to its right are outside the table.
- xl/calcChain.xml (a cache) is dropped whenever a sheet changes; Excel rebuilds it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ledger.io.case_sheet import CaseSheetPatch, CaseSheetPatcher, CellWrite, ColumnPatch
from ledger.io.cell_xml import cell_xml, default_format
from ledger.io.guard import inspect_workbook
from ledger.io.receipt import WriteReceipt
from ledger.io.safe_write import atomic_replace
from ledger.io.sheet_stream import REF, SheetStream, patch_head, row_number
from ledger.io.sheet_writer import LookStyles, write_layout
from ledger.io.styles_part import _Styles
from ledger.io.xlsx_parts import _Book, _Package
from ledger.sheets.cellrefs import col_letter, col_number
from ledger.sheets.layout import SheetLayout

__all__ = ["CellWrite", "ColumnPatch", "CaseSheetPatch", "WriteReceipt", "save_changes"]


def save_changes(
    path: str | Path,
    *,
    layouts: list | tuple = (),
    replace: list[str] | tuple = (),
    case_patch: CaseSheetPatch | None = None,
    append_rows: dict[str, list[list[Any]]] | None = None,
    keep_backups: int = 10,
    out_path: str | Path | None = None,
    verify_fn: Callable[[Path], None] | None = None,
) -> WriteReceipt:
    """Apply the changes to the workbook at `path` (atomically, with a backup).

    `layouts`: sheets.layout.SheetLayout objects, each replacing the same-named ledger sheet (keeping its
    position) or added at the end, written straight as worksheet XML (io.sheet_writer). `replace`: names of
    ledger sheets to remove when no layout has that name (e.g. a stale callback list).
    `append_rows`: {sheet: [header, row, row, ...]}; the header (first list) is written
    only when the sheet is created or empty, the other rows go below the last row.
    `case_patch`: tool-owned columns of the case sheet, streamed (see CaseSheetPatch).
    `verify_fn(tmp_path)` runs after the built-in verification, before the swap.
    """
    started = time.perf_counter()
    path = Path(path)
    inspect_workbook(path)
    receipt = WriteReceipt(path=Path(out_path) if out_path else path, backup=None)

    def write(tmp: Path) -> None:
        with _Package(path) as pkg:
            _apply(pkg, receipt, list(layouts), list(replace), case_patch, append_rows or {})
            pkg.write(tmp)

    receipt.backup = atomic_replace(path, write, verify_fn, keep_backups, out_path=out_path)
    receipt.seconds = time.perf_counter() - started
    return receipt


def _apply(
    pkg: _Package,
    receipt: WriteReceipt,
    layouts: list,
    replace: list[str],
    case_patch: CaseSheetPatch | None,
    append_rows: dict[str, list[list[Any]]],
) -> None:
    written = {layout.name.casefold() for layout in layouts}
    if case_patch is not None and case_patch.sheet.casefold() in written:
        raise ValueError(f"sheet {case_patch.sheet!r} is both patched and replaced")
    styles = _Styles(pkg.read("xl/styles.xml")) if pkg.exists("xl/styles.xml") else None
    if styles is None:
        raise ValueError("workbook has no xl/styles.xml")
    book = _Book(pkg)
    changed_sheet = False
    if layouts:
        looks = LookStyles(styles)
        for layout in layouts:
            write_layout(pkg, book, styles, layout, receipt, looks)
        changed_sheet = True
    for name in replace:
        if name.casefold() in written:
            continue
        if book.find(name) is not None:
            book.remove_sheet(name)
            receipt.replaced_sheets.append(name)
            changed_sheet = True
    for sheet, rows in append_rows.items():
        if rows:
            _append_rows(pkg, book, styles, sheet, rows, receipt)
            changed_sheet = True
    if case_patch is not None:
        CaseSheetPatcher(pkg, book, styles, case_patch, receipt).run()
        changed_sheet = True
    if changed_sheet:
        book.drop_calc_chain()
    pkg.put("xl/styles.xml", styles.serialize())
    book.flush()


def _append_rows(
    pkg: _Package, book: _Book, styles: _Styles, sheet: str, rows: list[list[Any]], receipt: WriteReceipt
) -> None:
    ref = book.find(sheet)
    if ref is None:  # a new sheet: the header in bold (the "header" look), frozen below it
        layout = SheetLayout(name=sheet, freeze="A2", landscape=False)
        layout.add_row(rows[0], "header")
        layout.rows.extend(list(r) for r in rows[1:])
        write_layout(pkg, book, styles, layout, receipt)
        receipt.appended_rows[sheet] = len(rows) - 1
        return
    with pkg.open(ref.part) as src:
        stream = SheetStream(src)
        last = 0
        for row in stream.rows():
            last = row_number(row, last)
    prefix = stream.prefix.decode()
    header_written = last > 0
    if header_written:
        rows = rows[1:]
        if not rows:
            return
    new_xml = []
    max_col = 0
    for i, values in enumerate(rows, start=last + 1):
        cells = []
        for j, v in enumerate(values, start=1):
            fmt = default_format(v)
            s = styles.xf_for(fmt, None, False, None) if fmt else 0
            x = cell_xml(prefix, f"{col_letter(j)}{i}", v, s, book.date1904)
            if x:
                cells.append(x)
                max_col = max(max_col, j)
        new_xml.append(f'<{prefix}row r="{i}">' + "".join(cells) + f"</{prefix}row>")
    with pkg.open(ref.part) as src:
        stream = SheetStream(src)
        dim = re.search(rb"<" + re.escape(stream.prefix) + rb'dimension\s+ref="([^"]*)"', stream.head)
        dcol = max([0] + [col_number(a) for a, _ in REF.findall(dim.group(1).decode())]) if dim else 0
        out = pkg.new_file(ref.part)
        with out:
            out.write(patch_head(stream.head, stream.prefix, dim, max(dcol, max_col), last + len(rows), {}))
            out.write(stream.open_tag[:-2] + b">" if stream.empty else stream.open_tag)
            for row in stream.rows():
                out.write(row)
            out.write("".join(new_xml).encode("utf-8"))
            if stream.empty:
                out.write(b"</" + stream.prefix + b"sheetData>")
            stream.copy_rest(out)
    receipt.appended_rows[sheet] = len(rows) - (0 if header_written else 1)
