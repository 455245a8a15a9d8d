"""Head office at scale (issue 18): N offices' exports of one month, consolidated, against pandas+openpyxl.

    .venv/bin/python benchmarks/bench_consolidate.py                  # 500 offices, prints a Markdown table
    .venv/bin/python benchmarks/bench_consolidate.py --offices 100 --offices 500 --repeats 3

The exports are real ones (io.export.export_stats) of distinct demo ledgers
(benchmarks/data/consolidate/, made once and reused): `--ledgers` different
ledgers of `--cases` cases each, renamed to N offices. Each measured thing runs
in a fresh subprocess (this file with --child) so its peak memory is its own
ru_maxrss; time is the work after imports, median of --repeats.

  pandas+openpyxl  pandas.read_excel(f, sheet_name=None, engine="openpyxl") for every file: the baseline
                   (reads the sheets only; no checks, no workbook)
  consolidate      jobs.consolidate.consolidate_job: read and check every file, group totals, DuckDB
                   history, the head-office workbook with its charts, and the JSON document built
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

DATA = HERE / "data" / "consolidate"
MONTH = "2026-10"
AS_OF = dt.date(2026, 11, 20)


def make_exports(offices: int, ledgers: int, cases: int) -> Path:
    """`offices` exports in DATA/<offices>: ledger i % ledgers under the name 第NNN管理处."""
    from ledger.demo.cases import demo_settings, generate_cases
    from ledger.demo.workbook import write_ledger
    from ledger.io.export import export_stats
    from ledger.io.workbook import load_file
    from ledger.jobs.stats import stats_job

    folder = DATA / f"{offices}_{ledgers}_{cases}"
    if folder.is_dir() and len(list(folder.glob("*.xlsx"))) == offices:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(ledgers):
            path = Path(tmp) / f"l{i}.xlsx"
            write_ledger(path, generate_cases(cases, seed=100 + i, end=AS_OF, months=12), settings=demo_settings())
            ledger = load_file(path)
            results.append((stats_job(ledger, MONTH, AS_OF)[0], ledger))
    for n in range(offices):
        result, ledger = results[n % ledgers]
        export_stats(dataclasses.replace(result, office=f"第{n + 1:03d}管理处"), ledger, folder)
    return folder


def child(what: str, folder: Path, out: Path) -> None:
    files = sorted(folder.glob("*.xlsx"))
    if what == "pandas":
        import pandas as pd

        start = time.perf_counter()
        for f in files:
            pd.read_excel(f, sheet_name=None, engine="openpyxl")
    else:
        from ledger.jobs.consolidate import consolidate_job

        start = time.perf_counter()
        result = consolidate_job([folder], MONTH, out=out / "hq.xlsx", db=out / "history.duckdb")
        json.dumps(result.doc, ensure_ascii=False, default=str)
        assert len(result.doc["offices"]) == len(files) and not result.doc["rejected"]
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak}))


def measure(what: str, folder: Path, repeats: int) -> tuple[float, float]:
    times, peaks = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as out:
            done = subprocess.run(
                [sys.executable, __file__, "--child", what, str(folder), out],
                capture_output=True,
                text=True,
                check=True,
            )
        doc = json.loads(done.stdout.strip().splitlines()[-1])
        times.append(doc["seconds"])
        peaks.append(doc["peak_mb"])
    return statistics.median(times), max(peaks)


def history_scale(offices: int, months: int) -> tuple[float, float, float]:
    """Synthetic league rows for offices × months: (insert s, 12-month trend query s, database MB)."""
    import random

    import pandas as pd

    from ledger.headoffice import history

    rng = random.Random(1)
    all_months = history.trend_months("2026-10", months)
    rows = [
        [m, f"第{o:05d}管理处", *(rng.randrange(0, 400) for _ in history.COUNTS)]
        for m in all_months
        for o in range(offices)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "h.duckdb"
        con = history.connect(db)
        start = time.perf_counter()
        con.register("incoming", pd.DataFrame(rows, columns=["month", "office", *history.COUNTS]))
        con.execute("INSERT INTO league SELECT * FROM incoming")
        con.close()
        inserted = time.perf_counter() - start
        start = time.perf_counter()
        history.trends(db, "2026-10")
        queried = time.perf_counter() - start
        size = db.stat().st_size / 1e6
    return inserted, queried, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offices", type=int, action="append")
    parser.add_argument("--ledgers", type=int, default=20)
    parser.add_argument("--cases", type=int, default=600)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--child", nargs=3)
    parser.add_argument("--history", type=int, nargs=2, action="append", metavar=("OFFICES", "MONTHS"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    if args.history:
        print("| offices × months in DuckDB | insert s | 12-month trend query s | file MB |")
        print("| ---: | ---: | ---: | ---: |")
        for offices, months in args.history:
            ins, query, size = history_scale(offices, months)
            print(f"| {offices:,} × {months} | {ins:.2f} | {query:.2f} | {size:.0f} |")
        return
    print(f"Python {platform.python_version()}, {platform.machine()}, {dt.datetime.now():%Y-%m-%d %H:%M}")
    print("| offices | measured | median s | peak RSS MB | ratio to pandas+openpyxl |")
    print("| ---: | --- | ---: | ---: | ---: |")
    for offices in args.offices or [500]:
        folder = make_exports(offices, args.ledgers, args.cases)
        size = sum(f.stat().st_size for f in folder.glob("*.xlsx")) / 1e6
        base, base_peak = measure("pandas", folder, args.repeats)
        ours, peak = measure("consolidate", folder, args.repeats)
        print(f"| {offices} ({size:.0f} MB) | pandas+openpyxl | {base:.2f} | {base_peak:.0f} | 1.00 |")
        print(f"| {offices} ({size:.0f} MB) | consolidate | {ours:.2f} | {peak:.0f} | {ours / base:.2f} |")


if __name__ == "__main__":
    main()
