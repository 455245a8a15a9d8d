"""The JSON contract of SPEC §9 as pydantic models and enums.

The core works on light dataclasses for speed; these models are the published
shape of what the commands print, so scripts (and our tests) can validate a
document against them. Enum values are the fixed English keys.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ledger.core import vocab


def _enum(name: str, vocabulary: vocab.Vocabulary) -> type[StrEnum]:
    return StrEnum(name, {key: key for key in vocabulary.keys()})


Category = _enum("Category", vocab.CATEGORIES)
Status = _enum("Status", vocab.STATUSES)
SeverityLevel = _enum("SeverityLevel", vocab.SEVERITIES)
ResponsibilityClass = _enum("ResponsibilityClass", vocab.RESPONSIBILITY)
Satisfaction = _enum("Satisfaction", vocab.SATISFACTION)
Channel = _enum("Channel", vocab.CHANNELS)
CallbackMethod = _enum("CallbackMethod", vocab.CALLBACK_METHODS)
NoCallbackReason = _enum("NoCallbackReason", vocab.NO_CALLBACK_REASONS)
Role = _enum("Role", vocab.ROLES)


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")  # the contract may be extended, never changed


class CaseRecord(_Open):
    """One case with the canonical field names of SPEC §2.1."""

    case_id: str
    received_on: dt.date
    channel: Channel | None = None
    category: Category
    unit: str | None = None
    customer: str | None = None
    phone: str | None = None
    description: str | None = None
    aspect: str | None = None
    responsibility: ResponsibilityClass | None = None
    severity: SeverityLevel | None = None
    complainants: int = 1
    lawsuit_or_media: bool = False
    department: str | None = None
    handler: str | None = None
    first_response_at: dt.datetime | None = None
    completed_on: dt.date | None = None
    callback_on: dt.date | None = None
    callback_method: CallbackMethod | None = None
    callback_by: str | None = None
    callback_attempts: int | None = None
    satisfaction: Satisfaction | None = None
    callback_notes: str | None = None
    no_callback_reason: NoCallbackReason | None = None

    @classmethod
    def from_case(cls, case) -> CaseRecord:
        """From a `models.Case` (only complete rows: id, receipt date and category known)."""
        fields = {name: getattr(case, name) for name in cls.model_fields if name != "received_on"}
        return cls(received_on=case.received_on, **fields)


class ProblemDoc(_Open):
    sheet: str | None
    row: int | None
    column: str | None
    code: str
    severity: Literal["error", "warning"]
    message: str


class SuspicionEntry(_Open):
    """SPEC §9.1: a callback that looks unreal (core.suspicions)."""

    code: Literal[
        "callback_before_completion",
        "month_end_bunching",
        "copied_notes",
        "own_case",
        "perfect_tiny_sample",
        "off_day_office_call",
    ]
    rows: list[int]
    message: str


class ValidateDoc(_Open):
    problems: list[ProblemDoc]
    rows: int
    valid_rows: int
    suspicions: list[SuspicionEntry] = Field(default_factory=list)


class CallbackEntry(_Open):
    case_id: str | None
    row: int
    category: Category | None
    status: Status | None
    window_start: dt.date | None
    window_due: dt.date | None
    sampled: bool | None
    assignee_role: Role | None


class FollowUpEntry(_Open):
    """SPEC §9.1: what goes to the office manager after the call (000 4.5-4.6)."""

    case_id: str | None
    row: int
    reason: Literal["unsatisfied", "repeat_complaint", "repeat_repair"]
    escalate_to: Role
    since: dt.date
    recall_due: dt.date | None
    state: Literal["open", "closed"]


class CallbacksDoc(_Open):
    as_of: dt.date
    cases: list[CallbackEntry]
    counts: dict[Status, int]
    follow_ups: list[FollowUpEntry] = Field(default_factory=list)


class SampleDoc(_Open):
    month: str
    seed: int
    drawn: dict[Category, list[str | None]]
    required: dict[Category, int]


# A figure whose column is missing from the ledger is null (SPEC §9.1), never 0: hence `int | None`.
class Compliance(_Open):
    population: int | None
    required: int | None
    sampled: int | None
    on_time: int | None
    late: int | None
    too_early: int | None
    overdue: int | None
    exempt: int | None
    unreachable: int | None
    callback_rate: float | None
    pass_: bool | None = Field(alias="pass")  # `pass` is a Python keyword; null without data

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class SatisfactionCounts(_Open):
    satisfied: int | None
    fairly_satisfied: int | None
    unsatisfied: int | None
    rate: float | None


class Count(_Open):
    count: int | None
    of: int


class Timeliness(_Open):
    responded_24h: Count
    resolved_3_workdays: Count


class RepeatGroup(_Open):
    unit: str
    aspect: str | None
    case_ids: list[str]


class Alerts(_Open):
    unsatisfied: list[str]
    repeat_complaints: list[RepeatGroup]
    repeat_repairs: list[RepeatGroup]
    severity_raised: list[str]


class Complaints(_Open):
    by_class_severity: dict[ResponsibilityClass, dict[SeverityLevel, int | None]]
    by_aspect: dict[str, int | None]


class ExcludedCase(_Open):
    """A case left out of the month's figures (§9.1): unreadable or missing key date, unknown category."""

    row: int
    case_id: str | None
    column: str
    code: str


class StatsDoc(_Open):
    month: str
    received: dict[Category, int]
    completed: dict[Category, int | None]
    open: dict[Category, int | None]
    complaints: Complaints
    compliance: dict[Category, Compliance]
    satisfaction: dict[str, SatisfactionCounts]
    timeliness: Timeliness
    alerts: Alerts
    excluded: list[ExcludedCase]  # §9.1: `stats` exits 1 when it is not empty
    partial: bool  # §9.1: the month is not over at the as-of date
    no_data: dict[str, list[str]] = Field(default_factory=dict)  # figure -> case columns the ledger lacks
    suspicions: list[SuspicionEntry] = Field(default_factory=list)  # §9.1: callbacks that look unreal


# --------------------------------------------------------------------------- consolidate (issue 18, SPEC §10)


class ConsolidatedOffice(_Open):
    """One office's accepted export: where it came from, then its `stats` blocks exactly as stats printed them."""

    office: str
    file: str
    sent_at: dt.datetime | None
    late: bool
    received: dict[Category, int | None]
    completed: dict[Category, int | None]
    compliance: dict[Category, Compliance]
    satisfaction: dict[str, SatisfactionCounts]
    timeliness: Timeliness
    alerts: Alerts


class Duplicate(_Open):
    office: str
    kept: str
    files: list[str]  # the older exports, set aside


class RejectedFile(_Open):
    file: str
    reason: Literal["not_ours", "damaged", "hash_mismatch", "no_attachment"]


class ConsolidateDoc(_Open):
    month: str
    offices: list[ConsolidatedOffice]
    totals: dict  # the stats blocks added up, rates computed from the sums, and "league" for the group line
    missing: list[str]
    duplicates: list[Duplicate]
    rejected: list[RejectedFile]
