"""`ledger record` (issue 16): post the results typed into 回访清单 into the case sheet, or undo the last posting."""

from __future__ import annotations

from pathlib import Path

import typer

from ledger.cli_support import (
    Format,
    current_lang,
    fail,
    one_writer,
    parse_date,
    print_json,
    report_write,
    write_changes,
)
from ledger.core.i18n import register, text

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


def record(
    ledger_path: Path = typer.Argument(..., metavar="LEDGER"),
    write: bool = typer.Option(False, "--write", help="post the results into the case sheet (backup + Log)"),
    undo: bool = typer.Option(False, "--undo", help="put back the cells of the last posting"),
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD, default today"),
    format: Format = typer.Option(Format.text, "--format"),
) -> None:
    """登记回访结果: post the results typed into 回访清单 into the case sheet, then regenerate the list."""
    from ledger.core.columns import COLUMNS_BY_FIELD  # lazy: start-up time
    from ledger.core.reading import UnusableLedger  # lazy: start-up time
    from ledger.core.vocab import fold  # lazy: start-up time
    from ledger.io.workbook import load_file_with_sheets  # lazy: start-up time
    from ledger.jobs.record import record_job, undo_job  # lazy: start-up time
    from ledger.sheets.callback_list import LIST_SHEET  # lazy: start-up time

    day = parse_date(as_of)
    one_writer(ledger_path, write)
    try:
        ledger, grids = load_file_with_sheets(ledger_path)
    except UnusableLedger as exc:
        fail(exc.message(current_lang()))
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
        report_write(write_changes(ledger_path, ledger, changes), ledger.lang)
        result["written"] = True
    if format is Format.json:
        print_json(result)
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
