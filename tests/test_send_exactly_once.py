"""A report reaches head office once: servers that misbehave, a ledger opened in Excel mid-send.

Every test runs `ledger send` against a real aiosmtpd server on 127.0.0.1 and asserts on the
bytes that server received and on the Log rows read back from the ledger with openpyxl.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
from datetime import date as D
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import case, write_ledger
from ledger.cli import app
from ledger.core.log import parse_log
from test_ledger_open_elsewhere import excel_owner_file

HQ = "quality@head-office.example"
SETTINGS = [
    ["项目", "值"],
    ["管理处名称", "阳光花园管理处"],
    ["总部邮箱", HQ],
    ["发件人", "office@sunshine.example"],
    ["SMTP超时秒数", 1],
]


class Server:
    """Accepts (250), refuses (554), drops the connection after DATA, or answers too late."""

    def __init__(self, mode: str = "accept", ledger: Path | None = None):
        self.mode = mode
        self.ledger = ledger
        self.envelopes = []
        self.log_at_data: list[list] = []  # the ledger's Log as it was when DATA arrived
        self.open_in_excel_during_data = False

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        if self.ledger is not None:
            self.log_at_data = log_rows(self.ledger)
            if self.open_in_excel_during_data:
                (self.ledger.parent / f"~${self.ledger.name}").write_bytes(excel_owner_file("张三"))
        if self.mode == "refuse":
            return "554 5.7.1 Message rejected as spam"
        if self.mode == "drop":
            server.transport.close()  # the message is in, the answer never leaves
            return "250 2.0.0 Ok: queued as LOST"
        if self.mode == "stall":
            await asyncio.sleep(2.5)  # longer than the 1 s SMTP timeout of the Settings sheet
        return "250 2.0.0 Ok: queued as Q42"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def ledger(tmp_path) -> Path:
    rows = [
        case("T1", "投诉", D(2026, 10, 8), D(2026, 10, 9), callback_on=D(2026, 10, 10), satisfaction="满意"),
        case("R1", "维修", D(2026, 10, 2), D(2026, 10, 3), phone="13900001111"),
    ]
    return write_ledger(tmp_path / "台账.xlsx", rows, settings=SETTINGS)


@pytest.fixture
def serve():
    started = []

    def start(mode: str = "accept", ledger: Path | None = None) -> tuple[Server, int]:
        handler, port = Server(mode, ledger), free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        started.append(controller)
        return handler, port

    yield start
    for controller in started:
        controller.stop()


def send(ledger: Path, port: int, *extra: str):
    args = ["send", str(ledger), "--month", "2026-10", "--smtp-host", "127.0.0.1", "--smtp-port", str(port)]
    return CliRunner().invoke(app, [*args, "--smtp-security", "none", "--format", "json", *extra])


def log_rows(ledger: Path) -> list[dict]:
    book = load_workbook(ledger, read_only=True)
    rows = list(book["日志"].values) if "日志" in book.sheetnames else []
    book.close()
    return [e["result"] for e in parse_log(rows) if e["action"] == "send"]  # the machine columns


def message_id(envelope) -> str:
    return email.message_from_bytes(envelope.content, policy=email.policy.default)["Message-ID"]


@pytest.mark.parametrize("mode", ["drop", "stall"])
def test_unknown_outcome_is_possibly_sent_and_a_retry_needs_again(serve, ledger, mode):
    handler, port = serve(mode, ledger)
    first = send(ledger, port)
    assert first.exit_code == 2 and "Traceback" not in first.output
    assert "可能已发出,请与总部确认" in first.stdout
    [received] = handler.envelopes
    assert b"Content-Disposition: attachment" in received.content  # the whole message reached the server
    assert [r["status"] for r in handler.log_at_data] == ["sending"]  # logged before the server had it
    assert [r["status"] for r in log_rows(ledger)] == ["sending", "unknown"]

    retry = send(ledger, port)
    assert retry.exit_code == 2 and "可能已于" in retry.stderr + retry.stdout
    assert len(handler.envelopes) == 1  # nothing sent without --again
    assert [r["status"] for r in log_rows(ledger)] == ["sending", "unknown"]  # and no failed row

    handler.mode = "accept"
    again = send(ledger, port, "--again")
    assert again.exit_code == 0, again.output
    assert len(handler.envelopes) == 2
    # the same export under the same Message-ID: head office can see the second is a copy
    assert message_id(handler.envelopes[1]) == message_id(handler.envelopes[0])
    assert log_rows(ledger)[-1]["status"] == "sent"


def test_a_refused_message_is_failed_and_can_be_sent_again_without_again(serve, ledger):
    handler, port = serve("refuse", ledger)
    refused = send(ledger, port)
    assert refused.exit_code == 2 and "554" in refused.stdout
    assert [r["status"] for r in log_rows(ledger)] == ["sending", "failed"]
    handler.mode = "accept"
    assert send(ledger, port).exit_code == 0
    assert len(handler.envelopes) == 2
    assert [r["status"] for r in log_rows(ledger)][-1] == "sent"


def test_ledger_open_in_excel_is_refused_before_connecting(serve, ledger):
    handler, port = serve("accept", ledger)
    (ledger.parent / f"~${ledger.name}").write_bytes(excel_owner_file("李四"))
    before = ledger.read_bytes()
    result = send(ledger, port)
    assert result.exit_code == 2 and "李四" in result.stderr  # refused before anything: one paragraph on stderr
    assert handler.envelopes == []
    assert ledger.read_bytes() == before  # no Log row either


def test_excel_opening_the_ledger_mid_send_leaves_a_retry_that_needs_again(serve, ledger):
    """Issue 14 1(a): the mail went out, the outcome could not be logged; the retry must not resend."""
    handler, port = serve("accept", ledger)
    handler.open_in_excel_during_data = True
    first = send(ledger, port)
    assert first.exit_code == 2 and "张三" in first.stderr
    assert len(handler.envelopes) == 1
    (ledger.parent / f"~${ledger.name}").unlink()  # Excel closed again
    retry = send(ledger, port)
    assert retry.exit_code == 2 and "可能已于" in retry.stdout
    assert len(handler.envelopes) == 1
    assert [r["status"] for r in log_rows(ledger)] == ["sending"]


def test_already_sent_refusal_adds_no_log_row(serve, ledger):
    handler, port = serve("accept", ledger)
    assert send(ledger, port).exit_code == 0
    rows = log_rows(ledger)
    second = send(ledger, port)
    assert second.exit_code == 2 and "--again" in second.stdout
    assert log_rows(ledger) == rows and len(handler.envelopes) == 1


def test_message_id_is_stable_for_office_month_and_export(serve, ledger, tmp_path):
    handler, port = serve("accept", ledger)
    assert send(ledger, port).exit_code == 0
    assert send(ledger, port, "--again").exit_code == 0
    other = write_ledger(
        tmp_path / "其他.xlsx",
        [case("R9", "维修", D(2026, 10, 2), D(2026, 10, 3))],
        settings=[r if r[0] != "管理处名称" else ["管理处名称", "碧水湾管理处"] for r in SETTINGS],
    )
    assert send(other, port).exit_code == 0
    first, second, third = (message_id(e) for e in handler.envelopes)
    assert first == second and first != third
    assert first.startswith("<2026-10.") and first.endswith("@sunshine.example>")


def test_company_ca_file_from_settings_verifies_the_servers_certificate(tmp_path):
    import ssl

    import trustme

    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_ctx)
    pem = tmp_path / "公司根证书.pem"
    ca.cert_pem.write_to_path(str(pem))
    handler, port = Server(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, tls_context=server_ctx, require_starttls=True)
    controller.start()
    try:
        rows = [case("R1", "维修", D(2026, 10, 2), D(2026, 10, 3))]
        trusted = write_ledger(tmp_path / "a.xlsx", rows, settings=[*SETTINGS, ["SMTP证书文件", str(pem)]])
        plain = write_ledger(tmp_path / "b.xlsx", rows, settings=SETTINGS)
        missing = write_ledger(tmp_path / "c.xlsx", rows, settings=[*SETTINGS, ["SMTP证书文件", str(tmp_path / "无")]])
        starttls = ["--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-security", "starttls"]
        run = lambda p: CliRunner().invoke(app, ["send", str(p), "--month", "2026-10", *starttls])  # noqa: E731
        assert run(plain).exit_code == 2 and handler.envelopes == []  # an unknown CA is not trusted
        gone = run(missing)
        assert gone.exit_code == 2 and "证书文件" in gone.stderr and handler.envelopes == []
        ok = run(trusted)
        assert ok.exit_code == 0, ok.output
        assert len(handler.envelopes) == 1
    finally:
        controller.stop()
