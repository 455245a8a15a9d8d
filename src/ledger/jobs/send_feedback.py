"""Feedback to departments (004 5.6.5): each department head gets their part of 回访意见汇总 by mail.

`ledger send LEDGER --month M --feedback`: for every department with callbacks in M
and addresses under 部门负责人邮箱 in Settings, a workbook holding only that
department's part is attached to a message to its head (SMTP, .eml or an Outlook
draft, as for head office). Departments without an address are named in the
output so the clerk can hand theirs over on paper. Each message is logged.
"""

from __future__ import annotations

import datetime as dt
import re
import ssl
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from ledger.core.changes import Changes
from ledger.core.feedback import department_feedback
from ledger.core.i18n import register, text
from ledger.core.log import log_row
from ledger.core.models import Ledger
from ledger.io.render import render
from ledger.mail.delivery import (
    MailError,
    MailSettings,
    build_message,
    create_outlook_draft,
    send_smtp,
    smtp_password,
    write_eml,
)
from ledger.sheets.feedback_sheet import feedback_layout

register(
    {
        "feedback.subject": {
            "zh-Hans": "【回访意见】{office} {department} {month}",
            "zh-Hant": "【回訪意見】{office} {department} {month}",
            "en": "[Callback feedback] {office} {department} {month}",
        },
        "feedback.body": {
            "zh-Hans": "{department}负责人:\n\n附件是 {month} 住户回访中涉及贵部门的意见和不满意案件(共 {n} 件,其中不满意 {bad} 件),"
            "请安排处理并反馈管理处。\n\n{office}",
            "zh-Hant": "{department}負責人:\n\n附件是 {month} 住戶回訪中涉及貴部門的意見和不滿意案件(共 {n} 件,其中不滿意 {bad} 件),"
            "請安排處理並回饋管理處。\n\n{office}",
            "en": "Dear head of {department},\n\nattached are the {month} callback notes and unsatisfied cases of your "
            "department ({n} cases, {bad} unsatisfied). Please follow them up and report back.\n\n{office}",
        },
        "feedback.sent": {
            "zh-Hans": "{department}:已发送给 {recipients}({n} 件)。",
            "zh-Hant": "{department}:已發送給 {recipients}({n} 件)。",
            "en": "{department}: sent to {recipients} ({n} cases).",
        },
        "feedback.eml": {
            "zh-Hans": "{department}:邮件文件 {path},请发送给 {recipients}。",
            "zh-Hant": "{department}:郵件檔案 {path},請發送給 {recipients}。",
            "en": "{department}: e-mail file {path}; send it to {recipients}.",
        },
        "feedback.no_address": {
            "zh-Hans": "{department}:设置中没有该部门负责人的邮箱(【部门负责人邮箱】),未发送;请打印“回访意见汇总”交给该部门。",
            "zh-Hant": "{department}:設置中沒有該部門負責人的郵箱(【部門負責人郵箱】),未發送;請列印「回訪意見匯總」交給該部門。",
            "en": "{department}: no address under “Department heads' e-mail” in Settings, not sent; print the feedback sheet for them.",
        },
        "feedback.nothing": {
            "zh-Hans": "{month} 没有需要反馈给部门的回访意见。",
            "zh-Hant": "{month} 沒有需要回饋給部門的回訪意見。",
            "en": "No callback feedback for departments in {month}.",
        },
    }
)


def _workbook(ledger: Ledger, month: str, department: str, folder: Path) -> Path:
    book = Workbook()
    render(feedback_layout(ledger, month, ledger.lang, department), book)
    book.remove(book.worksheets[0])
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", f"回访意见汇总_{ledger.settings.office}_{department}_{month}")
    path = folder / f"{safe}.xlsx"
    book.save(path)
    return path


def send_feedback_job(
    ledger: Ledger,
    ledger_path: Path,
    month: str,
    *,
    via: str = "smtp",
    mail: MailSettings,
    out_dir: Path | None = None,
    now: dt.datetime | None = None,
    ssl_context: ssl.SSLContext | None = None,
    password: str | None = None,
) -> tuple[int, dict[str, Any], Changes]:
    """(exit status, {"departments": [...], "lines": [...]}, the Log rows)."""
    s, lang = ledger.settings, ledger.lang
    now = now or dt.datetime.now().astimezone()
    folder = out_dir or Path(ledger_path).resolve().parent
    folder.mkdir(parents=True, exist_ok=True)
    changes, lines, done, code = Changes(), [], [], 0
    for entry in department_feedback(ledger, month):
        if entry.department is None or not entry.cases:
            continue
        dept, n, bad = entry.department, len(entry.cases), entry.unsatisfied
        recipients = s.department_heads.get(dept, [])
        record: dict[str, Any] = {"department": dept, "recipients": recipients, "cases": n, "sent": False}
        if not recipients:  # logged too: the Log shows who was not told
            lines.append(text("feedback.no_address", lang, department=dept))
            done.append(record)
            changes.log_rows.append(
                log_row("send_feedback", {"month": month, "via": via}, record, now=now.replace(tzinfo=None))
            )
            continue
        attachment = _workbook(ledger, month, dept, folder)
        values = {"office": s.office, "department": dept, "month": month, "n": n, "bad": bad}
        subject, body = text("feedback.subject", lang, **values), text("feedback.body", lang, **values)
        record["attachment"] = attachment.name
        try:
            if via == "outlook":
                create_outlook_draft(recipients=recipients, subject=subject, body=body, attachment=attachment)
                lines.append(text("feedback.sent", lang, department=dept, recipients=", ".join(recipients), n=n))
            else:
                msg = build_message(
                    sender=mail.sender,
                    recipients=recipients,
                    subject=subject,
                    body=body,
                    attachment=attachment,
                    date=now,
                )
                if via == "eml":
                    path = write_eml(msg, attachment.with_suffix(".eml"))
                    lines.append(
                        text("feedback.eml", lang, department=dept, path=path, recipients=", ".join(recipients))
                    )
                else:
                    receipt = send_smtp(msg, mail, password, ssl_context=ssl_context)
                    record["message_id"] = receipt.message_id
                    lines.append(text("feedback.sent", lang, department=dept, recipients=", ".join(recipients), n=n))
            record["sent"] = True
        except MailError as exc:
            code = 2
            record["error"] = exc.message(lang)
            lines.append(f"{dept}: {exc.message(lang)}")
        done.append(record)
        changes.log_rows.append(
            log_row("send_feedback", {"month": month, "via": via}, record, now=now.replace(tzinfo=None))
        )
    if not done:
        lines.append(text("feedback.nothing", lang, month=month))
    return code, {"month": month, "departments": done, "lines": lines}, changes


def send_feedback(
    ledger: Ledger,
    ledger_path: Path,
    month: str,
    via: str,
    smtp_host: str | None = None,
    smtp_port: int | None = None,
    smtp_security: str | None = None,
    out_dir: Path | None = None,
) -> tuple[int, dict[str, Any], Changes]:
    """send_feedback_job with the mail settings of Settings (overridden by the command's options)."""
    s = ledger.settings
    mail = MailSettings(
        host=smtp_host or s.smtp_host,
        port=smtp_port or s.smtp_port,
        security=smtp_security or s.smtp_security,
        sender=s.sender,
        username=s.smtp_username,
    )
    password = smtp_password(mail) if via == "smtp" else None
    return send_feedback_job(ledger, ledger_path, month, via=via, mail=mail, out_dir=out_dir, password=password)
