"""The xlwings layer on the real remote engine: payloads read from real ledger files, actions asserted.

Each button runs against `xw.Book(json=payload)`; what it would do to Excel is
the list of actions in `book.json()`. The payloads are the values of ledger
files written by ledger.demo_workbook.write_ledger and read back with calamine,
dates as the ISO strings an Office Scripts client sends.
"""

from __future__ import annotations

import copy
import datetime as dt
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from openpyxl.utils import get_column_letter

import ledger.xl as lx
from ledger.core.columns import CASE_COLUMNS, TOOL_COLUMNS
from ledger.core.log import LOG_HEADERS
from ledger.demo.workbook import write_ledger
from ledger.io.workbook import read_grids
from union_engine import payload

REPO = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 5)
TITLE_ROWS = 1  # a title above the header: the header is Excel row 2
HEADER_ROW = TITLE_ROWS + 1
CASE_COLS = len(CASE_COLUMNS)  # write_ledger writes every case column
RED, YELLOW = "#FFC7CE", "#FFEB9C"
TOOL_LABELS = ["回访起始", "回访期限", "回访状态", "抽样", "抽样原因", "建议等级", "问题", "跟进事项"]


@contextmanager
def remote_xlwings():
    """xlwings with its remote engine, licensed for non-commercial use while a test module runs; the
    helpers of this module (book_of, …) build their books with it. Every xlwings test module uses it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
        import xlwings

        if "remote" not in [e.name for e in xlwings.engines]:  # imported earlier without the key
            from xlwings.pro import _xlremote

            xlwings.engines.add(xlwings.Engine(impl=_xlremote.engine))
        mp.setitem(globals(), "xw", xlwings)
        yield xlwings


@pytest.fixture(scope="module", autouse=True)
def xw():
    with remote_xlwings() as xlwings:
        yield xlwings


def _case(case_id, category, received, completed=None, callback=None, **extra):
    row = {
        "case_id": case_id,
        "received_on": received,
        "category": category,
        "channel": "电话",
        "unit": extra.pop("unit", "1栋1单元101"),
        "customer": "王先生",
        "phone": "13800138000",
        "description": extra.pop("description", "门锁损坏"),
        "aspect": extra.pop("aspect", "房屋维修"),
        "department": "工程部",
        "handler": "张伟",
        "completed_on": completed,
        "callback_on": callback,
    }
    if callback:
        row.update(callback_method="电话", callback_by="陈静", callback_attempts=1, satisfaction="满意")
    row.update(extra)
    return row


# The cases the assertions name; they come first so their Excel rows are fixed.
SPECIAL = [
    _case("BAD-DATE", "维修", "2026-13-45", dt.date(2026, 5, 3), unit="2栋1单元101"),  # row 3: error
    _case(
        "TS-OVERDUE",
        "投诉",
        dt.datetime(2026, 10, 19, 9, 0),
        dt.date(2026, 10, 20),  # row 4: overdue
        unit="3栋1单元101",
        aspect="清洁卫生",
        responsibility="一类",
        severity="一般",
        complainants=1,
        first_response_at=dt.datetime(2026, 10, 19, 10, 0),
        description='=HYPERLINK("x")楼道垃圾未清',
    ),
    _case(
        "TS-DUE",
        "投诉",
        dt.datetime(2026, 11, 3, 9, 0),
        dt.date(2026, 11, 4),  # row 5: due
        unit="4栋1单元101",
        aspect="员工态度",
        responsibility="一类",
        severity="一般",
        complainants=1,
        first_response_at=dt.datetime(2026, 11, 3, 9, 30),
    ),
]
BAD_ROW, OVERDUE_ROW, DUE_ROW = HEADER_ROW + 1, HEADER_ROW + 2, HEADER_ROW + 3


def bulk(n: int) -> list[dict]:
    """Repairs called back inside their window: no problem, not listed, nothing to draw."""
    return [
        _case(
            f"WX-{i:05d}",
            "维修",
            dt.date(2026, 5, 1),
            dt.date(2026, 5, 2),
            dt.date(2026, 6, 10),
            unit=f"{i % 90 + 1}栋{i // 90 % 4 + 1}单元{i // 360 + 101}",  # each unit once: no repeat repairs
        )
        for i in range(n - len(SPECIAL))
    ]


def ledger_payload(tmp_path: Path, n: int) -> dict:
    path = write_ledger(tmp_path / f"ledger_{n}.xlsx", SPECIAL + bulk(n), title_rows=TITLE_ROWS)
    return payload(read_grids(path))


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> dict:
    return ledger_payload(tmp_path_factory.mktemp("small"), 100)


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> dict:
    return ledger_payload(tmp_path_factory.mktemp("large"), 10_000)


def actions(book) -> list[dict]:
    return book.json()["actions"]


def position(book, name: str) -> int:
    return [s.name for s in book.sheets].index(name)


def values_at(acts, sheet_pos: int, row: int, col: int) -> list[list]:
    """The values block a setValues action wrote starting at (row, col), 1-based."""
    found = [
        a
        for a in acts
        if a["func"] == "setValues"
        and a["sheet_position"] == sheet_pos
        and a["start_row"] == row - 1
        and a["start_column"] == col - 1
    ]
    assert len(found) == 1, found
    return found[0]["values"]


def colors(acts, sheet_pos: int) -> dict[tuple[int, int, int, int], str]:
    """(first row, first col, last row, last col) -> colour of each setRangeColor, 1-based;
    a setRangeColors matrix counts as one single-cell range per coloured cell."""
    found = {}
    for a in acts:
        if a["sheet_position"] != sheet_pos:
            continue
        if a["func"] == "setRangeColor":
            found[
                (
                    a["start_row"] + 1,
                    a["start_column"] + 1,
                    a["start_row"] + a["row_count"],
                    a["start_column"] + a["column_count"],
                )
            ] = a["args"][0]
        elif a["func"] == "setRangeColors":
            for i, row in enumerate(a["args"][0]):
                for j, color in enumerate(row):
                    if color != "keep":
                        r, c = a["start_row"] + 1 + i, a["start_column"] + 1 + j
                        found[(r, c, r, c)] = color.upper()
    return found


def book_of(data: dict):
    """A fresh book: the remote engine edits its payload in place (added sheets), so each gets a copy."""
    return xw.Book(json=copy.deepcopy(data))


def run(button: str, data: dict, **kwargs):
    book = book_of(data)
    message = getattr(lx, button)(book, **kwargs)
    return book, message, actions(book)


# --------------------------------------------------------------------------- validate


def test_validate_writes_tool_columns_right_of_the_case_columns(small):
    book, message, acts = run("validate", small, today=TODAY)
    block = values_at(acts, 0, HEADER_ROW, CASE_COLS + 1)
    assert block[0] == TOOL_LABELS
    assert len(block) == 1 + 100  # header + every case row, so stale values are cleared
    by_row = {HEADER_ROW + i: r for i, r in enumerate(block)}
    assert by_row[OVERDUE_ROW][:3] == ["2026-10-20", "2026-10-23", "逾期"]
    assert by_row[DUE_ROW][2] == "待回访"
    assert by_row[BAD_ROW][6].startswith("✖受理日期")
    assert by_row[HEADER_ROW + 10][2] == "已回访"
    assert "错误 1 个" in message and "共 100 行" in message


def test_validate_highlights_the_bad_cell_red(small):
    book, _, acts = run("validate", small, today=TODAY)
    fills = colors(acts, 0)
    assert fills[(BAD_ROW, 2, BAD_ROW, 2)] == RED  # 受理日期 is column B
    header = (HEADER_ROW, CASE_COLS + 1, HEADER_ROW, CASE_COLS + len(TOOL_COLUMNS))
    assert fills[header] == "#FFE699"
    assert len(fills) == 2


def test_validate_formats_the_window_columns_as_dates_in_one_call(small):
    _, _, acts = run("validate", small, today=TODAY)
    formats = [a for a in acts if a["func"] == "setNumberFormat" and a["sheet_position"] == 0]
    assert [
        (f["start_row"] + 1, f["start_column"] + 1, f["row_count"], f["column_count"], f["args"][0]) for f in formats
    ] == [(HEADER_ROW + 1, CASE_COLS + 1, 100, 2, "yyyy-mm-dd")]


def test_validate_appends_a_log_row_with_header_to_the_empty_log(small):
    book, _, acts = run("validate", small, today=TODAY)
    log = values_at(acts, position(book, "日志"), 1, 1)
    assert log[0] == LOG_HEADERS["zh-Hans"]
    assert len(log) == 2 and log[1][1] == "校验" and log[1][5] == "validate"
    assert "错误 1" in log[1][3] and '"errors": 1' in log[1][7]


def test_log_rows_go_below_the_existing_ones(tmp_path):
    path = write_ledger(tmp_path / "l.xlsx", SPECIAL + bulk(20), title_rows=TITLE_ROWS)
    grids = read_grids(path)
    grids["日志"] = [
        ["时间", "操作", "参数", "结果", "用户"],
        [dt.datetime(2026, 11, 1, 8, 0), "validate", "{}", "{}", "clerk"],
    ]
    book, _, acts = run("validate", payload(grids), today=TODAY)
    block = values_at(acts, position(book, "日志"), 3, 1)
    assert len(block) == 1 and block[0][5] == "validate"


def test_a_used_range_not_starting_at_a1_keeps_excel_row_numbers(tmp_path):
    path = write_ledger(tmp_path / "l.xlsx", SPECIAL + bulk(20), title_rows=TITLE_ROWS)
    grids = read_grids(path)
    shifted = [[None] * 2 + row for row in grids["案件台账"]]  # the ledger starts in column C
    grids["案件台账"] = [[], [], *shifted]  # ... and row 3
    last = len(grids["案件台账"])
    end = get_column_letter(CASE_COLS + 2)
    data = payload(grids, extra={"案件台账": {"used_range_address": f"C3:{end}{last}"}})
    book = book_of(data)
    assert book.sheets["案件台账"].used_range.address == f"$C$3:${end}${last}"
    lx.validate(book, today=TODAY)
    acts = actions(book)
    block = values_at(acts, 0, HEADER_ROW + 2, CASE_COLS + 3)
    assert block[0] == TOOL_LABELS
    assert block[OVERDUE_ROW - HEADER_ROW][2] == "逾期"
    assert colors(acts, 0)[(BAD_ROW + 2, 4, BAD_ROW + 2, 4)] == RED


# --------------------------------------------------------------------------- callback list


def test_callback_list_sheet_lists_overdue_then_due(small):
    book, message, acts = run("callback_list", small, today=TODAY)
    assert [a["args"][1] for a in acts if a["func"] == "addSheet"] == ["回访清单"]  # forms: file route only
    sheet = position(book, "回访清单")
    rows = values_at(acts, sheet, 1, 1)
    listed = [r[1] for r in rows[3:] if r[1]]
    assert listed == ["TS-OVERDUE", "TS-DUE"]
    assert "待回访 1 件,逾期 1 件" in message and "1 个错误" in message


def test_callback_list_marks_overdue_red_and_due_soon_yellow(small):
    book, _, acts = run("callback_list", small, today=TODAY)
    fills = colors(acts, position(book, "回访清单"))
    assert fills[(4, 1, 4, 7)] == RED  # the case's columns; the result columns stay white to write in
    assert fills[(5, 1, 5, 7)] == YELLOW


def test_formula_like_text_is_written_as_text(small):
    book, _, acts = run("callback_list", small, today=TODAY)
    rows = values_at(acts, position(book, "回访清单"), 1, 1)
    summary = rows[3][6]  # the category first, then the clerk's text as typed, never a formula
    assert summary.endswith('=HYPERLINK("x")楼道垃圾未清') and summary.startswith("【")


def test_callback_list_reuses_its_sheet_by_clearing_it(small):
    data = {
        **small,
        "sheets": [*small["sheets"], {"name": "回访清单", "values": [["old"]], "pictures": [], "tables": []}],
    }
    book, _, acts = run("callback_list", data, today=TODAY)
    sheet = position(book, "回访清单")
    assert [a["args"][1] for a in acts if a["func"] == "addSheet"] == []
    assert [a["func"] for a in acts if a["sheet_position"] == sheet][0] == "sheetClear"


# --------------------------------------------------------------------------- samples, stats, send


def test_draw_samples_marks_the_drawn_case_and_logs_the_seed(small):
    book, message, acts = run("draw_samples", small, today=TODAY)
    block = values_at(acts, 0, HEADER_ROW, CASE_COLS + 1)
    assert block[OVERDUE_ROW - HEADER_ROW][3] == "抽中"
    log = values_at(acts, position(book, "日志"), 1, 1)
    assert log[1][1] == "抽样" and log[1][5] == "sample" and '"seed": 202610' in log[1][6]
    assert message.startswith("2026-10 抽样完成(随机种子 202610)")


def test_monthly_stats_writes_the_month_sheet_with_charts(small):
    book, message, acts = run("monthly_stats", small, today=TODAY)
    assert any(a["func"] == "addSheet" and a["args"][1] == "月度统计 2026-10" for a in acts)
    sheet = position(book, "月度统计 2026-10")
    rows = values_at(acts, sheet, 1, 1)
    assert "2026-10" in rows[0][0]
    assert sum(a["func"] == "addChart" for a in acts) == 2
    log = values_at(acts, position(book, "日志"), 1, 1)
    assert log[1][5] == "stats"
    assert message.startswith("2026-10 月度统计已写入工作表“月度统计 2026-10”")


def test_send_writes_an_eml_and_logs_the_send(small, tmp_path):
    book, message, acts = run("send_to_head_office", small, today=TODAY, via="eml", out_dir=tmp_path)
    eml = list(tmp_path.glob("*.eml"))
    assert len(eml) == 1 and eml[0].name in message
    log = values_at(acts, position(book, "日志"), 1, 1)
    assert log[1][5] == "send"


# --------------------------------------------------------------------------- scale


@pytest.mark.parametrize("button", ["validate", "callback_list", "draw_samples", "monthly_stats"])
def test_calls_into_excel_do_not_grow_with_rows(button, small, large):
    _, _, few = run(button, small, today=TODAY)
    _, _, many = run(button, large, today=TODAY)
    assert [a["func"] for a in few] == [a["func"] for a in many]
    tool_block = [a for a in many if a["func"] == "setValues" and a["sheet_position"] == 0]
    if button != "monthly_stats":
        assert tool_block[0]["row_count"] == 10_001


def _scattered(tmp_path: Path, n: int) -> dict:
    """Generated cases as clerks type them: problems scattered over many rows and columns."""
    from ledger.demo.cases import generate_cases

    path = write_ledger(tmp_path / f"dirty_{n}.xlsx", generate_cases(n, seed=3, end=TODAY, dirty=True))
    return payload(read_grids(path))


def test_highlights_of_scattered_problems_cost_one_call_per_column(tmp_path):
    few, many = _scattered(tmp_path, 300), _scattered(tmp_path, 6000)
    counts = []
    for data in (few, many):
        book, _, acts = run("validate", data, today=TODAY)
        calls = [a for a in acts if a["func"] in ("setRangeColor", "setRangeColors") and a["sheet_position"] == 0]
        cells = colors(acts, 0)
        counts.append((len(calls), len(cells)))
    (calls_few, cells_few), (calls_many, cells_many) = counts
    assert cells_many > 10 * calls_many > 0  # many problem cells, few calls
    assert calls_many <= calls_few + 2  # a column more or less, not one call per run of rows
    assert cells_many > 10 * cells_few


def test_a_table_of_row_merges_is_one_merge_across_call(small):
    from ledger.sheets.layout import SheetLayout
    from ledger.xl.render import render

    layout = SheetLayout("合并")
    for r in range(1, 401):
        layout.add_row([f"第{r}行", None, None, "说明"])
    layout.merged = [(1, 1, 1, 4)] + [(r, 1, r, 3) for r in range(2, 401)] + [(r, 4, r + 1, 4) for r in (2, 5)]
    book = book_of(small)
    render(book, layout)
    merges = [
        (a["start_row"] + 1, a["start_column"] + 1, a["row_count"], a["column_count"], a["args"][0])
        for a in actions(book)
        if a["func"] == "rangeMerge"
    ]
    assert sorted(merges) == [(1, 1, 1, 4, False), (2, 1, 399, 3, True), (2, 4, 2, 1, False), (5, 4, 2, 1, False)]


def test_statistics_sheet_calls_do_not_grow_with_alerts(tmp_path):
    few, many = _scattered(tmp_path, 300), _scattered(tmp_path, 6000)
    calls = [len(run("monthly_stats", data, today=TODAY)[2]) for data in (few, many)]
    assert calls[1] <= calls[0] * 1.2, calls


# --------------------------------------------------------------------------- settings, errors, dispatch


def test_settings_activates_the_existing_sheet(small):
    book, message, acts = run("settings", small)
    assert [a["func"] for a in acts] == ["activateSheet"]
    assert acts[0]["args"] == [position(book, "设置")]
    assert "设置" in message


def test_settings_creates_a_prefilled_sheet_when_missing(small):
    data = {**small, "sheets": [s for s in small["sheets"] if s["name"] != "设置"]}
    book, message, acts = run("settings", data)
    assert acts[0]["func"] == "addSheet" and acts[0]["args"][1] == "设置"
    grid = values_at(acts, position(book, "设置"), 1, 1)
    assert grid[1][0] == "管理处名称"
    assert acts[-1]["func"] == "activateSheet"
    assert "已新建" in message


def test_a_book_without_case_sheet_gets_a_message_and_no_changes():
    data = payload({"Sheet1": [["hello"]]})
    book, message, acts = run("validate", data, today=TODAY)
    assert acts == []
    assert "找不到案件台账" in message and "Sheet1" in message


def test_an_english_ledger_answers_in_english(tmp_path):
    path = write_ledger(tmp_path / "en.xlsx", SPECIAL[1:] + bulk(10), lang="en")
    book, message, _ = run("validate", payload(read_grids(path)), today=TODAY)
    assert message.startswith("Check done: 9 case rows")


def test_every_handler_names_a_button_function():
    for name in lx.HANDLERS.values():
        assert callable(getattr(lx, name))


def test_dispatch_runs_the_button_on_the_calling_book(small):
    book = book_of(small)
    book.set_mock_caller()
    try:
        message = lx.dispatch("settings")
    finally:
        del xw.Book._mock_caller
    assert "设置" in message
    funcs = [a["func"] for a in actions(book)]
    assert funcs == ["activateSheet"]  # the remote engine shows no alert: the message is returned


def test_dispatch_turns_an_unknown_button_and_a_crash_into_messages(small, monkeypatch):
    book = book_of(small)
    assert "未知的按钮“nope”" in lx.dispatch("nope", book=book)

    def boom(_book):
        raise RuntimeError("disk full")

    from ledger.xl import buttons

    monkeypatch.setattr(buttons, "settings", boom)
    assert "处理时出错:RuntimeError: disk full" in lx.dispatch("settings", book=book)


def test_importing_ledger_xl_loads_no_heavy_modules():
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import ledger.xl"], capture_output=True, text=True, check=True
    ).stderr
    modules = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in out.splitlines() if "|" in line}
    assert "ledger" in modules
    assert not modules & {"pandas", "openpyxl", "xlwings", "numpy"}


# --------------------------------------------------------------------------- batching


def test_union_addresses_stay_under_excels_limit():
    from ledger.xl.batch import address, union_chunks

    ranges = [(r, 1, r, 4) for r in range(3, 3000, 22)]
    chunks = union_chunks(ranges)
    assert all(len(c) <= 255 for c in chunks)
    assert ",".join(chunks).split(",") == [address(*r) for r in ranges]
    assert len(chunks) < len(ranges) / 10


def test_batch_keeps_the_later_fill_where_fills_overlap(small):
    from ledger.xl.batch import Batch

    book = book_of(small)
    batch = Batch(book.sheets[0], union=False)
    batch.add("color", "#AAAAAA", 1, 1, 1, 3)
    batch.add("color", "#BBBBBB", 1, 2)
    batch.add("color", "#AAAAAA", 3, 1)
    batch.add("bold", True, 1, 1)
    batch.add("bold", True, 5, 1)
    assert batch.flush() == 6
    fills = {}
    for a in actions(book):  # replayed in order: the cell's last colour is what Excel shows
        if a["func"] == "setRangeColor":
            for c in range(a["start_column"], a["start_column"] + a["column_count"]):
                for r in range(a["start_row"], a["start_row"] + a["row_count"]):
                    fills[(r + 1, c + 1)] = a["args"][0]
    assert fills == {(1, 1): "#AAAAAA", (1, 2): "#BBBBBB", (1, 3): "#AAAAAA", (3, 1): "#AAAAAA"}


def test_batch_uses_no_multi_area_address_outside_windows_excel(small):
    from ledger.xl.batch import Batch

    book = book_of(small)
    batch = Batch(book.sheets[0])  # the remote engine would read "A1,C5:D6" as A1:D6
    assert batch.union is False
    batch.add("bold", True, 1, 1)
    batch.add("bold", True, 5, 3, 6, 4)
    assert batch.flush() == 2
    bold = [
        (a["start_row"], a["start_column"], a["row_count"], a["column_count"])
        for a in actions(book)
        if a["func"] == "setFontProperty"
    ]
    assert bold == [(0, 0, 1, 1), (4, 2, 2, 2)]


def test_callback_list_rows_are_made_tall_enough_to_write_in(small):
    book, _, acts = run("callback_list", small, today=TODAY)
    sheet = position(book, "回访清单")
    heights = [a for a in acts if a["sheet_position"] == sheet and "height" in a["func"].lower()]
    assert heights and all(a["args"][0] >= 30 for a in heights if a["start_row"] >= 3)  # data rows: two lines
