"""Write a large demo ledger for the benchmarks.

    python benchmarks/generate.py --rows 100000 --seed 1 --out benchmarks/data/ledger_100k.xlsx

The same arguments always give the same file (byte for byte), so a benchmark
run can be repeated on the same input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from ledger.demo.cases import generate_cases
from ledger.demo.workbook import write_ledger


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="number of case rows")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="the .xlsx to write")
    parser.add_argument(
        "--end",
        type=dt.date.fromisoformat,
        default=dt.date(2026, 11, 30),
        help="last receipt date, YYYY-MM-DD (fixed default keeps runs comparable)",
    )
    parser.add_argument("--months", type=int, default=6, help="months of cases ending at --end")
    parser.add_argument("--lang", choices=("zh-Hans", "zh-Hant", "en"), default="zh-Hans")
    parser.add_argument("--dirty", action="store_true", help="include the deliberate typing mistakes")
    parser.add_argument("--title-rows", type=int, default=0, help="title rows above the header")
    args = parser.parse_args(argv)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    cases = generate_cases(
        args.rows, seed=args.seed, end=args.end, months=args.months, lang=args.lang, dirty=args.dirty
    )
    generated = time.perf_counter()
    write_ledger(args.out, cases, lang=args.lang, title_rows=args.title_rows)
    written = time.perf_counter()
    size = args.out.stat().st_size / 1024 / 1024
    print(
        f"{args.out}: {args.rows} cases, {size:.1f} MB; "
        f"generated in {generated - started:.1f} s, written in {written - generated:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
