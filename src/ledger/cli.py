"""The `ledger` command (SPEC §9): thin shells over ledger.jobs.

Exit status: 0 done; 1 done but the ledger has errors; 2 unusable input,
with one paragraph on stderr and no traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any, NoReturn

import typer

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


def _lang() -> str:
    return normalize_language(os.environ.get("LEDGER_LANG"))


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _parse_date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(text("cli.bad_date", _lang(), value=value))


def _parse_month(value: str | None) -> str:
    if value is None:
        first = dt.date.today().replace(day=1) - dt.timedelta(days=1)
        return f"{first.year:04d}-{first.month:02d}"
    try:
        parsed = dt.datetime.strptime(value, "%Y-%m")
    except ValueError:
        fail(text("cli.bad_month", _lang(), value=value))
    return f"{parsed.year:04d}-{parsed.month:02d}"


def _load(path: Path):
    from ledger.core.reading import UnusableLedger
    from ledger.io.workbook import load_file

    try:
        return load_file(path)
    except UnusableLedger as exc:
        fail(exc.message(_lang()))


def _print_json(doc: Any) -> None:
    write_json(doc, sys.stdout)


def _write(path: Path, ledger, changes, out_path: Path | None = None):
    """Apply changes; every refusal (locked, read-only, unsupported part) is exit status 2."""
    from ledger.io.ledger_file import apply_changes

    try:
        receipt = apply_changes(path, ledger, changes, out_path)
    except Exception as exc:  # noqa: BLE001 - every write failure is a clerk-facing message
        message = getattr(exc, "message", None)
        fail(message(ledger.lang) if callable(message) else text("cli.internal", ledger.lang, error=exc))
    return receipt


def _report_write(receipt, lang: str) -> None:
    typer.echo(text("cli.written", lang, path=receipt.path, backup=receipt.backup or "-"), err=True)


def _problem_lines(problems, lang: str) -> None:
    for p in problems:
        mark = "✖" if p.severity == "error" else "⚠"
        typer.echo(f"{mark} {p.located(lang)}")


@app.command()
def init(
    path: Path = typer.Argument(..., help="new ledger file (.xlsx)"),
    preset: str = typer.Option("residential", help="residential | commercial"),
    lang: str = typer.Option("zh-Hans", help="zh-Hans | zh-Hant | en"),
    office: str | None = typer.Option(None, help="office name"),
    force: bool = typer.Option(False, "--force", help="overwrite an existing file"),
) -> None:
    """Create a new ledger from the template."""
    from ledger.io.template import create_ledger

    if preset not in ("residential", "commercial"):
        fail(f"--preset: residential | commercial ({preset})")
    lang = normalize_language(lang)
    try:
        out = create_ledger(path, preset=preset, lang=lang, office=office, overwrite=force)
    except (FileExistsError, ValueError) as exc:
        fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - refused writes (open in Excel, read-only) carry a message
        message = getattr(exc, "message", None)
        fail(message(lang) if callable(message) else text("cli.internal", lang, error=exc))
    typer.echo(str(out))


@app.command("validate")
def validate_cmd(
    ledger_path: Path = typer.Argument(..., metavar="LEDGER"),
    write: bool = typer.Option(False, "--write", help="write the problems column and highlights"),
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD, default today"),
    format: Format = typer.Option(Format.text, "--format"),
) -> None:
    """Check every row; list problems with sheet, row and column."""
    from ledger.jobs.validate import validate_job

    today = _parse_date(as_of)
    ledger = _load(ledger_path)
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
def callbacks(
    ledger_path: Path = typer.Argument(..., metavar="LEDGER"),
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD, default today"),
    write: bool = typer.Option(False, "--write", help="write the callback list sheet and tool columns"),
    format: Format = typer.Option(Format.text, "--format"),
) -> None:
    """Callback status of every case; the list of callbacks due and overdue."""
    from ledger.core.vocab import CATEGORIES, STATUSES
    from ledger.jobs.callbacks import callbacks_job, callbacks_json
    from ledger.sheets.callback_list import callers, listed

    day = _parse_date(as_of)
    ledger = _load(ledger_path)
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
def sample(
    ledger_path: Path = typer.Argument(..., metavar="LEDGER"),
    month: str = typer.Option(..., "--month", help="YYYY-MM: cases completed in this month"),
    seed: int | None = typer.Option(None, "--seed", help="default: the month as a number, e.g. 202610"),
    write: bool = typer.Option(False, "--write", help="record the draw in the ledger and the Log"),
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD, default today"),
    format: Format = typer.Option(Format.text, "--format"),
) -> None:
    """Draw the callback samples of a month, reproducibly from a seed."""
    from ledger.core.vocab import CATEGORIES
    from ledger.jobs.sample import sample_job

    month = _parse_month(month)
    ledger = _load(ledger_path)
    result, changes = sample_job(ledger, month, seed, _parse_date(as_of))
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
def stats(
    ledger_path: Path = typer.Argument(..., metavar="LEDGER"),
    month: str | None = typer.Option(None, "--month", help="YYYY-MM, default last month"),
    write: bool = typer.Option(False, "--write", help="write the month's statistics sheet into the ledger"),
    export: Path | None = typer.Option(None, "--export", help="folder or .xlsx path for the export"),
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD, default today"),
    format: Format = typer.Option(Format.text, "--format"),
) -> None:
    """Monthly statistics: received, complaints, compliance, satisfaction, timeliness, alerts."""
    month = _parse_month(month)
    ledger = _load(ledger_path)
    from ledger.jobs.stats import stats_job
    from ledger.sheets.stats_sheet import stats_text

    result, changes = stats_job(ledger, month, _parse_date(as_of))
    if export is not None:
        from ledger.io.export import export_stats

        try:
            out = export_stats(result, ledger, export)
        except OSError as exc:
            fail(str(exc))
        typer.echo(str(out), err=True)
    if write:
        _report_write(_write(ledger_path, ledger, changes), ledger.lang)
    if format is Format.json:
        _print_json(result.as_json())
    else:
        typer.echo(stats_text(result, ledger.lang))
    raise typer.Exit(0)


@app.command()
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
    format: Format = typer.Option(Format.text, "--format"),
) -> None:
    """Build the month's statistics export and send it to head office (SPEC §7)."""
    from ledger.jobs.send import send_job

    month = _parse_month(month)
    ledger = _load(ledger_path)
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
    )
    if changes is not None:
        _write(ledger_path, ledger, changes)
    if format is Format.json:
        _print_json(doc)
    else:
        for line in doc.get("lines", []):
            typer.echo(line, err=code != 0)
    raise typer.Exit(code)


@app.command()
def demo(
    directory: Path = typer.Argument(Path("demo_output"), metavar="[DIR]"),
    lang: str = typer.Option("zh-Hans", help="zh-Hans | zh-Hant | en"),
) -> None:
    """Make a realistic demo ledger and run the whole monthly job on it."""
    from ledger.demo.run import run_demo

    for line in run_demo(directory, lang=normalize_language(lang)):
        typer.echo(line)


@app.command()
def archive(
    ledger_path: Path = typer.Argument(..., metavar="LEDGER"),
    before: str = typer.Option(..., "--before", help="YYYY-MM-DD: cases completed before this date"),
    out: Path | None = typer.Option(None, "--out", help="write the trimmed ledger here; LEDGER stays untouched"),
) -> None:
    """Move cases completed before a date into an archive workbook (never deletes them)."""
    from ledger.jobs.archive import archive_job

    day = _parse_date(before)
    ledger = _load(ledger_path)
    try:
        for line in archive_job(ledger_path, ledger, day, out=out):
            typer.echo(line)
    except Exception as exc:  # noqa: BLE001 - refusals and verification failures are clerk-facing
        message = getattr(exc, "message", None)
        fail(message(ledger.lang) if callable(message) else str(exc))


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
