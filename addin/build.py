"""Build dist/ledger.xlam, the Excel add-in with the 回访台账 ribbon, on any OS.

    python addin/build.py [--out PATH] [--interpreter-win PATH] [--interpreter-mac PATH]

Starts from the base add-in shipped inside the pinned xlwings wheel (BSD
licensed RunPython VBA), then: replaces the ribbon (addin/src/customUI.xml),
writes the settings sheet (addin/src/ledger.conf), removes the base's demo
ribbon module and adds our dispatcher module (addin/src/LedgerRibbon.bas).
No Excel is needed. The output is byte-for-byte reproducible: fixed zip
timestamps and order, deterministic VBA compression and CFB layout.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.util
import io
import re
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import defusedxml.ElementTree as ET

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__" and str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from addin.vbaproject import VbaProject  # noqa: E402

SRC = Path(__file__).resolve().parent / "src"

#: Ribbon button ids, in ribbon order. ledger.xl.dispatch must handle each one.
BUTTON_IDS: tuple[str, ...] = (
    "validate",
    "callback_list",
    "draw_samples",
    "record_results",
    "monthly_stats",
    "send_to_head_office",
    "settings",
)
#: The one VBA macro every button calls.
CALLBACK = "LedgerRibbon.LedgerButton"
MODULE = "LedgerRibbon"
#: xlwings' PROJECT_NAME: names the settings sheet (ledger.conf) and the
#: per-user config file %USERPROFILE%\.ledger\ledger.conf.
CONFIG_NAME = "ledger"
VBA_PROJECT_NAME = "LedgerAddin"

XLWINGS_VERSION = "0.37.8"
BASE_FILE = "quickstart_addin_ribbon.xlam"
BASE_SHA256 = "43010e1abd6e7a48b4693367f062196654a21c256683dccbaec810df7a6f4dbb"
BASE_DEMO_MODULE = "RibbonMyAddin"
BASE_CONF_SHEET = "_myaddin.conf"

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
CUSTOMUI_NS = "{http://schemas.microsoft.com/office/2006/01/customui}"


class BuildError(Exception):
    """The inputs are not what this build was written for; the message says which."""


def base_addin() -> bytes:
    """The pinned xlwings base add-in; refuses any other xlwings version or file."""
    version = importlib.metadata.version("xlwings")
    if version != XLWINGS_VERSION:
        raise BuildError(f"xlwings {version} installed, the add-in is pinned to {XLWINGS_VERSION}")
    spec = importlib.util.find_spec("xlwings")
    data = (Path(spec.origin).parent / BASE_FILE).read_bytes()
    if hashlib.sha256(data).hexdigest() != BASE_SHA256:
        raise BuildError(f"{BASE_FILE} of xlwings {version} differs from the pinned file")
    return data


def button_ids(customui: bytes) -> list[str]:
    """Ids of the ribbon buttons, in document order."""
    tree = ET.fromstring(customui)
    return [b.get("id") for b in tree.iter(f"{CUSTOMUI_NS}button")]


def check_customui(customui: bytes) -> None:
    tree = ET.fromstring(customui)
    buttons = list(tree.iter(f"{CUSTOMUI_NS}button"))
    ids = [b.get("id") for b in buttons]
    if tuple(ids) != BUTTON_IDS:
        raise BuildError(f"customUI.xml buttons {ids} differ from BUTTON_IDS {list(BUTTON_IDS)}")
    wrong = [b.get("id") for b in buttons if b.get("onAction") != CALLBACK]
    if wrong:
        raise BuildError(f"buttons {wrong} do not call {CALLBACK}")


def read_conf(text: str) -> list[tuple[str, str | bool]]:
    """Parse ledger.conf: `"KEY","VALUE"` lines; bare TRUE/FALSE are booleans; # comments."""
    entries: list[tuple[str, str | bool]] = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = re.fullmatch(r'"([^"]+)",\s*(?:"([^"]*)"|(TRUE|FALSE))', line)
        if not match:
            raise BuildError(f'ledger.conf line {number}: expected "KEY","VALUE" or "KEY",TRUE/FALSE')
        key, text_value, bool_value = match.groups()
        entries.append((key, text_value if bool_value is None else bool_value == "TRUE"))
    return entries


def conf_sheet(base_sheet: str, entries: list[tuple[str, str | bool]]) -> tuple[str, str]:
    """Worksheet XML and sharedStrings XML holding the settings in columns A:B."""
    strings: list[str] = []

    def sst(value: str) -> int:
        if value not in strings:
            strings.append(value)
        return strings.index(value)

    rows = []
    for r, (key, value) in enumerate(entries, 1):
        cells = f'<c r="A{r}" s="1" t="s"><v>{sst(key)}</v></c>'
        if isinstance(value, bool):
            cells += f'<c r="B{r}" s="1" t="b"><v>{int(value)}</v></c>'
        elif value:
            cells += f'<c r="B{r}" s="1" t="s"><v>{sst(value)}</v></c>'
        rows.append(f'<row r="{r}">{cells}</row>')
    sheet, n = re.subn(
        r"<sheetData>.*</sheetData>", lambda _: "<sheetData>" + "".join(rows) + "</sheetData>", base_sheet, flags=re.S
    )
    sheet, m = re.subn(r'<dimension ref="[^"]*" />', f'<dimension ref="A1:B{len(entries)}" />', sheet)
    if (n, m) != (1, 1):
        raise BuildError("base conf sheet layout changed")
    shared = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
        + "</sst>"
    )
    return sheet, shared


def workbook_xml(base: str) -> str:
    """Rename the settings sheet so xlwings reads it; drop the base author's absolute path."""
    out = base.replace(f'name="{BASE_CONF_SHEET}"', f'name="{CONFIG_NAME}.conf"')
    out = re.sub(r"<mc:AlternateContent .*?</mc:AlternateContent>", "", out, flags=re.S)
    if f'name="{CONFIG_NAME}.conf"' not in out or "absPath" in out:
        raise BuildError("base workbook.xml layout changed")
    return out


CORE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>回访台账 ledger add-in</dc:title><dc:creator>ledger</dc:creator>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">2015-01-25T11:31:25Z</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">2015-01-25T11:31:25Z</dcterms:modified>'
    "</cp:coreProperties>"
)


def vba_project(base_bin: bytes, dispatcher: str) -> bytes:
    """Base VBA project with our dispatcher module instead of the demo ribbon module."""
    project = VbaProject.read(base_bin)
    xlwings = project.source("xlwings")
    if f"'Version: {XLWINGS_VERSION}" not in xlwings:
        raise BuildError("xlwings VBA module is not the pinned version")
    xlwings, n = re.subn(r'(Public Const PROJECT_NAME As String = )"myaddin"', rf'\1"{CONFIG_NAME}"', xlwings)
    if n != 1:
        raise BuildError("PROJECT_NAME constant not found in the xlwings VBA module")
    project.set_source("xlwings", xlwings)
    project.remove_module(BASE_DEMO_MODULE)
    project.add_module(MODULE, dispatcher)
    project.rename(VBA_PROJECT_NAME)
    return project.write()


def build(
    out: Path,
    *,
    interpreter_win: str | None = None,
    interpreter_mac: str | None = None,
) -> Path:
    """Write the add-in to `out` and return it."""
    customui = (SRC / "customUI.xml").read_bytes()
    check_customui(customui)
    dispatcher = (SRC / f"{MODULE}.bas").read_text(encoding="utf-8")
    conf = read_conf((SRC / f"{CONFIG_NAME}.conf").read_text(encoding="utf-8"))
    overrides = {"Interpreter_Win": interpreter_win, "Interpreter_Mac": interpreter_mac}
    conf = [(k, overrides[k] if overrides.get(k) else v) for k, v in conf]

    with zipfile.ZipFile(io.BytesIO(base_addin())) as base:
        members = {info.filename: base.read(info) for info in base.infolist()}
    sheet, shared = conf_sheet(members["xl/worksheets/sheet1.xml"].decode("utf-8"), conf)
    replaced = {
        "customUI/customUI.xml": customui,
        "xl/vbaProject.bin": vba_project(members["xl/vbaProject.bin"], dispatcher),
        "xl/worksheets/sheet1.xml": sheet.encode("utf-8"),
        "xl/sharedStrings.xml": shared.encode("utf-8"),
        "xl/workbook.xml": workbook_xml(members["xl/workbook.xml"].decode("utf-8")).encode("utf-8"),
        "docProps/core.xml": CORE_XML.encode("utf-8"),
    }
    missing = set(replaced) - set(members)
    if missing:
        raise BuildError(f"base add-in lacks {sorted(missing)}")
    members.update(replaced)

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        for name in sorted(members, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            zf.writestr(info, members[name], compresslevel=9)
    tmp.replace(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "ledger.xlam")
    parser.add_argument("--interpreter-win", help="python(w).exe path written to the settings sheet")
    parser.add_argument("--interpreter-mac", help="python path written to the settings sheet")
    args = parser.parse_args(argv)
    try:
        path = build(args.out, interpreter_win=args.interpreter_win, interpreter_mac=args.interpreter_mac)
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
