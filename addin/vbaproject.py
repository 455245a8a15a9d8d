"""Rewrite an Excel vbaProject.bin on any OS: swap modules, rename the project.

Every module stream is written as compressed source at offset 0 with no
performance cache (p-code), and _VBA_PROJECT keeps version 0xFFFF, so Excel
recompiles the whole project from source when it opens the file (MS-OVBA 2.3.4.1).
The project ID and protection records are kept as they were; unused references can be dropped.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import olefile

from . import cfb, ovba, vbadir

_LITERAL = re.compile(r'"(?:[^"]|"")*"')


def encode_source(text: str, codepage: str = "cp1252") -> bytes:
    """VBA module text → bytes in the project code page, CRLF line ends.

    Characters the code page lacks may only occur inside string literals; those
    literals become ChrW() concatenations so the clerk still sees the text.
    """
    lines = []
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        pieces = []
        last = 0
        for match in _LITERAL.finditer(line):
            pieces.append(_check(line[last : match.start()], codepage, number))
            pieces.append(_literal(match.group(), codepage))
            last = match.end()
        pieces.append(_check(line[last:], codepage, number))
        out = "".join(pieces)
        if len(out) > 1023:
            raise ValueError(f"VBA line {number} longer than 1023 characters after encoding")
        lines.append(out)
    return "\r\n".join(lines).encode(codepage)


def _check(code: str, codepage: str, number: int) -> str:
    try:
        code.encode(codepage)
    except UnicodeEncodeError as exc:
        raise ValueError(f"VBA line {number}: {code[exc.start]!r} outside a string literal") from exc
    return code


def _literal(literal: str, codepage: str) -> str:
    body = literal[1:-1]
    parts: list[str] = []
    run = ""
    for ch in body:
        try:
            ch.encode(codepage)
            run += ch
        except UnicodeEncodeError:
            if run:
                parts.append(f'"{run}"')
                run = ""
            parts.append(f"ChrW(&H{ord(ch):04X})")
    if run or not parts:
        parts.append(f'"{run}"')
    return " & ".join(parts)


@dataclass
class VbaProject:
    """The parts of vbaProject.bin the build touches; everything else passes through."""

    dir: vbadir.DirStream
    sources: dict[str, bytes]  # module name -> source bytes (project code page)
    project: str  # PROJECT stream text
    vba_project_header: bytes  # _VBA_PROJECT stream
    root_clsid: bytes
    vba_clsid: bytes

    @classmethod
    def read(cls, data: bytes) -> VbaProject:
        ole = olefile.OleFileIO(data)
        directory = vbadir.parse(ovba.decompress(ole.openstream("VBA/dir").read()))
        cp = directory.codepage
        sources = {}
        for module in directory.modules:
            raw = ole.openstream("VBA/" + module.stream_name(cp)).read()
            sources[module.name(cp)] = ovba.decompress(raw[module.text_offset :])
        return cls(
            dir=directory,
            sources=sources,
            project=ole.openstream("PROJECT").read().decode(cp),
            vba_project_header=ole.openstream("VBA/_VBA_PROJECT").read(),
            root_clsid=_clsid_bytes(ole.root.clsid),
            vba_clsid=_clsid_bytes(ole.getclsid("VBA")),
        )

    @property
    def codepage(self) -> str:
        return self.dir.codepage

    def source(self, module: str) -> str:
        return self.sources[module].decode(self.codepage)

    def set_source(self, module: str, text: str) -> None:
        if module not in self.sources:
            raise KeyError(module)
        self.sources[module] = encode_source(text, self.codepage)

    def remove_module(self, name: str) -> None:
        module = self.dir.find(name)
        if not module.procedural:
            raise ValueError(f"{name} is a document/class module; only standard modules can be removed")
        self.dir.modules.remove(module)
        del self.sources[name]
        self.project = _without_lines(self.project, {f"Module={name}", f"{name}="})

    def add_module(self, name: str, text: str) -> None:
        if name in self.sources:
            raise ValueError(f"module {name} exists")
        if not text.startswith(f'Attribute VB_Name = "{name}"'):
            raise ValueError(f'module source must start with Attribute VB_Name = "{name}"')
        self.dir.modules.append(vbadir.procedural_module(name, self.codepage))
        self.sources[name] = encode_source(text, self.codepage)
        lines = self.project.split("\r\n")
        last_module = max(
            k
            for k, line in enumerate(lines)
            if line.split("=")[0] in {"Module", "Document", "Class", "BaseClass", "Package"}
        )
        lines.insert(last_module + 1, f"Module={name}")
        workspace = lines.index("[Workspace]")
        end = next((k for k in range(workspace + 1, len(lines)) if not lines[k]), len(lines))
        lines.insert(end, f"{name}=0, 0, 0, 0, C")
        self.project = "\r\n".join(lines)

    def remove_reference(self, name: str) -> None:
        """Drop a type-library reference nothing uses (fewer libraries Excel must find on the clerk's PC)."""
        self.dir = self.dir.without_reference(name)

    def rename(self, name: str) -> None:
        old = self.dir.project_name
        self.dir = self.dir.renamed(name)
        self.project = self.project.replace(f'Name="{old}"', f'Name="{name}"', 1)

    def write(self) -> bytes:
        cp = self.codepage
        header = bytearray(self.vba_project_header)
        header[2:4] = b"\xff\xff"  # no valid p-code: Excel must compile from source
        modules = [m.as_written() for m in self.dir.modules]
        directory = vbadir.DirStream(self.dir.head, modules)
        vba = cfb.Storage(clsid=self.vba_clsid)
        vba.children["_VBA_PROJECT"] = bytes(header)
        vba.children["dir"] = ovba.compress(vbadir.serialize(directory))
        for module in modules:
            vba.children[module.stream_name(cp)] = ovba.compress(self.sources[module.name(cp)])
        names = [m.name(cp) for m in modules]
        projectwm = b"".join(n.encode(cp) + b"\x00" + n.encode("utf-16-le") + b"\x00\x00" for n in names) + b"\x00\x00"
        root = cfb.Storage(clsid=self.root_clsid)
        root.children["PROJECT"] = self.project.encode(cp)
        root.children["PROJECTwm"] = projectwm
        root.children["VBA"] = vba
        return cfb.write(root)


def _clsid_bytes(text: str) -> bytes:
    return uuid.UUID(text).bytes_le if text else b"\x00" * 16


def _without_lines(text: str, prefixes: set[str]) -> str:
    lines = text.split("\r\n")
    return "\r\n".join(
        line for line in lines if not any(line == p or (p.endswith("=") and line.startswith(p)) for p in prefixes)
    )
