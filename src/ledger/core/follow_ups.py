"""Follow-ups (跟进事项): what goes to the office manager after the call (000 4.5-4.6).

A callback graded 不满意 is reported to the office manager (000 4.5); so are the
same unit complaining about the same matter twice and the same repair three
times within the look-back window (000 4.6, Settings). Each needs handling and
then a second callback (再回访), recorded in the case's own row in the columns
再回访日期 / 再回访满意度: a second callback dated on or after the follow-up's
start and not graded 不满意 closes it; one graded 不满意 leaves it open.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ledger.core.i18n import register, text
from ledger.core.models import Case, Ledger

REASONS = ("unsatisfied", "repeat_complaint", "repeat_repair")
REPEAT_RULES = {"complaint": ("repeat_complaint", 2), "repair": ("repeat_repair", 3)}  # 000 4.6


@dataclass(slots=True)
class FollowUp:
    case: Case
    reason: str  # one of REASONS
    since: dt.date
    recall_due: dt.date | None
    state: str  # open | closed
    escalate_to: str = "office_manager"
    related: list[str] = field(default_factory=list)  # case ids of the repeat group, oldest first

    def as_json(self) -> dict[str, Any]:
        return {
            "case_id": self.case.case_id,
            "row": self.case.row,
            "reason": self.reason,
            "escalate_to": self.escalate_to,
            "since": self.since.isoformat(),
            "recall_due": self.recall_due.isoformat() if self.recall_due else None,
            "state": self.state,
        }

    def overdue(self, as_of: dt.date) -> bool:
        return self.state == "open" and self.recall_due is not None and as_of > self.recall_due


def _state(case: Case, since: dt.date, as_of: dt.date) -> str:
    recall = case.recall_on
    if recall is not None and since <= recall <= as_of and case.recall_satisfaction != "unsatisfied":
        return "closed"
    return "open"


def _unsatisfied(ledger: Ledger, as_of: dt.date) -> list[FollowUp]:
    days = dt.timedelta(days=ledger.settings.recall_days)
    out = []
    for c in ledger.cases:
        if c.satisfaction == "unsatisfied" and c.callback_on is not None and c.callback_on <= as_of:
            out.append(FollowUp(c, "unsatisfied", c.callback_on, c.callback_on + days, _state(c, c.callback_on, as_of)))
    return out


def _repeats(ledger: Ledger, as_of: dt.date, category: str, lookback_days: int) -> list[FollowUp]:
    """Each case that brings its unit + aspect group to the threshold inside the look-back window."""
    reason, threshold = REPEAT_RULES[category]
    days = dt.timedelta(days=ledger.settings.recall_days)
    groups: dict[tuple[str, str], list[Case]] = defaultdict(list)
    for c in ledger.cases:
        if c.category == category and c.unit and c.unit.strip() and c.aspect and c.received_on:
            if c.received_on <= as_of:
                groups[(c.unit.strip(), c.aspect)].append(c)
    out = []
    for members in groups.values():
        if len(members) < threshold:
            continue
        members.sort(key=lambda m: (m.received_at, m.row))
        first = 0  # the oldest member inside the look-back window ending on members[i]
        for i, c in enumerate(members):
            start = c.received_on - dt.timedelta(days=lookback_days - 1)
            while members[first].received_on < start:
                first += 1
            if i + 1 - first >= threshold:
                window = members[first : i + 1]
                since = c.received_on
                due = c.completed_on + days if c.completed_on else None
                state = _state(c, since, as_of)
                out.append(FollowUp(c, reason, since, due, state, related=[m.case_id or "" for m in window]))
    return out


def follow_ups(ledger: Ledger, as_of: dt.date) -> list[FollowUp]:
    """Every follow-up known on `as_of`, oldest first; a case can carry more than one reason."""
    s = ledger.settings
    found = _unsatisfied(ledger, as_of)
    found += _repeats(ledger, as_of, "complaint", s.complaint_lookback_days)
    found += _repeats(ledger, as_of, "repair", s.repair_lookback_days)
    found.sort(key=lambda f: (f.since, f.case.row, REASONS.index(f.reason)))
    return found


@dataclass
class FollowUpCounts:
    """For the month's statistics: opened in M, closed in M, still open at M's end."""

    opened: int = 0
    closed: int = 0
    still_open: int = 0

    def as_json(self) -> dict[str, int]:
        return {"opened": self.opened, "closed": self.closed, "still_open": self.still_open}


def month_counts(ledger: Ledger, first: dt.date, last: dt.date, as_of: dt.date) -> FollowUpCounts:
    """Follow-ups opened (since in M), closed (second callback in M) and open at M's end, as known on `as_of`."""
    end = min(last, as_of)
    counts = FollowUpCounts()
    for f in follow_ups(ledger, end):
        if first <= f.since <= end:
            counts.opened += 1
        if f.state == "closed" and f.case.recall_on is not None and first <= f.case.recall_on <= end:
            counts.closed += 1
        if f.state == "open":
            counts.still_open += 1
    return counts


REASON_LABELS = {
    "unsatisfied": ("不满意", "不滿意", "unsatisfied"),
    "repeat_complaint": ("重复投诉", "重複投訴", "repeat complaint"),
    "repeat_repair": ("重复维修", "重複維修", "repeat repair"),
}
register(
    {
        "follow_ups.note_open": {
            "zh-Hans": "{reason}:须报管理处经理,处理后再回访(期限 {due})",
            "zh-Hant": "{reason}:須報管理處經理,處理後再回訪(期限 {due})",
            "en": "{reason}: report to the office manager, call back again after handling (by {due})",
        },
        "follow_ups.note_closed": {
            "zh-Hans": "{reason}:已再回访,关闭",
            "zh-Hant": "{reason}:已再回訪,關閉",
            "en": "{reason}: called back again, closed",
        },
    }
)


def reason_label(reason: str, lang: str) -> str:
    return REASON_LABELS[reason][{"zh-Hant": 1, "en": 2}.get(lang, 0)]


def follow_up_note(f: FollowUp, lang: str) -> str:
    """The text of the tool column 跟进事项 for one follow-up."""
    code = "follow_ups.note_open" if f.state == "open" else "follow_ups.note_closed"
    return text(code, lang, reason=reason_label(f.reason, lang), due=f.recall_due.isoformat() if f.recall_due else "—")
