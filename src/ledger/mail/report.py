"""Send month M's statistics to head office (SPEC §7), without touching Excel.

The caller has already built the export file and read Settings and the send
log; this module decides whether to send, words the mail, delivers it by the
chosen route and hands back the record to log. Sends after the 25th of M+1 are
flagged late; a second send of the same month needs `again=True`.
"""

from __future__ import annotations

import hashlib
import re
import ssl
import string
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from ledger.core.i18n import normalize_language, register, text
from ledger.mail.delivery import (
    MailError,
    MailSettings,
    build_message,
    create_outlook_draft,
    send_smtp,
    smtp_password,
    write_eml,
)

Via = Literal["smtp", "eml", "outlook"]
DEADLINE_DAY = 25
PLACEHOLDERS = ("office", "month", "callbacks", "satisfaction", "overdue", "alerts", "deadline")

CATALOG: dict[str, dict[str, str]] = {
    "send.subject": {
        "zh-Hans": "{office} {month} 回访统计",
        "zh-Hant": "{office} {month} 回訪統計",
        "en": "{office} {month} callback statistics",
    },
    "send.body": {
        "zh-Hans": (
            "总部：\n\n附件为{office} {month} 的回访统计表，请查收。\n\n"
            "本月回访 {callbacks} 次，满意率 {satisfaction}；逾期未回访 {overdue} 件；需关注事项 {alerts} 项。\n\n"
            "{office}"
        ),
        "zh-Hant": (
            "總部：\n\n附件為{office} {month} 的回訪統計表，請查收。\n\n"
            "本月回訪 {callbacks} 次，滿意率 {satisfaction}；逾期未回訪 {overdue} 件；需關注事項 {alerts} 項。\n\n"
            "{office}"
        ),
        "en": (
            "Dear head office,\n\nAttached are {office}'s callback statistics for {month}.\n\n"
            "Callbacks made: {callbacks}; satisfaction rate: {satisfaction}; overdue callbacks: {overdue}; "
            "items needing attention: {alerts}.\n\n{office}"
        ),
    },
    "send.no_rate": {"zh-Hans": "无", "zh-Hant": "無", "en": "n/a"},
    "send.bad_month": {
        "zh-Hans": "月份“{month}”格式不对，应为 YYYY-MM，例如 2026-10。",
        "zh-Hant": "月份「{month}」格式不對，應為 YYYY-MM，例如 2026-10。",
        "en": 'Month "{month}" is not in the form YYYY-MM (for example 2026-10).',
    },
    "send.attachment_missing": {
        "zh-Hans": "找不到要发送的统计文件 {path}。请先生成月度统计再发送。",
        "zh-Hant": "找不到要傳送的統計檔案 {path}。請先產生月度統計再傳送。",
        "en": "The statistics file {path} was not found. Build the monthly statistics first, then send.",
    },
    "send.already_sent": {
        "zh-Hans": "{month} 的统计已于 {time} 发送给 {recipients}。如确需再次发送（例如更正后），请使用“再次发送”（--again）。",
        "zh-Hant": "{month} 的統計已於 {time} 傳送給 {recipients}。如確需再次傳送（例如更正後），請使用「再次傳送」（--again）。",
        "en": 'The statistics for {month} were already sent on {time} to {recipients}. To send again (e.g. after a correction), use "send again" (--again).',
    },
    "send.maybe_sent": {
        "zh-Hans": "{month} 的统计可能已于 {time} 发出(当时未收到服务器的确认),请与总部确认。确认未收到后,再用“再次发送”(--again)发送。",
        "zh-Hant": "{month} 的統計可能已於 {time} 寄出(當時未收到伺服器的確認),請與總部確認。確認未收到後,再用「再次傳送」(--again)傳送。",
        "en": "The statistics for {month} may already have gone out on {time} (the server never confirmed); please check with head office. Only if they did not receive it, send again with --again.",
    },
    "send.template_invalid": {
        "zh-Hans": "“设置”表中的邮件{which}模板有误（{detail}）。可用的占位符：{allowed}。",
        "zh-Hant": "「設定」表中的郵件{which}範本有誤（{detail}）。可用的預留位置：{allowed}。",
        "en": "The mail {which} template in the Settings sheet is invalid ({detail}). Placeholders you can use: {allowed}.",
    },
    "send.late": {
        "zh-Hans": "注意：{month} 的统计应在 {deadline} 前报送总部，今天（{today}）已逾期。",
        "zh-Hant": "注意：{month} 的統計應在 {deadline} 前報送總部，今天（{today}）已逾期。",
        "en": "Note: the statistics for {month} were due at head office by {deadline}; today ({today}) is past that date.",
    },
}
register(CATALOG)


# Log statuses of a send: "sending" is written before the mail goes out and stays the last word
# when the run dies before the outcome is logged; "unknown" when the server's answer never came.
UNCONFIRMED = ("sending", "unknown")
# Refusals made before anything is attempted: no `failed` Log row for them.
REFUSALS = ("send.already_sent", "send.maybe_sent", "send.bad_month", "send.attachment_missing")


class SendResult(BaseModel):
    status: Literal["sent", "eml_written", "draft_created"]
    time: datetime
    month: str
    via: Via
    recipients: list[str]
    subject: str
    attachment: str
    sha256: str
    size: int
    message_id: str
    server_reply: str = ""
    late: bool
    deadline: date
    eml_path: Path | None = None
    warnings: list[str] = Field(default_factory=list)

    def log_record(self) -> dict[str, Any]:
        """One row for the send log: what went where, and proof of which file."""
        return {
            "time": self.time.isoformat(timespec="seconds"),
            "action": "send",
            "month": self.month,
            "via": self.via,
            "recipients": list(self.recipients),
            "attachment": self.attachment,
            "sha256": self.sha256,
            "size": self.size,
            "message_id": self.message_id,
            "server_reply": self.server_reply,
            "late": self.late,
            "status": self.status,
        }


def deadline_for(month: str) -> date:
    """Statistics of month M are due at head office on the 25th of M+1."""
    year, mon = _parse_month(month)
    return date(year + mon // 12, mon % 12 + 1, DEADLINE_DAY)


def default_attachment_name(office: str, month: str, lang: str = "zh-Hans") -> str:
    label = {"zh-Hans": "回访统计", "zh-Hant": "回訪統計", "en": "callback-statistics"}[normalize_language(lang)]
    return f"{label}_{_safe_filename(office)}_{month}.xlsx"


def file_fingerprint(path: Path) -> tuple[str, int]:
    data = Path(path).read_bytes()
    return hashlib.sha256(data).hexdigest(), len(data)


def content_sha256(path: Path) -> str:
    """SHA-256 of the export's content: every zip member but docProps/core.xml (its save time),
    by name, so rebuilding the same figures gives the same hash."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(path) as zf:
        for name in sorted(zf.namelist()):
            if name != "docProps/core.xml":
                digest.update(name.encode() + b"\0" + zf.read(name) + b"\0")
    return digest.hexdigest()


def stable_message_id(office: str, month: str, export_hash: str) -> str:
    """The left part of a Message-ID that is the same for every send of the same export, so head
    office (and its mail server) can recognise a second copy."""
    key = hashlib.sha256(f"{office}\n{month}\n{export_hash}".encode()).hexdigest()[:24]
    return f"{month}.{key}"  # short: a Message-ID header over 78 characters gets folded


def unconfirmed_send(previous_sends: list[dict[str, Any]], month: str) -> dict[str, Any] | None:
    """The last attempt of `month` whose outcome was never confirmed (sending / unknown), unless a
    later row of the same Message-ID settled it (sent or failed)."""
    rows = [r for r in previous_sends if r.get("action", "send") == "send" and r.get("month") == month]
    for i, r in reversed(list(enumerate(rows))):
        if r.get("status") in UNCONFIRMED:
            later = [x for x in rows[i + 1 :] if x.get("message_id") == r.get("message_id")]
            if not any(x.get("status") in ("sent", "failed") for x in later):
                return r
    return None


def last_successful_send(previous_sends: list[dict[str, Any]], month: str) -> dict[str, Any] | None:
    """Only a send the server accepted counts; an .eml or a draft may never have gone out."""
    hits = [
        r
        for r in previous_sends
        if r.get("action", "send") == "send" and r.get("month") == month and r.get("status") == "sent"
    ]
    return hits[-1] if hits else None


def send_monthly_report(
    *,
    attachment: Path,
    office: str,
    month: str,
    headline: dict[str, Any],
    mail: MailSettings,
    via: Via = "smtp",
    to: list[str] | None = None,
    lang: str = "zh-Hans",
    previous_sends: list[dict[str, Any]] | None = None,
    again: bool = False,
    now: datetime | None = None,
    eml_dir: Path | None = None,
    subject_template: str | None = None,
    body_template: str | None = None,
    ssl_context: ssl.SSLContext | None = None,
    password: str | None = None,
    cc: list[str] | None = None,
    before_delivery: Callable[[dict[str, Any]], None] | None = None,
    export_hash: str | None = None,
) -> SendResult:
    """Send (or stage) M's statistics; raise MailError and report nothing as sent on failure.

    `export_hash`: the SHA-256 of the export's figures (io.export_data), which names the Message-ID so
    that every send of the same figures carries the same one; without it, the file's content hash.

    `before_delivery(record)` is called with the attempt's Log record (status "sending") after
    every check and before the server is contacted; if it raises, nothing is sent.
    """
    lang = normalize_language(lang)
    now = now or datetime.now().astimezone()
    deadline = deadline_for(month)
    attachment = Path(attachment)
    recipients = _sendable(attachment, month, mail, via, to, previous_sends or [], again)

    values = _placeholder_values(office, month, headline, deadline, lang)
    subject = _fill(subject_template, "send.subject", values, lang, "subject").replace("\n", " ").strip()
    body = _fill(body_template, "send.body", values, lang, "body")
    sha256, size = file_fingerprint(attachment)
    msg = build_message(
        sender=mail.sender,
        recipients=recipients,
        cc=cc or (),
        subject=subject,
        body=body,
        attachment=attachment,
        date=now,
        message_id=stable_message_id(office, month, export_hash or content_sha256(attachment)),
    )
    late = now.date() > deadline
    warnings = (
        [text("send.late", lang, month=month, deadline=deadline.isoformat(), today=now.date().isoformat())]
        if late
        else []
    )
    common = dict(
        time=now,
        month=month,
        via=via,
        recipients=recipients + list(cc or ()),
        subject=subject,
        attachment=attachment.name,
        sha256=sha256,
        size=size,
        message_id=str(msg["Message-ID"]),
        late=late,
        deadline=deadline,
        warnings=warnings,
    )

    delivery = (password, ssl_context, before_delivery, eml_dir)
    return _route(via, msg, mail, common, attachment, recipients, body, cc, delivery)


def _sendable(
    attachment: Path,
    month: str,
    mail: MailSettings,
    via: Via,
    to: list[str] | None,
    previous_sends: list[dict[str, Any]],
    again: bool,
) -> list[str]:
    """The recipients, once every check before building the message has passed (else MailError)."""
    if not attachment.is_file():
        raise MailError("send.attachment_missing", path=str(attachment))
    previous = last_successful_send(previous_sends, month)
    if previous and not again:
        raise MailError(
            "send.already_sent",
            month=month,
            time=previous.get("time", "?"),
            recipients=", ".join(_as_list(previous.get("recipients"))),
        )
    unsure = unconfirmed_send(previous_sends, month)
    if unsure and not again:
        raise MailError("send.maybe_sent", month=month, time=unsure.get("time", "?"))
    recipients = [a.strip() for a in (to if to else mail.recipients) if a and a.strip()]
    if not recipients:
        raise MailError("mail.no_recipients")
    if via == "smtp":
        if not (mail.host or "").strip():
            raise MailError("mail.no_host")
        if not mail.sender:
            raise MailError("mail.no_sender")
    return recipients


def _route(
    via: Via,
    msg: Any,
    mail: MailSettings,
    common: dict[str, Any],
    attachment: Path,
    recipients: list[str],
    body: str,
    cc: list[str] | None,
    delivery: tuple[str | None, ssl.SSLContext | None, Callable[[dict[str, Any]], None] | None, Path | None],
) -> SendResult:
    """The built message sent by SMTP, written as .eml, or left as an Outlook draft.

    `delivery`: (password, ssl_context, before_delivery, eml_dir) as send_monthly_report was given them."""
    password, ssl_context, before_delivery, eml_dir = delivery
    if via == "smtp":
        secret = password if password is not None else smtp_password(mail)
        if before_delivery is not None:
            attempt = SendResult(status="sent", **common).log_record()
            before_delivery({**attempt, "status": "sending"})
        receipt = send_smtp(msg, mail, secret, ssl_context=ssl_context)
        return SendResult(status="sent", server_reply=receipt.server_reply, **common)
    if via == "eml":
        folder = Path(eml_dir) if eml_dir else attachment.parent
        path = write_eml(msg, folder / (attachment.stem + ".eml"))
        return SendResult(status="eml_written", eml_path=path, **common)
    if via == "outlook":
        entry_id = create_outlook_draft(
            recipients=recipients,
            cc=cc or (),
            subject=common["subject"],
            body=body,
            attachment=attachment,
        )
        return SendResult(status="draft_created", server_reply=f"outlook draft {entry_id}".strip(), **common)
    raise ValueError(f"unknown route {via!r}")


def failure_record(
    error: BaseException,
    *,
    month: str,
    via: str,
    recipients: list[str],
    attachment: Path | None,
    now: datetime,
    lang: str = "zh-Hans",
    message_id: str = "",
) -> dict[str, Any]:
    """The log row for a send that did not go out (or may have: status "unknown"), shaped as a success."""
    sha256, size = ("", 0)
    if attachment is not None and Path(attachment).is_file():
        sha256, size = file_fingerprint(attachment)
    code = error.code if isinstance(error, MailError) else type(error).__name__
    message = error.message(lang) if isinstance(error, MailError) else str(error)
    late = False
    try:
        late = now.date() > deadline_for(month)
    except MailError:
        pass
    return {
        "time": now.isoformat(timespec="seconds"),
        "action": "send",
        "month": month,
        "via": via,
        "recipients": list(recipients),
        "attachment": Path(attachment).name if attachment is not None else "",
        "sha256": sha256,
        "size": size,
        "message_id": message_id,
        "server_reply": message,
        "late": late,
        "status": "unknown" if code == "mail.outcome_unknown" else "failed",
        "error": code,
    }


def _parse_month(month: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{4})-(\d{2})", str(month).strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise MailError("send.bad_month", month=month)
    return int(m.group(1)), int(m.group(2))


def _placeholder_values(office: str, month: str, headline: dict[str, Any], deadline: date, lang: str) -> dict[str, str]:
    rate = headline.get("satisfaction_rate")
    satisfaction = text("send.no_rate", lang) if rate is None else f"{rate * 100:.1f}%"
    return {
        "office": office,
        "month": month,
        "callbacks": str(headline.get("callbacks", 0)),
        "satisfaction": satisfaction,
        "overdue": str(headline.get("overdue", 0)),
        "alerts": str(headline.get("alerts", 0)),
        "deadline": deadline.isoformat(),
    }


def _fill(template: str | None, default_code: str, values: dict[str, str], lang: str, which: str) -> str:
    """Fill a clerk-written template, rejecting unknown placeholders instead of mailing '{typo}'."""
    if not template or not template.strip():
        return text(default_code, lang, **values)
    allowed = " ".join("{" + p + "}" for p in PLACEHOLDERS)
    label = {
        "subject": {"zh-Hans": "主题", "zh-Hant": "主旨", "en": "subject"},
        "body": {"zh-Hans": "正文", "zh-Hant": "內文", "en": "body"},
    }[which][lang]
    try:
        for _lit, field, _spec, _conv in string.Formatter().parse(template):
            if field is not None and field not in PLACEHOLDERS:
                raise MailError("send.template_invalid", which=label, detail="{" + field + "}", allowed=allowed)
        return template.format(**values)
    except (ValueError, IndexError, KeyError) as exc:
        raise MailError("send.template_invalid", which=label, detail=str(exc), allowed=allowed) from None


def _safe_filename(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("._") or "office"


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in re.split(r"[;,]", value) if v.strip()]
    return [str(v) for v in value]
