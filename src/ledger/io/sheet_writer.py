"""Write a SheetLayout straight into the xlsx package as worksheet XML.

The generated sheets (callback list, record forms, statistics) used to be
built in a scratch openpyxl workbook, saved and transplanted: at 100k cases
that cost more than reading the ledger (issue 8). Here the layout becomes
worksheet XML in one streamed pass, its named styles become entries of the
ledger's own styles.xml (deduplicated, built on the clerk's default font), and
only the charts still go through openpyxl's chart model, a few kilobytes.

The result looks as io.render's openpyxl rendering does (same named styles,
merged cells with openpyxl's border rules, print setup); the tests open it
with openpyxl and LibreOffice.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

from openpyxl import Workbook
from openpyxl.xml.functions import tostring

from ledger.core.log import LOG_SHEET
from ledger.core.settings import SETTINGS_SHEET
from ledger.core.vocab import fold
from ledger.io.cell_xml import DEFAULT_DATE_FORMAT, DEFAULT_DATETIME_FORMAT, cell_xml
from ledger.io.receipt import WriteReceipt, sheet_slot
from ledger.io.render import FORMULA_LEADS, STYLE_SPECS, build_chart
from ledger.io.styles_part import _E, _Styles
from ledger.io.xlsx_parts import (
    MAIN_NS,
    REL_NS,
    _Book,
    _fresh_name,
    _local,
    _Package,
    _rels_xml,
    _xml_escape,
    relative_target,
    rels_path,
)
from ledger.sheets.cellrefs import cell_position, col_letter
from ledger.sheets.layout import SheetLayout

DRAWING_REL_TYPE = REL_NS + "/drawing"
CHART_REL_TYPE = REL_NS + "/chart"
DRAWING_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml"
CHART_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"

# A cell's look as a tuple: (font, fill, border, alignment, number format, quote prefix).
#   font: (bold, italic, size, "RRGGBB") or None; fill: "RRGGBB" or None;
#   border: ((style, "RRGGBB") | None for left, right, top, bottom) or None;
#   alignment: (horizontal, vertical, wrap) or None.
Look = tuple
PLAIN: Look = (None, None, None, None, None, False)
_NO_SIDES = (None, None, None, None)
_SIDES = ("left", "right", "top", "bottom")


def _rgb(color: Any) -> str | None:
    rgb = getattr(color, "rgb", None)
    return rgb[-6:].upper() if isinstance(rgb, str) else None


def _side(side: Any) -> tuple[str, str | None] | None:
    return (side.style, _rgb(side.color)) if side is not None and side.style else None


def _parts_of(spec: dict[str, Any]) -> dict[int, Any]:
    """io.render's openpyxl style objects as slots of a Look (one definition of the looks)."""
    parts: dict[int, Any] = {}
    if "font" in spec:
        f = spec["font"]
        parts[0] = (bool(f.b), bool(f.i), f.sz, _rgb(f.color))
    if "fill" in spec:
        parts[1] = _rgb(spec["fill"].fgColor)
    if "border" in spec:
        b = spec["border"]
        parts[2] = tuple(_side(getattr(b, name)) for name in _SIDES)
    if "alignment" in spec:
        a = spec["alignment"]
        parts[3] = (a.horizontal, a.vertical, bool(a.wrap_text))
    if "number_format" in spec:
        parts[4] = spec["number_format"]
    return parts


STYLE_PARTS: dict[str, dict[int, Any]] = {name: _parts_of(spec) for name, spec in STYLE_SPECS.items()}


def _with(look: Look, parts: dict[int, Any]) -> Look:
    out = list(look)
    for slot, value in parts.items():
        out[slot] = value
    return tuple(out)


def _with_sides(look: Look, sides: dict[int, Any]) -> Look:
    border = list(look[2] or _NO_SIDES)
    for i, side in sides.items():
        border[i] = side
    return _with(look, {2: tuple(border)})


def _value_look(value: Any) -> Look:
    """What io.render.put gives a value before any named style: date formats, quoted formula-like text."""
    if isinstance(value, dt.datetime):
        return _with(PLAIN, {4: DEFAULT_DATETIME_FORMAT})
    if isinstance(value, dt.date):
        return _with(PLAIN, {4: DEFAULT_DATE_FORMAT})
    if isinstance(value, str) and value[:1] in FORMULA_LEADS and len(value) > 1:
        return _with(PLAIN, {5: True})
    return PLAIN


def cell_looks(layout: SheetLayout) -> tuple[dict[tuple[int, int], Look], set[tuple[int, int]]]:
    """Every written cell's look (1-based row, col), and the cells whose value a merge hides.

    Named styles apply in order, each replacing the parts it names, as
    io.render does through openpyxl; merges then follow openpyxl's rules: the
    hidden cells lose their own look and the merged area's edges take the
    anchor cell's borders.
    """
    looks: dict[tuple[int, int], Look] = {}
    for r, row in enumerate(layout.rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                looks[r, c] = _value_look(value)
    memo: dict[tuple[Look, str], Look] = {}
    get = looks.get
    for rng in layout.styles:
        name = rng.style
        parts = STYLE_PARTS.get(name, {})
        columns = range(rng.first_col, rng.last_col + 1)
        for r in range(rng.first_row, rng.last_row + 1):
            for c in columns:
                before = get((r, c), PLAIN)
                after = memo.get((before, name))
                if after is None:
                    after = memo[before, name] = _with(before, parts)
                looks[r, c] = after
    hidden: set[tuple[int, int]] = set()
    sided: dict[tuple[Look, int, Any], Look] = {}

    def with_side(look: Look, i: int, side: Any) -> Look:
        out = sided.get((look, i, side))
        if out is None:
            out = sided[look, i, side] = _with_sides(look, {i: side})
        return out

    for r1, c1, r2, c2 in layout.merged:
        anchor = looks.get((r1, c1), PLAIN)
        end = looks.get((r2, c2))
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    hidden.add((r, c))
                    looks[r, c] = PLAIN
        if end is not None and (r2, c2) != (r1, c1):
            end_sides = end[2] or _NO_SIDES
            anchor = _with_sides(anchor, {1: end_sides[1], 3: end_sides[3]})
        looks[r1, c1] = anchor
        sides = anchor[2] or _NO_SIDES
        edges = {
            0: [(r, c1) for r in range(r1, r2 + 1)],
            1: [(r, c2) for r in range(r1, r2 + 1)],
            2: [(r1, c) for c in range(c1, c2 + 1)],
            3: [(r2, c) for c in range(c1, c2 + 1)],
        }
        for i, cells in edges.items():
            if sides[i] is None:
                continue
            for cell in cells:
                looks[cell] = with_side(looks.get(cell, PLAIN), i, sides[i])
    return looks, hidden


class LookStyles:
    """Looks as cellXfs entries of the ledger's styles.xml, each built once."""

    def __init__(self, styles: _Styles):
        self.styles = styles
        self.xf: dict[Look, int] = {PLAIN: 0}

    def index(self, look: Look) -> int:
        hit = self.xf.get(look)
        if hit is None:
            hit = self.xf[look] = self._build(look)
        return hit

    def _build(self, look: Look) -> int:
        font, fill, border, alignment, number_format, quote = look
        st = self.styles
        attrs: dict[str, Any] = {
            "numFmtId": st.numfmt_id(number_format),
            "fontId": 0,
            "fillId": 0,
            "borderId": 0,
            "xfId": 0,
        }
        if font is not None:
            attrs["fontId"] = st.add("fonts", self._font(*font))
            attrs["applyFont"] = 1
        if fill is not None:
            attrs["fillId"] = st.add("fills", st._solid(fill))
            attrs["applyFill"] = 1
        if border is not None and any(border):
            attrs["borderId"] = st.add("borders", self._border(border))
            attrs["applyBorder"] = 1
        if attrs["numFmtId"]:
            attrs["applyNumberFormat"] = 1
        if quote:
            attrs["quotePrefix"] = 1
        children = []
        if alignment is not None:
            horizontal, vertical, wrap = alignment
            al = {k: v for k, v in (("horizontal", horizontal), ("vertical", vertical)) if v}
            if wrap:
                al["wrapText"] = 1
            if al:
                children.append(_E("alignment", al))
                attrs["applyAlignment"] = 1
        return st.add("cellXfs", _E("xf", attrs, *children))

    def _font(self, bold: bool, italic: bool, size: float | None, color: str | None):
        """The workbook's default font with the look's changes, so text keeps the clerk's typeface."""
        fonts = self.styles.items["fonts"]
        base = copy.deepcopy(fonts[0]) if fonts else _E("font")
        changed = {"b", "i"} | ({"sz"} if size else set()) | ({"color"} if color else set())
        for child in list(base):
            if _local(child.tag) in changed:
                base.remove(child)
        extra = []
        if bold:
            extra.append(_E("b"))
        if italic:
            extra.append(_E("i"))
        if size:
            extra.append(_E("sz", {"val": f"{float(size):g}"}))
        if color:
            extra.append(_E("color", {"rgb": "FF" + color}))
        for i, child in enumerate(extra):
            base.insert(i, child)
        return base

    @staticmethod
    def _border(sides: tuple):
        kids = []
        for name, side in zip(_SIDES, sides):
            if side is None:
                kids.append(_E(name))
            else:
                style, color = side
                kids.append(_E(name, {"style": style}, *([_E("color", {"rgb": "FF" + color})] if color else [])))
        kids.append(_E("diagonal"))
        return _E("border", None, *kids)


def write_layout(
    pkg: _Package,
    book: _Book,
    styles: _Styles,
    layout: SheetLayout,
    receipt: WriteReceipt,
    looks: LookStyles | None = None,
) -> None:
    """Put the layout into the package as the sheet of its name (replaced in place) or a new last sheet."""
    looks = looks or LookStyles(styles)
    part, index = _place(pkg, book, layout, receipt)
    drawing_rid = _write_charts(pkg, book, layout, part) if layout.charts else None
    if drawing_rid is None:
        pkg.delete(rels_path(part))
    with pkg.new_file(part) as out:
        for chunk in _sheet_xml(layout, looks, book.date1904, drawing_rid):
            out.write(chunk.encode("utf-8"))
    if layout.repeat_rows:
        first, last = layout.repeat_rows
        book.add_defined_name("_xlnm.Print_Titles", index, f"{_quoted(layout.name)}!${first}:${last}")


_TAIL = {fold(n) for n in (*SETTINGS_SHEET.values(), *LOG_SHEET.values())}
_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)>")


def _place(pkg: _Package, book: _Book, layout: SheetLayout, receipt: WriteReceipt) -> tuple[str, int]:
    """The part and tab index the layout is written to: the sheet of its name emptied in place; else an
    empty placeholder of the template renamed; else a new tab after the sheet it follows, or before the
    ledger's Settings, Log and hidden sheets (they stay last)."""
    if book.find(layout.name) is None:
        for name in layout.placeholders:
            spot = book.find(name)
            if spot is not None and len(_VALUE.findall(pkg.read(spot.part))) <= 1:  # a title at most
                book.rename_sheet(spot.name, layout.name)
                break
    new = book.find(layout.name) is None
    part, index = sheet_slot(pkg, book, layout.name, receipt)
    if new and fold(layout.name) not in _TAIL:  # a new Settings or Log sheet itself goes last
        after = next((book.find(n) for n in layout.follows if book.find(n) is not None), None)
        tail = [s.index for s in book.sheets if fold(s.name) in _TAIL or book.sheet_state(s.name) != "visible"]
        position = after.index + 1 if after is not None else min(tail, default=index)
        if position < index:
            book.move_sheet(layout.name, position)
            index = position
    return part, index


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _sheet_xml(layout: SheetLayout, looks: LookStyles, date1904: bool, drawing_rid: str | None):
    cells, hidden = cell_looks(layout)
    last_row = max((r for r, _ in cells), default=len(layout.rows))
    last_col = max((c for _, c in cells), default=layout.width)
    yield (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        + ("" if layout.scale else '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
        + f'<dimension ref="A1:{col_letter(max(last_col, 1))}{max(last_row, 1)}"/>'
        f'<sheetViews><sheetView workbookViewId="0">{_pane(layout.freeze)}</sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
    )
    if layout.widths:
        yield (
            "<cols>"
            + "".join(
                f'<col min="{c}" max="{c}" width="{w:g}" customWidth="1"/>' for c, w in sorted(layout.widths.items())
            )
            + "</cols>"
        )
    yield "<sheetData>"
    by_row: dict[int, list[int]] = {}
    for r, c in cells:
        by_row.setdefault(r, []).append(c)
    rows = layout.rows
    batch: list[str] = []
    for r in layout.heights:
        by_row.setdefault(r, [])
    for r in sorted(by_row):
        values = rows[r - 1] if r <= len(rows) else []
        height = layout.heights.get(r)
        parts = [f'<row r="{r}" ht="{height:g}" customHeight="1">' if height else f'<row r="{r}">']
        for c in sorted(by_row[r]):
            value = values[c - 1] if c <= len(values) and (r, c) not in hidden else None
            s = looks.index(cells[r, c])
            xml = cell_xml("", f"{col_letter(c)}{r}", value, s, date1904)
            if not xml and s == 0:
                continue
            parts.append(xml or f'<c r="{col_letter(c)}{r}" s="{s}"/>')
        parts.append("</row>")
        batch.append("".join(parts))
        if len(batch) >= 2000:
            yield "".join(batch)
            batch = []
    yield "".join(batch) + "</sheetData>"
    if layout.merged:
        yield (
            f'<mergeCells count="{len(layout.merged)}">'
            + "".join(
                f'<mergeCell ref="{col_letter(c1)}{r1}:{col_letter(c2)}{r2}"/>' for r1, c1, r2, c2 in layout.merged
            )
            + "</mergeCells>"
        )
    yield _page_xml(layout)
    if drawing_rid:
        yield f'<drawing r:id="{drawing_rid}"/>'
    yield "</worksheet>"


def _page_xml(layout: SheetLayout) -> str:
    """A4, fitted to the page width only (as many pages down as it takes), footer and manual row breaks."""
    side, top = layout.margins
    xml = (
        '<printOptions horizontalCentered="1"/>'
        f'<pageMargins left="{side:g}" right="{side:g}" top="{top:g}" bottom="{top:g}" header="0.2" footer="0.25"/>'
        f'<pageSetup paperSize="9" orientation="{"landscape" if layout.landscape else "portrait"}" '
        + (f'scale="{layout.scale}"/>' if layout.scale else 'fitToWidth="1" fitToHeight="0"/>')
    )
    if layout.footer:
        code = "".join(f"&{k}{part}" for k, part in zip("LCR", layout.footer) if part)
        xml += f"<headerFooter><oddFooter>{_xml_escape(code)}</oddFooter></headerFooter>"
    if layout.breaks:
        breaks = sorted(set(layout.breaks))
        xml += f'<rowBreaks count="{len(breaks)}" manualBreakCount="{len(breaks)}">' + "".join(
            f'<brk id="{r}" max="16383" man="1"/>' for r in breaks
        )
        xml += "</rowBreaks>"
    return xml


def _pane(freeze: str | None) -> str:
    if not freeze:
        return ""
    col, row = (n - 1 for n in cell_position(freeze))  # columns and rows left of / above the split
    if not col and not row:
        return ""
    active = "bottomRight" if col and row else ("bottomLeft" if row else "topRight")
    split = (f' xSplit="{col}"' if col else "") + (f' ySplit="{row}"' if row else "")
    return (
        f'<pane{split} topLeftCell="{freeze}" activePane="{active}" state="frozen"/>'
        f'<selection pane="{active}" activeCell="{freeze}" sqref="{freeze}"/>'
    )


def _write_charts(pkg: _Package, book: _Book, layout: SheetLayout, sheet_part: str) -> str:
    """The layout's charts as a drawing part of the sheet; returns the sheet's relationship id for it."""
    drawing = _fresh_name(pkg, "xl/drawings/drawing1.xml")
    pkg.put(drawing, b"")  # reserve the name before the charts take theirs
    anchors, chart_rels = [], []
    for i, spec in enumerate(layout.charts, start=1):
        chart_part = _fresh_name(pkg, "xl/charts/chart1.xml")
        chart = _chart(spec, layout.name)
        pkg.put(chart_part, b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + tostring(chart._write()))
        book.ct.set(chart_part, CHART_CONTENT_TYPE)
        chart_rels.append({"Id": f"rId{i}", "Type": CHART_REL_TYPE, "Target": relative_target(drawing, chart_part)})
        col, row = (n - 1 for n in cell_position(spec.anchor))  # the drawing counts from 0
        cx, cy = int(chart.width * 360000), int(chart.height * 360000)
        anchors.append(
            f"<xdr:oneCellAnchor><xdr:from><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row}</xdr:row>"
            f'<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="{cx}" cy="{cy}"/><xdr:graphicFrame macro="">'
            f'<xdr:nvGraphicFramePr><xdr:cNvPr id="{i + 1}" name="{_xml_escape(spec.title or f"Chart {i}")}"/>'
            '<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/>'
            '</xdr:xfrm><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
            f'<c:chart r:id="rId{i}"/></a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/>'
            "</xdr:oneCellAnchor>"
        )
    pkg.put(
        drawing,
        (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
            f'xmlns:r="{REL_NS}">' + "".join(anchors) + "</xdr:wsDr>"
        ).encode("utf-8"),
    )
    pkg.put(rels_path(drawing), _rels_xml(chart_rels))
    book.ct.set(drawing, DRAWING_CONTENT_TYPE)
    pkg.put(
        rels_path(sheet_part),
        _rels_xml([{"Id": "rId1", "Type": DRAWING_REL_TYPE, "Target": relative_target(sheet_part, drawing)}]),
    )
    return "rId1"


def _chart(spec, sheet_name: str):
    """The native chart of a ChartSpec, built with openpyxl's chart model (as io.render does)."""
    holder = Workbook().active
    holder.title = sheet_name
    return build_chart(spec, holder)
