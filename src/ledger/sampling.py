"""Drawing the callback sample (SPEC §5).

The draw is a pure function of the seed, the case ids and what the ledger
already records: cases already drawn or already called back stay in, and only
the shortfall is drawn. Each undrawn case gets a key from sha256(seed, case id);
the shortfall is filled stratum by stratum (aspect × building), always from the
least-covered stratum, so one building is not called ten times while another
is never called. Adding rows later only tops the sample up.
"""
from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field

from .models import Case


def default_seed(month: str) -> int:
    """The seed used when the clerk gives none: the month as a number (2026-10 → 202610).

    Deterministic, so the callback list computed before a draw is written equals
    the draw `ledger sample` then records.
    """
    year, mon = month.split("-")
    return int(year) * 100 + int(mon)


def case_key(seed: int, case_id: str) -> str:
    return hashlib.sha256(f"{seed}\x1f{case_id}".encode()).hexdigest()


def required_count(rate: float, population: int) -> int:
    # round first so 0.3 × 10 is 3, not 4 from binary floating point
    return min(population, math.ceil(round(rate * population, 9)))


@dataclass
class Draw:
    category: str
    month: str
    rate: float
    population: list[Case]
    required: int
    drawn: list[Case] = field(default_factory=list)          # everyone in the sample
    reasons: dict[int, str] = field(default_factory=dict)   # row -> "recorded" | "called_back" | "full" | "random"

    @property
    def new(self) -> list[Case]:
        return [c for c in self.drawn if self.reasons[c.row] == "random" and not c.sampled_mark]


def stratum(case: Case) -> tuple[str, str]:
    return (case.aspect or "", case.building or "")


def draw(category: str, month: str, rate: float, population: list[Case], seed: int,
         forced_rows: set[int] = frozenset()) -> Draw:
    """Draw ceil(rate × population) cases; see the module docstring."""
    required = required_count(rate, len(population))
    result = Draw(category, month, rate, population, required)
    chosen: dict[int, Case] = {}
    for case in population:
        if rate >= 1.0 or case.row in forced_rows:
            chosen[case.row], result.reasons[case.row] = case, "full"
        elif case.sampled_mark:
            chosen[case.row], result.reasons[case.row] = case, "recorded"
        elif case.callback_on is not None:
            chosen[case.row], result.reasons[case.row] = case, "called_back"
    shortfall = required - len(chosen)
    if shortfall > 0:
        strata: dict[tuple[str, str], list[Case]] = defaultdict(list)
        taken: dict[tuple[str, str], int] = defaultdict(int)
        for case in population:
            key = stratum(case)
            if case.row in chosen:
                taken[key] += 1
            else:
                strata[key].append(case)
        queues = {k: sorted(v, key=lambda c: case_key(seed, c.case_id or f"row{c.row}")) for k, v in strata.items()}
        sizes = {k: len(v) + taken[k] for k, v in queues.items()}
        order = {k: case_key(seed, "\x1e".join(k)) for k in queues}
        for _ in range(shortfall):
            open_strata = [k for k, q in queues.items() if q]
            if not open_strata:
                break
            best = min(open_strata, key=lambda k: (taken[k] / sizes[k], taken[k], order[k]))
            case = queues[best].pop(0)
            taken[best] += 1
            chosen[case.row], result.reasons[case.row] = case, "random"
    result.drawn = [c for c in population if c.row in chosen]
    return result


def household_survey(units: list[str], rate: float, seed: int) -> list[str]:
    """The half-yearly written survey (January, July): ≥ rate of households, spread over buildings."""
    from .units import building_of

    households = sorted({u.strip() for u in units if u and u.strip()})
    by_building: dict[str, list[str]] = defaultdict(list)
    for unit in households:
        by_building[building_of(unit) or ""].append(unit)
    picked: list[str] = []
    for building in sorted(by_building, key=lambda b: case_key(seed, b)):
        members = sorted(by_building[building], key=lambda u: case_key(seed, u))
        picked.extend(members[:required_count(rate, len(members))])
    return sorted(picked)
