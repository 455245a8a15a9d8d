"""报送总部 from the ribbon sends a month exactly once (issue 14.1), on xlwings' remote engine.

The attempt is written into the open workbook's Log before the server is contacted; a
real aiosmtpd server on 127.0.0.1 takes the whole message and then drops the connection,
so the outcome is unknown: the Log then holds `sending` and `unknown`, and a second click
(on the workbook as the first left it) sends nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from datetime import date as D
from pathlib import Path

import pytest

import ledger.xl as lx
import test_xlwings_buttons
from conftest import case, write_ledger
from ledger.io.workbook import read_grids
from test_ledger_open_elsewhere import excel_owner_file
from test_send_exactly_once import SETTINGS, serve  # noqa: F401 - serve is a fixture used below
from test_xlwings_buttons import actions, book_of, payload, position


@pytest.fixture(scope="module", autouse=True)
def xw():
    with test_xlwings_buttons.remote_xlwings() as xlwings:
        yield xlwings


@pytest.fixture
def open_ledger(tmp_path) -> tuple[Path, dict]:
    """A ledger file open in Excel (its `~$` owner file beside it) and the workbook Excel shows."""
    rows = [
        case("T1", "投诉", D(2026, 10, 8), D(2026, 10, 9), callback_on=D(2026, 10, 10), satisfaction="满意"),
        case("R1", "维修", D(2026, 10, 2), D(2026, 10, 3), phone="13900001111"),
    ]
    path = write_ledger(tmp_path / "台账.xlsx", rows, settings=SETTINGS)
    (tmp_path / f"~${path.name}").write_bytes(excel_owner_file("张三"))
    return path, payload(read_grids(path), name=str(path))


def click(data: dict, port: int, **extra):
    book = book_of(data)
    message = lx.send_to_head_office(
        book, month="2026-10", via="smtp", smtp_host="127.0.0.1", smtp_port=port, smtp_security="none", **extra
    )
    return book, message


def send_log(book, acts: list[dict]) -> list[dict]:
    """The results of the send rows the click appended to the workbook's Log sheet."""
    log = position(book, "日志")
    rows = [r for a in acts if a["func"] == "setValues" and a["sheet_position"] == log for r in a["values"]]
    # the hidden machine columns (F: action code, H: result) behind the words the clerk reads
    return [json.loads(r[7]) for r in rows if len(r) > 7 and r[5] == "send"]


def as_left(data: dict, acts: list[dict]) -> dict:
    """The workbook's payload with every value the click wrote in it: what the next click reads."""
    data = copy.deepcopy(data)
    for a in acts:
        if a["func"] == "addSheet":
            at, name = a["args"]
            data["sheets"].insert(at, {"name": name, "values": [[""]], "pictures": [], "tables": []})
        if a["func"] != "setValues":
            continue
        grid = data["sheets"][a["sheet_position"]]["values"]
        width = max(len(grid[0]), a["start_column"] + max(len(r) for r in a["values"]))
        for row in grid:
            row.extend([""] * (width - len(row)))
        for i, values in enumerate(a["values"]):
            r = a["start_row"] + i
            while len(grid) <= r:
                grid.append([""] * width)
            grid[r][a["start_column"] : a["start_column"] + len(values)] = values
    return data


def test_a_dropped_connection_leaves_sending_then_unknown_and_a_second_click_sends_nothing(serve, open_ledger):  # noqa: F811
    path, data = open_ledger
    handler, port = serve("drop")
    book, message = click(data, port)
    [received] = handler.envelopes
    assert b"Content-Disposition: attachment" in received.content  # the whole message reached the server
    assert "可能已发出,请与总部确认" in message
    first = actions(book)
    assert [r["status"] for r in send_log(book, first)] == ["sending", "unknown"]
    log_writes = [a for a in first if a["func"] == "setValues" and a["sheet_position"] == position(book, "日志")]
    assert len(log_writes) == 2  # the attempt went into the workbook on its own, before the outcome

    handler.mode = "accept"
    second, again_message = click(as_left(data, first), port)
    assert len(handler.envelopes) == 1  # nothing sent without 再次发送
    assert "可能已于" in again_message and "--again" in again_message
    assert send_log(second, actions(second)) == []  # and no failed row

    third, _ = click(as_left(data, first), port, again=True)
    assert len(handler.envelopes) == 2
    assert [r["status"] for r in send_log(third, actions(third))] == ["sending", "sent"]


def test_the_attempt_is_in_the_workbook_before_the_server_has_the_message(serve, open_ledger, monkeypatch):  # noqa: F811
    path, data = open_ledger
    handler, port = serve("accept")
    book = book_of(data)
    seen_at_data: list[list[dict]] = []
    original = handler.handle_DATA

    async def handle_data(server, session, envelope):
        seen_at_data.append(send_log(book, actions(book)))
        return await original(server, session, envelope)

    monkeypatch.setattr(handler, "handle_DATA", handle_data)
    message = lx.send_to_head_office(
        book, month="2026-10", via="smtp", smtp_host="127.0.0.1", smtp_port=port, smtp_security="none"
    )
    assert "已发送给" in message, message
    assert [[r["status"] for r in log] for log in seen_at_data] == [["sending"]]
    assert [r["status"] for r in send_log(book, actions(book))] == ["sending", "sent"]


def test_a_month_not_over_is_refused_with_nothing_logged_or_sent(serve, open_ledger):  # noqa: F811
    path, data = open_ledger
    handler, port = serve("accept")
    book = book_of(data)
    message = lx.send_to_head_office(
        book,
        month="2026-10",
        via="smtp",
        now=dt.datetime(2026, 10, 20, 9, 0).astimezone(),
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
    )
    assert "尚未结束" in message
    assert handler.envelopes == [] and actions(book) == []
