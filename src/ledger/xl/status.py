"""Excel's status bar while a button works on a large ledger (issue 18.7): "正在读取 …", then cleared.

A click on a small ledger leaves the status bar alone (each setting is one call into Excel).
A ledger is large when its file on disk is (known before reading, at no cost in calls) or when
its case sheet turns out to hold many rows. The remote engine (Office.js) has no status bar.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ledger.core.i18n import register, text

#: A ledger file this large on disk (~10,000 case rows) gets the status bar from the start of the click.
LARGE_FILE_BYTES = 1 << 20
#: A case sheet with this many rows gets "正在处理 … 行" once it is read.
LARGE_LEDGER_ROWS = 5_000

register(
    {
        "xl.status_reading": {
            "zh-Hans": "正在读取 {sheet}({done}/{total})…",
            "zh-Hant": "正在讀取 {sheet}({done}/{total})…",
            "en": "Reading {sheet} ({done}/{total}) …",
        },
        "xl.status_working": {
            "zh-Hans": "正在处理 {rows} 行案件 …",
            "zh-Hant": "正在處理 {rows} 行案件 …",
            "en": "Working on {rows} case rows …",
        },
    }
)


def status_app(book: Any) -> Any:
    """The Excel application whose status bar can be set, or None (the remote engine has none)."""
    app = book.app
    return None if app.engine.name == "remote" else app


class StatusBar:
    """Messages in Excel's status bar for one click; given back to Excel (False) when the click ends."""

    def __init__(self, book: Any, lang: str = "zh-Hans"):
        self.app = status_app(book) if book is not None else None
        self.lang = lang
        self.large = self.app is not None and _large_file(book)
        self.shown = False

    def show(self, code: str, **params: Any) -> None:
        if self.app is not None:
            self.app.status_bar = text(code, self.lang, **params)
            self.shown = True

    def reading(self, done: int, total: int, sheet: str) -> None:
        """Before each sheet is read, on a ledger whose file is large."""
        if self.large:
            self.show("xl.status_reading", sheet=sheet, done=done, total=total)

    def read(self, rows: int, lang: str) -> None:
        """Once the case sheet is read: a large one says how many rows are being worked on."""
        self.lang = lang
        if rows >= LARGE_LEDGER_ROWS:
            self.show("xl.status_working", rows=f"{rows:,}")

    def clear(self) -> None:
        if self.shown:
            self.app.status_bar = False
            self.shown = False


_CURRENT: contextvars.ContextVar[StatusBar | None] = contextvars.ContextVar("ledger_xl_status", default=None)


@contextmanager
def status_during(book: Any, lang: str = "zh-Hans") -> Iterator[StatusBar]:
    """The click's status bar, cleared when the click ends however it ends."""
    bar = StatusBar(book, lang)
    token = _CURRENT.set(bar)
    try:
        yield bar
    finally:
        _CURRENT.reset(token)
        bar.clear()


def current() -> StatusBar:
    """The status bar of the running click; a button called on its own (a script) shows nothing."""
    return _CURRENT.get() or StatusBar(None)


def _large_file(book: Any) -> bool:
    try:
        path = Path(str(book.fullname or ""))
        return path.is_absolute() and path.is_file() and path.stat().st_size >= LARGE_FILE_BYTES
    except Exception:  # noqa: BLE001 - a book without a file (new, on the web) is judged once read
        return False
