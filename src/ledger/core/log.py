"""The Log sheet (日志): every tool action, append-only (SPEC §2)."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from typing import Any

from ledger.core.vocab import CATEGORIES, STATUSES, fold

LOG_SHEET = {"zh-Hans": "日志", "zh-Hant": "日誌", "en": "Log"}
# Five columns in words for the clerk, then three hidden ones the tool reads back (action code, parameters
# and result as JSON): the seed of a draw and the record of a send must survive exactly.
LOG_HEADERS = {
    "zh-Hans": ["时间", "操作", "参数", "结果", "用户", "操作代码(程序用)", "参数数据(程序用)", "结果数据(程序用)"],
    "zh-Hant": ["時間", "操作", "參數", "結果", "用戶", "操作代碼(程式用)", "參數資料(程式用)", "結果資料(程式用)"],
    "en": [
        "Time",
        "Action",
        "Parameters",
        "Result",
        "User",
        "Action code (tool)",
        "Parameters (tool)",
        "Result (tool)",
    ],
}
MACHINE_COLUMNS = (6, 7, 8)  # 1-based: hidden in the Log sheet
_ACTIONS = {
    "validate": ("校验", "校驗", "Validate"),
    "sample": ("抽样", "抽樣", "Draw samples"),
    "callbacks": ("回访清单", "回訪清單", "Callback list"),
    "stats": ("月度统计", "月度統計", "Monthly statistics"),
    "send": ("发送", "發送", "Send"),
    "archive": ("归档", "歸檔", "Archive"),
    "month_end": ("月末处理", "月末處理", "Month end"),
}
_WORDS = {
    "as_of": ("截至", "截至", "as of"),
    "month": ("月份", "月份", "month"),
    "seed": ("种子", "種子", "seed"),
    "write": ("写入", "寫入", "written"),
    "by": ("由", "由", "by"),
    "via": ("方式", "方式", "via"),
    "again": ("重发", "重發", "again"),
    "before": ("早于", "早於", "before"),
    "rows": ("行数", "行數", "rows"),
    "valid_rows": ("有效行", "有效行", "valid rows"),
    "errors": ("错误", "錯誤", "errors"),
    "warnings": ("提醒", "提醒", "warnings"),
    "drawn": ("抽中", "抽中", "drawn"),
    "required": ("规定", "規定", "required"),
    "new": ("新抽", "新抽", "new"),
    "population": ("应回访", "應回訪", "population"),
    "sheet": ("工作表", "工作表", "sheet"),
    "received": ("受理", "受理", "received"),
    "completed": ("完成", "完成", "completed"),
    "open": ("未完成", "未完成", "open"),
    "on_time": ("按时", "按時", "on time"),
    "overdue": ("逾期", "逾期", "overdue"),
    "callbacks": ("回访", "回訪", "callbacks"),
    "satisfaction_rate": ("满意率", "滿意率", "satisfaction"),
    "alerts": ("预警", "預警", "alerts"),
    "recipients": ("收件人", "收件人", "to"),
    "attachment": ("附件", "附件", "attachment"),
    "status": ("状态", "狀態", "status"),
    "late": ("逾期发送", "逾期發送", "late"),
    "moved": ("移出", "移出", "moved"),
    "archive": ("归档文件", "歸檔檔案", "archive"),
    "case_ids": ("案件", "案件", "cases"),
    "yes": ("是", "是", "yes"),
    "no": ("否", "否", "no"),
    "items": ("{n} 件", "{n} 件", "{n} items"),
}
_SKIP = {"time", "action", "sha256", "size", "message_id", "server_reply"}  # kept in the hidden columns only
_LANG_INDEX = {"zh-Hans": 0, "zh-Hant": 1, "en": 2}
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


def sheet_rows(rows: list[list[Any]], lang: str) -> list[list[Any]]:
    """log_row rows as the Log sheet shows them: the action and its parameters and result in words, then the
    hidden machine columns (action code, JSON) that parse_log reads."""
    index = _LANG_INDEX.get(lang, 0)
    out = []
    for row in rows:
        time, action, params, result, user = (list(row) + [None] * 5)[:5]
        label = _ACTIONS.get(str(action), (action,) * 3)[index]
        out.append(
            [time, label, _words(_json(params), index), _words(_json(result), index), user, action, params, result]
        )
    return out


def _words(value: Any, index: int, top: bool = True) -> Any:  # noqa: C901 - one case per JSON type
    """A parameter or result as a short phrase: known keys and vocabulary keys in the clerk's words."""
    if isinstance(value, bool):
        return _WORDS["yes" if value else "no"][index]
    if isinstance(value, list):
        if top and len(value) <= 3:
            return "、".join(str(v) for v in value) if index < 2 else ", ".join(str(v) for v in value)
        return _WORDS["items"][index].format(n=len(value))
    if not isinstance(value, dict):
        return value
    parts = []
    for key, item in value.items():
        if key in _SKIP or item in (None, "", [], {}):
            continue
        if isinstance(item, float) and 0 <= item <= 1 and "rate" in key:
            item = f"{item:.1%}"
        words = _words(item, index, top=key == "recipients")  # addresses in full, lists of cases counted
        if words not in ("", "()"):
            parts.append(f"{_label(key, index)} {words}")
    joined = ("," if index < 2 else ", ").join(parts)
    return joined if top else f"({joined})" if len(parts) > 1 else joined


def _label(key: str, index: int) -> str:
    if key in _WORDS:
        return _WORDS[key][index]
    for vocab in _vocabularies():
        if key in vocab.keys():
            return vocab.label(key, ("zh-Hans", "zh-Hant", "en")[index])
    return key


def _vocabularies():
    return (CATEGORIES, STATUSES)


def parse_log(grid: list[list[Any]] | None) -> list[dict[str, Any]]:
    """Entries of the Log sheet: {"time", "action", "params", "result", "user"}; unreadable JSON kept as text.

    The hidden machine columns are read where a row has them; older rows (the action code and JSON in the
    visible columns) are read as they stand, and an action written in words is mapped back to its code.
    """
    entries = []
    for row in (grid or [])[1:]:
        cells = list(row) + [None] * 8
        if cells[5]:
            action, params, result = cells[5], cells[6], cells[7]
        else:
            action, params, result = _ACTION_CODES.get(fold(str(cells[1] or "")), cells[1]), cells[2], cells[3]
        if not action:
            continue
        entry = {
            "time": cells[0],
            "action": str(action),
            "params": _json(params),
            "result": _json(result),
            "user": cells[4],
        }
        entries.append(entry)
    return entries


_ACTION_CODES = {fold(label): code for code, labels in _ACTIONS.items() for label in labels}


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
