"""Reading workbook files into plain grids (python-calamine: fast, values only)."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from ..i18n import register
from ..reading import UnusableLedger

register({
    "file.unreadable": {
        "zh-Hans": "无法读取工作簿“{path}”:{reason}。请确认它是用 Excel 保存的 .xlsx 文件。",
        "zh-Hant": "無法讀取活頁簿「{path}」:{reason}。請確認它是用 Excel 儲存的 .xlsx 檔案。",
        "en": "Cannot read the workbook “{path}”: {reason}. Make sure it is an .xlsx file saved by Excel.",
    },
})


def read_grids(path: str | Path) -> dict[str, list[list[Any]]]:
    """Every worksheet as a list of rows, row 1 first, column A first; blanks as None."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
    _inspect(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        grids: dict[str, list[list[Any]]] = {}
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            grids[name] = [[None if v == "" else v for v in row] for row in rows]
    except UnusableLedger:
        raise
    except Exception as exc:  # calamine raises several error types for damaged files
        raise UnusableLedger("file.unreadable", path=str(path), reason=str(exc).splitlines()[0][:200]) from exc
    for name, errors in error_cells(path).items():
        grid = grids.get(name)
        for (r, c), value in errors.items():
            if grid is not None and r < len(grid):
                row = grid[r]
                if c >= len(row):
                    row.extend([None] * (c + 1 - len(row)))
                row[c] = value
    return grids


_ERROR_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?t="e"[^>]*>\s*(?:<f[^>]*?(?:/>|>.*?</f>))?\s*<v>([^<]*)</v>', re.S)


def error_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Excel error values (#N/A ...) by sheet and 0-based (row, col).

    python-calamine reads error cells as blanks; a clerk's #N/A must be reported,
    not silently read as "no date", so the sheet XML is scanned for them.
    """
    found: dict[str, dict[tuple[int, int], str]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            for name, part in sheet_parts(zf).items():
                data = zf.read(part)
                if b't="e"' not in data:
                    continue
                found[name] = {(int(m.group(2)) - 1, _col_index(m.group(1).decode())): m.group(3).decode()
                               for m in _ERROR_CELL.finditer(data)}
    except (zipfile.BadZipFile, KeyError, OSError):
        return {}
    return found


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member of its worksheet XML."""
    from defusedxml import ElementTree as ET

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    book = ET.fromstring(zf.read("xl/workbook.xml"))
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    parts = {}
    for sheet in book.iter(f"{{{ns['m']}}}sheet"):
        target = targets.get(sheet.get(f"{{{ns['r']}}}id"), "")
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return parts


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _inspect(path: Path) -> None:
    """Refuse what is not an xlsx before parsing it (see io.guard)."""
    try:
        from .guard import UnusableWorkbook, inspect_workbook
    except ImportError:  # guard not available: calamine's own errors still apply
        if not path.is_file():
            raise UnusableLedger("file.unreadable", path=str(path), reason="not found")
        return
    try:
        inspect_workbook(path)
    except UnusableWorkbook as exc:
        raise UnusableLedger(exc.code, **exc.params) from exc


def load_file(path: str | Path):
    """Read a ledger file into the core's Ledger."""
    from ..reading import load_ledger
    return load_ledger(read_grids(path), path=str(path))
