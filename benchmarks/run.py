"""The ledger jobs timed against plain reading of the same file, in one run (issue 8).

    .venv/bin/python benchmarks/run.py                 # 10k, 100k, 300k rows -> benchmarks/RESULTS.md
    .venv/bin/python benchmarks/run.py --sizes 10000 --repeats 1 --out /tmp/r.md
    .venv/bin/python benchmarks/run.py --src /tmp/before/src --label before   # another checkout's code

Every measured thing runs in a fresh subprocess (this file with --child), so
its peak memory is the child's own ru_maxrss (the whole process: interpreter,
imports and data). The time is the work only, measured inside the child after
its imports, median of --repeats runs (fewer at 300k, see --big-repeats).

Measured, on the same generated ledger (benchmarks/generate.py, seed 1):
  pandas+openpyxl   pandas.read_excel(path, sheet_name=<case sheet>, engine="openpyxl")   the baseline
  pandas+calamine   the same with engine="calamine", for reference
  callbacks json    what `ledger callbacks --format json` runs: load_file, callbacks_job, the JSON printed
                    (to os.devnull) as the CLI prints it
  stats json        what `ledger stats --format json` runs: load_file, stats_job, the JSON printed
  whole job         load, jobs.month_end_job (validate, sample the month, callbacks, statistics: the
                    four jobs' Changes merged, statuses and problems computed once), then one
                    apply_changes writing the problems/tool columns and highlights, the callback list
                    and record forms, the statistics sheet and the Log rows into a copy of the file
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
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
ROOT = HERE.parent
DATA = HERE / "data"
CASE_SHEET = "案件台账"
MONTH = "2026-11"  # generate.py's default --end is 2026-11-30
AS_OF = dt.date(2026, 12, 5)
THINGS = ("pandas+openpyxl", "pandas+calamine", "callbacks json", "stats json", "whole job")
READ_ONLY = ("callbacks json", "stats json")


# ----------------------------------------------------------------------------- the child: one measurement


def _child(thing: str, path: Path) -> dict:
    """Do `thing` once on `path`; return its seconds and this process's peak RSS."""
    work = path
    if thing == "whole job":
        tmp = Path(tempfile.mkdtemp(prefix="ledger_bench_"))
        work = tmp / path.name
        shutil.copyfile(path, work)
    if thing.startswith("pandas"):
        import pandas as pd

        engine = thing.split("+")[1]
        started = time.perf_counter()
        frame = pd.read_excel(work, sheet_name=CASE_SHEET, engine=engine)
        seconds = time.perf_counter() - started
        rows = len(frame)
    else:
        from ledger.io.ledger_file import apply_changes
        from ledger.io.workbook import load_file
        from ledger.jobs.callbacks import callbacks_job, callbacks_json

        try:
            from ledger.jobs.month_end import month_end_job
        except ImportError:  # code from before issue 8: the four jobs one after another, merged

            def month_end_job(ledger, month, as_of):
                from ledger.jobs.sample import sample_job
                from ledger.jobs.validate import validate_job

                _, changes = validate_job(ledger, as_of)
                for more in (
                    sample_job(ledger, month, None, as_of)[1],
                    callbacks_job(ledger, as_of)[2],
                    stats_job(ledger, month, as_of)[1],
                ):
                    changes.merge(more)
                return None, changes

        from ledger.jobs.stats import stats_job

        try:
            from ledger.io.json_stream import write_json
        except ImportError:  # older code: the CLI printed json.dump(..., indent=2)

            def write_json(doc, out):
                json.dump(doc, out, ensure_ascii=False, indent=2, default=str)

        sink = open(os.devnull, "w", encoding="utf-8")

        started = time.perf_counter()
        ledger = load_file(work)
        if thing == "callbacks json":
            report, _, _ = callbacks_job(ledger, AS_OF)
            write_json(callbacks_json(report), sink)
        elif thing == "stats json":
            result, _ = stats_job(ledger, MONTH, AS_OF)
            write_json(result.as_json(), sink)
        else:
            _, changes = month_end_job(ledger, MONTH, AS_OF)
            apply_changes(work, ledger, changes)
        seconds = time.perf_counter() - started
        rows = len(ledger.cases)
        sink.close()
    if work is not path:
        shutil.rmtree(work.parent, ignore_errors=True)
    return {"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rows": rows}


# ----------------------------------------------------------------------------- the parent


def ledger_file(rows: int) -> Path:
    """benchmarks/data/ledger_<n>.xlsx, generated (seed 1) when missing."""
    name = f"ledger_{rows // 1000}k.xlsx" if rows % 1000 == 0 else f"ledger_{rows}.xlsx"
    path = DATA / name
    if not path.exists():
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--rows", str(rows), "--seed", "1", "--out", str(path)],
            check=True,
            env=_env(ROOT / "src"),
        )
    return path


def _env(src: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(src) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def measure(thing: str, path: Path, repeats: int, src: Path, timeout: float) -> dict:
    runs = []
    for _ in range(repeats):
        try:
            done = subprocess.run(
                [sys.executable, __file__, "--child", thing, str(path)],
                env=_env(src),
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return {
                "thing": thing,
                "seconds": None,
                "runs": len(runs) + 1,
                "peak_mb": None,
                "note": f"> {timeout:.0f} s (stopped)",
            }
        if done.returncode != 0:
            raise SystemExit(f"{thing} on {path} failed:\n{done.stderr[-3000:]}")
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {
        "thing": thing,
        "seconds": statistics.median(r["seconds"] for r in runs),
        "runs": len(runs),
        "peak_mb": max(r["peak_mb"] for r in runs),
        "rows": runs[0]["rows"],
        "note": "",
    }


def machine() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "?",
    )
    mem = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        "?",
    )
    versions = []
    for pkg in ("pandas", "numpy", "openpyxl", "python-calamine", "pydantic", "xlwings"):
        try:
            versions.append(f"{pkg} {version(pkg)}")
        except PackageNotFoundError:
            pass
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": f"{int(mem.split()[0]) / 1024 / 1024:.1f} GiB",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "packages": ", ".join(versions),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def clicks(rows_list: list[int]) -> list[tuple[int, str, str]]:
    """Calls into Excel per ribbon button vs ledger rows (benchmarks/bench_click.py's click)."""
    sys.path.insert(0, str(HERE))
    from bench_click import CLICK, make_payload

    env = {**_env(ROOT / "src"), "XLWINGS_LICENSE_KEY": "noncommercial"}
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    out = []
    for rows in rows_list:
        with tempfile.TemporaryDirectory() as d:
            payload = make_payload(Path(d), rows)
            for button in ("validate", "callback_list", "draw_samples", "monthly_stats"):
                done = subprocess.run(
                    [sys.executable, "-c", CLICK, str(payload), button], env=env, capture_output=True, text=True
                )
                calls, _, work_ms = done.stdout.split() if done.returncode == 0 else ("error", "", "")
                out.append((rows, button, f"{calls} calls, {work_ms} ms" if work_ms else done.stderr[-200:]))
    return out


def table(results: dict[int, list[dict]]) -> list[str]:
    lines = [
        "| rows | measured | median s | runs | peak RSS MB | ratio to pandas+openpyxl |",
        "| ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for rows, found in results.items():
        base = next((r["seconds"] for r in found if r["thing"] == "pandas+openpyxl"), None)
        for r in found:
            secs = "-" if r["seconds"] is None else f"{r['seconds']:.2f}"
            ratio = "-" if r["seconds"] is None or not base else f"{r['seconds'] / base:.2f}"
            peak = "-" if r["peak_mb"] is None else f"{r['peak_mb']:.0f}"
            lines.append(f"| {rows:,} | {r['thing']} {r['note']} | {secs} | {r['runs']} | {peak} | {ratio} |")
    return lines


def before_section(path: Path) -> list[str]:
    """The title, machine and table of an earlier results file, under one heading."""
    text = path.read_text(encoding="utf-8").splitlines()
    title = text[0].lstrip("# ") if text else str(path)
    keep = [line for line in text[1:] if line.startswith(("Run ", "- ", "|"))]
    return ["## For comparison: " + title, "", *keep, ""]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child", nargs=2, metavar=("THING", "PATH"), help=argparse.SUPPRESS)
    ap.add_argument("--sizes", default="10000,100000,300000")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--big-repeats", type=int, default=1, help="repeats at 300k rows and above")
    ap.add_argument("--things", default=",".join(THINGS))
    ap.add_argument("--src", type=Path, default=ROOT / "src", help="the ledger package to measure")
    ap.add_argument("--label", default="")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds before one run is stopped")
    ap.add_argument("--clicks", default="300,3000", help="ledger rows for the click call counts ('' to skip)")
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--before", type=Path, help="an earlier RESULTS file whose tables are appended for comparison")
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child[0], Path(args.child[1]))))
        return 0

    about = machine()
    started = time.perf_counter()
    results: dict[int, list[dict]] = {}
    for rows in (int(s) for s in args.sizes.split(",")):
        path = ledger_file(rows)
        repeats = args.big_repeats if rows >= 300_000 else args.repeats
        found = []
        for thing in args.things.split(","):
            r = measure(thing, path, repeats, args.src, args.timeout)
            found.append(r)
            secs = "-" if r["seconds"] is None else f"{r['seconds']:.2f} s"
            print(f"{rows:>8,} {thing:16s} {secs:>9s}  peak {r['peak_mb'] or 0:6.0f} MB  {r['note']}", flush=True)
        results[rows] = found
        base = next((r["seconds"] for r in found if r["thing"] == "pandas+openpyxl"), None)
        for r in found:
            if base and r["seconds"] is not None and r["thing"] != "pandas+openpyxl":
                print(f"{rows:>8,} ratio {r['thing']} / pandas+openpyxl = {r['seconds'] / base:.2f}", flush=True)
    click_rows = [int(s) for s in args.clicks.split(",") if s]
    click_lines = clicks(click_rows) if click_rows else []
    lines = [
        f"# Benchmark results{' — ' + args.label if args.label else ''}",
        "",
        f"Run {dt.datetime.now():%Y-%m-%d %H:%M} by `benchmarks/run.py` in {time.perf_counter() - started:.0f} s"
        f" (code measured: `{args.src}`).",
        "",
        "## Machine",
        "",
    ]
    lines += [f"- {k}: {v}" for k, v in about.items()]
    lines += [
        "",
        "## Times and memory",
        "",
        "Each row is one measured thing in its own subprocess: time = median of the runs, work only "
        "(after imports); peak = the subprocess's ru_maxrss (interpreter + imports + data). "
        f"Ledgers from `benchmarks/generate.py --seed 1`; month {MONTH}, as of {AS_OF}. "
        "pandas reads the case sheet only.",
        "",
    ]
    lines += table(results)
    lines += [
        "",
        "Goals at 100k rows: read-only jobs (callbacks json, stats json) ≤ 0.3 × pandas+openpyxl; "
        "whole job < 1.0 ×; peak memory < 1 GB at 300k rows.",
        "",
    ]
    if click_lines:
        lines += [
            "## Ribbon buttons: calls into Excel vs rows",
            "",
            "xlwings remote-engine book fed with the ledger's values (no Excel here); one fresh Python per "
            "click as RunPython does; `calls` = actions the click sends back to Excel.",
            "",
            "| rows | button | result |",
            "| ---: | --- | --- |",
        ]
        lines += [f"| {rows:,} | {button} | {text} |" for rows, button, text in click_lines]
        lines.append("")
    if args.before:
        lines += before_section(args.before)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
