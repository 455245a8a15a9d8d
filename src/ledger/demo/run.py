"""`ledger demo`: a realistic ledger over several months and the whole monthly job run on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ledger.core.i18n import register_by_language, text
from ledger.core.vocab import CATEGORIES
from ledger.demo.cases import demo_settings, generate_cases
from ledger.demo.workbook import write_demo_ledger
from ledger.io.ledger_file import apply_changes
from ledger.io.workbook import load_file
from ledger.jobs.callbacks import callbacks_job
from ledger.jobs.sample import sample_job
from ledger.jobs.send import headline, send_job
from ledger.jobs.stats import stats_job
from ledger.jobs.validate import validate_job
from ledger.sheets.callback_list import listed

DEMO_ROWS = 800
DEMO_SEED = 2026

register_by_language(
    "demo",
    {
        "zh-Hans": {
            "ledger": "演示台账:{path}({rows} 行案件,{months} 个月)",
            "validate": "1. 校验台账:错误 {errors} 个,提醒 {warnings} 个(已写入“问题”列并标色)",
            "callbacks": "3. 回访清单(截至 {as_of}):待回访 {due} 件,逾期 {overdue} 件 → 工作表“{sheet}”",
            "sample": "2. 抽样 {month}(种子 {seed}):{summary}",
            "stats": "4. 月度统计 {month}:回访满意率 {rate},逾期 {overdue} 件,提醒 {alerts} 条 → 工作表“{sheet}”",
            "export": "5. 报总部的统计文件:{path}",
            "send": "6. 待发送邮件(.eml):{path}",
            "open": "用 Excel 打开 {path} 查看结果;备份在 {backups}。",
        },
        "zh-Hant": {
            "ledger": "示範台賬:{path}({rows} 行案件,{months} 個月)",
            "validate": "1. 校驗台賬:錯誤 {errors} 個,提醒 {warnings} 個(已寫入「問題」欄並標色)",
            "callbacks": "3. 回訪清單(截至 {as_of}):待回訪 {due} 件,逾期 {overdue} 件 → 工作表「{sheet}」",
            "sample": "2. 抽樣 {month}(種子 {seed}):{summary}",
            "stats": "4. 月度統計 {month}:回訪滿意率 {rate},逾期 {overdue} 件,提醒 {alerts} 條 → 工作表「{sheet}」",
            "export": "5. 報總部的統計檔案:{path}",
            "send": "6. 待發送郵件(.eml):{path}",
            "open": "用 Excel 開啟 {path} 查看結果;備份在 {backups}。",
        },
        "en": {
            "ledger": "Demo ledger: {path} ({rows} case rows over {months} months)",
            "validate": "1. Validate: {errors} errors, {warnings} warnings (written to the Problems column, highlighted)",
            "callbacks": "3. Callback list as of {as_of}: {due} due, {overdue} overdue → sheet “{sheet}”",
            "sample": "2. Samples for {month} (seed {seed}): {summary}",
            "stats": "4. Statistics {month}: satisfaction {rate}, {overdue} overdue, {alerts} alerts → sheet “{sheet}”",
            "export": "5. Export for head office: {path}",
            "send": "6. E-mail ready to send (.eml): {path}",
            "open": "Open {path} in Excel to see the results; backups are in {backups}.",
        },
    },
)


def run_demo(
    directory: Path, lang: str = "zh-Hans", today: dt.date | None = None, rows: int = DEMO_ROWS
) -> Iterator[str]:
    def say(key: str, **params: Any) -> str:
        return text(f"demo.{key}", lang, **params)

    today = today or dt.date.today()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / {"en": "demo_ledger.xlsx", "zh-Hant": "示範台賬.xlsx"}.get(lang, "演示台账.xlsx")
    months = 6
    cases = generate_cases(rows, seed=DEMO_SEED, end=today, months=months, lang=lang, dirty=True)
    write_demo_ledger(path, cases, lang=lang, settings=demo_settings(lang))
    yield say("ledger", path=path, rows=len(cases), months=months)

    ledger = load_file(path)
    report, changes = validate_job(ledger, today)
    apply_changes(path, ledger, changes)
    yield say("validate", errors=len(report.errors), warnings=len(report.problems) - len(report.errors))

    month_start = today.replace(day=1) - dt.timedelta(days=1)
    month = f"{month_start.year:04d}-{month_start.month:02d}"
    ledger = load_file(path)
    result, changes = sample_job(ledger, month, None, today)
    apply_changes(path, ledger, changes)
    summary = ", ".join(
        f"{CATEGORIES.label(k, lang)} {len(v)}/{result['population'][k]}" for k, v in result["drawn"].items()
    )
    yield say("sample", month=month, seed=result["seed"], summary=summary)

    ledger = load_file(path)
    cb, _, changes = callbacks_job(ledger, today)
    apply_changes(path, ledger, changes)
    rows_listed = listed(cb)
    due = sum(a.status == "due" for a in rows_listed)
    yield say("callbacks", as_of=today, due=due, overdue=len(rows_listed) - due, sheet=changes.sheets[0].name)

    ledger = load_file(path)
    stats, changes = stats_job(ledger, month, today)
    apply_changes(path, ledger, changes)
    head = headline(stats)
    rate = "-" if head["satisfaction_rate"] is None else f"{head['satisfaction_rate']:.1%}"
    yield say(
        "stats", month=month, rate=rate, overdue=head["overdue"], alerts=head["alerts"], sheet=changes.sheets[0].name
    )

    ledger = load_file(path)
    code, doc, changes = send_job(ledger, path, month, via="eml", out_dir=directory, again=True)
    if changes is not None:
        apply_changes(path, ledger, changes)
    yield say("export", path=directory / doc.get("attachment", ""))
    if code == 0:
        yield say("send", path=next(iter(sorted(directory.glob("*.eml"))), ""))
    else:
        yield from doc.get("lines", [])
    yield say("open", path=path, backups=directory / ".ledger_backups")
