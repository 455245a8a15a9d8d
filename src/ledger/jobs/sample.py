"""抽样: draw the month's samples (and the half-yearly survey), reproducibly from a seed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ledger.core.allocation import without_gc
from ledger.core.callbacks import assess
from ledger.core.changes import Assessed, Changes, cell_fills, seeds_of
from ledger.core.log import log_row
from ledger.core.models import Ledger
from ledger.core.sampling import default_seed, household_survey
from ledger.core.validation import validate
from ledger.core.vocab import CATEGORIES
from ledger.core.windows import month_bounds
from ledger.jobs.callbacks import implied_draw_rows


@without_gc
def sample_job(
    ledger: Ledger, month: str, seed: int | None, as_of: dt.date, *, shared: Assessed | None = None
) -> tuple[dict[str, Any], Changes]:
    """Draw the samples of the cases completed in `month` (SPEC §5)."""
    month_bounds(month)  # validates the month
    seeds = seeds_of(ledger)
    if month in seeds and seed is not None and seed != seeds[month]:
        used = seeds[month]  # a month keeps the seed of its first written draw: top-up only
    else:
        used = seed if seed is not None else seeds.get(month, default_seed(month))
    same_day = shared is not None and shared.as_of == as_of
    if same_day and used == seeds.get(month, default_seed(month)):
        report = shared.report  # assessed() drew with the same seeds: each month's logged or default one
    else:
        report = assess(ledger, as_of, {**seeds, month: used})
    validation = shared.validation if same_day else validate(ledger, as_of, report.suggestions)
    drawn: dict[str, list[str]] = {}
    required: dict[str, int] = {}
    population: dict[str, int] = {}
    new: dict[str, list[str]] = {}
    for key in CATEGORIES.keys():  # categories with cases to call back in the month, in vocabulary order
        d = report.draws.get((key, month))
        if d is None:
            continue
        drawn[key] = [c.case_id for c in d.drawn]
        required[key] = d.required
        population[key] = len(d.population)
        new[key] = [c.case_id for c in d.new]
    result: dict[str, Any] = {
        "month": month,
        "seed": used,
        "drawn": drawn,
        "required": required,
        "population": population,
        "new": new,
    }
    if seed is not None and used != seed:
        result["seed_requested"] = seed
    if month[5:] in SURVEY_MONTHS:
        result["survey"] = survey(ledger, used)
    done = shared if same_day and report is shared.report else Assessed(as_of, report, validation)

    def build(changes: Changes) -> None:
        changes.tool_values = done.tool_values(ledger)
        changes.cell_fills = cell_fills(ledger, done.validation.problems)  # the highlights stay in step with 问题

    changes = Changes().defer(build)
    changes.log_rows.extend(implied_draw_rows(report, seeds, "sample", skip=month))
    log_result: dict[str, Any] = {"drawn": drawn, "required": required, "new": new}
    if "survey" in result:
        log_result["survey"] = result["survey"]["units"]
    changes.log_rows.append(log_row("sample", {"month": month, "seed": used, "write": True}, log_result))
    return result, changes


SURVEY_MONTHS = ("01", "07")


def survey(ledger: Ledger, seed: int) -> dict[str, Any]:
    """The half-yearly written survey (SPEC §5): ≥ the Settings rate of households, stratified by building.

    Households are the units the ledger names (the ledger holds no household register).
    """
    units = [c.unit for c in ledger.cases if c.unit]
    picked = household_survey(units, ledger.settings.survey_rate, seed)
    return {
        "rate": ledger.settings.survey_rate,
        "households": len({u.strip() for u in units if u.strip()}),
        "units": picked,
    }
