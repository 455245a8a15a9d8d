"""Archive (SPEC §8): callback records are kept two years; older cases move to an archive workbook.

Nothing is deleted: rows are first written to `<ledger>_归档.xlsx` (appended if it
exists) and read back; only then are they removed from the ledger, whose previous
version is kept as a backup like every write.

Deleting rows is the one write that still loads the whole ledger into openpyxl,
which drops shapes, buttons, slicers and more (io.guard.openpyxl_losses). Such a
ledger is never rewritten in place: the trimmed copy goes to `--out` instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ledger.core.errors import LedgerError
from ledger.core.i18n import register, text
from ledger.core.log import LOG_HEADERS, LOG_SHEET, log_row, sheet_rows
from ledger.core.models import Ledger
from ledger.core.windows import add_months
from ledger.io.archive_book import write_archive_book, write_without_rows
from ledger.io.guard import loss_labels, openpyxl_losses
from ledger.io.safe_write import atomic_replace, check_writable
from ledger.io.workbook import read_grids
from ledger.io.writer_lock import check_unchanged

ARCHIVE_SUFFIX = {"zh-Hans": "_归档", "zh-Hant": "_歸檔", "en": "_archive"}

register(
    {
        "archive.none": {
            "zh-Hans": "没有 {before} 之前完成的案件,无需归档。",
            "zh-Hant": "沒有 {before} 之前完成的案件,無需歸檔。",
            "en": "No cases were completed before {before}; nothing to archive.",
        },
        "archive.done": {
            "zh-Hans": "已将 {count} 件 {before} 之前完成的案件移入 {archive}(共 {total} 行),台账备份:{backup}。",
            "zh-Hant": "已將 {count} 件 {before} 之前完成的案件移入 {archive}(共 {total} 行),台賬備份:{backup}。",
            "en": "Moved {count} cases completed before {before} to {archive} ({total} rows there); ledger backup: {backup}.",
        },
        "archive.recent": {
            "zh-Hans": "注意:{before} 距今不足两年,回访记录按规程应保存两年(000 4.7);归档后的记录仍完整保存在归档文件中。",
            "zh-Hant": "注意:{before} 距今不足兩年,回訪記錄按規程應保存兩年(000 4.7);歸檔後的記錄仍完整保存在歸檔檔案中。",
            "en": "Note: {before} is less than two years ago; callback records are kept two years (000 4.7). "
            "The archived rows are kept in full in the archive workbook.",
        },
        "archive.would_lose": {
            "zh-Hans": "不能直接在 {path} 中归档:删除行需要重写整个工作簿,会丢失其中的{features}。台账未被修改。"
            "可改为把归档后的台账另存为新文件,原文件保持不变:ledger archive {path} --before {before} --out 新台账.xlsx",
            "zh-Hant": "不能直接在 {path} 中歸檔:刪除列需要重寫整個活頁簿,會遺失其中的{features}。台賬未被修改。"
            "可改為把歸檔後的台賬另存為新檔案,原檔案保持不變:ledger archive {path} --before {before} --out 新台賬.xlsx",
            "en": "Cannot archive inside {path}: removing rows rewrites the whole workbook and would lose its {features}. "
            "The ledger was not changed. Write the trimmed ledger to a new workbook instead and keep the original "
            "untouched: ledger archive {path} --before {before} --out NEW.xlsx",
        },
        "archive.out_exists": {
            "zh-Hans": "{out} 已存在,不会覆盖。请为归档后的台账指定一个新文件名。",
            "zh-Hant": "{out} 已存在,不會覆蓋。請為歸檔後的台賬指定一個新檔名。",
            "en": "{out} already exists and will not be overwritten. Choose a new file name for the trimmed ledger.",
        },
        "archive.out_suffix": {
            "zh-Hans": "{out} 的扩展名应为 {suffix},与台账相同。",
            "zh-Hant": "{out} 的副檔名應為 {suffix},與台賬相同。",
            "en": "{out} must end in {suffix}, like the ledger.",
        },
        "archive.done_out": {
            "zh-Hans": "已将 {count} 件 {before} 之前完成的案件移入 {archive}(共 {total} 行);归档后的台账已另存为 {out},原台账 {path} 未改动。",
            "zh-Hant": "已將 {count} 件 {before} 之前完成的案件移入 {archive}(共 {total} 行);歸檔後的台賬已另存為 {out},原台賬 {path} 未改動。",
            "en": "Moved {count} cases completed before {before} to {archive} ({total} rows there); the trimmed ledger "
            "was written to {out} and the original {path} was not changed.",
        },
        "archive.verify_failed": {
            "zh-Hans": "归档文件校验失败({reason}),台账未被修改。",
            "zh-Hant": "歸檔檔案校驗失敗({reason}),台賬未被修改。",
            "en": "The archive workbook could not be verified ({reason}); the ledger was not changed.",
        },
    }
)


class ArchiveRefused(LedgerError):
    """Archiving here would damage something; `message(lang)` says what and what to do instead."""

    def __init__(self, code: str, features: list[str] | None = None, **params: Any):
        super().__init__(code, **params)
        self.features = list(features or [])

    def message(self, lang: str | None = "zh-Hans") -> str:
        return text(self.code, lang, features=loss_labels(self.features, lang), **self.params)


def archive_job(
    path: Path, ledger: Ledger, before: dt.date, today: dt.date | None = None, out: Path | None = None
) -> Iterator[str]:
    """Move old cases out; the trimmed ledger replaces `path`, or goes to `out` leaving `path` untouched."""
    lang = ledger.lang
    today = today or dt.date.today()
    path = Path(path)
    if out is not None and Path(out).resolve() == path.resolve():
        out = None
    rows = sorted(c.row for c in ledger.cases if c.completed_on and c.completed_on < before)
    if not rows:
        yield text("archive.none", lang, before=before.isoformat())
        return
    out = _checked_targets(path, out, before)
    if before > add_months(today, -24):
        yield text("archive.recent", lang, before=before.isoformat())
    grid = read_grids(path)[ledger.sheet]
    archive = path.with_name(path.stem + ARCHIVE_SUFFIX.get(lang, "_归档") + ".xlsx")
    total = _write_archive(archive, ledger, grid, rows)
    id_col = ledger.columns["case_id"] - 1
    log_name = next((n for n in ledger.sheet_names if n in LOG_SHEET.values()), LOG_SHEET.get(lang, "日志"))
    entry = log_row(
        "archive",
        {"before": before.isoformat()},
        {"moved": len(rows), "archive": archive.name, "case_ids": [str(grid[r - 1][id_col]) for r in rows]},
    )

    def write_ledger(tmp: Path) -> None:
        log_header = LOG_HEADERS.get(lang, LOG_HEADERS["zh-Hans"])
        write_without_rows(path, tmp, ledger.sheet, rows, log_name, log_header, sheet_rows([entry], lang)[0])

    def verify_ledger(tmp: Path) -> None:
        remaining = read_grids(tmp)[ledger.sheet]
        if len(remaining) > len(grid) - len(rows):
            raise ValueError("rows not removed")

    done = {"count": len(rows), "before": before.isoformat(), "archive": archive, "total": total}
    if out is not None:
        atomic_replace(path, write_ledger, verify_ledger, out_path=out)
        yield text("archive.done_out", lang, **done, out=out, path=path)
        return

    def verify_ledger_unchanged(tmp: Path) -> None:
        verify_ledger(tmp)
        check_unchanged(path, ledger.source)  # not saved by Excel (or anyone) since it was read

    backup = atomic_replace(path, write_ledger, verify_ledger_unchanged, keep_backups=ledger.settings.keep_backups)
    yield text("archive.done", lang, **done, backup=backup or "-")


def _checked_targets(path: Path, out: Path | None, before: dt.date) -> Path | None:
    """Refuse before anything is written: a ledger openpyxl would damage, a bad or existing --out, a locked file."""
    if out is None:
        losses = openpyxl_losses(path)
        if losses:
            raise ArchiveRefused("archive.would_lose", losses, path=str(path), before=before.isoformat())
        check_writable(path)
        return None
    out = Path(out)
    if out.suffix.lower() != path.suffix.lower():
        raise ArchiveRefused("archive.out_suffix", out=str(out), suffix=path.suffix.lower())
    if out.exists():
        raise ArchiveRefused("archive.out_exists", out=str(out))
    check_writable(out)
    return out


def _write_archive(archive: Path, ledger: Ledger, grid: list[list[Any]], rows: list[int]) -> int:
    """Add the rows to the archive workbook (cases already there are not added twice), read it back
    to check every moved case is there; returns the number of cases in the archive."""
    lang = ledger.lang
    header = list(grid[ledger.header_row - 1])
    moved = [list(grid[r - 1]) + [None] * (len(header) - len(grid[r - 1])) for r in rows]
    existing: list[list[Any]] = []
    if archive.exists():
        check_writable(archive)
        existing = [list(r) for r in read_grids(archive).get(ledger.sheet, [])[1:]]
    id_col = ledger.columns["case_id"] - 1
    known_ids = {str(r[id_col]) for r in existing if r}
    fresh = [r for r in moved if str(r[id_col]) not in known_ids]

    def write_archive(tmp: Path) -> None:
        write_archive_book(tmp, ledger.sheet, header, existing + fresh)

    def verify_archive(tmp: Path) -> None:
        got = read_grids(tmp)[ledger.sheet]
        ids = {str(r[id_col]) for r in got[1:] if r and len(r) > id_col}
        missing = [str(r[id_col]) for r in moved if str(r[id_col]) not in ids]
        if missing:
            raise ValueError(text("archive.verify_failed", lang, reason=", ".join(missing[:5])))

    atomic_replace(archive, write_archive, verify_archive, keep_backups=ledger.settings.keep_backups)
    return len(existing) + len(fresh)
