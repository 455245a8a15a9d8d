"""The Log sheet (日志): every tool action, append-only (SPEC §2)."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from typing import Any

from ledger.core.vocab import fold

LOG_SHEET = {"zh-Hans": "日志", "zh-Hant": "日誌", "en": "Log"}
LOG_HEADERS = {
    "zh-Hans": ["时间", "操作", "参数", "结果", "用户"],
    "zh-Hant": ["時間", "操作", "參數", "結果", "用戶"],
    "en": ["Time", "Action", "Parameters", "Result", "User"],
}
_LOG_FOLDED = {fold(n) for n in LOG_SHEET.values()}


def is_log_sheet(name: str) -> bool:
    return fold(name) in _LOG_FOLDED


def log_row(
    action: str, params: dict[str, Any], result: dict[str, Any], now: dt.datetime | None = None, user: str | None = None
) -> list[Any]:
    """One Log row; parameters and result as JSON text so they can be read back exactly."""
    now = now or dt.datetime.now()
    if user is None:
        try:
            user = getpass.getuser()
        except Exception:  # no login name in some service contexts
            user = ""
    return [
        now.replace(microsecond=0),
        action,
        json.dumps(params, ensure_ascii=False, default=str),
        json.dumps(result, ensure_ascii=False, default=str),
        user,
    ]


def parse_log(grid: list[list[Any]] | None) -> list[dict[str, Any]]:
    """Entries of the Log sheet: {"time", "action", "params", "result", "user"}; unreadable JSON kept as text."""
    entries = []
    for row in (grid or [])[1:]:
        cells = list(row) + [None] * 5
        if not cells[1]:
            continue
        entry = {
            "time": cells[0],
            "action": str(cells[1]),
            "params": _json(cells[2]),
            "result": _json(cells[3]),
            "user": cells[4],
        }
        entries.append(entry)
    return entries


def _json(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def sample_seeds(entries: list[dict[str, Any]]) -> dict[str, int]:
    """The seed of the first written draw of each month: later top-ups reuse it."""
    seeds: dict[str, int] = {}
    for e in entries:
        p = e.get("params")
        if e.get("action") == "sample" and isinstance(p, dict) and p.get("write") and "seed" in p:
            seeds.setdefault(str(p.get("month")), int(p["seed"]))
    return seeds


def sends(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Send records (sending.SendResult.log_record) found in the log."""
    out = []
    for e in entries:
        if e.get("action") == "send" and isinstance(e.get("result"), dict):
            out.append(e["result"])
    return out
