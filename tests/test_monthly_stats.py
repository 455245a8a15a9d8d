"""SPEC §6 / §9 `stats`: the monthly statistics, checked against numbers worked out by hand.

The main ledger (October 2026, residential preset, statistics built on 2026-11-10) is
written to a real .xlsx and read back with `load_file`; every number of every table
is derived by hand in the comments next to the case rows and in EXPECTED below.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from conftest import CANONICAL, write_ledger
from ledger.core.settings import Holiday, Settings, settings_grid
from ledger.core.stats import compute, trend_months
from ledger.core.timeliness import responded_within_24h
from ledger.core.vocab import ASPECTS, CATEGORIES
from ledger.core.windows import month_bounds
from ledger.io.ledger_file import apply_changes
from ledger.io.render import render
from ledger.io.workbook import load_file
from ledger.jobs.stats import stats_job
from ledger.sheets.stats_sheet import sheet_name, stats_layout, stats_text

OFFICE = "阳光花园管理处"
MONTH = "2026-10"
AS_OF = dt.date(2026, 11, 10)
FIELDS = [*CANONICAL, "sampled"]
D = dt.date
T = dt.datetime


def row(case_id, category, received, completed=None, **more):
    return {"case_id": case_id, "category": category, "received_on": received, "completed_on": completed, **more}


def complaint(case_id, received, completed=None, **more):
    return row(case_id, "投诉", received, completed, **more)


# Windows (residential): complaint [done, done+3d] 100 %; repair [done+1M, done+2M] 30 %;
# special service / help / other [done, done+1w] 30 %; emergency [done, done+1w] 100 %;
# event [done, done+1M] 10 %.
CASES = [
    # complaints received in October: C1 C2 C3 C5 C6 C7 (6); C4 was received in September.
    complaint(
        "C1",
        T(2026, 10, 9, 10, 0),
        D(2026, 10, 13),
        first_response_at=T(2026, 10, 10, 9, 30),
        callback_on=D(2026, 10, 14),
        satisfaction="满意",
        unit="1栋101",
        aspect="清洁卫生",
        responsibility="一类",
        severity="一般",
    ),
    # window [10-13, 10-16], called 10-14: on time. Reply after 23.5 h: within 24 h.
    # 3 working days from Fri 10-09: Sat 10-10 (make-up day), Mon 10-12, Tue 10-13: resolved in time.
    complaint(
        "C2",
        D(2026, 10, 20),
        D(2026, 10, 22),
        first_response_at=D(2026, 10, 21),
        callback_on=D(2026, 10, 28),
        satisfaction="不满意",
        unit="1栋101",
        aspect="清洁卫生",
        responsibility="一类",
        severity="一般",
    ),
    # window [10-22, 10-25], called 10-28: late. Date-only receipt, reply next day: within 24 h.
    # Same unit and matter as C1 after C1 closed: suggested 热点 > clerk's 一般 (severity raised).
    complaint(
        "C3",
        T(2026, 10, 28, 8, 0),
        D(2026, 11, 3),
        first_response_at=T(2026, 10, 29, 9, 0),
        unit="3栋301",
        aspect="停车场",
        responsibility="二类",
        severity="重要",
    ),
    # reply after 25 h: not within 24 h. Open at 10-31. 3 wd from Wed 10-28 is Mon 11-02: not in time.
    # Window [11-03, 11-06]: judged in November, not here.
    complaint(
        "C4", D(2026, 9, 27), D(2026, 9, 29), unit="2栋201", aspect="员工态度", responsibility="一类", severity="一般"
    ),
    # window [09-29, 10-02] closes in October, never called: overdue.
    complaint(
        "C5",
        D(2026, 10, 5),
        D(2026, 10, 6),
        no_callback_reason="匿名",
        unit="5栋501",
        aspect="安全保卫",
        responsibility="三类",
        severity="一般",
    ),
    # exempt (window [10-06, 10-09]). No reply recorded. Resolved within 3 wd.
    complaint(
        "C6",
        D(2026, 10, 15),
        D(2026, 10, 17),
        first_response_at=D(2026, 10, 15),
        callback_attempts=3,
        unit="6栋601",
        aspect="设备管理",
        responsibility="一类",
        severity="热点",
    ),
    # window [10-17, 10-20], 3 failed attempts: unreachable. Reply the same day: within 24 h.
    complaint(
        "C7", D(2026, 10, 30), None, first_response_at=D(2026, 11, 1), complainants=3, unit="7栋701", aspect="绿化环保"
    ),
    # open; no class or severity (unclassified); 3 complainants: suggested 热点 > blank (raised).
    # repairs completed in August: draw population of 2026-08 = R1..R5, required ceil(0.3×5) = 2;
    # R1 R2 R5 called back and R3 marked drawn count as drawn; R4 stays not drawn.
    row(
        "R1",
        "维修",
        D(2026, 8, 1),
        D(2026, 8, 5),
        callback_on=D(2026, 9, 20),
        satisfaction="不满意",
        unit="8栋801",
        aspect="房屋维修",
    ),  # [09-05, 10-05] on time (graded in September)
    row(
        "R2",
        "维修",
        D(2026, 8, 8),
        D(2026, 8, 10),
        callback_on=D(2026, 8, 20),
        satisfaction="一般满意",
        unit="8栋802",
        aspect="房屋维修",
    ),  # [09-10, 10-10] called 08-20: too early
    row("R3", "维修", D(2026, 8, 10), D(2026, 8, 15), sampled="抽中", unit="8栋801", aspect="房屋维修"),
    # [09-15, 10-15] drawn, never called: overdue
    row("R4", "维修", D(2026, 8, 18), D(2026, 8, 20), unit="8栋803", aspect="房屋维修"),  # not drawn: no bucket
    row(
        "R5",
        "维修",
        D(2026, 8, 28),
        D(2026, 8, 31),
        callback_on=D(2026, 11, 2),
        satisfaction="满意",
        unit="8栋804",
        aspect="房屋维修",
    ),  # [09-30, 10-31] called 11-02: late
    row("R6", "维修", D(2026, 10, 12), None, unit="8栋801", aspect="房屋维修"),
    # open; third 8栋801 房屋维修 repair in 180 days (R1, R3, R6): repeat repair alert
    row(
        "R7",
        "维修",
        D(2026, 10, 3),
        D(2026, 10, 8),
        callback_on=D(2026, 10, 9),
        satisfaction="满意",
        unit="9栋901",
        aspect="房屋维修",
    ),  # window closes in December; graded in October
    row(
        "S1",
        "特约服务",
        D(2026, 10, 10),
        D(2026, 10, 12),
        callback_on=D(2026, 10, 13),
        satisfaction="满意",
        unit="4栋401",
        aspect="服务与投诉处理",
    ),  # [10-12, 10-19] on time
    row("S2", "特约服务", D(2026, 10, 20), D(2026, 10, 21), unit="4栋402", aspect="服务与投诉处理"),
    # October special services: population 2, required 1, S1 (called) drawn, S2 not drawn
    row(
        "H1",
        "求助",
        D(2026, 10, 25),
        D(2026, 10, 27),
        callback_on=D(2026, 10, 28),
        satisfaction="一般满意",
        unit="4栋403",
        aspect="其他",
    ),  # window closes 11-03: not judged in October
    row("H2", "求助", D(2026, 9, 28), None, unit="4栋404", aspect="其他"),  # open since September
    row(
        "E1",
        "急救",
        D(2026, 10, 1),
        D(2026, 10, 1),
        no_callback_reason="住户拒绝回访",
        unit="5栋502",
        aspect="安全保卫",
    ),  # exempt, window closes 10-08
    row(
        "E2",
        "急救",
        D(2026, 10, 26),
        D(2026, 10, 26),
        callback_on=D(2026, 10, 27),
        satisfaction="满意",
        unit="5栋503",
        aspect="安全保卫",
    ),  # window closes 11-02
    row(
        "V1",
        "活动/刊物",
        D(2026, 9, 1),
        D(2026, 9, 15),
        callback_on=D(2026, 10, 14),
        satisfaction="满意",
        aspect="综合评议",
    ),  # [09-15, 10-15] on time
    row("O1", "其他", D(2026, 10, 29), None, unit="6栋602", aspect="其他"),  # open
]


def zeros(keys):
    return {k: 0 for k in keys}


def by_cat(**values):
    return {**zeros(CATEGORIES.keys()), **values}


def compliance_row(
    population=0,
    required=0,
    sampled=0,
    on_time=0,
    late=0,
    too_early=0,
    overdue=0,
    exempt=0,
    unreachable=0,
    callback_rate=None,
    passed=True,
):
    return {
        "population": population,
        "required": required,
        "sampled": sampled,
        "on_time": on_time,
        "late": late,
        "too_early": too_early,
        "overdue": overdue,
        "exempt": exempt,
        "unreachable": unreachable,
        "callback_rate": callback_rate,
        "pass": passed,
    }


def grades(s=0, f=0, u=0, rate=None):
    return {"satisfied": s, "fairly_satisfied": f, "unsatisfied": u, "rate": rate}


EXPECTED = {
    "month": MONTH,
    "received": by_cat(complaint=6, repair=2, special_service=2, help=1, emergency=2, other=1),
    "completed": by_cat(complaint=4, repair=1, special_service=2, help=1, emergency=2),  # C1 C2 C5 C6, R7, ...
    "open": by_cat(complaint=2, repair=1, help=1, other=1),  # C3 C7, R6, H2, O1
    "complaints": {
        "by_class_severity": {
            "type1": {"major": 0, "hot": 1, "important": 0, "general": 2},  # C6; C1 C2
            "type2": {"major": 0, "hot": 0, "important": 1, "general": 0},  # C3
            "type3": {"major": 0, "hot": 0, "important": 0, "general": 1},
        },  # C5
        "by_aspect": {**zeros(ASPECTS.keys()), "清洁卫生": 2, "停车场": 1, "安全保卫": 1, "设备管理": 1, "绿化环保": 1},
    },
    "compliance": {
        **{k: compliance_row() for k in CATEGORIES.keys()},
        # C1 on time, C2 late, C4 overdue, C6 unreachable; C5 exempt. 2/4 called; 1 < 4 required: fail
        "complaint": compliance_row(
            4, 4, 4, on_time=1, late=1, overdue=1, exempt=1, unreachable=1, callback_rate=0.5, passed=False
        ),
        # R1 on time, R5 late, R2 too early, R3 overdue, R4 not drawn. 3/5 called; 1 < 2 required: fail
        "repair": compliance_row(5, 2, 4, on_time=1, late=1, too_early=1, overdue=1, callback_rate=0.6, passed=False),
        "special_service": compliance_row(2, 1, 1, on_time=1, callback_rate=0.5, passed=True),
        "emergency": compliance_row(exempt=1),
        "event": compliance_row(1, 1, 1, on_time=1, callback_rate=1.0, passed=True),
    },
    "satisfaction": {  # callbacks made in October: C1 C2 R7 S1 H1 E2 V1
        **{k: grades() for k in CATEGORIES.keys()},
        "complaint": grades(1, 0, 1, 0.5),
        "repair": grades(1, 0, 0, 1.0),
        "special_service": grades(1, 0, 0, 1.0),
        "help": grades(0, 1, 0, 1.0),
        "emergency": grades(1, 0, 0, 1.0),
        "event": grades(1, 0, 0, 1.0),
        "overall": grades(5, 1, 1, 6 / 7),
    },
    "timeliness": {
        "responded_24h": {"count": 3, "of": 6},  # C1 C2 C6
        "resolved_3_workdays": {"count": 4, "of": 6},
    },  # C1 C2 C5 C6
    "alerts": {
        "unsatisfied": ["C2"],
        "repeat_complaints": [{"unit": "1栋101", "aspect": "清洁卫生", "case_ids": ["C1", "C2"]}],
        "repeat_repairs": [{"unit": "8栋801", "aspect": "房屋维修", "case_ids": ["R1", "R3", "R6"]}],
        "severity_raised": ["C2", "C7"],
    },
}
EXPECTED_BY_ASPECT = {
    **{k: grades() for k in ASPECTS.keys()},
    "清洁卫生": grades(1, 0, 1, 0.5),
    "房屋维修": grades(1, 0, 0, 1.0),
    "服务与投诉处理": grades(1, 0, 0, 1.0),
    "其他": grades(0, 1, 0, 1.0),
    "安全保卫": grades(1, 0, 0, 1.0),
    "综合评议": grades(1, 0, 0, 1.0),
}
# days from receipt to completion of the cases completed in October
EXPECTED_MEDIANS = {
    **{k: None for k in CATEGORIES.keys()},
    "complaint": 2,
    "repair": 5,
    "special_service": 1.5,
    "help": 2,
    "emergency": 0,
    "overall": 2,
}  # complaint 4,2,1,2; S 2,1; all 0,0,1,1,2,2,2,2,4,5
# 12 months 2025-11..2026-10: graded callbacks (content) and windows closing per month
EXPECTED_TREND = {m: (0, 0, None, 0, 0, 0, 0, None) for m in trend_months(MONTH)}
EXPECTED_TREND.update(
    {
        "2026-08": (1, 1, 1.0, 0, 0, 0, 0, None),  # R2 fairly satisfied
        "2026-09": (1, 0, 0.0, 0, 0, 0, 0, None),  # R1 unsatisfied
        # population 4+5+2+1, required 4+2+1+1, called 2+3+1+1, on time 1+1+1+1
        "2026-10": (7, 6, 6 / 7, 12, 8, 7, 4, 7 / 12),
    }
)


def settings(**overrides):
    return settings_grid(Settings(office=OFFICE, **overrides), "zh-Hans")


@pytest.fixture
def main_ledger(tmp_path) -> Path:
    return write_ledger(tmp_path / "台账.xlsx", CASES, fields=FIELDS, headers={"sampled": "抽样"}, settings=settings())


def section9(doc: dict) -> dict:
    return {k: doc[k] for k in EXPECTED}


def test_every_number_of_the_month_matches_the_hand_worked_ledger(main_ledger):
    ledger = load_file(main_ledger)
    assert ledger.problems == [] or all(p.severity == "warning" for p in ledger.problems)
    doc = json.loads(json.dumps(compute(ledger, MONTH, AS_OF).as_json()))
    got = section9(doc)  # rates compared with approx, everything else exactly
    rates = lambda d: {k: (v["rate"] if "rate" in v else v["callback_rate"]) for k, v in d.items()}  # noqa: E731
    assert rates(got["satisfaction"]) == pytest.approx(rates(EXPECTED["satisfaction"]))
    assert rates(got["compliance"]) == pytest.approx(rates(EXPECTED["compliance"]))

    def strip(d):
        return {k: {f: x for f, x in v.items() if f not in ("rate", "callback_rate")} for k, v in d.items()}

    assert strip(got["satisfaction"]) == strip(EXPECTED["satisfaction"])
    assert strip(got["compliance"]) == strip(EXPECTED["compliance"])
    for key in ("month", "received", "completed", "open", "complaints", "timeliness", "alerts"):
        assert got[key] == EXPECTED[key], key
    assert rates(doc["satisfaction_by_aspect"]) == pytest.approx(rates(EXPECTED_BY_ASPECT))
    assert strip(doc["satisfaction_by_aspect"]) == strip(EXPECTED_BY_ASPECT)
    assert doc["median_days_to_complete"] == EXPECTED_MEDIANS
    assert doc["office"] == OFFICE and doc["as_of"] == "2026-11-10"


def test_json_keys_are_all_present_even_for_empty_categories(main_ledger):
    doc = compute(load_file(main_ledger), MONTH, AS_OF).as_json()
    for part in ("received", "completed", "open", "compliance"):
        assert list(doc[part]) == CATEGORIES.keys()
    assert list(doc["satisfaction"]) == [*CATEGORIES.keys(), "overall"]
    assert set(doc["complaints"]["by_class_severity"]) == {"type1", "type2", "type3"}
    assert all(
        set(v) == {"major", "hot", "important", "general"} for v in doc["complaints"]["by_class_severity"].values()
    )
    assert list(doc["complaints"]["by_aspect"]) == ASPECTS.keys() and len(ASPECTS.keys()) == 14
    assert all(
        list(c)
        == [
            "population",
            "required",
            "sampled",
            "on_time",
            "late",
            "too_early",
            "overdue",
            "exempt",
            "unreachable",
            "callback_rate",
            "pass",
        ]
        for c in doc["compliance"].values()
    )
    assert set(doc["alerts"]) == {"unsatisfied", "repeat_complaints", "repeat_repairs", "severity_raised"}
    json.dumps(doc)  # plain JSON types only


def test_not_drawn_cases_are_in_the_population_but_in_no_outcome_bucket(main_ledger):
    c = compute(load_file(main_ledger), MONTH, AS_OF).compliance
    outcomes = ("on_time", "late", "too_early", "overdue", "unreachable")
    # repair: R4 not drawn; special service: S2 not drawn
    assert c["repair"].population - sum(getattr(c["repair"], k) for k in outcomes) == 1
    assert c["special_service"].population - sum(getattr(c["special_service"], k) for k in outcomes) == 1
    assert c["complaint"].population == sum(getattr(c["complaint"], k) for k in outcomes)


def test_trend_months_equal_each_month_computed_on_its_own(main_ledger):
    ledger = load_file(main_ledger)
    stats = compute(ledger, MONTH, AS_OF)
    assert (
        [p.month for p in stats.trend]
        == trend_months(MONTH)
        == ["2025-11", "2025-12", *[f"2026-{m:02d}" for m in range(1, 11)]]
    )
    for point in stats.trend:
        alone = compute(ledger, point.month, AS_OF)
        assert point.satisfaction.as_json() == alone.satisfaction["overall"].as_json()
        total = alone.compliance_total()
        assert (
            point.compliance.population,
            point.compliance.required,
            point.compliance.called,
            point.compliance.on_time,
        ) == (total.population, total.required, total.called, total.on_time)
        s, c = point.satisfaction, point.compliance
        got = (s.graded, s.content, s.rate, c.population, c.required, c.called, c.on_time, c.callback_rate)
        assert got == pytest.approx(EXPECTED_TREND[point.month]), point.month


# ------------------------------------------------------------------ COUNTIFS cross-check with pandas


def test_statistics_agree_with_countifs_style_filters_over_the_file(main_ledger):
    """Each count re-derived the way a reader would with COUNTIFS: plain filters over the sheet."""
    df = pd.read_excel(main_ledger, sheet_name="案件台账", engine="openpyxl")
    for col in ("受理日期", "完成日期", "回访日期", "首次回复时间"):
        df[col] = pd.to_datetime(df[col])
    first, last = (pd.Timestamp(d) for d in month_bounds(MONTH))
    end = last + pd.Timedelta(days=1)
    doc = compute(load_file(main_ledger), MONTH, AS_OF).as_json()
    in_m = lambda col: (df[col] >= first) & (df[col] < end)  # noqa: E731
    for term in CATEGORIES:
        cat = df["类别"] == term.hans
        assert doc["received"][term.key] == int((cat & in_m("受理日期")).sum())
        assert doc["completed"][term.key] == int((cat & in_m("完成日期")).sum())
        open_ = cat & (df["受理日期"] < end) & (df["完成日期"].isna() | (df["完成日期"] >= end))
        assert doc["open"][term.key] == int(open_.sum())
        called = cat & in_m("回访日期")
        for grade, label in (("satisfied", "满意"), ("fairly_satisfied", "一般满意"), ("unsatisfied", "不满意")):
            assert doc["satisfaction"][term.key][grade] == int((called & (df["满意度"] == label)).sum())
    complaints = (df["类别"] == "投诉") & in_m("受理日期")
    for cls, cls_label in (("type1", "一类"), ("type2", "二类"), ("type3", "三类")):
        for sev, sev_label in (("major", "重大"), ("hot", "热点"), ("important", "重要"), ("general", "一般")):
            n = int((complaints & (df["责任类别"] == cls_label) & (df["严重程度"] == sev_label)).sum())
            assert doc["complaints"]["by_class_severity"][cls][sev] == n
    for aspect in ASPECTS.keys():
        assert doc["complaints"]["by_aspect"][aspect] == int((complaints & (df["服务项目"] == aspect)).sum())
    assert doc["timeliness"]["responded_24h"]["of"] == int(complaints.sum())
    # complaints: window [done, done+3 days] closing in the month; 100 % so everyone is drawn
    due = df["完成日期"] + pd.Timedelta(days=3)
    judged = (df["类别"] == "投诉") & (due >= first) & (due < end)
    exempt = (
        judged & df["免回访原因"].isin(["现场解决已确认", "匿名", "住户拒绝回访", "敏感投诉"]) & df["回访日期"].isna()
    )
    population = judged & ~exempt
    on_time = population & (df["回访日期"] >= df["完成日期"]) & (df["回访日期"] <= due)
    late = population & (df["回访日期"] > due)
    c = doc["compliance"]["complaint"]
    assert (c["population"], c["exempt"], c["on_time"], c["late"]) == (
        int(population.sum()),
        int(exempt.sum()),
        int(on_time.sum()),
        int(late.sum()),
    )


# ------------------------------------------------------------------ the sheet, rendered and read back


def blocks(ws) -> list[list[list]]:
    """The sheet as blocks of non-empty rows (each block: a heading and its table)."""
    out, current = [], []
    for values in ws.iter_rows(values_only=True):
        cells = list(values)
        while cells and cells[-1] is None:
            cells.pop()
        if cells:
            current.append(cells)
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def rendered(ledger, stats, tmp_path, lang="zh-Hans"):
    book = openpyxl.Workbook()
    book.remove(book.active)
    render(stats_layout(stats, lang, ledger), book)
    path = tmp_path / "sheet.xlsx"
    book.save(path)
    return openpyxl.load_workbook(path)


def test_sheet_tables_read_back_from_the_xlsx_hold_the_hand_worked_numbers(main_ledger, tmp_path):
    ledger = load_file(main_ledger)
    book = rendered(ledger, compute(ledger, MONTH, AS_OF), tmp_path)
    ws = book[f"月度统计 {MONTH}"]
    b = blocks(ws)
    assert b[0][0] == [f"{OFFICE} 月度回访统计表({MONTH})"]
    assert b[0][1][0].startswith("统计期间 2026-10-01 至 2026-10-31;回访记录截至 2026-11-10")
    # 1. received / completed / open
    assert b[1][0] == ["一、案件受理、完成与未完成情况(按类别)"]
    assert b[1][1] == ["类别", "本月受理", "本月完成", "月末未完成"]
    assert b[1][2:] == [
        ["投诉", 6, 4, 2],
        ["维修", 2, 1, 1],
        ["特约服务", 2, 2, 0],
        ["求助", 1, 1, 1],
        ["急救", 2, 2, 0],
        ["活动/刊物", 0, 0, 0],
        ["监管回访", 0, 0, 0],
        ["其他", 1, 0, 1],
        ["合计", 14, 10, 5],
    ]
    # 2. complaints by class × severity, with the unclassified C7 noted, then by aspect
    assert b[2][1] == ["责任类别", "重大", "热点", "重要", "一般", "合计"]
    assert b[2][2:6] == [
        ["一类", 0, 1, 0, 2, 3],
        ["二类", 0, 0, 1, 0, 1],
        ["三类", 0, 0, 0, 1, 1],
        ["合计", 0, 1, 1, 3, 5],
    ]
    assert b[2][6] == ["另有 1 件本月投诉未填写责任类别或严重程度,未计入上表。"]
    aspects = {r[0]: r[1] for r in b[3][1:-1]}
    assert b[3][0] == ["服务项目", "投诉件数"] and b[3][-1] == ["合计", 6]
    assert aspects == {**zeros(ASPECTS.keys()), "清洁卫生": 2, "停车场": 1, "安全保卫": 1, "设备管理": 1, "绿化环保": 1}
    # 3. compliance
    assert b[4][1] == [
        "类别",
        "应回访总数",
        "抽中",
        "按时回访",
        "逾期回访",
        "过早回访",
        "逾期未回访",
        "免回访",
        "无法联系",
        "规定回访件数",
        "实际回访率",
        "规定回访率",
        "结果(按时 ≥ 规定为合格)",
    ]
    comp = {r[0]: r for r in b[4][2:11]}
    assert comp["投诉"] == ["投诉", 4, 4, 1, 1, 0, 1, 1, 1, 4, 0.5, 1, "不合格:按时 1 < 规定 4"]
    assert comp["维修"] == ["维修", 5, 4, 1, 1, 1, 1, 0, 0, 2, 0.6, 0.3, "不合格:按时 1 < 规定 2"]
    assert comp["特约服务"] == ["特约服务", 2, 1, 1, 0, 0, 0, 0, 0, 1, 0.5, 0.3, "合格:按时 1 ≥ 规定 1"]
    assert comp["求助"] == ["求助", 0, 0, 0, 0, 0, 0, 0, 0, 0, "无数据", 0.3, "—"]
    assert comp["急救"] == ["急救", 0, 0, 0, 0, 0, 0, 1, 0, 0, "无数据", 1, "—"]
    assert comp["活动/刊物"] == ["活动/刊物", 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 0.1, "合格:按时 1 ≥ 规定 1"]
    assert comp["监管回访"] == ["监管回访", 0, 0, 0, 0, 0, 0, 0, 0, 0, "无数据", 1, "—"]
    assert comp["其他"] == ["其他", 0, 0, 0, 0, 0, 0, 0, 0, 0, "无数据", 0.3, "—"]
    total = comp["合计"]
    assert total[:10] == ["合计", 12, 10, 4, 2, 1, 2, 2, 1, 8] and total[12] == "不合格:2 类未达标"
    assert total[10] == pytest.approx(7 / 12) and total[11] is None  # no aggregate required rate
    # 4. satisfaction by category (with target) and by aspect
    sat = {r[0]: r for r in b[5][2:11]}
    assert sat["投诉"] == ["投诉", 1, 0, 1, 2, 0.5, 0.95, "不合格:50.0% < 95.0%"]
    assert sat["维修"] == ["维修", 1, 0, 0, 1, 1, 0.95, "合格:100.0% ≥ 95.0%"]
    assert sat["求助"] == ["求助", 0, 1, 0, 1, 1, 0.95, "合格:100.0% ≥ 95.0%"]
    assert sat["其他"] == ["其他", 0, 0, 0, 0, "无数据", 0.95, "—"]  # no denominator: said, not left blank
    overall = sat["合计(总体)"]
    assert overall[:5] == ["合计(总体)", 5, 1, 1, 7] and overall[5] == pytest.approx(6 / 7)
    assert overall[6:] == [0.95, "不合格:85.7% < 95.0%"]
    by_aspect = {r[0]: r[1:5] for r in b[6][1:]}
    assert by_aspect["清洁卫生"] == [1, 0, 1, 2] and by_aspect["综合评议"] == [1, 0, 0, 1]
    assert by_aspect["合计"] == [5, 1, 1, 7]
    # 5. timeliness and medians
    assert b[7][2:] == [["投诉24小时内首次回复", 3, 6, 0.5], ["投诉3个工作日内解决", 4, 6, pytest.approx(4 / 6)]]
    medians = {r[0]: r[1:] for r in b[8][1:]}
    assert medians["投诉"] == [4, 2] and medians["特约服务"] == [2, 1.5] and medians["合计"] == [10, 2]
    assert medians["活动/刊物"] == [0]
    # 6. alerts with case ids (unit B:C, aspect D:E, count F, detail G:I, ids J:M, merged)
    assert b[9][1] == ["预警类型", "房号", None, "服务项目", None, "件数", "说明", None, None, "案件编号"]
    assert b[9][2:] == [
        ["回访不满意", "1栋101", None, "清洁卫生", None, 1, "投诉", None, None, "C2"],
        ["重复投诉", "1栋101", None, "清洁卫生", None, 2, "同房号同事项 90天内 ≥2 次", None, None, "C1、C2"],
        ["重复维修", "8栋801", None, "房屋维修", None, 3, "同房号同事项 180天内 ≥3 次", None, None, "R1、R3、R6"],
        ["等级建议上调", "1栋101", None, "清洁卫生", None, 1, "登记 一般 → 建议 热点", None, None, "C2"],
        ["等级建议上调", "7栋701", None, "绿化环保", None, 1, "登记 (未填) → 建议 热点", None, None, "C7"],
        ["合计", None, None, None, None, 5, "共 5 项"],
    ]
    # 7. trend: 12 months and a totals row
    trend = b[10][2:]
    assert [r[0] for r in trend] == [*trend_months(MONTH), "合计"]
    oct_ = trend[11]
    assert oct_[:4] == ["2026-10", 7, 6, pytest.approx(6 / 7)] and oct_[4:10] == [
        0.95,
        12,
        8,
        7,
        4,
        pytest.approx(7 / 12),
    ]
    assert trend[12][:3] == ["合计", 9, 7] and trend[12][3] == pytest.approx(7 / 9)
    assert b[-1][0][0].startswith("制表人:") and "服务中心主管(签字)" in b[-1][0][0]


def test_sheet_formats_rates_as_percent_highlights_pass_fail_and_prints_on_a4(main_ledger, tmp_path):
    ledger = load_file(main_ledger)
    ws = rendered(ledger, compute(ledger, MONTH, AS_OF), tmp_path)[f"月度统计 {MONTH}"]
    cells = {(c.row, c.column): c for r in ws.iter_rows() for c in r}

    def find(text):
        return next(c for c in cells.values() if c.value == text)

    fail = find("不合格:按时 1 < 规定 4")
    complaint_rate = ws.cell(fail.row, 11)
    assert complaint_rate.number_format == "0.0%" and complaint_rate.value == 0.5
    assert fail.fill.fgColor.rgb.endswith("FFC7CE") and complaint_rate.fill.fgColor.rgb.endswith("FFC7CE")
    assert find("合格:按时 1 ≥ 规定 1").fill.fgColor.rgb.endswith("C6EFCE")
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
    assert len(ws._charts) == 2
    assert not any(c.data_type == "f" for c in cells.values())


@pytest.mark.parametrize(
    "lang,name,title",
    [
        ("zh-Hans", "月度统计 2026-10", "月度回访统计表"),
        ("zh-Hant", "月度統計 2026-10", "月度回訪統計表"),
        ("en", "Statistics 2026-10", "monthly callback statistics"),
    ],
)
def test_sheet_name_and_labels_follow_the_ledger_language(tmp_path, lang, name, title):
    path = write_ledger(
        tmp_path / "l.xlsx",
        CASES,
        fields=FIELDS,
        headers={"sampled": "抽样"},
        settings=settings_grid(Settings(office=OFFICE), lang),
    )
    ledger = load_file(path)
    assert ledger.lang == lang
    result, changes = stats_job(ledger, MONTH, AS_OF)
    layout = changes.sheets[0]
    assert layout.name == name == sheet_name(MONTH, lang)
    assert title in layout.rows[0][0]
    assert section9(json.loads(json.dumps(result.as_json())))["received"] == EXPECTED["received"]
    text = stats_text(result, lang)
    assert OFFICE in text and MONTH in text


def test_stats_text_summarises_the_month_in_the_ledger_language(main_ledger):
    ledger = load_file(main_ledger)
    lines = stats_text(compute(ledger, MONTH, AS_OF), "zh-Hans").splitlines()
    assert lines[0] == f"{OFFICE} {MONTH} 月度统计(回访截至 2026-11-10)"
    assert lines[1] == "受理 14 件,完成 10 件,月末未完成 5 件。"
    assert (
        "投诉:应回访 4,规定 4,按时 1,逾期回访 1,过早 0,逾期未回访 1,免回访 1,无法联系 1,回访率 50.0%,不合格:按时 1 < 规定 4"
        in lines
    )
    assert "急救:应回访 0,规定 0,按时 0,逾期回访 0,过早 0,逾期未回访 0,免回访 1,无法联系 0,回访率 —,—" in lines
    assert not any(line.startswith("监管回访") for line in lines)  # nothing closed, nothing exempt
    assert "满意度:回访 7 件,满意率 85.7%(目标 95.0%)。" in lines
    assert "投诉 6 件:24小时内回复 3,3个工作日内解决 4。" in lines
    assert "预警:不满意 1,重复投诉 1 组,重复维修 1 组,等级建议上调 2。" in lines


# ------------------------------------------------------------------ the job and --write


def test_stats_job_changes_one_month_sheet_and_one_log_row(main_ledger):
    ledger = load_file(main_ledger)
    result, changes = stats_job(ledger, MONTH, AS_OF)
    assert [s.name for s in changes.sheets] == ["月度统计 2026-10", "回访意见汇总 2026-10"]  # + feedback (issue 16)
    # the tool columns and highlights are rewritten too, so 问题 and the colours stay in step (issue 13.5)
    assert set(changes.tool_values) >= {"callback_status", "problems"}
    assert len(changes.log_rows) == 1
    _, action, params, outcome, _ = changes.log_rows[0]
    assert action == "stats" and json.loads(params) == {"month": MONTH, "as_of": "2026-11-10"}
    logged = json.loads(outcome)
    assert (logged["received"], logged["population"], logged["on_time"], logged["overdue"], logged["alerts"]) == (
        14,
        12,
        4,
        2,
        5,
    )
    assert result.headline() == {"callbacks": 7, "satisfaction_rate": pytest.approx(6 / 7), "overdue": 2, "alerts": 5}


def test_write_replaces_only_that_months_sheet(main_ledger):
    ledger = load_file(main_ledger)
    apply_changes(main_ledger, ledger, stats_job(ledger, "2026-09", AS_OF)[1])
    ledger = load_file(main_ledger)
    apply_changes(main_ledger, ledger, stats_job(ledger, MONTH, AS_OF)[1])
    ledger = load_file(main_ledger)
    apply_changes(main_ledger, ledger, stats_job(ledger, MONTH, AS_OF)[1])  # again: replaced, not duplicated
    book = openpyxl.load_workbook(main_ledger)
    assert [n for n in book.sheetnames if n.startswith("月度统计")] == ["月度统计 2026-09", "月度统计 2026-10"]
    sept = blocks(book["月度统计 2026-09"])
    assert sept[0][0] == [f"{OFFICE} 月度回访统计表(2026-09)"]
    assert sept[1][2] == ["投诉", 1, 1, 0]  # C4 received and completed in September
    assert len(load_file(main_ledger).cases) == len(CASES)


def test_each_write_appends_one_stats_row_to_the_log(main_ledger):
    for month in ("2026-09", MONTH, MONTH):
        ledger = load_file(main_ledger)
        apply_changes(main_ledger, ledger, stats_job(ledger, month, AS_OF)[1])
    log = [e for e in load_file(main_ledger).log if e["action"] == "stats"]
    assert [e["params"]["month"] for e in log] == ["2026-09", MONTH, MONTH]
    assert log[-1]["result"]["sheet"] == "月度统计 2026-10" and log[-1]["result"]["population"] == 12


# ------------------------------------------------------------------ empty months


def test_a_month_with_no_cases_is_all_zeros_with_no_rates(tmp_path, main_ledger):
    ledger = load_file(main_ledger)
    doc = compute(ledger, "2025-06", AS_OF).as_json()
    assert doc["received"] == doc["completed"] == doc["open"] == by_cat()
    assert all(c == compliance_row() for c in doc["compliance"].values())
    assert all(g == grades() for g in doc["satisfaction"].values())
    assert doc["timeliness"] == {"responded_24h": {"count": 0, "of": 0}, "resolved_3_workdays": {"count": 0, "of": 0}}
    assert doc["alerts"] == {"unsatisfied": [], "repeat_complaints": [], "repeat_repairs": [], "severity_raised": []}
    empty = load_file(write_ledger(tmp_path / "empty.xlsx", [], settings=settings()))
    result, changes = stats_job(empty, MONTH, AS_OF)
    assert result.as_json()["received"] == by_cat() and len(result.trend) == 12
    b = blocks(rendered(empty, result, tmp_path)[f"月度统计 {MONTH}"])
    assert b[9][2] == ["本月无预警"] and b[9][3] == ["合计", None, None, None, None, 0, "共 0 项"]
    assert b[1][-1] == ["合计", 0, 0, 0]


def test_a_month_with_only_open_cases_counts_them_received_and_open(tmp_path):
    rows = [
        complaint("K1", D(2026, 10, 3), unit="1栋1", aspect="停车场", responsibility="一类", severity="一般"),
        complaint("K2", D(2026, 10, 30), unit="1栋2", aspect="停车场", responsibility="一类", severity="一般"),
        row("K3", "维修", D(2026, 10, 12), unit="1栋3", aspect="房屋维修"),
        row("K4", "维修", D(2026, 11, 2), D(2026, 11, 3), unit="1栋4", aspect="房屋维修"),
    ]  # after M
    ledger = load_file(write_ledger(tmp_path / "open.xlsx", rows, settings=settings()))
    doc = compute(ledger, MONTH, AS_OF).as_json()
    assert doc["received"] == by_cat(complaint=2, repair=1)
    assert doc["completed"] == by_cat()
    assert doc["open"] == by_cat(complaint=2, repair=1)
    assert all(c == compliance_row() for c in doc["compliance"].values())
    assert doc["timeliness"] == {"responded_24h": {"count": 0, "of": 2}, "resolved_3_workdays": {"count": 0, "of": 2}}
    # K1 is unresolved for 4 weeks by 10-31: hot (a week) — above the clerk's 一般. K2: 1 day old, general.
    assert doc["alerts"]["severity_raised"] == ["K1"]
    assert doc["median_days_to_complete"]["overall"] is None


# ------------------------------------------------------------------ timeliness rules


@pytest.mark.parametrize(
    "received,reply,within",
    [
        (T(2026, 10, 9, 10, 0), T(2026, 10, 10, 10, 0), True),  # exactly 24 h
        (T(2026, 10, 9, 10, 0), T(2026, 10, 10, 10, 1), False),  # 24 h 1 min
        (T(2026, 10, 9, 10, 0), T(2026, 10, 9, 9, 0), False),  # before the receipt: not a reply
        (D(2026, 10, 9), D(2026, 10, 9), True),  # date-only receipt: same day
        (D(2026, 10, 9), T(2026, 10, 10, 23, 59), True),  # date-only receipt: any time next day
        (D(2026, 10, 9), D(2026, 10, 11), False),  # the day after next
        (T(2026, 10, 9, 23, 0), D(2026, 10, 10), True),  # date-only reply: next calendar day
        (D(2026, 10, 9), None, False),  # no reply recorded
    ],
)
def test_responded_within_24h_gives_a_date_only_receipt_the_next_calendar_day(tmp_path, received, reply, within):
    ledger = load_file(
        write_ledger(
            tmp_path / "t.xlsx",
            [complaint("X", received, first_response_at=reply, unit="1栋1", aspect="停车场")],
            settings=settings(),
        )
    )
    assert responded_within_24h(ledger.cases[0]) is within
    assert compute(ledger, MONTH, AS_OF).responded_24h.as_json() == {"count": int(within), "of": 1}


def test_resolved_within_3_working_days_follows_national_day_and_makeup_days(tmp_path):
    # 2026: holidays 10-01..10-07; Sat 10-10 is a make-up working day.
    rows = [
        complaint("A", D(2026, 9, 30), D(2026, 10, 10)),  # 3 wd: 10-08, 10-09, 10-10 -> in time
        complaint("B", D(2026, 9, 30), D(2026, 10, 12)),  # too late (calendar-weekday count would say 10-05)
        complaint("C", D(2026, 10, 9), D(2026, 10, 13)),  # 3 wd: 10-10 (make-up), 10-12, 10-13 -> in time
        complaint("E", D(2026, 10, 9), D(2026, 10, 14)),  # one day past
        complaint("F", D(2026, 10, 1), D(2026, 10, 10)),
    ]  # received on the holiday: 10-08..10-10
    ledger = load_file(write_ledger(tmp_path / "wd.xlsx", rows, settings=settings()))
    assert compute(ledger, "2026-09", AS_OF).resolved_3_workdays.as_json() == {"count": 1, "of": 2}
    assert compute(ledger, MONTH, AS_OF).resolved_3_workdays.as_json() == {"count": 2, "of": 3}
    # the office declares 10-12 a holiday in Settings: C's deadline and E's move to 10-14
    office_day_off = settings(holidays=[Holiday(day=D(2026, 10, 12), workday=False, note="office")])
    ledger = load_file(write_ledger(tmp_path / "wd2.xlsx", rows, settings=office_day_off))
    assert compute(ledger, MONTH, AS_OF).resolved_3_workdays.as_json() == {"count": 3, "of": 3}


def test_unknown_calendar_year_is_reported_not_guessed(tmp_path):
    rows = [complaint("Z", D(2099, 3, 2), D(2099, 3, 3), unit="1栋1", aspect="停车场")]
    ledger = load_file(write_ledger(tmp_path / "y.xlsx", rows, settings=settings()))
    stats = compute(ledger, "2099-03", dt.date(2099, 4, 1))
    assert stats.resolved_3_workdays.as_json() == {"count": 0, "of": 1}
    assert any("2099" in p.message for p in stats.problems)


# ------------------------------------------------------------------ repeat alerts and look-back


def test_repeat_complaints_need_two_in_the_lookback_ending_on_the_last_day_with_one_in_the_month(tmp_path):
    # 90 days ending 10-31 include 08-03 .. 10-31
    rows = [
        complaint("A1", D(2026, 8, 3), unit="1栋1", aspect="停车场"),
        complaint("A2", D(2026, 10, 5), unit="1栋1", aspect="停车场"),  # group A: alert
        complaint("B1", D(2026, 8, 2), unit="1栋2", aspect="停车场"),  # one day too early
        complaint("B2", D(2026, 10, 5), unit="1栋2", aspect="停车场"),
        complaint("C1", D(2026, 9, 1), unit="1栋3", aspect="停车场"),
        complaint("C2", D(2026, 9, 20), unit="1栋3", aspect="停车场"),  # none in October
        complaint("D1", D(2026, 10, 1), unit="1栋4", aspect="停车场"),
        complaint("D2", D(2026, 10, 2), unit="1栋4", aspect="清洁卫生"),  # another matter
        complaint("E1", D(2026, 10, 3), unit="1栋5 ", aspect="绿化环保"),  # trailing space: same unit
        complaint("E2", D(2026, 10, 4), unit="1栋5", aspect="绿化环保"),
        complaint("E3", D(2026, 11, 1), unit="1栋5", aspect="绿化环保"),  # after the month
        row("F1", "维修", D(2026, 10, 1), unit="1栋6", aspect="停车场"),  # a repair is no complaint
        complaint("F2", D(2026, 10, 2), unit="1栋6", aspect="停车场"),
    ]
    ledger = load_file(write_ledger(tmp_path / "rc.xlsx", rows, settings=settings()))
    groups = compute(ledger, MONTH, AS_OF).as_json()["alerts"]["repeat_complaints"]
    assert groups == [
        {"unit": "1栋1", "aspect": "停车场", "case_ids": ["A1", "A2"]},
        {"unit": "1栋5", "aspect": "绿化环保", "case_ids": ["E1", "E2"]},
    ]
    shorter = load_file(write_ledger(tmp_path / "rc30.xlsx", rows, settings=settings(complaint_lookback_days=30)))
    assert shorter.settings.complaint_lookback_days == 30
    assert [g["unit"] for g in compute(shorter, MONTH, AS_OF).as_json()["alerts"]["repeat_complaints"]] == ["1栋5"]


def test_repeat_repairs_need_three_in_180_days(tmp_path):
    # 180 days ending 10-31 include 05-05 .. 10-31
    rows = [
        row("A1", "维修", D(2026, 5, 5), D(2026, 5, 6), unit="2栋1", aspect="房屋维修"),
        row("A2", "维修", D(2026, 7, 1), D(2026, 7, 2), unit="2栋1", aspect="房屋维修"),
        row("A3", "维修", D(2026, 10, 1), unit="2栋1", aspect="房屋维修"),  # alert
        row("B1", "维修", D(2026, 5, 4), D(2026, 5, 6), unit="2栋2", aspect="房屋维修"),  # outside
        row("B2", "维修", D(2026, 7, 1), D(2026, 7, 2), unit="2栋2", aspect="房屋维修"),
        row("B3", "维修", D(2026, 10, 1), unit="2栋2", aspect="房屋维修"),
        row("C1", "维修", D(2026, 9, 1), D(2026, 9, 2), unit="2栋3", aspect="设备管理"),
        row("C2", "维修", D(2026, 10, 1), unit="2栋3", aspect="设备管理"),
    ]  # only two
    ledger = load_file(write_ledger(tmp_path / "rr.xlsx", rows, settings=settings()))
    assert compute(ledger, MONTH, AS_OF).as_json()["alerts"]["repeat_repairs"] == [
        {"unit": "2栋1", "aspect": "房屋维修", "case_ids": ["A1", "A2", "A3"]}
    ]
    longer = load_file(write_ledger(tmp_path / "rr2.xlsx", rows, settings=settings(repair_lookback_days=181)))
    assert [g["unit"] for g in compute(longer, MONTH, AS_OF).as_json()["alerts"]["repeat_repairs"]] == ["2栋1", "2栋2"]


def test_severity_raised_is_judged_as_of_the_months_last_day(tmp_path):
    rows = [
        complaint("M1", D(2026, 10, 1), D(2026, 11, 20), severity="一般", unit="1栋1", aspect="停车场"),
        # by 10-31 open for 30 days: hot (unresolved a week), not yet major (a month ends 11-01)
        complaint(
            "M2", D(2026, 10, 2), D(2026, 10, 3), severity="一般", lawsuit_or_media="是", unit="1栋2", aspect="停车场"
        ),  # lawsuit: major
        complaint(
            "M3", D(2026, 10, 2), D(2026, 10, 3), severity="重大", lawsuit_or_media="是", unit="1栋3", aspect="清洁卫生"
        ),  # clerk already major
        complaint("M4", D(2026, 9, 1), None, severity="一般", unit="1栋4", aspect="员工态度"),
    ]  # September
    ledger = load_file(write_ledger(tmp_path / "sev.xlsx", rows, settings=settings()))
    stats = compute(ledger, MONTH, AS_OF)
    assert [(r.case_id, r.clerk, r.suggested) for r in stats.alerts.severity_raised] == [
        ("M1", "general", "hot"),
        ("M2", "general", "major"),
    ]
