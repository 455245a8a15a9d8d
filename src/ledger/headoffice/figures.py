"""The league table's figures for one office, and the group's, always from counts.

Group totals add up each office's counts and compute every rate again from the
sums: a group rate is never an average of the offices' rates. The stats blocks
are added generically (every count under every key, whatever keys `ledger
stats` prints), so a figure added to the statistics later is totalled too.
A null (a figure an office's ledger cannot give) is left out of a sum; a sum of
nulls only is null.
"""

from __future__ import annotations

from typing import Any

#: Top-level keys of a stats document that are not figures to add up.
NOT_SUMMED = ("month", "office", "as_of", "trend", "median_days_to_complete")


def ratio(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    return part / whole


def _add(values: list[Any]) -> Any:
    present = [v for v in values if v is not None]
    if not present:
        return None
    if all(isinstance(v, dict) for v in present):
        keys: dict[str, None] = {}
        for v in present:
            keys.update(dict.fromkeys(v))
        return {k: _add([v.get(k) for v in present]) for k in keys}
    if all(isinstance(v, bool) for v in present):
        return any(present)
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return sum(present)
    if all(isinstance(v, list) for v in present):
        return sum(len(v) for v in present)
    return None  # rates and the like: computed again below


def _rates(block: Any) -> Any:
    """Compute every rate of a summed block again from its counts."""
    if not isinstance(block, dict):
        return block
    out = {k: _rates(v) for k, v in block.items()}
    if "population" in out and "on_time" in out:
        called = _sum(out.get(k) for k in ("on_time", "late", "too_early"))
        out["callback_rate"] = ratio(called, out["population"])
        if "pass" in out:
            out["pass"] = (
                None if out["on_time"] is None or out.get("required") is None else out["on_time"] >= out["required"]
            )
    if "satisfied" in out and "unsatisfied" in out:
        content = _sum(out.get(k) for k in ("satisfied", "fairly_satisfied"))
        out["rate"] = ratio(content, _sum(out.get(k) for k in ("satisfied", "fairly_satisfied", "unsatisfied")))
    return out


def _sum(values: Any) -> int | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def group_totals(stats_docs: list[dict[str, Any]]) -> dict[str, Any]:
    """The offices' stats blocks added up (lists counted), rates computed from the sums."""
    keys: dict[str, None] = {}
    for doc in stats_docs:
        keys.update(dict.fromkeys(k for k in doc if k not in NOT_SUMMED))
    summed = {k: _add([doc.get(k) for doc in stats_docs]) for k in keys}
    return {"offices": len(stats_docs), **_rates(summed)}


def _values(block: Any) -> list[Any]:
    return list(block.values()) if isinstance(block, dict) else []


def _count(block: Any) -> int | None:
    """A list's length, or an already totalled count."""
    if isinstance(block, list):
        return len(block)
    return block if isinstance(block, int) else None


def league_row(stats: dict[str, Any], households: int | None, target: float) -> dict[str, Any]:
    """One line of the league table, from a stats document (an office's, or the group's totals)."""
    compliance = _values(stats.get("compliance"))
    overall = (stats.get("satisfaction") or {}).get("overall") or {}
    population = _sum(c.get("population") for c in compliance)
    on_time = _sum(c.get("on_time") for c in compliance)
    called = _sum(c.get(k) for c in compliance for k in ("on_time", "late", "too_early"))
    graded = _sum(overall.get(k) for k in ("satisfied", "fairly_satisfied", "unsatisfied"))
    content = _sum(overall.get(k) for k in ("satisfied", "fairly_satisfied"))
    complaints = (stats.get("received") or {}).get("complaint")
    sat_rate = ratio(content, graded)
    passes = [c.get("pass") for c in compliance if c.get("pass") is not None]
    compliance_pass = all(passes) if passes else None
    satisfaction_pass = None if sat_rate is None else sat_rate >= target
    verdicts = [v for v in (compliance_pass, satisfaction_pass) if v is not None]
    alerts = stats.get("alerts") or {}
    return {
        "received": _sum(_values(stats.get("received"))),
        "completed": _sum(_values(stats.get("completed"))),
        "callbacks": graded,
        "population": population,
        "called": called,
        "on_time": on_time,
        "callback_rate": ratio(called, population),
        "on_time_rate": ratio(on_time, population),
        "satisfied": content,
        "graded": graded,
        "satisfaction_rate": sat_rate,
        "overdue": _sum(c.get("overdue") for c in compliance),
        "repeat_complaints": _count(alerts.get("repeat_complaints")),
        "complaints": complaints,
        "households": households,
        "complaints_per_1000": None if complaints is None or not households else complaints * 1000 / households,
        "compliance_pass": compliance_pass,
        "satisfaction_pass": satisfaction_pass,
        "pass": all(verdicts) if verdicts else None,
    }


def group_row(totals: dict[str, Any], rows: list[dict[str, Any]], target: float) -> dict[str, Any]:
    """The group's league line from the totals; complaints per 1,000 households over offices whose households are known."""
    row = league_row(totals, None, target)
    known = [r for r in rows if r["households"] and r["complaints"] is not None]
    households = sum(r["households"] for r in known)
    row["households"] = households or None
    row["complaints_per_1000"] = sum(r["complaints"] for r in known) * 1000 / households if households else None
    return row


def rank_key(row: dict[str, Any]) -> tuple:
    """Best first: passing, then satisfaction rate, on-time rate, fewest overdue; unknown rates last."""

    def desc(v: float | None) -> float:
        return -v if v is not None else 1.0

    return (
        {True: 0, None: 1, False: 2}[row["pass"]],
        desc(row["satisfaction_rate"]),
        desc(row["on_time_rate"]),
        row["overdue"] or 0,
    )
