"""汇总各处报表: read every office's export for month M, check it, build the head-office workbook.

`consolidate_job` reads the sources (files, folders, .eml, mbox, Maildir),
checks the submissions, writes month M into the history database, draws the
12-month trends from it and writes the workbook. It returns the `consolidate`
JSON document (README, schema.ConsolidateDoc): each office's blocks are that
office's `ledger stats --format json` document for the month, key for key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ledger.core.i18n import register, text
from ledger.core.settings import Settings
from ledger.headoffice import history
from ledger.headoffice.checks import Submission, Submissions, check
from ledger.headoffice.figures import group_row, group_totals, league_row, rank_key
from ledger.headoffice.offices import read_offices
from ledger.headoffice.report_book import write_report_book
from ledger.headoffice.sources import gather, read_item

Progress = Callable[[int, int], None]

register(
    {
        "ho.done": {
            "zh-Hans": "{month}:收到 {offices} 个管理处的报表,逾期 {late} 个,缺报 {missing} 个,重复 {duplicates} 个,退回 {rejected} 个。汇总表:{path}",
            "zh-Hant": "{month}:收到 {offices} 個管理處的報表,逾期 {late} 個,缺報 {missing} 個,重複 {duplicates} 個,退回 {rejected} 個。彙總表:{path}",
            "en": "{month}: reports from {offices} offices, {late} late, {missing} missing, {duplicates} duplicate, "
            "{rejected} rejected. Workbook: {path}",
        },
        "ho.line": {
            "zh-Hans": "{rank}. {office}  满意率 {sat}  回访率 {cb}  逾期未回访 {overdue}{late}",
            "zh-Hant": "{rank}. {office}  滿意率 {sat}  回訪率 {cb}  逾期未回訪 {overdue}{late}",
            "en": "{rank}. {office}  satisfaction {sat}  callback rate {cb}  overdue {overdue}{late}",
        },
        "ho.late_mark": {"zh-Hans": "  (逾期报送)", "zh-Hant": "  (逾期報送)", "en": "  (sent late)"},
        "ho.missing": {"zh-Hans": "缺报:{names}", "zh-Hant": "缺報:{names}", "en": "Missing: {names}"},
        "ho.duplicate": {
            "zh-Hans": "重复:{office} 保留 {kept},未采用 {files}",
            "zh-Hant": "重複:{office} 保留 {kept},未採用 {files}",
            "en": "Duplicate: {office} kept {kept}, set aside {files}",
        },
        "ho.rejected": {
            "zh-Hans": "退回:{file}:{reason}",
            "zh-Hant": "退回:{file}:{reason}",
            "en": "Rejected: {file}: {reason}",
        },
    }
)


@dataclass
class Consolidated:
    doc: dict[str, Any]
    workbook: Path
    db: Path
    submissions: Submissions
    ranked: list[dict[str, Any]]


def default_out(month: str) -> Path:
    return Path(f"回访汇总_{month}.xlsx")  # sources.CONSOLIDATED_NAME skips these among the exports


def default_db(out: Path) -> Path:
    return Path(out).parent / "ledger_history.duckdb"


def consolidate_job(
    sources: list[Path],
    month: str,
    *,
    offices_file: Path | None = None,
    out: Path | None = None,
    db: Path | None = None,
    lang: str = "zh-Hans",
    progress: Progress | None = None,
    target: float | None = None,
) -> Consolidated:
    """Raises OfficesUnreadable (the office list) and the write refusals of safe_write."""
    from ledger.io.safe_write import check_writable

    expected = read_offices(offices_file) if offices_file else None
    out = Path(out or default_out(month))
    db = Path(db or default_db(out))
    if out.exists():
        check_writable(out)
    items = gather(list(sources), skip={out, db})
    received = []
    for i, item in enumerate(items, 1):
        received.append(read_item(item))
        if progress:
            progress(i, len(items))
    subs = check(received, month, expected)
    target = Settings().satisfaction_target if target is None else target
    ranked = ranked_rows(subs.accepted, target)
    totals = group_totals([s.data.stats for s in subs.accepted])
    group = group_row(totals, ranked, target)
    totals["league"] = group
    history.record_month(db, month, [_history_row(s, row) for s, row in zip(_by_rank(subs.accepted, ranked), ranked)])
    months = history.trend_months(month)
    write_report_book(out, month, ranked, group, subs, history.trends(db, month), months, lang)
    doc = consolidated_json(subs, ranked, totals)
    return Consolidated(doc=doc, workbook=out, db=db, submissions=subs, ranked=ranked)


def ranked_rows(accepted: list[Submission], target: float) -> list[dict[str, Any]]:
    rows = [{"office": s.office, **league_row(s.data.stats, s.households, target)} for s in accepted]
    rows.sort(key=lambda r: (rank_key(r), r["office"]))
    for i, row in enumerate(rows, 1):
        row["rank"] = i
    return rows


def _by_rank(accepted: list[Submission], ranked: list[dict[str, Any]]) -> list[Submission]:
    by_office = {s.office: s for s in accepted}
    return [by_office[r["office"]] for r in ranked]


def _iso(when: dt.datetime | None) -> str | None:
    return when.isoformat(timespec="seconds") if when else None


def _history_row(s: Submission, row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "office": s.office,
        "file": s.file,
        "sent_at": _iso(s.sent_at),
        "late": s.late,
        "sha256": s.data.sha256,
        "stats": s.data.stats,
    }


def office_entry(s: Submission, rank: int) -> dict[str, Any]:
    """The contract keys, then every block of the office's stats document as it printed them."""
    blocks = {k: v for k, v in s.data.stats.items() if k not in ("month", "office")}
    return {
        "office": s.office,
        "file": s.file,
        "sent_at": _iso(s.sent_at),
        "late": s.late,
        "rank": rank,
        "households": s.households,
        "area": s.area,
        "sha256": s.data.sha256,
        **blocks,
    }


def consolidated_json(subs: Submissions, ranked: list[dict[str, Any]], totals: dict[str, Any]) -> dict[str, Any]:
    by_office = {s.office: s for s in subs.accepted}
    return {
        "month": subs.month,
        "offices": [office_entry(by_office[r["office"]], r["rank"]) for r in ranked],
        "totals": totals,
        "missing": list(subs.missing),
        "duplicates": [dict(d) for d in subs.duplicates],
        "rejected": [{"file": r.file, "reason": r.reason, "detail": r.detail} for r in subs.rejected],
        "other_months": [{"file": f, "month": m} for f, m in subs.other_months],
        "unexpected": list(subs.unexpected),  # offices that sent a report but are not on --offices
    }


def summary_lines(result: Consolidated, lang: str) -> list[str]:
    """The text output: the ranked offices, then what is missing, duplicate or rejected."""

    def pct(v: float | None) -> str:
        return "-" if v is None else f"{v:.1%}"

    subs = result.submissions
    late = {s.office for s in subs.accepted if s.late}
    lines = [
        text(
            "ho.line",
            lang,
            rank=r["rank"],
            office=r["office"],
            sat=pct(r["satisfaction_rate"]),
            cb=pct(r["callback_rate"]),
            overdue=r["overdue"] if r["overdue"] is not None else "-",
            late=text("ho.late_mark", lang) if r["office"] in late else "",
        )
        for r in result.ranked
    ]
    if subs.missing:
        lines.append(text("ho.missing", lang, names=", ".join(subs.missing)))
    for d in subs.duplicates:
        lines.append(text("ho.duplicate", lang, office=d["office"], kept=d["kept"], files=", ".join(d["files"])))
    for r in subs.rejected:
        lines.append(text("ho.rejected", lang, file=r.file, reason=text(f"ho.reason.{r.reason}", lang)))
    lines.append(
        text(
            "ho.done",
            lang,
            month=subs.month,
            offices=len(subs.accepted),
            late=len(late),
            missing=len(subs.missing),
            duplicates=len(subs.duplicates),
            rejected=len(subs.rejected),
            path=result.workbook,
        )
    )
    return lines
