"""The `ledger` command: thin shells over ledger.jobs.

Exit status: 0 done; 1 done but the ledger has errors; 2 unusable input,
with one paragraph on stderr and no traceback.

Each command imports its job when it runs (the imports marked "lazy: start-up
time"): `ledger --help` or a mistyped option answers without loading openpyxl,
pandas and pydantic, which take about half a second.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import signal
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

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="回访台账 Callback ledger: validate, list callbacks, draw samples, monthly statistics, send.",
)


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
_LEDGER_LANG: ContextVar[str | None] = ContextVar("ledger_lang", default=None)


def _lang() -> str:
    return _LEDGER_LANG.get() or normalize_language(os.environ.get("LEDGER_LANG"))


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def clerk_facing(command: Callable[..., None]) -> Callable[..., None]:
    """The one place a LedgerError (unusable file, refused write, mail or archive problem) becomes what
    the clerk reads: its message in the ledger's language on stderr, one paragraph, exit status 2."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        token = _LEDGER_LANG.set(None)
        try:
            command(*args, **kwargs)
        except LedgerError as exc:
            fail(exc.message(_lang()))
        finally:
            _LEDGER_LANG.reset(token)

    return run


def _parse_date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(text("cli.bad_date", _lang(), value=value))


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _parse_month(value: str | None, lang: str | None = None) -> str:
    """YYYY-MM; `2026-13` is no such month, `2026/10` is not written as a month."""
    if value is None:
        first = dt.date.today().replace(day=1) - dt.timedelta(days=1)
        return f"{first.year:04d}-{first.month:02d}"
    m = _MONTH.match(value.strip())
    if not m:
        fail(text("cli.bad_month", lang or _lang(), value=value))
    if not 1 <= int(m[2]) <= 12:
        fail(text("cli.no_such_month", lang or _lang(), value=value))
    return f"{int(m[1]):04d}-{int(m[2]):02d}"


def _month_started(month: str, as_of: dt.date, lang: str) -> None:
    """A month after the as-of month has nothing to count: exit 2 (the as-of month itself is partial)."""
    current = f"{as_of.year:04d}-{as_of.month:02d}"
    if month > current:
        fail(text("cli.month_not_started", lang, month=month, as_of=as_of.isoformat(), as_of_month=current))


def _with_office(ledger, office: str | None):
    """`--office NAME`: the office this run reports as (and writes into a new Settings sheet)."""
    if office and office.strip():
        ledger.settings.office = office.strip()
        ledger.office_source = "option"
    return ledger


def _check_writable(path: Path, lang: str) -> None:
    """Refuse before anything is written anywhere (issue 13.4): a ledger open in Excel stops the whole command."""
    from ledger.io.safe_write import check_writable  # lazy, as every command's imports: start-up time

    try:
        check_writable(path)
    except Exception as exc:  # noqa: BLE001 - refusals carry a clerk-facing message
        message = getattr(exc, "message", None)
        fail(message(lang) if callable(message) else text("cli.internal", lang, error=exc))


def _load(path: Path):
    from ledger.io.workbook import load_file  # lazy: start-up time

    with _progress_bar(_lang(), "cli.reading_ledger", name=path.name) as progress:  # a large ledger only
        ledger = load_file(path, progress=progress)
    _LEDGER_LANG.set(ledger.lang)
    return ledger


_HELD_LOCKS = ExitStack()


@app.callback()
def _release_locks_at_the_end(ctx: typer.Context) -> None:
    """Writer locks taken by a command (_one_writer) are let go when the command ends, however it ends."""
    ctx.call_on_close(_HELD_LOCKS.close)


def _one_writer(path: Path, write: bool = True) -> None:
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
        _HELD_LOCKS.enter_context(ledger_write_lock(path))
    except WriteRefused as exc:
        fail(exc.message(_lang()))


def _print_json(doc: Any) -> None:
    write_json(doc, sys.stdout)


def _write(path: Path, ledger, changes, out_path: Path | None = None):
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


def _log_now(path: Path, ledger, changes) -> None:
    """Write Log rows at once (a send's attempt, before the mail goes out); the ledger read stays current."""
    from ledger.io.ledger_file import apply_changes  # lazy: start-up time
    from ledger.io.writer_lock import fingerprint  # lazy: start-up time

    apply_changes(path, ledger, changes)
    ledger.source = fingerprint(path)


def _report_write(receipt, lang: str) -> None:
    typer.echo(text("cli.written", lang, path=receipt.path, backup=receipt.backup or "-"), err=True)


def _problem_lines(problems, lang: str) -> None:
    for p in problems:
        mark = "✖" if p.severity == "error" else "⚠"
        typer.echo(f"{mark} {p.located(lang)}")


@app.command()
@clerk_facing
def init(
    path: Path | None = typer.Argument(None, help="new ledger file (.xlsx)"),
    preset: str = typer.Option("residential", help="residential | commercial"),
    lang: str | None = typer.Option(None, help="zh-Hans | zh-Hant | en"),
    office: str | None = typer.Option(None, help="office name"),
    force: bool = typer.Option(False, "--force", help="overwrite an existing file"),
    into: Path | None = typer.Option(None, "--into", metavar="LEDGER", help="add a Settings sheet to this ledger"),
) -> None:
    """Create a new ledger from the template, or add a Settings sheet to an existing one (--into)."""
    from ledger.io.template import create_ledger  # lazy: start-up time

    if preset not in ("residential", "commercial"):
        fail(f"--preset: residential | commercial ({preset})")
    if into is not None:
        _settings_into(into, preset, lang, office)
        return
    if path is None:
        fail(text("cli.init_needs_path", normalize_language(lang)))
    lang = normalize_language(lang)
    try:
        out = create_ledger(path, preset=preset, lang=lang, office=office, overwrite=force)
    except (FileExistsError, ValueError) as exc:
        fail(str(exc))
    typer.echo(str(out))


def _settings_into(ledger_path: Path, preset: str, lang: str | None, office: str | None) -> None:
    """`init --into LEDGER`: the clerk's own ledger gets a pre-filled Settings sheet, nothing else changes."""
    from ledger.core.changes import Changes  # lazy, as every command's imports: start-up time
    from ledger.core.rules import PRESETS  # lazy: start-up time

    ledger = _with_office(_load(ledger_path), office)
    if ledger.has_settings:
        fail(text("cli.settings_exists", ledger.lang, path=ledger_path))
    if lang:
        ledger.settings.language = normalize_language(lang)
    ledger.settings.preset = preset
    ledger.settings.rules = {k: r.model_copy(deep=True) for k, r in PRESETS[preset].items()}
    _write(ledger_path, ledger, Changes())
    typer.echo(str(ledger_path))


@app.command("validate")
@clerk_facing
def validate_cmd(
    ledger_path: Path = typer.Argument(..., metavar="LEDGER"),
    write: bool = typer.Option(False, "--write", help="write the problems column and highlights"),
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD, default today"),
    format: Format = typer.Option(Format.text, "--format"),
    office: str | None = typer.Option(None, "--office", help="office name (fills a new Settings sheet)"),
) -> None:
    """Check every row; list problems with sheet, row and column."""
    from ledger.jobs.validate import validate_job  # lazy: start-up time

    today = _parse_date(as_of)
    _one_writer(ledger_path, write)
    ledger = _with_office(_load(ledger_path), office)
    report, changes = validate_job(ledger, today)
    if write:
        _report_write(_write(ledger_path, ledger, changes), ledger.lang)
    if format is Format.json:
        _print_json(report.as_json())
    else:
        _problem_lines(report.problems, ledger.lang)
        typer.echo(
            text(
                "cli.summary_validate",
                ledger.lang,
                rows=report.rows,
                valid=report.valid_rows,
                errors=len(report.errors),
                warnings=len(report.problems) - len(report.errors),
            )
        )
    raise typer.Exit(1 if report.errors else 0)


@app.command()
@clerk_facing
def callbacks(
    ledger_path: Path = typer.Argument(..., metavar="LEDGER"),
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD, default today"),
    write: bool = typer.Option(False, "--write", help="write the callback list sheet and tool columns"),
    format: Format = typer.Option(Format.text, "--format"),
    office: str | None = typer.Option(None, "--office", help="office name (fills a new Settings sheet)"),
) -> None:
    """Callback status of every case; the list of callbacks due and overdue."""
    from ledger.core.vocab import CATEGORIES, STATUSES  # lazy: start-up time
    from ledger.jobs.callbacks import callbacks_job, callbacks_json  # lazy: start-up time
    from ledger.sheets.callback_list import callers, listed  # lazy: start-up time

    day = _parse_date(as_of)
    _one_writer(ledger_path, write)
    ledger = _with_office(_load(ledger_path), office)
    report, validation, changes = callbacks_job(ledger, day)
    if write:
        _report_write(_write(ledger_path, ledger, changes), ledger.lang)
    if format is Format.json:
        _print_json(callbacks_json(report))
    else:
        lang = ledger.lang
        rows = listed(report)
        names = callers(rows, ledger, lang)
        for a in rows:
            c = a.case
            typer.echo(
                f"{STATUSES.label(a.status, lang)}\t{a.window_due}\t{c.case_id}\t"
                f"{CATEGORIES.label(c.category, lang)}\t{c.unit or ''}\t{c.customer or ''}\t{c.phone or ''}\t"
                f"{names[c.row]}"
            )
        counts = report.counts()
        typer.echo("  ".join(f"{STATUSES.label(k, lang)} {v}" for k, v in counts.items() if v))
        for p in report.problems:
            typer.echo(f"⚠ {p.located(lang)}", err=True)
    raise typer.Exit(1 if validation.errors else 0)


@app.command()
@clerk_facing
def sample(
    ledger_path: Path = typer.Argument(..., metavar="LEDGER"),
    month: str = typer.Option(..., "--month", help="YYYY-MM: cases completed in this month"),
    seed: int | None = typer.Option(None, "--seed", help="default: the month as a number, e.g. 202610"),
    write: bool = typer.Option(False, "--write", help="record the draw in the ledger and the Log"),
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD, default today"),
    format: Format = typer.Option(Format.text, "--format"),
    office: str | None = typer.Option(None, "--office", help="office name (fills a new Settings sheet)"),
) -> None:
    """Draw the callback samples of a month, reproducibly from a seed."""
    from ledger.core.vocab import CATEGORIES  # lazy: start-up time
    from ledger.jobs.sample import sample_job  # lazy: start-up time

    _one_writer(ledger_path, write)
    ledger = _with_office(_load(ledger_path), office)
    month, day = _parse_month(month, ledger.lang), _parse_date(as_of)
    _month_started(month, day, ledger.lang)
    result, changes = sample_job(ledger, month, seed, day)
    if write:
        _report_write(_write(ledger_path, ledger, changes), ledger.lang)
    if format is Format.json:
        _print_json(
            {
                k: result[k]
                for k in ("month", "seed", "drawn", "required", "population", "new", "seed_requested", "survey")
                if k in result
            }
        )
    else:
        lang = ledger.lang
        typer.echo(f"{month}  seed={result['seed']}")
        for key, ids in result["drawn"].items():
            typer.echo(
                f"{CATEGORIES.label(key, lang)}: {len(ids)}/{result['population'][key]} "
                f"(≥{result['required'][key]})  " + " ".join(i or "?" for i in ids)
            )
    raise typer.Exit(0)


@app.command()
@clerk_facing
def stats(
    ledger_path: Path = typer.Argument(..., metavar="LEDGER"),
    month: str | None = typer.Option(None, "--month", help="YYYY-MM, default last month"),
    write: bool = typer.Option(False, "--write", help="write the month's statistics sheet into the ledger"),
    export: Path | None = typer.Option(None, "--export", help="folder or .xlsx path for the export"),
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD, default today"),
    format: Format = typer.Option(Format.text, "--format"),
    office: str | None = typer.Option(None, "--office", help="office name (fills a new Settings sheet)"),
) -> None:
    """Monthly statistics: received, complaints, compliance, satisfaction, timeliness, alerts.

    Exit 1 when cases could not be counted (`excluded`); all or nothing: a ledger that cannot
    be written (open in Excel) stops the command before the export is written.
    """
    from ledger.jobs.stats import stats_job  # lazy: start-up time
    from ledger.sheets.stats_sheet import stats_text  # lazy: start-up time

    _one_writer(ledger_path, write)
    ledger = _with_office(_load(ledger_path), office)
    month, day = _parse_month(month, ledger.lang), _parse_date(as_of)
    _month_started(month, day, ledger.lang)
    result, changes = stats_job(ledger, month, day)
    if write:
        _check_writable(ledger_path, ledger.lang)
    if export is not None:
        out, earlier = _export(result, ledger, export)
        try:
            if write:
                _report_write(_write(ledger_path, ledger, changes), ledger.lang)
        except typer.Exit:
            _undo_export(out, earlier)  # the ledger refused the write: leave no export behind either
            raise
        typer.echo(str(out), err=True)
    elif write:
        _report_write(_write(ledger_path, ledger, changes), ledger.lang)
    if format is Format.json:
        _print_json(result.as_json())
    else:
        typer.echo(stats_text(result, ledger.lang))
    raise typer.Exit(1 if result.excluded else 0)


def _export(result, ledger, target: Path) -> tuple[Path, bytes | None]:
    """Write the export; return its path and the bytes of the file it replaced (None: there was none)."""
    from ledger.io.export import export_path, export_stats  # lazy, as every command's imports: start-up time

    planned = export_path(target, result.office, result.month, ledger.lang)
    earlier = planned.read_bytes() if planned.is_file() else None
    try:
        return export_stats(result, ledger, target), earlier
    except OSError as exc:
        fail(str(exc))


def _undo_export(out: Path, earlier: bytes | None) -> None:
    if earlier is None:
        out.unlink(missing_ok=True)
    else:
        out.write_bytes(earlier)


@app.command()
@clerk_facing
def send(
    ledger_path: Path = typer.Argument(..., metavar="LEDGER"),
    month: str | None = typer.Option(None, "--month", help="YYYY-MM, default last month"),
    via: Via = typer.Option(Via.smtp, "--via"),
    to: list[str] = typer.Option([], "--to", help="recipient (repeatable); default: head office from Settings"),
    smtp_host: str | None = typer.Option(None, "--smtp-host"),
    smtp_port: int | None = typer.Option(None, "--smtp-port"),
    smtp_security: str | None = typer.Option(None, "--smtp-security", help="ssl | starttls | none (loopback only)"),
    out_dir: Path | None = typer.Option(None, "--out-dir", help="where the export and .eml go"),
    again: bool = typer.Option(False, "--again", help="send a month that was already sent"),
    partial: bool = typer.Option(False, "--partial", help="send a month that is not over yet"),
    feedback: bool = typer.Option(False, "--feedback", help="instead: 回访意见汇总 to department heads (Settings)"),
    format: Format = typer.Option(Format.text, "--format"),
    office: str | None = typer.Option(None, "--office", help="office name (fills a new Settings sheet)"),
) -> None:
    """Build the month's statistics export and send it to head office by the 25th (docs/rules.en.md §6)."""
    from ledger.jobs.send import send_job  # lazy: start-up time

    _one_writer(ledger_path)  # the send is logged in the ledger: nobody else writes it meanwhile
    ledger = _with_office(_load(ledger_path), office)
    month = _parse_month(month, ledger.lang)
    _month_started(month, dt.date.today(), ledger.lang)
    _check_writable(ledger_path, ledger.lang)  # the send is logged in the ledger: refuse before sending
    if feedback:  # 004 5.6.5: each department head gets their part of 回访意见汇总 instead
        _send_feedback(ledger, ledger_path, month, via.value, smtp_host, smtp_port, smtp_security, out_dir, format)
    code, doc, changes = send_job(
        ledger,
        ledger_path,
        month,
        via=via.value,
        to=list(to),
        smtp_host=smtp_host,
        smtp_port=smtp_port,
        smtp_security=smtp_security,
        out_dir=out_dir,
        again=again,
        partial=partial,
        log_now=lambda attempt: _log_now(ledger_path, ledger, attempt),
    )
    if changes is not None and changes.log_rows:
        _write(ledger_path, ledger, changes)
    if format is Format.json:
        _print_json(doc)
    else:
        for line in doc.get("lines", []):
            typer.echo(line, err=code != 0)
    raise typer.Exit(code)


@app.command()
@clerk_facing
def demo(
    directory: Path = typer.Argument(Path("demo_output"), metavar="[DIR]"),
    lang: str = typer.Option("zh-Hans", help="zh-Hans | zh-Hant | en"),
) -> None:
    """Make a realistic demo ledger and run the whole monthly job on it."""
    from ledger.demo.run import run_demo  # lazy: start-up time

    for line in run_demo(directory, lang=normalize_language(lang)):
        typer.echo(line)


@app.command()
@clerk_facing
def archive(
    ledger_path: Path = typer.Argument(..., metavar="LEDGER"),
    before: str = typer.Option(..., "--before", help="YYYY-MM-DD: cases completed before this date"),
    out: Path | None = typer.Option(None, "--out", help="write the trimmed ledger here; LEDGER stays untouched"),
) -> None:
    """Move cases completed before a date into an archive workbook (never deletes them)."""
    from ledger.jobs.archive import archive_job  # lazy: start-up time

    day = _parse_date(before)
    _one_writer(ledger_path)
    ledger = _load(ledger_path)
    try:
        for line in archive_job(ledger_path, ledger, day, out=out):
            typer.echo(line)
    except (OSError, ValueError) as exc:  # a failed verification says so in the clerk's language
        fail(str(exc))


@app.command()
def consolidate(
    sources: list[Path] = typer.Argument(..., metavar="SOURCES", help="exports, folders, .eml files, mbox or Maildir"),
    month: str | None = typer.Option(None, "--month", help="YYYY-MM, default last month"),
    offices: Path | None = typer.Option(None, "--offices", help="expected offices: .xlsx sheet or text file"),
    out: Path | None = typer.Option(None, "--out", help="head-office workbook, default 回访汇总_<month>.xlsx"),
    db: Path | None = typer.Option(None, "--db", help="history database, default ledger_history.duckdb beside --out"),
    format: Format = typer.Option(Format.text, "--format"),
) -> None:
    """Head office: consolidate every office's monthly export. Exit 1 when offices are missing or files rejected."""
    from ledger.jobs.consolidate import consolidate_job, summary_lines  # lazy: start-up time

    month = _parse_month(month)
    lang = _lang()
    absent = [str(p) for p in sources if not p.exists()]
    if absent:
        fail(text("cli.no_source", lang, paths=", ".join(absent)))
    try:
        with _progress_bar(lang) as progress:
            result = consolidate_job(sources, month, offices_file=offices, out=out, db=db, lang=lang, progress=progress)
    except Exception as exc:  # noqa: BLE001 - unreadable office list, workbook open elsewhere: one paragraph
        message = getattr(exc, "message", None)
        fail(message(lang) if callable(message) else text("cli.internal", lang, error=exc))
    if format is Format.json:
        _print_json(result.doc)
    else:
        for line in summary_lines(result, lang):
            typer.echo(line)
    raise typer.Exit(1 if result.doc["missing"] or result.doc["rejected"] else 0)


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


class _progress_bar:
    """A rich progress bar on stderr while files or rows are read, only when stderr is a terminal.

    It appears at the first update: reading a ledger calls back only past io.workbook's
    PROGRESS_EVERY_ROWS rows, so a small ledger shows nothing.
    """

    def __init__(self, lang: str, what: str = "cli.reading", **params: Any):
        self.lang, self.what, self.params, self.bar, self.task = lang, what, params, None, None

    def __enter__(self):
        return self.update if _stderr_is_terminal() else None

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


# ---------------------------------------------------------------- record (issue 16): results typed into 回访清单

register(
    {
        "cli.record_done": {
            "zh-Hans": "{n} 个单元格{what}。",
            "zh-Hant": "{n} 個儲存格{what}。",
            "en": "{n} cell(s) {what}.",
        },
        "cli.record_what": {
            "zh-Hans": "已写入台账|将写入台账(预览;加 --write 写入)|已恢复原值|将恢复原值(预览;加 --write 写入)",
            "zh-Hant": "已寫入台賬|將寫入台賬(預覽;加 --write 寫入)|已恢復原值|將恢復原值(預覽;加 --write 寫入)",
            "en": "posted to the ledger|would be posted (preview; add --write)|put back|would be put back (preview; add --write)",
        },
    }
)


@app.command()
def record(
    ledger_path: Path = typer.Argument(..., metavar="LEDGER"),
    write: bool = typer.Option(False, "--write", help="post the results into the case sheet (backup + Log)"),
    undo: bool = typer.Option(False, "--undo", help="put back the cells of the last posting"),
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD, default today"),
    format: Format = typer.Option(Format.text, "--format"),
) -> None:
    """登记回访结果: post the results typed into 回访清单 into the case sheet, then regenerate the list."""
    from ledger.core.columns import COLUMNS_BY_FIELD  # lazy: start-up time
    from ledger.core.reading import UnusableLedger, load_ledger  # lazy: start-up time
    from ledger.core.vocab import fold  # lazy: start-up time
    from ledger.io.workbook import read_sheets  # lazy: start-up time
    from ledger.io.writer_lock import fingerprint  # lazy: start-up time
    from ledger.jobs.record import record_job, undo_job  # lazy: start-up time
    from ledger.sheets.callback_list import LIST_SHEET  # lazy: start-up time

    day = _parse_date(as_of)
    _one_writer(ledger_path, write)
    try:  # taken before reading: a save made meanwhile is caught at the write
        source = fingerprint(ledger_path)
    except OSError:
        source = None  # read_sheets words the refusal (missing, a folder, no permission)
    try:
        grids = read_sheets(ledger_path)
        ledger = load_ledger(grids, path=str(ledger_path))
    except UnusableLedger as exc:
        fail(exc.message(_lang()))
    ledger.source = source
    if undo:
        result, changes = undo_job(ledger, day)
    else:
        names = {fold(v) for v in LIST_SHEET.values()}
        name = next((n for n in grids if fold(n) in names), None)
        if name is None:
            fail(text("record.no_list", ledger.lang))
        result, changes = record_job(ledger, grids[name], name, day)
    result["written"] = False
    if write and changes is not None:
        _report_write(_write(ledger_path, ledger, changes), ledger.lang)
        result["written"] = True
    if format is Format.json:
        _print_json(result)
    else:
        for p in result["problems"]:
            typer.echo(f"✖ {p['sheet'] or ''} {p['row'] or ''} {p['column'] or ''}: {p['message']}".strip())
        for c in result["cells"]:
            before, after = (c["new"], c["old"]) if undo else (c["old"], c["new"])
            vocabulary = COLUMNS_BY_FIELD[c["field"]].vocabulary
            if vocabulary is not None:
                before, after = (vocabulary.label(v, ledger.lang) if v else v for v in (before, after))
            typer.echo(f"{c['case_id']}\t{c['row']}\t{c['column']}\t{before or ''} → {after or ''}")
        if not result["problems"]:
            what = text("cli.record_what", ledger.lang).split("|")[2 * undo + (not result["written"])]
            typer.echo(text("cli.record_done", ledger.lang, n=len(result["cells"]), what=what))
    raise typer.Exit(1 if result["problems"] else 0)


def _send_feedback(ledger, ledger_path, month, via, smtp_host, smtp_port, smtp_security, out_dir, format) -> NoReturn:
    from ledger.jobs.send_feedback import send_feedback  # lazy: start-up time

    code, doc, changes = send_feedback(ledger, ledger_path, month, via, smtp_host, smtp_port, smtp_security, out_dir)
    if changes.log_rows:
        _write(ledger_path, ledger, changes)
    if format is Format.json:
        _print_json(doc)
    else:
        for line in doc["lines"]:
            typer.echo(line, err=code != 0)
    raise typer.Exit(code)


@app.command("app")
def app_cmd(
    ledger_path: Path | None = typer.Argument(
        None, metavar="[LEDGER]", help="the ledger to open (or choose in the page)"
    ),
    no_browser: bool = typer.Option(False, "--no-browser", help="print the address instead of opening the browser"),
    port: int = typer.Option(0, "--port", help="port on 127.0.0.1; default: a free one"),
) -> None:
    """The same buttons in a local web page (no Excel, no macros): serves on 127.0.0.1 until Ctrl+C."""
    from ledger.web.server import serve  # lazy: the web stack is loaded only by this command (and its texts)

    lang = _lang()
    if ledger_path is not None and not ledger_path.is_file():
        fail(text("web.not_found", lang, path=ledger_path))
    try:
        serve(
            ledger_path,
            open_browser=not no_browser,
            port=port,
            announce=lambda url: typer.echo(text("web.started", lang, url=url)),
        )
    except OSError as exc:  # the port is taken or not allowed
        fail(text("web.port_taken", lang, port=port, error=exc.strerror or exc))


def main() -> None:  # pragma: no cover - console entry
    # SIGTERM (a service stopping, `kill`) unwinds like Ctrl+C: temporary files and locks are let go
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
