"""Refresh the README's pictures of the printed pages (docs/img/*.png).

Builds the demo ledger for a fixed date, prints the callback list, one record
form, the statistics sheet and the head-office export through LibreOffice and
keeps the first page of each (the statistics: the page with the trend charts).

    .venv/bin/python docs/render_pictures.py [--dpi 70]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

from ledger.demo.run import run_demo
from ledger.io.sheet_pdf import Print, page_images, print_sheets
from ledger.sheets.callback_list import FORMS_SHEET, LIST_SHEET

TODAY = dt.date(2026, 11, 30)
MONTH = "2026-10"
IMG = Path(__file__).resolve().parent / "img"


def _page_with(pdf: Path, words: str) -> int:
    """The first page of the PDF whose text holds `words`."""
    pages = int(
        subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout.split("Pages:")[1].split()[0]
    )
    for n in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True
        ).stdout
        if words in text:
            return n
    return 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, default=70)
    args = parser.parse_args()
    IMG.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ledger-pictures-") as tmp:
        folder = Path(tmp)
        list(run_demo(folder, "zh-Hans", today=TODAY))
        book = folder / "演示台账.xlsx"
        export = next(folder.glob("回访统计_*.xlsx"))
        stats = f"月度统计 {MONTH}"
        pdfs = print_sheets(
            [
                Print(book, LIST_SHEET["zh-Hans"], "callback_list"),
                Print(book, FORMS_SHEET["zh-Hans"], "record_form"),
                Print(book, stats, "statistics"),
                Print(export, stats, "export"),
            ],
            folder / "pdf",
        )
        pages = {"statistics": _page_with(pdfs["statistics"], "七、")}
        for name, pdf in pdfs.items():
            page = pages.get(name, 1)
            (png,) = page_images(pdf, folder / "png" / name, dpi=args.dpi, first=page, last=page)
            shutil.copy(png, IMG / f"{name}.png")
            print(IMG / f"{name}.png")


if __name__ == "__main__":
    main()
