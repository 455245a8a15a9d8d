"""Issue 19 with issue 16 (2): the page's 登记回访结果 / 撤销上次登记 on English and Traditional ledgers,
driven by plain HTTP posts (the real click is in test_web_page_in_browser); the workbook is read back."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import httpx
from openpyxl import load_workbook

from web_support import demo_ledger, running_page


def post(server, key: str, **fields: str) -> str:
    form = {"csrf": server.keys.csrf, **fields}
    answer = httpx.post(server.url + "run/" + key, data=form, headers={"Origin": f"http://127.0.0.1:{server.port}"})
    assert answer.status_code == 200
    return answer.text


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def type_first(path: Path, sheet: str, case_header: str, values: dict[str, object]) -> str:
    """Types `values` into the first row of the list's main table (the one with these headers); its case id."""
    book = load_workbook(path)
    rows = list(book[sheet].iter_rows())
    at = next(i for i, r in enumerate(rows) if {case_header, *values} <= {c.value for c in r})
    header = [c.value for c in rows[at]]
    for name, value in values.items():
        rows[at + 1][header.index(name)].value = value
    book.save(path)
    return rows[at + 1][header.index(case_header)].value


def case_values(path: Path, sheet: str, case_header: str, case_id: str, headers: list[str]) -> list[object]:
    ws = load_workbook(path)[sheet]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[header.index(case_header)] == case_id)
    return [row[header.index(h)] for h in headers]


def test_english_ledger_results_typed_into_the_list_are_posted_and_undone(tmp_path):
    ledger = demo_ledger(tmp_path / "office", lang="en", rows=60)
    today = dt.date.today()
    typed = {"Callback date": today, "Callback method": "Phone", "Satisfaction": "Satisfied", "Notes": "fixed"}
    posted_to = ["Callback on", "Callback method", "Satisfaction", "Callback notes"]  # the case sheet's own headers
    with running_page(ledger) as server:
        assert "outcome ok" in post(server, "callbacks")
        case_id = type_first(ledger, "Callback list", "Case ID", typed)
        body = post(server, "record")
        assert "outcome ok" in body and "were posted to" in body and case_id in body
        assert case_values(ledger, "Cases", "Case ID", case_id, posted_to) == [
            dt.datetime(today.year, today.month, today.day),
            "Phone",
            "Satisfied",
            "fixed",
        ]
        body = post(server, "undo_record")
        assert "outcome ok" in body and "cells put back" in body
        assert case_values(ledger, "Cases", "Case ID", case_id, posted_to) == [None] * 4
        before = digest(ledger)
        body = post(server, "undo_record")  # the posting is undone already
    assert "outcome err" in body and "no posting of callback results left to undo" in body
    assert digest(ledger) == before


def test_traditional_ledger_without_a_callback_list_is_told_to_make_it_first_and_is_not_changed(tmp_path):
    ledger = demo_ledger(tmp_path / "office", lang="zh-Hant", rows=40)
    before = digest(ledger)
    with running_page(ledger) as server:
        body = post(server, "record")
        assert "outcome err" in body and "請先生成回訪清單" in body
        assert digest(ledger) == before
        assert "outcome ok" in post(server, "callbacks")
        body = post(server, "record")  # the list is there, nothing is typed into it yet
    assert "沒有新填寫的回訪結果" in body
