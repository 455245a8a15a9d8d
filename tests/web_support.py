"""Helpers for the `ledger app` tests: a demo ledger on disk and the page served on a free loopback port."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from ledger.core.settings import Settings
from ledger.demo.cases import demo_settings, generate_cases
from ledger.demo.workbook import write_ledger
from ledger.web.server import PageServer


def demo_ledger(
    folder: Path, *, lang: str = "zh-Hans", rows: int = 300, name: str | None = None, settings: Settings | None = None
) -> Path:
    """A fresh demo ledger (the cases `ledger demo` makes, months ending today), before any job ran on it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or {"en": "demo_ledger.xlsx", "zh-Hant": "示範台賬.xlsx"}.get(lang, "演示台账.xlsx"))
    cases = generate_cases(rows, seed=2026, end=dt.date.today(), months=6, lang=lang, dirty=True)
    write_ledger(path, cases, lang=lang, settings=settings or demo_settings(lang))
    return path


@contextlib.contextmanager
def running_page(ledger_path: Path | None = None) -> Iterator[PageServer]:
    page = PageServer(ledger_path)
    thread = page.start_in_thread()
    try:
        yield page
    finally:
        page.stop()
        thread.join(10)
