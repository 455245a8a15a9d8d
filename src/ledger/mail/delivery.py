"""Mail transport: build a message with the statistics attached and deliver it.

Knows nothing about ledgers. Delivery is all-or-nothing: if the server refuses
any recipient the transaction is reset before DATA, so nothing is half-sent.
Passwords come from the environment or the OS keyring, never from a workbook.
"""

from __future__ import annotations

import base64
import copy
import email.policy
import ipaddress
import os
import re
import smtplib
import socket
import ssl
import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from email.header import Header
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, getaddresses, make_msgid
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from pydantic import BaseModel, Field

from ledger.core.errors import LedgerError
from ledger.core.i18n import register, text
from ledger.mail.delivery_words import CATALOG
from ledger.mail.smtp_data import OutcomeUnknown, send_data

XLSX_MIME = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
KEYRING_SERVICE = "ledger-smtp"
PASSWORD_ENV = "LEDGER_SMTP_PASSWORD"
DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}

register(CATALOG)


class MailError(LedgerError):
    """A delivery problem the clerk can act on; `code` is stable for logs and JSON."""

    def message(self, lang: str | None = "zh-Hans") -> str:
        params = dict(self.params)
        if "how_code" in params:  # a phrase of the message, itself worded in the clerk's language
            params["how"] = text(params.pop("how_code"), self.lang or lang, **params)
        return text(self.code, self.lang or lang, **params)


class MailSettings(BaseModel):
    """Mail settings as read from the Settings sheet (never a password)."""

    host: str | None = None
    port: int | None = None
    security: Literal["ssl", "starttls", "none"] = "starttls"
    sender: str | None = None
    recipients: list[str] = Field(default_factory=list)
    username: str | None = None
    timeout: float = 30.0
    ca_file: str | None = None  # company CA (PEM); without it the system's CAs (and SSL_CERT_FILE) apply

    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]


class SendReceipt(BaseModel):
    """What the server said. `refused` stays empty: any refusal aborts the send."""

    message_id: str
    accepted: list[str]
    refused: dict[str, tuple[int, str]] = Field(default_factory=dict)
    server_reply: str


def build_message(
    *,
    sender: str | None,
    recipients: Iterable[str],
    subject: str,
    body: str,
    attachment: Path,
    cc: Iterable[str] = (),
    date: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """UTF-8 message with the workbook attached under its own (often Chinese) name.

    The filename goes out RFC 2231-encoded in Content-Disposition and again as
    an RFC 2047 `name=` on Content-Type, which older clients read instead.
    """
    attachment = Path(attachment)
    msg = EmailMessage(policy=email.policy.SMTP)
    if sender:
        msg["From"] = sender
    recipients = list(recipients)
    if recipients:
        msg["To"] = ", ".join(recipients)
    cc = list(cc)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date if date and date.tzinfo else (date or datetime.now()).astimezone())
    domain = sender.rpartition("@")[2].strip("> ") if sender and "@" in sender else "ledger.invalid"
    msg["Message-ID"] = f"<{message_id}@{domain}>" if message_id else make_msgid(domain=domain)
    msg.set_content(body, charset="utf-8", cte="base64")
    msg.make_mixed()
    msg.attach(_attachment_part(attachment.read_bytes(), attachment.name))
    return msg


def _attachment_part(data: bytes, filename: str) -> EmailMessage:
    """The xlsx part, with headers written out by hand.

    The stdlib folder mangles this long Content-Type once it carries a
    non-ASCII parameter (it RFC 2047-encodes the MIME type itself), so the part is assembled the
    way Thunderbird does it: `name="=?utf-8?b?...?="` for old clients and an
    RFC 2231 `filename*0*=utf-8''...` continuation for everyone else. Lines stay
    under 78 characters so the generator passes them through untouched.
    """
    maintype, subtype = XLSX_MIME
    # The type alone makes an 80-character line; fold right after the colon.
    lines = ["Content-Type:", f" {maintype}/{subtype};"]
    if filename.isascii() and len(filename) < 60 and not any(c in filename for c in '"\\\r\n'):
        lines += [f' name="{filename}"', "Content-Disposition: attachment;", f' filename="{filename}"']
    else:
        encoded = Header(filename, "utf-8", maxlinelen=60).encode(linesep="\n")
        words = encoded.split("\n")
        lines += [f' name="{words[0]}' + ('"' if len(words) == 1 else "")]
        lines += [f" {w.strip()}" + ('"' if i == len(words) - 1 else "") for i, w in enumerate(words[1:], 1)]
        lines.append("Content-Disposition: attachment;")
        quoted = quote(filename.encode("utf-8"), safe="!#$&+-.^_`|~")
        chunks = [""]
        for unit in re.findall(r"%[0-9A-F]{2}|[^%]", quoted):  # never split a %XX
            if len(chunks[-1]) + len(unit) > 54:
                chunks.append("")
            chunks[-1] += unit
        for i, chunk in enumerate(chunks):
            prefix = "utf-8''" if i == 0 else ""
            sep = ";" if i < len(chunks) - 1 else ""
            lines.append(f" filename*{i}*={prefix}{chunk}{sep}")
    lines.append("Content-Transfer-Encoding: base64")
    body = base64.encodebytes(data).decode("ascii").replace("\n", "\r\n")
    raw = ("\r\n".join(lines) + "\r\n\r\n" + body).encode("ascii")
    return BytesParser(_class=EmailMessage, policy=email.policy.SMTP).parsebytes(raw)


def smtp_password(settings: MailSettings) -> str | None:
    """Environment first (scripts, CI), then the OS keyring; keyring trouble means 'no password'."""
    env = os.environ.get(PASSWORD_ENV)
    if env:
        return env
    account = settings.username or settings.sender
    if not account:
        return None
    try:
        import keyring  # lazy: start-up time (keyring looks for its backends when imported)

        return keyring.get_password(KEYRING_SERVICE, account)
    except Exception:  # no backend, locked keychain, D-Bus missing...
        return None


def is_loopback(host: str) -> bool:
    host = host.strip().strip("[]")
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def envelope_recipients(msg: EmailMessage) -> list[str]:
    fields = [str(v) for key in ("To", "Cc", "Bcc") for v in msg.get_all(key, [])]
    return [addr for _name, addr in getaddresses(fields) if addr]


def _reply(code: int, resp: bytes | str) -> str:
    resp_text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)
    return f"{code} {resp_text}".strip()


def tls_context(settings: MailSettings) -> ssl.SSLContext:
    """The system's CAs, plus the company CA file named in Settings (checked before connecting)."""
    ctx = ssl.create_default_context()
    if settings.ca_file:
        try:
            ctx.load_verify_locations(cafile=settings.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise MailError(
                "mail.ca_file_missing", path=settings.ca_file, detail=str(exc) or type(exc).__name__
            ) from None
    return ctx


def _connect(settings: MailSettings, ssl_context: ssl.SSLContext | None) -> smtplib.SMTP:
    host, port = settings.host or "", settings.effective_port()
    if ssl_context is None and settings.security != "none":
        ssl_context = tls_context(settings)
    if settings.security == "ssl":
        ctx = ssl_context or ssl.create_default_context()
        return smtplib.SMTP_SSL(host, port, timeout=settings.timeout, context=ctx)
    smtp = smtplib.SMTP(host, port, timeout=settings.timeout)
    try:
        smtp.ehlo()
        if settings.security == "starttls":
            if not smtp.has_extn("starttls"):
                raise MailError("mail.starttls_unavailable", host=host, port=port)
            smtp.starttls(context=ssl_context or ssl.create_default_context())
            smtp.ehlo()
    except BaseException:
        smtp.close()
        raise
    return smtp


def _transact(smtp: smtplib.SMTP, sender: str, rcpts: list[str], data: bytes) -> tuple[list[str], str]:
    """MAIL, every RCPT, and DATA only if all recipients were accepted."""
    smtp.ehlo_or_helo_if_needed()
    options: list[str] = []
    if not all(a.isascii() for a in [sender, *rcpts]):
        if not smtp.has_extn("smtputf8"):
            bad = next(a for a in [sender, *rcpts] if not a.isascii())
            raise MailError("mail.address_unsupported", address=bad)
        options.append("SMTPUTF8")
    if smtp.has_extn("size"):
        options.append(f"size={len(data)}")
    code, resp = smtp.mail(sender, options)
    if code != 250:
        smtp.rset()
        if code == 530:
            raise MailError("mail.auth_required", reply=_reply(code, resp))
        raise MailError("mail.sender_refused", sender=sender, reply=_reply(code, resp))
    refused: dict[str, str] = {}
    for rcpt in rcpts:
        code, resp = smtp.rcpt(rcpt)
        if code not in (250, 251):
            refused[rcpt] = _reply(code, resp)
    if refused:
        smtp.rset()
        listing = "; ".join(f"{a} ({r})" for a, r in refused.items())
        which = "mail.all_recipients_refused" if len(refused) == len(rcpts) else "mail.some_recipients_refused"
        raise MailError(which, refused=listing, addresses=list(refused))
    code, resp = send_data(smtp, data)
    if code != 250:
        smtp.rset()
        raise MailError("mail.data_refused", reply=_reply(code, resp))
    return rcpts, _reply(code, resp)


def send_smtp(
    msg: EmailMessage,
    settings: MailSettings,
    password: str | None,
    *,
    ssl_context: ssl.SSLContext | None = None,
) -> SendReceipt:
    """Deliver `msg` to the addresses in its To/Cc/Bcc, or raise MailError; never a partial send."""
    host = (settings.host or "").strip()
    if not host:
        raise MailError("mail.no_host")
    port = settings.effective_port()
    if settings.security == "none" and not is_loopback(host):
        raise MailError("mail.insecure_host", host=host)
    sender = settings.sender or (getaddresses([str(msg["From"])])[0][1] if msg["From"] else "")
    if not sender:
        raise MailError("mail.no_sender")
    rcpts = envelope_recipients(msg)
    if not rcpts:
        raise MailError("mail.no_recipients")
    data = _without_bcc(msg).as_bytes(policy=email.policy.SMTP)
    where = {"host": host, "port": port}
    try:
        smtp = _connect(settings, ssl_context)
        try:
            if settings.username and password:
                try:
                    smtp.login(settings.username, password)
                except smtplib.SMTPAuthenticationError as exc:
                    raise MailError(
                        "mail.auth_failed", user=settings.username, reply=_reply(exc.smtp_code, exc.smtp_error)
                    ) from exc
                except smtplib.SMTPNotSupportedError:
                    raise MailError("mail.auth_unsupported", **where) from None
            try:
                accepted, reply = _transact(smtp, sender, rcpts, data)
            except OutcomeUnknown as unknown:
                how = "mail.how_timeout" if unknown.timed_out else "mail.how_dropped"
                raise MailError(
                    "mail.outcome_unknown", host=host, how_code=how, seconds=f"{settings.timeout:g}"
                ) from None
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
    except MailError:
        raise
    except ConnectionRefusedError:
        raise MailError("mail.connection_refused", **where) from None
    except TimeoutError:
        raise MailError("mail.timeout", seconds=settings.timeout, **where) from None
    except ssl.SSLError as exc:
        raise MailError(
            "mail.tls_failed", host=host, detail=getattr(exc, "verify_message", None) or exc.reason or str(exc)
        ) from None
    except smtplib.SMTPServerDisconnected as exc:
        if isinstance(exc.__context__, TimeoutError):  # smtplib wraps a read timeout this way
            raise MailError("mail.timeout", seconds=settings.timeout, **where) from None
        raise MailError("mail.disconnected", host=host) from None
    except smtplib.SMTPResponseException as exc:
        raise MailError("mail.server_error", reply=_reply(exc.smtp_code, exc.smtp_error)) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError("mail.connection_failed", detail=str(exc) or type(exc).__name__, **where) from None
    return SendReceipt(message_id=str(msg["Message-ID"]), accepted=accepted, refused={}, server_reply=reply)


def _without_bcc(msg: EmailMessage) -> EmailMessage:
    if "Bcc" not in msg:
        return msg
    clone = copy.deepcopy(msg)
    del clone["Bcc"]
    return clone


def write_eml(msg: EmailMessage, path: Path, *, unsent: bool = True) -> Path:
    """Write the message as an .eml file with CRLF line ends.

    `X-Unsent: 1` makes Outlook and Windows Mail open it as an editable draft,
    so the clerk only has to press Send.
    """
    path = Path(path)
    data = msg.as_bytes(policy=email.policy.SMTP)
    if unsent and "X-Unsent" not in msg:
        data = b"X-Unsent: 1\r\n" + data
    path.parent.mkdir(parents=True, exist_ok=True)
    # named as ledger.io.scratch names temporary files (pid and computer), so a later run sweeps it
    host = re.sub(r"[^A-Za-z0-9-]", "", socket.gethostname())[:24]
    tmp = path.with_name(f".~eml_{os.getpid()}@{host}_{path.name}")
    try:  # whole or not at all: a full disk leaves no cut-short .eml to be sent by hand
        with open(tmp, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def create_outlook_draft(
    *,
    recipients: Iterable[str],
    subject: str,
    body: str,
    attachment: Path,
    cc: Iterable[str] = (),
    display: bool = True,
    dispatch: Callable[[str], Any] | None = None,
) -> str:
    """Save a draft in desktop Outlook with the workbook attached; return its EntryID.

    `dispatch` stands in for win32com.client.Dispatch where Outlook is absent.
    """
    if dispatch is None:
        if sys.platform != "win32":
            raise MailError("mail.outlook_unavailable")
        try:
            # lazy: pywin32 exists only on Windows
            from win32com.client import Dispatch as dispatch  # type: ignore[import-not-found,no-redef]
        except ImportError:
            raise MailError("mail.outlook_unavailable") from None
    try:
        outlook = dispatch("Outlook.Application")
        item = outlook.CreateItem(0)  # olMailItem
        item.To = "; ".join(recipients)
        cc_list = list(cc)
        if cc_list:
            item.CC = "; ".join(cc_list)
        item.Subject = subject
        item.Body = body
        item.Attachments.Add(str(Path(attachment).resolve()))
        item.Save()
        if display:
            item.Display(False)
        return str(getattr(item, "EntryID", "") or "")
    except MailError:
        raise
    except Exception as exc:  # pywintypes.com_error and friends
        raise MailError("mail.outlook_failed", detail=str(exc) or type(exc).__name__) from None
