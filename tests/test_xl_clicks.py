"""A ribbon click end to end on xlwings' remote engine: which workbook, what the clerk is told, how many calls.

Calls are counted as actions of the remote engine (one per call into Excel);
the union route (multi-area addresses, as desktop Excel on Windows takes them)
is counted with tests/union_engine.py and must paint exactly the cells the
range-by-range route paints.
"""

from __future__ import annotations

import ast
import copy
import ctypes
import sys
import types
from pathlib import Path

import pytest

import ledger.xl as lx
import ledger.xl.write as xl_write
import test_xlwings_buttons
from ledger.core.columns import TOOL_COLUMNS
from ledger.core.i18n import text
from ledger.demo.workbook import write_ledger
from ledger.io.workbook import read_grids
from ledger.sheets.layout import SheetLayout
from ledger.xl import messages
from ledger.xl.render import MAX_HEIGHTS, row_heights
from test_xlwings_buttons import (
    CASE_COLS,
    HEADER_ROW,
    TODAY,
    TOOL_LABELS,
    _scattered,
    actions,
    book_of,
    bulk,
    colors,
    ledger_payload,
    payload,
    run,
    values_at,
)
from union_engine import highlighted, painted, union_ranges

BUTTONS = ["validate", "callback_list", "draw_samples", "monthly_stats"]
MAX_CALLS = 40


@pytest.fixture(scope="module", autouse=True)
def xw():
    with test_xlwings_buttons.remote_xlwings() as xlwings:
        yield xlwings


@pytest.fixture(scope="module")
def dirty(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dirty")
    return {n: _scattered(folder, n) for n in (300, 3000, 10_000)}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return ledger_payload(tmp_path_factory.mktemp("small"), 100)


def desktop_run(button: str, data: dict) -> list[dict]:
    """The click as on Windows Excel: multi-area ranges, highlights as fills (no colour matrices)."""
    with union_ranges(), pytest.MonkeyPatch.context() as mp:
        mp.setattr(xl_write, "colour_matrices", lambda sheet: False)
        return run(button, data, today=TODAY)[2]


# --------------------------------------------------------------------------- calls into Excel


@pytest.mark.parametrize("button", BUTTONS)
def test_a_click_makes_at_most_40_calls_and_no_more_at_10000_rows_than_at_300(button, dirty):
    """Flat: nothing is sent per case row, per listed callback or per problem cell (the 10,000-row ledger
    has ~900 problem cells scattered over it and a callback list of ~900 rows)."""
    counts = {n: len(desktop_run(button, data)) for n, data in dirty.items()}
    assert max(counts.values()) <= MAX_CALLS, counts
    # At most two more: a colour (due soon) the small list may not need; the statistics sheet's longer alerts
    # asking for up to MAX_HEIGHTS row heights where the small ledger's need one.
    assert counts[10_000] <= counts[300] + 2, counts


def test_excel_is_told_only_the_heights_of_merged_text_and_at_most_three_of_them():
    layout = SheetLayout("统计")
    for lines in (1, 2, 3, 4, 5, 6, 2, 2):
        r = layout.add_row(["很长的说明" * lines, None, None])
        layout.merged.append((r, 1, r, 3))
        layout.heights[r] = 16.0 * lines
    plain = layout.add_row(["表头\n两行", "x"])
    layout.heights[plain] = 32.0  # unmerged: Excel fits it itself
    empty = layout.add_row([None, None, None])
    layout.merged.append((empty, 1, empty, 3))
    layout.heights[empty] = 48.0  # a merged range with nothing in it needs no room
    sent = row_heights(layout)
    assert set(sent) == {2, 3, 4, 5, 6, 7, 8}  # row 1 is one line; the unmerged and the empty rows are left out
    assert len(set(sent.values())) <= MAX_HEIGHTS
    assert all(sent[r] >= layout.heights[r] for r in sent)  # rounded up, never cut
    assert sent[2] == 32.0 and sent[3] == 48.0 and sent[4] == sent[6] == 96.0


@pytest.mark.parametrize("button", BUTTONS)
def test_the_union_route_paints_what_the_range_by_range_route_paints(button, dirty):
    data = dirty[300]
    with union_ranges():
        book, _, union = run(button, data, today=TODAY)
        rules_colour = highlighted(book, book.sheets[0])
    plain = run(button, data, today=TODAY)[2]
    assert any("areas" in a for a in union) or button in ("validate", "draw_samples")
    assert painted(union) == painted(plain)
    painted_one_by_one = {(r, c): colour.lstrip("#").upper() for (r, c, _, _), colour in colors(plain, 0).items()}
    fills = {cell: colour for cell, colour in painted_one_by_one.items() if colour in ("FFC7CE", "FFEB9C")}
    if button == "validate":  # the highlights as rules over marks, colouring exactly the cells painted one by one
        assert len(fills) > 20 and set(fills.values()) == {"FFC7CE", "FFEB9C"}
        assert rules_colour == fills
    else:
        assert rules_colour == {} and len(union) <= len(plain)


def test_statistics_formats_go_out_by_unions_not_one_call_per_styled_range(dirty):
    acts = desktop_run("monthly_stats", dirty[3000])
    borders = [a for a in acts if a["func"] == "setBorderProperty" and a["args"][0] == "inside_horizontal"]
    assert len(borders) == 1 and len(borders[0]["areas"]) >= 3  # every bordered table in one call
    cells, _ = painted(acts)
    assert len(cells) > 20 * len(acts)


# --------------------------------------------------------------------------- which workbook


def test_a_click_whose_caller_cannot_be_found_never_falls_back_to_the_active_workbook(small, monkeypatch):
    other = book_of(small)
    seen = []
    monkeypatch.setattr(lx, "active_book", lambda: seen.append("active") or other)
    monkeypatch.setattr(sys, "argv", ["-c", "--wb=ledger.xlam", "--from_xl=1", '--hwnd="0"'])
    message = lx.dispatch("validate", lx.encode_name("台账.xlsx"), "")
    assert message == text("xl.no_caller", "zh-Hans")
    assert seen == [] and actions(other) == []


def test_a_run_started_outside_excel_uses_the_active_workbook(small, monkeypatch):
    active = book_of(small)
    monkeypatch.setattr(lx, "active_book", lambda: active)
    monkeypatch.setattr(sys, "argv", ["ledger"])
    message = lx.dispatch("settings")
    assert "设置" in message
    assert [a["func"] for a in actions(active)] == ["activateSheet"]


def test_the_addin_as_caller_looks_up_the_named_workbook_in_its_own_excel(small, xw, monkeypatch):
    addin = xw.Book(json={**copy.deepcopy(small), "book": {**small["book"], "name": "ledger.xlam"}})
    addin.set_mock_caller()
    try:
        missing = lx.dispatch("validate", lx.encode_name("别的台账.xlsx"), "")
        nameless = lx.dispatch("validate", "", "")
    finally:
        del xw.Book._mock_caller
    assert missing == text("xl.no_workbook", "zh-Hans", name="别的台账.xlsx")
    assert nameless == text("xl.no_workbook", "zh-Hans", name="ledger.xlam")
    assert actions(addin) == []  # the add-in itself is never written to


def test_the_named_workbook_runs_the_button(small, xw):
    book = book_of(small)
    book.set_mock_caller()
    try:
        message = lx.dispatch("validate", lx.encode_name("ledger.xlsx"), xw.__version__)
    finally:
        del xw.Book._mock_caller
    assert "检查完成" in message
    assert values_at(actions(book), 0, HEADER_ROW, CASE_COLS + 1)[0] == TOOL_LABELS


def test_the_com_server_route_counts_as_called_from_excel(monkeypatch):
    assert not lx.called_from_excel(["-c"])
    assert lx.called_from_excel(["-c", "--wb=ledger.xlam", "--from_xl=1"])
    monkeypatch.setitem(sys.modules, "xlwings._xlwindows", types.SimpleNamespace(BOOK_CALLER=object()))
    assert lx.called_from_excel(["-c"])  # set by the add-in's VBA before it runs the command in the server


@pytest.mark.parametrize("name", ["台账 2026.xlsx", "O'Brien & 張.xlsm", "回访😀.xlsx", ""])
def test_workbook_names_survive_the_hex_encoding_the_vba_uses(name):
    encoded = lx.encode_name(name)
    assert set(encoded) <= set("0123456789ABCDEF") and len(encoded) % 4 == 0
    assert lx.decode_name(encoded) == name


# --------------------------------------------------------------------------- what the clerk is told


def test_an_xlwings_version_other_than_the_addins_is_a_message_and_no_change(small, xw):
    book = book_of(small)
    message = lx.dispatch("validate", "", "0.30.0", book=book)
    assert message == text("xl.xlwings_mismatch", "zh-Hans", expected="0.30.0", found=xw.__version__)
    assert "install.ps1" in message and actions(book) == []


def test_a_failure_before_the_button_is_a_chinese_message_not_a_traceback(small, monkeypatch):
    def broken(_workbook):
        raise OSError("RPC server unavailable")

    monkeypatch.setattr(lx, "caller_book", broken)
    message = lx.dispatch("validate", "", "")
    assert message.startswith("处理时出错:OSError: RPC server unavailable")
    assert "Traceback" not in message


def test_an_unattended_click_writes_its_message_to_the_report_file(small, tmp_path, monkeypatch):
    book = book_of(small)
    shown = []
    monkeypatch.setattr(lx, "show", lambda *args, **kwargs: shown.append(args))
    report = tmp_path / "验收 报告.txt"
    message = lx.dispatch("settings", "", "", lx.encode_name(str(report)), book=book)
    assert report.read_text(encoding="utf-8") == f"settings\t{message}\n"
    assert shown == [] and "设置" in message


def test_on_windows_messages_go_through_messageboxw_owned_by_excel(monkeypatch):
    shown = []
    user32 = types.SimpleNamespace(MessageBoxW=lambda *args: shown.append(args) or 1)
    monkeypatch.setattr(ctypes, "windll", types.SimpleNamespace(user32=user32), raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(sys, "argv", ["-c", "--from_xl=1", '--hwnd="4242"'])
    messages.show("请先打开台账工作簿", warning=True)
    assert shown == [(4242, "请先打开台账工作簿", messages.TITLE, messages.MB_ICONWARNING | messages.MB_SETFOREGROUND)]


def test_xl_modules_import_inside_functions_only_where_marked_lazy():
    folder = Path(lx.__file__).parent
    unmarked = []
    for path in folder.glob("*.py"):
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, (ast.Import, ast.ImportFrom)):
                        here, above = lines[inner.lineno - 1], lines[inner.lineno - 2]
                        if "lazy" not in here and "lazy" not in above:
                            unmarked.append(f"{path.name}:{inner.lineno}")
    assert unmarked == []


# --------------------------------------------------------------------------- language switch


def _with_language(grids: dict, lang: str) -> dict:
    grids = copy.deepcopy(grids)
    settings = next(name for name in grids if name in ("设置", "設定", "Settings"))
    for row in grids[settings]:
        if row and row[0] in ("语言", "語言", "Language"):
            row[1] = lang
    return grids


def _apply_tool_block(grids: dict, acts: list[dict]) -> dict:
    """The case sheet as it is after the click: the tool block written into its grid."""
    grids = copy.deepcopy(grids)
    block = values_at(acts, 0, HEADER_ROW, CASE_COLS + 1)
    sheet = grids[next(iter(grids))]
    for i, values in enumerate(block):
        row = sheet[HEADER_ROW - 1 + i]
        row[:] = (row + [None] * CASE_COLS)[:CASE_COLS] + list(values)
    return grids


@pytest.mark.parametrize("first, second", [("zh-Hans", "en"), ("en", "zh-Hant"), ("zh-Hant", "zh-Hans")])
def test_switching_the_language_rewrites_the_same_tool_columns(tmp_path, first, second):
    path = write_ledger(tmp_path / "l.xlsx", bulk(20), title_rows=1)
    grids = _with_language(read_grids(path), first)
    acts = run("validate", payload(grids), today=TODAY)[2]
    assert values_at(acts, 0, HEADER_ROW, CASE_COLS + 1)[0] == [c.label(first) for c in TOOL_COLUMNS]
    after = _with_language(_apply_tool_block(grids, acts), second)
    again = run("validate", payload(after), today=TODAY)[2]
    block = values_at(again, 0, HEADER_ROW, CASE_COLS + 1)  # same place: no second set appended
    assert block[0] == [c.label(second) for c in TOOL_COLUMNS]
    writes = [a for a in again if a["func"] == "setValues" and a["sheet_position"] == 0]
    assert len(writes) == 1 and writes[0]["column_count"] == len(TOOL_COLUMNS)


# --------------------------------------------------------------------------- printing set-up (COM only)


def _printing(button: str, data: dict) -> list[list]:
    """The COM writes of the page set-up a click makes in Excel on Windows, in order."""
    with union_ranges(page_setup=True):
        acts = run(button, data, today=TODAY)[2]
    return [a["args"] for a in acts if a["func"] == "com" and not a["args"][0].startswith(("Sheet.Cells", "Format"))]


@pytest.mark.parametrize("button", ["callback_list", "monthly_stats"])
def test_page_setup_is_the_same_few_com_writes_at_any_length(button, dirty):
    writes = {n: len(_printing(button, dirty[n])) for n in (300, 10_000)}
    assert 10 <= writes[300] <= 40 and writes[10_000] <= writes[300] + 4, writes  # a page break or two more


def test_page_setup_is_written_with_the_printer_driver_left_alone_until_the_end(dirty):
    writes = [w[0] for w in _printing("monthly_stats", dirty[300])]
    off, on = (
        writes.index("Application.PrintCommunication="),
        len(writes) - 1 - writes[::-1].index("Application.PrintCommunication="),
    )
    assert off < writes.index("PageSetup.PaperSize=") < writes.index("PageSetup.LeftFooter=") < on
    assert on < writes.index("PageSetup.Zoom=")  # fit-to-page with the printer told, as Excel wants it
    assert writes.count("HPageBreaks.Add()") >= 5  # the statistics' sections each start a page


def test_an_excel_without_print_communication_still_sets_up_the_page(dirty, monkeypatch):
    import union_engine

    real = union_engine.Recorder.__setattr__

    def no_switch(self, name, value):
        if name == "PrintCommunication":
            raise AttributeError("PrintCommunication")  # WPS and Excel 2007 have no such property
        real(self, name, value)

    monkeypatch.setattr(union_engine.Recorder, "__setattr__", no_switch)
    writes = [w[0] for w in _printing("callback_list", dirty[300])]
    assert "Application.PrintCommunication=" not in writes
    assert {"PageSetup.PaperSize=", "PageSetup.PrintTitleRows=", "PageSetup.FitToPagesWide="} <= set(writes)
