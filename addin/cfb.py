"""A minimal deterministic writer for Compound File Binary v3 (MS-CFB).

vbaProject.bin is a CFB file. olefile reads CFB but can only overwrite a stream
with data of the same length, and the maintained writers on PyPI are either
copyleft or early drafts, so the add-in build writes the container itself:
512-byte sectors, a mini stream for streams under 4096 bytes, zero timestamps,
entries in a fixed order. Same input, same bytes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")


@dataclass
class Storage:
    """A storage: child storages and streams by name, plus its CLSID (16 bytes)."""

    children: dict[str, Storage | bytes] = field(default_factory=dict)
    clsid: bytes = b"\x00" * 16


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    clsid: bytes = b"\x00" * 16
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    start: int = ENDOFCHAIN
    size: int = 0


def _sort_key(name: str) -> tuple[int, str]:
    # MS-CFB 2.6.4: shorter names first, then by upper-cased UTF-16 code units.
    return (len(name.encode("utf-16-le")), name.upper())


def _flatten(root: Storage) -> list[_Entry]:
    entries = [_Entry("Root Entry", 5, clsid=root.clsid)]

    def add(storage: Storage, index: int) -> None:
        names = sorted(storage.children, key=_sort_key)
        ids = []
        for name in names:
            if len(name) > 31:
                raise ValueError(f"CFB entry name too long: {name!r}")
            child = storage.children[name]
            entries.append(
                _Entry(name, 1, clsid=child.clsid) if isinstance(child, Storage) else _Entry(name, 2, data=child)
            )
            ids.append(len(entries) - 1)

        def balance(lo: int, hi: int) -> int:
            if lo >= hi:
                return NOSTREAM
            mid = (lo + hi) // 2
            entries[ids[mid]].left = balance(lo, mid)
            entries[ids[mid]].right = balance(mid + 1, hi)
            return ids[mid]

        entries[index].child = balance(0, len(ids))
        for name, eid in zip(names, ids):
            child = storage.children[name]
            if isinstance(child, Storage):
                add(child, eid)

    add(root, 0)
    return entries


def _chain(fat: list[int], first: int, count: int) -> None:
    for k in range(count):
        fat[first + k] = first + k + 1 if k + 1 < count else ENDOFCHAIN


def _pad(data: bytes, unit: int) -> bytes:
    return data + b"\x00" * (-len(data) % unit)


def write(root: Storage) -> bytes:
    """Serialize the storage tree to CFB v3 bytes."""
    entries = _flatten(root)

    # Small streams go into the mini stream, in entry order.
    mini = bytearray()
    minifat: list[int] = []
    for e in entries:
        if e.kind == 2 and 0 < len(e.data) < MINI_CUTOFF:
            e.start, e.size = len(mini) // MINI_SECTOR, len(e.data)
            n = -(-len(e.data) // MINI_SECTOR)
            minifat += [e.start + k + 1 if k + 1 < n else ENDOFCHAIN for k in range(n)]
            mini += _pad(e.data, MINI_SECTOR)
        elif e.kind == 2:
            e.size = len(e.data)

    dir_bytes_len = len(entries) * 128
    n_dir = -(-dir_bytes_len // SECTOR)
    n_mini = -(-len(mini) // SECTOR)
    n_minifat = -(-len(minifat) * 4 // SECTOR)
    big = [e for e in entries if e.kind == 2 and len(e.data) >= MINI_CUTOFF]
    n_big = sum(-(-len(e.data) // SECTOR) for e in big)
    payload = n_dir + n_mini + n_minifat + n_big
    n_fat = 1
    while n_fat * (SECTOR // 4) < payload + n_fat:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("file too large for a header-only DIFAT")

    fat = [FREESECT] * (n_fat * (SECTOR // 4))
    cursor = 0
    dir_start = cursor
    _chain(fat, cursor, n_dir)
    cursor += n_dir
    root_entry = entries[0]
    if mini:
        root_entry.start, root_entry.size = cursor, len(mini)
        _chain(fat, cursor, n_mini)
        cursor += n_mini
    minifat_start = cursor if minifat else ENDOFCHAIN
    _chain(fat, cursor, n_minifat)
    cursor += n_minifat
    for e in big:
        n = -(-len(e.data) // SECTOR)
        e.start = cursor
        _chain(fat, cursor, n)
        cursor += n
    fat_start = cursor
    for k in range(n_fat):
        fat[fat_start + k] = FATSECT

    directory = bytearray()
    for e in entries:
        name = e.name.encode("utf-16-le") + b"\x00\x00"
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name,
            len(name),
            e.kind,
            1,
            e.left,
            e.right,
            e.child,
            e.clsid,
            0,
            0,
            0,
            e.start if e.kind != 1 else 0,
            e.size,
        )
    empty = struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"\x00" * 16, 0, 0, 0, 0, 0)
    while len(directory) % SECTOR:
        directory += empty

    difat = [fat_start + k for k in range(n_fat)] + [FREESECT] * (109 - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        SIGNATURE,
        b"\x00" * 16,
        0x003E,
        0x0003,
        0xFFFE,
        9,
        6,
        b"\x00" * 6,
        0,
        n_fat,
        dir_start,
        0,
        MINI_CUTOFF,
        minifat_start,
        n_minifat,
        ENDOFCHAIN,
        0,
    ) + struct.pack("<109I", *difat)

    body = bytearray(header)
    body += directory
    body += _pad(bytes(mini), SECTOR)
    if minifat:  # unused entries of the last mini-FAT sector are free, not "next is sector 0"
        minifat += [FREESECT] * (-len(minifat) % (SECTOR // 4))
        body += struct.pack(f"<{len(minifat)}I", *minifat)
    for e in big:
        body += _pad(e.data, SECTOR)
    body += struct.pack(f"<{len(fat)}I", *fat)
    return bytes(body)
