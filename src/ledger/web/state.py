"""The ledger the page works on: chosen by path, loaded from disk for every job."""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ledger.core.i18n import normalize_language
from ledger.core.models import Ledger
from ledger.core.reading import UnusableLedger
from ledger.io.workbook import load_file
from ledger.web.security import Keys


@dataclass
class LedgerState:
    """The chosen ledger; a read-only view reuses its last load until the file changes on disk."""

    keys: Keys
    path: Path | None = None
    default_lang: str = field(default_factory=lambda: normalize_language(os.environ.get("LEDGER_LANG")))
    busy: threading.Lock = field(default_factory=threading.Lock)  # one job at a time writes the workbook
    _cached: tuple[tuple, Ledger] | None = None

    def choose(self, path: Path) -> None:
        self.path = path.resolve()
        self._cached = None

    @property
    def folder(self) -> Path | None:
        return self.path.parent if self.path else None

    def fresh(self) -> Ledger:
        """The ledger as it is on disk now (jobs always start from this)."""
        assert self.path is not None
        return load_file(self.path)

    def view(self) -> Ledger | None:
        """The ledger for showing (language, Log, a row); None without one. Raises UnusableLedger."""
        if self.path is None:
            return None
        st = self.path.stat()
        key = (st.st_mtime_ns, st.st_size)
        if self._cached is None or self._cached[0] != key:
            self._cached = (key, load_file(self.path))
        return self._cached[1]

    def lang(self) -> str:
        try:
            ledger = self.view()
        except (OSError, UnusableLedger):
            return self.default_lang
        return ledger.lang if ledger else self.default_lang


def last_month(today: dt.date) -> str:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"
