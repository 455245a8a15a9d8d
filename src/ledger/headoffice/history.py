"""Every consolidated month in an embedded DuckDB database beside the head-office workbook.

Two tables, one row per office and month (a month consolidated again replaces
that month):

- `submissions`: month, office, file, sent_at (ISO text), late, households,
  sha256, the office's whole stats JSON (`stats`), consolidated_at;
- `league`: the counts behind the league table (no rates: rates are computed
  from summed counts in the queries, so group figures are never an average of
  rates);
- `reported_trend`: the 12 months each export reports of itself (`trend` of the
  stats JSON), so the first consolidation already draws a year of trends; a
  month consolidated in `league` always wins over these.

The trends of the workbook come from here, so old exports are never needed
again. The same two tables written as Parquet answer the same SQL on DuckDB
over object storage or on Spark (docs/scale.md).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from ledger.core.i18n import register, text
from ledger.headoffice.figures import ratio

COUNTS = (
    "received",
    "completed",
    "callbacks",
    "population",
    "called",
    "on_time",
    "satisfied",
    "graded",
    "overdue",
    "repeat_complaints",
    "complaints",
    "households",
)

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS submissions (
    month VARCHAR, office VARCHAR, file VARCHAR, sent_at VARCHAR, late BOOLEAN, households BIGINT,
    sha256 VARCHAR, stats JSON, consolidated_at TIMESTAMP, PRIMARY KEY (month, office));
CREATE TABLE IF NOT EXISTS league (
    month VARCHAR, office VARCHAR, {", ".join(f"{c} BIGINT" for c in COUNTS)}, PRIMARY KEY (month, office));
CREATE TABLE IF NOT EXISTS reported_trend (
    month VARCHAR, office VARCHAR, graded BIGINT, satisfied BIGINT, population BIGINT, called BIGINT,
    on_time BIGINT, reported_in VARCHAR, PRIMARY KEY (month, office));
"""

#: The trend query: per office, and the group ("" office) from summed counts.
TREND_SQL = """
WITH points AS (
    SELECT month, office, graded, satisfied, population, called, on_time, overdue, received
    FROM league WHERE month BETWEEN $first AND $last
    UNION ALL
    SELECT r.month, r.office, r.graded, r.satisfied, r.population, r.called, r.on_time, NULL, NULL
    FROM reported_trend r
    WHERE r.month BETWEEN $first AND $last
      AND NOT EXISTS (SELECT 1 FROM league l WHERE l.month = r.month AND l.office = r.office))
SELECT month, office, graded, satisfied, population, called, on_time, overdue, received FROM points
UNION ALL
SELECT month, '' AS office, sum(graded), sum(satisfied), sum(population), sum(called), sum(on_time),
       sum(overdue), sum(received)
FROM points GROUP BY month
ORDER BY month, office
"""
_REPORTED_COLUMNS = ("month", "office", "graded", "satisfied", "population", "called", "on_time", "reported_in")
_REPORTED = """
INSERT INTO reported_trend SELECT * FROM incoming
ON CONFLICT (month, office) DO UPDATE SET graded = excluded.graded, satisfied = excluded.satisfied,
    population = excluded.population, called = excluded.called, on_time = excluded.on_time,
    reported_in = excluded.reported_in
WHERE excluded.reported_in >= reported_trend.reported_in
"""


class HistoryUnavailable(Exception):
    """The history database cannot be opened (another program holds it, or it is not a DuckDB file)."""

    def __init__(self, path: Path, error: Exception):
        super().__init__(f"{path}: {error}")
        self.path, self.error = path, error

    def message(self, lang: str | None = "zh-Hans") -> str:
        return text("ho.history_unavailable", lang, path=self.path, error=self.error)


register(
    {
        "ho.history_unavailable": {
            "zh-Hans": "无法打开历史数据库 {path}({error})。请关闭正在使用它的程序,或用 --db 指定另一个文件。",
            "zh-Hant": "無法開啟歷史資料庫 {path}({error})。請關閉正在使用它的程式,或用 --db 指定另一個檔案。",
            "en": "The history database {path} cannot be opened ({error}). Close the program using it, "
            "or name another file with --db.",
        }
    }
)


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as exc:
        raise HistoryUnavailable(path, exc) from exc
    con.execute(_SCHEMA)
    return con


def record_month(path: Path, month: str, rows: list[dict[str, Any]]) -> None:
    """Replace month M's rows. Each row: office, file, sent_at, late, households, sha256, stats, and COUNTS."""
    con = connect(path)
    try:
        con.execute("BEGIN")
        con.execute("DELETE FROM submissions WHERE month = ?", [month])
        con.execute("DELETE FROM league WHERE month = ?", [month])
        now = dt.datetime.now()
        _insert_frame(
            con,
            "submissions",
            ["month", "office", "file", "sent_at", "late", "households", "sha256", "stats", "consolidated_at"],
            [
                [month, r["office"], r["file"], r["sent_at"], r["late"], _int(r["households"]), r["sha256"],
                 json.dumps(r["stats"], ensure_ascii=False), now]
                for r in rows
            ],
        )  # fmt: skip
        _insert_frame(
            con,
            "league",
            ["month", "office", *COUNTS],
            [[month, r["office"], *(_int(r.get(c)) for c in COUNTS)] for r in rows],
        )
        points = [_reported(month, r["office"], p) for r in rows for p in r["stats"].get("trend") or []]
        _insert_frame(con, "reported_trend", list(_REPORTED_COLUMNS), [p for p in points if p is not None], _REPORTED)
        con.execute("COMMIT")
    finally:
        con.close()


def _insert_frame(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: list[list[Any]], sql: str | None = None
) -> None:
    """Insert rows through a registered DataFrame: one statement, not one per row (executemany is ~60 ms a row)."""
    if not rows:
        return
    frame = pd.DataFrame(rows, columns=columns)
    for c in columns:
        if c in COUNTS or c in _REPORTED_COLUMNS[2:7]:
            frame[c] = frame[c].astype("Int64")
    con.register("incoming", frame)
    try:
        con.execute(sql or f"INSERT INTO {table} SELECT * FROM incoming")
    finally:
        con.unregister("incoming")


def _reported(month: str, office: str, point: Any) -> list[Any] | None:
    """A month of an export's own trend; satisfied = rate × graded (exact: the rate was computed from them)."""
    if not isinstance(point, dict) or not point.get("month") or point["month"] >= month:
        return None
    graded, rate = point.get("graded"), point.get("satisfaction_rate")
    satisfied = round(rate * graded) if graded is not None and rate is not None else None
    counts = [_int(point.get(k)) for k in ("population", "called", "on_time")]
    return [point["month"], office, _int(graded), satisfied, *counts, month]


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def trend_months(month: str, count: int = 12) -> list[str]:
    year, mon = int(month[:4]), int(month[5:7])
    out = []
    for i in range(count - 1, -1, -1):
        y, m = divmod(year * 12 + mon - 1 - i, 12)
        out.append(f"{y:04d}-{m + 1:02d}")
    return out


def trends(path: Path, month: str, count: int = 12) -> dict[str, dict[str, dict[str, Any]]]:
    """{office or "" for the group: {month: {graded, satisfaction_rate, callback_rate, on_time_rate, ...}}}."""
    months = trend_months(month, count)
    con = connect(path)
    try:
        rows = con.execute(TREND_SQL, {"first": months[0], "last": months[-1]}).fetchall()
    finally:
        con.close()
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for m, office, graded, satisfied, population, called, on_time, overdue, received in rows:
        out.setdefault(office, {})[m] = {
            "graded": graded,
            "satisfaction_rate": ratio(satisfied, graded),
            "population": population,
            "callback_rate": ratio(called, population),
            "on_time_rate": ratio(on_time, population),
            "overdue": overdue,
            "received": received,
        }
    return out
