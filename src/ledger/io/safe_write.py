"""Replace the clerk's workbook only with a verified copy, keeping dated backups.

The ledger is the office's only record, so a write must never leave a half
file: we write beside it, prove the new file opens, keep the previous version
in `.ledger_backups/`, then swap with one `os.replace` (atomic on the same
volume). Before that we refuse politely when someone has the file open in
Excel/WPS/LibreOffice, naming who, because saving over an open workbook either
fails on Windows or is silently overwritten by the next Ctrl+S.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from xml.parsers import expat

from defusedxml import ElementTree as SafeET
from python_calamine import CalamineWorkbook

from ledger.core.i18n import register
from ledger.io.guard import UnusableWorkbook
from ledger.io.scratch import sweep, tag

BACKUP_DIR = ".ledger_backups"

CATALOG = {
    "write.locked": {
        "zh-Hans": "{path} 正被 {user} 打开。请先让其在 Excel/WPS 中保存并关闭该文件，然后再试。",
        "zh-Hant": "{path} 正被 {user} 開啟。請先讓其在 Excel/WPS 中儲存並關閉該檔案，然後再試。",
        "en": "{path} is open by {user}. Ask them to save and close it in Excel/WPS, then try again.",
    },
    "write.locked_unknown": {
        "zh-Hans": "{path} 正在被其他程序使用（可能在 Excel/WPS 中打开）。请保存并关闭该文件后再试。",
        "zh-Hant": "{path} 正在被其他程式使用（可能在 Excel/WPS 中開啟）。請儲存並關閉該檔案後再試。",
        "en": "{path} is in use by another program (probably open in Excel/WPS). Save and close it, then try again.",
    },
    "write.read_only_file": {
        "zh-Hans": "{path} 是只读文件，无法写入。请在文件属性中取消“只读”，或另存一份可编辑的副本。",
        "zh-Hant": "{path} 是唯讀檔案，無法寫入。請在檔案內容中取消「唯讀」，或另存一份可編輯的副本。",
        "en": "{path} is read-only and cannot be written. Clear the read-only attribute in its properties, or save an editable copy.",
    },
    "write.read_only_folder": {
        "zh-Hans": "无法在文件夹 {folder} 中写入文件（只读或没有权限）。请把台账放到可写的文件夹中。",
        "zh-Hant": "無法在資料夾 {folder} 中寫入檔案（唯讀或沒有權限）。請把台帳放到可寫入的資料夾中。",
        "en": "Cannot write files in the folder {folder} (read-only or no permission). Move the ledger to a writable folder.",
    },
    "write.verify_failed": {
        "zh-Hans": "写入 {path} 时新文件校验失败（{detail}），原文件未作任何改动。",
        "zh-Hant": "寫入 {path} 時新檔案校驗失敗（{detail}），原檔案未作任何變更。",
        "en": "The new version of {path} failed verification ({detail}); the original file was not changed.",
    },
    "write.disk_full": {
        "zh-Hans": "写入 {path} 失败:磁盘已满(或超出配额)。原文件未作任何改动。请在该磁盘上腾出空间(例如清理 .ledger_backups 中的旧备份)后再试。",
        "zh-Hant": "寫入 {path} 失敗:磁碟已滿(或超出配額)。原檔案未作任何變更。請在該磁碟上騰出空間(例如清理 .ledger_backups 中的舊備份)後再試。",
        "en": "Writing {path} failed: the disk is full (or over quota). The original file was not changed. Free some space on that disk (for example old backups in .ledger_backups), then try again.",
    },
    "write.failed": {
        "zh-Hans": "写入 {path} 失败（{detail}），原文件未作任何改动。",
        "zh-Hant": "寫入 {path} 失敗（{detail}），原檔案未作任何變更。",
        "en": "Writing {path} failed ({detail}); the original file was not changed.",
    },
}
register(CATALOG)


class WriteRefused(UnusableWorkbook):
    """The ledger cannot be written now (locked, read-only, the new copy failed to verify)."""


def excel_lock_path(path: Path) -> Path:
    return path.with_name("~$" + path.name)


def libreoffice_lock_path(path: Path) -> Path:
    return path.with_name(".~lock." + path.name + "#")


def read_excel_owner(lock: Path) -> str | None:
    """Excel's `~$` owner file: byte 0 = name length, ANSI name padded to 54 bytes, then (often)
    a 2-byte length and the same name in UTF-16LE, which we prefer (Chinese user names)."""
    try:
        data = lock.read_bytes()[:512]
    except OSError:
        return None
    if not data:
        return None
    n = data[0]
    if 0 < n <= 53 and len(data) >= 56 and int.from_bytes(data[54:56], "little") == n:
        raw = data[56 : 56 + 2 * n]
        if len(raw) == 2 * n:
            try:
                name = raw.decode("utf-16-le").strip("\x00 ")
                if name:
                    return name
            except UnicodeDecodeError:
                pass
    raw = data[1 : 1 + n] if 0 < n <= 53 else data[1:54]
    for enc in ("utf-8", "gb18030", "cp1252"):
        try:
            name = raw.decode(enc).strip("\x00 ")
            return name or None
        except UnicodeDecodeError:
            continue
    return None


def read_libreoffice_owner(lock: Path) -> str | None:
    """`.~lock.<name>#` holds one CSV line: "Full Name,login,host,date,profile;"."""
    try:
        line = lock.read_bytes()[:2048].decode("utf-8", "replace")
    except OSError:
        return None
    fields = [f.strip() for f in re.split(r"(?<!\\),", line.strip().rstrip(";"))]
    for f in fields[:2]:
        if f:
            return f.replace("\\,", ",")
    return None


def _find_lock(path: Path) -> tuple[Path, str | None] | None:
    lock = excel_lock_path(path)
    if lock.exists():
        return lock, read_excel_owner(lock)
    lo = libreoffice_lock_path(path)
    if lo.exists():
        return lo, read_libreoffice_owner(lo)
    # Windows file names are case-insensitive; a synced folder may change case.
    try:
        wanted = {("~$" + path.name).lower(), (".~lock." + path.name + "#").lower()}
        for entry in os.scandir(path.parent):
            if entry.name.lower() in wanted:
                p = Path(entry.path)
                owner = read_excel_owner(p) if entry.name.startswith("~$") else read_libreoffice_owner(p)
                return p, owner
    except OSError:
        pass
    return None


def check_writable(path: str | Path) -> None:
    """Raise WriteRefused if the ledger is open by someone or cannot be written."""
    path = Path(path)
    lock = _find_lock(path)
    if lock is not None:
        _, user = lock
        if user:
            raise WriteRefused("write.locked", {"path": str(path), "user": user})
        raise WriteRefused("write.locked_unknown", {"path": str(path)})
    if path.exists():
        mode = path.stat().st_mode
        if not mode & stat.S_IWUSR or not os.access(path, os.W_OK):
            raise WriteRefused("write.read_only_file", {"path": str(path)})
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, probe = tempfile.mkstemp(prefix=".ledger_probe_", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError:
        raise WriteRefused("write.read_only_folder", {"folder": str(folder)}) from None


CHECK_CHUNK = 1 << 20


def verify_package(path: str | Path) -> None:
    """The written file must be a zip whose every member passes its CRC, whose every XML part is
    well-formed to the last byte, and which python-calamine opens (workbook, relationships,
    shared strings).

    This replaced opening the file with openpyxl (read-only, first row of each sheet), which spent
    seconds parsing every shared string of a 100k-row ledger and never read the rows we had just
    streamed. Worksheets are parsed streaming with expat, so a 300k-row sheet costs no memory.
    """
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():  # every member read to its end once: zipfile checks its CRC there
            name = info.filename
            try:
                if name.endswith(".rels") or name in ("[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml"):
                    SafeET.fromstring(zf.read(name))
                elif name.endswith(".xml") and info.file_size:
                    parser = expat.ParserCreate()
                    with zf.open(info) as stream:
                        parser.ParseFile(stream)
                else:
                    with zf.open(info) as stream:
                        while stream.read(CHECK_CHUNK):
                            pass
            except expat.ExpatError as exc:
                raise ValueError(f"{name} is not well-formed XML: {exc}") from None
            except zipfile.BadZipFile as exc:
                raise ValueError(f"CRC error in {name}: {exc}") from None
    _ = CalamineWorkbook.from_path(str(path)).sheet_names  # opening is the check


_BACKUP_RE_TEMPLATE = r"^{stem}_(\d{{8}}-\d{{6}})(?:-(\d+))?{ext}$"


def list_backups(path: Path) -> list[Path]:
    """Backups of `path`, oldest first."""
    folder = path.parent / BACKUP_DIR
    if not folder.is_dir():
        return []
    rx = re.compile(_BACKUP_RE_TEMPLATE.format(stem=re.escape(path.stem), ext=re.escape(path.suffix)))
    found = []
    for entry in folder.iterdir():
        m = rx.match(entry.name)
        if m:
            found.append(((m.group(1), int(m.group(2) or 0)), entry))
    return [p for _, p in sorted(found)]


def make_backup(path: Path, keep: int, now: datetime | None = None) -> Path | None:
    """Copy `path` to `.ledger_backups/<stem>_YYYYmmdd-HHMMSS<ext>` and keep only the newest `keep`.

    The copy is written under a temporary name, flushed to disk, checked against the original
    (size and a full read of the zip) and only then given its dated name: a copy cut short by a
    full disk never counts among the kept backups (the error propagates, the ledger is not replaced).
    """
    if keep <= 0 or not path.exists():
        return None
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    sweep(folder)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}_{stamp}{path.suffix}"
    n = 0
    while target.exists():
        n += 1
        target = folder / f"{path.stem}_{stamp}-{n}{path.suffix}"
    fd, tmp_name = tempfile.mkstemp(prefix=tag(".~backup_"), suffix=path.suffix, dir=folder)
    tmp = Path(tmp_name)
    try:
        with open(path, "rb") as src, os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(src, out, CHECK_CHUNK)
            out.flush()
            os.fsync(out.fileno())
        shutil.copystat(path, tmp)
        if tmp.stat().st_size != path.stat().st_size:
            raise OSError(f"backup of {path.name} is short")
        if zipfile.is_zipfile(path):
            verify_package(tmp)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    backups = list_backups(path)
    for old in backups[: max(0, len(backups) - keep)]:
        try:
            old.unlink()
        except OSError:
            pass
    return target


def fsync_file(path: Path) -> None:
    """Flush a written file's data to the disk before it replaces anything."""
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_error(exc: BaseException, target: Path) -> WriteRefused:
    """One clerk-facing refusal for a failed write: a full disk said as such, else the short reason."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return WriteRefused("write.disk_full", {"path": str(target)})
    if isinstance(exc, PermissionError):
        return WriteRefused("write.read_only_folder", {"folder": str(target.parent)})
    return WriteRefused("write.failed", {"path": str(target), "detail": _short(exc)})


def atomic_replace(
    path: str | Path,
    write_fn: Callable[[Path], None],
    verify_fn: Callable[[Path], None] | None = None,
    keep_backups: int = 10,
    *,
    out_path: str | Path | None = None,
    now: datetime | None = None,
) -> Path | None:
    """Write via `write_fn(tmp)`, verify (`verify_package`, then `verify_fn`), back up, swap.

    With `out_path` the result goes there instead and no backup is made. Returns the
    backup's path (or None). On any failure the target is untouched and the temp file gone.
    """
    path = Path(path)
    target = Path(out_path) if out_path is not None else path
    check_writable(target)
    sweep(target.parent)  # leftovers of killed runs (`.~ledger_<pid>_…` of dead processes)
    fd, tmp_name = tempfile.mkstemp(prefix=tag(".~ledger_"), suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        try:
            write_fn(tmp)
            fsync_file(tmp)
        except UnusableWorkbook:
            raise
        except Exception as exc:  # noqa: BLE001 - reported to the clerk, original kept
            raise write_error(exc, target) from exc
        try:
            verify_package(tmp)
            if verify_fn is not None:
                verify_fn(tmp)
        except UnusableWorkbook:  # a refusal of its own (e.g. the ledger changed meanwhile)
            raise
        except Exception as exc:  # noqa: BLE001
            raise WriteRefused("write.verify_failed", {"path": str(target), "detail": _short(exc)}) from exc
        if target.exists():
            shutil.copymode(target, tmp)
        try:
            backup = make_backup(target, keep_backups, now) if out_path is None else None
        except OSError as exc:
            raise write_error(exc, target) from exc
        try:
            os.replace(tmp, target)
        except PermissionError as exc:  # Windows: the file is open in Excel
            raise WriteRefused("write.locked_unknown", {"path": str(target)}) from exc
        fsync_folder(target.parent)
        return backup
    finally:
        if tmp.exists():
            try:
                tmp.unlink()
            except OSError:
                pass


def _short(exc: BaseException) -> str:
    msg = str(exc) or type(exc).__name__
    return msg if len(msg) <= 200 else msg[:197] + "..."
