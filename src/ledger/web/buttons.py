"""The page's buttons: one entry each in BUTTONS, running the same jobs as the CLI and the add-in.

A button loads the ledger from disk (io.workbook.load_file), runs its job
(ledger.jobs.*), writes the job's Changes with io.ledger_file.apply_changes (lock
check, backup, atomic replace) and returns an Outcome: the lines to show and the
partial template that shows its result. Another operation becomes a button by
appending one Button to BUTTONS; its run function may live in a module of its own
(web.posting, web.head_office) sharing Params, Outcome and write from web.outcome.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from ledger.core.i18n import register, text
from ledger.core.models import Ledger, Problem
from ledger.core.vocab import CATEGORIES, STATUSES
from ledger.io.ledger_file import log_at_once
from ledger.jobs.callbacks import callbacks_job
from ledger.jobs.sample import sample_job
from ledger.jobs.send import headline, send_job
from ledger.jobs.stats import stats_job
from ledger.jobs.validate import validate_job
from ledger.sheets.callback_list import callback_list_layout, listed
from ledger.sheets.cellrefs import col_letter
from ledger.sheets.stats_sheet import stats_layout
from ledger.web.head_office import run_consolidate
from ledger.web.outcome import Button, Outcome, Params, write
from ledger.web.posting import run_record, run_undo

register(
    {
        "web.btn.validate": {"zh-Hans": "校验台账", "zh-Hant": "校驗台賬", "en": "Validate"},
        "web.btn.callbacks": {"zh-Hans": "生成回访清单", "zh-Hant": "產生回訪清單", "en": "Callback list"},
        "web.btn.sample": {"zh-Hans": "抽样", "zh-Hant": "抽樣", "en": "Draw samples"},
        "web.btn.stats": {"zh-Hans": "月度统计", "zh-Hant": "月度統計", "en": "Monthly statistics"},
        "web.btn.send": {"zh-Hans": "发送总部", "zh-Hant": "發送總部", "en": "Send to head office"},
        "web.validate_done": {
            "zh-Hans": "共 {rows} 行案件,{valid} 行无错误;错误 {errors} 个,提醒 {warnings} 个。问题已写入“{sheet}”表右侧的“问题”列并标色。",
            "zh-Hant": "共 {rows} 行案件,{valid} 行無錯誤;錯誤 {errors} 個,提醒 {warnings} 個。問題已寫入「{sheet}」表右側的「問題」欄並標色。",
            "en": "{rows} case rows, {valid} without errors; {errors} errors, {warnings} warnings. "
            "They are in the Problems column at the right of sheet “{sheet}”, highlighted.",
        },
        "web.callbacks_done": {
            "zh-Hans": "回访清单(截至 {as_of})已写入工作表“{sheet}”:待回访 {due} 件,逾期 {overdue} 件。",
            "zh-Hant": "回訪清單(截至 {as_of})已寫入工作表「{sheet}」:待回訪 {due} 件,逾期 {overdue} 件。",
            "en": "Callback list as of {as_of} written to sheet “{sheet}”: {due} due, {overdue} overdue.",
        },
        "web.fix_errors": {
            "zh-Hans": "台账中有 {errors} 个错误,这些行可能未列入,请先按“校验台账”并修正。",
            "zh-Hant": "台賬中有 {errors} 個錯誤,這些行可能未列入,請先按「校驗台賬」並修正。",
            "en": "The ledger has {errors} errors; those rows may be missing. Press Validate and fix them.",
        },
        "web.sample_done": {
            "zh-Hans": "{month} 抽样完成(随机种子 {seed}),本次新抽中 {new} 件,已写入“抽样”列并记入日志。",
            "zh-Hant": "{month} 抽樣完成(隨機種子 {seed}),本次新抽中 {new} 件,已寫入「抽樣」欄並記入日誌。",
            "en": "{month} samples drawn (seed {seed}); {new} newly drawn, marked in the Sampled column and logged.",
        },
        "web.stats_done": {
            "zh-Hans": "{month} 月度统计已写入工作表“{sheet}”:回访 {callbacks} 次,满意率 {rate},逾期未回访 {overdue} 件,预警 {alerts} 条。",
            "zh-Hant": "{month} 月度統計已寫入工作表「{sheet}」:回訪 {callbacks} 次,滿意率 {rate},逾期未回訪 {overdue} 件,預警 {alerts} 條。",
            "en": "{month} statistics written to sheet “{sheet}”: {callbacks} callbacks, satisfaction {rate}, "
            "{overdue} overdue, {alerts} alerts.",
        },
    }
)


def cell_ref(p: Problem, ledger: Ledger) -> str | None:
    """ "案件台账!D12" for a problem on a cell of the case sheet (its column is the header as found)."""
    if not p.sheet or not p.row:
        return None
    by_header = {ledger.headers.get(f, ""): c for f, c in ledger.columns.items()}
    col = by_header.get(p.column or "")
    return f"{p.sheet}!{col_letter(col)}{p.row}" if col else f"{p.sheet}!{p.row}:{p.row}"


def problem_rows(problems: list[Problem], ledger: Ledger) -> list[dict[str, Any]]:
    return [{"ref": cell_ref(p, ledger), "problem": p} for p in problems]


def run_validate(path: Path, ledger: Ledger, params: Params) -> Outcome:
    report, changes = validate_job(ledger, params.as_of)
    done = text("web.validate_done", ledger.lang, **report.counts(), sheet=ledger.sheet)
    lines = [done, write(path, ledger, changes)]
    return Outcome(lines, "result_problems.html", {"problems": problem_rows(report.problems, ledger)})


def run_callbacks(path: Path, ledger: Ledger, params: Params) -> Outcome:
    report, validation, changes = callbacks_job(ledger, params.as_of)
    layout = callback_list_layout(report, ledger, ledger.lang)
    rows = listed(report)
    due = sum(a.status == "due" for a in rows)
    lines = [
        text(
            "web.callbacks_done",
            ledger.lang,
            as_of=params.as_of.isoformat(),
            sheet=layout.name,
            due=due,
            overdue=len(rows) - due,
        )
    ]
    if validation.errors:
        lines.append(text("web.fix_errors", ledger.lang, errors=len(validation.errors)))
    lines.append(write(path, ledger, changes))
    counts = [(STATUSES.label(k, ledger.lang), v) for k, v in report.counts().items() if v]
    return Outcome(lines, "result_callbacks.html", {"layout": layout, "as_of": params.as_of, "counts": counts})


def run_sample(path: Path, ledger: Ledger, params: Params) -> Outcome:
    result, changes = sample_job(ledger, params.month, None, params.as_of)
    lang = ledger.lang
    drawn = [
        {
            "category": CATEGORIES.label(k, lang),
            "drawn": ids,
            "population": result["population"].get(k, 0),
            "required": result["required"].get(k, 0),
            "new": result["new"].get(k, []),
        }
        for k, ids in result["drawn"].items()
    ]
    new = sum(len(v) for v in result["new"].values())
    lines = [text("web.sample_done", lang, month=params.month, seed=result["seed"], new=new)]
    lines.append(write(path, ledger, changes))
    return Outcome(lines, "result_sample.html", {"drawn": drawn})


def run_stats(path: Path, ledger: Ledger, params: Params) -> Outcome:
    result, changes = stats_job(ledger, params.month, params.as_of)
    layout = stats_layout(result, ledger.lang, ledger)
    head = headline(result)
    rate = "-" if head["satisfaction_rate"] is None else f"{head['satisfaction_rate']:.1%}"
    line = text(
        "web.stats_done",
        ledger.lang,
        month=params.month,
        sheet=layout.name,
        callbacks=head["callbacks"],
        rate=rate,
        overdue=head["overdue"],
        alerts=head["alerts"],
    )
    lines = [line, write(path, ledger, changes)]
    return Outcome(lines, "result_stats.html", {"layout": layout})


def default_via(ledger: Ledger) -> str:
    """As the ribbon: SMTP when Settings names a server; else an Outlook draft on Windows; else an .eml file."""
    if ledger.settings.smtp_host:
        return "smtp"
    return "outlook" if sys.platform.startswith("win") else "eml"


def run_send(path: Path, ledger: Ledger, params: Params) -> Outcome:
    """The export and the mail go next to the ledger; the password comes from keyring/env inside send_job."""
    folder = path.resolve().parent
    started = time.time() - 1  # file times may be rounded to the second
    via = params.via or default_via(ledger)
    code, doc, changes = send_job(
        ledger,
        path,
        params.month,
        via=via,
        again=params.again,
        out_dir=folder,
        log_now=lambda changes: log_at_once(path, ledger, changes),
    )
    made = sorted(
        p.name
        for p in folder.iterdir()
        if p.is_file() and p.suffix in (".xlsx", ".eml") and p.name != path.name and p.stat().st_mtime >= started
    )
    lines = list(doc.get("lines", []))
    if changes is not None and changes.log_rows:
        lines.append(write(path, ledger, changes))
    return Outcome(lines, "result_lines.html", {"files": made}, ok=code == 0)


BUTTONS: list[Button] = [
    Button("validate", "web.btn.validate", run_validate, ("as_of",)),
    Button("callbacks", "web.btn.callbacks", run_callbacks, ("as_of",)),
    Button("sample", "web.btn.sample", run_sample, ("month", "as_of")),
    Button("stats", "web.btn.stats", run_stats, ("month", "as_of")),
    Button("send", "web.btn.send", run_send, ("month", "via", "again")),
    Button("record", "web.btn.record", run_record, ("as_of",)),
    Button("undo_record", "web.btn.undo_record", run_undo, ("as_of",)),
    Button("consolidate", "web.btn.consolidate", run_consolidate, ("month", "folder")),
]


def button(key: str) -> Button | None:
    return next((b for b in BUTTONS if b.key == key), None)
