"""The offices head office expects each month (`--offices FILE`), optionally with households and area.

A workbook: the first sheet, a header row naming the office column (管理处 /
管理處 / 项目 / office ...) and optionally households (户数 / 戶數 / households) and
managed area (面积 / 面積 / area, m²). A text file: one office a line, optionally
followed by households and area, separated by a tab or a comma.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ledger.core.i18n import register, text

register(
    {
        "ho.offices_unreadable": {
            "zh-Hans": "管理处名单 {path} 无法读取:{error}。请提供 .xlsx 表(首行为“管理处”“户数”“面积”)或每行一个管理处的文本文件。",
            "zh-Hant": "管理處名單 {path} 無法讀取:{error}。請提供 .xlsx 表(首行為「管理處」「戶數」「面積」)或每行一個管理處的文字檔。",
            "en": "The office list {path} cannot be read: {error}. Give an .xlsx sheet (header row: office, households, area) "
            "or a text file with one office a line.",
        },
        "ho.offices_no_column": {
            "zh-Hans": "管理处名单 {path} 的首行没有“管理处”列。请在第 1 行写上“管理处”(可加“户数”“面积”)。",
            "zh-Hant": "管理處名單 {path} 的首行沒有「管理處」欄。請在第 1 行寫上「管理處」(可加「戶數」「面積」)。",
            "en": "The first row of the office list {path} has no “office” column. Put “office” in row 1 "
            "(optionally “households” and “area”).",
        },
    }
)

_HEADERS = {
    "office": ("管理处", "管理處", "办事处", "辦事處", "项目", "項目", "office", "offices", "name", "名称", "名稱"),
    "households": ("户数", "戶數", "住户数", "住戶數", "households", "homes", "units"),
    "area": ("面积", "面積", "管理面积", "管理面積", "area", "m2", "m²"),
}


class OfficesUnreadable(Exception):
    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self, lang: str | None = "zh-Hans") -> str:
        return text(self.code, lang, **self.params)


@dataclass(frozen=True)
class Office:
    name: str
    households: int | None = None
    area: float | None = None


def read_offices(path: Path) -> list[Office]:
    path = Path(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return _from_sheet(path)
        return _from_text(path.read_text(encoding="utf-8-sig"))
    except OfficesUnreadable:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure is one message to the user
        raise OfficesUnreadable("ho.offices_unreadable", path=str(path), error=exc) from exc


def _number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        cleaned = re.sub(r"[,\s㎡m²户戶]", "", value)
        try:
            return float(cleaned)
        except ValueError:
            return None
    return None


def _office(name: Any, households: Any = None, area: Any = None) -> Office | None:
    name = str(name).strip() if name is not None else ""
    if not name:
        return None
    h = _number(households)
    return Office(name, int(h) if h is not None else None, _number(area))


def _from_sheet(path: Path) -> list[Office]:
    from python_calamine import CalamineWorkbook  # lazy: only a sheet list needs it

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    for i, row in enumerate(rows[:10]):
        names = [str(v).strip().lower() for v in row]
        where = {k: next((j for j, n in enumerate(names) if n in aliases), None) for k, aliases in _HEADERS.items()}
        if where["office"] is not None:
            out = []
            for r in rows[i + 1 :]:
                cell = [r[where[k]] if where[k] is not None and where[k] < len(r) else None for k in _HEADERS]
                office = _office(*cell)
                if office:
                    out.append(office)
            return _unique(out)
    raise OfficesUnreadable("ho.offices_no_column", path=str(path))


def _from_text(content: str) -> list[Office]:
    out = []
    for line in content.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = next(csv.reader([line], delimiter="\t" if "\t" in line else ","))
        if cells[0].strip().lower() in _HEADERS["office"]:
            continue  # a header line
        office = _office(*(cells + [None, None])[:3])
        if office:
            out.append(office)
    return _unique(out)


def _unique(offices: list[Office]) -> list[Office]:
    seen: dict[str, Office] = {}
    for o in offices:
        seen.setdefault(o.name, o)
    return list(seen.values())
