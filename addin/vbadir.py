"""The VBA project's `dir` stream (MS-OVBA 2.3.4.2) as a list of records, and back.

Every record is Id(u16) Size(u32) Data, except PROJECTVERSION whose Size field
says 4 but is followed by 6 bytes. Keeping unknown records as opaque bytes lets
the build change only the module list and the project name, nothing else.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

VERSION = 0x0009
NAME = 0x0004
CODEPAGE = 0x0003
MODULES = 0x000F
REFERENCE_NAME = 0x0016
PROJECT_COOKIE = 0x0013
MODULE_NAME = 0x0019
MODULE_NAME_UNICODE = 0x0047
MODULE_STREAM_NAME = 0x001A
MODULE_STREAM_NAME_UNICODE = 0x0032
MODULE_DOCSTRING = 0x001C
MODULE_DOCSTRING_UNICODE = 0x0048
MODULE_OFFSET = 0x0031
MODULE_HELP_CONTEXT = 0x001E
MODULE_COOKIE = 0x002C
MODULE_TYPE_PROCEDURAL = 0x0021
MODULE_TERMINATOR = 0x002B
DIR_TERMINATOR = 0x0010

Record = tuple[int, bytes]


@dataclass
class Module:
    records: list[Record]

    def _get(self, rid: int) -> bytes:
        return next(data for i, data in self.records if i == rid)

    def name(self, codepage: str) -> str:
        return self._get(MODULE_NAME).decode(codepage)

    def stream_name(self, codepage: str) -> str:
        return self._get(MODULE_STREAM_NAME).decode(codepage)

    @property
    def text_offset(self) -> int:
        return struct.unpack("<I", self._get(MODULE_OFFSET))[0]

    @property
    def procedural(self) -> bool:
        return any(i == MODULE_TYPE_PROCEDURAL for i, _ in self.records)

    def as_written(self) -> Module:
        """Source-only module as MS-OVBA says to write it: offset 0, cookie 0xFFFF."""
        fixed = {MODULE_OFFSET: struct.pack("<I", 0), MODULE_COOKIE: struct.pack("<H", 0xFFFF)}
        return Module([(i, fixed.get(i, d)) for i, d in self.records])


@dataclass
class DirStream:
    head: list[Record]
    modules: list[Module] = field(default_factory=list)

    @property
    def codepage(self) -> str:
        cp = struct.unpack("<H", next(d for i, d in self.head if i == CODEPAGE))[0]
        return f"cp{cp}"

    @property
    def project_name(self) -> str:
        return next(d for i, d in self.head if i == NAME).decode(self.codepage)

    def renamed(self, name: str) -> DirStream:
        head = [(i, name.encode(self.codepage) if i == NAME else d) for i, d in self.head]
        return DirStream(head, list(self.modules))

    def reference_names(self) -> list[str]:
        """Names of the project's references, in order (a reference's extended name is not counted twice)."""
        names: list[str] = []
        for rid, data in self.head:
            if rid == REFERENCE_NAME:
                name = data.decode(self.codepage)
                if not names or names[-1] != name:
                    names.append(name)
        return names

    def without_reference(self, name: str) -> DirStream:
        """The records of reference `name` removed: from its REFERENCENAME up to the next reference's
        name or the module list (a control reference repeats its own name inside, which stays in)."""
        encoded = name.encode(self.codepage)
        start = next(k for k, (rid, data) in enumerate(self.head) if rid == REFERENCE_NAME and data == encoded)
        end = next(
            k
            for k in range(start + 1, len(self.head))
            if (self.head[k][0] == REFERENCE_NAME and self.head[k][1] != encoded) or self.head[k][0] == MODULES
        )
        return DirStream(self.head[:start] + self.head[end:], list(self.modules))

    def find(self, name: str) -> Module:
        return next(m for m in self.modules if m.name(self.codepage) == name)


def parse(data: bytes) -> DirStream:
    records: list[Record] = []
    pos = 0
    while pos < len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        pos += 6
        if rid == VERSION:
            size = 6
        records.append((rid, data[pos : pos + size]))
        pos += size
        if rid == DIR_TERMINATOR:
            break
    cut = next(k for k, (rid, _) in enumerate(records) if rid == PROJECT_COOKIE) + 1
    head, rest = records[:cut], records[cut:]
    modules: list[Module] = []
    current: list[Record] = []
    for rec in rest:
        if rec[0] == DIR_TERMINATOR:
            break
        current.append(rec)
        if rec[0] == MODULE_TERMINATOR:
            modules.append(Module(current))
            current = []
    return DirStream(head, modules)


def serialize(d: DirStream) -> bytes:
    out = bytearray()
    for rid, data in d.head:
        if rid == MODULES:
            data = struct.pack("<H", len(d.modules))
        elif rid == PROJECT_COOKIE:
            data = struct.pack("<H", 0xFFFF)  # MS-OVBA: MUST be 0xFFFF on write
        size = 4 if rid == VERSION else len(data)
        out += struct.pack("<HI", rid, size) + data
    for module in d.modules:
        for rid, data in module.records:
            out += struct.pack("<HI", rid, len(data)) + data
    out += struct.pack("<HI", DIR_TERMINATOR, 0)
    return bytes(out)


def procedural_module(name: str, codepage: str) -> Module:
    """Records of a standard module whose stream holds compressed source only (offset 0)."""
    mbcs = name.encode(codepage)
    utf16 = name.encode("utf-16-le")
    return Module(
        [
            (MODULE_NAME, mbcs),
            (MODULE_NAME_UNICODE, utf16),
            (MODULE_STREAM_NAME, mbcs),
            (MODULE_STREAM_NAME_UNICODE, utf16),
            (MODULE_DOCSTRING, b""),
            (MODULE_DOCSTRING_UNICODE, b""),
            (MODULE_OFFSET, struct.pack("<I", 0)),
            (MODULE_HELP_CONTEXT, struct.pack("<I", 0)),
            (MODULE_COOKIE, struct.pack("<H", 0xFFFF)),
            (MODULE_TYPE_PROCEDURAL, b""),
            (MODULE_TERMINATOR, b""),
        ]
    )
