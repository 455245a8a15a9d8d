"""The page's routes (all under the token prefix, behind security.Guard).

GET routes only read; the two that change something (choosing a ledger, pressing a
button) are POSTs whose CSRF token is checked here (their origin by the Guard).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response

from ledger.core.i18n import text
from ledger.core.log import LOG_HEADERS
from ledger.core.reading import UnusableLedger
from ledger.core.validation import validate
from ledger.jobs.callbacks import callbacks_job
from ledger.sheets.callback_list import callback_list_layout
from ledger.sheets.cellrefs import col_letter
from ledger.web.buttons import Button, button, cell_ref, default_via
from ledger.web.outcome import Outcome, Params, WriteFailed
from ledger.web.pages import page_context, templates
from ledger.web.recent import recent_ledgers, remember
from ledger.web.security import CSRF_FIELD, csrf_checked, inside
from ledger.web.sheet_html import is_blank, table_rows
from ledger.web.state import LedgerState, last_month

log = logging.getLogger("ledger.web")
VIAS = ("smtp", "eml", "outlook")
OFFERED_VIAS = VIAS if sys.platform.startswith("win") else ("smtp", "eml")  # Outlook drafts need Windows
SERVED = (".xlsx", ".xlsm", ".eml", ".pdf", ".csv")  # what the page may hand out from the ledger's folder


def _state(request: Request) -> LedgerState:
    return request.app.state.ledger


def _refused(request: Request, code: str = "web.csrf_refused") -> Response:
    return PlainTextResponse(text(code, _state(request).lang()), status_code=403)


def default_params(today: dt.date | None = None) -> Params:
    today = today or dt.date.today()
    return Params(as_of=today, month=last_month(today), via="")


def parse_params(form: dict[str, str], lang: str) -> tuple[Params | None, str | None]:
    """The values above the buttons; a malformed date or month is a message, not a guess."""
    defaults = default_params()
    raw_day, raw_month = form.get("as_of", "").strip(), form.get("month", "").strip()
    try:
        as_of = dt.date.fromisoformat(raw_day) if raw_day else defaults.as_of
    except ValueError:
        return None, text("web.bad_date", lang, value=raw_day)
    try:
        month = dt.datetime.strptime(raw_month, "%Y-%m").strftime("%Y-%m") if raw_month else defaults.month
    except ValueError:
        return None, text("web.bad_month", lang, value=raw_month)
    via = form.get("via", "")
    again = form.get("again") == "1"
    fields = {k: v for k, v in form.items() if k != CSRF_FIELD}
    return Params(as_of=as_of, month=month, via=via if via in VIAS else "", again=again, form=fields), None


def render_index(
    request: Request,
    *,
    outcome: Outcome | None = None,
    error: str | None = None,
    params: Params | None = None,
    status: int = 200,
) -> Response:
    state = _state(request)
    ledger, lang = None, state.default_lang
    try:
        ledger = state.view()
    except UnusableLedger as exc:
        error = error or exc.message(lang)
    except OSError:
        error = error or text("web.not_found", lang, path=state.path)
    if ledger is not None:
        lang = ledger.lang
    params = params or default_params()
    context = page_context(
        request,
        lang,
        ledger=ledger,
        path=state.path,
        recent=recent_ledgers(),
        params=params,
        via=params.via or (default_via(ledger) if ledger else "eml"),
        vias=OFFERED_VIAS,
        outcome=outcome,
        error=error,
    )
    return templates.TemplateResponse(request, "index.html", context, status_code=status)


def index(request: Request) -> Response:
    return render_index(request)


async def open_ledger(request: Request) -> Response:
    """Choose the ledger: a path typed or pasted, or one of the recent ones (same form field)."""
    state = _state(request)
    form = await csrf_checked(request, state.keys)
    if form is None:
        return _refused(request)
    raw = form.get("path", "").strip().strip('"').strip("'")
    path = Path(raw).expanduser() if raw else None
    if path is None or not path.is_file():
        return render_index(request, error=text("web.not_found", state.lang(), path=raw), status=400)
    state.choose(path)
    remember(state.path)
    return RedirectResponse(f"{state.keys.prefix}/", status_code=303)


def perform(state: LedgerState, chosen: Button, params: Params) -> tuple[Outcome, str]:
    """Load the ledger as it is on disk and run the button; every failure becomes the clerk's message."""
    lang = state.lang()
    with state.busy:
        try:
            ledger = state.fresh()
        except UnusableLedger as exc:
            return Outcome([exc.message(lang)], ok=False), lang
        except OSError:
            return Outcome([text("web.not_found", lang, path=state.path)], ok=False), lang
        lang = ledger.lang
        try:
            return chosen.run(state.path, ledger, params), lang
        except WriteFailed as exc:
            return Outcome([str(exc)], ok=False), lang
        except Exception as exc:  # noqa: BLE001 - the clerk gets a message, the console the traceback
            log.exception("button %s failed", chosen.key)
            return Outcome([text("web.internal", lang, error=exc)], ok=False), lang


async def run_button(request: Request) -> Response:
    state = _state(request)
    form = await csrf_checked(request, state.keys)
    if form is None:
        return _refused(request)
    lang = state.lang()
    chosen = button(request.path_params["key"])
    params, error = parse_params(form, lang)
    if chosen is None:
        outcome, status = Outcome([text("web.unknown_button", lang, button=request.path_params["key"])], ok=False), 404
    elif state.path is None:
        outcome, status = Outcome([text("web.no_ledger", lang)], ok=False), 400
    elif params is None:
        outcome, status = Outcome([error or ""], ok=False), 400
    else:
        outcome, lang = await run_in_threadpool(perform, state, chosen, params)
        status = 200
    if request.headers.get("hx-request") == "true":  # htmx swaps in 2xx answers only: the message is the result
        context = page_context(request, lang, outcome=outcome, params=params or default_params())
        return templates.TemplateResponse(request, "result.html", context)
    return render_index(request, outcome=outcome, params=params, status=status)


def print_callbacks(request: Request) -> Response:
    """The callback list as a page to print on A4: the same layout as the 回访清单 sheet, computed afresh."""
    state = _state(request)
    lang = state.lang()
    params, error = parse_params(dict(request.query_params), lang)
    if state.path is None or params is None:
        return PlainTextResponse(error or text("web.no_ledger", lang), status_code=400)
    try:
        ledger = state.fresh()
    except UnusableLedger as exc:
        return PlainTextResponse(exc.message(lang), status_code=400)
    report, _, _ = callbacks_job(ledger, params.as_of, forms=False)
    layout = callback_list_layout(report, ledger, ledger.lang)
    rows = table_rows(layout)
    header = layout.repeat_rows[0] if layout.repeat_rows else 3
    end = next((i for i in range(header, len(rows)) if is_blank(rows[i])), len(rows))
    context = page_context(
        request,
        ledger.lang,
        title=layout.rows[0][0],
        subtitle=layout.rows[1][0] if len(layout.rows) > 1 and layout.rows[1] else "",
        head=rows[header - 1],
        body=rows[header:end],
        tail=[cells for cells in rows[end:] if not is_blank(cells)],
    )
    return templates.TemplateResponse(request, "print_callbacks.html", context)


def _log_cell(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return "" if value is None else str(value)


def show_log(request: Request) -> Response:
    """The Log sheet, newest first."""
    state = _state(request)
    try:
        ledger = state.view()
    except (UnusableLedger, OSError):
        return render_index(request)
    if ledger is None:
        return render_index(request)
    keys = ("time", "action", "params", "result", "user")
    entries = [[_log_cell(e.get(k)) for k in keys] for e in reversed(ledger.log)]
    headers = LOG_HEADERS.get(ledger.lang, LOG_HEADERS["zh-Hans"])
    context = page_context(request, ledger.lang, path=state.path, headers=headers, entries=entries)
    return templates.TemplateResponse(request, "log.html", context)


def show_row(request: Request) -> Response:
    """One case row as the ledger has it, the problem's column marked: where a problem's cell link leads."""
    state = _state(request)
    try:
        ledger = state.view()
    except (UnusableLedger, OSError):
        ledger = None
    if ledger is None:
        return render_index(request)
    row = request.path_params["row"]
    case = next((c for c in ledger.cases if c.row == row), None)
    if case is None:
        return PlainTextResponse(text("web.row_missing", ledger.lang, sheet=ledger.sheet, row=row), status_code=404)
    cells = []
    for name, col in sorted(ledger.columns.items(), key=lambda item: item[1]):
        value = getattr(case, name, None)
        if value is None and name == "received_on":
            value = case.received_at
        cells.append({"letter": col_letter(col), "header": ledger.headers.get(name, name), "value": value})
    problems = [p for p in validate(ledger, dt.date.today()).problems if p.row == row and p.sheet == ledger.sheet]
    refs = [{"ref": cell_ref(p, ledger), "problem": p} for p in problems]
    context = page_context(
        request,
        ledger.lang,
        sheet=ledger.sheet,
        row=row,
        cells=cells,
        problems=refs,
        mark=request.query_params.get("col"),
    )
    return templates.TemplateResponse(request, "row.html", context)


def ledger_file(request: Request) -> Response:
    """A file the buttons made (export, .eml) or the ledger itself: only from the ledger's folder."""
    state = _state(request)
    folder = state.folder
    target = inside(folder, request.path_params["name"]) if folder else None
    if target is None or not target.is_file() or target.suffix.lower() not in SERVED:
        return _refused(request, "web.file_refused")
    return FileResponse(target, filename=target.name)
