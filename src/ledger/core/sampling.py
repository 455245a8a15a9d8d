"""Drawing the callback sample (SPEC §5).

The draw is a pure function of the seed, the case ids and what the ledger
already records: cases already drawn, already called back (or tried) stay in,
and only the shortfall is drawn. Each undrawn case gets a key from
sha256(seed, case id); the shortfall is filled one case at a time from the
least-covered building, then the least-covered aspect, so one building is not
called ten times while another is never called. Row order plays no part.
Adding rows later only tops the sample up (recorded draws stay).
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field

from ledger.core.models import Case
from ledger.core.units import building_of


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
    drawn: list[Case] = field(default_factory=list)  # everyone in the sample
    reasons: dict[int, str] = field(default_factory=dict)  # row -> full | recorded | called_back | attempted | random

    @property
    def new(self) -> list[Case]:
        return [c for c in self.drawn if self.reasons[c.row] == "random" and not c.sampled_mark]


def stratum(case: Case) -> tuple[str, str]:
    return (case.aspect or "", case.building or "")


def attempted(case: Case) -> bool:
    """The clerk already tried to call (failed attempts, or marked unreachable): the clerk chose it."""
    return bool(case.callback_attempts) or case.no_callback_reason == "unreachable"


def draw(
    category: str, month: str, rate: float, population: list[Case], seed: int, forced_rows: set[int] = frozenset()
) -> Draw:
    """Draw ceil(rate × population) cases; see the module docstring."""
    required = required_count(rate, len(population))
    result = Draw(category, month, rate, population, required)
    if rate >= 1.0:  # everyone is called: nothing to draw
        result.reasons = {case.row: "full" for case in population}
        result.drawn = list(population)
        return result
    chosen: dict[int, Case] = {}
    for case in population:
        if case.row in forced_rows:
            reason = "full"
        elif case.sampled_mark:
            reason = "recorded"
        elif case.callback_on is not None:
            reason = "called_back"
        elif attempted(case):
            reason = "attempted"
        else:
            continue
        chosen[case.row], result.reasons[case.row] = case, reason
    for case in _spread(population, chosen, required - len(chosen), seed):
        chosen[case.row], result.reasons[case.row] = case, "random"
    result.drawn = [c for c in population if c.row in chosen]
    return result


def _spread(population: list[Case], chosen: dict[int, Case], shortfall: int, seed: int) -> list[Case]:
    """The shortfall, one case at a time from the least-covered building, then aspect.

    Coverage is the share of a building's (aspect's) cases already in the sample,
    so allocation is proportional; ties go to the case with the smallest key.

    Each pick takes the stratum with the smallest (building coverage, aspect
    coverage, head key, head row). Those priorities only ever grow (coverage
    rises, a queue's next head sorts after the one taken), so a heap whose
    stale entries are re-pushed when popped finds the same minimum as a scan of
    every stratum, in O(log n) instead of O(strata) per pick.
    """
    if shortfall <= 0:
        return []
    size_b: dict[str, int] = defaultdict(int)
    size_a: dict[str, int] = defaultdict(int)
    taken_b: dict[str, int] = defaultdict(int)
    taken_a: dict[str, int] = defaultdict(int)
    keys: dict[int, str] = {}
    prefix, sha256 = f"{seed}\x1f".encode(), hashlib.sha256  # case_key(seed, id), hashed the same bytes
    buildings: dict[str | None, str] = {}  # stratum(), reading each distinct unit's building once
    queues: dict[tuple[str, str], list[Case]] = defaultdict(list)
    for case in population:
        row, unit, aspect = case.row, case.unit, case.aspect or ""
        building = buildings.get(unit)
        if building is None:
            building = buildings[unit] = building_of(unit) or ""
        size_b[building] += 1
        size_a[aspect] += 1
        if row in chosen:
            taken_b[building] += 1
            taken_a[aspect] += 1
        else:
            keys[row] = sha256(prefix + (case.case_id or f"row{row}").encode()).hexdigest()
            queues[(aspect, building)].append(case)
    for queue in queues.values():
        queue.sort(key=lambda c: (keys[c.row], c.row), reverse=True)  # head at the end: pop() is O(1)

    def entry(k: tuple[str, str]) -> tuple:
        """(building coverage, aspect coverage, head key, head row, stratum): the heap orders by all five."""
        aspect, building = k
        head = queues[k][-1].row
        # Shares as floats: a correctly rounded quotient orders exactly like the fraction while
        # denominators stay below ~6e7 (two shares differ by at least 1/(b·d), far above rounding).
        return (taken_b[building] / size_b[building], taken_a[aspect] / size_a[aspect], keys[head], head, k)

    heap = [entry(k) for k in queues]
    heapq.heapify(heap)
    picked: list[Case] = []
    while heap and len(picked) < shortfall:
        best = heap[0][4]
        current = entry(best)
        if current != heap[0]:
            heapq.heapreplace(heap, current)  # stale: back in at its current place
            continue
        case = queues[best].pop()
        taken_b[best[1]] += 1
        taken_a[best[0]] += 1
        picked.append(case)
        if queues[best]:
            heapq.heapreplace(heap, entry(best))
        else:
            heapq.heappop(heap)
    return picked


def household_survey(units: list[str], rate: float, seed: int) -> list[str]:
    """The half-yearly written survey (January, July): ≥ rate of households, spread over buildings."""
    households = sorted({u.strip() for u in units if u and u.strip()})
    by_building: dict[str, list[str]] = defaultdict(list)
    for unit in households:
        by_building[building_of(unit) or ""].append(unit)
    picked: list[str] = []
    for building in sorted(by_building, key=lambda b: case_key(seed, b)):
        members = sorted(by_building[building], key=lambda u: case_key(seed, u))
        picked.extend(members[: required_count(rate, len(members))])
    return sorted(picked)
