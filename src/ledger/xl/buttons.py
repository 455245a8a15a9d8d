"""The ribbon buttons: read the live workbook, run a core job, write its Changes back.

Each button takes an `xw.Book` and returns one short message for the clerk,
in the workbook's language: what was counted, what was written, what needs
attention. An unusable ledger (no case sheet, a required column missing) is a
message too, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ledger.core.columns import TOOL_COLUMNS
from ledger.core.i18n import register, text
from ledger.core.reading import CASE_SHEET_NAMES, UnusableLedger, load_ledger
from ledger.core.settings import SETTINGS_SHEET, Settings, read_settings, reports_folder_row, settings_grid
from ledger.core.vocab import CATEGORIES, fold
from ledger.sheets.callback_list import LIST_SHEET
from ledger.xl.bridge import Snapshot, cell_value, is_settings, read_sheet, snapshot
from ledger.xl.status import current as current_status
from ledger.xl.write import apply_changes

register(
    {
        "xl.validate_done": {
            "zh-Hans": "检查完成:共 {rows} 行案件,{valid} 行无错误;错误 {errors} 个(红色标出),提醒 {warnings} 个(黄色标出)。"
            "每行的问题写在“{sheet}”表右侧的“{column}”列。",
            "zh-Hant": "檢查完成:共 {rows} 行案件,{valid} 行無錯誤;錯誤 {errors} 個(紅色標出),提醒 {warnings} 個(黃色標出)。"
            "每行的問題寫在「{sheet}」表右側的「{column}」欄。",
            "en": "Check done: {rows} case rows, {valid} without errors; {errors} errors (red), {warnings} warnings (yellow). "
            "Each row's problems are in the “{column}” column at the right of sheet “{sheet}”.",
        },
        "xl.callbacks_done": {
            "zh-Hans": "回访清单已生成(工作表“{sheet}”,截至 {as_of}):待回访 {due} 件,逾期 {overdue} 件。",
            "zh-Hant": "回訪清單已產生(工作表「{sheet}」,截至 {as_of}):待回訪 {due} 件,逾期 {overdue} 件。",
            "en": "Callback list written to sheet “{sheet}” (as of {as_of}): {due} due, {overdue} overdue.",
        },
        "xl.fix_errors": {
            "zh-Hans": "台账中有 {errors} 个错误,这些行可能未列入,请按“检查台账”修正。",
            "zh-Hant": "台賬中有 {errors} 個錯誤,這些行可能未列入,請按「檢查台賬」修正。",
            "en": "The ledger has {errors} errors; those rows may be missing. Press Validate and fix them.",
        },
        "xl.sample_done": {
            "zh-Hans": "{month} 抽样完成(随机种子 {seed}):{summary}。本次新抽中 {new} 件,已写入“抽样”列并记入日志。",
            "zh-Hant": "{month} 抽樣完成(隨機種子 {seed}):{summary}。本次新抽中 {new} 件,已寫入「抽樣」欄並記入日誌。",
            "en": "{month} samples drawn (seed {seed}): {summary}. {new} newly drawn; marked in the Sampled column and logged.",
        },
        "xl.sample_none": {
            "zh-Hans": "{month} 没有需要抽样回访的已完成案件。",
            "zh-Hant": "{month} 沒有需要抽樣回訪的已完成案件。",
            "en": "No completed cases in {month} need a sampled callback.",
        },
        "xl.stats_done": {
            "zh-Hans": "{month} 月度统计已写入工作表“{sheet}”:回访 {callbacks} 次,满意率 {rate},逾期未回访 {overdue} 件,预警 {alerts} 条。",
            "zh-Hant": "{month} 月度統計已寫入工作表「{sheet}」:回訪 {callbacks} 次,滿意率 {rate},逾期未回訪 {overdue} 件,預警 {alerts} 條。",
            "en": "{month} statistics written to sheet “{sheet}”: {callbacks} callbacks, satisfaction {rate}, "
            "{overdue} overdue, {alerts} alerts.",
        },
        "xl.settings_opened": {
            "zh-Hans": "已打开“{sheet}”表。修改后再按其他按钮即可生效;邮箱密码不要写在表中。",
            "zh-Hant": "已開啟「{sheet}」表。修改後再按其他按鈕即可生效;郵箱密碼不要寫在表中。",
            "en": "Sheet “{sheet}” is open. Changes take effect on the next button press; never put passwords in it.",
        },
        "xl.settings_created": {
            "zh-Hans": "已新建“{sheet}”表并填入默认规则。请填写管理处名称、总部邮箱和人员。",
            "zh-Hant": "已新建「{sheet}」表並填入預設規則。請填寫管理處名稱、總部郵箱和人員。",
            "en": "Sheet “{sheet}” was created with the default rules. Fill in the office name, head-office e-mail and staff.",
        },
        "xl.record_done": {
            "zh-Hans": "已把 {cases} 件案件的回访结果({cells} 个单元格)记入“{sheet}”,并重新生成了回访清单;每个改动的原值都记在日志中(ledger record --undo 可撤销)。",
            "zh-Hant": "已把 {cases} 件案件的回訪結果({cells} 個儲存格)記入「{sheet}」,並重新產生了回訪清單;每個改動的原值都記在日誌中(ledger record --undo 可撤銷)。",
            "en": "Results of {cases} case(s) ({cells} cells) posted to “{sheet}” and the callback list made again; "
            "each old value is in the Log (ledger record --undo puts them back).",
        },
        "xl.record_nothing": {
            "zh-Hans": "回访清单中没有新填写的回访结果。",
            "zh-Hant": "回訪清單中沒有新填寫的回訪結果。",
            "en": "No new results typed into the callback list.",
        },
        "xl.record_refused": {
            "zh-Hans": "未登记任何结果:有 {n} 处需要更正(全部正确后才会一起记入台账):",
            "zh-Hant": "未登記任何結果:有 {n} 處需要更正(全部正確後才會一起記入台賬):",
            "en": "Nothing was posted: {n} entries need correcting (all are posted together once all are right):",
        },
    }
)


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


def last_month(today: dt.date) -> str:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


def _open(book: Any, state: dict[str, Any]) -> tuple[Snapshot, Any]:
    """Read the workbook and load the ledger; UnusableLedger propagates to `_guarded`.

    The snapshot goes into `state` first so an unusable ledger is still reported
    in the language its Settings sheet names.
    """
    status = current_status()
    snap = state["snap"] = snapshot(book, status.reading)
    ledger = state["ledger"] = load_ledger(snap.grids, path=_fullname(book))
    status.read(len(ledger.cases), ledger.lang)
    return snap, ledger


def _fullname(book: Any) -> str | None:
    try:
        return book.fullname
    except Exception:  # remote and unsaved books may not know a path
        return None


def _guarded(work: Callable[[], str], lang: Callable[[], str]) -> str:
    """Run a button's work; an unusable ledger becomes its one-paragraph message."""
    try:
        return work()
    except UnusableLedger as exc:
        return exc.message(lang())


def _errors_note(errors: int, lang: str) -> str:
    return (" " + text("xl.fix_errors", lang, errors=errors)) if errors else ""


# --------------------------------------------------------------------------- buttons


def _statistics_sheet_only(changes: Any) -> Any:
    """月度统计 in Excel writes the month's statistics sheet; 回访意见汇总 (the feedback to departments) comes
    with `ledger stats --write` and the local page: in Excel it would cost ~20 more calls (measured 60 per click).
    The tool columns and highlights are left to the list, sample and validate buttons."""
    del changes.sheets[1:]
    changes.tool_values = None
    return changes


def validate(book: Any, today: dt.date | None = None) -> str:
    """检查台账: problems column, red/yellow highlights, tool columns, a Log row."""
    state: dict[str, Any] = {}

    def work() -> str:
        # lazy: a click runs one button; importing all five jobs costs ~40 ms more per click
        from ledger.jobs.validate import validate_job

        snap, ledger = _open(book, state)
        report, changes = validate_job(ledger, _today(today))
        apply_changes(book, snap, ledger, changes, highlights="all")
        problems_label = next(c for c in TOOL_COLUMNS if c.field == "problems").label(ledger.lang)
        return text("xl.validate_done", ledger.lang, **report.counts(), sheet=ledger.sheet, column=problems_label)

    return _guarded(work, lambda: _lang_of(book, state))


def callback_list(book: Any, today: dt.date | None = None) -> str:
    """生成回访清单: the printable list sheet, tool columns, the draws it implies, Log rows."""
    state: dict[str, Any] = {}

    def work() -> str:
        # lazy: a click runs one button; importing all five jobs costs ~40 ms more per click
        from ledger.jobs.callbacks import callbacks_job

        snap, ledger = _open(book, state)
        as_of = _today(today)
        # The per-case record forms cost Excel calls per listed case; in Excel the list itself
        # is the sign-out sheet, and `ledger callbacks --write` adds the forms to the file.
        report, validation, changes = callbacks_job(ledger, as_of, forms=False)
        written = apply_changes(book, snap, ledger, changes, highlights="marks")
        counts = report.counts()
        return text(
            "xl.callbacks_done",
            ledger.lang,
            sheet=written.sheets[0] if written.sheets else "-",
            as_of=as_of.isoformat(),
            due=counts.get("due", 0),
            overdue=counts.get("overdue", 0),
        ) + _errors_note(len(validation.errors), ledger.lang)

    return _guarded(work, lambda: _lang_of(book, state))


def record_results(book: Any, today: dt.date | None = None) -> str:
    """登记回访结果: check the results typed into 回访清单, post them into the case sheet, regenerate the list."""
    state: dict[str, Any] = {}

    def work() -> str:
        # lazy: a click runs one button; importing all the jobs costs ~40 ms more per click
        from ledger.jobs.record import record_job

        snap, ledger = _open(book, state)
        lang = ledger.lang
        names = {fold(v) for v in LIST_SHEET.values()}
        name = next((n for n in snap.names if fold(n) in names), None)
        if name is None:
            return text("record.no_list", lang)
        grid = read_sheet(book.sheets[name])  # a generated sheet: the snapshot lists it without reading it
        result, changes = record_job(ledger, grid, name, _today(today), forms=False)
        if result["problems"]:
            lines = [f"{name} {p['row']}: {p['message']}" for p in result["problems"][:10]]
            return "\n".join([text("xl.record_refused", lang, n=len(result["problems"])), *lines])
        if changes is None:
            return text("xl.record_nothing", lang)
        apply_changes(book, snap, ledger, changes, highlights="marks")
        cases = len({c["case_id"] for c in result["cells"]})
        return text("xl.record_done", lang, cases=cases, cells=len(result["cells"]), sheet=ledger.sheet)

    return _guarded(work, lambda: _lang_of(book, state))


def draw_samples(book: Any, month: str | None = None, seed: int | None = None, today: dt.date | None = None) -> str:
    """抽样: draw last month's samples (or `month`'s), mark them, log the seed."""
    state: dict[str, Any] = {}

    def work() -> str:
        # lazy: a click runs one button; importing all five jobs costs ~40 ms more per click
        from ledger.jobs.sample import sample_job

        snap, ledger = _open(book, state)
        lang = ledger.lang
        as_of = _today(today)
        the_month = month or last_month(as_of)
        result, changes = sample_job(ledger, the_month, seed, as_of)
        apply_changes(book, snap, ledger, changes, highlights="marks")
        parts = [
            f"{CATEGORIES.label(k, lang)} {len(ids)}/{result['population'][k]}"
            for k, ids in result["drawn"].items()
            if result["population"].get(k)
        ]
        if not parts:
            return text("xl.sample_none", lang, month=the_month)
        new = sum(len(v) for v in result["new"].values())
        sep = ", " if lang == "en" else "、"
        return text("xl.sample_done", lang, month=the_month, seed=result["seed"], summary=sep.join(parts), new=new)

    return _guarded(work, lambda: _lang_of(book, state))


def monthly_stats(book: Any, month: str | None = None, today: dt.date | None = None) -> str:
    """月度统计: last month's (or `month`'s) statistics sheet with charts, and a Log row."""
    state: dict[str, Any] = {}

    def work() -> str:
        # lazy: a click runs one button; importing all five jobs costs ~40 ms more per click
        from ledger.jobs.stats import stats_job

        snap, ledger = _open(book, state)
        as_of = _today(today)
        the_month = month or last_month(as_of)
        result, changes = stats_job(ledger, the_month, as_of)
        written = apply_changes(book, snap, ledger, _statistics_sheet_only(changes), highlights="none")
        doc = result.as_json()
        overall = doc["satisfaction"]["overall"]
        callbacks = sum(overall[k] or 0 for k in ("satisfied", "fairly_satisfied", "unsatisfied"))
        rate = overall.get("rate")
        return text(
            "xl.stats_done",
            ledger.lang,
            month=the_month,
            sheet=written.sheets[0] if written.sheets else "-",
            callbacks=callbacks,
            rate=f"{rate:.1%}" if isinstance(rate, (int, float)) else "-",
            overdue=sum(c["overdue"] or 0 for c in doc["compliance"].values()),
            alerts=sum(len(v) for v in doc["alerts"].values()),
        )

    return _guarded(work, lambda: _lang_of(book, state))


def send_to_head_office(
    book: Any, month: str | None = None, via: str | None = None, today: dt.date | None = None, **options: Any
) -> str:
    """报送总部: export last month's statistics and send them (SMTP, Outlook draft or .eml); log it."""
    state: dict[str, Any] = {}

    def work() -> str:
        # lazy: a click runs one button; importing all five jobs costs ~40 ms more per click
        from ledger.jobs.send import send_job

        snap, ledger = _open(book, state)
        the_month = month or last_month(_today(today))
        how = via or default_via(ledger)
        path = Path(_fullname(book) or book.name)
        out_dir = options.pop("out_dir", None) or (path.parent if path.is_absolute() else Path.home())
        # Exactly once (issue 14.1): the attempt goes into the workbook's Log before the server is
        # contacted, so an attempt whose outcome is unknown blocks the next click (再次发送 needs `again`).
        code, doc, changes = send_job(
            ledger,
            path,
            the_month,
            via=how,
            out_dir=Path(out_dir),
            log_now=lambda attempt: apply_changes(book, snap, ledger, attempt),
            log_in_file=False,  # the ledger is open in this Excel: its Log is written live, not in the file
            **options,
        )
        if changes is not None:  # None: refused before anything was built (a month not over, a generic office)
            apply_changes(book, snap, ledger, changes)
        return "\n".join(doc.get("lines", []))

    return _guarded(work, lambda: _lang_of(book, state))


def default_via(ledger: Any) -> str:
    """SMTP when Settings names a server; else an Outlook draft on Windows; else an .eml file."""
    if ledger.settings.smtp_host:
        return "smtp"
    return "outlook" if sys.platform.startswith("win") else "eml"


def settings(book: Any) -> str:
    """设置: show the Settings sheet; create it with the preset's defaults when missing."""
    sheet = next((s for s in book.sheets if is_settings(s.name)), None)
    if sheet is not None:
        lang = read_settings(read_sheet(sheet), sheet.name)[0].language
        sheet.activate()
        return text("xl.settings_opened", lang, sheet=sheet.name)
    lang = _case_sheet_lang(book)
    name = SETTINGS_SHEET[lang]
    grid = settings_grid(Settings(language=lang), lang)
    width = max(len(r) for r in grid)
    sheet = book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])
    sheet.range((1, 1)).value = [[cell_value(v) for v in r] + [None] * (width - len(r)) for r in grid]
    sheet.range((1, 1), (1, 2)).font.bold = True
    sheet.range((1, 1)).column_width = 30
    sheet.range((1, 2)).column_width = 40
    sheet.activate()
    return text("xl.settings_created", lang, sheet=name)


def _case_sheet_lang(book: Any) -> str:
    """Without a Settings sheet, guess the language from the case sheet's name."""
    names = {s.name for s in book.sheets}
    for lang in ("zh-Hant", "en"):
        if CASE_SHEET_NAMES[lang] in names:
            return lang
    return "zh-Hans"


def _lang_of(book: Any, state: dict[str, Any]) -> str:
    if "ledger" in state:
        return state["ledger"].lang
    if "snap" in state:
        return state["snap"].lang
    try:
        return snapshot_lang(book)
    except Exception:  # the message must come out whatever the workbook holds
        return "zh-Hans"


def snapshot_lang(book: Any) -> str:
    sheet = next((s for s in book.sheets if is_settings(s.name)), None)
    if sheet is None:
        return _case_sheet_lang(book)
    return read_settings(read_sheet(sheet), sheet.name)[0].language


# --------------------------------------------------------------------------- head office

register(
    {
        "xl.reading_reports": {
            "zh-Hans": "正在读取 {done}/{total} …",
            "zh-Hant": "正在讀取 {done}/{total} …",
            "en": "Reading {done}/{total} …",
        },
        "xl.no_reports_folder": {
            "zh-Hans": "找不到报表文件夹 {folder}。请在“设置”表的“报表文件夹”一行填写存放各处报表的文件夹。",
            "zh-Hant": "找不到報表資料夾 {folder}。請在「設置」表的「報表資料夾」一行填寫存放各處報表的資料夾。",
            "en": "The reports folder {folder} does not exist. Put the folder holding the offices' reports in the "
            "“Reports folder” row of the Settings sheet.",
        },
    }
)


def reports_folder(book: Any) -> Path | None:
    """The folder named in the Settings sheet's 报表文件夹 row, else the workbook's own folder."""
    sheet = next((s for s in book.sheets if is_settings(s.name)), None)
    named = reports_folder_row(read_sheet(sheet)) if sheet is not None else ""
    if named:
        return Path(named)
    path = Path(_fullname(book) or "")
    return path.parent if path.is_absolute() else None


def consolidate_reports(
    book: Any, month: str | None = None, folder: Path | None = None, today: dt.date | None = None
) -> str:
    """汇总各处报表: last month's exports and mails in the reports folder into the head-office workbook beside them."""
    # lazy: a click runs one button; consolidation pulls in duckdb and the head-office writer
    from ledger.jobs.consolidate import consolidate_job, default_out, summary_lines

    lang = _lang_of(book, {})
    the_month = month or last_month(_today(today))
    where = Path(folder) if folder else reports_folder(book)
    if where is None or not where.is_dir():
        return text("xl.no_reports_folder", lang, folder=where or "-")
    app = book.app if book.app.engine.name != "remote" else None

    def progress(done: int, total: int) -> None:
        if app is not None and (done == total or done % 10 == 0):
            app.status_bar = text("xl.reading_reports", lang, done=done, total=total)

    try:
        result = consolidate_job([where], the_month, out=where / default_out(the_month), lang=lang, progress=progress)
    finally:
        if app is not None:
            app.status_bar = False  # give the status bar back to Excel
    return "\n".join(summary_lines(result, lang)[-12:])


BUTTONS: dict[str, Callable[..., str]] = {
    "validate": validate,
    "callback_list": callback_list,
    "draw_samples": draw_samples,
    "monthly_stats": monthly_stats,
    "send_to_head_office": send_to_head_office,
    "settings": settings,
    "consolidate_reports": consolidate_reports,
}

__all__ = [
    "BUTTONS",
    "callback_list",
    "consolidate_reports",
    "default_via",
    "draw_samples",
    "last_month",
    "monthly_stats",
    "send_to_head_office",
    "settings",
    "validate",
]
