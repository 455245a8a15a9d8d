"""The xlsx package as parts: the zip with pending edits, relationships, content types, workbook.xml.

Edits are made as text so that namespace prefixes and `mc:Ignorable`
declarations survive untouched (an ElementTree round trip renames prefixes,
which Excel reports as corruption); members that do not change are copied
compressed, byte for byte. Used by io.package and io.sheet_writer.
"""

from __future__ import annotations

import io
import posixpath
import re
import shutil
import struct
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape as _xml_escape

from defusedxml import ElementTree as SafeET

from ledger.io.scratch import private_dir, tag

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_NS = "http://www.w3.org/XML/1998/namespace"
WS_REL_TYPE = REL_NS + "/worksheet"
CALC_CHAIN_TYPE = REL_NS + "/calcChain"
WS_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
COMPRESS_LEVEL = 3  # rewritten parts: 4 times faster than zlib's default, ~15 % larger
CHUNK = 1 << 20

# --------------------------------------------------------------------------- part names


def rels_path(part: str) -> str:
    d, b = posixpath.split(part)
    return posixpath.join(d, "_rels", b + ".rels")


def resolve_target(source_part: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def relative_target(source_part: str, part: str) -> str:
    return posixpath.relpath(part, posixpath.dirname(source_part) or ".")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _esc_attr(v: str) -> str:
    return _xml_escape(v, {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _root_prefix(xml_head: bytes | str, local: str) -> str:
    """The namespace prefix (with colon) the part uses for its main elements, usually ''."""
    pat = r"<(?:([A-Za-z_][\w.-]*):)?" + local + r"[\s>/]"
    m = re.search(pat.encode() if isinstance(xml_head, bytes) else pat, xml_head)
    if not m or not m.group(1):
        return ""
    p = m.group(1)
    return (p.decode() if isinstance(p, bytes) else p) + ":"


# --------------------------------------------------------------------------- the package


class _Package:
    """The source zip plus pending edits: replaced/added parts (bytes or a temp file) and deletions."""

    def __init__(self, path: Path):
        self.path = path
        self.zf = zipfile.ZipFile(path)
        self.infos = {i.filename: i for i in self.zf.infolist()}
        self.order = [i.filename for i in self.zf.infolist()]
        self.parts: dict[str, bytes] = {}
        self.files: dict[str, Path] = {}
        self.deleted: set[str] = set()
        # private (0700), pid-tagged: a killed run's parts are swept by the next run (io.scratch)
        self._tmpdir = tempfile.TemporaryDirectory(prefix=tag("pkg_"), dir=private_dir())

    def __enter__(self) -> _Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.zf.close()
        self._tmpdir.cleanup()

    def exists(self, name: str) -> bool:
        return name not in self.deleted and (name in self.parts or name in self.files or name in self.infos)

    def names(self) -> list[str]:
        extra = [n for n in list(self.parts) + list(self.files) if n not in self.infos]
        return [n for n in self.order + extra if self.exists(n)]

    def read(self, name: str) -> bytes:
        if name in self.deleted:
            raise KeyError(name)
        if name in self.parts:
            return self.parts[name]
        if name in self.files:
            return self.files[name].read_bytes()
        return self.zf.read(name)

    def open(self, name: str):
        if name in self.parts:
            return io.BytesIO(self.parts[name])
        if name in self.files:
            return open(self.files[name], "rb")
        return self.zf.open(name)

    def put(self, name: str, data: bytes) -> None:
        self.deleted.discard(name)
        self.files.pop(name, None)
        self.parts[name] = data

    def new_file(self, name: str):
        """A temp file whose content becomes part `name` (for big streamed parts)."""
        self.deleted.discard(name)
        self.parts.pop(name, None)
        p = Path(self._tmpdir.name) / f"part{len(self.files)}.xml"
        self.files[name] = p
        return open(p, "wb")

    def delete(self, name: str) -> None:
        self.parts.pop(name, None)
        self.files.pop(name, None)
        if name in self.infos:
            self.deleted.add(name)

    def write(self, out: Path) -> None:
        now = time.localtime()[:6]
        with open(self.path, "rb") as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for name in self.names():
                info = self.infos.get(name)
                if name in self.parts or name in self.files:
                    zi = zipfile.ZipInfo(name, info.date_time if info else now)
                    zi.compress_type = zipfile.ZIP_DEFLATED
                    setattr(zi, "compress_level" if hasattr(zi, "compress_level") else "_compresslevel", COMPRESS_LEVEL)
                    zi.external_attr = info.external_attr if info else 0
                    with zout.open(zi, "w") as w:
                        if name in self.parts:
                            w.write(self.parts[name])
                        else:
                            with open(self.files[name], "rb") as f:
                                shutil.copyfileobj(f, w, CHUNK)
                else:
                    _copy_raw(zout, src, info)


def _copy_raw(zout: zipfile.ZipFile, src, info: zipfile.ZipInfo) -> None:
    """Copy one member's compressed bytes unchanged (zipfile has no public API for this)."""
    src.seek(info.header_offset)
    head = src.read(30)
    if head[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    n, m = struct.unpack("<HH", head[26:30])
    src.seek(info.header_offset + 30 + n + m)
    zi = zipfile.ZipInfo(info.filename, info.date_time)
    for attr in (
        "compress_type",
        "comment",
        "create_system",
        "create_version",
        "extract_version",
        "reserved",
        "volume",
        "internal_attr",
        "external_attr",
        "CRC",
        "compress_size",
        "file_size",
    ):
        setattr(zi, attr, getattr(info, attr))
    zi.flag_bits = info.flag_bits & ~0x08  # sizes go in the local header, no data descriptor
    zi.extra = _strip_zip64_extra(info.extra)
    zip64 = info.file_size > zipfile.ZIP64_LIMIT or info.compress_size > zipfile.ZIP64_LIMIT
    zi.header_offset = zout.fp.tell()
    zout.fp.write(zi.FileHeader(zip64))
    left = info.compress_size
    while left:
        buf = src.read(min(CHUNK, left))
        if not buf:
            raise zipfile.BadZipFile(f"truncated member {info.filename}")
        zout.fp.write(buf)
        left -= len(buf)
    zout.filelist.append(zi)
    zout.NameToInfo[zi.filename] = zi
    zout.start_dir = zout.fp.tell()
    zout._didModify = True


def _strip_zip64_extra(extra: bytes) -> bytes:
    out, i = b"", 0
    while i + 4 <= len(extra):
        hid, ln = struct.unpack("<HH", extra[i : i + 4])
        if hid != 0x0001:
            out += extra[i : i + 4 + ln]
        i += 4 + ln
    return out


# --------------------------------------------------------------------------- rels & content types


def _read_rels(pkg: _Package, part: str) -> list[dict[str, str]]:
    rp = rels_path(part)
    if not pkg.exists(rp):
        return []
    root = SafeET.fromstring(pkg.read(rp))
    return [dict(el.attrib) for el in root if _local(el.tag) == "Relationship"]


def _rels_xml(rels: list[dict[str, str]]) -> bytes:
    items = "".join("<Relationship " + " ".join(f'{k}="{_esc_attr(v)}"' for k, v in r.items()) + "/>" for r in rels)
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{PKG_REL_NS}">{items}</Relationships>'
    ).encode()


def _internal_targets(part: str, rels: list[dict[str, str]]) -> list[str]:
    return [resolve_target(part, r["Target"]) for r in rels if r.get("TargetMode") != "External"]


class _ContentTypes:
    NAME = "[Content_Types].xml"

    def __init__(self, pkg: _Package):
        self.pkg = pkg
        raw = pkg.read(self.NAME)
        self.text = raw.decode("utf-8")
        root = SafeET.fromstring(raw)
        self.defaults = {
            el.get("Extension", "").lower(): el.get("ContentType", "") for el in root if _local(el.tag) == "Default"
        }
        self.overrides = {
            el.get("PartName", "").lstrip("/"): el.get("ContentType", "") for el in root if _local(el.tag) == "Override"
        }
        self.dirty = False

    def type_of(self, part: str) -> str | None:
        if part in self.overrides:
            return self.overrides[part]
        return self.defaults.get(posixpath.splitext(part)[1].lstrip(".").lower())

    def set(self, part: str, ctype: str) -> None:
        if self.type_of(part) == ctype:
            return
        if part in self.overrides:
            self.remove(part)
        ext = posixpath.splitext(part)[1].lstrip(".").lower()
        if ext and ext not in self.defaults and not ctype.endswith("+xml") and "xml" not in ext:
            self.text = self._insert(f'<Default Extension="{_esc_attr(ext)}" ContentType="{_esc_attr(ctype)}"/>')
            self.defaults[ext] = ctype
        else:
            self.text = self._insert(f'<Override PartName="/{_esc_attr(part)}" ContentType="{_esc_attr(ctype)}"/>')
            self.overrides[part] = ctype
        self.dirty = True

    def remove(self, part: str) -> None:
        if part not in self.overrides:
            return
        pat = r'<(?:\w+:)?Override\b[^>]*?PartName="/?' + re.escape(part) + r'"[^>]*?/>'
        self.text = re.sub(pat, "", self.text, flags=re.IGNORECASE)
        del self.overrides[part]
        self.dirty = True

    def _insert(self, xml: str) -> str:
        i = self.text.rfind("</")
        return self.text[:i] + xml + self.text[i:]

    def flush(self) -> None:
        if self.dirty:
            self.pkg.put(self.NAME, self.text.encode("utf-8"))


# --------------------------------------------------------------------------- the workbook part


@dataclass
class _SheetRef:
    name: str
    rid: str
    part: str
    index: int


class _Book:
    """xl/workbook.xml, its rels and [Content_Types].xml, edited as text."""

    PART = "xl/workbook.xml"

    def __init__(self, pkg: _Package):
        self.pkg = pkg
        raw = pkg.read(self.PART)
        self.text = self._original = raw.decode("utf-8")
        self.prefix = _root_prefix(self.text, "workbook")
        root = SafeET.fromstring(raw)
        pr = root.find(f"{{{MAIN_NS}}}workbookPr")
        self.date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
        self.rels = _read_rels(pkg, self.PART)
        self.rels_dirty = False
        self.ct = _ContentTypes(pkg)
        self.sheets: list[_SheetRef] = []
        by_id = {r["Id"]: r for r in self.rels}
        sheets_el = root.find(f"{{{MAIN_NS}}}sheets")
        sheet_els = list(sheets_el) if sheets_el is not None else []
        for i, el in enumerate(sheet_els):
            rid = el.get(f"{{{REL_NS}}}id", "")
            rel = by_id.get(rid)
            part = resolve_target(self.PART, rel["Target"]) if rel else ""
            self.sheets.append(_SheetRef(el.get("name", ""), rid, part, i))
        self.max_sheet_id = max([int(el.get("sheetId", "0")) for el in sheet_els] + [0])
        m = re.search(r'xmlns:([\w.-]+)="' + re.escape(REL_NS) + '"', self.text)
        self.r_prefix = m.group(1) if m else None

    def find(self, name: str) -> _SheetRef | None:
        key = name.casefold()
        return next((s for s in self.sheets if s.name.casefold() == key), None)

    # -- sheets
    def add_sheet(self, name: str, part: str, state: str | None = None) -> _SheetRef:
        rid = self.new_rid()
        self.rels.append({"Id": rid, "Type": WS_REL_TYPE, "Target": relative_target(self.PART, part)})
        self.rels_dirty = True
        self.max_sheet_id += 1
        p = self.prefix
        rattr = f'{self.r_prefix}:id="{rid}"' if self.r_prefix else f'r:id="{rid}" xmlns:r="{REL_NS}"'
        st = f' state="{state}"' if state in ("hidden", "veryHidden") else ""
        el = f'<{p}sheet name="{_esc_attr(name)}" sheetId="{self.max_sheet_id}"{st} {rattr}/>'
        m = re.search(rf"</{re.escape(p)}sheets>", self.text)
        if m:
            self.text = self.text[: m.start()] + el + self.text[m.start() :]
        else:
            m = re.search(rf"<{re.escape(p)}sheets\s*/>", self.text)
            self.text = self.text[: m.start()] + f"<{p}sheets>{el}</{p}sheets>" + self.text[m.end() :]
        self.ct.set(part, WS_CONTENT_TYPE)
        ref = _SheetRef(name, rid, part, len(self.sheets))
        self.sheets.append(ref)
        return ref

    def remove_sheet(self, name: str) -> None:
        ref = self.find(name)
        p = re.escape(self.prefix)
        pat = rf'<{p}sheet\b[^>]*?name="{re.escape(_esc_attr(ref.name))}"[^>]*?/>'
        self.text = re.sub(pat, "", self.text, count=1)
        self.remove_defined_names(ref.index, renumber=True)
        self.rels = [r for r in self.rels if r["Id"] != ref.rid]
        self.rels_dirty = True
        remove_part_tree(self.pkg, self, ref.part)
        self.sheets.remove(ref)
        for s in self.sheets:
            if s.index > ref.index:
                s.index -= 1
        self._fix_active_tab()

    def sheet_state(self, name: str) -> str:
        """visible, hidden or veryHidden."""
        tag = self._sheet_tag(name)
        m = re.search(r'\bstate="(\w+)"', tag) if tag else None
        return m.group(1) if m else "visible"

    def _sheet_tag(self, name: str) -> str | None:
        p = re.escape(self.prefix)
        m = re.search(rf'<{p}sheet\b[^>]*?name="{re.escape(_esc_attr(name))}"[^>]*?/>', self.text)
        return m.group(0) if m else None

    def rename_sheet(self, old: str, new: str) -> None:
        """The tab `old` renamed `new` (its position, part and sheet-scoped names kept)."""
        ref = self.find(old)
        tag = self._sheet_tag(ref.name)
        self.text = self.text.replace(tag, tag.replace(f'name="{_esc_attr(ref.name)}"', f'name="{_esc_attr(new)}"'), 1)
        ref.name = new

    def move_sheet(self, name: str, position: int) -> None:
        """Move a sheet's tab to an earlier `position` (0-based); sheet-scoped defined names and the active
        tab follow."""
        ref = self.find(name)
        old = ref.index
        if position >= old:
            return
        tag = self._sheet_tag(ref.name)
        self.text = self.text.replace(tag, "", 1)
        target = next(s for s in self.sheets if s.index == position)
        anchor = self._sheet_tag(target.name)
        self.text = self.text.replace(anchor, tag + anchor, 1)
        mapping = {s.index: s.index for s in self.sheets}
        for s in self.sheets:
            if s is ref:
                mapping[old] = position
            elif position <= s.index < old:
                mapping[s.index] = s.index + 1
            elif old < s.index <= position:
                mapping[s.index] = s.index - 1
        for s in self.sheets:
            s.index = mapping[s.index]
        self.sheets.sort(key=lambda s: s.index)
        self.text = re.sub(
            r'\b(localSheetId|activeTab)="(\d+)"',
            lambda m: f'{m.group(1)}="{mapping.get(int(m.group(2)), int(m.group(2)))}"',
            self.text,
        )

    def _fix_active_tab(self) -> None:
        n = len(self.sheets)

        def fix(m: re.Match) -> str:
            return f'{m.group(1)}="{min(int(m.group(2)), max(n - 1, 0))}"'

        self.text = re.sub(r'\b(activeTab|firstSheet)="(\d+)"', fix, self.text)

    def new_rid(self) -> str:
        used = {r["Id"] for r in self.rels}
        n = len(used) + 1
        while f"rId{n}" in used:
            n += 1
        return f"rId{n}"

    # -- defined names
    def remove_defined_names(self, sheet_index: int, renumber: bool = False) -> None:
        p = re.escape(self.prefix)
        pat = re.compile(rf"<{p}definedName\b([^>]*)>(.*?)</{p}definedName>|<{p}definedName\b[^>]*/>", re.S)

        def sub(m: re.Match) -> str:
            lm = re.search(r'localSheetId="(\d+)"', m.group(0)[: m.group(0).find(">")])
            if not lm:
                return m.group(0)
            k = int(lm.group(1))
            if k == sheet_index:
                return ""
            if renumber and k > sheet_index:
                return m.group(0).replace(lm.group(0), f'localSheetId="{k - 1}"', 1)
            return m.group(0)

        self.text = pat.sub(sub, self.text)
        self.text = re.sub(rf"<{p}definedNames>\s*</{p}definedNames>", "", self.text)

    def add_defined_name(self, name: str, sheet_index: int, value: str, hidden: bool = False) -> None:
        p = self.prefix
        hid = ' hidden="1"' if hidden else ""
        el = f'<{p}definedName name="{_esc_attr(name)}" localSheetId="{sheet_index}"{hid}>{_xml_escape(value)}</{p}definedName>'
        m = re.search(rf"</{re.escape(p)}definedNames>", self.text)
        if m:
            self.text = self.text[: m.start()] + el + self.text[m.start() :]
            return
        m = re.search(rf"<{re.escape(p)}definedNames\s*/>", self.text)
        if m:
            self.text = self.text[: m.start()] + f"<{p}definedNames>{el}</{p}definedNames>" + self.text[m.end() :]
            return
        block = f"<{p}definedNames>{el}</{p}definedNames>"
        anchor = (
            re.search(rf"</{re.escape(p)}externalReferences>", self.text)
            or re.search(rf"</{re.escape(p)}functionGroups>|<{re.escape(p)}functionGroups\b[^>]*/>", self.text)
            or re.search(rf"</{re.escape(p)}sheets>", self.text)
        )
        self.text = self.text[: anchor.end()] + block + self.text[anchor.end() :]

    def drop_calc_chain(self) -> None:
        for r in list(self.rels):
            if r.get("Type") == CALC_CHAIN_TYPE:
                part = resolve_target(self.PART, r["Target"])
                self.rels.remove(r)
                self.rels_dirty = True
                self.pkg.delete(part)
                self.ct.remove(part)

    def flush(self) -> None:
        if self.text != self._original:
            self.pkg.put(self.PART, self.text.encode("utf-8"))
        if self.rels_dirty:
            self.pkg.put(rels_path(self.PART), _rels_xml(self.rels))
        self.ct.flush()


def _all_rel_targets(pkg: _Package, exclude_sources: set[str]) -> set[str]:
    """Every part referenced by a .rels file whose source part is not in `exclude_sources`."""
    found: set[str] = set()
    for name in pkg.names():
        if not name.endswith(".rels"):
            continue
        d, b = posixpath.split(name)
        source = posixpath.join(posixpath.dirname(d), b[:-5])
        if source in exclude_sources:
            continue
        found.update(_internal_targets(source, _read_rels_file(pkg, name)))
    return found


def _read_rels_file(pkg: _Package, name: str) -> list[dict[str, str]]:
    root = SafeET.fromstring(pkg.read(name))
    return [dict(el.attrib) for el in root if _local(el.tag) == "Relationship"]


def _closure(pkg: _Package, part: str, stop: set[str] = frozenset()) -> list[str]:
    seen, todo = [part], [part]
    while todo:
        cur = todo.pop()
        for t in _internal_targets(cur, _read_rels(pkg, cur)):
            if t not in seen and t not in stop and pkg.exists(t):
                seen.append(t)
                todo.append(t)
    return seen


def remove_part_tree(pkg: _Package, book: _Book, part: str, keep_root: bool = False) -> list[str]:
    """Delete a sheet part and the parts only it uses (drawings, charts, comments, images...)."""
    full = set(_closure(pkg, part))
    outside = _all_rel_targets(pkg, full)
    own = _closure(pkg, part, stop=outside)
    removed = []
    for p in own:
        if p == part and keep_root:
            pkg.delete(rels_path(p))
            continue
        pkg.delete(p)
        pkg.delete(rels_path(p))
        book.ct.remove(p)
        removed.append(p)
    return removed


def _fresh_name(pkg: _Package, like: str) -> str:
    d, b = posixpath.split(like)
    m = re.match(r"(.*?)(\d*)(\.[^.]*)$", b)
    stem, ext = m.group(1), m.group(3)
    taken = {n.lower() for n in pkg.names()} | {n.lower() for n in pkg.infos}
    k = 1
    while posixpath.join(d, f"{stem}{k}{ext}").lower() in taken:
        k += 1
    return posixpath.join(d, f"{stem}{k}{ext}")
