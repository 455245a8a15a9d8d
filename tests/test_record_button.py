"""Issue 16 (2): the ribbon button 登记回访结果 (ledger.xl.record_results) on a live workbook (xlwings remote engine)."""

from __future__ import annotations

import datetime as dt

from ledger.io.workbook import read_grids
from test_record_results import RESULT, two_due, type_into_list
from test_xlwings_buttons import payload, position, run, values_at, xw  # noqa: F401 - xw: the module's engine fixture

TODAY = dt.date(2026, 11, 20)


def test_record_results_button_posts_the_typed_result_into_the_case_cells(tmp_path):
    path = two_due(tmp_path)
    type_into_list(path, "回访清单", {"C1": RESULT})
    grids = read_grids(path)
    header = grids["案件台账"][0]
    book, message, acts = run("record_results", payload(grids), today=TODAY)
    assert message.startswith("已把 1 件案件的回访结果(5 个单元格)记入“案件台账”")
    assert values_at(acts, 0, 2, header.index("满意度") + 1) == [["满意"]]
    assert values_at(acts, 0, 2, header.index("回访意见") + 1) == [["已清理干净"]]
    listed = values_at(acts, position(book, "回访清单"), 1, 1)
    assert [r[1] for r in listed[3:] if r[1]] == ["C2"]  # the list is made again without C1


def test_record_results_button_refuses_everything_when_an_entry_is_wrong(tmp_path):
    path = two_due(tmp_path)
    type_into_list(path, "回访清单", {"C1": RESULT, "C2": {"回访日期": "2026-11-19", "满意度": "说不清"}})
    book, message, acts = run("record_results", payload(read_grids(path)), today=TODAY)
    assert message.splitlines()[0].startswith("未登记任何结果:有 1 处需要更正")
    assert "说不清" in message
    assert not [a for a in acts if a["func"] == "setValues"]
