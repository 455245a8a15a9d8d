"""SPEC §9: the command-line contract: JSON shapes, exit statuses, read-only unless --write."""

import datetime as dt
import hashlib
import json
import subprocess
import sys
import zipfile

import pytest
from typer.testing import CliRunner

from conftest import case, write_ledger
from ledger.cli import app

D = dt.date
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def mixed(ledger_file):
    return ledger_file(
        [
            case("R1", "维修", D(2026, 9, 1), D(2026, 9, 3)),
            case("R2", "维修", "2026-02-30", D(2026, 9, 3)),
            case(
                "C1",
                "投诉",
                D(2026, 11, 20),
                D(2026, 11, 22),
                responsibility="一类",
                severity="一般",
                aspect="清洁卫生",
                phone="123",
            ),
        ]
    )


def test_validate_json_is_one_document_with_located_problems(mixed):
    result = run("validate", mixed, "--format", "json", "--as-of", "2026-11-25")
    doc = json.loads(result.stdout)
    assert result.exit_code == 1
    assert set(doc) == {"problems", "rows", "valid_rows", "suspicions"}  # suspicions: SPEC §9.1
    assert (doc["rows"], doc["valid_rows"]) == (3, 2)
    by_code = {p["code"]: p for p in doc["problems"]}
    assert by_code["date.impossible"] == {
        **by_code["date.impossible"],
        "sheet": "案件台账",
        "row": 3,
        "column": "受理日期",
        "severity": "error",
    }
    assert by_code["row.phone_not_diallable"]["severity"] == "warning"
    for p in doc["problems"]:
        assert set(p) == {"sheet", "row", "column", "code", "severity", "message"}


def test_validate_exit_zero_when_only_warnings(ledger_file):
    path = ledger_file([case("A", phone="123")])
    result = run("validate", path, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["valid_rows"] == 1


def test_commands_without_write_change_nothing_on_disk(mixed):
    before = digest(mixed)
    for args in (
        ["validate", mixed],
        ["callbacks", mixed, "--as-of", "2026-11-25"],
        ["sample", mixed, "--month", "2026-09"],
    ):
        run(*args)
    assert digest(mixed) == before
    assert not (mixed.parent / ".ledger_backups").exists()


def test_validate_write_fills_the_problems_column_and_keeps_a_backup(mixed):
    from openpyxl import load_workbook

    result = run("validate", mixed, "--write", "--as-of", "2026-11-25")
    assert result.exit_code == 1
    ws = load_workbook(mixed)["案件台账"]
    header = [c.value for c in ws[1]]
    col = header.index("问题") + 1
    assert "2026-02-30" in ws.cell(row=3, column=col).value
    assert ws.cell(row=2, column=col).value is None
    assert highlighted(ws) == {"B3": "FFC7CE", "G4": "FFEB9C"}  # bad date red, undiallable phone yellow
    assert ws.cell(row=3, column=2).fill.fgColor.rgb == "00000000"  # the clerk's own cell style is untouched
    assert ws.cell(row=2, column=1).value == "R1"
    assert len(list((mixed.parent / ".ledger_backups").iterdir())) == 1


def highlighted(ws) -> dict[str, str]:
    """Cells coloured by the tool's conditional-formatting rules, with their fill colour."""
    from openpyxl.utils.cell import get_column_letter, range_boundaries

    cells = {}
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            if rule.formula != ["ISNUMBER(424242)"]:
                continue
            color = rule.dxf.fill.bgColor.rgb[-6:]
            for rng in cf.sqref.ranges:
                c1, r1, c2, r2 = range_boundaries(rng.coord)
                for r in range(r1, r2 + 1):
                    for c in range(c1, c2 + 1):
                        cells[f"{get_column_letter(c)}{r}"] = color
    return cells


def test_a_corrected_cell_loses_its_highlight_on_the_next_run(mixed):
    from openpyxl import load_workbook

    run("validate", mixed, "--write", "--as-of", "2026-11-25")
    wb = load_workbook(mixed)
    wb["案件台账"]["B3"] = dt.date(2026, 9, 1)
    wb.save(mixed)
    run("validate", mixed, "--write", "--as-of", "2026-11-25")
    ws = load_workbook(mixed)["案件台账"]
    assert highlighted(ws) == {"G4": "FFEB9C"}
    assert [c for c in ws.conditional_formatting if "424242" in str(c.rules[0].formula)].__len__() == 1


def test_clerks_own_conditional_formatting_survives_our_highlights(ledger_file):
    from openpyxl import load_workbook
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill

    path = ledger_file([case("R1", "维修", "2026-02-30", D(2026, 9, 3))])
    wb = load_workbook(path)
    wb["案件台账"].conditional_formatting.add(
        "L2:L100", CellIsRule(operator="greaterThan", formula=["2"], fill=PatternFill("solid", bgColor="00FF00"))
    )
    wb.save(path)
    for _ in range(2):
        run("validate", path, "--write", "--as-of", "2026-11-25")
    ws = load_workbook(path)["案件台账"]
    ranges = {str(cf.sqref): [r.formula for r in cf.rules] for cf in ws.conditional_formatting}
    assert ranges["L2:L100"] == [["2"]]
    assert highlighted(ws) == {"B2": "FFC7CE"}


def test_callbacks_json_has_one_entry_per_case_row(mixed):
    result = run("callbacks", mixed, "--as-of", "2026-11-25", "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["as_of"] == "2026-11-25"
    assert [c["row"] for c in doc["cases"]] == [2, 3, 4]
    for c in doc["cases"]:
        assert {
            "case_id",
            "row",
            "category",
            "status",
            "window_start",
            "window_due",
            "sampled",
            "assignee_role",
        } <= set(c)
    assert set(doc["counts"]) == {
        "open",
        "not_yet_due",
        "due",
        "overdue",
        "done",
        "done_late",
        "too_early",
        "exempt",
        "not_sampled",
        "unreachable",
    }
    c1 = doc["cases"][2]
    assert (c1["status"], c1["window_start"], c1["window_due"]) == ("due", "2026-11-22", "2026-11-25")


def test_json_output_is_only_json_even_when_writing(mixed):
    result = run("callbacks", mixed, "--as-of", "2026-11-25", "--format", "json", "--write")
    json.loads(result.stdout)


def test_sample_json_shape(ledger_file):
    rows = [case(f"R{i}", "维修", D(2026, 9, 1), D(2026, 9, 10), unit=f"{i % 3 + 1}栋{i}") for i in range(10)]
    result = run("sample", ledger_file(rows), "--month", "2026-09", "--seed", "7", "--format", "json")
    doc = json.loads(result.stdout)
    assert result.exit_code == 0
    assert (doc["month"], doc["seed"], doc["required"]) == ("2026-09", 7, {"repair": 3})
    assert len(doc["drawn"]["repair"]) == 3


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["callbacks", "{p}", "--as-of", "2026-13-01"], "YYYY-MM-DD"),
        (["sample", "{p}", "--month", "2026/9"], "YYYY-MM"),
    ],
)
def test_bad_arguments_are_exit_two_with_a_message(mixed, args, fragment):
    result = run(*[a.replace("{p}", str(mixed)) for a in args])
    assert result.exit_code == 2
    assert fragment in result.stderr


def unusable_files(tmp_path):
    files = {}
    p = tmp_path / "notes.xlsx"
    p.write_text("这不是工作簿")
    files["text"] = p
    p = tmp_path / "old.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    files["xls"] = p
    p = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("hello.txt", "x")
    files["zip_without_workbook"] = p
    files["no_case_sheet"] = write_ledger(
        tmp_path / "other.xlsx", [], sheet="工资表", fields=["case_id"], headers={"case_id": "工号"}
    )
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "案件台账"
    wb.save(tmp_path / "empty.xlsx")
    files["empty"] = tmp_path / "empty.xlsx"
    files["missing"] = tmp_path / "nowhere.xlsx"
    (tmp_path / "folder.xlsx").mkdir()
    files["directory"] = tmp_path / "folder.xlsx"
    return files


@pytest.mark.parametrize(
    "kind", ["text", "xls", "zip_without_workbook", "no_case_sheet", "empty", "missing", "directory"]
)
def test_unusable_input_is_exit_two_with_one_paragraph_and_no_traceback(tmp_path, kind):
    path = unusable_files(tmp_path)[kind]
    for command in (["validate", path], ["callbacks", path], ["stats", path, "--month", "2026-10"]):
        result = run(*command)
        assert result.exit_code == 2, (kind, command, result.output)
        message = result.stderr.strip()
        assert message and "\n" not in message and "Traceback" not in result.output
        assert result.stdout == ""


def test_console_script_runs_as_a_real_process(mixed):
    proc = subprocess.run(
        [sys.executable, "-m", "ledger.cli", "validate", str(mixed), "--format", "json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["rows"] == 3
