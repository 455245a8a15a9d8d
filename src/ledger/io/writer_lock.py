"""One writer at a time per ledger, and no replacing a ledger that changed since it was read.

Every route that writes a ledger (the CLI, the ribbon buttons through xlwings, the demo)
follows the same rule:

    with ledger_write_lock(path, lang):      # waits a few seconds, then refuses (WriteRefused)
        ledger = load_file(path)             # load_file records the file's fingerprint
        ...                                  # compute the changes
        apply_changes(path, ledger, changes) # re-checks the fingerprint just before the swap

The lock is a small hidden file beside the ledger (`.<ledger name>.writer-lock`) held
through the `filelock` library (an OS lock: released by the kernel when the process dies,
so a killed run never leaves the ledger locked). The empty lock file itself stays: deleting
it on release would let a waiting writer lock a file the next one no longer sees.

The fingerprint (size, modification time, SHA-256) catches writers that do not take the
lock, above all Excel or WPS saving the workbook while a job was running.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from ledger.core.i18n import register
from ledger.io.safe_write import WriteRefused

WAIT_SECONDS = 5.0
LOCK_SUFFIX = ".writer-lock"
HASH_CHUNK = 1 << 20

register(
    {
        "write.busy": {
            "zh-Hans": "另一项任务正在写入台账 {path}(等待 {seconds:.0f} 秒后仍未结束),本次未写入任何内容。请等它完成后再试。",
            "zh-Hant": "另一項作業正在寫入台帳 {path}(等待 {seconds:.0f} 秒後仍未結束),本次未寫入任何內容。請等它完成後再試。",
            "en": "Another task is writing the ledger {path} (still busy after {seconds:.0f} s); nothing was written this time. Wait for it to finish, then try again.",
        },
        "write.changed_meanwhile": {
            "zh-Hans": "台账在处理期间被修改,请重试。{path} 在本工具读取之后被其他程序(如 Excel/WPS 保存)改动过;为免覆盖这些改动,本次未写入任何内容。",
            "zh-Hant": "台帳在處理期間被修改,請重試。{path} 在本工具讀取之後被其他程式(如 Excel/WPS 儲存)改動過;為免覆蓋這些改動,本次未寫入任何內容。",
            "en": "The ledger was changed while it was being processed; please try again. {path} was modified by another program (such as Excel/WPS saving it) after this tool read it; to keep those changes nothing was written.",
        },
    }
)


@dataclass(frozen=True)
class Fingerprint:
    """What a file was when it was read: a changed size, mtime or content means someone wrote it."""

    size: int
    mtime_ns: int
    sha256: str


def fingerprint(path: str | Path) -> Fingerprint:
    """The file's size, modification time and SHA-256 (read in 1 MB pieces)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        st = os.fstat(f.fileno())
        while chunk := f.read(HASH_CHUNK):
            digest.update(chunk)
    return Fingerprint(st.st_size, st.st_mtime_ns, digest.hexdigest())


def check_unchanged(path: str | Path, expected: Fingerprint | None) -> None:
    """Raise WriteRefused("write.changed_meanwhile") unless the file is still as it was read."""
    if expected is None:
        return
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise WriteRefused("write.changed_meanwhile", {"path": str(path)}) from None
    if st.st_size != expected.size or st.st_mtime_ns != expected.mtime_ns or fingerprint(path) != expected:
        raise WriteRefused("write.changed_meanwhile", {"path": str(path)})


def lock_path(path: str | Path) -> Path:
    """The lock file beside the ledger; not Excel's `~$` nor LibreOffice's `.~lock.…#` (those mean "open")."""
    path = Path(path)
    return path.with_name(f".{path.name}{LOCK_SUFFIX}")


# One FileLock object per lock file: an OS lock taken twice through two descriptors would
# make a process wait for itself.
_LOCKS: dict[str, FileLock] = {}


@contextmanager
def ledger_write_lock(path: str | Path, wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the ledger's writer lock for the block; after `wait` seconds raise WriteRefused("write.busy").

    Re-entrant within one process (filelock counts nested acquisitions), so a job that
    locks and then calls a helper that locks again does not wait for itself.
    """
    path = Path(path)
    try:
        lock = _LOCKS.setdefault(str(lock_path(path).resolve()), FileLock(str(lock_path(path))))
        lock.acquire(timeout=wait)
    except Timeout:
        raise WriteRefused("write.busy", {"path": str(path), "seconds": wait}) from None
    except OSError:
        raise WriteRefused("write.read_only_folder", {"folder": str(path.parent)}) from None
    try:
        yield
    finally:
        lock.release()
