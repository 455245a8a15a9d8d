"""Templates and what every page gets: the words in the ledger's language, the token prefix, the CSRF token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.templating import Jinja2Templates

import ledger.web.texts  # noqa: F401 - registers the page's words
from ledger.core.i18n import text
from ledger.web.buttons import BUTTONS
from ledger.web.charts import chart_svg
from ledger.web.security import CSRF_FIELD, CSRF_HEADER
from ledger.web.sheet_html import is_blank, table_rows
from ledger.web.state import LedgerState

HERE = Path(__file__).resolve().parent
HTML_LANG = {"zh-Hans": "zh-Hans", "zh-Hant": "zh-Hant", "en": "en"}


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(table_rows=table_rows, is_blank=is_blank, chart_svg=chart_svg)
    return templates


def page_context(request: Request, lang: str, **more: Any) -> dict[str, Any]:
    """What every template gets: the words in `lang`, the token prefix, the CSRF token, the buttons."""
    state: LedgerState = request.app.state.ledger

    def t(code: str, **params: Any) -> str:
        return text(code, lang, **params)

    return {
        "t": t,
        "lang": lang,
        "html_lang": HTML_LANG.get(lang, "zh-Hans"),
        "base": state.keys.prefix,
        "csrf": state.keys.csrf,
        "csrf_field": CSRF_FIELD,
        "csrf_header": CSRF_HEADER.title(),
        "buttons": BUTTONS,
        **more,
    }


templates = make_templates()
