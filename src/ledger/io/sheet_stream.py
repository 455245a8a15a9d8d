"""Worksheet XML as a stream of bytes: a part cut into head, rows and tail, rows into cells.

The case-sheet patch and the Log append read a worksheet part in 1 MB chunks and
rewrite only what changes; nothing here parses the whole part into a tree.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from xml.sax.saxutils import unescape

from defusedxml import ElementTree as SafeET

from ledger.io.cell_xml import number_text
from ledger.io.xlsx_parts import MAIN_NS, _Book, _local, _Package, _root_prefix, resolve_target
from ledger.sheets.cellrefs import col_letter, col_number

CHUNK = 1 << 20


REF = re.compile(r"([A-Za-z]{1,3})(\d+)")


class SheetStream:
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


ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
SPANS = re.compile(rb'\sspans="(\d+):(\d+)"')
ROW_STYLE = re.compile(rb'\ss="(\d+)"')


def row_tag(row: bytes) -> bytes:
    return row[: row.index(b">") + 1]


def row_number(row: bytes, prev: int) -> int:
    m = ROW_NUMBER.search(row_tag(row))
    return int(m.group(1)) if m else prev + 1


class CellSplitter:
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
        tag = row_tag(row)
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


def cell_style(cell: bytes) -> int:
    tag = cell[: cell.index(b">") + 1]
    m = re.search(rb'\ss="(\d+)"', tag)
    return int(m.group(1)) if m else 0


def set_cell_style(cell: bytes, s: int) -> bytes:
    i = cell.index(b">") + 1
    tag = cell[:i]
    if re.search(rb'\ss="\d+"', tag):
        tag = re.sub(rb'\ss="\d+"', b' s="%d"' % s, tag, count=1)
    else:  # Excel's attribute order is r, s, t
        at = re.search(rb'\sr="[^"]*"', tag)
        pos = at.end() if at else re.match(rb"<[\w.:-]+", tag).end()
        tag = tag[:pos] + b' s="%d"' % s + tag[pos:]
    return tag + cell[i:]


def ensure_ref(cell: bytes, ref: str) -> bytes:
    i = cell.index(b">") + 1
    if re.search(rb'\sr="', cell[:i]):
        return cell
    name_end = re.match(rb"<[\w.:-]+", cell).end()
    return cell[:name_end] + b' r="' + ref.encode() + b'"' + cell[name_end:]


def fix_spans(tag: bytes, max_col: int) -> bytes:
    if b"spans=" not in tag:
        return tag
    m = SPANS.search(tag)
    if not m or int(m.group(2)) >= max_col:
        return tag
    return tag[: m.start()] + b' spans="%s:%d"' % (m.group(1), max_col) + tag[m.end() :]


def shared_strings(pkg: _Package, book: _Book, wanted: set[int]) -> dict[int, str]:
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


def cell_text(cell: bytes, shared: dict[int, str]) -> str:
    tag = cell[: cell.index(b">") + 1]
    tm = re.search(rb'\st="(\w+)"', tag)
    t = tm.group(1) if tm else b"n"
    if t == b"s":
        vm = re.search(rb"<(?:[\w.-]+:)?v>(\d+)</", cell)
        return shared.get(int(vm.group(1)), "") if vm else ""
    if t == b"inlineStr":
        parts = re.findall(rb"<(?:[\w.-]+:)?t(?:\s[^>]*)?>(.*?)</(?:[\w.-]+:)?t>", cell, re.S)
        return unescape_text(b"".join(parts).decode("utf-8"))
    vm = re.search(rb"<(?:[\w.-]+:)?v>(.*?)</", cell, re.S)
    return unescape_text(vm.group(1).decode("utf-8")) if vm else ""


def unescape_text(s: str) -> str:
    s = re.sub(r"&#x([0-9a-fA-F]+);", lambda m: chr(int(m.group(1), 16)), s)
    s = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), s)
    return unescape(s, {"&quot;": '"', "&apos;": "'"})


class BatchWriter:
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


def patch_head(
    head: bytes, prefix: bytes, dim: re.Match | None, max_col: int, max_row: int, widths: dict[int, float]
) -> bytes:
    if dim:
        refs = REF.findall(dim.group(1).decode())
        first = f"{refs[0][0]}{refs[0][1]}" if refs else "A1"
        new_ref = f"{first}:{col_letter(max(max_col, 1))}{max(max_row, 1)}"
        head = head[: dim.start(1)] + new_ref.encode() + head[dim.end(1) :]
    if widths:
        head = patch_cols(head, prefix, widths)
    return head


def patch_cols(head: bytes, prefix: bytes, widths: dict[int, float]) -> bytes:
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
        nxt.append((c, c, b' width="%s" customWidth="1"' % number_text(float(w)).encode() + style))
        cols = sorted(nxt)
    body = b"".join(b'<%scol min="%d" max="%d"%s/>' % (prefix, lo, hi, rest) for lo, hi, rest in cols)
    block = b"<" + prefix + b"cols>" + body + b"</" + prefix + b"cols>"
    if m:
        return head[: m.start()] + block + head[m.end() :]
    return head + block  # <cols> comes right before <sheetData>
