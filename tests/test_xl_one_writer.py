"""Ribbon clicks follow the one-writer rule of the CLI and the local page (issue 14.2).

The click runs on xlwings' remote engine against a book whose full name is a ledger
file on disk; another process (as `ledger callbacks --write` would) holds that ledger's
writer lock. The click waits, then tells the clerk the ledger is busy and writes nothing.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import ledger.xl as lx
import test_xlwings_buttons
from ledger.core.i18n import text
from ledger.demo.workbook import write_ledger
from ledger.io.workbook import read_grids
from test_xlwings_buttons import SPECIAL, TITLE_ROWS, actions, book_of, bulk, payload

HOLD = (
    "import sys\n"
    "from ledger.io.writer_lock import ledger_write_lock\n"
    "with ledger_write_lock(sys.argv[1]):\n"
    "    print('held', flush=True)\n"
    "    sys.stdin.read()\n"
)


@pytest.fixture(scope="module", autouse=True)
def xw():
    with test_xlwings_buttons.remote_xlwings() as xlwings:
        yield xlwings


@pytest.fixture(autouse=True)
def short_wait(monkeypatch):
    monkeypatch.setattr(lx, "LOCK_WAIT_SECONDS", 0.3)


@contextmanager
def another_writer(path: Path) -> Iterator[None]:
    """A second process holding the ledger's writer lock, as a running `ledger ... --write` does."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "held"
        yield
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)


def saved_book(tmp_path: Path, lang: str = "zh-Hans"):
    """A book whose full name is its ledger file on disk (the remote engine's fullname is the payload's name)."""
    cases = SPECIAL[1:] + bulk(20) if lang == "en" else SPECIAL + bulk(20)
    path = write_ledger(tmp_path / f"台账_{lang}.xlsx", cases, lang=lang, title_rows=TITLE_ROWS)
    book = book_of(payload(read_grids(path), name=str(path)))
    assert Path(book.fullname) == path
    return book, path


@pytest.mark.parametrize("button", ["validate", "callback_list", "monthly_stats", "send_to_head_office"])
def test_a_click_while_another_writer_holds_the_ledger_is_refused_and_writes_nothing(tmp_path, button):
    book, path = saved_book(tmp_path)
    before = path.read_bytes()
    with another_writer(path):
        message = lx.dispatch(button, book=book)
    assert message == text("write.busy", "zh-Hans", path=str(path), seconds=0.3)
    assert actions(book) == []
    assert path.read_bytes() == before and not list(tmp_path.glob("*.eml"))


def test_the_busy_message_is_in_the_ledgers_language(tmp_path):
    book, path = saved_book(tmp_path, "en")
    with another_writer(path):
        message = lx.dispatch("validate", book=book)
    assert message.startswith("Another task is writing the ledger") and str(path) in message
    assert actions(book) == []


def test_a_click_on_a_free_ledger_writes_and_lets_the_lock_go(tmp_path):
    book, path = saved_book(tmp_path)
    message = lx.dispatch("validate", book=book)
    assert message.startswith("检查完成") and actions(book)
    with another_writer(path):  # the click held the lock only while it ran: another writer gets it at once
        pass


def test_a_book_without_a_file_on_disk_is_clicked_without_a_lock(tmp_path):
    book, path = saved_book(tmp_path)
    unsaved = book_of(payload(read_grids(path), name="工作簿1"))
    with another_writer(path):
        message = lx.dispatch("validate", book=unsaved)
    assert message.startswith("检查完成") and actions(unsaved)
