"""The tool's own highlights on the case sheet: one conditional-formatting block, replaced every run.

Cells with problems are coloured by a rule of ours (red: error, yellow: warning)
instead of by changing the clerk's cell styles, so a corrected cell loses its
colour on the next run and the clerk's formats are never touched.
"""

from __future__ import annotations

import re

from ledger.core.changes import HIGHLIGHT_MARK
from ledger.io.styles_part import _E, _Styles
from ledger.io.xlsx_parts import _esc_attr
from ledger.sheets.cellrefs import col_letter, runs

_AFTER_CF = (
    "dataValidations",
    "hyperlinks",
    "printOptions",
    "pageMargins",
    "pageSetup",
    "headerFooter",
    "rowBreaks",
    "colBreaks",
    "customProperties",
    "cellWatches",
    "ignoredErrors",
    "smartTags",
    "drawing",
    "legacyDrawing",
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
)


def replace_highlights(rest: bytes, highlights: dict[tuple[int, int], str], styles: _Styles, prefix: bytes) -> bytes:
    """Swap the tool's conditional-formatting block (after </sheetData>) for the current highlights."""
    p = re.escape(prefix)
    mark = re.escape(_esc_attr(HIGHLIGHT_MARK).encode())
    rest = re.sub(
        rb"<"
        + p
        + rb"conditionalFormatting\b(?:(?!</"
        + p
        + rb"conditionalFormatting>).)*?"
        + mark
        + rb".*?</"
        + p
        + rb"conditionalFormatting>",
        b"",
        rest,
        flags=re.S,
    )
    if not highlights:
        return rest
    priorities = [int(x) for x in re.findall(rb'\spriority="(\d+)"', rest)]
    priority = max(priorities, default=0)
    by_color: dict[str, dict[int, list[int]]] = {}
    for (row, col), color in highlights.items():
        by_color.setdefault(color, {}).setdefault(col, []).append(row)
    pre = prefix.decode()
    blocks = []
    for color, columns in sorted(by_color.items()):
        refs = []
        for col, rows in sorted(columns.items()):
            letter = col_letter(col)
            refs.extend(
                f"{letter}{first}" if first == last else f"{letter}{first}:{letter}{last}" for first, last in runs(rows)
            )
        dxf = styles.add(
            "dxfs",
            _E(
                "dxf",
                None,
                _E(
                    "fill", None, _E("patternFill", {"patternType": "solid"}, _E("bgColor", {"rgb": "FF" + color[-6:]}))
                ),
            ),
        )
        priority += 1
        blocks.append(
            f'<{pre}conditionalFormatting sqref="{" ".join(refs)}"><{pre}cfRule type="expression" '
            f'dxfId="{dxf}" priority="{priority}"><{pre}formula>{_esc_attr(HIGHLIGHT_MARK)}</{pre}formula>'
            f"</{pre}cfRule></{pre}conditionalFormatting>"
        )
    block = "".join(blocks).encode("utf-8")
    m = re.search(rb"<" + p + rb"(?:" + b"|".join(t.encode() for t in _AFTER_CF) + rb")\b", rest)
    if m is None:
        m = re.search(rb"</" + p + rb"worksheet>", rest)
    at = m.start() if m else len(rest)
    existing_cf = list(re.finditer(rb"</" + p + rb"conditionalFormatting>", rest[:at]))
    if existing_cf:
        at = existing_cf[-1].end()
    return rest[:at] + block + rest[at:]
