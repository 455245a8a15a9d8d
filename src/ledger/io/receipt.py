"""What a write did (WriteReceipt), and where a sheet the tool writes goes in the workbook (sheet_slot)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ledger.io.xlsx_parts import WS_CONTENT_TYPE, _Book, _fresh_name, _Package, remove_part_tree


@dataclass
class WriteReceipt:
    path: Path
    backup: Path | None
    replaced_sheets: list[str] = field(default_factory=list)
    added_sheets: list[str] = field(default_factory=list)
    case_columns: dict[str, str] = field(default_factory=dict)  # header -> column letter
    appended_rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def sheet_slot(
    pkg: _Package, book: _Book, name: str, receipt: WriteReceipt, state: str | None = None
) -> tuple[str, int]:
    """(part, sheet index) for a new sheet `name`: the same-named sheet emptied in place
    (its position and tab kept; its drawings, charts and print titles removed), or a new last sheet."""
    existing = book.find(name)
    if existing is not None:
        book.ct.set(existing.part, WS_CONTENT_TYPE)
        remove_part_tree(pkg, book, existing.part, keep_root=True)
        book.remove_defined_names(existing.index)
        receipt.replaced_sheets.append(existing.name)
        return existing.part, existing.index
    part = _fresh_name(pkg, "xl/worksheets/sheet1.xml")
    index = book.add_sheet(name, part, state).index
    receipt.added_sheets.append(name)
    return part, index
