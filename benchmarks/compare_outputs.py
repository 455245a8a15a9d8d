"""Compare what two checkouts of ledger produce on the same ledgers: every command's JSON and the
cell values of every workbook the write commands leave behind.

    .venv/bin/python benchmarks/compare_outputs.py [REF] [--rows 5000] [--keep]

REF (a commit, tag or branch; default 40e87b8, the tree before the restructure of issue 12) is
checked out with `git worktree add` into a temporary directory; this working tree is the other
side. Each side runs as `python -m ledger.cli` with PYTHONPATH at its own src/, on copies of the
same inputs: the demo ledger (800 seeded cases with typing mistakes) and a benchmark ledger from
benchmarks/generate.py (--rows cases). Compared: the exit status and JSON (or text) of validate,
callbacks, sample and stats; then, after callbacks --write, sample --write and stats --write
--export on a copy, every cell of the written ledger and of the export (value, number format,
bold, fill), their sheets, charts and merged ranges. Dates are fixed (--as-of, --month), so the only values
that may differ between runs are the Log's time stamps, which are masked.

Prints each difference and exits 1 if there is any, 0 if both sides agree on everything.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from ledger.core.log import LOG_SHEET
from ledger.demo.cases import demo_settings, generate_cases
from ledger.demo.run import DEMO_ROWS, DEMO_SEED
from ledger.demo.workbook import write_ledger

DEFAULT_REF = "40e87b8"
END = dt.date(2026, 11, 30)  # last receipt date of the generated cases
AS_OF = "2026-12-05"
MONTH = "2026-11"
READS = [
    ("validate", ["validate", "{ledger}", "--as-of", AS_OF, "--format", "json"]),
    ("callbacks", ["callbacks", "{ledger}", "--as-of", AS_OF, "--format", "json"]),
    ("sample", ["sample", "{ledger}", "--month", MONTH, "--format", "json"]),
    ("stats", ["stats", "{ledger}", "--month", MONTH, "--format", "json"]),
]
WRITES = [
    ("callbacks --write", ["callbacks", "{ledger}", "--as-of", AS_OF, "--write", "--format", "json"]),
    ("sample --write", ["sample", "{ledger}", "--month", MONTH, "--write", "--format", "json"]),
    ("stats --write --export", ["stats", "{ledger}", "--month", MONTH, "--write", "--export", "{out}"]),
]
LOG_NAMES = set(LOG_SHEET.values())


def inputs(directory: Path, rows: int) -> dict[str, Path]:
    """The demo ledger and a benchmark ledger, written once by this checkout's generator."""
    directory.mkdir(parents=True, exist_ok=True)
    demo = directory / "demo.xlsx"
    cases = generate_cases(DEMO_ROWS, seed=DEMO_SEED, end=END, months=6, lang="zh-Hans", dirty=True)
    write_ledger(demo, cases, settings=demo_settings("zh-Hans"))
    bench = directory / f"bench_{rows}.xlsx"
    subprocess.run(
        [sys.executable, str(HERE / "generate.py"), "--rows", str(rows), "--out", str(bench), "--end", END.isoformat()],
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        stderr=subprocess.DEVNULL,
    )
    return {"demo": demo, "benchmark": bench}


def run(src: Path, argv: list[str]) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONHASHSEED": "0"}
    done = subprocess.run(
        [sys.executable, "-m", "ledger.cli", *argv], capture_output=True, text=True, env=env, cwd=src.parent
    )
    out: dict[str, Any] = {"exit": done.returncode}
    try:
        out["json"] = json.loads(done.stdout) if done.stdout.strip() else None
    except json.JSONDecodeError:
        out["stdout"] = done.stdout
    if done.returncode not in (0, 1):
        out["stderr"] = done.stderr.strip()
    return out


def cells(path: Path) -> dict[str, Any]:
    """Every sheet's non-empty cells: value (Log time stamps masked) with number format, bold and fill
    where not the default; and per sheet the number of charts and the merged ranges."""
    wb = load_workbook(path)
    found: dict[str, Any] = {"sheets": wb.sheetnames}
    for ws in wb.worksheets:
        values = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                value = c.value
                if ws.title in LOG_NAMES and c.column == 1 and c.row > 1 and isinstance(value, dt.datetime):
                    value = "<time>"
                value = value if isinstance(value, (str, int, float, bool)) else repr(value)
                look = (c.number_format, c.font.b, c.fill.fgColor.rgb if c.fill.fill_type else None)
                values[c.coordinate] = [value, *look] if look != ("General", False, None) else value
        found[ws.title] = {"cells": values, "charts": len(ws._charts), "merged": sorted(map(str, ws.merged_cells))}
    return found


def side(src: Path, ledgers: dict[str, Path], work: Path) -> dict[str, Any]:
    """Everything one checkout produces: JSON of the read commands, then the written workbooks."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    where = subprocess.run(
        [sys.executable, "-c", "import ledger; print(ledger.__file__)"], capture_output=True, text=True, env=env
    )
    if not where.stdout.strip().startswith(str(src)):
        raise SystemExit(f"PYTHONPATH={src} does not take precedence: ledger imported from {where.stdout.strip()}")
    result: dict[str, Any] = {}
    for name, original in ledgers.items():
        for label, argv in READS:
            result[f"{name}: {label}"] = run(src, [a.format(ledger=original) for a in argv])
        target = work / name / original.name
        target.parent.mkdir(parents=True)
        shutil.copy(original, target)
        exports = work / name / "export"
        exports.mkdir()
        for label, argv in WRITES:
            result[f"{name}: {label}"] = run(src, [a.format(ledger=target, out=exports) for a in argv])
        result[f"{name}: written ledger"] = cells(target)
        for export in sorted(exports.glob("*.xlsx")):
            result[f"{name}: export {export.name}"] = cells(export)
    return result


def differences(before: Any, after: Any, where: str = "") -> list[str]:
    if isinstance(before, dict) and isinstance(after, dict):
        out = []
        for key in sorted(set(before) | set(after), key=str):
            if key not in after:
                out.append(f"{where}/{key}: only before ({_short(before[key])})")
            elif key not in before:
                out.append(f"{where}/{key}: only after ({_short(after[key])})")
            else:
                out.extend(differences(before[key], after[key], f"{where}/{key}"))
        return out
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [d for i, (b, a) in enumerate(zip(before, after)) for d in differences(b, a, f"{where}[{i}]")]
    return [] if before == after else [f"{where}: before {_short(before)} | after {_short(after)}"]


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 160 else text[:157] + "..."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", nargs="?", default=DEFAULT_REF, help=f"git ref to compare with (default {DEFAULT_REF})")
    parser.add_argument("--rows", type=int, default=5000, help="cases in the benchmark ledger (default 5000)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory and print where it is")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="ledger-compare-"))
    checkout = tmp / "before"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(checkout), args.ref], check=True
    )
    try:
        ledgers = inputs(tmp / "inputs", args.rows)
        before = side(checkout / "src", ledgers, tmp / "run_before")
        after = side(ROOT / "src", ledgers, tmp / "run_after")
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(checkout)], check=False)
        if args.keep:
            print(f"outputs kept in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    found = differences(before, after)
    compared = ", ".join(sorted(before))
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    print(f"{args.ref} vs working tree at {head.stdout.strip()}: compared {len(before)} outputs ({compared})")
    for line in found:
        print(line)
    print("identical" if not found else f"{len(found)} difference(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
