"""What a unit string says about where it is (for stratified sampling)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_BUILDING = re.compile(r"([0-9A-Za-z一二三四五六七八九十百]+)\s*(?:栋|棟|幢|座|号楼|號樓|楼|樓|期|区|區)")
_LEADING = re.compile(r"^([0-9A-Za-z]+)[-#]\d")


@lru_cache(maxsize=65536)  # a ledger names a few thousand units, each on many rows
def building_of(unit: str | None) -> str | None:
    """`3栋2单元1101` → `3栋`; `A座1203` → `A座`; `5-1-302` → `5`; no building named → None."""
    if not unit:
        return None
    text = unicodedata.normalize("NFKC", unit).strip().upper()
    m = _BUILDING.search(text)
    if m:
        return m.group(0).replace(" ", "")
    m = _LEADING.match(text)
    return m.group(1) if m else None
