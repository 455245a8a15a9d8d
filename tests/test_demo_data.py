"""The demo ledger generator: deterministic, realistic, and readable by the ledger reader."""

from __future__ import annotations

import collections
import csv
import datetime as dt
import re
import subprocess
import zipfile

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from ledger.core import vocab
from ledger.core.columns import CASE_COLUMNS
from ledger.core.rules import PRESETS
from ledger.demo.cases import DEFECTS, add_months, demo_settings, generate_cases
from ledger.demo.workbook import write_ledger
from ledger.io.workbook import load_file

END = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def clean():
    return generate_cases(3000, seed=7, end=END)


@pytest.fixture(scope="module")
def clean_file(clean, tmp_path_factory):
    return write_ledger(tmp_path_factory.mktemp("clean") / "ledger.xlsx", clean)


@pytest.fixture(scope="module")
def clean_ledger(clean_file):
    return load_file(clean_file)


def key(vocabulary, label):
    return vocabulary.parse(label).key


def window(case):
    rule = PRESETS["residential"][key(vocab.CATEGORIES, case["category"])]

    def shift(day, offset):
        if offset.unit == "M":
            return add_months(day, offset.amount)
        return day + dt.timedelta(days=offset.amount * (7 if offset.unit == "w" else 1))

    return shift(case["completed_on"], rule.start), shift(case["completed_on"], rule.due)


def test_same_seed_gives_identical_rows_and_bytes(tmp_path):
    first = generate_cases(400, seed=11, end=END)
    assert first == generate_cases(400, seed=11, end=END)
    a = write_ledger(tmp_path / "a.xlsx", first)
    b = write_ledger(tmp_path / "b.xlsx", generate_cases(400, seed=11, end=END))
    assert a.read_bytes() == b.read_bytes()


def test_different_seed_gives_different_rows():
    a = generate_cases(400, seed=11, end=END)
    b = generate_cases(400, seed=12, end=END)
    assert sum(x != y for x, y in zip(a, b)) > 300


def test_generated_ledger_reads_back_with_every_case_and_no_problems(clean, clean_ledger):
    assert clean_ledger.rows == len(clean) == 3000
    assert clean_ledger.sheet == "案件台账" and clean_ledger.header_row == 1
    assert clean_ledger.problems == []
    assert [c.case_id for c in clean_ledger.cases] == [c["case_id"] for c in clean]
    assert all(c.category for c in clean_ledger.cases)


def test_cells_read_back_with_their_types(clean, clean_ledger):
    for row, case in zip(clean, clean_ledger.cases):
        received = row["received_on"]
        assert case.received_at == (
            received if isinstance(received, dt.datetime) else dt.datetime.combine(received, dt.time())
        )
        assert case.received_has_time == isinstance(received, dt.datetime)
        assert case.completed_on == row["completed_on"]
        assert case.callback_on == row["callback_on"]
        assert case.first_response_at == row["first_response_at"]
        assert case.phone == row["phone"]
        assert case.callback_attempts == row["callback_attempts"]
    assert any(c.phone and c.phone.startswith("0755-") for c in clean_ledger.cases)  # leading zero kept


def test_complaints_carry_times_and_other_cases_only_dates(clean):
    complaints = [c for c in clean if c["category"] == "投诉"]
    repairs = [c for c in clean if c["category"] == "维修"]
    assert all(isinstance(c["received_on"], dt.datetime) for c in complaints)
    assert not any(isinstance(c["received_on"], dt.datetime) for c in repairs)


def test_received_dates_span_the_months_before_end(clean):
    days = [
        c["received_on"] if not isinstance(c["received_on"], dt.datetime) else c["received_on"].date() for c in clean
    ]
    assert max(days) <= END and min(days) >= dt.date(2026, 6, 1)
    assert len({d.month for d in days}) == 6


def test_category_mix_matches_a_residential_office(clean):
    share = collections.Counter(key(vocab.CATEGORIES, c["category"]) for c in clean)
    n = len(clean)
    assert 0.40 < share["repair"] / n < 0.50
    assert 0.12 < share["complaint"] / n < 0.18
    assert 0.003 < share["emergency"] / n < 0.04
    assert {"help", "special_service", "event", "other"} <= set(share)


def test_case_ids_name_category_month_and_sequence(clean):
    prefix = {
        "complaint": "TS",
        "repair": "WX",
        "special_service": "TY",
        "help": "QZ",
        "emergency": "JJ",
        "event": "HD",
        "other": "QT",
    }
    for c in clean:
        received = c["received_on"]
        m = re.fullmatch(r"([A-Z]{2})-(\d{6})-(\d{4,})", c["case_id"])
        assert m and m[1] == prefix[key(vocab.CATEGORIES, c["category"])]
        assert m[2] == f"{received.year}{received.month:02d}"
    assert len({c["case_id"] for c in clean}) == len(clean)


def test_units_spread_over_about_twenty_buildings(clean):
    buildings = {re.match(r"(\d+)栋\d+单元\d+$", c["unit"])[1] for c in clean if c["unit"]}
    assert 18 <= len(buildings) <= 20


def test_clean_ledger_keeps_dates_in_order(clean):
    for c in clean:
        received = c["received_on"]
        received = received.date() if isinstance(received, dt.datetime) else received
        if c["completed_on"]:
            assert c["completed_on"] >= received
        else:
            assert c["callback_on"] is None and c["satisfaction"] is None
        if c["callback_on"]:
            assert c["completed_on"] < c["callback_on"] <= END or c["callback_on"] == c["completed_on"]
        if c["first_response_at"]:
            assert c["received_on"] < c["first_response_at"]


def test_about_eight_percent_still_open_more_among_recent(clean):
    open_all = sum(c["completed_on"] is None for c in clean) / len(clean)
    recent = [
        c
        for c in clean
        if (END - (c["received_on"] if not isinstance(c["received_on"], dt.datetime) else c["received_on"].date())).days
        <= 14
    ]
    open_recent = sum(c["completed_on"] is None for c in recent) / len(recent)
    assert 0.05 < open_all < 0.12
    assert open_recent > 2 * open_all


def test_callbacks_are_mostly_on_time_with_late_early_and_missing_ones(clean):
    outcome = collections.Counter()
    for c in clean:
        if not c["completed_on"] or c["no_callback_reason"]:
            continue
        start, due = window(c)
        category = key(vocab.CATEGORIES, c["category"])
        if c["callback_on"] is None:
            outcome[category, "overdue" if END > due else "waiting"] += 1
        else:
            outcome[
                category, "early" if c["callback_on"] < start else "late" if c["callback_on"] > due else "on_time"
            ] += 1
    done = sum(v for (_, o), v in outcome.items() if o in ("on_time", "late", "early"))
    on_time = sum(v for (_, o), v in outcome.items() if o == "on_time")
    assert on_time / done > 0.75
    assert outcome["complaint", "late"] > 0 and outcome["complaint", "overdue"] > 0
    assert outcome["repair", "early"] > 0  # called after a week instead of a month
    complaints_due = sum(v for (cat, o), v in outcome.items() if cat == "complaint" and o != "waiting")
    assert outcome["complaint", "overdue"] / complaints_due < 0.1  # complaints are called back 100 %
    repairs = sum(
        v for (cat, o), v in outcome.items() if cat == "repair" and o in ("on_time", "late", "early", "overdue")
    )
    repair_calls = sum(outcome["repair", o] for o in ("on_time", "late", "early"))
    assert 0.2 < repair_calls / repairs < 0.4  # sampled at 30 %


def test_satisfaction_mostly_satisfied_some_fair_few_unsatisfied(clean):
    grades = collections.Counter(key(vocab.SATISFACTION, c["satisfaction"]) for c in clean if c["satisfaction"])
    total = sum(grades.values())
    assert grades["satisfied"] / total > 0.75
    assert 0.05 < grades["fairly_satisfied"] / total < 0.2
    assert 0 < grades["unsatisfied"] / total < 0.1
    assert all(c["callback_on"] for c in clean if c["satisfaction"])


def test_no_callback_reasons_include_anonymous_declined_and_unreachable_after_three_tries(clean):
    reasons = collections.Counter(
        key(vocab.NO_CALLBACK_REASONS, c["no_callback_reason"]) for c in clean if c["no_callback_reason"]
    )
    assert {"anonymous", "declined", "unreachable"} <= set(reasons)
    assert sum(reasons.values()) < 0.1 * len(clean)
    for c in clean:
        if c["no_callback_reason"] == "无法联系":
            assert c["callback_attempts"] == 3 and c["satisfaction"] is None
        if c["no_callback_reason"] == "匿名":
            assert c["customer"] is None and c["phone"] is None


def test_complaints_have_class_severity_and_mostly_one_complainant(clean):
    complaints = [c for c in clean if c["category"] == "投诉"]
    assert all(c["responsibility"] in ("一类", "二类", "三类") for c in complaints)
    assert all(c["severity"] in ("重大", "热点", "重要", "一般") for c in complaints)
    counts = [c["complainants"] for c in complaints]
    assert counts.count(1) / len(counts) > 0.8
    assert any(n >= 3 for n in counts)
    assert not any(c["complainants"] for c in clean if c["category"] != "投诉")
    responses = [c["first_response_at"] - c["received_on"] for c in complaints if c["first_response_at"]]
    late = sum(r > dt.timedelta(hours=24) for r in responses)
    assert 0 < late < 0.15 * len(responses)


def test_rare_mass_complaints_of_ten_or_more_appear_in_large_ledgers():
    complaints = [c for c in generate_cases(8000, seed=5, end=END) if c["category"] == "投诉"]
    assert any(c["complainants"] >= 10 for c in complaints)


def test_repeat_complaints_and_triple_repairs_on_the_same_unit_and_matter(clean):
    complaints = collections.Counter((c["unit"], c["aspect"]) for c in clean if c["category"] == "投诉")
    repairs = collections.defaultdict(list)
    for c in clean:
        if c["category"] == "维修":
            repairs[c["unit"], c["aspect"]].append(c)
    assert any(n >= 2 for n in complaints.values())
    triples = [cases for cases in repairs.values() if sum(c["description"].startswith("再次报修") for c in cases) >= 2]
    assert triples
    first = triples[0][0]["received_on"]
    assert all((c["received_on"] - first).days <= 240 for c in triples[0])


def test_dirty_rows_produce_the_reader_problem_on_their_row(tmp_path):
    cases = generate_cases(600, seed=3, end=END, dirty=True)
    ledger = load_file(write_ledger(tmp_path / "dirty.xlsx", cases))
    defect_rows = {c["_defect"]: i + 2 for i, c in enumerate(cases) if "_defect" in c}
    assert set(defect_rows) == set(DEFECTS)
    found = {(p.row, p.code) for p in ledger.problems}
    for defect, (_field, code) in DEFECTS.items():
        if code:
            assert (defect_rows[defect], code) in found, defect
    assert len(ledger.problems) == sum(1 for _, code in DEFECTS.values() if code)


def test_dirty_values_for_later_validation_are_in_the_file(tmp_path):
    cases = generate_cases(600, seed=3, end=END, dirty=True)
    ledger = load_file(write_ledger(tmp_path / "dirty.xlsx", cases))
    by_row = {c.row: c for c in ledger.cases}
    rows = {c["_defect"]: i + 2 for i, c in enumerate(cases) if "_defect" in c}
    ids = collections.Counter(c.case_id for c in ledger.cases)
    assert ids[by_row[rows["duplicate_id"]].case_id] == 2
    early = by_row[rows["completed_before_received"]]
    assert early.completed_on < early.received_on
    orphan = by_row[rows["satisfaction_without_callback"]]
    assert orphan.satisfaction == "satisfied" and orphan.callback_on is None
    assert by_row[rows["undialable_phone"]].phone == "12345"


def test_dirty_changes_only_the_defect_rows():
    clean = generate_cases(600, seed=3, end=END)
    dirty = generate_cases(600, seed=3, end=END, dirty=True)
    changed = [i for i, (a, b) in enumerate(zip(clean, dirty)) if a != b]
    assert changed == sorted(i for i, c in enumerate(dirty) if "_defect" in c)
    assert len(changed) == len(DEFECTS)


def test_header_below_title_rows_is_found(tmp_path):
    cases = generate_cases(200, seed=1, end=END)
    ledger = load_file(write_ledger(tmp_path / "titled.xlsx", cases, title_rows=3))
    assert ledger.header_row == 4
    assert ledger.rows == 200 and ledger.cases[0].row == 5
    assert ledger.cases[0].case_id == cases[0]["case_id"]
    assert ledger.problems == []


@pytest.mark.parametrize("lang, sheet", [("zh-Hant", "案件台賬"), ("en", "Cases")])
def test_traditional_and_english_ledgers_read_back(tmp_path, lang, sheet):
    cases = generate_cases(500, seed=2, end=END, lang=lang)
    ledger = load_file(write_ledger(tmp_path / f"{lang}.xlsx", cases, lang=lang))
    assert ledger.sheet == sheet and ledger.settings.language == lang
    assert ledger.headers == {c.field: c.label(lang) for c in CASE_COLUMNS}
    assert ledger.problems == []
    assert [c.category for c in ledger.cases] == [key(vocab.CATEGORIES, c["category"]) for c in cases]
    assert sum(c.satisfaction is not None for c in ledger.cases) > 50


def test_settings_sheet_names_office_staff_and_head_office(clean_ledger):
    settings = clean_ledger.settings
    assert settings.office == "阳光花园管理处"
    assert settings.head_office == ["quality@head-office.example"]
    assert settings.staff_for("office_manager") and settings.staff_for("supervisor")
    assert 2 <= len(settings.staff_for("clerk")) <= 3
    assert settings.preset == "residential"
    assert demo_settings("en").office == "Sunshine Garden Management Office"


def test_workbook_opens_in_openpyxl_with_frozen_header_and_log_sheet(clean_file):
    book = openpyxl.load_workbook(clean_file)
    assert book.sheetnames == ["案件台账", "设置", "日志"]
    sheet = book["案件台账"]
    assert sheet.freeze_panes == "A2"
    assert sheet["B2"].number_format == "yyyy-mm-dd" and isinstance(sheet["B2"].value, dt.datetime)
    assert sheet.max_row == 3001
    assert book["日志"].max_row == 1 and book["日志"]["A1"].value is None


def test_text_with_markup_and_control_characters_survives(tmp_path):
    case = dict.fromkeys(c.field for c in CASE_COLUMNS)
    case.update(
        case_id="TS-202611-0001",
        received_on=dt.date(2026, 11, 3),
        category="投诉",
        unit="1栋1单元101",
        description='<b>漏水</b> & "噪音"\x07 =SUM(A1)',
        phone="0755-12345678",
    )
    ledger = load_file(write_ledger(tmp_path / "markup.xlsx", [case]))
    assert ledger.cases[0].description == '<b>漏水</b> & "噪音" =SUM(A1)'
    assert ledger.cases[0].phone == "0755-12345678"


def test_sheet_parts_declare_their_dimension(clean_file):
    with zipfile.ZipFile(clean_file) as zf:
        head = zf.read("xl/worksheets/sheet1.xml")[:600].decode()
    last = get_column_letter(len(CASE_COLUMNS))  # every case column
    assert f'<dimension ref="A1:{last}3001"/>' in head


@pytest.mark.libreoffice
def test_libreoffice_opens_the_ledger(clean_file, tmp_path, soffice):
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
            str(tmp_path),
            str(clean_file),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    with open(tmp_path / "ledger.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["案件编号", "受理日期", "受理渠道"]
    assert len(rows) == 3001
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?", rows[1][1])


def test_phones_are_dialable_mainland_numbers(clean):
    mobile = re.compile(r"1(3\d|4[5-9]|5[0-35-9]|6[5-7]|7[0-8]|8\d|9[0-35-9])\d{8}")
    landline = re.compile(r"0\d{2,3}-[2-8]\d{7}")
    phones = [c["phone"] for c in clean if c["phone"]]
    assert phones and all(mobile.fullmatch(p) or landline.fullmatch(p) for p in phones)
