"""The `ledger` command: thin shells over ledger.jobs.

Exit status: 0 done; 1 done but the ledger has errors; 2 unusable input,
with one paragraph on stderr and no traceback.

Each command imports its job when it runs (the imports marked "lazy: start-up
time"): `ledger --help` or a mistyped option answers without loading openpyxl,
pandas and pydantic, which take about half a second.
"""

from __future__ import annotations

import datetime as dt
import signal
import sys
from pathlib import Path
from typing import NoReturn

import typer

from ledger.cli_record import record
from ledger.cli_support import (  # the commands' shared steps, under the names the commands have used
    HELD_LOCKS,
    Format,
    Via,
    clerk_facing,
    fail,
)
from ledger.cli_support import current_lang as _lang
from ledger.cli_support import load as _load
from ledger.cli_support import log_now as _log_now
from ledger.cli_support import month_started as _month_started
from ledger.cli_support import one_writer as _one_writer
from ledger.cli_support import parse_date as _parse_date
from ledger.cli_support import parse_month as _parse_month
from ledger.cli_support import print_json as _print_json
from ledger.cli_support import problem_lines as _problem_lines
from ledger.cli_support import progress_bar as _progress_bar
from ledger.cli_support import refuse_unwritable as _check_writable
from ledger.cli_support import report_write as _report_write
from ledger.cli_support import with_office as _with_office
from ledger.cli_support import write_changes as _write
from ledger.core.i18n import normalize_language, text

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="回访台账 Callback ledger: validate, list callbacks, draw samples, monthly statistics, send.",
)


@app.callback()
def _release_locks_at_the_end(ctx: typer.Context) -> None:
    """Writer locks taken by a command (_one_writer) are let go when the command ends, however it ends."""
    ctx.call_on_close(HELD_LOCKS.close)


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
        typer.echo(text("cli.summary_validate", ledger.lang, **report.counts()))
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


app.command()(record)  # 登记回访结果 (ledger.cli_record)


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
