"""Refuse files that are not a usable .xlsx/.xlsm ledger before anything parses them.

Clerks pick the wrong file (an old .xls, a .csv export, a password-protected
copy) and mail filters deliver odd things; a hostile or broken file must end in
one clear message, quickly, never in a traceback, a hang or an exhausted
machine. The checks only read zip directories and a few kilobytes of each XML
part, so they cost milliseconds even on a 100k-row ledger.
"""

from __future__ import annotations

import importlib.util
import re
import stat
import zipfile
import zlib
from pathlib import Path

from ledger.core.errors import LedgerError
from ledger.core.i18n import register, text

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a zip (an empty zip starts with the end record)
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

MAX_MEMBER_SIZE = 512 * 1024 * 1024  # no honest ledger part is near this
MAX_TOTAL_SIZE = 2 * 1024 * 1024 * 1024
MAX_RATIO = 200  # XML compresses ~5-30:1; 200:1 is a bomb
RATIO_MIN_SIZE = 8 * 1024 * 1024  # small members may compress absurdly without harm
MAX_MEMBERS = 20_000
PROLOG_LIMIT = 64 * 1024  # a DOCTYPE must come before the root element

CATALOG = {
    "workbook.missing": {
        "zh-Hans": "找不到文件：{path}。请检查文件名和文件夹。",
        "zh-Hant": "找不到檔案：{path}。請檢查檔名和資料夾。",
        "en": "File not found: {path}. Check the file name and folder.",
    },
    "workbook.is_directory": {
        "zh-Hans": "{path} 是一个文件夹，不是 Excel 工作簿。请选择 .xlsx 文件。",
        "zh-Hant": "{path} 是一個資料夾，不是 Excel 活頁簿。請選擇 .xlsx 檔案。",
        "en": "{path} is a folder, not an Excel workbook. Choose the .xlsx file.",
    },
    "workbook.unreadable": {
        "zh-Hans": "无法读取 {path}（没有权限）。请检查文件权限。",
        "zh-Hant": "無法讀取 {path}（沒有權限）。請檢查檔案權限。",
        "en": "Cannot read {path} (permission denied). Check the file's permissions.",
    },
    "workbook.empty": {
        "zh-Hans": "{path} 是空文件（0 字节），不是 Excel 工作簿。请从备份恢复台账。",
        "zh-Hant": "{path} 是空檔案（0 位元組），不是 Excel 活頁簿。請從備份還原台帳。",
        "en": "{path} is empty (0 bytes), not an Excel workbook. Restore the ledger from a backup.",
    },
    "workbook.legacy_xls": {
        "zh-Hans": "{path} 是旧版 Excel 97-2003 (.xls) 文件。请在 Excel 中“另存为” Excel 工作簿 (.xlsx) 后再试。",
        "zh-Hant": "{path} 是舊版 Excel 97-2003 (.xls) 檔案。請在 Excel 中「另存新檔」為 Excel 活頁簿 (.xlsx) 後再試。",
        "en": "{path} is an old Excel 97-2003 (.xls) file. In Excel use Save As > Excel Workbook (.xlsx), then try again.",
    },
    "workbook.encrypted": {
        "zh-Hans": "{path} 设置了打开密码（已加密），本工具无法读取。请在 Excel 中“文件 > 信息 > 保护工作簿 > 用密码进行加密”删除密码后另存一份再试。",
        "zh-Hant": "{path} 設定了開啟密碼（已加密），本工具無法讀取。請在 Excel 中「檔案 > 資訊 > 保護活頁簿 > 以密碼加密」移除密碼後另存一份再試。",
        "en": "{path} is password-protected (encrypted) and cannot be read. In Excel remove the password (File > Info > Protect Workbook > Encrypt with Password), save a copy and try again.",
    },
    "workbook.xlsb": {
        "zh-Hans": "{path} 是 Excel 二进制工作簿 (.xlsb)。请在 Excel 中“另存为” Excel 工作簿 (.xlsx) 后再试。",
        "zh-Hant": "{path} 是 Excel 二進位活頁簿 (.xlsb)。請在 Excel 中「另存新檔」為 Excel 活頁簿 (.xlsx) 後再試。",
        "en": "{path} is an Excel Binary Workbook (.xlsb). In Excel use Save As > Excel Workbook (.xlsx), then try again.",
    },
    "workbook.ods": {
        "zh-Hans": "{path} 是 OpenDocument 表格 (.ods)。请用 WPS/LibreOffice/Excel 另存为 Excel 工作簿 (.xlsx) 后再试。",
        "zh-Hant": "{path} 是 OpenDocument 試算表 (.ods)。請用 WPS/LibreOffice/Excel 另存為 Excel 活頁簿 (.xlsx) 後再試。",
        "en": "{path} is an OpenDocument spreadsheet (.ods). Save it as an Excel Workbook (.xlsx) in WPS, LibreOffice or Excel, then try again.",
    },
    "workbook.text": {
        "zh-Hans": "{path} 是文本文件（如 CSV 或网页导出），不是 Excel 工作簿。请在 Excel 中打开后“另存为” Excel 工作簿 (.xlsx)。",
        "zh-Hant": "{path} 是文字檔（如 CSV 或網頁匯出），不是 Excel 活頁簿。請在 Excel 中開啟後「另存新檔」為 Excel 活頁簿 (.xlsx)。",
        "en": "{path} is a text file (such as CSV or a web export), not an Excel workbook. Open it in Excel and Save As > Excel Workbook (.xlsx).",
    },
    "workbook.not_workbook": {
        "zh-Hans": "{path} 不是 Excel 工作簿。请选择台账 .xlsx 文件。",
        "zh-Hant": "{path} 不是 Excel 活頁簿。請選擇台帳 .xlsx 檔案。",
        "en": "{path} is not an Excel workbook. Choose the ledger .xlsx file.",
    },
    "workbook.corrupt": {
        "zh-Hans": "{path} 已损坏，无法打开（{detail}）。请从 .ledger_backups 文件夹或其他备份恢复。",
        "zh-Hant": "{path} 已損毀，無法開啟（{detail}）。請從 .ledger_backups 資料夾或其他備份還原。",
        "en": "{path} is damaged and cannot be opened ({detail}). Restore it from the .ledger_backups folder or another backup.",
    },
    "workbook.no_workbook_part": {
        "zh-Hans": "{path} 是压缩包，但不是 Excel 工作簿（缺少 xl/workbook.xml）。请选择台账 .xlsx 文件。",
        "zh-Hant": "{path} 是壓縮檔，但不是 Excel 活頁簿（缺少 xl/workbook.xml）。請選擇台帳 .xlsx 檔案。",
        "en": "{path} is a zip package but not an Excel workbook (xl/workbook.xml is missing). Choose the ledger .xlsx file.",
    },
    "workbook.zip_bomb": {
        "zh-Hans": "{path} 内部的 {member} 解压后异常巨大（{detail}），可能是恶意文件，已拒绝打开。",
        "zh-Hant": "{path} 內部的 {member} 解壓後異常巨大（{detail}），可能是惡意檔案，已拒絕開啟。",
        "en": "{path} contains {member}, which would unpack to an absurd size ({detail}); it may be malicious and was not opened.",
    },
    "workbook.hostile_xml": {
        "zh-Hans": "{path} 内部的 {member} 含有 Excel 从不写入的 XML 声明（DOCTYPE/实体），可能是恶意文件或已损坏，已拒绝打开。请从 .ledger_backups 文件夹或其他备份恢复。",
        "zh-Hant": "{path} 內部的 {member} 含有 Excel 從不寫入的 XML 宣告（DOCTYPE/實體），可能是惡意檔案或已損毀，已拒絕開啟。請從 .ledger_backups 資料夾或其他備份還原。",
        "en": "{path} contains {member} with an XML DOCTYPE/entity declaration that Excel never writes; it may be malicious or damaged and was not opened. Restore it from the .ledger_backups folder or another backup.",
    },
}
register(CATALOG)


class UnusableWorkbook(LedgerError):
    """The file cannot be used as a ledger; `message(lang)` tells the clerk why and what to do."""

    def __init__(self, code: str, params: dict | None = None):
        super().__init__(code, **dict(params or {}))


_ROOT_START = re.compile(rb"<[A-Za-z_]")
_DECL = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# What may come before an XML part's root element: spaces, a declaration or processing
# instruction, comments. A DOCTYPE (even after a comment) is refused by _check_prolog.
_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
CT_NS = b"http://schemas.openxmlformats.org/package/2006/content-types"
WORKBOOK_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
}


def inspect_workbook(path: str | Path, *, max_member_size: int = MAX_MEMBER_SIZE, max_ratio: float = MAX_RATIO) -> None:
    """Raise UnusableWorkbook unless `path` looks like a sane .xlsx/.xlsm package."""
    path = Path(path)
    p = {"path": str(path)}
    try:
        st = path.stat()
    except FileNotFoundError:
        raise UnusableWorkbook("workbook.missing", p) from None
    except PermissionError:
        raise UnusableWorkbook("workbook.unreadable", p) from None
    if stat.S_ISDIR(st.st_mode):
        raise UnusableWorkbook("workbook.is_directory", p)
    if st.st_size == 0:
        raise UnusableWorkbook("workbook.empty", p)
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except PermissionError:
        raise UnusableWorkbook("workbook.unreadable", p) from None
    except OSError as exc:
        raise UnusableWorkbook("workbook.corrupt", {**p, "detail": exc.strerror or str(exc)}) from None

    if head.startswith(OLE2_MAGIC):
        raise UnusableWorkbook(_classify_ole(path), p)
    if not head.startswith(ZIP_MAGICS):
        raise UnusableWorkbook("workbook.text" if _looks_like_text(head) else "workbook.not_workbook", p)
    _inspect_zip(path, p, max_member_size, max_ratio)


def _classify_ole(path: Path) -> str:
    """An OLE2 file is either a legacy .xls or an encrypted OOXML (EncryptionInfo + EncryptedPackage)."""
    try:
        import olefile  # lazy: optional at run time; without it the stream name is searched for
    except ImportError:  # olefile ships with oletools; without it, look for the stream name itself
        marker = "EncryptionInfo".encode("utf-16-le")
        with open(path, "rb") as f:
            return "workbook.encrypted" if marker in f.read(64 * 1024 * 1024) else "workbook.legacy_xls"
    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(s).lower() for s in ole.listdir(streams=True, storages=False)}
    except Exception:  # noqa: BLE001 - any parser failure means "damaged old-format file"
        return "workbook.legacy_xls"
    if "encryptioninfo" in streams or "encryptedpackage" in streams:
        return "workbook.encrypted"
    return "workbook.legacy_xls"


def _looks_like_text(head: bytes) -> bool:
    """CSV, TSV and the HTML that old systems save as ".xls" have no NUL bytes (or a UTF-16 BOM)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = head[:2048]
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        if exc.start > len(sample) - 4:  # a character cut at the end of the sample
            return True
    try:
        sample.decode("gb18030")
        return True
    except UnicodeDecodeError:
        return False


def _inspect_zip(path: Path, p: dict, max_member_size: int, max_ratio: float) -> None:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UnusableWorkbook("workbook.corrupt", {**p, "detail": str(exc) or type(exc).__name__}) from None
    with zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        if "mimetype" in names:
            try:
                with zf.open("mimetype") as m:
                    if m.read(200).strip().startswith(ODS_MIMETYPE):
                        raise UnusableWorkbook("workbook.ods", p)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
                pass
        if "xl/workbook.bin" in names:
            raise UnusableWorkbook("workbook.xlsb", p)
        if len(infos) > MAX_MEMBERS:
            raise UnusableWorkbook("workbook.zip_bomb", {**p, "member": "*", "detail": f"{len(infos)} parts"})
        total = total_packed = 0
        for info in infos:
            total += info.file_size
            total_packed += info.compress_size
            if info.file_size > max_member_size:
                raise UnusableWorkbook(
                    "workbook.zip_bomb", {**p, "member": info.filename, "detail": _mb(info.file_size)}
                )
            if info.file_size >= RATIO_MIN_SIZE and info.file_size > max_ratio * max(info.compress_size, 1):
                raise UnusableWorkbook(
                    "workbook.zip_bomb",
                    {
                        **p,
                        "member": info.filename,
                        "detail": f"{_mb(info.file_size)}, {info.file_size // max(info.compress_size, 1)}:1",
                    },
                )
        if total > MAX_TOTAL_SIZE or (total >= RATIO_MIN_SIZE and total > max_ratio * max(total_packed, 1)):
            raise UnusableWorkbook("workbook.zip_bomb", {**p, "member": "*", "detail": _mb(total)})
        if "xl/workbook.xml" not in names:
            raise UnusableWorkbook("workbook.no_workbook_part", p)
        for info in infos:
            if info.filename.endswith((".xml", ".rels", ".vml")) and not info.is_dir():
                _check_prolog(zf, info, p)
        _check_content_types(zf, names, p)
        for info in infos:  # every member but the worksheets (io.workbook streams those) read whole: CRC
            if not info.is_dir() and not info.filename.startswith("xl/worksheets/"):
                _read_to_end(zf, info, p)


def _check_prolog(zf: zipfile.ZipFile, info: zipfile.ZipInfo, p: dict) -> None:
    """Excel never writes a DTD; one in a part is an entity-expansion attack (billion laughs).

    The prolog is walked item by item (declaration, comments, processing instructions), so a
    DOCTYPE hidden after a comment that itself contains `<tag` is found all the same.
    """
    try:
        with zf.open(info) as f:
            head = f.read(PROLOG_LIMIT)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise UnusableWorkbook("workbook.corrupt", {**p, "detail": f"{info.filename}: {exc}"}) from None
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while (m := _PROLOG_ITEM.match(head, pos)) is not None and m.end() > pos:
        pos = m.end()
    rest = head[pos:]
    if _DECL.match(rest) or (not _ROOT_START.match(rest) and len(head) == PROLOG_LIMIT):
        raise UnusableWorkbook("workbook.hostile_xml", {**p, "member": info.filename})


def _check_content_types(zf: zipfile.ZipFile, names: set[str], p: dict) -> None:
    """`[Content_Types].xml` must exist, parse, and declare xl/workbook.xml as a spreadsheet."""
    from defusedxml import ElementTree as SafeET

    if "[Content_Types].xml" not in names:
        raise UnusableWorkbook("workbook.corrupt", {**p, "detail": "[Content_Types].xml is missing"})
    try:
        root = SafeET.fromstring(zf.read("[Content_Types].xml"))
    except Exception as exc:  # noqa: BLE001 - any parse failure (incl. defusedxml's refusals) is damage
        raise UnusableWorkbook("workbook.corrupt", {**p, "detail": f"[Content_Types].xml: {exc}"}) from None
    ns = "{" + CT_NS.decode() + "}"
    if root.tag != ns + "Types":
        raise UnusableWorkbook("workbook.corrupt", {**p, "detail": "[Content_Types].xml is not a content-types part"})
    declared = {o.get("PartName", "").lower(): o.get("ContentType", "") for o in root.iter(ns + "Override")}
    kind = declared.get("/xl/workbook.xml")
    if kind not in WORKBOOK_TYPES:
        detail = f"xl/workbook.xml is declared as {kind or 'nothing'}"
        raise UnusableWorkbook("workbook.corrupt", {**p, "detail": detail})


def _read_to_end(zf: zipfile.ZipFile, info: zipfile.ZipInfo, p: dict) -> None:
    """zipfile checks a member's CRC when its last byte is read."""
    try:
        with zf.open(info) as f:
            while f.read(1 << 20):
                pass
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, zlib.error) as exc:
        raise UnusableWorkbook("workbook.corrupt", {**p, "detail": f"{info.filename}: {exc}"}) from None


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f} MB"


# --------------------------------------------------------------------------- what openpyxl would lose

LOSS_CATALOG = {
    "shapes": {"zh-Hans": "形状/文本框", "zh-Hant": "圖形/文字方塊", "en": "shapes and text boxes"},
    "images": {"zh-Hans": "图片", "zh-Hant": "圖片", "en": "pictures"},
    "cell_images": {"zh-Hans": "单元格内图片", "zh-Hant": "儲存格內圖片", "en": "pictures in cells"},
    "form_controls": {
        "zh-Hans": "表单控件（按钮、复选框等）",
        "zh-Hant": "表單控制項（按鈕、核取方塊等）",
        "en": "form controls (buttons, check boxes)",
    },
    "activex": {"zh-Hans": "ActiveX 控件", "zh-Hant": "ActiveX 控制項", "en": "ActiveX controls"},
    "embedded_objects": {"zh-Hans": "嵌入对象", "zh-Hant": "內嵌物件", "en": "embedded objects"},
    "slicers": {"zh-Hans": "切片器", "zh-Hant": "交叉分析篩選器", "en": "slicers"},
    "timelines": {"zh-Hans": "日程表", "zh-Hant": "時間表", "en": "timelines"},
    "threaded_comments": {"zh-Hans": "批注（带回复）", "zh-Hant": "註解（含回覆）", "en": "threaded comments"},
    "custom_xml": {"zh-Hans": "自定义 XML 数据", "zh-Hant": "自訂 XML 資料", "en": "custom XML data"},
    "data_model": {
        "zh-Hans": "数据模型（Power Pivot）",
        "zh-Hant": "資料模型（Power Pivot）",
        "en": "the data model (Power Pivot)",
    },
    "connections": {"zh-Hans": "数据连接/查询", "zh-Hant": "資料連線/查詢", "en": "data connections and queries"},
    "web_extensions": {"zh-Hans": "Office 加载项", "zh-Hant": "Office 增益集", "en": "Office add-ins"},
    "modern_charts": {
        "zh-Hans": "新式图表（瀑布图、树状图等）",
        "zh-Hant": "新式圖表（瀑布圖、樹狀圖等）",
        "en": "modern charts (waterfall, treemap ...)",
    },
    "dynamic_arrays": {"zh-Hans": "动态数组公式", "zh-Hant": "動態陣列公式", "en": "dynamic array formulas"},
    "custom_ribbon": {"zh-Hans": "自定义功能区", "zh-Hant": "自訂功能區", "en": "a custom ribbon"},
    "sparklines": {"zh-Hans": "迷你图", "zh-Hant": "走勢圖", "en": "sparklines"},
    "extended_formatting": {
        "zh-Hans": "新版条件格式/数据验证（数据条、图标集等）",
        "zh-Hant": "新版設定格式化的條件/資料驗證（資料橫條、圖示集等）",
        "en": "newer conditional formatting and data validation (data bars, icon sets ...)",
    },
    "sheet_extensions": {
        "zh-Hans": "其他工作表扩展设置",
        "zh-Hant": "其他工作表擴充設定",
        "en": "other worksheet extensions",
    },
}
register({f"loss.{k}": v for k, v in LOSS_CATALOG.items()})

# Parts openpyxl neither reads nor copies (checked by load+save in tests/test_archive_fidelity.py).
_LOST_PARTS = (
    ("xl/ctrlProps/", "form_controls"),
    ("xl/activeX/", "activex"),
    ("xl/embeddings/", "embedded_objects"),
    ("xl/slicers/", "slicers"),
    ("xl/slicerCaches/", "slicers"),
    ("xl/timelines/", "timelines"),
    ("xl/timelineCaches/", "timelines"),
    ("xl/threadedComments/", "threaded_comments"),
    ("xl/persons/", "threaded_comments"),
    ("customXml/", "custom_xml"),
    ("xl/model/", "data_model"),
    ("xl/connections.xml", "connections"),
    ("xl/queryTables/", "connections"),
    ("xl/webextensions/", "web_extensions"),
    ("xl/metadata.xml", "dynamic_arrays"),
    ("xl/richData/", "cell_images"),
    ("customUI/", "custom_ribbon"),
)
# Worksheet <extLst> entries openpyxl drops (openpyxl.worksheet._reader EXT_TYPES), by ext uri.
_EXT_URIS: dict[bytes, str | None] = {
    b"{05C60535-1F16-4FD2-B633-F4F36F0B64E0}": "sparklines",
    b"{78C0D931-6437-407D-A8EE-F0AAD7539E65}": "extended_formatting",
    b"{CCE6A557-97BC-4B89-ADB6-D9C93CAAB3DF}": "extended_formatting",
    b"{A8765BA9-456A-4DAB-B4F3-ACF838C121DE}": "slicers",
    b"{3A4CF648-6AED-40F4-86FF-DC5316D8AED3}": "slicers",
    b"{7E03D99C-DC04-49D9-9315-930204A7B6E9}": "timelines",
    b"{F7C9EE02-42E1-4005-9D12-6889AFFD525C}": "web_extensions",
    b"{01252117-D84E-4E92-8308-4BE1C098FCBB}": None,  # ignored-error marks: losing them loses nothing
}
_SHAPE = re.compile(rb"<(?:[\w.-]+:)?(?:sp|grpSp|cxnSp)[\s>/]")
_PICTURE = re.compile(rb"<(?:[\w.-]+:)?pic[\s>/]")
_CHART_EX = re.compile(rb"schemas\.microsoft\.com/office/drawing/2014/chartex")
_SHEET_MARKERS = (  # (literal to find first, because bytes.find is ~20x faster than a regex scan, regex, feature)
    (b"controls", re.compile(rb"<(?:[\w.-]+:)?controls[\s>]"), "form_controls"),
    (b"oleObjects", re.compile(rb"<(?:[\w.-]+:)?oleObjects[\s>]"), "embedded_objects"),
)
_EXT_URI = re.compile(rb'<(?:[\w.-]+:)?ext\b[^>]*?\buri="(\{[0-9A-Fa-f-]+\})"')
_VML_CONTROL = re.compile(rb'ObjectType="(?!Note")')


def openpyxl_losses(path: str | Path) -> list[str]:
    """Features of the workbook that an openpyxl load + save would silently drop, as LOSS_CATALOG keys.

    The one write path that still goes through openpyxl (archive) must not run on
    a workbook whose shapes, buttons or slicers the clerk would find gone. Only the
    zip directory and the parts that can hold such features are read; worksheets
    are streamed, so a 100k-row ledger costs about a second (mostly unzipping).
    """
    found: set[str] = set()
    with zipfile.ZipFile(path) as zf:
        names = [i.filename for i in zf.infolist() if not i.is_dir()]
        for name in names:
            for prefix, feature in _LOST_PARTS:
                if name.startswith(prefix):
                    found.add(feature)
            if name.startswith("xl/drawings/") and name.endswith(".xml"):
                data = zf.read(name)
                if _SHAPE.search(data):
                    found.add("shapes")
                if _CHART_EX.search(data):
                    found.add("modern_charts")
                if _PICTURE.search(data) and not _has_pillow():
                    found.add("images")  # openpyxl keeps pictures only when Pillow is installed
            elif name.startswith("xl/drawings/") and name.endswith(".vml"):
                if _VML_CONTROL.search(zf.read(name)):
                    found.add("form_controls")
            elif name.startswith("xl/charts/chartEx"):
                found.add("modern_charts")
            elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
                found |= _sheet_losses(zf, name)
    return [k for k in LOSS_CATALOG if k in found]


def _sheet_losses(zf: zipfile.ZipFile, name: str) -> set[str]:
    """Markers after <sheetData>, found by streaming the part (it may be tens of megabytes)."""
    found: set[str] = set()
    tail = b""
    with zf.open(name) as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            window = tail + chunk
            for literal, rx, feature in _SHEET_MARKERS:
                if literal in window and rx.search(window):
                    found.add(feature)
            for m in _EXT_URI.finditer(window) if b'uri="{' in window else ():
                feature = _EXT_URIS.get(m.group(1).upper(), "sheet_extensions")
                if feature:
                    found.add(feature)
            tail = window[-256:]
    return found


def _has_pillow() -> bool:
    return importlib.util.find_spec("PIL") is not None


def loss_labels(features: list[str], lang: str | None = "zh-Hans") -> str:
    """The features named for the clerk, joined in the language's way."""
    sep = ", " if lang == "en" else "、"
    return sep.join(text(f"loss.{f}", lang) for f in features)
