"""Where head office's exports come from: files, folders, .eml files, mbox and Maildir mailboxes.

`gather(sources)` lists every candidate export without reading it yet (an
`Item` with a name to show and a `load()`), so a progress bar knows the total
before the slow part. Mails are parsed with the standard library; each `.xlsx`
attachment is one item, carrying the mail's Date as its sending time.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import mailbox
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from ledger.io.export_data import ExportData, ExportUnreadable, read_export

XLSX_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/octet-stream")
MAIL_SUFFIXES = (".eml", ".msg_rfc822")
MBOX_SUFFIXES = (".mbox", ".mbx")
CONSOLIDATED_NAME = re.compile(r"回访汇总_\d{4}-\d{2}\.xlsx")


@dataclass
class Item:
    """One candidate export: `name` for people (file, or mail#attachment), `sent_at` from the mail if any."""

    name: str
    load: Callable[[], ExportData]
    sent_at: dt.datetime | None = None
    via: str = "file"  # file | mail
    reason: str | None = None  # set when the source itself is unusable (a mail with no export attached)


@dataclass
class Received:
    """An item after reading: its figures, or the reason it was rejected."""

    item: Item
    data: ExportData | None
    reason: str | None = None
    detail: str = ""


def read_item(item: Item) -> Received:
    if item.reason:
        return Received(item, None, item.reason)
    try:
        return Received(item, item.load())
    except ExportUnreadable as exc:
        return Received(item, None, exc.reason, exc.detail)
    except OSError as exc:
        return Received(item, None, "damaged", str(exc))


def gather(sources: list[Path], *, skip: set[Path] | None = None) -> list[Item]:
    """Every candidate export in the sources, in a stable order; `skip` (e.g. the output workbook) is left out.

    Items are named by their path from the folder given (`四月/回访统计_….xlsx`), a file given by
    name by its name, a mail's attachment as `mail#attachment`.
    """
    skip = {p.resolve() for p in (skip or set())}
    items: list[Item] = []
    for source in sources:
        source = Path(source)
        items += list(_from_path(source, skip, source.name, explicit=True))
    return items


def _from_path(path: Path, skip: set[Path], label: str, *, explicit: bool) -> Iterator[Item]:
    if path.resolve() in skip or path.name.startswith(("~$", ".~")):
        return
    if path.is_dir():
        if all((path / d).is_dir() for d in ("cur", "new", "tmp")):
            yield from _from_mailbox(mailbox.Maildir(path, factory=None, create=False), label)
            return
        for child in sorted(path.iterdir()):
            if child.name.startswith(".") or (child.is_file() and _is_ours_not_an_export(child)):
                continue  # backups (.ledger_backups) and head office's own workbooks
            if child.is_dir() or child.suffix.lower() in (".xlsx", *MAIL_SUFFIXES, *MBOX_SUFFIXES):
                yield from _from_path(child, skip, f"{label}/{child.name}", explicit=False)
        return
    suffix = path.suffix.lower()
    if suffix in MAIL_SUFFIXES:
        yield from _from_mail(_parse_mail(path.read_bytes()), label, explicit=True)
    elif suffix in MBOX_SUFFIXES or (suffix != ".xlsx" and _looks_like_mbox(path)):
        yield from _from_mailbox(mailbox.mbox(path, factory=None, create=False), label)
    elif suffix == ".xlsx" or explicit:
        yield Item(name=label, load=lambda p=path: read_export(p))


def _is_ours_not_an_export(path: Path) -> bool:
    """A head-office workbook this command wrote (回访汇总_YYYY-MM.xlsx) sitting among the exports."""
    return CONSOLIDATED_NAME.fullmatch(path.name) is not None


def _looks_like_mbox(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(5) == b"From "
    except OSError:
        return False


def _parse_mail(data: bytes) -> EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)  # type: ignore[return-value]


def _from_mailbox(box: mailbox.Mailbox, label: str) -> Iterator[Item]:
    for key in sorted(box.keys(), key=str):
        raw = box.get_bytes(key)
        yield from _from_mail(_parse_mail(raw), f"{label}/{key}", explicit=False)


def mail_date(msg: EmailMessage) -> dt.datetime | None:
    try:
        when = parsedate_to_datetime(str(msg["Date"]))
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.astimezone()


def _from_mail(msg: EmailMessage, label: str, *, explicit: bool) -> Iterator[Item]:
    """One item per .xlsx attachment; a mail given by name with none is rejected, a mailbox's is ignored."""
    sent = mail_date(msg)
    found = False
    for part in msg.iter_attachments():
        filename = part.get_filename() or ""
        if not filename.lower().endswith(".xlsx") and part.get_content_type() not in XLSX_TYPES[:1]:
            continue
        found = True
        data = part.get_payload(decode=True) or b""
        yield Item(name=f"{label}#{filename}", load=lambda d=data: read_export(io.BytesIO(d)), sent_at=sent, via="mail")
    if not found and explicit:
        yield Item(name=label, load=_nothing, sent_at=sent, via="mail", reason="no_attachment")


def _nothing() -> ExportData:
    raise ExportUnreadable("no_attachment")
