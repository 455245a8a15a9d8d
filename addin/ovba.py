"""MS-OVBA run-length compression (section 2.4.1) for VBA module and dir streams.

Excel stores VBA source compressed; writing a module from Linux needs the
compressor, and reading the base add-in's dir stream needs the decompressor.
The output is deterministic: same input, same bytes.
"""

from __future__ import annotations

CHUNK = 4096
_MIN_MATCH = 3


def _copy_token_split(position: int) -> tuple[int, int]:
    """Bit count of the offset field and the maximum match length at `position` in a chunk."""
    bit_count = max((position - 1).bit_length(), 4)
    length_mask = 0xFFFF >> bit_count
    return bit_count, length_mask + 3


def _compress_chunk(data: bytes) -> bytes:
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    pos = 0
    n = len(data)
    while pos < n:
        flag_index = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            best_len = 0
            best_off = 0
            if pos > 0 and pos + _MIN_MATCH <= n:
                bit_count, max_len = _copy_token_split(pos)
                limit = min(max_len, n - pos)
                for cand in reversed(heads.get(data[pos : pos + _MIN_MATCH], ())):
                    length = 0
                    while length < limit and data[cand + length] == data[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - cand
                        if length == limit:
                            break
            step = best_len if best_len >= _MIN_MATCH else 1
            if best_len >= _MIN_MATCH:
                token = ((best_off - 1) << (16 - bit_count)) | (best_len - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
            else:
                out.append(data[pos])
            for p in range(pos, pos + step):
                if p + _MIN_MATCH <= n:
                    heads.setdefault(data[p : p + _MIN_MATCH], []).append(p)
            pos += step
        out[flag_index] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """CompressedContainer for `data`: signature byte, then one chunk per 4096 bytes."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        raw = data[start : start + CHUNK]
        body = _compress_chunk(raw)
        if len(body) > CHUNK:
            # Incompressible: a raw chunk always holds 4096 bytes (padded, per 2.4.1.3.10).
            header = 0x3000 | (CHUNK + 2 - 3)
            body = raw.ljust(CHUNK, b"\x00")
        else:
            header = 0xB000 | (len(body) + 2 - 3)
        out += header.to_bytes(2, "little") + body
    return bytes(out)


def decompress(container: bytes) -> bytes:
    """Inverse of compress (2.4.1.3.1); raises ValueError on a malformed container."""
    if not container or container[0] != 1:
        raise ValueError("not an MS-OVBA compressed container")
    out = bytearray()
    pos = 1
    while pos < len(container):
        header = int.from_bytes(container[pos : pos + 2], "little")
        size = (header & 0x0FFF) + 3
        if (header >> 12) & 0b0111 != 0b011:
            raise ValueError(f"bad chunk signature at {pos}")
        end = min(pos + size, len(container))
        pos += 2
        chunk_start = len(out)
        if not header & 0x8000:
            out += container[pos : pos + CHUNK]
            pos += CHUNK
            continue
        while pos < end:
            flags = container[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if flags & (1 << bit):
                    token = int.from_bytes(container[pos : pos + 2], "little")
                    bit_count, _ = _copy_token_split(len(out) - chunk_start)
                    length = (token & (0xFFFF >> bit_count)) + 3
                    offset = (token >> (16 - bit_count)) + 1
                    for _ in range(length):
                        out.append(out[-offset])
                    pos += 2
                else:
                    out.append(container[pos])
                    pos += 1
    return bytes(out)
