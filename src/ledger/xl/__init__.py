"""The Excel side: every ribbon button runs `ledger.xl.dispatch(button_id, workbook, xlwings_version)`.

The add-in's one VBA macro (addin/src/LedgerRibbon.bas) passes the button id,
the name of the workbook the clerk is looking at (hex-encoded UTF-16, so any
name survives cmd.exe quoting), the xlwings version its VBA was built with and,
from acceptance.ps1 only, a report file.

Every click is a fresh Python process, so this package imports nothing heavy
at import time (no xlwings, pandas or openpyxl): xlwings and the button's own
module are loaded when the button runs.

To add a button: a `<button id="..." onAction="LedgerRibbon.LedgerButton">` in
addin/src/customUI.xml, a line in HANDLERS below, and the function (taking an
`xw.Book`, returning the clerk's message) in ledger/xl/buttons.py. No VBA change.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ledger.core.i18n import text
from ledger.xl.messages import show

#: Ribbon button id (addin/src/customUI.xml) -> function name in ledger.xl.buttons. The one table of buttons.
HANDLERS: dict[str, str] = {
    "validate": "validate",
    "callback_list": "callback_list",
    "draw_samples": "draw_samples",
    "record_results": "record_results",
    "monthly_stats": "monthly_stats",
    "send_to_head_office": "send_to_head_office",
    "settings": "settings",
    "consolidate_reports": "consolidate_reports",
}


class NoWorkbook(Exception):
    """The click cannot be tied to a workbook; `code` and `params` name the clerk's message."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


def __getattr__(name: str) -> Any:
    """`ledger.xl.validate` etc., imported on first use (PEP 562)."""
    if name in HANDLERS.values():
        from ledger.xl import buttons  # lazy: keeps `import ledger.xl` light for every click

        return getattr(buttons, name)
    raise AttributeError(name)


def decode_name(hex_name: str) -> str:
    """The workbook name as LedgerRibbon.HexName encodes it: four hex digits per UTF-16 code unit."""
    if not hex_name or len(hex_name) % 4:
        return ""
    units = bytes.fromhex(hex_name)
    return bytes(b for i in range(0, len(units), 2) for b in (units[i + 1], units[i])).decode("utf-16-le")


def encode_name(name: str) -> str:
    """The inverse of decode_name (what the VBA does), for tests and scripts."""
    data = name.encode("utf-16-le")
    return "".join(f"{data[i + 1]:02X}{data[i]:02X}" for i in range(0, len(data), 2))


def called_from_excel(argv: list[str] | None = None) -> bool:
    """Started by Excel: RunPython's `--from_xl=1`, or the COM server's caller set by the VBA."""
    if any(a.strip() == "--from_xl=1" for a in (sys.argv if argv is None else argv)):
        return True
    windows = sys.modules.get("xlwings._xlwindows")
    return bool(getattr(windows, "BOOK_CALLER", None))


def active_book() -> Any:
    """The active workbook of the active Excel: only for runs started outside Excel (a console)."""
    import xlwings as xw  # lazy: see the module docstring

    return xw.books.active


def caller_book(workbook: str = "") -> Any:
    """The workbook the clerk pressed the button in.

    From Excel, Book.caller() is the add-in (ledger.xlam) in the Excel instance
    that was clicked; the clerk's workbook is looked up by name in that same
    instance. If Book.caller() fails there, nothing else is guessed: the active
    workbook may belong to another Excel instance. Only a run started outside
    Excel (a console, a test) falls back to the active workbook.
    """
    import xlwings as xw  # lazy: see the module docstring

    try:
        caller = xw.Book.caller()
    except Exception as exc:
        if called_from_excel():
            raise NoWorkbook("xl.no_caller") from exc
        return active_book()
    if not workbook or caller.name == workbook:
        if caller.name.lower().endswith((".xlam", ".xla")):
            raise NoWorkbook("xl.no_workbook", name=caller.name)
        return caller
    try:
        return caller.app.books[workbook]
    except Exception as exc:
        raise NoWorkbook("xl.no_workbook", name=workbook) from exc


def xlwings_mismatch(expected: str) -> str | None:
    """The installed xlwings version when it differs from the add-in's VBA, else None."""
    import xlwings  # lazy: see the module docstring

    return xlwings.__version__ if expected and xlwings.__version__ != expected else None


def dispatch(
    button_id: str, workbook: str = "", xlwings_version: str = "", report: str = "", *, book: Any = None
) -> str:
    """Run the button on the clerk's workbook and show its message; every failure is a message too.

    `report` (hex-encoded like `workbook`) names a file to append the message to
    instead of showing it: acceptance.ps1 presses the buttons unattended.
    """
    app = None
    warning = True
    try:
        found = xlwings_mismatch(xlwings_version)
        if found:
            message = text("xl.xlwings_mismatch", "zh-Hans", expected=xlwings_version, found=found)
        else:
            if book is None:
                book = caller_book(decode_name(workbook))
            app = book.app
            message = run_button(button_id, book)
            warning = False
    except NoWorkbook as exc:
        message = text(exc.code, "zh-Hans", **exc.params)
    except Exception as exc:  # noqa: BLE001 - before the button's own handler: a message, never a traceback
        message = text("xl.internal", "zh-Hans", error=f"{type(exc).__name__}: {exc}")
    report_path = decode_name(report)
    if report_path:
        with open(report_path, "a", encoding="utf-8") as out:
            out.write(f"{button_id}\t{message}\n")
    else:
        show(message, app, warning=warning)
    return message


def run_button(button_id: str, book: Any) -> str:
    """The button's function on `book`, with screen updating off; its exceptions become the clerk's message."""
    from ledger.xl import buttons  # lazy: keeps `import ledger.xl` light for every click

    name = HANDLERS.get(button_id)
    if name is None:
        return text("xl.unknown_button", buttons.snapshot_lang(book), button=button_id)
    from ledger.io.safe_write import WriteRefused  # lazy: keeps `import ledger.xl` light for every click
    from ledger.xl.status import status_during  # lazy: keeps `import ledger.xl` light for every click

    try:
        with _quiet(book), _one_writer(book, button_id), status_during(book):
            return getattr(buttons, name)(book)
    except WriteRefused as exc:  # another writer (the CLI, the local page, an earlier click) holds the ledger
        return exc.message(_lang(book, buttons))
    except Exception as exc:  # noqa: BLE001 - the clerk gets a message, never a traceback
        return text("xl.internal", _lang(book, buttons), error=f"{type(exc).__name__}: {exc}")


def _lang(book: Any, buttons: Any) -> str:
    try:
        return buttons.snapshot_lang(book)
    except Exception:  # noqa: BLE001 - the message must come out whatever the workbook holds
        return "zh-Hans"


#: Buttons that write nothing into the clerk's ledger, so they take no writer lock.
LOCK_FREE = frozenset({"consolidate_reports"})
#: How long a click waits for another writer of the same ledger before telling the clerk it is busy.
LOCK_WAIT_SECONDS = 5.0


@contextlib.contextmanager
def _one_writer(book: Any, button_id: str) -> Iterator[None]:
    """The one-writer rule of the CLI and the local page (io.writer_lock), for a book saved on disk.

    The button writes into the live workbook, not the file, but `ledger ... --write` or the
    local page may be writing the same file, and two clicks may overlap: the click waits up to
    LOCK_WAIT_SECONDS for the ledger's lock file, then is refused (WriteRefused "write.busy").
    A new book not yet saved, or one opened from a web address, has no file to guard.
    """
    path = Path(_fullname(book))
    if button_id in LOCK_FREE or not path.is_absolute() or not path.is_file():
        yield
        return
    from ledger.io.writer_lock import ledger_write_lock  # lazy: filelock only for a click that writes

    with ledger_write_lock(path, wait=LOCK_WAIT_SECONDS):
        yield


def _fullname(book: Any) -> str:
    try:
        return str(book.fullname or "")
    except Exception:  # noqa: BLE001 - remote and unsaved books may not know a path
        return ""


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
