"""Print preview: chosen sheets of a workbook rendered to PDF (and page images) through LibreOffice.

Used by the render tests and by docs/render_pictures.py: what a clerk gets on
paper is only known once a spreadsheet program has laid the pages out. Each
sheet is printed from a copy of the workbook in which every other sheet is
hidden (hidden sheets are not printed), so charts, print titles, page breaks
and footers are the file's own. All copies go through one LibreOffice run,
with a private profile so parallel runs do not trip over each other.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?/>")
_NAME = re.compile(rb'\bname="([^"]*)"')
_STATE = re.compile(rb'\s+state="[^"]*"')
_ACTIVE = re.compile(rb'\s+(?:activeTab|firstSheet)="\d+"')


@dataclass(frozen=True)
class Print:
    """One sheet of `book` to print as `out_dir/<stem>.pdf`."""

    book: Path
    sheet: str
    stem: str


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _xml_name(name: str) -> bytes:
    return name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").encode()


def only_sheet(book: Path, sheet: str, out: Path) -> Path:
    """A copy of `book` in which `sheet` is the only visible (and the active) sheet."""
    with zipfile.ZipFile(book) as src:
        workbook = src.read("xl/workbook.xml")
        tags = _SHEET_TAG.findall(workbook)
        names = [_NAME.search(t).group(1) for t in tags]
        if _xml_name(sheet) not in names:
            raise KeyError(f"no sheet {sheet!r} in {book}")
        position = names.index(_xml_name(sheet))
        for tag, name in zip(tags, names):
            plain = _STATE.sub(b"", tag)
            new = plain if name == _xml_name(sheet) else plain[:-2] + b' state="hidden"/>'
            workbook = workbook.replace(tag, new, 1)
        workbook = _ACTIVE.sub(b"", workbook)
        workbook = re.sub(rb"<((?:\w+:)?workbookView)\b", rb'<\1 activeTab="%d"' % position, workbook, count=1)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                data = workbook if item.filename == "xl/workbook.xml" else src.read(item.filename)
                if item.filename.startswith("xl/worksheets/sheet") and item.filename.endswith(".xml"):
                    data = data.replace(b' tabSelected="1"', b"")
                dst.writestr(item, data)
    return out


def print_sheets(prints: list[Print], out_dir: Path, timeout: float = 180) -> dict[str, Path]:
    """Each requested sheet as a PDF in `out_dir`, by stem; one LibreOffice run for all of them."""
    program = soffice()
    if program is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ledger-print-") as tmp:
        copies = [only_sheet(p.book, p.sheet, Path(tmp) / f"{p.stem}.xlsx") for p in prints]
        profile = Path(tmp, "profile").as_uri()
        subprocess.run(
            [program, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
            + ["--outdir", str(out_dir), *map(str, copies)],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
    pdfs = {p.stem: out_dir / f"{p.stem}.pdf" for p in prints}
    missing = [str(path) for path in pdfs.values() if not path.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice wrote no PDF for {', '.join(missing)}")
    return pdfs


def page_images(pdf: Path, prefix: Path, dpi: int = 60, fmt: str = "png", first: int = 1, last: int = 1) -> list[Path]:
    """Pages `first`..`last` of the PDF as images (pdftoppm: fmt "png" or "ppm")."""
    prefix.parent.mkdir(parents=True, exist_ok=True)
    kind = [] if fmt == "ppm" else [f"-{fmt}"]  # PPM is pdftoppm's own format, asked for by no flag
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), *kind, "-f", str(first), "-l", str(last), str(pdf), str(prefix)],
        check=True,
        capture_output=True,
    )
    return sorted(prefix.parent.glob(f"{prefix.name}*.{fmt}"))
