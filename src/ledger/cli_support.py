"""What the `ledger` commands share: the clerk's language and the one way to fail, dates and months from
options, loading a ledger (with a progress bar on a terminal), the writer lock, writing a job's changes.

Imports of io and jobs stay inside the functions (lazy: start-up time), as in cli.py.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import sys
from collections.abc import Callable
from contextlib import ExitStack
from contextvars import ContextVar
from enum import StrEnum
from pathlib import Path
from typing import Any, NoReturn

import typer

from ledger.core.errors import LedgerError
from ledger.core.i18n import normalize_language, register, text
from ledger.io.json_stream import write_json


class Format(StrEnum):
    text = "text"
    json = "json"


class Via(StrEnum):
    smtp = "smtp"
    eml = "eml"
    outlook = "outlook"


register(
    {
        "cli.bad_date": {
            "zh-Hans": "日期“{value}”格式不对,应为 YYYY-MM-DD。",
            "zh-Hant": "日期「{value}」格式不對,應為 YYYY-MM-DD。",
            "en": "“{value}” is not a date; use YYYY-MM-DD.",
        },
        "cli.bad_month": {
            "zh-Hans": "月份“{value}”格式不对,应为 YYYY-MM。",
            "zh-Hant": "月份「{value}」格式不對,應為 YYYY-MM。",
            "en": "“{value}” is not a month; use YYYY-MM.",
        },
        "cli.no_such_month": {
            "zh-Hans": "没有这个月份:“{value}”。月份是 01 到 12,例如 2026-10。",
            "zh-Hant": "沒有這個月份:「{value}」。月份是 01 到 12,例如 2026-10。",
            "en": "There is no such month: “{value}”. Months run from 01 to 12, e.g. 2026-10.",
        },
        "cli.month_not_started": {
            "zh-Hans": "{month} 该月尚未开始(截至 {as_of}),没有可统计的内容。请选择 {as_of_month} 或更早的月份。",
            "zh-Hant": "{month} 該月尚未開始(截至 {as_of}),沒有可統計的內容。請選擇 {as_of_month} 或更早的月份。",
            "en": "{month} has not started yet (as of {as_of}); there is nothing to count. Choose {as_of_month} or an earlier month.",
        },
        "cli.settings_added": {
            "zh-Hans": "已在台账中添加“设置”表:管理处名称“{office}”取自{source}。请核对,并填写总部邮箱等设置项。",
            "zh-Hant": "已在台賬中新增「設置」表:管理處名稱「{office}」取自{source}。請核對,並填寫總部郵箱等設置項。",
            "en": "A Settings sheet was added to the ledger: the office name “{office}” was taken from {source}. Check it and fill in the head-office e-mail and other items.",
        },
        "cli.source_option": {"zh-Hans": " --office 参数", "zh-Hant": " --office 參數", "en": "--office"},
        "cli.source_title": {
            "zh-Hans": "表头上方的标题行",
            "zh-Hant": "表頭上方的標題列",
            "en": "the title row above the headers",
        },
        "cli.source_file": {"zh-Hans": "文件名", "zh-Hant": "檔案名稱", "en": "the file name"},
        "cli.source_default": {
            "zh-Hans": "默认值(台账没有标题行,请改成本管理处的名称)",
            "zh-Hant": "預設值(台賬沒有標題列,請改成本管理處的名稱)",
            "en": "the default (the ledger has no title row; enter your office's name)",
        },
        "cli.settings_exists": {
            "zh-Hans": "“{path}”已经有“设置”表,未作改动。请直接在该表中修改设置。",
            "zh-Hant": "「{path}」已經有「設置」表,未作改動。請直接在該表中修改設置。",
            "en": "“{path}” already has a Settings sheet; nothing was changed. Edit the settings in that sheet.",
        },
        "cli.init_needs_path": {
            "zh-Hans": "请给出新台账的文件名(如 ledger init 台账.xlsx),或用 --into 台账.xlsx 给已有台账添加“设置”表。",
            "zh-Hant": "請給出新台賬的檔案名稱(如 ledger init 台賬.xlsx),或用 --into 台賬.xlsx 給已有台賬新增「設置」表。",
            "en": "Give the new ledger's file name (ledger init ledger.xlsx), or --into LEDGER to add a Settings sheet to an existing ledger.",
        },
        "cli.written": {
            "zh-Hans": "已写入 {path}(备份:{backup})。",
            "zh-Hant": "已寫入 {path}(備份:{backup})。",
            "en": "Written to {path} (backup: {backup}).",
        },
        "cli.summary_validate": {
            "zh-Hans": "共 {rows} 行案件,{valid} 行无错误;错误 {errors} 个,提醒 {warnings} 个。",
            "zh-Hant": "共 {rows} 行案件,{valid} 行無錯誤;錯誤 {errors} 個,提醒 {warnings} 個。",
            "en": "{rows} case rows, {valid} without errors; {errors} errors, {warnings} warnings.",
        },
        "cli.internal": {
            "zh-Hans": "内部错误:{error}。台账未被修改。请把此信息发给技术支持。",
            "zh-Hant": "內部錯誤:{error}。台賬未被修改。請把此資訊發給技術支援。",
            "en": "Internal error: {error}. The ledger was not changed. Please send this message to support.",
        },
    }
)


# the language of the ledger being worked on, once it is read; before that LEDGER_LANG or zh-Hans
LEDGER_LANG: ContextVar[str | None] = ContextVar("ledger_lang", default=None)


def current_lang() -> str:
    return LEDGER_LANG.get() or normalize_language(os.environ.get("LEDGER_LANG"))


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def clerk_facing(command: Callable[..., None]) -> Callable[..., None]:
    """The one place a LedgerError (unusable file, refused write, mail or archive problem) becomes what
    the clerk reads: its message in the ledger's language on stderr, one paragraph, exit status 2."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        token = LEDGER_LANG.set(None)
        try:
            command(*args, **kwargs)
        except LedgerError as exc:
            fail(exc.message(current_lang()))
        finally:
            LEDGER_LANG.reset(token)

    return run


def parse_date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(text("cli.bad_date", current_lang(), value=value))


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(value: str | None, lang: str | None = None) -> str:
    """YYYY-MM; `2026-13` is no such month, `2026/10` is not written as a month."""
    if value is None:
        first = dt.date.today().replace(day=1) - dt.timedelta(days=1)
        return f"{first.year:04d}-{first.month:02d}"
    m = _MONTH.match(value.strip())
    if not m:
        fail(text("cli.bad_month", lang or current_lang(), value=value))
    if not 1 <= int(m[2]) <= 12:
        fail(text("cli.no_such_month", lang or current_lang(), value=value))
    return f"{int(m[1]):04d}-{int(m[2]):02d}"


def month_started(month: str, as_of: dt.date, lang: str) -> None:
    """A month after the as-of month has nothing to count: exit 2 (the as-of month itself is partial)."""
    current = f"{as_of.year:04d}-{as_of.month:02d}"
    if month > current:
        fail(text("cli.month_not_started", lang, month=month, as_of=as_of.isoformat(), as_of_month=current))


def with_office(ledger, office: str | None):
    """`--office NAME`: the office this run reports as (and writes into a new Settings sheet)."""
    if office and office.strip():
        ledger.settings.office = office.strip()
        ledger.office_source = "option"
    return ledger


def refuse_unwritable(path: Path, lang: str) -> None:
    """Refuse before anything is written anywhere (issue 13.4): a ledger open in Excel stops the whole command."""
    from ledger.io.safe_write import check_writable  # lazy, as every command's imports: start-up time

    try:
        check_writable(path)
    except Exception as exc:  # noqa: BLE001 - refusals carry a clerk-facing message
        message = getattr(exc, "message", None)
        fail(message(lang) if callable(message) else text("cli.internal", lang, error=exc))


def load(path: Path):
    from ledger.io.workbook import load_file  # lazy: start-up time

    with progress_bar(current_lang(), "cli.reading_ledger", name=path.name) as progress:  # a large ledger only
        ledger = load_file(path, progress=progress)
    LEDGER_LANG.set(ledger.lang)
    return ledger


HELD_LOCKS = ExitStack()  # writer locks a command holds until it ends (cli: app.callback)


def one_writer(path: Path, write: bool = True) -> None:
    """One writer per ledger: take the lock before reading, hold it until the command ends
    (io.writer_lock), so a second writer waits a few seconds for the first and then reads its
    result, or is refused (exit 2)."""
    if not write or not path.is_file():
        return
    from ledger.io.safe_write import WriteRefused, check_writable  # lazy: start-up time
    from ledger.io.writer_lock import ledger_write_lock  # lazy: start-up time

    try:
        check_writable(path)
    except WriteRefused:
        return  # open in Excel or read-only: the command refuses after reading, in the workbook's language,
        # and leaves not even a lock file behind
    try:
        HELD_LOCKS.enter_context(ledger_write_lock(path))
    except WriteRefused as exc:
        fail(exc.message(current_lang()))


def print_json(doc: Any) -> None:
    write_json(doc, sys.stdout)


def write_changes(path: Path, ledger, changes, out_path: Path | None = None):
    """Apply changes; every refusal (locked, read-only, unsupported part) is exit status 2.

    A ledger without a Settings sheet gets one (io.ledger_file); the clerk is told where its office name came from.
    Refusals end here as typer.Exit, so a caller can undo what it wrote before (stats --export).
    """
    from ledger.io.ledger_file import apply_changes  # lazy: start-up time

    try:
        receipt = apply_changes(path, ledger, changes, out_path)
    except LedgerError as exc:
        fail(exc.message(ledger.lang))
    except Exception as exc:  # noqa: BLE001 - any other failure: the ledger is unchanged, say so
        fail(text("cli.internal", ledger.lang, error=exc))
    if not ledger.has_settings:
        source = text(f"cli.source_{ledger.office_source}", ledger.lang)
        typer.echo(text("cli.settings_added", ledger.lang, office=ledger.settings.office, source=source), err=True)
    return receipt


def log_now(path: Path, ledger, changes) -> None:
    """Write Log rows at once (a send's attempt, before the mail goes out): io.ledger_file.log_at_once."""
    from ledger.io.ledger_file import log_at_once  # lazy: start-up time

    log_at_once(path, ledger, changes)


def report_write(receipt, lang: str) -> None:
    typer.echo(text("cli.written", lang, path=receipt.path, backup=receipt.backup or "-"), err=True)


def problem_lines(problems, lang: str) -> None:
    for p in problems:
        mark = "✖" if p.severity == "error" else "⚠"
        typer.echo(f"{mark} {p.located(lang)}")


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


class progress_bar:
    """A rich progress bar on stderr while files or rows are read, only when stderr is a terminal.

    It appears at the first update: reading a ledger calls back only past io.workbook's
    PROGRESS_EVERY_ROWS rows, so a small ledger shows nothing.
    """

    def __init__(self, lang: str, what: str = "cli.reading", **params: Any):
        self.lang, self.what, self.params, self.bar, self.task = lang, what, params, None, None

    def __enter__(self):
        return self.update if stderr_is_terminal() else None

    def _start(self) -> None:
        from rich.console import Console  # lazy: start-up time
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn  # lazy: start-up time

        self.bar = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True, force_terminal=True),  # stderr is a terminal: checked in __enter__
            transient=True,
        )
        self.bar.start()
        self.task = self.bar.add_task(text(self.what, self.lang, **self.params), total=None)

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            self._start()
        self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


register(
    {
        "cli.no_source": {
            "zh-Hans": "找不到 {paths}。请给出报表文件、文件夹、.eml 邮件或邮箱的路径。",
            "zh-Hant": "找不到 {paths}。請給出報表檔案、資料夾、.eml 郵件或郵箱的路徑。",
            "en": "{paths} not found. Give the path of export files, folders, .eml mails or mailboxes.",
        },
        "cli.reading": {"zh-Hans": "正在读取报表", "zh-Hant": "正在讀取報表", "en": "Reading reports"},
        "cli.reading_ledger": {
            "zh-Hans": "正在读取台账 {name}(行)",
            "zh-Hant": "正在讀取台帳 {name}(列)",
            "en": "Reading ledger {name} (rows)",
        },
    }
)
