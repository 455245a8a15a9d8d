"""The tool-owned columns of the case sheet, written by streaming the sheet once.

The case sheet is the clerk's: of it the tool rewrites only its own columns (at
the right, yellow headers) and, through io.highlights, the colours of cells with
problems. `CaseSheetPatcher` reads the worksheet part row by row, places the
tool columns (where the reader found them, else after the last used column) and
writes each row's new cells when the stream reaches that row; rows whose cells
all lie left of the tool columns take a fast path of byte searches.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ledger.io.cell_xml import cell_xml, default_format
from ledger.io.highlights import replace_highlights
from ledger.io.receipt import WriteReceipt
from ledger.io.sheet_stream import (
    REF,
    ROW_STYLE,
    BatchWriter,
    CellSplitter,
    SheetStream,
    cell_style,
    cell_text,
    ensure_ref,
    fix_spans,
    patch_head,
    row_number,
    row_tag,
    set_cell_style,
    shared_strings,
)
from ledger.io.styles_part import _Styles
from ledger.io.xlsx_parts import _Book, _Package
from ledger.sheets.cellrefs import col_letter, col_number


@dataclass
class CellWrite:
    value: Any
    number_format: str | None = None
    fill: str | None = None  # "RRGGBB"
    bold: bool = False
    font_color: str | None = None  # "RRGGBB"


@dataclass
class ColumnPatch:
    header: str
    # excel row -> a CellWrite, or a plain value (written with its type's default format; None = blank);
    # rows below the header not in the dict are cleared
    cells: dict[int, Any]
    header_fill: str = "FFE699"
    width: float | None = None
    # 1-based column where the reader found this column (by field, in any language); None: look for
    # `header` in the header row, else append the column after the last used one
    column: int | None = None


@dataclass
class CaseSheetPatch:
    sheet: str
    header_row: int
    columns: list[ColumnPatch]
    cell_fills: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col 1-based) -> "RRGGBB"
    # Highlights drawn by one conditional-formatting block the tool owns: each run replaces
    # the previous block, so a corrected cell loses its colour and clerk styles are never touched.
    highlights: dict[tuple[int, int], str] | None = None
    # Single clerk cells set by `ledger record` (row, col 1-based) -> value (None clears the cell); the
    # cell keeps its style (a date gets the date format). Every other clerk cell is copied untouched.
    cells: dict[tuple[int, int], Any] = field(default_factory=dict)


def _norm_header(s: str) -> str:
    return unicodedata.normalize("NFKC", s).strip().casefold()


class CaseSheetPatcher:
    """One streamed pass over the case sheet that writes a CaseSheetPatch (see the module docstring)."""

    def __init__(self, pkg: _Package, book: _Book, styles: _Styles, patch: CaseSheetPatch, receipt: WriteReceipt):
        self.pkg, self.book, self.styles, self.patch, self.receipt = pkg, book, styles, patch, receipt
        self.style_of: dict[tuple, int] = {}
        self.pieces: dict[tuple, list[str] | None] = {}  # a cell's XML around its reference, per (value, style)

    def run(self) -> None:
        ref = self.book.find(self.patch.sheet)
        if ref is None:
            raise KeyError(f"no sheet named {self.patch.sheet!r}")
        with self.pkg.open(ref.part) as src:
            stream = self.stream = SheetStream(src)
            self.prefix = stream.prefix.decode()
            self.splitter = CellSplitter(stream.prefix)
            rows = stream.rows()
            buffered, header_cells = self._read_to_header(rows)
            dim = re.search(rb"<" + re.escape(stream.prefix) + rb'dimension\s+ref="([^"]*)"', stream.head)
            dim_max_col = dim_max_row = 0
            if dim:
                for letters, num in REF.findall(dim.group(1).decode()):
                    dim_max_col = max(dim_max_col, col_number(letters))
                    dim_max_row = max(dim_max_row, int(num))
            self._place_columns(header_cells, max([dim_max_col] + [c for c, _ in header_cells]))
            self._plan_rows()
            max_row = max([dim_max_row] + self.pending[-1:])
            widths = {c: cp.width for c, cp in self.tool_cols.items() if cp.width}
            with self.pkg.new_file(ref.part) as out_file:
                out = self.out = BatchWriter(out_file)
                out.write(patch_head(stream.head, stream.prefix, dim, max(dim_max_col, self.max_tool), max_row, widths))
                out.write(stream.open_tag[:-2] + b">" if stream.empty else stream.open_tag)
                self.pi = 0
                prev = 0
                for r, row in buffered:
                    self._handle(r, row)
                    prev = r
                for row in rows:
                    prev = row_number(row, prev)
                    self._handle(prev, row)
                self._synth(1 << 31)
                if stream.empty:
                    out.write(b"</" + stream.prefix + b"sheetData>")
                out.flush()
                if self.patch.highlights is None:
                    stream.copy_rest(out_file)
                else:
                    rest = stream.tail + stream.f.read()
                    out_file.write(replace_highlights(rest, self.patch.highlights, self.styles, stream.prefix))

    # ------------------------------------------------------------------ where the tool columns go

    def _read_to_header(self, rows) -> tuple[list[tuple[int, bytes]], list[tuple[int, bytes]]]:
        """The rows up to the header row (kept to be written later), and the header row's cells."""
        buffered: list[tuple[int, bytes]] = []
        header_cells: list[tuple[int, bytes]] = []
        prev = 0
        for row in rows:
            prev = row_number(row, prev)
            buffered.append((prev, row))
            if prev == self.patch.header_row:
                header_cells = self.splitter.cells(row)[1]
            if prev >= self.patch.header_row:
                break
        return buffered, header_cells

    def _header_columns(self, header_cells: list[tuple[int, bytes]]) -> dict[str, int]:
        """Normalised header text -> its first column, for patches that give no column."""
        wanted = set()
        for _, c in header_cells:
            if re.search(rb'\st="s"', c[: c.index(b">")]):
                vm = re.search(rb"<(?:[\w.-]+:)?v>(\d+)</", c)
                if vm:
                    wanted.add(int(vm.group(1)))
        shared = shared_strings(self.pkg, self.book, wanted)
        existing: dict[str, int] = {}
        for col, c in header_cells:
            existing.setdefault(_norm_header(cell_text(c, shared)), col)
        return existing

    def _place_columns(self, header_cells: list[tuple[int, bytes]], last_col: int) -> None:
        existing = self._header_columns(header_cells)
        tool_cols: dict[int, ColumnPatch] = {}
        for cp in self.patch.columns:
            col = cp.column if cp.column is not None else existing.get(_norm_header(cp.header))
            if col is None or col in tool_cols:
                last_col += 1
                col = last_col
            tool_cols[col] = cp
            self.receipt.case_columns[cp.header] = col_letter(col)
        self.tool_cols = tool_cols
        self.min_tool = min(tool_cols) if tool_cols else 1 << 30
        self.max_tool = max(tool_cols) if tool_cols else 0
        # tool columns side by side: a row's cells from the first tool cell on are all tool cells
        # when its last cell is not right of them (checked with byte searches, no cell parsing)
        self.contiguous = bool(tool_cols) and self.max_tool - self.min_tool + 1 == len(tool_cols)
        prefix = self.stream.prefix
        self.cell_open = b"<" + prefix + b"c "
        self.ref_open = b"<" + prefix + b'c r="'
        self.tool_opens = [self.ref_open + col_letter(c).encode() for c in sorted(tool_cols)]

    def _plan_rows(self) -> None:
        """The new header cells, each column's cells in order, and the rows that get cells or fills."""
        patch, tool_cols = self.patch, self.tool_cols
        # (column, letter, cells, the column's XML pieces per text or date value), in column order
        self.ordered = [(col, col_letter(col), cp.cells, {}) for col, cp in sorted(tool_cols.items())]
        self.header_cells = []
        for col, letter, _, _ in self.ordered:
            cp = tool_cols[col]
            parts = self._around(CellWrite(cp.header, fill=cp.header_fill, bold=True))
            if parts:
                self.header_cells.append((col, f"{parts[0]}{letter}{patch.header_row}{parts[1]}"))
        written_rows = {patch.header_row} | {
            r for cp in tool_cols.values() for r, v in cp.cells.items() if r > patch.header_row and v is not None
        }
        self.fills_by_row: dict[int, dict[int, str]] = {}
        for (r, c), color in patch.cell_fills.items():
            self.fills_by_row.setdefault(r, {})[c] = color
        self.points_by_row: dict[int, dict[int, Any]] = {}
        for (r, c), value in patch.cells.items():
            self.points_by_row.setdefault(r, {})[c] = value
        self.pending = sorted(written_rows | set(self.fills_by_row) | set(self.points_by_row))

    # ------------------------------------------------------------------ the new cells

    def _around(self, cw: Any) -> list[str] | None:
        """A cell's XML before and after its reference (None: nothing to write)."""
        if isinstance(cw, CellWrite):
            value = cw.value
            key = (cw.number_format or default_format(value), cw.fill, cw.bold, cw.font_color)
        else:
            value = cw
            key = (default_format(value), None, False, None)
        s = self.style_of.get(key)
        if s is None:
            s = self.style_of[key] = self.styles.xf_for(*key) if any(key) else 0
        key = (type(value), value, s)
        try:
            found = self.pieces.get(key, False)
        except TypeError:  # an unhashable value
            key, found = None, False
        if found is False:
            xml = cell_xml(self.prefix, "\0", value, s, self.book.date1904)
            found = xml.split("\0", 1) if xml else None
            if key is not None:
                self.pieces[key] = found
        return found

    def _new_cells(self, r: int) -> list[tuple[int, str]]:
        if r <= self.patch.header_row:
            return self.header_cells if r == self.patch.header_row else []
        out = []
        for col, letter, cells, known in self.ordered:
            value = cells.get(r)
            if value is None:
                continue
            kind = type(value)
            if kind is str or kind is date:  # the common values, never equal to another type's
                parts = known.get(value)
                if parts is None:
                    parts = known[value] = self._around(value) or ()
            else:
                parts = self._around(value)
            if parts:
                out.append((col, f"{parts[0]}{letter}{r}{parts[1]}"))
        return out

    # ------------------------------------------------------------------ rows

    def _synth(self, upto: int) -> None:
        """Rows that get cells or fills but are missing from the sheet, up to row `upto` (excluded)."""
        pending, prefix = self.pending, self.stream.prefix
        while self.pi < len(pending) and pending[self.pi] < upto:
            r = pending[self.pi]
            tag = b'<%srow r="%d">' % (prefix, r)
            self.out.write(
                rewrite_row(
                    tag,
                    [],
                    b"</" + prefix + b"row>",
                    r,
                    self._new_cells(r) + self._point_cells([], r),
                    self.fills_by_row.get(r),
                    self.tool_cols,
                    self.patch.header_row,
                    self.styles,
                    self.prefix,
                )
            )
            self.pi += 1

    def _handle(self, r: int, row: bytes) -> None:
        self._synth(r)
        if self.pi < len(self.pending) and self.pending[self.pi] == r:
            self.pi += 1
        new = self._new_cells(r)
        fills = self.fills_by_row.get(r)
        if r in self.points_by_row:  # the general path, the clerk cells being set treated as replaced
            tag, cells, end = self.splitter.cells(row)
            points = self.points_by_row[r]
            new = new + self._point_cells(cells, r)
            kept = [(c, x) for c, x in cells if c not in points]
            self.out.write(
                rewrite_row(
                    tag, kept, end, r, new, fills, self.tool_cols, self.patch.header_row, self.styles, self.prefix
                )
            )
            return
        if r < self.patch.header_row and not fills:
            self.out.write(row)
            return
        if not fills and self._fast_row(r, row, new):
            return
        tag, cells, end = self.splitter.cells(row)
        self.out.write(
            rewrite_row(tag, cells, end, r, new, fills, self.tool_cols, self.patch.header_row, self.styles, self.prefix)
        )

    def _point_cells(self, cells: list[tuple[int, bytes]], r: int) -> list[tuple[int, str]]:
        """New XML of the clerk cells `ledger record` sets in row r, each keeping its old cell's style."""
        old = dict(cells)
        out = []
        for col, value in sorted(self.points_by_row.get(r, {}).items()):
            s = cell_style(old[col]) if col in old else 0
            if isinstance(value, (date, datetime)):
                s = self.styles.xf_for(default_format(value), None, False, None)
            xml = cell_xml(self.prefix, f"{col_letter(col)}{r}", value, s, self.book.date1904)
            if xml:
                out.append((col, xml))
        return out

    def _fast_row(self, r: int, row: bytes, new: list[tuple[int, str]]) -> bool:
        """Write a row without parsing its cells when they all lie left of (or are) tool cells."""
        out, max_tool = self.out, self.max_tool
        new_bytes = "".join(x for _, x in new).encode("utf-8")
        tag = row_tag(row)
        if tag.endswith(b"/>"):
            if new:
                out.write(
                    fix_spans(tag[:-2].rstrip() + b">", max_tool) + new_bytes + b"</" + self.stream.prefix + b"row>"
                )
            else:
                out.write(row)
            return True
        end = row.rindex(b"</")
        cut = self._contiguous_cut(r, row, end) if self.contiguous else None
        if cut is None:
            cut = self._tool_cells_cut(row, end)
        if cut is None:
            return False
        if cut == end and not new:
            out.write(row)
        else:
            out.write(fix_spans(tag, max_tool) + row[len(tag) : cut] + new_bytes + row[end:])
        return True

    def _contiguous_cut(self, r: int, row: bytes, end: int) -> int | None:
        """Where the old tool cells start (or `end`), when every cell has a reference and the last
        one is not right of the tool columns; None when this quick test cannot tell."""
        ref_open = self.ref_open
        if row.count(self.cell_open) != row.count(ref_open):
            return None
        last = row.rfind(ref_open, 0, end)
        last_col = 0
        if last >= 0:
            at = last + len(ref_open)
            stop = at
            while 65 <= row[stop] <= 90:
                stop += 1
            last_col = col_number(row[at:stop].decode())
        if last_col > self.max_tool:
            return None
        number = b'%d"' % r
        cut = end
        if last_col >= self.min_tool:
            for opener in self.tool_opens:
                i = row.find(opener + number)
                if 0 <= i < cut:
                    cut = i
        return cut if cut < end or last_col < self.min_tool else None

    def _tool_cells_cut(self, row: bytes, end: int) -> int | None:
        """Where the old tool cells start (or `end`) when every cell has a reference and the cells at
        or right of the first tool column are all tool cells; None otherwise."""
        starts = list(self.splitter.last_c.finditer(row))
        if self.splitter.count(row) != len(starts):
            return None
        cut = end
        for m in reversed(starts):
            col = col_number(m.group(1).decode())
            if col < self.min_tool:
                break
            if col not in self.tool_cols:
                return None
            cut = m.start()
        return cut


def rewrite_row(
    tag: bytes,
    cells: list[tuple[int, bytes]],
    end: bytes,
    r: int,
    new: list[tuple[int, str]],
    fills: dict[int, str] | None,
    tool_cols: dict,
    header_row: int,
    styles: _Styles,
    prefix: str,
) -> bytes:
    """The general path: drop old tool cells, recolour highlighted clerk cells, insert new cells."""
    managed = r >= header_row
    kept: list[tuple[int, bytes]] = []
    for col, c in cells:
        if managed and col in tool_cols:
            continue
        c = ensure_ref(c, f"{col_letter(col)}{r}")
        if fills and col in fills:
            c = set_cell_style(c, styles.with_fill(cell_style(c), fills[col]))
        kept.append((col, c))
    if fills:
        present = {col for col, _ in cells}
        rs = ROW_STYLE.search(tag)
        base = int(rs.group(1)) if rs and b"customFormat" in tag else 0
        for col, color in fills.items():
            if col not in present and col not in tool_cols:
                s = styles.with_fill(base, color)
                kept.append((col, f'<{prefix}c r="{col_letter(col)}{r}" s="{s}"/>'.encode()))
    kept.extend((col, x.encode("utf-8")) for col, x in new)
    kept.sort(key=lambda t: t[0])
    if kept:
        tag = fix_spans(tag, kept[-1][0])
    return tag + b"".join(c for _, c in kept) + end
