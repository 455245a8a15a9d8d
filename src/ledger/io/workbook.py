"""Reading workbook files into plain grids (python-calamine: fast, values only)."""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

from defusedxml import ElementTree as ET
from python_calamine import CalamineWorkbook

from ledger.core.allocation import without_gc
from ledger.core.cell_reading import ColumnGrid
from ledger.core.i18n import register
from ledger.core.reading import UnusableLedger, load_ledger
from ledger.io.guard import UnusableWorkbook, inspect_workbook
from ledger.io.writer_lock import fingerprint
from ledger.sheets.cellrefs import col_number

# Excel's own sheet limits: a part claiming more was not written by Excel.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
# python-calamine holds a sheet as a dense rows × columns block (~32 bytes a cell):
# one stray value at XFD1048576 would ask for half a terabyte. 30 million cells
# (~1 GB there) still admits a full million-row ledger of 24 columns.
MAX_CELLS = 30_000_000
# What python-calamine holds per cell, measured (python-calamine 0.9): every cell of the sheet's
# range ~32 bytes, plus ~60 bytes for each text cell's own string. A sheet whose estimate passes
# MAX_SHEET_BYTES is refused before it is read, so reading stays under 1 GB with Python's share
# (300,000 rows of 24 distinct junk strings: 1.09 GB estimated, 1.02 GB peak measured, refused).
# An inline string (not from the shared-string table) may differ from every other one, so it
# also counts the Python string it becomes (~60 bytes more).
BYTES_PER_CELL = 32
BYTES_PER_TEXT_CELL = 60
BYTES_PER_INLINE_TEXT_CELL = 120
MAX_SHEET_BYTES = 800 * 1024 * 1024
_INLINE_TEXT_MARKS = (b't="inlineStr"', b't="str"')
SCAN_CHUNK = 1 << 20

register(
    {
        "file.unreadable": {
            "zh-Hans": "无法读取工作簿“{path}”:{reason}。请确认它是用 Excel 保存的 .xlsx 文件。",
            "zh-Hant": "無法讀取活頁簿「{path}」:{reason}。請確認它是用 Excel 儲存的 .xlsx 檔案。",
            "en": "Cannot read the workbook “{path}”: {reason}. Make sure it is an .xlsx file saved by Excel.",
        },
        "file.beyond_excel": {
            "zh-Hans": "工作表“{sheet}”有内容位于 {cell},超出了 Excel 的上限(1048576 行、16384 列 XFD),文件不是 Excel 保存的,无法读取。请用 Excel 打开并另存后再试。",
            "zh-Hant": "工作表「{sheet}」有內容位於 {cell},超出了 Excel 的上限(1048576 列、16384 欄 XFD),檔案不是 Excel 儲存的,無法讀取。請用 Excel 開啟並另存後再試。",
            "en": "Sheet “{sheet}” has content at {cell}, beyond Excel's limits (1,048,576 rows, 16,384 columns to XFD); the file was not saved by Excel and cannot be read. Open it in Excel, save it again and retry.",
        },
        "file.too_much_text": {
            "zh-Hans": "工作表“{sheet}”太大(A1:{cell},其中 {text_cells} 个文字单元格,读入约需 {megabytes} MB 内存,上限 {limit} MB),为免耗尽电脑内存,未读取也未作任何改动。请删除表格以外多余的内容,或先用 ledger archive 归档旧案件后再试。",
            "zh-Hant": "工作表「{sheet}」太大(A1:{cell},其中 {text_cells} 個文字儲存格,讀入約需 {megabytes} MB 記憶體,上限 {limit} MB),為免耗盡電腦記憶體,未讀取也未作任何變更。請刪除表格以外多餘的內容,或先用 ledger archive 封存舊案件後再試。",
            "en": "Sheet “{sheet}” is too large (A1:{cell}, {text_cells} text cells, about {megabytes} MB of memory to read it, limit {limit} MB); to keep the computer's memory it was not read and nothing was changed. Delete what lies beyond the table, or archive old cases first with ledger archive, then try again.",
        },
        "file.too_large": {
            "zh-Hans": "工作表“{sheet}”的数据范围是 A1:{cell}(约 {cells} 个单元格),超出本工具能处理的大小(最多约 {limit} 个)。通常是表格远处有零星内容:在该表按 Ctrl+End 找到最后一个单元格,删除表格以外多余的行和列后保存再试;案件确实这么多时,请先用 ledger archive 归档旧案件。",
            "zh-Hant": "工作表「{sheet}」的資料範圍是 A1:{cell}(約 {cells} 個儲存格),超出本工具能處理的大小(最多約 {limit} 個)。通常是表格遠處有零星內容:在該表按 Ctrl+End 找到最後一個儲存格,刪除表格以外多餘的列和欄後儲存再試;案件確實這麼多時,請先用 ledger archive 封存舊案件。",
            "en": "Sheet “{sheet}” spans A1:{cell} (about {cells} cells), more than this tool can handle (about {limit}). Usually a stray value sits far from the table: press Ctrl+End on that sheet to find the last cell, delete the rows and columns beyond the table, save and retry; if there really are that many cases, archive old ones first with ledger archive.",
        },
    }
)


@without_gc
def read_grids(path: str | Path) -> dict[str, list[list[Any]]]:
    """Every worksheet as a list of rows, row 1 first, column A first; blanks as None.

    Each sheet's XML is scanned first (streamed, never held whole) for Excel
    error values and for the far corner of its content, so a sheet too large to
    hold is refused with a message before python-calamine tries to allocate it.
    """
    path = Path(path)
    book, scans = _open_checked(path)
    grids: dict[str, list[list[Any]]] = {}
    with _calamine_errors(path):
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            del sheet
            for i, row in enumerate(rows):  # in place: the sheet is never held twice as Python lists
                rows[i] = [None if v == "" else v for v in row]
            grids[name] = rows
    for name, scan in scans.items():
        grid = grids.get(name)
        for (r, c), value in scan.errors.items():
            if grid is not None and r < len(grid):
                row = grid[r]
                if c >= len(row):
                    row.extend([None] * (c + 1 - len(row)))
                row[c] = value
    return grids


#: A reading progress callback hears (rows read, rows in all sheets) every this many rows, so a
#: small ledger never calls it and a large one costs one call per 10,240 rows.
PROGRESS_EVERY_ROWS = 20 * 512


class _RowsRead:
    """Counts the rows read and tells `progress` at every PROGRESS_EVERY_ROWS, and once at the end."""

    def __init__(self, progress: Callable[[int, int], None], total: int):
        self.progress, self.total, self.done, self.next_report = progress, total, 0, PROGRESS_EVERY_ROWS
        self.reported = False

    def add(self, rows: int) -> None:
        self.done += rows
        if self.done >= self.next_report:
            self.next_report = self.done + PROGRESS_EVERY_ROWS
            self.reported = True
            self.progress(self.done, max(self.total, self.done))

    def finish(self) -> None:
        if self.reported:
            self.progress(self.done, self.done)


@without_gc
def read_sheets(path: str | Path, progress: Callable[[int, int], None] | None = None) -> dict[str, ColumnGrid]:
    """Every worksheet held column by column (see read_grids for the checks made first).

    Rows come from python-calamine a batch at a time and go straight into
    columns, so no sheet is ever held as one list per row; equal cell values
    share one object (a category typed 100k times is one string), which keeps
    a large ledger's cells small while the file's own copy is still in memory.
    """
    path = Path(path)
    book, scans = _open_checked(path)
    rows_read = _RowsRead(progress, sum(s.last_row for s in scans.values())) if progress else None
    grids: dict[str, ColumnGrid] = {}
    with _calamine_errors(path):
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            grids[name] = _sheet_columns(sheet, rows_read)
            del sheet
    if rows_read is not None:
        rows_read.finish()
    for name, scan in scans.items():
        grid = grids.get(name)
        for (r, c), value in scan.errors.items():
            if grid is not None and r < len(grid):
                grid.put(r, c, value)
    return grids


# A column stops sharing its values past this many distinct ones (notes, junk): the sharing
# dict would cost as much again as the strings it holds.
MAX_SHARED_VALUES = 50_000
BATCH_ROWS = 512  # rows a batch: measured faster than larger batches (cache-sized)
_BLANK = {"": None}
# Equal values of these types are not interchangeable (1.0 == True, -0.0 == 0.0): never shared.
_UNSHARED = frozenset({bool, int, float})


def _sheet_columns(sheet: Any, rows_read: _RowsRead | None = None) -> ColumnGrid:
    """A calamine sheet as columns from A and row 1, blanks as None, equal values as one object.

    A column shares its values through a dict of the values seen so far, which
    is also the column's set of distinct values; from its first number or
    boolean on, the column keeps its cells as they come (only "" becomes None).
    """
    if sheet.start is None:
        return ColumnGrid([], 0)
    bottom, right = sheet.end
    rows = iter(sheet.iter_rows())
    batch = list(islice(rows, BATCH_ROWS))
    data: list[list[Any]] = [[] for _ in (batch[0] if batch else ())]
    shared: list[dict[Any, Any] | None] = [{"": None, None: None} for _ in data]
    while batch:
        for index, column, cells in zip(range(len(data)), data, zip(*batch)):
            seen = shared[index]
            if seen is None:
                column.extend(map(_BLANK.get, cells, cells))
                continue
            before = len(seen)
            column.extend(map(seen.setdefault, cells, cells))
            added = len(seen) - before
            if added and not _UNSHARED.isdisjoint(map(type, islice(reversed(seen), added))):
                column[len(column) - len(cells) :] = map(_BLANK.get, cells, cells)
                shared[index] = None
            elif len(seen) > MAX_SHARED_VALUES:  # values hardly repeat: the dict would only double them
                shared[index] = None
        if rows_read is not None:
            rows_read.add(len(batch))
        del batch
        batch = list(islice(rows, BATCH_ROWS))
    # the iterator may start at the content's first row or column: the grid starts at A1
    height = max(bottom + 1, len(data[0]) if data else 0)
    if data and len(data[0]) < height:
        data = [[None] * (height - len(column)) + column for column in data]
    blank_left = [[None] * height for _ in range(right + 1 - len(data))]
    return ColumnGrid(blank_left + data, height, [{None: None} for _ in blank_left] + shared)


def _open_checked(path: Path) -> tuple[Any, dict[str, SheetScan]]:
    """python-calamine's workbook and the scans of its sheets, once nothing refuses the file.

    Opening reads the shared strings without the GIL, so it runs in a thread
    while the sheets are scanned; no sheet is read before its scan passed.
    """
    _inspect(path)
    with ThreadPoolExecutor(1) as pool:
        opening = pool.submit(CalamineWorkbook.from_path, str(path))
        scans = scan_sheets(path)
        for name, scan in scans.items():
            scan.check(name)
        with _calamine_errors(path):
            return opening.result(), scans


@contextmanager
def _calamine_errors(path: Path) -> Iterator[None]:
    """python-calamine raises several error types for damaged files: each is an unusable ledger."""
    try:
        yield
    except UnusableLedger:
        raise
    except Exception as exc:
        raise UnusableLedger("file.unreadable", path=str(path), reason=str(exc).splitlines()[0][:200]) from exc


_ERROR_CELL = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*?t="e"[^>]*>\s*(?:<f[^>]*?(?:/>|>.*?</f>))?\s*<v>([^<]*)</v>', re.S
)
_CELL_REF = re.compile(rb'<c r="([A-Z]+)(\d+)"')
_ROW_REF = re.compile(rb'<row r="(\d+)"')


def _wider_than(letters: str) -> re.Pattern[bytes]:
    """A cell with content whose column sorts after `letters` (same length and greater, or longer)."""
    alternatives = []
    for i, ch in enumerate(letters):
        if ch < "Z":
            alternatives.append(letters[:i] + f"[{chr(ord(ch) + 1)}-Z]" + "[A-Z]" * (len(letters) - i - 1))
    if len(letters) < 3:
        alternatives.append(f"[A-Z]{{{len(letters) + 1},3}}")
    if not letters:
        alternatives = ["[A-Z]{1,3}"]
    # (?<!/)> : not a self-closing <c .../>, which is formatting only, no content
    return re.compile(rb'<c r="(' + "|".join(alternatives).encode() + rb')\d+"[^>]*(?<!/)>')


@dataclass
class SheetScan:
    """What one streamed pass over a worksheet's XML found.

    python-calamine reads error cells as blanks; a clerk's #N/A must be reported,
    not silently read as "no date", so they are taken from the XML here.
    """

    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # 0-based (row, col) -> #N/A ...
    last_row: int = 0  # 1-based row of the last cell with content (or the row count when cells carry no refs)
    last_column: str = ""  # letters of the widest cell with content
    text_cells: int = 0  # cells typed as text from the shared-string table
    inline_text_cells: int = 0  # cells holding their own text (inline or formula strings)

    def memory_estimate(self) -> int:
        """Bytes reading this sheet will hold (see BYTES_PER_CELL)."""
        return (
            self.last_row * max(self.columns, 1) * BYTES_PER_CELL
            + self.text_cells * BYTES_PER_TEXT_CELL
            + self.inline_text_cells * BYTES_PER_INLINE_TEXT_CELL
        )

    @property
    def columns(self) -> int:
        return col_number(self.last_column) if self.last_column else 0

    def check(self, sheet: str) -> None:
        corner = f"{self.last_column or 'A'}{max(self.last_row, 1)}"
        if self.last_row > MAX_ROWS or self.columns > MAX_COLUMNS:
            raise UnusableLedger("file.beyond_excel", sheet=sheet, cell=corner)
        if self.last_row * max(self.columns, 1) > MAX_CELLS:
            raise UnusableLedger(
                "file.too_large",
                sheet=sheet,
                cell=corner,
                cells=f"{self.last_row * self.columns:,}",
                limit=f"{MAX_CELLS:,}",
            )
        if self.memory_estimate() > MAX_SHEET_BYTES:
            raise UnusableLedger(
                "file.too_much_text",
                sheet=sheet,
                cell=corner,
                text_cells=f"{self.text_cells + self.inline_text_cells:,}",
                megabytes=f"{self.memory_estimate() // 2**20:,}",
                limit=f"{MAX_SHEET_BYTES // 2**20:,}",
            )


def _complete(data: bytes) -> int:
    """Length of the prefix of `data` that ends with a whole cell or row (0 if none)."""
    ends = [data.rfind(b"</row>") + 6, data.rfind(b"</c>") + 4]
    for opener in (b"<row ", b"<c "):  # a self-closing <row .../> or <c .../>
        start = data.rfind(opener)
        close = data.find(b">", start) if start >= 0 else -1
        if close > 0 and data[close - 1 : close] == b"/":
            ends.append(close + 1)
    best = max(ends)
    return best if best > 5 else 0


def scan_sheet(stream: IO[bytes]) -> SheetScan:
    """Error cells and content extent of one worksheet XML, read in 1 MB pieces cut after a row."""
    scan = SheetScan()
    wider = _wider_than("")
    rows_seen = 0
    pending = b""
    while True:
        chunk = stream.read(SCAN_CHUNK)
        pending += chunk
        cut = _complete(pending) if chunk else len(pending)
        if not cut and chunk:
            continue
        block, pending = pending[:cut], pending[cut:]
        scan.text_cells += block.count(b't="s"')
        scan.inline_text_cells += sum(map(block.count, _INLINE_TEXT_MARKS))
        if b't="e"' in block:
            for m in _ERROR_CELL.finditer(block):
                scan.errors[(int(m.group(2)) - 1, col_number(m.group(1).decode()) - 1)] = m.group(3).decode()
        end = block.rfind(b"</c>")
        start = block.rfind(b'<c r="', 0, end) if end >= 0 else -1
        if start >= 0 and (m := _CELL_REF.match(block, start)):
            scan.last_row = max(scan.last_row, int(m.group(2)))
        # refs are optional: where a block has cells without one (even after rows with refs), its
        # rows are counted instead, so a sheet cannot hide its size behind a first row of refs
        rows_seen += block.count(b"<row")
        if block.count(b"<c ") + block.count(b"<c>") > block.count(b'<c r="'):
            m = _ROW_REF.search(block, max(block.rfind(b"<row "), 0))
            scan.last_row = max(scan.last_row, int(m.group(1)) if m else 0, rows_seen)
        pos = 0
        while (m := wider.search(block, pos)) is not None:
            scan.last_column = m.group(1).decode()
            wider = _wider_than(scan.last_column)
            pos = m.end()
        if not chunk:
            return scan


def scan_sheets(path: Path) -> dict[str, SheetScan]:
    """scan_sheet for every worksheet, by sheet name; {} when the package cannot be scanned."""
    found: dict[str, SheetScan] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            parts = sheet_parts(zf)
    except (zipfile.BadZipFile, KeyError, OSError):
        return {}
    with zipfile.ZipFile(path) as zf:
        for name, part in parts.items():
            try:
                with zf.open(part) as stream:
                    found[name] = scan_sheet(stream)  # read to the end: zipfile checks the CRC there
            except KeyError:
                continue  # a sheet without its part: calamine words that refusal
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                raise UnusableLedger("workbook.corrupt", path=str(path), detail=f"{part}: {exc}") from None
    return found


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member of its worksheet XML."""
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    }
    book = ET.fromstring(zf.read("xl/workbook.xml"))
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    parts = {}
    for sheet in book.iter(f"{{{ns['m']}}}sheet"):
        target = targets.get(sheet.get(f"{{{ns['r']}}}id"), "")
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return parts


def _inspect(path: Path) -> None:
    """Refuse what is not an xlsx before parsing it (see io.guard)."""
    try:
        inspect_workbook(path)
    except UnusableWorkbook as exc:
        raise UnusableLedger(exc.code, **exc.params) from exc


@without_gc
def load_file(path: str | Path, progress: Callable[[int, int], None] | None = None):
    """Read a ledger file into the core's Ledger (the sheets are let go before collection resumes).

    `progress(rows read, rows in all sheets)` is called every PROGRESS_EVERY_ROWS rows (see read_sheets).
    """
    return load_file_with_sheets(path, progress)[0]


def load_file_with_sheets(path: str | Path, progress: Callable[[int, int], None] | None = None):
    """The Ledger and every sheet's grid from one read (`ledger record` also reads the 回访清单 grid).

    The file's fingerprint is taken before reading, so a change made while it is read is caught at the write.
    """
    try:
        source = fingerprint(path)
    except OSError:
        source = None  # read_sheets words the refusal (missing, a folder, no permission)
    grids = read_sheets(path, progress)
    ledger = load_ledger(grids, path=str(path))
    ledger.source = source
    return ledger, grids
