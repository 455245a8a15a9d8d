"""What a page button gets (Params) and gives back (Outcome), and how it writes the workbook (write).

Kept apart from the BUTTONS table (ledger.web.buttons) so that the modules holding
buttons' run functions (web.buttons, web.posting, web.head_office) share them
without importing one another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ledger.core.changes import Changes
from ledger.core.i18n import register, text
from ledger.core.models import Ledger
from ledger.io.ledger_file import apply_changes

register(
    {
        "web.written": {
            "zh-Hans": "已写入 {path}(备份:{backup})。",
            "zh-Hant": "已寫入 {path}(備份:{backup})。",
            "en": "Written to {path} (backup: {backup}).",
        },
    }
)


@dataclass(frozen=True)
class Params:
    """What the clerk set above the buttons; each button uses the ones it needs."""

    as_of: dt.date
    month: str
    via: str = "eml"
    again: bool = False
    form: dict[str, str] = field(default_factory=dict, compare=False)  # every posted field, for a button's own inputs


@dataclass
class Outcome:
    lines: list[str]
    template: str = "result_lines.html"  # the partial under templates/ that shows the result
    context: dict[str, Any] = field(default_factory=dict)
    ok: bool = True


@dataclass(frozen=True)
class Button:
    key: str  # URL segment: POST /<token>/run/<key>
    label: str  # i18n code of the caption
    run: Callable[[Path, Ledger, Params], Outcome]
    uses: tuple[str, ...] = ()  # which of the parameters above the buttons it reads


class WriteFailed(Exception):
    """apply_changes refused or failed; carries the clerk-facing message."""


def write(path: Path, ledger: Ledger, changes: Changes) -> str:
    """apply_changes (lock check, backup, atomic replace) and the line saying where it went."""
    try:
        receipt = apply_changes(path, ledger, changes)
    except Exception as exc:  # noqa: BLE001 - every refusal (locked, read-only, damaged) is a message
        message = getattr(exc, "message", None)
        raise WriteFailed(message(ledger.lang) if callable(message) else str(exc)) from exc
    return text("web.written", ledger.lang, path=receipt.path, backup=receipt.backup or "-")
