"""A small Python API for analysts: ledgers and head office's history as pandas DataFrames.

    >>> from ledger import api
    >>> api.cases("台账.xlsx")                  # one row per case, canonical column names (SPEC §2.1)
    >>> api.history("ledger_history.duckdb")    # one row per office and consolidated month
    >>> api.group_history("ledger_history.duckdb")  # the group per month, rates from summed counts
    >>> api.query("ledger_history.duckdb", "SELECT office, sum(overdue) FROM league GROUP BY office")

The history database is the one `ledger consolidate --db` keeps (tables
`league`, `submissions`, `reported_trend`: ledger/headoffice/history.py).
Rates are always computed from counts, never averaged.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pandas as pd

from ledger.headoffice import history as _history

__all__ = ["cases", "group_history", "history", "query"]

_RATES = {
    "callback_rate": ("called", "population"),
    "on_time_rate": ("on_time", "population"),
    "satisfaction_rate": ("satisfied", "graded"),
}


def _with_rates(frame: pd.DataFrame) -> pd.DataFrame:
    for rate, (part, whole) in _RATES.items():
        whole_values = frame[whole].astype("Float64")
        frame[rate] = (frame[part].astype("Float64") / whole_values.where(whole_values != 0)).astype("Float64")
    return frame


def query(db: str | Path, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    """Any SQL over the history database, as a DataFrame (read-only)."""
    import duckdb  # lazy: only the history needs the database engine

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def history(db: str | Path, office: str | None = None) -> pd.DataFrame:
    """Every consolidated office-month: counts, rates computed from them, file, sent_at, late, sha256."""
    counts = ", ".join(f"l.{c}" for c in _history.COUNTS)
    sql = (
        f"SELECT l.month, l.office, {counts}, s.late, s.sent_at, s.file, s.sha256 "
        "FROM league l JOIN submissions s USING (month, office)"
        + (" WHERE l.office = ?" if office else "")
        + " ORDER BY l.month, l.office"
    )
    return _with_rates(query(db, sql, [office] if office else None))


def group_history(db: str | Path) -> pd.DataFrame:
    """The group per consolidated month: summed counts, rates from the sums, offices counted."""
    sums = ", ".join(f"sum({c})::BIGINT AS {c}" for c in _history.COUNTS if c != "households")
    sql = f"SELECT month, count(*) AS offices, {sums} FROM league GROUP BY month ORDER BY month"
    return _with_rates(query(db, sql))


def cases(ledger_path: str | Path) -> pd.DataFrame:
    """A ledger's cases, one row each, columns named by the canonical fields (vocabulary values as JSON keys)."""
    from ledger.io.workbook import load_file  # lazy: calamine loads only when a ledger is read

    ledger = load_file(Path(ledger_path))
    fields = [f.name for f in dataclasses.fields(ledger.cases[0])] if ledger.cases else ["row", "case_id"]
    return pd.DataFrame([[getattr(c, f) for f in fields] for c in ledger.cases], columns=fields)
