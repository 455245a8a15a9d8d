"""SPEC §7: sending month M's statistics to head office.

Every SMTP test talks to a real aiosmtpd server on 127.0.0.1 and checks what
the server actually received; TLS uses throw-away trustme certificates.
"""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
from contextlib import contextmanager
from datetime import UTC, datetime
from email.header import decode_header, make_header
from pathlib import Path

import keyring
import keyring.backend
import openpyxl
import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from ledger.mail import delivery as mail_mod
from ledger.mail.delivery import (
    MailError,
    MailSettings,
    build_message,
    create_outlook_draft,
    send_smtp,
    smtp_password,
    write_eml,
)
from ledger.mail.report import deadline_for, default_attachment_name, failure_record, send_monthly_report

HQ = "stats@hq.example.com"
BOSS = "boss@hq.example.com"
SENDER = "office@xx-wuye.example.com"
OFFICE = "XX物业"
MONTH = "2026-10"
HEADLINE = {"callbacks": 42, "satisfaction_rate": 0.875, "overdue": 3, "alerts": 2}
ON_TIME = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


# --------------------------------------------------------------------------- fixtures


class Recorder:
    """aiosmtpd handler that keeps every accepted envelope and can refuse addresses."""

    def __init__(self, refuse: set[str] = frozenset()):
        self.refuse = set(refuse)
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 2.0.0 Ok: queued as TEST123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def server_tls(ca) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(ctx)
    return ctx


@pytest.fixture(scope="module")
def client_tls(ca) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ca.configure_trust(ctx)
    return ctx


@pytest.fixture
def smtp_server():
    """Factory: start a real SMTP server with the given aiosmtpd options; stopped after the test."""
    started = []

    def start(handler=None, **options):
        handler = handler or Recorder()
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
        controller.start()
        started.append(controller)
        return handler, port

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def workbook(tmp_path) -> Path:
    """A real statistics export, written by openpyxl, under its Chinese name."""
    path = tmp_path / default_attachment_name(OFFICE, MONTH)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "回访统计"
    ws.append(["类别", "应回访", "已回访", "满意率"])
    ws.append(["投诉", 12, 12, 0.9])
    ws.append(["报修", 30, 28, 0.86])
    wb.save(path)
    return path


def settings(port: int, security: str = "starttls", **extra) -> MailSettings:
    return MailSettings(host="127.0.0.1", port=port, security=security, sender=SENDER, recipients=[HQ], **extra)


def received(envelope) -> email.message.EmailMessage:
    return email.message_from_bytes(envelope.content, policy=email.policy.default)


def send(workbook, mail, **kw):
    args = dict(
        attachment=workbook,
        office=OFFICE,
        month=MONTH,
        headline=HEADLINE,
        mail=mail,
        via="smtp",
        to=None,
        lang="zh-Hans",
        previous_sends=[],
        again=False,
        now=ON_TIME,
        eml_dir=None,
        subject_template=None,
        body_template=None,
    )
    args.update(kw)
    return send_monthly_report(**args)


# --------------------------------------------------------------------------- delivery


def test_starttls_send_delivers_subject_body_and_exact_attachment(smtp_server, server_tls, client_tls, workbook):
    handler, port = smtp_server(tls_context=server_tls, require_starttls=True)

    result = send(workbook, settings(port), to=[HQ, BOSS], ssl_context=client_tls)

    [env] = handler.envelopes
    assert env.mail_from == SENDER
    assert env.rcpt_tos == [HQ, BOSS]
    msg = received(env)
    assert msg["Subject"] == "XX物业 2026-10 回访统计"
    body = msg.get_body(("plain",)).get_content()
    assert "42" in body and "87.5%" in body and "XX物业" in body
    [att] = list(msg.iter_attachments())
    assert att.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert att.get_filename() == "回访统计_XX物业_2026-10.xlsx"
    assert att.get_content() == workbook.read_bytes()
    assert result.status == "sent"
    assert result.server_reply.startswith("250") and "TEST123" in result.server_reply
    assert result.message_id == msg["Message-ID"]


def test_received_attachment_opens_as_the_same_workbook(smtp_server, server_tls, client_tls, workbook, tmp_path):
    handler, port = smtp_server(tls_context=server_tls, require_starttls=True)
    send(workbook, settings(port), ssl_context=client_tls)

    [att] = list(received(handler.envelopes[0]).iter_attachments())
    copy = tmp_path / "received.xlsx"
    copy.write_bytes(att.get_content())
    ws = openpyxl.load_workbook(copy)["回访统计"]
    assert [c.value for c in ws[2]] == ["投诉", 12, 12, 0.9]


def test_attachment_name_parameter_decodes_for_old_clients(workbook):
    msg = build_message(sender=SENDER, recipients=[HQ], subject="s", body="b", attachment=workbook)
    raw = msg.as_bytes(policy=email.policy.SMTP)
    legacy = email.message_from_bytes(raw)  # compat32 parser, like older clients
    part = legacy.get_payload()[1]
    assert str(make_header(decode_header(part.get_param("name")))) == workbook.name
    assert part.get_filename() == workbook.name
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78


def test_implicit_ssl_send_delivers(smtp_server, server_tls, client_tls, workbook):
    handler, port = smtp_server(ssl_context=server_tls)

    result = send(workbook, settings(port, "ssl"), ssl_context=client_tls)

    assert [received(e)["Subject"] for e in handler.envelopes] == ["XX物业 2026-10 回访统计"]
    assert result.status == "sent"


def test_login_uses_username_and_password(smtp_server, server_tls, client_tls, workbook):
    seen = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        seen.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret", handled=False)

    handler, port = smtp_server(
        tls_context=server_tls, require_starttls=True, authenticator=authenticator, auth_required=True
    )
    send(workbook, settings(port, username="clerk01"), ssl_context=client_tls, password="s3cret")

    assert seen == [(b"clerk01", b"s3cret")]
    assert len(handler.envelopes) == 1


def test_refused_login_is_auth_failed_and_nothing_is_delivered(smtp_server, server_tls, client_tls, workbook):
    handler, port = smtp_server(
        tls_context=server_tls,
        require_starttls=True,
        auth_required=True,
        authenticator=lambda *a: AuthResult(success=False, handled=False),
    )  # handled=False: server answers 535

    with pytest.raises(MailError) as err:
        send(workbook, settings(port, username="clerk01"), ssl_context=client_tls, password="wrong")

    assert err.value.code == "mail.auth_failed"
    assert "clerk01" in err.value.message("en")
    assert handler.envelopes == []


def test_server_requiring_login_without_credentials_says_so(smtp_server, server_tls, client_tls, workbook):
    handler, port = smtp_server(
        tls_context=server_tls,
        require_starttls=True,
        auth_required=True,
        authenticator=lambda *a: AuthResult(success=True),
    )
    with pytest.raises(MailError) as err:
        send(workbook, settings(port), ssl_context=client_tls, password=None)
    assert err.value.code == "mail.auth_required"
    assert handler.envelopes == []


def test_one_refused_recipient_stops_the_whole_send(smtp_server, workbook):
    handler, port = smtp_server(Recorder(refuse={"nobody@hq.example.com"}))

    with pytest.raises(MailError) as err:
        send(workbook, settings(port, "none"), to=[HQ, "nobody@hq.example.com"])

    assert err.value.code == "mail.some_recipients_refused"
    assert err.value.params["addresses"] == ["nobody@hq.example.com"]
    assert "550" in err.value.message("zh-Hans")
    assert handler.envelopes == []  # nothing half-sent


def test_all_recipients_refused(smtp_server, workbook):
    handler, port = smtp_server(Recorder(refuse={HQ}))
    with pytest.raises(MailError) as err:
        send(workbook, settings(port, "none"))
    assert err.value.code == "mail.all_recipients_refused"
    assert handler.envelopes == []


def test_server_down_is_connection_refused(workbook):
    port = free_port()  # nobody listens there any more
    with pytest.raises(MailError) as err:
        send(workbook, settings(port, "none"))
    assert err.value.code == "mail.connection_refused"
    assert str(port) in err.value.message("zh-Hant")


def test_silent_server_times_out(workbook):
    with socket.socket() as mute:  # accepts TCP, never greets
        mute.bind(("127.0.0.1", 0))
        mute.listen(1)
        port = mute.getsockname()[1]
        with pytest.raises(MailError) as err:
            send(workbook, settings(port, "none", timeout=0.5))
    assert err.value.code == "mail.timeout"


def test_starttls_required_but_not_offered(smtp_server, workbook):
    handler, port = smtp_server()  # plain server, no tls_context
    with pytest.raises(MailError) as err:
        send(workbook, settings(port, "starttls"))
    assert err.value.code == "mail.starttls_unavailable"
    assert handler.envelopes == []


def test_untrusted_certificate_is_tls_failure(smtp_server, server_tls, workbook):
    handler, port = smtp_server(tls_context=server_tls, require_starttls=True)
    with pytest.raises(MailError) as err:
        send(workbook, settings(port), ssl_context=ssl.create_default_context())  # does not know the test CA
    assert err.value.code == "mail.tls_failed"
    assert handler.envelopes == []


def test_security_none_refused_for_non_loopback_host(workbook):
    mail = MailSettings(host="smtp.example.com", port=25, security="none", sender=SENDER, recipients=[HQ])
    with pytest.raises(MailError) as err:
        send(workbook, mail)
    assert err.value.code == "mail.insecure_host"
    assert "smtp.example.com" in err.value.message("en")


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost"])
def test_loopback_hosts_count_as_local(host):
    assert mail_mod.is_loopback(host)


@pytest.mark.parametrize("host", ["10.0.0.1", "smtp.example.com", "192.168.1.5", "localhost.example.com"])
def test_other_hosts_are_not_local(host):
    assert not mail_mod.is_loopback(host)


def test_missing_host_and_recipients_are_reported_before_connecting(workbook):
    with pytest.raises(MailError) as err:
        send(workbook, MailSettings(host=None, sender=SENDER, recipients=[HQ]))
    assert err.value.code == "mail.no_host"
    with pytest.raises(MailError) as err:
        send(workbook, MailSettings(host="127.0.0.1", sender=SENDER, recipients=[]))
    assert err.value.code == "mail.no_recipients"


# --------------------------------------------------------------------------- eml and outlook


def test_eml_written_and_parsed_back(workbook, tmp_path):
    result = send(workbook, MailSettings(sender=SENDER, recipients=[HQ]), via="eml", eml_dir=tmp_path / "out")

    raw = result.eml_path.read_bytes()
    assert result.status == "eml_written"
    assert result.eml_path.name == "回访统计_XX物业_2026-10.eml"
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["X-Unsent"] == "1"
    assert msg["To"] == HQ
    assert msg["Subject"] == "XX物业 2026-10 回访统计"
    [att] = list(msg.iter_attachments())
    assert att.get_filename() == workbook.name
    assert att.get_content() == workbook.read_bytes()


def test_write_eml_without_unsent_marker(workbook, tmp_path):
    msg = build_message(sender=SENDER, recipients=[HQ], subject="主题", body="正文", attachment=workbook)
    path = write_eml(msg, tmp_path / "a.eml", unsent=False)
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert "X-Unsent" not in parsed
    assert parsed.get_body(("plain",)).get_content().strip() == "正文"


def test_outlook_unavailable_off_windows(workbook, monkeypatch):
    monkeypatch.setattr(mail_mod.sys, "platform", "linux")
    with pytest.raises(MailError) as err:
        send(workbook, MailSettings(sender=SENDER, recipients=[HQ]), via="outlook")
    assert err.value.code == "mail.outlook_unavailable"
    assert "Outlook" in err.value.message("zh-Hans")


def test_outlook_draft_fills_the_mail_item(workbook):
    class Item:
        EntryID = "00ABC"

        def __init__(self):
            self.attached, self.saved, self.shown = [], False, False
            self.Attachments = type("A", (), {"Add": lambda _s, p: self.attached.append(p)})()

        def Save(self):
            self.saved = True

        def Display(self, modal):
            self.shown = True

    item = Item()
    app = type("App", (), {"CreateItem": lambda _s, kind: item if kind == 0 else None})()
    entry = create_outlook_draft(
        recipients=[HQ, BOSS],
        subject="主题",
        body="正文",
        attachment=workbook,
        dispatch=lambda progid: app if progid == "Outlook.Application" else None,
    )
    assert entry == "00ABC"
    assert (item.To, item.Subject, item.Body) == (f"{HQ}; {BOSS}", "主题", "正文")
    assert item.attached == [str(workbook.resolve())] and item.saved and item.shown


# --------------------------------------------------------------------------- the send rules


def test_already_sent_month_is_refused(workbook):
    previous = [
        {"time": "2026-11-10T10:00:00+00:00", "action": "send", "month": MONTH, "recipients": [HQ], "status": "sent"}
    ]
    with pytest.raises(MailError) as err:
        send(workbook, MailSettings(sender=SENDER, recipients=[HQ]), via="eml", previous_sends=previous)
    assert err.value.code == "send.already_sent"
    assert "2026-11-10" in err.value.message("zh-Hans") and "--again" in err.value.message("en")


def test_again_sends_a_month_already_sent(smtp_server, workbook):
    handler, port = smtp_server()
    previous = [{"time": "2026-11-10T10:00:00", "action": "send", "month": MONTH, "status": "sent"}]
    result = send(workbook, settings(port, "none"), previous_sends=previous, again=True)
    assert result.status == "sent" and len(handler.envelopes) == 1


def test_failed_or_staged_sends_do_not_block_a_real_send(smtp_server, workbook):
    handler, port = smtp_server()
    previous = [
        {"action": "send", "month": MONTH, "status": "failed"},
        {"action": "send", "month": MONTH, "status": "eml_written"},
        {"action": "send", "month": "2026-09", "status": "sent"},
    ]
    send(workbook, settings(port, "none"), previous_sends=previous)
    assert len(handler.envelopes) == 1


def test_deadline_is_25th_of_next_month():
    assert deadline_for("2026-10").isoformat() == "2026-11-25"
    assert deadline_for("2026-12").isoformat() == "2027-01-25"


def test_send_on_the_25th_is_on_time_and_after_is_late(workbook):
    mail = MailSettings(sender=SENDER, recipients=[HQ])
    on_25th = send(workbook, mail, via="eml", now=datetime(2026, 11, 25, 23, 59))
    assert not on_25th.late and on_25th.warnings == []
    late = send(workbook, mail, via="eml", now=datetime(2026, 11, 26, 8, 0), lang="en")
    assert late.late and late.log_record()["late"] is True
    assert "2026-11-25" in late.warnings[0] and "past" in late.warnings[0]


def test_log_record_holds_hash_size_recipients_and_reply(smtp_server, workbook):
    import hashlib

    handler, port = smtp_server()
    record = send(workbook, settings(port, "none")).log_record()
    data = workbook.read_bytes()
    assert record["sha256"] == hashlib.sha256(data).hexdigest() and record["size"] == len(data)
    assert record["recipients"] == [HQ] and record["attachment"] == workbook.name
    assert record["action"] == "send" and record["via"] == "smtp" and record["status"] == "sent"
    assert record["time"] == "2026-11-20T09:30:00+00:00" and record["month"] == MONTH
    assert record["message_id"] == received(handler.envelopes[0])["Message-ID"]
    assert "TEST123" in record["server_reply"] and record["late"] is False


def test_failure_record_is_logged_as_failed(workbook):
    err = MailError("mail.connection_refused", host="127.0.0.1", port=1)
    record = failure_record(
        err, month=MONTH, via="smtp", recipients=[HQ], attachment=workbook, now=datetime(2026, 11, 26), lang="en"
    )
    assert record["status"] == "failed" and record["error"] == "mail.connection_refused"
    assert "refused" in record["server_reply"] and record["late"] is True
    assert record["size"] == workbook.stat().st_size and record["message_id"] == ""


def test_templates_from_settings_are_filled(smtp_server, workbook):
    handler, port = smtp_server()
    send(
        workbook,
        settings(port, "none"),
        subject_template="【月报】{office} {month} 截止 {deadline}",
        body_template="回访 {callbacks} 次，满意率 {satisfaction}，逾期 {overdue}，预警 {alerts}",
    )
    msg = received(handler.envelopes[0])
    assert msg["Subject"] == "【月报】XX物业 2026-10 截止 2026-11-25"
    assert msg.get_body(("plain",)).get_content().strip() == "回访 42 次，满意率 87.5%，逾期 3，预警 2"


def test_unknown_template_placeholder_is_refused(workbook):
    with pytest.raises(MailError) as err:
        send(workbook, MailSettings(sender=SENDER, recipients=[HQ]), via="eml", subject_template="{ofice} 月报")
    assert err.value.code == "send.template_invalid"
    assert "{ofice}" in err.value.message("zh-Hans") and "{office}" in err.value.message("zh-Hans")


@pytest.mark.parametrize(
    "lang,subject", [("zh-Hant", "XX物业 2026-10 回訪統計"), ("en", "XX物业 2026-10 callback statistics")]
)
def test_default_subject_follows_language(workbook, lang, subject, tmp_path):
    result = send(workbook, MailSettings(sender=SENDER, recipients=[HQ]), via="eml", lang=lang, eml_dir=tmp_path)
    assert result.subject == subject


def test_no_satisfaction_rate_is_written_as_none(workbook, tmp_path):
    result = send(
        workbook,
        MailSettings(sender=SENDER, recipients=[HQ]),
        via="eml",
        eml_dir=tmp_path,
        headline={**HEADLINE, "satisfaction_rate": None},
    )
    body = email.message_from_bytes(result.eml_path.read_bytes(), policy=email.policy.default)
    assert "满意率 无" in body.get_body(("plain",)).get_content()


# --------------------------------------------------------------------------- password and messages


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1
    secrets: dict = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        self.secrets.pop((service, username), None)


class BrokenKeyring(MemoryKeyring):
    def get_password(self, service, username):
        raise keyring.errors.KeyringLocked("locked")


@contextmanager
def using_keyring(backend):
    before = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(before)


def test_password_from_env_then_keyring(monkeypatch):
    mail = MailSettings(host="h", sender=SENDER, username="clerk01")
    with using_keyring(MemoryKeyring()) as ring:
        ring.set_password("ledger-smtp", "clerk01", "from-keyring")
        monkeypatch.delenv("LEDGER_SMTP_PASSWORD", raising=False)
        assert smtp_password(mail) == "from-keyring"
        assert smtp_password(MailSettings(host="h", sender=SENDER)) is None  # keyed by sender without username
        monkeypatch.setenv("LEDGER_SMTP_PASSWORD", "from-env")
        assert smtp_password(mail) == "from-env"


def test_keyring_failure_means_no_password(monkeypatch):
    monkeypatch.delenv("LEDGER_SMTP_PASSWORD", raising=False)
    with using_keyring(BrokenKeyring()):
        assert smtp_password(MailSettings(host="h", sender=SENDER, username="u")) is None


def test_every_mail_error_speaks_three_languages():
    for code in list(mail_mod.CATALOG) + ["send.already_sent", "send.late", "send.bad_month"]:
        texts = {lang: MailError(code).message(lang) for lang in ("zh-Hans", "zh-Hant", "en")}
        assert texts["zh-Hans"] != code and len(set(texts.values())) == 3, code


def test_direct_send_smtp_reports_accepted_recipients(smtp_server, workbook):
    handler, port = smtp_server()
    msg = build_message(sender=SENDER, recipients=[HQ], cc=[BOSS], subject="s", body="b", attachment=workbook)
    receipt = send_smtp(msg, settings(port, "none"), None)
    assert receipt.accepted == [HQ, BOSS] == handler.envelopes[0].rcpt_tos
    assert receipt.message_id == msg["Message-ID"]
