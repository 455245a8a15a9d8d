"""SPEC §9: every JSON document the commands print validates against the published models."""

import datetime as dt
import json

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from conftest import case
from ledger.cli import app
from ledger.io.workbook import load_file
from ledger.schema import CallbacksDoc, CaseRecord, Category, SampleDoc, StatsDoc, Status, ValidateDoc

D = dt.date


@pytest.fixture
def ledger(ledger_file):
    rows = [
        case(f"R{i}", "维修", D(2026, 8, 1), D(2026, 8, 3 + i % 20), unit=f"{i % 4 + 1}栋{100 + i}") for i in range(12)
    ]
    rows += [
        case(
            "T1",
            "投诉",
            D(2026, 10, 2),
            D(2026, 10, 3),
            callback_on=D(2026, 10, 4),
            satisfaction="不满意",
            responsibility="一类",
            severity="一般",
            aspect="停车场",
        ),
        case("T2", "投诉", D(2026, 10, 9), None, responsibility="二类", severity="一般", aspect="停车场"),
        case("X", "保洁"),
    ]
    return ledger_file(rows)


def run_json(*args):
    result = CliRunner().invoke(app, [str(a) for a in args] + ["--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_validate_document_matches_the_contract(ledger):
    doc = ValidateDoc.model_validate(run_json("validate", ledger))
    assert doc.rows == 15 and doc.valid_rows == 14


def test_callbacks_document_matches_the_contract(ledger):
    doc = CallbacksDoc.model_validate(run_json("callbacks", ledger, "--as-of", "2026-11-25"))
    assert len(doc.cases) == 15
    assert set(doc.counts) == set(Status)
    assert {c.status for c in doc.cases} <= set(Status) | {None}


def test_sample_document_matches_the_contract(ledger):
    doc = SampleDoc.model_validate(run_json("sample", ledger, "--month", "2026-08", "--seed", "3"))
    assert doc.required == {Category.repair: 4}


def test_stats_document_matches_the_contract(ledger):
    doc = StatsDoc.model_validate(run_json("stats", ledger, "--month", "2026-10", "--as-of", "2026-11-25"))
    assert set(doc.received) == set(Category)
    assert doc.alerts.unsatisfied == ["T1"]
    assert doc.compliance[Category.repair].pass_ in (True, False)


def test_case_record_carries_the_canonical_fields(ledger):
    cases = load_file(ledger).cases
    record = CaseRecord.from_case(cases[12])
    assert (record.case_id, record.category, record.satisfaction) == ("T1", Category.complaint, "unsatisfied")
    assert record.model_dump(mode="json")["received_on"] == "2026-10-02"


def test_an_unknown_status_does_not_validate():
    with pytest.raises(ValidationError):
        CallbacksDoc.model_validate(
            {
                "as_of": "2026-11-25",
                "counts": {},
                "cases": [
                    {
                        "case_id": "A",
                        "row": 2,
                        "category": "repair",
                        "status": "late",
                        "window_start": None,
                        "window_due": None,
                        "sampled": None,
                        "assignee_role": None,
                    }
                ],
            }
        )
