"""SPEC §5: drawing the callback sample — count, reproducibility, stability, spread, the household survey."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import case
from ledger.cli import app
from ledger.core.models import Case
from ledger.core.sampling import draw, household_survey, required_count
from ledger.core.units import building_of
from ledger.io.workbook import load_file
from ledger.jobs.sample import sample_job

D = dt.date
runner = CliRunner()


def repair(i: int, building: int = 1, aspect: str = "房屋维修", **more) -> Case:
    return Case(
        row=i + 2,
        case_id=f"R{i:03d}",
        category="repair",
        received_at=dt.datetime(2026, 9, 1),
        completed_on=D(2026, 9, 10),
        unit=f"{building}栋{i:03d}",
        aspect=aspect,
        **more,
    )


def drawn_ids(population: list[Case], seed: int, rate: float = 0.3) -> set[str]:
    return {c.case_id for c in draw("repair", "2026-09", rate, population, seed).drawn}


@pytest.mark.parametrize(
    "rate, population, expected",
    [
        (0.3, 10, 3),
        (0.3, 11, 4),
        (0.3, 1, 1),
        (0.1, 10, 1),
        (0.1, 11, 2),
        (0.2, 5, 1),
        (0.3, 0, 0),
        (1.0, 7, 7),
        (0.0, 7, 0),
        (0.7, 10, 7),
        (0.05, 100, 5),
        (0.05, 101, 6),
    ],
)
def test_required_count_is_ceil_of_rate_times_population_exactly(rate, population, expected):
    assert required_count(rate, population) == expected


def test_same_seed_same_draw():
    population = [repair(i) for i in range(20)]
    assert drawn_ids(population, 42) == drawn_ids(population, 42)


def test_different_seeds_draw_differently():
    population = [repair(i) for i in range(20)]
    draws = {frozenset(drawn_ids(population, seed)) for seed in range(1, 6)}
    assert len(draws) > 1


def test_draw_ignores_row_order():
    population = [repair(i, building=i % 3 + 1, aspect=["房屋维修", "设备管理"][i % 2]) for i in range(30)]
    shuffled = population[:]
    random.Random(5).shuffle(shuffled)
    for row, c in enumerate(shuffled, start=2):  # the rows move in the file too
        c.row = row
    assert drawn_ids(shuffled, 9) == drawn_ids(population, 9)


def test_called_back_cases_count_as_drawn_and_only_the_shortfall_is_random():
    population = [repair(i) for i in range(10)]
    population[0].callback_on = D(2026, 10, 12)
    population[1].callback_on = D(2026, 10, 13)
    d = draw("repair", "2026-09", 0.3, population, 1)
    reasons = Counter(d.reasons.values())
    assert reasons == {"called_back": 2, "random": 1}
    assert {"R000", "R001"} <= {c.case_id for c in d.drawn}


def test_attempted_cases_count_as_drawn():
    population = [repair(i) for i in range(10)]
    population[4].callback_attempts = 1
    d = draw("repair", "2026-09", 0.3, population, 1)
    assert d.reasons[population[4].row] == "attempted" and len(d.drawn) == 3


def test_recorded_draws_stay_drawn_whatever_the_seed():
    population = [repair(i) for i in range(10)]
    for c in population[7:]:
        c.sampled_mark = True
    for seed in range(5):
        assert drawn_ids(population, seed) == {"R007", "R008", "R009"}


def test_cases_added_later_only_top_up():
    first = [repair(i) for i in range(10)]
    before = drawn_ids(first, 3)
    for c in first:
        c.sampled_mark = c.case_id in before
    later = first + [repair(i) for i in range(10, 20)]
    after = drawn_ids(later, 3)
    assert before < after and len(after) == 6


def test_more_already_drawn_than_required_draws_nothing_at_random():
    population = [repair(i, sampled_mark=True) for i in range(5)] + [repair(i) for i in range(5, 10)]
    d = draw("repair", "2026-09", 0.3, population, 1)
    assert "random" not in d.reasons.values() and len(d.drawn) == 5


@pytest.mark.parametrize("seed", range(8))
def test_ten_cases_in_three_buildings_rate_30_draws_one_per_building(seed):
    population = [repair(i, building=i % 3 + 1) for i in range(10)]
    chosen = draw("repair", "2026-09", 0.3, population, seed).drawn
    assert sorted(c.building for c in chosen) == ["1栋", "2栋", "3栋"]


@pytest.mark.parametrize("seed", range(5))
def test_three_buildings_of_ten_draw_three_per_building(seed):
    population = [repair(b * 10 + i, building=b + 1) for b in range(3) for i in range(10)]
    chosen = draw("repair", "2026-09", 0.3, population, seed).drawn
    assert len(chosen) == 9 and Counter(c.building for c in chosen) == {"1栋": 3, "2栋": 3, "3栋": 3}


@pytest.mark.parametrize("seed", range(5))
def test_draw_spreads_over_aspects_within_a_building(seed):
    aspects = ["房屋维修", "设备管理", "消防防灾"]
    population = [repair(i, aspect=aspects[i % 3]) for i in range(12)]
    chosen = draw("repair", "2026-09", 0.3, population, seed).drawn
    assert len(chosen) == 4 and set(c.aspect for c in chosen) == set(aspects)


def test_called_back_building_is_covered_first_so_others_get_the_random_picks():
    population = [repair(i, building=i % 3 + 1) for i in range(10)]
    population[0].callback_on = D(2026, 10, 12)  # building 1 already called
    chosen = draw("repair", "2026-09", 0.3, population, 2).drawn
    assert sorted(c.building for c in chosen) == ["1栋", "2栋", "3栋"]


def test_household_survey_takes_at_least_5_percent_of_every_building():
    units = [f"{b}栋{u:03d}" for b in (1, 2, 3) for u in range(40)] + ["9栋001"]
    picked = household_survey(units, 0.05, 11)
    per_building = Counter(building_of(u) for u in picked)
    assert per_building == {"1栋": 2, "2栋": 2, "3栋": 2, "9栋": 1}
    assert len(picked) >= 0.05 * len(set(units))
    assert household_survey(units, 0.05, 11) == picked


def test_household_survey_counts_each_unit_once():
    units = ["1栋101"] * 30 + ["1栋102"]
    assert len(household_survey(units, 0.05, 1)) == 1


def test_sample_job_reports_the_categories_of_the_month_and_the_survey_in_january(ledger_file):
    rows = [case(f"R{i}", "维修", D(2026, 1, 2), D(2026, 1, 5), unit=f"{i % 2 + 1}栋{i}01") for i in range(6)]
    rows.append(case("E1", "急救", D(2026, 1, 2), D(2026, 1, 5)))
    result, _ = sample_job(load_file(ledger_file(rows)), "2026-01", 5, D(2026, 3, 1))
    assert result["required"] == {"repair": 2, "emergency": 1} and result["drawn"]["emergency"] == ["E1"]
    assert list(result["drawn"]) == ["repair", "emergency"]
    assert result["survey"]["households"] == 7 and len(result["survey"]["units"]) == 3  # one per building


def test_sample_job_outside_january_and_july_has_no_survey(ledger_file):
    result, _ = sample_job(
        load_file(ledger_file([case("R1", "维修", D(2026, 2, 2), D(2026, 2, 5))])), "2026-02", 5, D(2026, 3, 1)
    )
    assert "survey" not in result


# ---------------------------------------------------------------- through the command and real files


def _repairs(order: list[int]) -> list[dict]:
    return [
        case(
            f"R{i:02d}",
            "维修",
            D(2026, 9, 1),
            D(2026, 9, 1 + i % 20),
            unit=f"{i % 3 + 1}栋{i:02d}01",
            aspect=["房屋维修", "设备管理"][i % 2],
        )
        for i in order
    ]


def _sample(path, *args: str) -> dict:
    result = runner.invoke(
        app, ["sample", str(path), "--month", "2026-09", "--as-of", "2026-10-15", "--format", "json", *args]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_shuffled_rows_in_the_file_draw_the_same_cases(ledger_file):
    order = list(range(20))
    shuffled = order[:]
    random.Random(1).shuffle(shuffled)
    a = _sample(ledger_file(_repairs(order), name="a.xlsx"), "--seed", "77")
    b = _sample(ledger_file(_repairs(shuffled), name="b.xlsx"), "--seed", "77")
    assert set(a["drawn"]["repair"]) == set(b["drawn"]["repair"]) and len(a["drawn"]["repair"]) == 6


def test_sample_seed_on_the_command_line_changes_the_draw(ledger_file):
    path = ledger_file(_repairs(list(range(20))))
    draws = {frozenset(_sample(path, "--seed", str(s))["drawn"]["repair"]) for s in (1, 2, 3, 4)}
    assert len(draws) > 1


def test_sample_write_records_marks_and_a_second_run_draws_nothing_new(ledger_file):
    path = ledger_file(_repairs(list(range(20))))
    first = _sample(path, "--seed", "77", "--write")
    assert len(first["new"]["repair"]) == 6
    book = load_workbook(path)
    sheet = book["案件台账"]
    header = [c.value for c in sheet[1]]
    col_id, col_mark = header.index("案件编号"), header.index("抽样")
    marked = {r[col_id] for r in sheet.iter_rows(min_row=2, values_only=True) if r[col_mark] == "抽中"}
    assert marked == set(first["drawn"]["repair"])
    log = [r for r in book["日志"].iter_rows(min_row=2, values_only=True) if r[5] == "sample"]
    assert json.loads(log[-1][6]) == {"month": "2026-09", "seed": 77, "write": True}
    assert log[-1][1] == "抽样" and log[-1][2] == "月份 2026-09,种子 77,写入 是"

    again = _sample(path, "--seed", "77")
    assert again["new"]["repair"] == [] and set(again["drawn"]["repair"]) == marked
    other_seed = _sample(path, "--seed", "5")  # the month keeps its first seed: top-up only
    assert other_seed["seed"] == 77 and set(other_seed["drawn"]["repair"]) == marked


def test_sample_write_then_added_rows_are_topped_up(ledger_file):
    path = ledger_file(_repairs(list(range(10))))
    first = set(_sample(path, "--seed", "3", "--write")["drawn"]["repair"])
    book = load_workbook(path)
    sheet = book["案件台账"]
    header = [c.value for c in sheet[1]]
    for row in _repairs(list(range(10, 20))):
        sheet.append([row.get(f) for f in _fields(header)])
    book.save(path)
    later = _sample(path, "--seed", "3")
    assert first < set(later["drawn"]["repair"]) and len(later["drawn"]["repair"]) == 6
    assert set(later["new"]["repair"]) == set(later["drawn"]["repair"]) - first


def _fields(header: list) -> list[str]:
    from ledger.core.columns import match_header

    return [match_header(h) or "" for h in header]


# ---------------------------------------------------------------- properties

population_strategy = st.lists(
    st.tuples(st.integers(1, 4), st.sampled_from(["房屋维修", "设备管理", "清洁卫生"]), st.booleans(), st.booleans()),
    min_size=0,
    max_size=40,
)


def _population(spec) -> list[Case]:
    out = []
    for i, (building, aspect, called, marked) in enumerate(spec):
        out.append(
            repair(
                i,
                building=building,
                aspect=aspect,
                sampled_mark=marked,
                callback_on=D(2026, 10, 20) if called else None,
            )
        )
    return out


@hsettings(max_examples=80, deadline=None)
@given(population_strategy, st.integers(0, 10**6), st.sampled_from([0.1, 0.2, 0.3, 0.5, 1.0]))
def test_property_draw_reaches_required_keeps_chosen_and_is_reproducible(spec, seed, rate):
    population = _population(spec)
    d = draw("repair", "2026-09", rate, population, seed)
    ids = {c.case_id for c in d.drawn}
    assert len(d.drawn) >= d.required == required_count(rate, len(population))
    assert {c.case_id for c in population if c.sampled_mark or c.callback_on} <= ids
    assert ids == {c.case_id for c in draw("repair", "2026-09", rate, list(reversed(population)), seed).drawn}
    random_picks = sum(1 for r in d.reasons.values() if r == "random")
    assert random_picks == max(0, d.required - (len(d.drawn) - random_picks))
