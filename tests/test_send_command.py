"""SPEC §7 through the command: `ledger send` builds the export, delivers it, logs it."""

import datetime as dt
import email
import email.policy
import hashlib
import json
import socket

import pytest
from aiosmtpd.controller import Controller
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import case, write_ledger
from ledger.cli import app

D = dt.date
SETTINGS = [
    ["项目", "值"],
    ["管理处名称", "阳光花园管理处"],
    ["总部邮箱", "quality@head-office.example"],
    ["发件人", "office@sunshine.example"],
]


class Recorder:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 2.0.0 Ok: queued as Q42"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server():
    handler, port = Recorder(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def ledger(tmp_path):
    rows = [
        case(
            "T1",
            "投诉",
            D(2026, 10, 8),
            D(2026, 10, 9),
            callback_on=D(2026, 10, 10),
            satisfaction="满意",
            responsibility="一类",
            severity="一般",
            aspect="清洁卫生",
            phone="13812345678",
        ),
        case("R1", "维修", D(2026, 10, 2), D(2026, 10, 3), phone="13900001111"),
    ]
    return write_ledger(tmp_path / "台账.xlsx", rows, settings=SETTINGS)


def send(ledger, port, *extra):
    return CliRunner().invoke(
        app,
        [
            "send",
            str(ledger),
            "--month",
            "2026-10",
            "--via",
            "smtp",
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            str(port),
            "--smtp-security",
            "none",
            "--format",
            "json",
            *extra,
        ],
    )


def test_send_delivers_the_export_to_head_office_and_logs_it(server, ledger):
    handler, port = server
    result = send(ledger, port)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    [envelope] = handler.envelopes
    assert envelope.rcpt_tos == ["quality@head-office.example"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "回访统计_阳光花园管理处_2026-10.xlsx"
    exported = ledger.parent / "回访统计_阳光花园管理处_2026-10.xlsx"
    payload = attachment.get_payload(decode=True)
    assert payload == exported.read_bytes()
    assert doc["sha256"] == hashlib.sha256(payload).hexdigest()
    assert "阳光花园管理处" in message["Subject"]
    log = list(load_workbook(ledger)["日志"].values)
    last = json.loads(log[-1][7])  # the hidden machine columns: action code, parameters, result
    assert log[-1][5] == "send" and last["status"] == "sent" and last["sha256"] == doc["sha256"]
    assert log[-1][1] == "发送" and "月份 2026-10" in log[-1][2]  # in words for the clerk
    assert "quality@head-office.example" in last["recipients"]


def test_sending_the_same_month_twice_needs_again(server, ledger):
    handler, port = server
    assert send(ledger, port).exit_code == 0
    second = send(ledger, port)
    assert second.exit_code == 2
    assert len(handler.envelopes) == 1
    assert send(ledger, port, "--again").exit_code == 0
    assert len(handler.envelopes) == 2


def test_to_overrides_the_settings_recipients(server, ledger):
    handler, port = server
    assert send(ledger, port, "--to", "a@hq.example", "--to", "b@hq.example").exit_code == 0
    assert handler.envelopes[0].rcpt_tos == ["a@hq.example", "b@hq.example"]


def test_server_down_is_exit_two_and_logged_as_failed_not_sent(ledger):
    result = send(ledger, free_port())
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    log = list(load_workbook(ledger)["日志"].values)
    assert log[-1][5] == "send" and json.loads(log[-1][7])["status"] == "failed"


def test_eml_route_writes_a_message_file(ledger, tmp_path):
    result = CliRunner().invoke(
        app, ["send", str(ledger), "--month", "2026-10", "--via", "eml", "--out-dir", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    [eml] = list((tmp_path / "out").glob("*.eml"))
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert [a.get_filename() for a in message.iter_attachments()] == ["回访统计_阳光花园管理处_2026-10.xlsx"]
