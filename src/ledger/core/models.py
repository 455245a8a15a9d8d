"""Plain data the core works on: problems, cases, a loaded ledger."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

from ledger.core.i18n import register, text
from ledger.core.units import building_of

Severity = Literal["error", "warning"]

register(
    {
        "where.row": {"zh-Hans": "第{row}行", "zh-Hant": "第{row}行", "en": "row {row}"},
        "where.column": {"zh-Hans": "{column}", "zh-Hant": "{column}", "en": "column {column}"},
    }
)


class Problem(BaseModel):
    """One finding, located like a frictionless validation error: sheet, Excel row, column."""

    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    code: str
    severity: Severity = "error"
    message: str = ""

    @classmethod
    def make(
        cls,
        code: str,
        lang: str,
        *,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        severity: Severity = "error",
        **params: object,
    ) -> Problem:
        where = {"sheet": sheet or "", "row": row or "", "column": column or ""}
        # built from our own values: pydantic's validation would only cost time (many per ledger);
        # one shared fields-set (every field is set, so nothing is ever added to it) instead of a
        # new set per problem: ~530 bytes a problem instead of ~1,300
        return cls.model_construct(
            _PROBLEM_FIELDS,
            sheet=sheet,
            row=row,
            column=column,
            code=code,
            severity=severity,
            message=text(code, lang, **where, **params),
        )

    def located(self, lang: str) -> str:
        """The message prefixed with where it is, for text output."""
        parts = []
        if self.sheet:
            parts.append(self.sheet)
        if self.row:
            parts.append(text("where.row", lang, row=self.row))
        if self.column:
            parts.append(text("where.column", lang, column=self.column))
        return (" ".join(parts) + ": " if parts else "") + self.message


_PROBLEM_FIELDS = set(Problem.model_fields)


@dataclass(slots=True)
class Case:
    """One row of the case sheet, with vocabulary values as their JSON keys."""

    row: int
    case_id: str | None = None
    received_at: dt.datetime | None = None
    received_has_time: bool = False
    channel: str | None = None
    category: str | None = None
    unit: str | None = None
    customer: str | None = None
    phone: str | None = None
    description: str | None = None
    aspect: str | None = None
    responsibility: str | None = None
    severity: str | None = None
    complainants: int = 1
    lawsuit_or_media: bool = False
    strong_reaction: bool = False
    department: str | None = None
    handler: str | None = None
    first_response_at: dt.datetime | None = None
    first_response_has_time: bool = False
    completed_on: dt.date | None = None
    callback_on: dt.date | None = None
    callback_method: str | None = None
    callback_by: str | None = None
    callback_attempts: int | None = None
    satisfaction: str | None = None
    callback_notes: str | None = None
    no_callback_reason: str | None = None
    sampled_mark: bool = False
    sample_reason_mark: str | None = None
    unusable: bool = False  # a required value could not be read: reported, kept out of the rules
    recall_on: dt.date | None = None  # 再回访日期: the second callback that closes a follow-up
    recall_satisfaction: str | None = None
    attempt_dates: str | None = None  # 未接通日期: days a callback was tried in vain (core.attempts)
    suspicion_note: str | None = None  # 疑点说明: a suspicion explained by the supervisor (core.suspicions)

    @property
    def received_on(self) -> dt.date | None:
        at = self.received_at
        return at.date() if at else None

    @property
    def building(self) -> str | None:
        return building_of(self.unit)


@dataclass
class Ledger:
    """A ledger as the core sees it: cases plus where they came from."""

    cases: list[Case]
    problems: list[Problem]
    settings: Settings  # noqa: F821 - see ledger.settings
    sheet: str = "案件台账"
    header_row: int = 1
    columns: dict[str, int] = field(default_factory=dict)  # field -> 1-based Excel column
    headers: dict[str, str] = field(default_factory=dict)  # field -> header text as found
    rows: int = 0
    path: str | None = None
    log: list[dict] = field(default_factory=list)  # entries of the Log sheet (ledger.log.parse_log)
    sheet_names: list[str] = field(default_factory=list)
    has_settings: bool = True  # False: the workbook has no Settings sheet (the first --write adds one)
    office_source: str = "settings"  # where settings.office came from: settings, option, title, file, default
    title: str | None = None  # the title row above the header, if any
    source: Any = None  # the file as read (io.writer_lock.Fingerprint): a write checks it is unchanged

    @property
    def lang(self) -> str:
        return self.settings.language
