"""Sheets of a scratch openpyxl workbook transplanted into the ledger's package.

`save_changes(new_sheets=wb)`: each worksheet of `wb` replaces the same-named
ledger sheet (keeping its position) or is added at the end, with its drawings,
charts and comments; its styles are merged into the ledger's styles.xml and its
shared strings made inline. The tool's own sheets are written as worksheet XML
(io.sheet_writer); this path serves callers that build a sheet with openpyxl.
Tables inside transplanted sheets are not supported (ids would clash).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from typing import Any

from defusedxml import ElementTree as SafeET

from ledger.io.receipt import WriteReceipt, sheet_slot
from ledger.io.styles_part import _StyleImporter, _Styles
from ledger.io.xlsx_parts import (
    MAIN_NS,
    REL_NS,
    WS_REL_TYPE,
    _Book,
    _fresh_name,
    _local,
    _Package,
    _rels_xml,
    relative_target,
    rels_path,
    resolve_target,
)


def transplant_book(pkg: _Package, book: _Book, styles: _Styles, wb: Any, receipt: WriteReceipt) -> None:
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
