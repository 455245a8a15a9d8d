"""What a clerk's workbook says about its office when no Settings sheet does (issue 13.6, 13.7):
the script its headers are written in, and its name from the title row or the file name."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ledger.core import vocab
from ledger.core.columns import TOOL_COLUMNS
from ledger.core.settings import Settings


def guess_language(cells: list[Any]) -> str:
    """The script a clerk wrote these header cells (or sheet names) in: zh-Hant, zh-Hans or en."""
    words = [str(c) for c in cells if isinstance(c, str) and c.strip()]
    if any(vocab.is_traditional(w) for w in words):
        return "zh-Hant"
    if words and not any(any(ord(ch) > 0x2E7F for ch in w) for w in words):
        return "en"
    return "zh-Hans"


def header_language(header: list[Any], tool_columns: dict[str, int]) -> str:
    """The language of a ledger whose Settings do not name one: that of the tool columns already
    written (so a later run finds and rewrites them), else the script of the clerk's headers."""
    tools = {c.field: c for c in TOOL_COLUMNS}
    for field, col in tool_columns.items():
        column = tools.get(field)
        cell = header[col - 1] if column and col <= len(header) else None
        if isinstance(cell, str):
            for lang in ("zh-Hans", "zh-Hant", "en"):
                if cell.strip() == column.label(lang):
                    return lang
    positions = {col - 1 for field, col in tool_columns.items() if field in tools}
    return guess_language([cell for i, cell in enumerate(header) if i not in positions])


def chinese_script(cells: list[Any]) -> str | None:
    """zh-Hant or zh-Hans when some cell is in Chinese, else None: a workbook that is no ledger
    (“Sheet1”, “hello”) says nothing about its clerk's language, so the caller's default stands."""
    words = [str(c) for c in cells if isinstance(c, str)]
    if not any(ord(ch) > 0x2E7F for w in words for ch in w):
        return None
    return guess_language(words)


def title_above(grid: Any, header_row: int) -> str | None:
    """The first text above the header (a merged title row such as “阳光花园管理处 案件台账”)."""
    for row in grid[: header_row - 1]:
        for cell in row:
            if isinstance(cell, str) and cell.strip():
                return cell.strip()
    return None


_LEDGER_WORDS = re.compile(
    r"(?:(?:19|20)\d{2}\s*年?(?:\s*\d{1,2}\s*月?)?(?:份)?|(?:案件|投诉|投訴|回访|回訪|报修|報修|维修|維修|客户|客戶|服务|服務)*"
    r"(?:台账|台賬|台帐|台帳|登记表|登記表|记录表|記錄表|记录|記錄|统计表|統計表|一览表|一覽表)|ledger|register|cases|log)",
    re.IGNORECASE,
)


def office_of(title: str | None, path: str | None) -> tuple[str, str]:
    """(office name, where it came from) for a ledger without Settings: its title row, else its file name."""
    for source, raw in (("title", title), ("file", Path(path).stem if path else None)):
        if raw:
            name = _LEDGER_WORDS.sub(" ", raw)
            name = re.sub(r"[\s_\-—–·()()\[\]【】]+", " ", name).strip()
            if name and not name.isdigit():
                return name, source
    return Settings().office, "default"
