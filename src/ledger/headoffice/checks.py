"""Which submissions count for month M: ours, undamaged, figures matching their hash, on time, once.

- Rejected: not our export (`not_ours`), unreadable (`damaged`), figures not
  matching their SHA-256 (`hash_mismatch`), a mail given by name with no export
  attached (`no_attachment`).
- Another month's export is set aside (`other_months`), not rejected: head
  office keeps every month in one folder.
- The same figures reaching head office twice (a file and the mail it came in,
  or the same month exported again unchanged) are one submission; its sending
  time is the earliest mail Date, else the earliest time the export was made.
- Two different exports of one office and month: the newer (made later) is
  kept, the older named under `duplicates`.
- Late: sent after the 25th of M+1 (SPEC §7), by the date where it was sent.
- Missing: offices on the expected list with no accepted export.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ledger.core.i18n import register
from ledger.headoffice.offices import Office
from ledger.headoffice.sources import Received
from ledger.io.export_data import ExportData
from ledger.mail.report import deadline_for

REASONS = ("not_ours", "damaged", "hash_mismatch", "no_attachment")

register(
    {
        "ho.reason.not_ours": {
            "zh-Hans": "不是本工具生成的月度统计导出文件",
            "zh-Hant": "不是本工具產生的月度統計匯出檔案",
            "en": "not a monthly statistics export made by this tool",
        },
        "ho.reason.damaged": {
            "zh-Hans": "文件已损坏,无法读取,请该管理处重新发送",
            "zh-Hant": "檔案已損壞,無法讀取,請該管理處重新發送",
            "en": "the file is damaged and cannot be read; ask the office to send it again",
        },
        "ho.reason.hash_mismatch": {
            "zh-Hans": "数据与其校验值(SHA-256)不符,导出后被改动过,请该管理处重新导出并发送",
            "zh-Hant": "資料與其校驗值(SHA-256)不符,匯出後被改動過,請該管理處重新匯出並發送",
            "en": "the figures do not match their SHA-256: they were changed after the export; ask the office to export and send again",
        },
        "ho.reason.no_attachment": {
            "zh-Hans": "邮件中没有 .xlsx 附件",
            "zh-Hant": "郵件中沒有 .xlsx 附件",
            "en": "the mail has no .xlsx attachment",
        },
    }
)


@dataclass
class Submission:
    office: str
    file: str
    sent_at: dt.datetime | None
    late: bool
    via: str
    data: ExportData
    households: int | None = None
    area: float | None = None
    copies: list[str] = field(default_factory=list)  # the same export received again (e.g. file + mail)


@dataclass
class Rejected:
    file: str
    reason: str
    detail: str = ""


@dataclass
class Submissions:
    month: str
    accepted: list[Submission]
    duplicates: list[dict] = field(default_factory=list)  # {"office", "kept", "files": [older, ...]}
    rejected: list[Rejected] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)  # offices not on the expected list
    other_months: list[tuple[str, str]] = field(default_factory=list)  # (file, month)


def is_late(sent_at: dt.datetime | None, month: str) -> bool:
    """After the 25th of M+1, judged by the calendar date where it was sent."""
    return sent_at is not None and sent_at.date() > deadline_for(month)


def check(received: list[Received], month: str, expected: list[Office] | None = None) -> Submissions:
    result = Submissions(month=month, accepted=[])
    by_office: dict[str, list[Received]] = {}
    for r in received:
        if r.data is None:
            result.rejected.append(Rejected(r.item.name, r.reason or "damaged", r.detail))
        elif r.data.month != month:
            result.other_months.append((r.item.name, r.data.month))
        else:
            by_office.setdefault(r.data.office, []).append(r)
    known = {o.name: o for o in expected or []}
    for office in sorted(by_office):
        versions = _versions(by_office[office])
        kept = versions[-1]
        if len(versions) > 1:
            result.duplicates.append(
                {"office": office, "kept": kept[0].item.name, "files": [v[0].item.name for v in versions[:-1]]}
            )
        result.accepted.append(_submission(kept, month, known.get(office)))
    names = {s.office for s in result.accepted}
    if expected is not None:
        result.missing = [o.name for o in expected if o.name not in names]
        result.unexpected = sorted(names - set(known))
    return result


def _versions(copies: list[Received]) -> list[list[Received]]:
    """Distinct figures (by their SHA-256), oldest export first; each a list of its copies."""
    groups: dict[str, list[Received]] = {}
    for r in copies:
        assert r.data is not None
        groups.setdefault(r.data.sha256, []).append(r)

    def made(group: list[Received]) -> tuple:
        exported = max(_utc(c.data.exported_at) for c in group if c.data)
        sent = max(_utc(c.item.sent_at) for c in group)
        return (exported, sent, group[0].item.name)

    return sorted(groups.values(), key=made)


def _utc(when: dt.datetime | None) -> dt.datetime:
    if when is None:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    return when if when.tzinfo else when.astimezone()


def _submission(copies: list[Received], month: str, office: Office | None) -> Submission:
    mails = sorted((c for c in copies if c.item.sent_at), key=lambda c: _utc(c.item.sent_at))
    first = mails[0] if mails else min(copies, key=lambda c: _utc(c.data.exported_at if c.data else None))
    data = first.data
    assert data is not None
    sent_at = first.item.sent_at or data.exported_at
    return Submission(
        office=data.office,
        file=first.item.name,
        sent_at=sent_at,
        late=is_late(sent_at, month),
        via=first.item.via,
        data=data,
        households=office.households if office else None,
        area=office.area if office else None,
        copies=[c.item.name for c in copies if c is not first],
    )
