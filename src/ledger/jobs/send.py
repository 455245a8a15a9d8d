"""Send to head office: build the export, deliver it exactly once, log the attempt and the outcome."""

from __future__ import annotations

import datetime as dt
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ledger.core.changes import Changes
from ledger.core.i18n import register, text
from ledger.core.log import log_row, sends
from ledger.core.models import Ledger
from ledger.core.reading import UnusableLedger
from ledger.core.vocab import fold
from ledger.core.windows import month_bounds
from ledger.io.export import export_stats
from ledger.io.export_data import read_export
from ledger.io.guard import UnusableWorkbook
from ledger.io.safe_write import check_writable, write_error
from ledger.jobs.stats import stats_job
from ledger.mail.delivery import MailError, MailSettings, smtp_password, tls_context
from ledger.mail.report import REFUSALS, failure_record, send_monthly_report

register(
    {
        "send.done": {
            "zh-Hans": "{month} 月度统计已发送给 {recipients}(附件 {attachment},SHA-256 {sha256})。",
            "zh-Hant": "{month} 月度統計已發送給 {recipients}(附件 {attachment},SHA-256 {sha256})。",
            "en": "The {month} statistics were sent to {recipients} (attachment {attachment}, SHA-256 {sha256}).",
        },
        "send.eml_done": {
            "zh-Hans": "邮件文件已生成:{path}。请用邮件程序打开并发送给 {recipients}。",
            "zh-Hant": "郵件檔案已產生:{path}。請用郵件程式開啟並發送給 {recipients}。",
            "en": "The e-mail file is ready: {path}. Open it in your mail program and send it to {recipients}.",
        },
        "send.draft_done": {
            "zh-Hans": "已在 Outlook 中创建草稿,请检查后发送给 {recipients}。",
            "zh-Hant": "已在 Outlook 中建立草稿,請檢查後發送給 {recipients}。",
            "en": "A draft was created in Outlook; review it and send it to {recipients}.",
        },
        "send.generic_office": {
            "zh-Hans": "“设置”表的管理处名称还是通用的“{office}”,总部无法分辨是哪个管理处。请在“设置”表填写本管理处的名称(或加 --office 名称)后再发送。",
            "zh-Hant": "「設置」表的管理處名稱還是通用的「{office}」,總部無法分辨是哪個管理處。請在「設置」表填寫本管理處的名稱(或加 --office 名稱)後再發送。",
            "en": "The office name in Settings is still the generic “{office}”: head office cannot tell which office this is. Enter your office's name in the Settings sheet (or pass --office NAME) and send again.",
        },
        "send.partial_month": {
            "zh-Hans": "{month} 尚未结束(截至 {as_of}),统计还不完整,不发送。月末之后再发送;确需发送不完整的统计时,加 --partial。",
            "zh-Hant": "{month} 尚未結束(截至 {as_of}),統計還不完整,不發送。月末之後再發送;確需發送不完整的統計時,加 --partial。",
            "en": "{month} is not over yet (as of {as_of}); its statistics are incomplete and were not sent. Send after the month ends, or pass --partial to send them as they are.",
        },
    }
)


GENERIC_OFFICES = frozenset(
    fold(name) for name in ("物业管理处", "物業管理處", "管理处", "物业公司", "Property management office", "office")
)


def headline(result: Any) -> dict[str, Any]:
    """The numbers the mail body quotes, from the statistics JSON (a figure without data counts none)."""
    doc = result.as_json()
    sat = doc["satisfaction"]["overall"]
    callbacks = (sat["satisfied"] or 0) + (sat["fairly_satisfied"] or 0) + (sat["unsatisfied"] or 0)
    overdue = sum(c["overdue"] or 0 for c in doc["compliance"].values())
    alerts = doc["alerts"]
    n_alerts = sum(len(v) for v in alerts.values())
    return {"callbacks": callbacks, "satisfaction_rate": sat["rate"], "overdue": overdue, "alerts": n_alerts}


def _refusal(ledger: Ledger, month: str, today: dt.date, partial: bool) -> str | None:
    """Why this month must not go to head office now: a generic office name, or a month not over."""
    if fold(ledger.settings.office) in GENERIC_OFFICES:
        return text("send.generic_office", ledger.lang, office=ledger.settings.office)
    if today <= month_bounds(month)[1] and not partial:
        return text("send.partial_month", ledger.lang, month=month, as_of=today.isoformat())
    return None


def send_job(
    ledger: Ledger,
    ledger_path: Path,
    month: str,
    *,
    via: str = "smtp",
    to: list[str] | None = None,
    smtp_host: str | None = None,
    smtp_port: int | None = None,
    smtp_security: str | None = None,
    out_dir: Path | None = None,
    again: bool = False,
    now: dt.datetime | None = None,
    ssl_context: ssl.SSLContext | None = None,
    password: str | None = None,
    log_now: Callable[[Changes], None] | None = None,
    partial: bool = False,
    log_in_file: bool = True,
) -> tuple[int, dict[str, Any], Changes | None]:
    """Returns (exit status, JSON document with clerk-readable "lines", the Log row to write or None).

    Refuses (status 2, nothing built, sent or logged: None) to address head office as a generic
    office, or to send a month that is not over unless `partial`.

    Exactly once: with `log_now` (a function writing Log rows into the ledger at once) the
    ledger is first checked writable, the attempt is logged before the server is contacted,
    and the returned Changes carry the outcome. A month already sent, or whose last attempt
    was never confirmed, is refused (exit 2) without a Log row unless `again`.
    `log_in_file=False` when `log_now` writes into the workbook open in Excel (the ribbon):
    the file is then open by design and is not checked.
    """
    settings = ledger.settings
    lang = ledger.lang
    now = now or dt.datetime.now().astimezone()
    refusal = _refusal(ledger, month, now.date(), partial)
    if refusal:
        return 2, {"month": month, "refused": True, "lines": [refusal]}, None
    changes = Changes()
    folder = out_dir or Path(ledger_path).resolve().parent
    try:
        result, export = _export(
            ledger, ledger_path, month, now, folder, check_ledger=log_now is not None and log_in_file
        )
    except (UnusableWorkbook, UnusableLedger) as exc:
        return 2, {"status": "refused", "lines": [exc.message(lang)]}, Changes()
    mail = _mail_settings(settings, smtp_host, smtp_port, smtp_security)
    recipients = list(to) if to else list(settings.head_office)
    attempt: dict[str, Any] = {}

    def log_attempt(record: dict[str, Any]) -> None:
        attempt.update(record)
        if log_now is not None:
            row = log_row("send", {"month": month, "via": via, "again": again}, record, now=now.replace(tzinfo=None))
            log_now(Changes(log_rows=[row]))

    try:
        sent = _deliver(
            ledger, result, export, mail, via, recipients, month, again, now, folder, ssl_context, password, log_attempt
        )
    except UnusableWorkbook as exc:  # the attempt could not be logged: nothing was sent
        return 2, {"status": "refused", "lines": [exc.message(lang)]}, Changes()
    except OSError as exc:  # the .eml could not be written (full disk, no permission)
        return 2, {"status": "refused", "lines": [write_error(exc, folder).message(lang)]}, Changes()
    except MailError as exc:
        if exc.code in REFUSALS:
            return 2, {"status": "refused", "lines": [exc.message(lang)]}, Changes()
        return _failed(exc, month, via, recipients, export, now, lang, attempt.get("message_id", ""), changes)
    record = sent.log_record()
    changes.log_rows.append(
        log_row("send", {"month": month, "via": via, "again": again}, record, now=now.replace(tzinfo=None))
    )
    done = _done_line(via, record, sent, recipients, export, lang)
    return 0, {**record, "lines": [done, *sent.warnings]}, changes


def _deliver(
    ledger: Ledger,
    result: Any,
    attachment: Path,
    mail: MailSettings,
    via: str,
    recipients: list[str],
    month: str,
    again: bool,
    now: dt.datetime,
    folder: Path,
    ssl_context: ssl.SSLContext | None,
    password: str | None,
    log_attempt: Callable[[dict[str, Any]], None],
) -> Any:
    """The export mailed (SMTP), staged (.eml) or drafted (Outlook); `log_attempt` runs before the server is contacted."""
    settings = ledger.settings
    if via == "smtp" and mail.security != "none" and ssl_context is None:
        ssl_context = tls_context(mail)  # a missing company CA file is found before anything is logged
    if via == "smtp" and password is None:
        password = smtp_password(mail)
    return send_monthly_report(
        attachment=attachment,
        office=settings.office,
        month=month,
        headline=headline(result),
        mail=mail,
        via=via,
        to=recipients or None,
        lang=ledger.lang,
        previous_sends=sends(ledger.log),
        again=again,
        now=now,
        eml_dir=folder,
        subject_template=settings.mail_subject,
        body_template=settings.mail_body,
        ssl_context=ssl_context,
        password=password,
        cc=list(settings.cc) or None,
        before_delivery=log_attempt,
        export_hash=read_export(attachment).sha256,  # the figures' hash: the same for a rebuilt export
    )


def _mail_settings(
    settings: Any, smtp_host: str | None, smtp_port: int | None, smtp_security: str | None
) -> MailSettings:
    """The Settings sheet's mail server, with the command's options taking precedence."""
    return MailSettings(
        host=smtp_host or settings.smtp_host,
        port=smtp_port or settings.smtp_port,
        security=smtp_security or settings.smtp_security,
        sender=settings.sender,
        recipients=list(settings.head_office),
        username=settings.smtp_username,
        timeout=settings.smtp_timeout,
        ca_file=settings.smtp_ca_file,
    )


def _failed(
    exc: MailError,
    month: str,
    via: str,
    recipients: list[str],
    attachment: Path,
    now: dt.datetime,
    lang: str,
    message_id: str,
    changes: Changes,
) -> tuple[int, dict[str, Any], Changes]:
    """A delivery that failed (or whose outcome is unknown): exit 2, and its Log row."""
    record = failure_record(
        exc,
        month=month,
        via=via,
        recipients=recipients,
        attachment=attachment,
        now=now,
        lang=lang,
        message_id=message_id,
    )
    changes.log_rows.append(log_row("send", {"month": month, "via": via}, record, now=now.replace(tzinfo=None)))
    return 2, {**record, "lines": [exc.message(lang)]}, changes


def _export(
    ledger: Ledger, ledger_path: Path, month: str, now: dt.datetime, folder: Path, *, check_ledger: bool
) -> tuple[Any, Path]:
    """The month's statistics and their export file; with `check_ledger` the ledger is first checked
    writable (open in Excel, read-only), so a send that could not be logged is refused before it starts."""
    if check_ledger:
        check_writable(ledger_path)
    result, _ = stats_job(ledger, month, now.date())
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return result, export_stats(result, ledger, folder)
    except OSError as exc:
        raise write_error(exc, folder) from exc


def _done_line(via: str, record: dict[str, Any], sent: Any, recipients: list[str], attachment: Path, lang: str) -> str:
    who = ", ".join(record.get("recipients") or recipients)
    if via == "smtp":
        return text(
            "send.done",
            lang,
            month=record["month"],
            recipients=who,
            attachment=attachment.name,
            sha256=str(record.get("sha256", ""))[:12],
        )
    if via == "eml":
        return text("send.eml_done", lang, path=sent.eml_path, recipients=who)
    return text("send.draft_done", lang, recipients=who)
