"""Peak memory of `ledger validate` on junk ledgers that blow memory up when nothing bounds it.

    python benchmarks/bench_memory.py [--rows 300000 1000000] [--distinct-rows 200000 300000]

Each file is written by tests/junk_ledger.py into benchmarks/data/; each run is a fresh process
whose own high-water mark (VmHWM) is reported with its time and exit status. Results by hand
into benchmarks/RESULTS.md ("Memory bounded by the input").
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from junk_ledger import write_junk_ledger
from ledger.core.columns import COLUMNS_BY_FIELD

HEADERS = ([c.label("zh-Hans") for c in COLUMNS_BY_FIELD.values()] + [f"备注{i}" for i in range(24)])[:24]
RUNNER = (
    "import atexit, re, sys\n"
    "atexit.register(lambda: print('PEAK_KB=' + re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())"
    ".group(1), file=sys.stderr))\n"
    "from ledger.cli import main\n"
    "sys.argv = ['ledger', *sys.argv[1:]]\n"
    "main()\n"
)


def measure(path: Path) -> tuple[int, float, int, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, "validate", str(path), "--format", "json"], capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    peak = int(re.search(r"PEAK_KB=(\d+)", done.stderr).group(1)) // 1024
    first = next((line for line in done.stderr.splitlines() if line and not line.startswith("PEAK_KB")), "")
    return done.returncode, seconds, peak, first[:90]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[300_000, 1_000_000])
    parser.add_argument("--distinct-rows", type=int, nargs="*", default=[200_000, 300_000])
    args = parser.parse_args()
    data = ROOT / "benchmarks" / "data"
    data.mkdir(parents=True, exist_ok=True)
    print("| file | size MB | exit | seconds | peak MB | message |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    jobs = [(n, False) for n in args.rows] + [(n, True) for n in args.distinct_rows]
    for rows, distinct in jobs:
        name = f"junk_{'distinct_' if distinct else ''}{rows}.xlsx"
        path = data / name
        if not path.exists():
            write_junk_ledger(path, rows, HEADERS, every_cell_distinct=distinct)
        code, seconds, peak, message = measure(path)
        size = path.stat().st_size / 2**20
        print(f"| {name} | {size:.1f} | {code} | {seconds:.1f} | {peak} | {message} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
