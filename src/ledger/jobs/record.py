"""登记回访结果: post the results typed into 回访清单 into the case sheet, and undo the last posting.

The only job that writes cells the clerk owns, so it is careful: every entry is
checked first and nothing is posted unless all of them pass (core.recording);
the Log row lists every changed cell with its old and new value, which is what
`--undo` puts back; the callback list is regenerated from the updated cases.
The file adapter makes the backup and refuses a ledger open in Excel.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from ledger.core.changes import Changes
from ledger.core.columns import COLUMNS_BY_FIELD
from ledger.core.i18n import register
from ledger.core.log import log_row
from ledger.core.models import Case, Ledger, Problem
from ledger.core.recording import CellChange, json_form, plan_record, read_entries
from ledger.jobs.callbacks import callbacks_job

register(
    {
        "record.no_list": {
            "zh-Hans": "台账中没有“回访清单”工作表;请先生成回访清单(ledger callbacks --write),在清单中填写回访结果后再登记。",
            "zh-Hant": "台賬中沒有「回訪清單」工作表;請先生成回訪清單(ledger callbacks --write),在清單中填寫回訪結果後再登記。",
            "en": "The ledger has no callback list sheet; make it first (ledger callbacks --write), type the results into it, then record.",
        },
        "record.nothing_to_undo": {
            "zh-Hans": "日志中没有可撤销的“登记回访结果”记录。",
            "zh-Hant": "日誌中沒有可撤銷的「登記回訪結果」記錄。",
            "en": "The Log has no posting of callback results left to undo.",
        },
        "record.undo_changed": {
            "zh-Hans": "案件“{case_id}”的【{column}】在登记后又被改过(现为“{now}”,登记时写入“{new}”),无法撤销;请手工核对。",
            "zh-Hant": "案件「{case_id}」的【{column}】在登記後又被改過(現為「{now}」,登記時寫入「{new}」),無法撤銷;請手工核對。",
            "en": "{column} of case “{case_id}” was changed after posting (now “{now}”, posted “{new}”), so it cannot be undone; check it by hand.",
        },
    }
)


def _python_value(field: str, value: Any) -> Any:
    """A JSON-form value as the case holds it (dates as dates, vocabulary keys as keys)."""
    if value is not None and COLUMNS_BY_FIELD[field].kind == "date":
        return dt.date.fromisoformat(value)
    return value


def _cell_value(field: str, value: Any, lang: str) -> Any:
    """What goes into the cell: a real date, the vocabulary label in the ledger's language, text, a number."""
    column = COLUMNS_BY_FIELD[field]
    value = _python_value(field, value)
    if value is not None and column.vocabulary is not None:
        return column.vocabulary.label(value, lang)
    return value


def _case_at(ledger: Ledger, change: CellChange) -> Case | None:
    """The change's case: at its row if still there, else wherever its (unique) case id now is."""
    first = ledger.cases[0].row if ledger.cases else 0
    at = change.row - first
    if 0 <= at < len(ledger.cases) and ledger.cases[at].row == change.row:
        if ledger.cases[at].case_id == change.case_id:
            return ledger.cases[at]
    found = [c for c in ledger.cases if c.case_id == change.case_id]
    return found[0] if len(found) == 1 else None


def _apply(ledger: Ledger, changes: list[CellChange], as_of: dt.date, undo: bool, forms: bool = True) -> Changes:
    """Set the cases in memory, regenerate the list and tool columns, and add the clerk cells."""
    lang = ledger.lang
    cells: dict[tuple[int, int], Any] = {}
    for ch in changes:
        case = _case_at(ledger, ch)
        value = ch.old if undo else ch.new
        setattr(case, ch.field, _python_value(ch.field, value))
        cells[(case.row, ledger.columns[ch.field])] = _cell_value(ch.field, value, lang)
    _, _, out = callbacks_job(ledger, as_of, forms=forms)
    out.clerk_cells = cells
    return out


def record_job(
    ledger: Ledger, list_grid: Any, list_sheet: str, as_of: dt.date, *, forms: bool = True
) -> tuple[dict[str, Any], Changes | None]:
    """The entries checked and their cell changes; Changes only when every entry passed and one changes a cell."""
    entries = read_entries(list_grid or [])
    plan = plan_record(ledger, entries, as_of, list_sheet)
    result: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "entries": plan.entries,
        "cells": [c.as_json() for c in plan.changes],
        "problems": [_problem_json(p) for p in plan.problems],
    }
    if plan.problems or not plan.changes:
        return result, None
    record_id = hashlib.sha1(repr(result["cells"]).encode()).hexdigest()[:10]
    result["id"] = record_id
    changes = _apply(ledger, plan.changes, as_of, undo=False, forms=forms)
    changes.log_rows.insert(
        0,
        log_row(
            "record", {"id": record_id, "as_of": as_of.isoformat(), "list": list_sheet}, {"cells": result["cells"]}
        ),
    )
    return result, changes


def last_record(ledger: Ledger) -> dict[str, Any] | None:
    """The newest `record` Log entry not undone yet."""
    undone = {
        e["params"].get("undoes") for e in ledger.log if e["action"] == "record_undo" and isinstance(e["params"], dict)
    }
    for e in reversed(ledger.log):
        if e["action"] == "record" and isinstance(e["params"], dict) and e["params"].get("id") not in undone:
            return e
    return None


def undo_job(ledger: Ledger, as_of: dt.date) -> tuple[dict[str, Any], Changes | None]:
    """Put back the cells of the last posting, if none of them changed since."""
    lang = ledger.lang
    entry = last_record(ledger)
    if entry is None:
        return {
            "undone": None,
            "cells": [],
            "problems": [_problem_json(Problem.make("record.nothing_to_undo", lang))],
        }, None
    changes = [
        CellChange(
            c["case_id"], c["row"], c["field"], ledger.columns.get(c["field"], 0), c["column"], c["old"], c["new"]
        )
        for c in entry["result"].get("cells", [])
    ]
    problems = []
    for ch in changes:
        case = _case_at(ledger, ch)
        now = json_form(getattr(case, ch.field)) if case is not None else None
        if case is None or now != ch.new or ch.field not in ledger.columns:
            problems.append(
                Problem.make(
                    "record.undo_changed",
                    lang,
                    sheet=ledger.sheet,
                    row=case.row if case else ch.row,
                    column=ch.header,
                    case_id=ch.case_id,
                    now=now if now is not None else "",
                    new=ch.new,
                )
            )
    result = {
        "undone": entry["params"]["id"],
        "cells": [c.as_json() for c in changes],
        "problems": [_problem_json(p) for p in problems],
    }
    if problems:
        return result, None
    out = _apply(ledger, changes, as_of, undo=True)
    out.log_rows.insert(
        0,
        log_row(
            "record_undo", {"undoes": entry["params"]["id"], "as_of": as_of.isoformat()}, {"cells": result["cells"]}
        ),
    )
    return result, out


def _problem_json(p: Problem) -> dict[str, Any]:
    return p.model_dump(include={"sheet", "row", "column", "code", "severity", "message"})
