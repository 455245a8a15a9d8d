"""The figures of a statistics export in a form a program reads (issue 18, SPEC §10).

Beside the sheet people read, every export carries a very hidden sheet
`ledger_data` of tidy rows `(section, key, value)`:

- `meta` rows: `format` (`ledger-export`), `format_version`, `office`, `month`,
  `as_of`, `exported_at` (ISO time with offset), `tool_version`, `sha256`;
- `stats_json` rows: the month's `ledger stats --format json` document, exactly,
  cut into pieces under Excel's 32,767-character cell limit (join them in order);
- `figure` rows: every number of that document again, one per row, keyed by
  its path (`compliance/complaint/population`) for people reading it in pandas.

`sha256` is the SHA-256 of the document's canonical JSON (keys sorted, no
spaces, UTF-8), so head office can tell figures edited after the export.
Consolidation reads only this sheet: a later change of the visible layout
never breaks it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ledger import __version__

DATA_SHEET = "ledger_data"
FORMAT = "ledger-export"
FORMAT_VERSION = 1
_PIECE = 30_000  # characters per stats_json cell (Excel holds at most 32,767)


def plain_json(doc: Any) -> Any:
    """The document as `ledger stats --format json` prints it (dates and the like as strings)."""
    return json.loads(json.dumps(doc, ensure_ascii=False, default=str))


def canonical_json(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def figures_hash(doc: Any) -> str:
    """SHA-256 (hex) of the canonical JSON of a stats document."""
    return hashlib.sha256(canonical_json(doc).encode("utf-8")).hexdigest()


def _figures(doc: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Numbers (and yes/no) of the document with their path; lists become their length."""
    out: list[tuple[str, Any]] = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            out += _figures(value, f"{prefix}/{key}" if prefix else str(key))
    elif isinstance(doc, list):
        if prefix not in ("trend",):
            out.append((prefix + "/count", len(doc)))
    elif doc is None or isinstance(doc, (int, float, bool)):
        out.append((prefix, doc))
    return out


def data_rows(stats_doc: dict[str, Any], *, exported_at: dt.datetime | None = None) -> list[list[Any]]:
    """The rows of the `ledger_data` sheet for a stats document."""
    doc = plain_json(stats_doc)
    exported_at = exported_at or dt.datetime.now().astimezone()
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))  # in the order stats prints it
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "office": doc.get("office"),
        "month": doc.get("month"),
        "as_of": doc.get("as_of"),
        "exported_at": exported_at.isoformat(timespec="seconds"),
        "tool_version": __version__,
        "sha256": figures_hash(doc),
    }
    rows: list[list[Any]] = [["section", "key", "value"]]
    rows += [["meta", k, v] for k, v in meta.items()]
    rows += [["stats_json", i, text[i * _PIECE : (i + 1) * _PIECE]] for i in range(max(1, -(-len(text) // _PIECE)))]
    rows += [["figure", path, value] for path, value in _figures(doc)]
    return rows


def add_data_sheet(book: Any, stats_doc: dict[str, Any], *, exported_at: dt.datetime | None = None) -> None:
    """Append the very hidden `ledger_data` sheet to an openpyxl workbook."""
    sheet = book.create_sheet(DATA_SHEET)
    for row in data_rows(stats_doc, exported_at=exported_at):
        sheet.append(row)
    sheet.sheet_state = "veryHidden"


# --------------------------------------------------------------------------- reading


class ExportUnreadable(Exception):
    """Why a file is not a usable export: `reason` is one of not_ours, damaged, hash_mismatch."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass
class ExportData:
    office: str
    month: str
    as_of: str | None
    exported_at: dt.datetime | None
    tool_version: str | None
    sha256: str
    stats: dict[str, Any]


def read_export(source: str | Path | Any) -> ExportData:
    """The figures of an export (a path or a binary file object); ExportUnreadable says why not."""
    from python_calamine import CalamineWorkbook  # lazy: python-calamine's import is not free

    try:
        book = CalamineWorkbook.from_path(str(source)) if isinstance(source, (str, Path)) else None
        book = book or CalamineWorkbook.from_filelike(source)
    except Exception as exc:  # noqa: BLE001 - any failure to open is "damaged" or "not ours"
        raise ExportUnreadable("damaged" if _is_zip(source) else "not_ours", str(exc)) from exc
    if DATA_SHEET not in book.sheet_names:
        raise ExportUnreadable("not_ours", f"no {DATA_SHEET} sheet")
    try:
        rows = book.get_sheet_by_name(DATA_SHEET).to_python(skip_empty_area=False)
    except Exception as exc:  # noqa: BLE001
        raise ExportUnreadable("damaged", str(exc)) from exc
    return parse_rows(rows)


def _is_zip(source: Any) -> bool:
    try:
        if isinstance(source, (str, Path)):
            return zipfile.is_zipfile(source) or Path(source).read_bytes()[:2] == b"PK"
        source.seek(0)
        return source.read(2) == b"PK"
    except OSError:
        return False


def parse_rows(rows: list[list[Any]]) -> ExportData:
    meta: dict[str, Any] = {}
    pieces: list[tuple[int, str]] = []
    figures: dict[str, Any] = {}
    for row in rows[1:]:
        if len(row) < 3:
            continue
        section, key, value = row[0], row[1], row[2]
        if section == "meta":
            meta[str(key)] = value
        elif section == "stats_json":
            pieces.append((int(float(key)), "" if value is None else str(value)))
        elif section == "figure":
            figures[str(key)] = value
    if meta.get("format") != FORMAT:
        raise ExportUnreadable("not_ours", "format marker missing")
    try:
        stats = json.loads("".join(p for _, p in sorted(pieces)))
    except ValueError as exc:
        raise ExportUnreadable("damaged", f"stats_json: {exc}") from exc
    if not isinstance(stats, dict) or figures_hash(stats) != meta.get("sha256"):
        raise ExportUnreadable("hash_mismatch", str(meta.get("sha256", ""))[:12])
    if stats.get("office") != meta.get("office") or stats.get("month") != meta.get("month"):
        raise ExportUnreadable("hash_mismatch", "office or month differs from the figures")
    if any(not _same(figures.get(path, _ABSENT), value) for path, value in _figures(stats)):
        raise ExportUnreadable("hash_mismatch", "figure rows differ from the hashed figures")
    return ExportData(
        office=str(meta.get("office") or ""),
        month=str(meta.get("month") or ""),
        as_of=meta.get("as_of"),
        exported_at=_parse_time(meta.get("exported_at")),
        tool_version=meta.get("tool_version"),
        sha256=str(meta["sha256"]),
        stats=stats,
    )


_ABSENT = object()


def _same(cell: Any, value: Any) -> bool:
    """A figure row read back from the sheet (numbers may come back as floats, yes/no as booleans)."""
    if cell is _ABSENT:
        return False
    if value is None or cell is None or cell == "":
        return value is None and cell in (None, "")
    if isinstance(value, bool) or isinstance(cell, bool):
        return cell == value and isinstance(cell, bool) == isinstance(value, bool)
    return abs(float(cell) - float(value)) <= 1e-12 * max(1.0, abs(float(value)))


def _parse_time(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
