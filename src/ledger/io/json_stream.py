"""Print a JSON document fast and without a second copy of it in memory.

`json.dump(..., indent=2)` runs the pure-Python encoder: at 100k cases the
callbacks document took longer to print than to compute. Here the top level
is indented as usual, and each item of a long list (cases, problems) is one
line encoded by the C encoder. Still one valid JSON document.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

_compact = json.JSONEncoder(ensure_ascii=False, default=str, separators=(", ", ": ")).encode
_pretty = json.JSONEncoder(ensure_ascii=False, default=str, indent=2).encode


def write_json(doc: Any, out: TextIO) -> None:
    """Write `doc` and a newline; dicts at the top level put a list's items one per line."""
    if not isinstance(doc, dict) or not doc:
        out.write(_pretty(doc) + "\n")
        return
    out.write("{\n")
    last = len(doc) - 1
    for i, (key, value) in enumerate(doc.items()):
        out.write(f"  {_compact(str(key))}: ")
        if isinstance(value, list) and value:
            out.write("[\n")
            batch: list[str] = []
            for j, item in enumerate(value):
                batch.append("    " + _compact(item) + (",\n" if j < len(value) - 1 else "\n"))
                if len(batch) >= 1000:
                    out.write("".join(batch))
                    batch = []
            out.write("".join(batch) + "  ]")
        else:
            out.write(_pretty(value).replace("\n", "\n  "))
        out.write(",\n" if i < last else "\n")
    out.write("}\n")
