"""The page's 登记回访结果 and 撤销上次登记 buttons: jobs.record, as `ledger record --write` / `--undo --write`.

The clerk types the results into the workbook's 回访清单 (Excel, WPS), saves, and
clicks here. Like the command, the button reads the whole workbook once (the case
sheet and the list), with the file's fingerprint taken before reading, so a save
made meanwhile is refused at the write (outcome.write → apply_changes: lock,
backup, atomic replace, unchanged check).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ledger.core.columns import COLUMNS_BY_FIELD
from ledger.core.i18n import register, text
from ledger.core.models import Ledger
from ledger.core.vocab import fold
from ledger.io.workbook import load_file_with_sheets
from ledger.jobs.record import record_job, undo_job
from ledger.sheets.callback_list import LIST_SHEET
from ledger.web.outcome import Outcome, Params, write

register(
    {
        "web.btn.record": {"zh-Hans": "登记回访结果", "zh-Hant": "登記回訪結果", "en": "Record callback results"},
        "web.btn.undo_record": {"zh-Hans": "撤销上次登记", "zh-Hant": "撤銷上次登記", "en": "Undo last recording"},
        "web.record_done": {
            "zh-Hans": "已把“{sheet}”中填写的回访结果登记到“{cases_sheet}”:{cases} 件案件,{cells} 个单元格;回访清单已重新生成。",
            "zh-Hant": "已把「{sheet}」中填寫的回訪結果登記到「{cases_sheet}」:{cases} 件案件,{cells} 個儲存格;回訪清單已重新產生。",
            "en": "The results typed into “{sheet}” were posted to “{cases_sheet}”: {cases} cases, {cells} cells; "
            "the callback list was made afresh.",
        },
        "web.record_refused": {
            "zh-Hans": "有 {n} 处填写有误,未登记任何结果。请在“{sheet}”中按下表改正、保存后再按“登记回访结果”。",
            "zh-Hant": "有 {n} 處填寫有誤,未登記任何結果。請在「{sheet}」中按下表改正、儲存後再按「登記回訪結果」。",
            "en": "{n} entries are wrong, so nothing was posted. Correct them in “{sheet}” as listed below, save, "
            "and press Record callback results again.",
        },
        "web.record_nothing": {
            "zh-Hans": "“{sheet}”中没有新填写的回访结果。请在清单右侧的空白列填写后保存,再按此按钮。",
            "zh-Hant": "「{sheet}」中沒有新填寫的回訪結果。請在清單右側的空白欄填寫後儲存,再按此按鈕。",
            "en": "Nothing new is typed into “{sheet}”. Type the results into its blank columns, save, "
            "then press this button.",
        },
        "web.undo_done": {
            "zh-Hans": "已撤销上次登记:{cells} 个单元格恢复原值;回访清单已重新生成。",
            "zh-Hant": "已撤銷上次登記:{cells} 個儲存格恢復原值;回訪清單已重新產生。",
            "en": "The last recording was undone: {cells} cells put back; the callback list was made afresh.",
        },
        "web.undo_refused": {
            "zh-Hans": "无法撤销,台账未被修改:",
            "zh-Hant": "無法撤銷,台賬未被修改:",
            "en": "Cannot undo; the ledger was not changed:",
        },
        "web.case_id": {"zh-Hans": "案件编号", "zh-Hant": "案件編號", "en": "Case ID"},
        "web.row": {"zh-Hans": "行", "zh-Hant": "行", "en": "Row"},
        "web.before": {"zh-Hans": "原值", "zh-Hant": "原值", "en": "Before"},
        "web.after": {"zh-Hans": "新值", "zh-Hant": "新值", "en": "After"},
    }
)


def _read(path: Path) -> tuple[Ledger, dict[str, Any]]:
    """The ledger and every sheet's grid, from one read (io.workbook.load_file_with_sheets, as the command)."""
    return load_file_with_sheets(path)


def _shown(cells: list[dict[str, Any]], lang: str, undo: bool) -> list[dict[str, Any]]:
    """Each changed cell as the clerk reads it: vocabulary keys as labels, the undo's direction reversed."""
    rows = []
    for c in cells:
        before, after = (c["new"], c["old"]) if undo else (c["old"], c["new"])
        vocabulary = COLUMNS_BY_FIELD[c["field"]].vocabulary
        if vocabulary is not None:
            before, after = (vocabulary.label(v, lang) if v else v for v in (before, after))
        rows.append({**c, "before": "" if before is None else before, "after": "" if after is None else after})
    return rows


def run_record(path: Path, _loaded: Ledger, params: Params) -> Outcome:
    """Post the results typed into 回访清单; any wrong entry refuses them all, each named by list row and column."""
    ledger, grids = _read(path)  # the grids hold the list too: read afresh rather than the case sheet alone
    lang = ledger.lang
    names = {fold(v) for v in LIST_SHEET.values()}
    name = next((n for n in grids if fold(n) in names), None)
    if name is None:
        return Outcome([text("record.no_list", lang)], ok=False)
    result, changes = record_job(ledger, grids[name], name, params.as_of)
    if result["problems"]:
        line = text("web.record_refused", lang, n=len(result["problems"]), sheet=name)
        return Outcome([line], "result_record.html", {"refused": result["problems"]}, ok=False)
    if changes is None:
        return Outcome([text("web.record_nothing", lang, sheet=name)])
    cases = len({c["case_id"] for c in result["cells"]})
    done = text("web.record_done", lang, sheet=name, cases_sheet=ledger.sheet, cases=cases, cells=len(result["cells"]))
    lines = [done, write(path, ledger, changes)]
    return Outcome(lines, "result_record.html", {"cells": _shown(result["cells"], lang, undo=False)})


def run_undo(path: Path, _loaded: Ledger, params: Params) -> Outcome:
    """Put back the cells of the last posting (refused when one of them was changed since)."""
    ledger, _ = _read(path)
    lang = ledger.lang
    result, changes = undo_job(ledger, params.as_of)
    if changes is None:
        context = {"refused": result["problems"]}
        return Outcome([text("web.undo_refused", lang)], "result_record.html", context, ok=False)
    lines = [text("web.undo_done", lang, cells=len(result["cells"])), write(path, ledger, changes)]
    return Outcome(lines, "result_record.html", {"cells": _shown(result["cells"], lang, undo=True)})
