"""Micro-benchmark: package surgery (save_changes) vs openpyxl load+save on a 100k-row ledger.

Run: .venv/bin/python benchmarks/bench_write.py [ROWS]
Not part of the test suite; prints timings and the speed ratio.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # the Excel-like ledger builder
sys.path.insert(0, str(HERE.parent / "src"))

import openpyxl  # noqa: E402

from ledger.io.package import CaseSheetPatch, CellWrite, ColumnPatch, save_changes
from test_safety_builders import build_ledger  # noqa: E402


def main(rows: int = 100_000) -> None:
    with tempfile.TemporaryDirectory() as d:
        src = build_ledger(Path(d) / "ledger.xlsx", rows)
        print(f"ledger: {rows} rows, {src.stat().st_size / 1e6:.1f} MB")
        statuses = ["overdue", "due", "done", "not_yet_due"]
        patch = CaseSheetPatch(
            "案件台账",
            2,
            [
                ColumnPatch(
                    "回访状态",
                    {r: CellWrite(statuses[r % 4], fill="FFC7CE" if r % 4 == 0 else None) for r in range(3, rows + 3)},
                ),
                ColumnPatch(
                    "回访期限",
                    {r: CellWrite(date(2026, 1, 1) + timedelta(days=r % 90)) for r in range(3, rows + 3)},
                    width=12,
                ),
            ],
            cell_fills={(r, 2): "FFFF00" for r in range(3, rows + 3, 50)},
        )

        t = time.perf_counter()
        receipt = save_changes(src, case_patch=patch, out_path=Path(d) / "surgery.xlsx")
        surgery = time.perf_counter() - t
        print(f"save_changes (incl. verification): {surgery:.2f} s  columns {receipt.case_columns}")

        t = time.perf_counter()
        wb = openpyxl.load_workbook(src)
        ws = wb["案件台账"]
        for r in range(3, rows + 3):
            ws.cell(r, 6, statuses[r % 4])
            ws.cell(r, 7, date(2026, 1, 1) + timedelta(days=r % 90))
        wb.save(Path(d) / "openpyxl.xlsx")
        classic = time.perf_counter() - t
        print(f"openpyxl load+save: {classic:.2f} s")
        print(f"ratio: openpyxl / surgery = {classic / surgery:.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
