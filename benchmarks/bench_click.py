"""Click-to-result latency of a ribbon button: a fresh Python process per click (xlwings RunPython).

Measures, in the same run and as the median of several runs each:
  baseline  `python -c pass`
  import    `import xlwings, ledger.xl` (what every click pays before any work)
  click     import + load the book + run the button + collect the actions, on a small ledger
and prints each time and its ratio to the baseline. The book is the xlwings
remote engine fed with the ledger's values (no Excel on Linux), so Excel's own
time for the calls is not included; the call count is printed instead.

Run: .venv/bin/python benchmarks/bench_click.py [ROWS] [REPEATS]
     .venv/bin/python benchmarks/bench_click.py calls [ROWS ...]   # calls into Excel per click, both routes

`calls` counts, for each button on a ledger with problems scattered over its
rows, the calls a click makes on xlwings' remote engine range by range, and on
the route desktop Excel on Windows takes (multi-area addresses, highlights as
two conditional-formatting rules; tests/union_engine.py); and, apart, the COM
writes of Excel's page set-up for the printed sheets, which xlwings' engine
has no word for.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE.parent / "tests"))  # union_engine: remote-engine books and the desktop route

from ledger.demo.cases import generate_cases
from ledger.demo.workbook import write_ledger
from ledger.io.workbook import read_grids
from union_engine import payload, union_ranges

TODAY = dt.date(2026, 11, 5)

CLICK = """
import time; t0 = time.perf_counter()
import json, sys, datetime as dt
import xlwings as xw
import ledger.xl as lx
t1 = time.perf_counter()
data = json.load(open(sys.argv[1], encoding="utf-8"))
book = xw.Book(json=data)
message = getattr(lx, sys.argv[2])(book, today=dt.date(2026, 11, 5))
t2 = time.perf_counter()
print(len(book.json()["actions"]), round(1000 * (t1 - t0)), round(1000 * (t2 - t1)))
"""


def make_payload(folder: Path, rows: int) -> Path:
    path = write_ledger(folder / "ledger.xlsx", generate_cases(rows, seed=5, end=TODAY - dt.timedelta(days=5)))
    out = folder / "payload.json"
    out.write_text(json.dumps(payload(read_grids(path)), ensure_ascii=False), encoding="utf-8")
    return out


def timed(args: list[str], env: dict[str, str], repeats: int) -> tuple[float, str]:
    times = []
    out = ""
    for _ in range(repeats):
        t = time.perf_counter()
        out = subprocess.run(args, env=env, capture_output=True, text=True, check=True).stdout.strip()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main(rows: int = 300, repeats: int = 5) -> None:
    env = {
        **os.environ,
        "XLWINGS_LICENSE_KEY": "noncommercial",
        "PYTHONPATH": str(HERE.parent / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
    py = sys.executable
    with tempfile.TemporaryDirectory() as d:
        payload = make_payload(Path(d), rows)
        base, _ = timed([py, "-c", "pass"], env, repeats)
        imp, _ = timed([py, "-c", "import xlwings, ledger.xl"], env, repeats)
        bare, _ = timed([py, "-c", "import ledger.xl"], env, repeats)
        print(f"ledger: {rows} case rows; median of {repeats} runs")
        print(f"{'python -c pass':34s} {base * 1000:7.0f} ms   1.0x")
        print(f"{'import ledger.xl':34s} {bare * 1000:7.0f} ms  {bare / base:4.1f}x")
        print(f"{'import xlwings, ledger.xl':34s} {imp * 1000:7.0f} ms  {imp / base:4.1f}x")
        for button in ("validate", "callback_list", "draw_samples", "monthly_stats"):
            t, out = timed([py, "-c", CLICK, str(payload), button], env, repeats)
            calls, import_ms, work_ms = out.split()
            print(
                f"{'click ' + button:34s} {t * 1000:7.0f} ms  {t / base:4.1f}x   "
                f"(imports {import_ms} ms, read+job+write {work_ms} ms; {calls} calls into Excel)"
            )


BUTTONS = ("validate", "callback_list", "draw_samples", "monthly_stats", "send_to_head_office", "settings")


def calls(sizes: list[int]) -> None:
    """Calls per click on both routes; one table row per size and button."""
    os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
    import xlwings as xw

    import ledger.xl as lx

    def click(button: str, data: dict, folder: Path) -> list[dict]:
        book = xw.Book(json=json.loads(json.dumps(data)))
        kwargs = {"via": "eml", "out_dir": folder} if button == "send_to_head_office" else {}
        if button != "settings":
            kwargs["today"] = TODAY
        getattr(lx, button)(book, **kwargs)
        return book.json()["actions"]

    print("| rows | button | remote engine, range by range | desktop union route | + page setup (COM, Windows) |")
    print("| ---: | --- | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as d:
        for rows in sizes:
            path = write_ledger(Path(d) / f"l{rows}.xlsx", generate_cases(rows, seed=3, end=TODAY, dirty=True))
            data = payload(read_grids(path))
            for button in BUTTONS:
                plain = len(click(button, data, Path(d)))
                with union_ranges():
                    union = len(click(button, data, Path(d)))
                with union_ranges(page_setup=True):
                    printing = len(click(button, data, Path(d))) - union
                print(f"| {rows:,} | {button} | {plain} | {union} | {printing} |")


if __name__ == "__main__":
    if sys.argv[1:2] == ["calls"]:
        calls([int(a) for a in sys.argv[2:]] or [300, 3000, 10_000])
    else:
        main(*(int(a) for a in sys.argv[1:3]))
