"""xl/styles.xml: fonts, fills, borders, number formats and cell formats appended, never rewritten.

Entries are deduplicated against what the workbook already has, so writing the
same looks twice adds nothing.
"""

from __future__ import annotations

import copy
import re
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET
from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE

from ledger.io.xlsx_parts import MAIN_NS, XML_NS, _esc_attr, _local, _root_prefix, _xml_escape


def _canon(el) -> tuple:
    attrs = tuple(sorted((k, v) for k, v in el.attrib.items() if not k.startswith("{")))
    kids = tuple(_canon(c) for c in el if c.tag.startswith(f"{{{MAIN_NS}}}") or not c.tag.startswith("{"))
    return (_local(el.tag), attrs, kids, (el.text or "").strip())


def _ser(el, prefix: str) -> str:
    tag = prefix + _local(el.tag)
    attrs = []
    for k, v in el.attrib.items():
        if k.startswith(f"{{{XML_NS}}}"):
            attrs.append(f'xml:{_local(k)}="{_esc_attr(v)}"')
        elif not k.startswith("{"):
            attrs.append(f'{k}="{_esc_attr(v)}"')
    kids = "".join(_ser(c, prefix) for c in el if c.tag.startswith(f"{{{MAIN_NS}}}") or not c.tag.startswith("{"))
    head = "<" + tag + "".join(" " + a for a in attrs)
    body = kids + (_xml_escape(el.text) if el.text and el.text.strip() else "")
    return head + "/>" if not body else f"{head}>{body}</{tag}>"


def _E(tag: str, attrib: dict | None = None, *children):
    el = Element(f"{{{MAIN_NS}}}{tag}", {k: str(v) for k, v in (attrib or {}).items()})
    el.extend(children)
    return el


class _Styles:
    """Appends fonts/fills/borders/numFmts/xfs/dxfs to xl/styles.xml without rewriting what is there."""

    SECTIONS = (
        "numFmts",
        "fonts",
        "fills",
        "borders",
        "cellStyleXfs",
        "cellXfs",
        "cellStyles",
        "dxfs",
        "tableStyles",
        "colors",
        "extLst",
    )

    def __init__(self, raw: bytes):
        self.text = raw.decode("utf-8")
        self.prefix = _root_prefix(self.text, "styleSheet")
        root = SafeET.fromstring(raw)
        self.items: dict[str, list] = {}
        self.keys: dict[str, dict[tuple, int]] = {}
        self.added: dict[str, list] = {}
        for sec in ("fonts", "fills", "borders", "cellXfs", "dxfs"):
            el = root.find(f"{{{MAIN_NS}}}{sec}")
            kids = [c for c in el] if el is not None else []
            self.items[sec] = kids
            self.keys[sec] = {}
            for i, c in enumerate(kids):
                self.keys[sec].setdefault(_canon(c), i)
            self.added[sec] = []
        nf = root.find(f"{{{MAIN_NS}}}numFmts")
        self.numfmts: dict[int, str] = {
            int(c.get("numFmtId")): c.get("formatCode", "") for c in (nf if nf is not None else [])
        }
        self.added_numfmts: list[tuple[int, str]] = []
        self._cache: dict[tuple, int] = {}

    # -- generic
    def add(self, sec: str, el) -> int:
        key = _canon(el)
        idx = self.keys[sec].get(key)
        if idx is None:
            idx = len(self.items[sec])
            self.items[sec].append(el)
            self.added[sec].append(el)
            self.keys[sec][key] = idx
        return idx

    def numfmt_id(self, code: str | None) -> int:
        if not code or code == "General":
            return 0
        for fid, c in self.numfmts.items():
            if c == code:
                return fid
        if code in BUILTIN_FORMATS_REVERSE:
            return BUILTIN_FORMATS_REVERSE[code]
        fid = max([163, *self.numfmts]) + 1
        self.numfmts[fid] = code
        self.added_numfmts.append((fid, code))
        return fid

    # -- styles for cells the tool writes
    def xf_for(self, number_format: str | None, fill: str | None, bold: bool, font_color: str | None) -> int:
        key = ("w", number_format, fill, bold, font_color)
        if key in self._cache:
            return self._cache[key]
        font_id = 0
        if bold or font_color:
            base = copy.deepcopy(self.items["fonts"][0]) if self.items["fonts"] else _E("font")
            for c in list(base):
                if _local(c.tag) in (("b",) if bold else ()) + (("color",) if font_color else ()):
                    base.remove(c)
            if font_color:
                base.insert(0, _E("color", {"rgb": "FF" + font_color.upper()}))
            if bold:
                base.insert(0, _E("b"))
            font_id = self.add("fonts", base)
        fill_id = self.add("fills", self._solid(fill)) if fill else 0
        attrs = {
            "numFmtId": self.numfmt_id(number_format),
            "fontId": font_id,
            "fillId": fill_id,
            "borderId": 0,
            "xfId": 0,
        }
        if attrs["numFmtId"]:
            attrs["applyNumberFormat"] = 1
        if font_id:
            attrs["applyFont"] = 1
        if fill_id:
            attrs["applyFill"] = 1
        idx = self.add("cellXfs", _E("xf", attrs))
        self._cache[key] = idx
        return idx

    def with_fill(self, xf_index: int, fill: str) -> int:
        """The clerk cell's own style with only its fill changed (highlighting keeps formats)."""
        key = ("f", xf_index, fill)
        if key in self._cache:
            return self._cache[key]
        xfs = self.items["cellXfs"]
        base = (
            copy.deepcopy(xfs[xf_index])
            if 0 <= xf_index < len(xfs)
            else _E("xf", {"numFmtId": 0, "fontId": 0, "fillId": 0, "borderId": 0, "xfId": 0})
        )
        base.set("fillId", str(self.add("fills", self._solid(fill))))
        base.set("applyFill", "1")
        idx = self.add("cellXfs", base)
        self._cache[key] = idx
        return idx

    @staticmethod
    def _solid(rgb: str):
        return _E(
            "fill",
            None,
            _E(
                "patternFill",
                {"patternType": "solid"},
                _E("fgColor", {"rgb": "FF" + rgb.upper().lstrip("#")[-6:]}),
                _E("bgColor", {"indexed": 64}),
            ),
        )

    # -- output
    def serialize(self) -> bytes:
        text = self.text
        if self.added_numfmts:
            items = "".join(
                f'<{self.prefix}numFmt numFmtId="{i}" formatCode="{_esc_attr(c)}"/>' for i, c in self.added_numfmts
            )
            text = self._append(text, "numFmts", items, len(self.numfmts))
        for sec in ("fonts", "fills", "borders", "cellXfs", "dxfs"):
            if self.added[sec]:
                items = "".join(_ser(e, self.prefix) for e in self.added[sec])
                text = self._append(text, sec, items, len(self.items[sec]))
        return text.encode("utf-8")

    def _append(self, text: str, sec: str, items: str, count: int) -> str:
        p = self.prefix
        m = re.search(rf"<{re.escape(p)}{sec}\b([^>]*?)(/?)>", text)
        if m:
            attrs = re.sub(r'\s*\bcount="\d*"', "", m.group(1))
            start = f'<{p}{sec} count="{count}"{attrs}>'
            if m.group(2):
                return text[: m.start()] + start + items + f"</{p}{sec}>" + text[m.end() :]
            end = text.index(f"</{p}{sec}>", m.end())
            return text[: m.start()] + start + text[m.end() : end] + items + text[end:]
        block = f'<{p}{sec} count="{count}">{items}</{p}{sec}>'
        for later in self.SECTIONS[self.SECTIONS.index(sec) + 1 :]:
            m = re.search(rf"<{re.escape(p)}{later}\b", text)
            if m:
                return text[: m.start()] + block + text[m.start() :]
        i = text.rindex(f"</{p}styleSheet>")
        return text[:i] + block + text[i:]
