"""Regenerate the committed ledger templates (one per language) from ledger.io.template.

    python workbook_templates/build.py [OUTDIR]

The output is byte-for-byte reproducible (fixed zip timestamps and document
dates), so rebuilding without a code change leaves git clean and a real change
shows up as a diff of these files.
"""

from __future__ import annotations

import re
import sys
import tempfile
import zipfile
from pathlib import Path

from ledger.core.i18n import LANGUAGES
from ledger.io.template import create_ledger

HERE = Path(__file__).resolve().parent
FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
FIXED_DOC_TIME = "2026-01-01T00:00:00Z"
_DOC_TIME = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def template_name(lang: str) -> str:
    return f"ledger_template_{lang}.xlsx"


def reproducible_copy(source: Path, target: Path) -> None:
    """Copy an .xlsx with every timestamp fixed, members in the same order."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _DOC_TIME.sub(rb"\g<1>" + FIXED_DOC_TIME.encode() + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, data)


def build(outdir: Path = HERE) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        for lang in LANGUAGES:
            draft = create_ledger(Path(tmp) / template_name(lang), lang=lang)
            target = outdir / template_name(lang)
            reproducible_copy(draft, target)
            written.append(target)
    return written


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(f"{path}  {path.stat().st_size} bytes")
