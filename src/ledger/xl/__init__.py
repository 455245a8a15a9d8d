"""The Excel side: ribbon buttons run `ledger.xl.dispatch(button_id)` through xlwings RunPython.

Every click is a fresh Python process, so this package imports nothing heavy
at import time (no xlwings, pandas or openpyxl): the button's own module is
loaded when the button runs. The button functions (`validate`,
`callback_list`, `draw_samples`, `record_results`, `monthly_stats`,
`send_to_head_office`, `settings`) each take an `xw.Book` and return the clerk's message.
"""

from __future__ import annotations

from typing import Any

#: Button id (addin/build.py BUTTON_IDS) -> function name in ledger.xl.buttons.
HANDLERS: dict[str, str] = {
    "validate": "validate",
    "callback_list": "callback_list",
    "draw_samples": "draw_samples",
    "record_results": "record_results",
    "monthly_stats": "monthly_stats",
    "send_to_head_office": "send_to_head_office",
    "settings": "settings",
}

ALERT_TITLE = "回访台账 Callback ledger"


def __getattr__(name: str) -> Any:
    """`ledger.xl.validate` etc., imported on first use (PEP 562)."""
    if name in HANDLERS.values():
        from ledger.xl import buttons

        return getattr(buttons, name)
    raise AttributeError(name)


def caller_book() -> Any:
    """The workbook whose button was pressed; the active book when run outside RunPython."""
    import xlwings as xw

    try:
        return xw.Book.caller()
    except Exception:  # not started by RunPython (e.g. from a console): use what the clerk sees
        return xw.books.active


def dispatch(button_id: str, book: Any = None) -> str:
    """Run the button's function on the calling book and show its message (an alert on desktop Excel)."""
    from ledger.core.i18n import text
    from ledger.xl import buttons

    if book is None:
        book = caller_book()
    name = HANDLERS.get(button_id)
    if name is None:
        message = text("xl.unknown_button", buttons.snapshot_lang(book), button=button_id)
    else:
        try:
            with _quiet(book):
                message = getattr(buttons, name)(book)
        except Exception as exc:  # noqa: BLE001 - the clerk gets a message, never a traceback
            try:
                lang = buttons.snapshot_lang(book)
            except Exception:  # noqa: BLE001
                lang = "zh-Hans"
            message = text("xl.internal", lang, error=f"{type(exc).__name__}: {exc}")
    show(book, message)
    return message


class _quiet:
    """Desktop Excel: no repainting while the button writes (far fewer redraws); restored afterwards."""

    def __init__(self, book: Any):
        self.app = book.app if book.app.engine.name != "remote" else None

    def __enter__(self) -> None:
        if self.app is not None:
            self.app.screen_updating = False

    def __exit__(self, *exc: object) -> None:
        if self.app is not None:
            self.app.screen_updating = True


def show(book: Any, message: str) -> None:
    """A message box on desktop Excel; the remote engine has none, so the caller returns the text."""
    app = book.app
    if app.engine.name == "remote":
        return
    app.alert(message, title=ALERT_TITLE)
