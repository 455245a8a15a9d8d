"""Write changes into the ledger by zip-package surgery, never by load-and-save.

Loading a clerk's workbook into openpyxl and saving it drops what openpyxl does
not model (shapes, form controls, pivot tables, slicers, VBA, ...) and takes
~40 s at 100k rows. Instead we treat the .xlsx/.xlsm as the zip package it is
(io.xlsx_parts): only the parts that change are rewritten (the case sheet
streamed row by row, tool-generated sheets written as worksheet XML by
io.sheet_writer or transplanted from a scratch openpyxl book, the log sheet
appended to, styles.xml/workbook.xml/rels/content types edited as text) and
every other member is copied byte for byte, compressed data included.

Known limits (documented for the callers):
- An Excel table (ListObject) on the case sheet is left as is; tool columns
  appended to its right are outside the table.
- xl/calcChain.xml (a cache) is dropped whenever a sheet changes; Excel rebuilds it.
- Tables inside transplanted scratch sheets are not supported (ids would clash).
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import shutil
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

from defusedxml import ElementTree as SafeET

from ledger.io.guard import inspect_workbook
from ledger.io.safe_write import atomic_replace
from ledger.io.styles_part import _E, _StyleImporter, _Styles
from ledger.io.xlsx_parts import (
    MAIN_NS,
    REL_NS,
    WS_CONTENT_TYPE,
    WS_REL_TYPE,
    _Book,
    _esc_attr,
    _fresh_name,
    _local,
    _Package,
    _rels_xml,
    _root_prefix,
    _SheetRef,
    relative_target,
    rels_path,
    remove_part_tree,
    resolve_target,
)
from ledger.sheets.cellrefs import col_letter, col_number, runs

__all__ = ["CellWrite", "ColumnPatch", "CaseSheetPatch", "WriteReceipt", "save_changes"]


DEFAULT_DATE_FORMAT = "yyyy-mm-dd"
DEFAULT_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MAX_CELL_TEXT = 32767
CHUNK = 1 << 20


# --------------------------------------------------------------------------- public API


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


@dataclass
class WriteReceipt:
    path: Path
    backup: Path | None
    replaced_sheets: list[str] = field(default_factory=list)
    added_sheets: list[str] = field(default_factory=list)
    case_columns: dict[str, str] = field(default_factory=dict)  # header -> column letter
    appended_rows: dict[str, int] = field(default_factory=dict)
    removed_parts: list[str] = field(default_factory=list)
    seconds: float = 0.0


def save_changes(
    path: str | Path,
    *,
    new_sheets: Any = None,
    layouts: list | tuple = (),
    replace: list[str] | tuple = (),
    case_patch: CaseSheetPatch | None = None,
    append_rows: dict[str, list[list[Any]]] | None = None,
    keep_backups: int = 10,
    out_path: str | Path | None = None,
    verify_fn: Callable[[Path], None] | None = None,
) -> WriteReceipt:
    """Apply the changes to the workbook at `path` (atomically, with a backup).

    `new_sheets`: an openpyxl Workbook whose sheets replace same-named ledger sheets
    (keeping their position) or are added at the end. `layouts`: ledger.layout.SheetLayout
    objects written the same way, straight as worksheet XML (io.sheet_writer). `replace`: names of ledger sheets
    to remove when `new_sheets` has no sheet of that name (e.g. a stale callback list).
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
            _apply(pkg, receipt, new_sheets, list(layouts), list(replace), case_patch, append_rows or {})
            pkg.write(tmp)

    receipt.backup = atomic_replace(path, write, verify_fn, keep_backups, out_path=out_path)
    receipt.seconds = time.perf_counter() - started
    return receipt


def _apply(
    pkg: _Package,
    receipt: WriteReceipt,
    new_sheets: Any,
    layouts: list,
    replace: list[str],
    case_patch: CaseSheetPatch | None,
    append_rows: dict[str, list[list[Any]]],
) -> None:
    written = {n.casefold() for n in (new_sheets.sheetnames if new_sheets is not None else [])}
    written |= {layout.name.casefold() for layout in layouts}
    if case_patch is not None and case_patch.sheet.casefold() in written:
        raise ValueError(f"sheet {case_patch.sheet!r} is both patched and replaced")
    styles = _Styles(pkg.read("xl/styles.xml")) if pkg.exists("xl/styles.xml") else None
    if styles is None:
        raise ValueError("workbook has no xl/styles.xml")
    book = _Book(pkg)
    changed_sheet = False
    if new_sheets is not None:
        _transplant_book(pkg, book, styles, new_sheets, receipt)
        changed_sheet = True
    if layouts:
        from ledger.io.sheet_writer import LookStyles, write_layout

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
        _patch_case_sheet(pkg, book, styles, case_patch, receipt)
        changed_sheet = True
    if changed_sheet:
        book.drop_calc_chain()
    pkg.put("xl/styles.xml", styles.serialize())
    book.flush()
    receipt.removed_parts = sorted(pkg.deleted)


_REF = re.compile(r"([A-Za-z]{1,3})(\d+)")


_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean_text(s: str) -> str:
    s = _ILLEGAL_XML.sub("", s)
    return s[:MAX_CELL_TEXT]


# --------------------------------------------------------------------------- cell values

_ORD_1900 = date(1899, 12, 30).toordinal()
_ORD_1904 = date(1904, 1, 1).toordinal()


def _serial(value: date | datetime | dtime, date1904: bool) -> float:
    if type(value) is date:
        return value.toordinal() - (_ORD_1904 if date1904 else _ORD_1900)
    if isinstance(value, dtime):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    value = value.replace(tzinfo=None)
    epoch = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
    delta: timedelta = value - epoch
    return delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400


def _num(v: float | int) -> str:
    if isinstance(v, int):
        return str(v)
    r = repr(float(v))
    return r[:-2] if r.endswith(".0") else r


def _default_format(value: Any) -> str | None:
    if isinstance(value, datetime):
        return DEFAULT_DATETIME_FORMAT
    if isinstance(value, date):
        return DEFAULT_DATE_FORMAT
    if isinstance(value, dtime):
        return "hh:mm"
    return None


def cell_xml(prefix: str, ref: str, value: Any, s: int, date1904: bool) -> str:
    """One <c> element; strings are inline (sharedStrings.xml stays untouched) and never formulas."""
    c = prefix + "c"
    sattr = f' s="{s}"' if s else ""
    if type(value) is str and value and value == value.strip() and "\n" not in value:
        return (
            f'<{c} r="{ref}"{sattr} t="inlineStr"><{prefix}is><{prefix}t>{_xml_escape(_clean_text(value))}'
            f"</{prefix}t></{prefix}is></{c}>"
        )
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return f'<{c} r="{ref}"{sattr}/>' if s else ""
    if isinstance(value, bool):
        return f'<{c} r="{ref}"{sattr} t="b"><{prefix}v>{int(value)}</{prefix}v></{c}>'
    if isinstance(value, (int, float, Decimal)):
        return f'<{c} r="{ref}"{sattr}><{prefix}v>{_num(value if not isinstance(value, Decimal) else float(value))}</{prefix}v></{c}>'
    if isinstance(value, (date, datetime, dtime)):
        return f'<{c} r="{ref}"{sattr}><{prefix}v>{_num(_serial(value, date1904))}</{prefix}v></{c}>'
    s_text = _clean_text(str(value))
    space = ' xml:space="preserve"' if s_text != s_text.strip() or "\n" in s_text else ""
    return (
        f'<{c} r="{ref}"{sattr} t="inlineStr"><{prefix}is><{prefix}t{space}>{_xml_escape(s_text)}'
        f"</{prefix}t></{prefix}is></{c}>"
    )


# --------------------------------------------------------------------------- sheet XML streaming


class _SheetStream:
    """Splits a worksheet part into head (up to <sheetData>), rows, and tail, reading in chunks."""

    def __init__(self, fobj):
        self.f = fobj
        buf = b""
        while True:
            chunk = fobj.read(CHUNK)
            buf += chunk
            m = re.search(rb"<(?:[\w.-]+:)?sheetData\s*(/?)>", buf)
            if m or not chunk:
                break
        if not m:
            raise ValueError("worksheet part has no <sheetData>")
        self.prefix = _root_prefix(buf[: m.end()], "worksheet").encode()
        self.head = buf[: m.start()]
        self.empty = bool(m.group(1))
        self.open_tag = buf[m.start() : m.end()]
        self._rest = buf[m.end() :]
        p = re.escape(self.prefix)
        self.end_re = re.compile(rb"</" + p + rb"sheetData>")
        self.tail = b""

    def rows(self) -> Iterator[bytes]:
        """Yield each <row> element (bytes); afterwards `self.tail` holds </sheetData> and the rest.

        Rows are cut with bytes.find (a C scan per row) rather than a regular
        expression walking every character of a 50 MB part.
        """
        if self.empty:
            self.tail = self._rest
            return
        opener, closer = b"<" + self.prefix + b"row", b"</" + self.prefix + b"row>"
        buf, eof = self._rest, False
        while True:
            pos = 0
            end = self.end_re.search(buf)
            limit = end.start() if end else len(buf)
            while True:
                start = buf.find(opener, pos, limit)
                if start < 0:
                    break
                gt = buf.find(b">", start, limit)
                if gt < 0:
                    break
                if buf[gt - 1] == 47:  # "/": an empty <row .../>
                    stop = gt + 1
                else:
                    stop = buf.find(closer, gt, limit)
                    if stop < 0:
                        break
                    stop += len(closer)
                yield buf[start:stop]
                pos = stop
            if end:
                self.tail = buf[end.start() :]
                return
            if eof:
                raise ValueError("worksheet part ends inside <sheetData>")
            chunk = self.f.read(CHUNK)
            eof = not chunk
            buf = buf[pos:] + chunk

    def copy_rest(self, out) -> None:
        out.write(self.tail)
        shutil.copyfileobj(self.f, out, CHUNK)


_ROW_NUM = re.compile(rb'\sr="(\d+)"')
_SPANS = re.compile(rb'\sspans="(\d+):(\d+)"')
_ROW_S = re.compile(rb'\ss="(\d+)"')


def _row_tag(row: bytes) -> bytes:
    return row[: row.index(b">") + 1]


def _row_number(row: bytes, prev: int) -> int:
    m = _ROW_NUM.search(_row_tag(row))
    return int(m.group(1)) if m else prev + 1


class _CellSplitter:
    def __init__(self, prefix: bytes):
        p = re.escape(prefix)
        self.prefix = prefix
        self.cell_re = re.compile(rb"<" + p + rb"c\b[^>]*?(?:/>|>.*?</" + p + rb"c>)", re.S)
        self.last_c = re.compile(rb"<" + p + rb"c\s[^>]*?\br=\"([A-Z]+)\d+\"")
        self._opens = (b"<" + prefix + b"c ", b"<" + prefix + b"c>", b"<" + prefix + b"c/>")

    def count(self, row: bytes) -> int:
        return sum(row.count(o) for o in self._opens)

    def cells(self, row: bytes) -> tuple[bytes, list[tuple[int, bytes]], bytes]:
        """(row start tag, [(column, cell xml)], row end tag); implicit cell columns made explicit."""
        tag = _row_tag(row)
        if tag.endswith(b"/>"):
            return tag[:-2].rstrip() + b">", [], b"</" + self.prefix + b"row>"
        body = row[len(tag) : row.rindex(b"</")]
        out, col = [], 0
        for m in self.cell_re.finditer(body):
            c = m.group(0)
            ctag = c[: c.index(b">") + 1]
            rm = re.search(rb'\sr="([A-Za-z]+)\d+"', ctag)
            col = col_number(rm.group(1).decode()) if rm else col + 1
            out.append((col, c))
        return tag, out, row[row.rindex(b"</") :]


def _cell_style(cell: bytes) -> int:
    tag = cell[: cell.index(b">") + 1]
    m = re.search(rb'\ss="(\d+)"', tag)
    return int(m.group(1)) if m else 0


def _set_cell_style(cell: bytes, s: int) -> bytes:
    i = cell.index(b">") + 1
    tag = cell[:i]
    if re.search(rb'\ss="\d+"', tag):
        tag = re.sub(rb'\ss="\d+"', b' s="%d"' % s, tag, count=1)
    else:  # Excel's attribute order is r, s, t
        at = re.search(rb'\sr="[^"]*"', tag)
        pos = at.end() if at else re.match(rb"<[\w.:-]+", tag).end()
        tag = tag[:pos] + b' s="%d"' % s + tag[pos:]
    return tag + cell[i:]


def _ensure_ref(cell: bytes, ref: str) -> bytes:
    i = cell.index(b">") + 1
    if re.search(rb'\sr="', cell[:i]):
        return cell
    name_end = re.match(rb"<[\w.:-]+", cell).end()
    return cell[:name_end] + b' r="' + ref.encode() + b'"' + cell[name_end:]


def _fix_spans(tag: bytes, max_col: int) -> bytes:
    if b"spans=" not in tag:
        return tag
    m = _SPANS.search(tag)
    if not m or int(m.group(2)) >= max_col:
        return tag
    return tag[: m.start()] + b' spans="%s:%d"' % (m.group(1), max_col) + tag[m.end() :]


def _shared_strings(pkg: _Package, book: _Book, wanted: set[int]) -> dict[int, str]:
    """Only the shared strings we need (the header row), read as a stream."""
    if not wanted:
        return {}
    part = next(
        (resolve_target(book.PART, r["Target"]) for r in book.rels if r.get("Type", "").endswith("/sharedStrings")),
        None,
    )
    if not part or not pkg.exists(part):
        return {}
    found: dict[int, str] = {}
    i = 0
    with pkg.open(part) as f:
        for _ev, el in SafeET.iterparse(f, events=("end",)):
            if _local(el.tag) != "si":
                continue
            if i in wanted:
                found[i] = "".join(t.text or "" for t in el.iter(f"{{{MAIN_NS}}}t") if not _inside_phonetic(el, t))
            el.clear()
            i += 1
            if len(found) == len(wanted):
                break
    return found


def _inside_phonetic(si, t) -> bool:
    for rph in si.iter(f"{{{MAIN_NS}}}rPh"):
        if any(x is t for x in rph.iter()):
            return True
    return False


def _cell_text(cell: bytes, shared: dict[int, str]) -> str:
    tag = cell[: cell.index(b">") + 1]
    tm = re.search(rb'\st="(\w+)"', tag)
    t = tm.group(1) if tm else b"n"
    if t == b"s":
        vm = re.search(rb"<(?:[\w.-]+:)?v>(\d+)</", cell)
        return shared.get(int(vm.group(1)), "") if vm else ""
    if t == b"inlineStr":
        parts = re.findall(rb"<(?:[\w.-]+:)?t(?:\s[^>]*)?>(.*?)</(?:[\w.-]+:)?t>", cell, re.S)
        return _unescape(b"".join(parts).decode("utf-8"))
    vm = re.search(rb"<(?:[\w.-]+:)?v>(.*?)</", cell, re.S)
    return _unescape(vm.group(1).decode("utf-8")) if vm else ""


def _unescape(s: str) -> str:
    from xml.sax.saxutils import unescape

    s = re.sub(r"&#x([0-9a-fA-F]+);", lambda m: chr(int(m.group(1), 16)), s)
    s = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), s)
    return unescape(s, {"&quot;": '"', "&apos;": "'"})


def _norm_header(s: str) -> str:
    return unicodedata.normalize("NFKC", s).strip().casefold()


def _sheet_part(book: _Book, name: str) -> _SheetRef:
    ref = book.find(name)
    if ref is None:
        raise KeyError(f"no sheet named {name!r}")
    return ref


# --------------------------------------------------------------------------- case sheet patch


def _patch_case_sheet(
    pkg: _Package, book: _Book, styles: _Styles, patch: CaseSheetPatch, receipt: WriteReceipt
) -> None:
    ref = _sheet_part(book, patch.sheet)
    with pkg.open(ref.part) as src:
        stream = _SheetStream(src)
        prefix = stream.prefix.decode()
        splitter = _CellSplitter(stream.prefix)
        rows = stream.rows()

        # 1. read rows up to the header row to find (or place) the tool columns
        buffered: list[tuple[int, bytes]] = []
        header_cells: list[tuple[int, bytes]] = []
        prev = 0
        for row in rows:
            prev = _row_number(row, prev)
            buffered.append((prev, row))
            if prev == patch.header_row:
                header_cells = splitter.cells(row)[1]
            if prev >= patch.header_row:
                break
        wanted = set()
        for _, c in header_cells:
            if re.search(rb'\st="s"', c[: c.index(b">")]):
                vm = re.search(rb"<(?:[\w.-]+:)?v>(\d+)</", c)
                if vm:
                    wanted.add(int(vm.group(1)))
        shared = _shared_strings(pkg, book, wanted)
        existing: dict[str, int] = {}
        for col, c in header_cells:
            existing.setdefault(_norm_header(_cell_text(c, shared)), col)
        dim = re.search(rb"<" + re.escape(stream.prefix) + rb'dimension\s+ref="([^"]*)"', stream.head)
        dim_max_col = dim_max_row = 0
        if dim:
            for letters, num in _REF.findall(dim.group(1).decode()):
                dim_max_col = max(dim_max_col, col_number(letters))
                dim_max_row = max(dim_max_row, int(num))
        last_col = max([dim_max_col] + [c for c, _ in header_cells])
        tool_cols: dict[int, ColumnPatch] = {}
        for cp in patch.columns:
            col = existing.get(_norm_header(cp.header))
            if col is None or col in tool_cols:
                last_col += 1
                col = last_col
            tool_cols[col] = cp
            receipt.case_columns[cp.header] = col_letter(col)

        # 2. each row's new cells are made when the stream reaches it (nothing held for all rows)
        date1904 = book.date1904
        style_of: dict[tuple, int] = {}
        pieces: dict[tuple, list[str] | None] = {}  # a cell's XML around its reference, per (value, style)
        # (column, letter, cells, the column's XML pieces per text or date value), in column order
        ordered = [(col, col_letter(col), cp.cells, {}) for col, cp in sorted(tool_cols.items())]

        def around(cw: Any) -> list[str] | None:
            """A cell's XML before and after its reference (None: nothing to write)."""
            if isinstance(cw, CellWrite):
                value = cw.value
                key = (cw.number_format or _default_format(value), cw.fill, cw.bold, cw.font_color)
            else:
                value = cw
                key = (_default_format(value), None, False, None)
            s = style_of.get(key)
            if s is None:
                s = style_of[key] = styles.xf_for(*key) if any(key) else 0
            key = (type(value), value, s)
            try:
                found = pieces.get(key, False)
            except TypeError:  # an unhashable value
                key, found = None, False
            if found is False:
                xml = cell_xml(prefix, "\0", value, s, date1904)
                found = xml.split("\0", 1) if xml else None
                if key is not None:
                    pieces[key] = found
            return found

        header_cells = []
        for col, letter, _, _ in ordered:
            cp = tool_cols[col]
            parts = around(CellWrite(cp.header, fill=cp.header_fill, bold=True))
            if parts:
                header_cells.append((col, f"{parts[0]}{letter}{patch.header_row}{parts[1]}"))

        def new_cells(r: int) -> list[tuple[int, str]]:
            if r <= patch.header_row:
                return header_cells if r == patch.header_row else []
            out = []
            for col, letter, cells, known in ordered:
                value = cells.get(r)
                if value is None:
                    continue
                kind = type(value)
                if kind is str or kind is date:  # the common values, never equal to another type's
                    parts = known.get(value)
                    if parts is None:
                        parts = known[value] = around(value) or ()
                else:
                    parts = around(value)
                if parts:
                    out.append((col, f"{parts[0]}{letter}{r}{parts[1]}"))
            return out

        written_rows = {patch.header_row} | {
            r for cp in tool_cols.values() for r, v in cp.cells.items() if r > patch.header_row and v is not None
        }
        fills_by_row: dict[int, dict[int, str]] = {}
        for (r, c), color in patch.cell_fills.items():
            fills_by_row.setdefault(r, {})[c] = color
        points_by_row: dict[int, dict[int, Any]] = {}
        for (r, c), value in patch.cells.items():
            points_by_row.setdefault(r, {})[c] = value
        written_rows |= set(points_by_row)
        min_tool = min(tool_cols) if tool_cols else 1 << 30
        max_tool = max(tool_cols) if tool_cols else 0
        # tool columns side by side: a row's cells from the first tool cell on are all tool cells
        # when its last cell is not right of them (checked with byte searches, no cell parsing)
        contiguous = bool(tool_cols) and max_tool - min_tool + 1 == len(tool_cols)
        cell_open = b"<" + stream.prefix + b"c "
        ref_open = b"<" + stream.prefix + b'c r="'
        tool_opens = [ref_open + col_letter(c).encode() for c in sorted(tool_cols)]
        pending = sorted(written_rows | set(fills_by_row))
        del written_rows
        max_row = max([dim_max_row] + pending[-1:])

        with pkg.new_file(ref.part) as out_file:
            out = _BatchWriter(out_file)
            out.write(
                _patch_head(
                    stream.head,
                    stream.prefix,
                    dim,
                    max(dim_max_col, max_tool),
                    max_row,
                    {c: cp.width for c, cp in tool_cols.items() if cp.width},
                )
            )
            out.write(stream.open_tag[:-2] + b">" if stream.empty else stream.open_tag)
            pi = 0

            def synth(upto: int) -> None:
                nonlocal pi
                while pi < len(pending) and pending[pi] < upto:
                    r = pending[pi]
                    tag = b'<%srow r="%d">' % (stream.prefix, r)
                    out.write(
                        _rewrite_row(
                            tag,
                            [],
                            b"</" + stream.prefix + b"row>",
                            r,
                            new_cells(r) + _point_cells([], r, points_by_row.get(r), styles, prefix, date1904),
                            fills_by_row.get(r),
                            tool_cols,
                            patch.header_row,
                            styles,
                            prefix,
                        )
                    )
                    pi += 1

            def handle(r: int, row: bytes) -> None:
                nonlocal pi
                synth(r)
                if pi < len(pending) and pending[pi] == r:
                    pi += 1
                new = new_cells(r)
                fills = fills_by_row.get(r)
                points = points_by_row.get(r)
                if points:  # the general path, with the clerk cells being set treated as replaced
                    tag, cells, end = splitter.cells(row)
                    new += _point_cells(cells, r, points, styles, prefix, date1904)
                    kept = [(c, x) for c, x in cells if c not in points]
                    out.write(_rewrite_row(tag, kept, end, r, new, fills, tool_cols, patch.header_row, styles, prefix))
                    return
                new_bytes = "".join(x for _, x in new).encode("utf-8")
                if r < patch.header_row and not fills:
                    out.write(row)
                    return
                if not fills:
                    # fast path: all cells left of the tool columns -> append before </row>
                    tag = _row_tag(row)
                    if tag.endswith(b"/>"):
                        if new:
                            out.write(
                                _fix_spans(tag[:-2].rstrip() + b">", max_tool)
                                + new_bytes
                                + b"</"
                                + stream.prefix
                                + b"row>"
                            )
                        else:
                            out.write(row)
                        return
                    end = row.rindex(b"</")
                    if contiguous and row.count(cell_open) == row.count(ref_open):
                        last = row.rfind(ref_open, 0, end)
                        last_col = 0
                        if last >= 0:
                            at = last + len(ref_open)
                            stop = at
                            while 65 <= row[stop] <= 90:
                                stop += 1
                            last_col = col_number(row[at:stop].decode())
                        if last_col <= max_tool:
                            number = b'%d"' % r
                            cut = end
                            if last_col >= min_tool:
                                for opener in tool_opens:
                                    i = row.find(opener + number)
                                    if 0 <= i < cut:
                                        cut = i
                            if cut < end or last_col < min_tool:
                                if cut == end and not new:
                                    out.write(row)
                                else:
                                    out.write(_fix_spans(tag, max_tool) + row[len(tag) : cut] + new_bytes + row[end:])
                                return
                    # fast path: every cell has a reference and the cells at or right of the
                    # first tool column are all tool cells -> cut them off, append the new ones
                    starts = list(splitter.last_c.finditer(row))
                    if splitter.count(row) == len(starts):
                        cut = end
                        for m in reversed(starts):
                            col = col_number(m.group(1).decode())
                            if col < min_tool:
                                break
                            if col not in tool_cols:
                                cut = -1
                                break
                            cut = m.start()
                        if cut >= 0:
                            if cut == end and not new:
                                out.write(row)
                            else:
                                out.write(_fix_spans(tag, max_tool) + row[len(tag) : cut] + new_bytes + row[end:])
                            return
                tag, cells, end = splitter.cells(row)
                out.write(_rewrite_row(tag, cells, end, r, new, fills, tool_cols, patch.header_row, styles, prefix))

            prev = 0
            for r, row in buffered:
                handle(r, row)
                prev = r
            for row in rows:
                prev = _row_number(row, prev)
                handle(prev, row)
            synth(1 << 31)
            if stream.empty:
                out.write(b"</" + stream.prefix + b"sheetData>")
            out.flush()
            if patch.highlights is None:
                stream.copy_rest(out_file)
            else:
                rest = stream.tail + stream.f.read()
                out_file.write(_replace_highlights(rest, patch.highlights, styles, stream.prefix))


HIGHLIGHT_MARK = "ISNUMBER(424242)"  # always true; the number marks the block as the tool's
_AFTER_CF = (
    "dataValidations",
    "hyperlinks",
    "printOptions",
    "pageMargins",
    "pageSetup",
    "headerFooter",
    "rowBreaks",
    "colBreaks",
    "customProperties",
    "cellWatches",
    "ignoredErrors",
    "smartTags",
    "drawing",
    "legacyDrawing",
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
)


def _replace_highlights(rest: bytes, highlights: dict[tuple[int, int], str], styles: _Styles, prefix: bytes) -> bytes:
    """Swap the tool's conditional-formatting block (after </sheetData>) for the current highlights."""
    p = re.escape(prefix)
    mark = re.escape(_esc_attr(HIGHLIGHT_MARK).encode())
    rest = re.sub(
        rb"<"
        + p
        + rb"conditionalFormatting\b(?:(?!</"
        + p
        + rb"conditionalFormatting>).)*?"
        + mark
        + rb".*?</"
        + p
        + rb"conditionalFormatting>",
        b"",
        rest,
        flags=re.S,
    )
    if not highlights:
        return rest
    priorities = [int(x) for x in re.findall(rb'\spriority="(\d+)"', rest)]
    priority = max(priorities, default=0)
    by_color: dict[str, dict[int, list[int]]] = {}
    for (row, col), color in highlights.items():
        by_color.setdefault(color, {}).setdefault(col, []).append(row)
    pre = prefix.decode()
    blocks = []
    for color, columns in sorted(by_color.items()):
        refs = []
        for col, rows in sorted(columns.items()):
            letter = col_letter(col)
            refs.extend(
                f"{letter}{first}" if first == last else f"{letter}{first}:{letter}{last}" for first, last in runs(rows)
            )
        dxf = styles.add(
            "dxfs",
            _E(
                "dxf",
                None,
                _E(
                    "fill", None, _E("patternFill", {"patternType": "solid"}, _E("bgColor", {"rgb": "FF" + color[-6:]}))
                ),
            ),
        )
        priority += 1
        blocks.append(
            f'<{pre}conditionalFormatting sqref="{" ".join(refs)}"><{pre}cfRule type="expression" '
            f'dxfId="{dxf}" priority="{priority}"><{pre}formula>{_esc_attr(HIGHLIGHT_MARK)}</{pre}formula>'
            f"</{pre}cfRule></{pre}conditionalFormatting>"
        )
    block = "".join(blocks).encode("utf-8")
    m = re.search(rb"<" + p + rb"(?:" + b"|".join(t.encode() for t in _AFTER_CF) + rb")\b", rest)
    if m is None:
        m = re.search(rb"</" + p + rb"worksheet>", rest)
    at = m.start() if m else len(rest)
    existing_cf = list(re.finditer(rb"</" + p + rb"conditionalFormatting>", rest[:at]))
    if existing_cf:
        at = existing_cf[-1].end()
    return rest[:at] + block + rest[at:]


class _BatchWriter:
    """Collects small writes (one per row) into ~1 MB writes."""

    def __init__(self, f):
        self.f, self.buf, self.size = f, [], 0

    def write(self, b: bytes) -> None:
        self.buf.append(b)
        self.size += len(b)
        if self.size >= CHUNK:
            self.flush()

    def flush(self) -> None:
        self.f.write(b"".join(self.buf))
        self.buf, self.size = [], 0


def _point_cells(
    cells: list[tuple[int, bytes]], r: int, points: dict[int, Any] | None, styles: _Styles, prefix: str, date1904: bool
) -> list[tuple[int, str]]:
    """New XML of the clerk cells `ledger record` sets in row r, each keeping its old cell's style."""
    old = dict(cells)
    out = []
    for col, value in sorted((points or {}).items()):
        s = _cell_style(old[col]) if col in old else 0
        if isinstance(value, (date, datetime)):
            s = styles.xf_for(_default_format(value), None, False, None)
        xml = cell_xml(prefix, f"{col_letter(col)}{r}", value, s, date1904)
        if xml:
            out.append((col, xml))
    return out


def _rewrite_row(
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
        c = _ensure_ref(c, f"{col_letter(col)}{r}")
        if fills and col in fills:
            c = _set_cell_style(c, styles.with_fill(_cell_style(c), fills[col]))
        kept.append((col, c))
    if fills:
        present = {col for col, _ in cells}
        rs = _ROW_S.search(tag)
        base = int(rs.group(1)) if rs and b"customFormat" in tag else 0
        for col, color in fills.items():
            if col not in present and col not in tool_cols:
                s = styles.with_fill(base, color)
                kept.append((col, f'<{prefix}c r="{col_letter(col)}{r}" s="{s}"/>'.encode()))
    kept.extend((col, x.encode("utf-8")) for col, x in new)
    kept.sort(key=lambda t: t[0])
    if kept:
        tag = _fix_spans(tag, kept[-1][0])
    return tag + b"".join(c for _, c in kept) + end


def _patch_head(
    head: bytes, prefix: bytes, dim: re.Match | None, max_col: int, max_row: int, widths: dict[int, float]
) -> bytes:
    if dim:
        refs = _REF.findall(dim.group(1).decode())
        first = f"{refs[0][0]}{refs[0][1]}" if refs else "A1"
        new_ref = f"{first}:{col_letter(max(max_col, 1))}{max(max_row, 1)}"
        head = head[: dim.start(1)] + new_ref.encode() + head[dim.end(1) :]
    if widths:
        head = _patch_cols(head, prefix, widths)
    return head


def _patch_cols(head: bytes, prefix: bytes, widths: dict[int, float]) -> bytes:
    p = re.escape(prefix)
    m = re.search(rb"<" + p + rb"cols>(.*?)</" + p + rb"cols>", head, re.S)
    cols: list[tuple[int, int, bytes]] = []  # (min, max, attrs without min/max)
    if m:
        for cm in re.finditer(rb"<" + p + rb"col\b([^>]*?)/?>", m.group(1)):
            attrs = cm.group(1)
            lo = int(re.search(rb'\bmin="(\d+)"', attrs).group(1))
            hi = int(re.search(rb'\bmax="(\d+)"', attrs).group(1))
            rest = re.sub(rb'\s*\b(min|max)="\d+"', b"", attrs)
            cols.append((lo, hi, rest))
    for c, w in widths.items():
        nxt = []
        style = b""
        for lo, hi, rest in cols:
            if lo <= c <= hi:
                sm = re.search(rb'\sstyle="\d+"', rest)
                style = sm.group(0) if sm else b""
                if lo < c:
                    nxt.append((lo, c - 1, rest))
                if c < hi:
                    nxt.append((c + 1, hi, rest))
            else:
                nxt.append((lo, hi, rest))
        nxt.append((c, c, b' width="%s" customWidth="1"' % _num(float(w)).encode() + style))
        cols = sorted(nxt)
    body = b"".join(b'<%scol min="%d" max="%d"%s/>' % (prefix, lo, hi, rest) for lo, hi, rest in cols)
    block = b"<" + prefix + b"cols>" + body + b"</" + prefix + b"cols>"
    if m:
        return head[: m.start()] + block + head[m.end() :]
    return head + block  # <cols> comes right before <sheetData>


# --------------------------------------------------------------------------- append rows


def _append_rows(
    pkg: _Package, book: _Book, styles: _Styles, sheet: str, rows: list[list[Any]], receipt: WriteReceipt
) -> None:
    ref = book.find(sheet)
    if ref is None:
        import openpyxl
        from openpyxl.styles import Font

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = sheet
        for r in rows:
            ws.append(list(r))
            for c in ws[ws.max_row]:
                fmt = _default_format(c.value)
                if fmt:
                    c.number_format = fmt
        for c in ws[1]:
            c.font = Font(bold=True)
        ws.freeze_panes = "A2"
        _transplant_book(pkg, book, styles, wb, receipt)
        receipt.appended_rows[sheet] = len(rows) - 1
        return
    with pkg.open(ref.part) as src:
        stream = _SheetStream(src)
        last = 0
        for row in stream.rows():
            last = _row_number(row, last)
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
            fmt = _default_format(v)
            s = styles.xf_for(fmt, None, False, None) if fmt else 0
            x = cell_xml(prefix, f"{col_letter(j)}{i}", v, s, book.date1904)
            if x:
                cells.append(x)
                max_col = max(max_col, j)
        new_xml.append(f'<{prefix}row r="{i}">' + "".join(cells) + f"</{prefix}row>")
    with pkg.open(ref.part) as src:
        stream = _SheetStream(src)
        dim = re.search(rb"<" + re.escape(stream.prefix) + rb'dimension\s+ref="([^"]*)"', stream.head)
        dcol = max([0] + [col_number(a) for a, _ in _REF.findall(dim.group(1).decode())]) if dim else 0
        out = pkg.new_file(ref.part)
        with out:
            out.write(_patch_head(stream.head, stream.prefix, dim, max(dcol, max_col), last + len(rows), {}))
            out.write(stream.open_tag[:-2] + b">" if stream.empty else stream.open_tag)
            for row in stream.rows():
                out.write(row)
            out.write("".join(new_xml).encode("utf-8"))
            if stream.empty:
                out.write(b"</" + stream.prefix + b"sheetData>")
            stream.copy_rest(out)
    receipt.appended_rows[sheet] = len(rows) - (0 if header_written else 1)


# --------------------------------------------------------------------------- transplant scratch sheets


def _transplant_book(pkg: _Package, book: _Book, styles: _Styles, wb: Any, receipt: WriteReceipt) -> None:
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as scratch:
        s_wb = scratch.read("xl/workbook.xml")
        s_rels = _parse_rels(scratch, "xl/workbook.xml")
        s_ct = SafeET.fromstring(scratch.read("[Content_Types].xml"))
        s_types = {
            el.get("PartName", "").lstrip("/"): el.get("ContentType") for el in s_ct if _local(el.tag) == "Override"
        }
        s_defaults = {
            el.get("Extension", "").lower(): el.get("ContentType") for el in s_ct if _local(el.tag) == "Default"
        }
        importer = styles.importer(scratch.read("xl/styles.xml"))
        strings = _scratch_strings(scratch)
        root = SafeET.fromstring(s_wb)
        by_id = {r["Id"]: r for r in s_rels}
        sheets = list(root.find(f"{{{MAIN_NS}}}sheets"))
        names_el = root.find(f"{{{MAIN_NS}}}definedNames")
        s_names = list(names_el) if names_el is not None else []
        for idx, el in enumerate(sheets):
            name = el.get("name")
            rel = by_id[el.get(f"{{{REL_NS}}}id")]
            if rel.get("Type") != WS_REL_TYPE:
                raise ValueError(f"new_sheets: {name!r} is not a worksheet (chartsheets are not supported)")
            part = resolve_target("xl/workbook.xml", rel["Target"])
            target_part, target_index = sheet_slot(pkg, book, name, receipt, el.get("state"))
            _copy_sheet_tree(
                pkg,
                book,
                scratch,
                part,
                target_part,
                importer,
                strings,
                lambda p: s_types.get(p) or s_defaults.get(posixpath.splitext(p)[1][1:].lower()),
            )
            for dn in s_names:
                if dn.get("localSheetId") == str(idx):
                    book.add_defined_name(
                        dn.get("name"), target_index, dn.text or "", dn.get("hidden") in ("1", "true")
                    )


def sheet_slot(
    pkg: _Package, book: _Book, name: str, receipt: WriteReceipt, state: str | None = None
) -> tuple[str, int]:
    """(part, sheet index) for a new sheet `name`: the same-named sheet emptied in place
    (its position and tab kept; its drawings, charts and print titles removed), or a new last sheet."""
    existing = book.find(name)
    if existing is not None:
        book.ct.set(existing.part, WS_CONTENT_TYPE)
        remove_part_tree(pkg, book, existing.part, keep_root=True)
        book.remove_defined_names(existing.index)
        receipt.replaced_sheets.append(existing.name)
        return existing.part, existing.index
    part = _fresh_name(pkg, "xl/worksheets/sheet1.xml")
    index = book.add_sheet(name, part, state).index
    receipt.added_sheets.append(name)
    return part, index


def _parse_rels(zf: zipfile.ZipFile, part: str) -> list[dict[str, str]]:
    rp = rels_path(part)
    if rp not in zf.namelist():
        return []
    root = SafeET.fromstring(zf.read(rp))
    return [dict(el.attrib) for el in root if _local(el.tag) == "Relationship"]


def _scratch_strings(zf: zipfile.ZipFile) -> list[str]:
    name = "xl/sharedStrings.xml"
    if name not in zf.namelist():
        return []
    text = zf.read(name).decode("utf-8")
    return [m.group(1) or "" for m in re.finditer(r"<si>(.*?)</si>|<si/>", text, re.S)]


def _copy_sheet_tree(
    pkg: _Package,
    book: _Book,
    scratch: zipfile.ZipFile,
    sheet_part: str,
    target_part: str,
    importer: _StyleImporter,
    strings: list[str],
    type_of: Callable[[str], str | None],
) -> None:
    mapping = {sheet_part: target_part}
    todo = [sheet_part]
    while todo:
        cur = todo.pop()
        for t in [
            resolve_target(cur, r["Target"]) for r in _parse_rels(scratch, cur) if r.get("TargetMode") != "External"
        ]:
            if t not in mapping:
                mapping[t] = _fresh_name(pkg, t)
                pkg.put(mapping[t], b"")  # reserve the name
                todo.append(t)
    for src, dst in mapping.items():
        data = scratch.read(src)
        if src == sheet_part:
            data = _rewrite_scratch_sheet(data, importer, strings)
        pkg.put(dst, data)
        if src != sheet_part:
            ctype = type_of(src)
            if ctype:
                book.ct.set(dst, ctype)
        rels = _parse_rels(scratch, src)
        if rels:
            for r in rels:
                if r.get("TargetMode") != "External":
                    r["Target"] = relative_target(dst, mapping[resolve_target(src, r["Target"])])
            pkg.put(rels_path(dst), _rels_xml(rels))
        elif src == sheet_part:
            pkg.delete(rels_path(dst))


_SCRATCH_TAG = re.compile(r"<(c|row|col|cfRule)\b([^>]*?)(/?)>")
_SCRATCH_SHARED = re.compile(r'<c\b([^>]*?)\st="s"([^>]*)><v>(\d+)</v></c>')


def _rewrite_scratch_sheet(data: bytes, importer: _StyleImporter, strings: list[str]) -> bytes:
    """Map style indexes into the target's styles, make shared strings inline, unselect the tab."""
    text = data.decode("utf-8")
    text = _SCRATCH_SHARED.sub(
        lambda m: f'<c{m.group(1)} t="inlineStr"{m.group(2)}><is>{strings[int(m.group(3))]}</is></c>', text
    )

    def tag(m: re.Match) -> str:
        name, attrs = m.group(1), m.group(2)
        if name in ("c", "row"):
            attrs = re.sub(
                r'(\ss=")(\d+)(")', lambda a: f"{a.group(1)}{importer.xf(int(a.group(2)))}{a.group(3)}", attrs
            )
        elif name == "col":
            attrs = re.sub(
                r'(\sstyle=")(\d+)(")', lambda a: f"{a.group(1)}{importer.xf(int(a.group(2)))}{a.group(3)}", attrs
            )
        else:
            attrs = re.sub(
                r'(\sdxfId=")(\d+)(")', lambda a: f"{a.group(1)}{importer.dxf(int(a.group(2)))}{a.group(3)}", attrs
            )
        return f"<{name}{attrs}{m.group(3)}>"

    text = _SCRATCH_TAG.sub(tag, text)
    text = re.sub(r'\stabSelected="(1|true)"', "", text)
    return text.encode("utf-8")
