"""SMTP's DATA phase, where a message can be delivered without the sender knowing.

Once the server has the whole message (the final "." sent), a dropped connection or an answer
that comes after the timeout leaves the outcome open: the server may have queued the mail. That
case is raised as OutcomeUnknown, never as "not sent", so the caller can say 可能已发出 and
refuse to send again without --again.
"""

from __future__ import annotations

import re
import smtplib

from ledger.core.i18n import register

register(
    {
        "mail.outcome_unknown": {
            "zh-Hans": "可能已发出,请与总部确认。邮件服务器 {host} 已收下邮件内容,但在确认之前{how};邮件可能已经送达。请先向总部确认是否收到这封统计邮件,确认未收到后再用“再次发送”(--again)重发。",
            "zh-Hant": "可能已寄出,請與總部確認。郵件伺服器 {host} 已收下郵件內容,但在確認之前{how};郵件可能已經送達。請先向總部確認是否收到這封統計郵件,確認未收到後再用「再次傳送」(--again)重寄。",
            "en": "It may have been sent; please check with head office. The mail server {host} took the message but {how} before confirming it, so it may have arrived. Ask head office whether they received the statistics mail; only if not, send again with --again.",
        },
        "mail.how_dropped": {"zh-Hans": "连接中断", "zh-Hant": "連線中斷", "en": "the connection dropped"},
        "mail.how_timeout": {
            "zh-Hans": "超过 {seconds} 秒没有回应",
            "zh-Hant": "超過 {seconds} 秒沒有回應",
            "en": "did not answer within {seconds} s",
        },
    }
)


def send_data(smtp: smtplib.SMTP, data: bytes) -> tuple[int, bytes]:
    """DATA, the message, and the server's answer; OutcomeUnknown when that answer never comes.

    A refusal of DATA itself (not 354) comes back as its (code, reply): nothing was sent.
    """
    code, resp = smtp.docmd("data")
    if code != 354:
        return code, resp
    smtp.send(_dot_stuffed(data))
    try:  # the whole message is with the server: from here a missing answer leaves the outcome open
        return smtp.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        timed_out = isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError)
        raise OutcomeUnknown(timed_out) from None


class OutcomeUnknown(Exception):
    """The server had the whole message when its answer failed to come (dropped or too late)."""

    def __init__(self, timed_out: bool):
        super().__init__("timeout" if timed_out else "dropped")
        self.timed_out = timed_out


def _dot_stuffed(data: bytes) -> bytes:
    """The DATA body as smtplib.SMTP.data sends it: CRLF line ends, leading dots doubled, final '.'."""
    body = re.sub(rb"(?:\r\n|\n|\r(?!\n))", b"\r\n", data)
    body = re.sub(rb"(?m)^\.", b"..", body)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    return body + b".\r\n"
