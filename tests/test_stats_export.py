"""SPEC §6 "monthly statistics export": the statistics sheet alone, read back from the written file."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import write_ledger
from ledger.cli import app
from ledger.core.settings import Settings, settings_grid
from ledger.core.stats import compute
from ledger.io.export import export_name, export_stats, mask_phones
from ledger.io.safe_write import WriteRefused
from ledger.io.workbook import load_file
from ledger.sheets.stats_sheet import stats_layout

OFFICE = "阳光花园管理处"
MONTH = "2026-10"
AS_OF = dt.date(2026, 11, 10)
D = dt.date
RAW_PHONES = ("13812345678", "13987654321", "83211234")


def complaint(case_id, received, completed=None, **more):
    return {
        "case_id": case_id,
        "category": "投诉",
        "received_on": received,
        "completed_on": completed,
        "responsibility": "一类",
        "severity": "一般",
        **more,
    }


ROWS = [
    # unsatisfied callback whose unit carries a phone number (clerks do this)
    complaint(
        "P1",
        D(2026, 10, 2),
        D(2026, 10, 3),
        callback_on=D(2026, 10, 4),
        satisfaction="不满意",
        unit="3栋1101 13812345678",
        aspect="停车场",
        phone="13812345678",
    ),
    complaint(
        "P2",
        D(2026, 10, 10),
        D(2026, 10, 11),
        callback_on=D(2026, 10, 12),
        satisfaction="满意",
        unit="3栋1101 13812345678",
        aspect="停车场",
        phone="13812345678",
    ),
    # a unit that looks like a formula and a landline; an id starting with @
    complaint(
        "@P3",
        D(2026, 10, 15),
        D(2026, 10, 16),
        callback_on=D(2026, 10, 17),
        satisfaction="不满意",
        unit="FORMULA",
        aspect="清洁卫生",
        phone="0755-83211234",
    ),
    complaint(
        "P4",
        D(2026, 10, 20),
        D(2026, 10, 21),
        callback_on=D(2026, 10, 22),
        satisfaction="满意",
        unit="5栋 电话139-8765-4321",
        aspect="绿化环保",
        phone="139 8765 4321",
        description='=HYPERLINK("http://evil")',
    ),
]
FORMULA_UNIT = "=1+2"


@pytest.fixture
def ledger_path(tmp_path) -> Path:
    path = write_ledger(tmp_path / "台账.xlsx", ROWS, settings=settings_grid(Settings(office=OFFICE), "zh-Hans"))
    book = openpyxl.load_workbook(path)
    ws = book["案件台账"]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == "FORMULA":  # typed by a clerk as text: '=1+2
                cell.value = FORMULA_UNIT
                cell.data_type = "s"
    book.save(path)
    return path


@pytest.fixture
def exported(ledger_path, tmp_path):
    ledger = load_file(ledger_path)
    result = compute(ledger, MONTH, AS_OF)
    out = export_stats(result, ledger, tmp_path / "out")
    return ledger, result, out


def test_ledger_fixture_reads_the_formula_like_unit_as_text(ledger_path):
    assert [c.unit for c in load_file(ledger_path).cases][2] == FORMULA_UNIT


def test_export_is_named_after_office_and_month_inside_the_folder(exported, tmp_path):
    _, _, out = exported
    assert out == tmp_path / "out" / f"回访统计_{OFFICE}_{MONTH}.xlsx"
    assert out.is_file()
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temp file left behind


def test_export_to_an_explicit_xlsx_path(ledger_path, tmp_path):
    ledger = load_file(ledger_path)
    target = tmp_path / "deep" / "for head office.xlsx"
    assert export_stats(compute(ledger, MONTH, AS_OF), ledger, target) == target
    book = openpyxl.load_workbook(target)
    assert [ws.title for ws in book.worksheets if ws.sheet_state == "visible"] == [f"月度统计 {MONTH}"]
    assert book["ledger_data"].sheet_state == "veryHidden"  # the figures for head office's programs


def test_export_name_keeps_path_characters_and_phones_out():
    assert export_name("A/B:管理处", "2026-10") == "回访统计_A_B_管理处_2026-10.xlsx"
    # masked, and the mask's "*" (not allowed in Windows file names) becomes "_"
    assert export_name("管理处13812345678", "2026-10") == "回访统计_管理处138____5678_2026-10.xlsx"


def test_exported_workbook_holds_the_statistics_sheet_only_as_values(exported):
    ledger, result, out = exported
    book = openpyxl.load_workbook(out)  # formulas would show as "=..." with data_type "f"
    assert book.sheetnames == [f"月度统计 {MONTH}", "ledger_data"] and book["ledger_data"].sheet_state == "veryHidden"
    ws = book.active
    layout = stats_layout(result, ledger.lang, ledger)
    for r, values in enumerate(layout.rows, start=1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c)
            assert cell.data_type != "f", cell.coordinate
            expected = mask_phones(value) if isinstance(value, str) else value
            assert cell.value == (pytest.approx(expected) if isinstance(expected, float) else expected), cell.coordinate
    assert ws.max_row == len(layout.rows)
    with zipfile.ZipFile(out) as zf:
        sheet_xml = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


def test_export_numbers_match_the_month(exported):
    _, _, out = exported
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    received = next(
        r for r in rows if r[0] == "投诉" and r[1] is not None and len([v for v in r if v is not None]) == 4
    )
    assert received[:4] == ("投诉", 4, 4, 0)
    compliance = next(r for r in rows if r[0] == "投诉" and r[12] is not None)
    assert compliance[:13] == ("投诉", 4, 4, 4, 0, 0, 0, 0, 0, 4, 1, 1, "合格:按时 4 ≥ 规定 4")


def test_export_masks_phone_numbers_wherever_they_appear(exported):
    _, _, out = exported
    ws = openpyxl.load_workbook(out).active
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    # P1 unsatisfied, the P1+P2 repeat group, P2 raised to 热点 (repeat after closure)
    assert texts.count("3栋1101 138****5678") == 3
    with zipfile.ZipFile(out) as zf:
        everything = b"".join(zf.read(n) for n in zf.namelist()).decode("utf-8", "replace")
    for raw in RAW_PHONES:
        assert raw not in everything


@pytest.mark.parametrize(
    "raw,masked",
    [
        ("13812345678", "138****5678"),
        ("电话:13812345678。", "电话:138****5678。"),
        ("139-8765-4321", "139****4321"),
        ("+86 13812345678", "+86 138****5678"),
        ("0755-83211234", "0755-****1234"),
        ("(010)62345678", "(010)****5678"),
        ("2026-10-31", "2026-10-31"),  # dates stay
        ("R-20261031-001", "R-20261031-001"),  # case ids stay
        ("213812345678", "213812345678"),  # 12 digits: not a phone
    ],
)
def test_mask_phones(raw, masked):
    assert mask_phones(raw) == masked


def test_formula_like_text_stays_text_in_the_export(exported):
    _, _, out = exported
    ws = openpyxl.load_workbook(out).active
    cells = [c for row in ws.iter_rows() for c in row]
    unit = next(c for c in cells if c.value == FORMULA_UNIT)
    assert unit.data_type == "s" and unit.quotePrefix
    at = next(c for c in cells if c.value == "@P3")
    assert at.data_type == "s" and at.quotePrefix


def test_export_keeps_both_native_line_charts(exported):
    _, _, out = exported
    with zipfile.ZipFile(out) as zf:
        charts = sorted(n for n in zf.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        assert len(charts) == 2
        xml = [zf.read(n).decode() for n in charts]
    assert all("<c:lineChart>" in x or "lineChart" in x for x in xml)
    assert any("满意率趋势" in x for x in xml) and any("回访率趋势" in x for x in xml)
    assert all(f"'月度统计 {MONTH}'!$A$" in x for x in xml)  # categories are the trend's month column


def test_export_replaces_an_existing_file_atomically(exported, monkeypatch):
    ledger, result, out = exported
    before = out.read_bytes()

    def broken_save(self, filename):
        if hasattr(filename, "write"):  # export_stats builds the file in memory first
            filename.write(b"half a file")
        else:
            Path(filename).write_bytes(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with pytest.raises(WriteRefused):  # the OSError becomes one clerk-facing message
        export_stats(result, ledger, out.parent)
    assert out.read_bytes() == before  # the earlier export is intact
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # and no temp file remains
    monkeypatch.undo()
    again = export_stats(result, ledger, out.parent)
    assert again == out and openpyxl.load_workbook(out).sheetnames == [f"月度统计 {MONTH}", "ledger_data"]


def test_cli_stats_exports_and_prints_the_json(ledger_path, tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "stats",
            str(ledger_path),
            "--month",
            MONTH,
            "--as-of",
            "2026-11-10",
            "--export",
            str(tmp_path / "exp"),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc == json.loads(json.dumps(compute(load_file(ledger_path), MONTH, AS_OF).as_json()))
    assert doc["alerts"]["unsatisfied"] == ["P1", "@P3"]
    assert doc["alerts"]["repeat_complaints"] == [
        {"unit": "3栋1101 13812345678", "aspect": "停车场", "case_ids": ["P1", "P2"]}
    ]
    assert (tmp_path / "exp" / f"回访统计_{OFFICE}_{MONTH}.xlsx").is_file()
