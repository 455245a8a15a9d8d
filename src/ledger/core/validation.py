"""Row checks a careful supervisor would make (SPEC §2.1, issue 2 item 5).

Cell-level problems (unreadable dates, unknown vocabulary) come from reading;
this stage adds the checks across cells and rows. Every problem names the
sheet, the Excel row and the column header as the clerk wrote it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field as dc_field

from ledger.core.allocation import without_gc
from ledger.core.attempts import attempt_problems
from ledger.core.callbacks import STRONG_SEVERITIES
from ledger.core.columns import COLUMNS_BY_FIELD
from ledger.core.i18n import register
from ledger.core.models import Case, Ledger, Problem
from ledger.core.reading import UnusableLedger
from ledger.core.severity import Suggestion, suggest_all
from ledger.core.vocab import SEVERITIES, SEVERITY_RANK
from ledger.core.workdays import WorkCalendar

# Past this many problems a "ledger" is junk or the wrong file; it is refused, not listed.
MAX_PROBLEMS = 500_000

register(
    {
        "ledger.too_many_problems": {
            "zh-Hans": "工作表“{sheet}”({rows} 行)的问题超过 {limit} 个(检查到第 {row} 行时),看起来不是一份可用的案件台账,已停止检查,未作任何改动。请确认选对了文件,并先改正整列填错的内容。",
            "zh-Hant": "工作表「{sheet}」({rows} 列)的問題超過 {limit} 個(檢查到第 {row} 列時),看起來不是一份可用的案件台賬,已停止檢查,未作任何變更。請確認選對了檔案,並先改正整欄填錯的內容。",
            "en": "Sheet “{sheet}” ({rows} rows) has more than {limit} problems (found by row {row}); it does not look like a usable case ledger, so checking stopped and nothing was changed. Check that this is the right file, and correct columns filled wrongly throughout first.",
        },
        "row.required": {
            "zh-Hans": "“{column}”必须填写。",
            "zh-Hant": "「{column}」必須填寫。",
            "en": "“{column}” is required.",
        },
        "row.duplicate_id": {
            "zh-Hans": "案件编号“{value}”重复,第{first}行已使用。每个案件编号必须唯一。",
            "zh-Hant": "案件編號「{value}」重複,第{first}行已使用。每個案件編號必須唯一。",
            "en": "Case ID “{value}” is a duplicate of row {first}; every case ID must be unique.",
        },
        "row.completed_before_received": {
            "zh-Hans": "完成日期 {completed} 早于受理日期 {received},请检查。",
            "zh-Hant": "完成日期 {completed} 早於受理日期 {received},請檢查。",
            "en": "Completed on {completed}, before it was received on {received}; check both dates.",
        },
        "row.callback_before_completed": {
            "zh-Hans": "回访日期 {callback} 早于完成日期 {completed}:未处理完毕不能回访。",
            "zh-Hant": "回訪日期 {callback} 早於完成日期 {completed}:未處理完畢不能回訪。",
            "en": "Called back on {callback}, before completion on {completed}; a callback follows completion.",
        },
        "row.callback_without_completion": {
            "zh-Hans": "已填写回访日期,但没有完成日期。请先填写完成日期。",
            "zh-Hant": "已填寫回訪日期,但沒有完成日期。請先填寫完成日期。",
            "en": "A callback date is given but no completion date; enter the completion date first.",
        },
        "row.response_before_received": {
            "zh-Hans": "首次回复时间早于受理时间,请检查。",
            "zh-Hant": "首次回覆時間早於受理時間,請檢查。",
            "en": "The first response is before the case was received; check both.",
        },
        "row.future_date": {
            "zh-Hans": "日期 {value} 晚于今天({today}),请检查是否填错。",
            "zh-Hant": "日期 {value} 晚於今天({today}),請檢查是否填錯。",
            "en": "The date {value} is after today ({today}); check it.",
        },
        "row.satisfaction_without_callback": {
            "zh-Hans": "填写了满意度,但没有回访日期。请补填回访日期。",
            "zh-Hant": "填寫了滿意度,但沒有回訪日期。請補填回訪日期。",
            "en": "A satisfaction grade is given without a callback date; enter the callback date.",
        },
        "row.callback_without_satisfaction": {
            "zh-Hans": "已回访({callback}),但没有填写满意度。请补填回访结果。",
            "zh-Hant": "已回訪({callback}),但沒有填寫滿意度。請補填回訪結果。",
            "en": "Called back on {callback} but no satisfaction grade is recorded; enter the result.",
        },
        "row.complaint_field_on_other": {
            "zh-Hans": "“{column}”只适用于投诉,本行类别不是投诉。",
            "zh-Hant": "「{column}」只適用於投訴,本行類別不是投訴。",
            "en": "“{column}” applies to complaints only; this row is not a complaint.",
        },
        "row.complaint_field_missing": {
            "zh-Hans": "投诉应填写“{column}”。",
            "zh-Hant": "投訴應填寫「{column}」。",
            "en": "A complaint should have “{column}”.",
        },
        "row.phone_not_diallable": {
            "zh-Hans": "联系电话“{value}”无法拨打:内地手机应为11位(1开头),座机应带区号(如 0592-1234567);香港、澳门为8位(可加 +852 / +853),台湾手机为 09 开头10位(可加 +886)。",
            "zh-Hant": "聯絡電話「{value}」無法撥打:內地手機應為11位(1開頭),座機應帶區號(如 0592-1234567);香港、澳門為8位(可加 +852 / +853),台灣手機為 09 開頭10位(可加 +886)。",
            "en": "The phone number “{value}” cannot be dialled: mainland mobiles have 11 digits starting with 1, landlines need an area code (0592-1234567); Hong Kong and Macau numbers have 8 digits (+852 / +853), Taiwan mobiles 10 digits starting 09 (+886).",
        },
        "row.phone_lost_zero": {
            "zh-Hans": "联系电话“{value}”以数字保存,开头的0可能已丢失;请把该列设为文本格式后重新输入。",
            "zh-Hant": "聯繫電話「{value}」以數字儲存,開頭的0可能已遺失;請把該欄設為文字格式後重新輸入。",
            "en": "The phone “{value}” is stored as a number and may have lost its leading 0; format the column as text and re-enter it.",
        },
        "row.severity_below_suggestion": {
            "zh-Hans": "严重程度填为“{clerk}”,但按规程应至少为“{suggested}”({reasons})。请复核。",
            "zh-Hant": "嚴重程度填為「{clerk}」,但按規程應至少為「{suggested}」({reasons})。請覆核。",
            "en": "Severity is “{clerk}” but the rules suggest at least “{suggested}” ({reasons}); please review.",
        },
        "row.bad_count": {
            "zh-Hans": "“{column}”应为不小于{minimum}的整数。",
            "zh-Hant": "「{column}」應為不小於{minimum}的整數。",
            "en": "“{column}” must be a whole number of at least {minimum}.",
        },
        "row.exempt_but_called": {
            "zh-Hans": "填写了免回访原因,但又有回访日期;请确认是否已回访。",
            "zh-Hant": "填寫了免回訪原因,但又有回訪日期;請確認是否已回訪。",
            "en": "An exemption reason is given but a callback date too; check whether the callback was made.",
        },
    }
)

REASON_TEXT = {
    "major.lawsuit_or_media": ("涉诉或媒体曝光", "涉訴或媒體曝光", "lawsuit or media"),
    "major.unresolved_month": ("一个月未有效解决", "一個月未有效解決", "unresolved after a month"),
    "major.complainants": ("投诉人数10人以上", "投訴人數10人以上", "10+ complainants"),
    "hot.unresolved_week": ("一周未解决", "一週未解決", "unresolved after a week"),
    "hot.complainants": ("投诉人数3人以上", "投訴人數3人以上", "3+ complainants"),
    "hot.repeat_after_closure": (
        "同一房号同一事项关闭后再次投诉",
        "同一房號同一事項關閉後再次投訴",
        "repeat after closure",
    ),
    "important.unresolved_3_workdays": ("3个工作日未解决", "3個工作日未解決", "unresolved in 3 working days"),
    "important.similar_units": (
        "一个月内3户以上同类投诉",
        "一個月內3戶以上同類投訴",
        "3+ units, same matter, within a month",
    ),
}

_PLAIN_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(?:\+?86)?0\d{2,3}\d{7,8}(?:(?:转|ext|x|#)\d{1,6})?$")
_SERVICE = re.compile(r"^(?:400|800)\d{7}$|^[2-9]\d{6,7}$")
# Hong Kong (+852) and Macau (+853): 8 digits; Taiwan (+886): mobiles 09xx-xxx-xxx, landlines 0X-xxxx-xxxx.
_HK_MACAU = re.compile(r"^(?:\+?85[23])?[2-9]\d{7}$")
_TAIWAN = re.compile(r"^(?:\+?886|0)(?:9\d{8}|[2-8]\d{7,8})$")


def diallable(phone: str) -> bool:
    """Each number in the cell (several may be separated by / ; , or spaces) can be dialled."""
    if _PLAIN_MOBILE.fullmatch(phone):
        return True  # a plain mobile number, most cells: what the patterns below would say, without them
    text = unicodedata.normalize("NFKC", phone)
    numbers = [n for n in re.split(r"[/;,、,;]|\s{2,}|或", text) if n.strip()]
    if not numbers:
        return False
    for number in numbers:
        digits = re.sub(r"[\s\-()()]", "", number).lower()
        if not (
            _MOBILE.match(digits)
            or _LANDLINE.match(digits)
            or _SERVICE.match(digits)
            or _HK_MACAU.match(digits)
            or _TAIWAN.match(digits)
        ):
            return False
    return True


@dataclass
class ValidationReport:
    problems: list[Problem]
    rows: int
    valid_rows: int
    suspicions: list = dc_field(default_factory=list)  # core.suspicions, set by jobs.validate

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def counts(self) -> dict[str, int]:
        """rows, valid, errors, warnings: what every summary of a check tells the clerk."""
        errors = len(self.errors)
        return {"rows": self.rows, "valid": self.valid_rows, "errors": errors, "warnings": len(self.problems) - errors}

    def as_json(self) -> dict:
        return {
            "problems": [
                p.model_dump(include={"sheet", "row", "column", "code", "severity", "message"}) for p in self.problems
            ],
            "rows": self.rows,
            "valid_rows": self.valid_rows,
            "suspicions": [s.as_json() for s in self.suspicions],
        }


@without_gc
def validate(ledger: Ledger, today: dt.date, suggestions: dict[int, Suggestion] | None = None) -> ValidationReport:
    """All problems of the ledger: those found while reading plus the row checks.

    `suggestions`: severity.suggest_all for the same cases and date when the caller
    has them already (a CallbackReport's), so one job computes them once.
    """
    if suggestions is None:
        suggestions = suggest_all(ledger.cases, today, WorkCalendar(ledger.settings.holidays))
    checks = _RowChecks(ledger, today, suggestions)
    for case in ledger.cases:  # the checks in the order their problems are reported
        checks.required(case)
        checks.date_order(case)
        checks.future_dates(case)
        checks.callback_fields(case)
        checks.complaint_fields(case)
        checks.counts_and_phone(case)
        checks.severity(case)
    problems = checks.problems
    problems += attempt_problems(ledger, checks.header("attempt_dates"))  # the unreachable ladder
    sheet = ledger.sheet
    error_rows = {p.row for p in problems if p.severity == "error" and p.sheet == sheet and p.row}
    return ValidationReport(problems, ledger.rows, sum(1 for c in ledger.cases if c.row not in error_rows))


class _RowChecks:
    """The checks across a row's cells, one method per concern; each reads a case's attributes once."""

    def __init__(self, ledger: Ledger, today: dt.date, suggestions: dict[int, Suggestion]):
        self.ledger, self.today, self.suggestions = ledger, today, suggestions
        self.lang, self.sheet = ledger.lang, ledger.sheet
        self.problems = list(ledger.problems)
        self.seen: dict[str, int] = {}  # case id (folded) -> the row that used it first
        self.reported = {(p.row, p.column) for p in ledger.problems}
        self.has_unit, self.has_satisfaction = "unit" in ledger.columns, "satisfaction" in ledger.columns
        self.complaint_fields_present = [f for f in ("responsibility", "severity", "aspect") if f in ledger.columns]

    def header(self, field: str) -> str:
        return self.ledger.headers.get(field) or COLUMNS_BY_FIELD[field].label(self.lang)

    def add(self, case: Case, code: str, field: str | None, severity: str = "error", **params) -> None:
        col = self.header(field) if field else None
        problems = self.problems
        problems.append(
            Problem.make(code, self.lang, sheet=self.sheet, row=case.row, column=col, severity=severity, **params)
        )
        if len(problems) > MAX_PROBLEMS:  # ~530 bytes each: the list stays under ~270 MB
            raise UnusableLedger(
                "ledger.too_many_problems",
                sheet=self.sheet,
                rows=f"{self.ledger.rows:,}",
                limit=f"{MAX_PROBLEMS:,}",
                row=case.row,
            )

    def required(self, case: Case) -> None:
        """Case ID, receipt and category always; the unit unless an event; case IDs unique."""
        row, category, header = case.row, case.category, self.header
        for field, value in (("case_id", case.case_id), ("received_on", case.received_at), ("category", category)):
            if value is None and (row, header(field)) not in self.reported:
                self.add(case, "row.required", field, column_name=header(field))
        if case.unit is None and category not in (None, "event") and self.has_unit:
            self.add(case, "row.required", "unit", column_name=header("unit"))
        if case.case_id is not None:
            key = case.case_id.strip().upper()
            if key in self.seen:
                self.add(case, "row.duplicate_id", "case_id", value=case.case_id, first=self.seen[key])
            else:
                self.seen[key] = row

    def date_order(self, case: Case) -> None:
        """Received, first response, completed and called back, in that order."""
        callback_on, completed_on, first_response = case.callback_on, case.completed_on, case.first_response_at
        if callback_on is None and completed_on is None and first_response is None:
            return
        received_at = case.received_at
        received = received_at.date() if received_at is not None else None
        if received and completed_on and completed_on < received:
            self.add(
                case,
                "row.completed_before_received",
                "completed_on",
                completed=completed_on.isoformat(),
                received=received.isoformat(),
            )
        if callback_on and completed_on and callback_on < completed_on:
            self.add(
                case,
                "row.callback_before_completed",
                "callback_on",
                callback=callback_on.isoformat(),
                completed=completed_on.isoformat(),
            )
        if callback_on and completed_on is None:
            self.add(case, "row.callback_without_completion", "callback_on")
        if (
            first_response
            and received_at
            and first_response < received_at
            and (case.first_response_has_time or first_response.date() < received)
        ):
            self.add(case, "row.response_before_received", "first_response_at")

    def future_dates(self, case: Case) -> None:
        today, received_at = self.today, case.received_at
        received = received_at.date() if received_at is not None else None
        completed_on, callback_on = case.completed_on, case.callback_on
        if (
            (received and received > today)
            or (completed_on and completed_on > today)
            or (callback_on and callback_on > today)
        ):
            for field, value in (
                ("received_on", received),
                ("completed_on", completed_on),
                ("callback_on", callback_on),
            ):
                if value and value > today:
                    self.add(
                        case, "row.future_date", field, "warning", value=value.isoformat(), today=today.isoformat()
                    )

    def callback_fields(self, case: Case) -> None:
        """Satisfaction goes with a callback, and a callback with a satisfaction; exempt cases are not called."""
        satisfaction, callback_on = case.satisfaction, case.callback_on
        if satisfaction and callback_on is None:
            self.add(case, "row.satisfaction_without_callback", "satisfaction")
        if callback_on and satisfaction is None and self.has_satisfaction:
            self.add(
                case, "row.callback_without_satisfaction", "satisfaction", "warning", callback=callback_on.isoformat()
            )
        if case.no_callback_reason and case.no_callback_reason != "unreachable" and callback_on:
            self.add(case, "row.exempt_but_called", "no_callback_reason", "warning")

    def complaint_fields(self, case: Case) -> None:
        """A complaint has its class, severity and aspect; other categories have no complaint fields."""
        category = case.category
        if category == "complaint":
            for field in self.complaint_fields_present:
                if getattr(case, field) is None:
                    self.add(case, "row.complaint_field_missing", field, "warning", column_name=self.header(field))
        elif category and (
            case.responsibility is not None or case.severity is not None or case.first_response_at is not None
        ):
            for field in ("responsibility", "severity", "first_response_at"):
                if getattr(case, field) is not None:
                    self.add(case, "row.complaint_field_on_other", field, "warning", column_name=self.header(field))

    def counts_and_phone(self, case: Case) -> None:
        if case.complainants < 1:
            self.add(case, "row.bad_count", "complainants", column_name=self.header("complainants"), minimum=1)
        if case.callback_attempts is not None and case.callback_attempts < 0:
            self.add(
                case, "row.bad_count", "callback_attempts", column_name=self.header("callback_attempts"), minimum=0
            )
        phone = case.phone
        if phone and not diallable(phone):
            lost_zero = phone.isdigit() and 9 <= len(phone) <= 11 and not phone.startswith("1")
            self.add(
                case, "row.phone_lost_zero" if lost_zero else "row.phone_not_diallable", "phone", "warning", value=phone
            )

    def severity(self, case: Case) -> None:
        """A recorded severity below the one the case's words suggest, with the strong reasons."""
        suggestion = self.suggestions.get(case.row)
        if not (suggestion and case.severity and SEVERITY_RANK[case.severity] < SEVERITY_RANK[suggestion.severity]):
            return
        lang = self.lang
        i = {"zh-Hant": 1, "en": 2}.get(lang, 0)
        self.add(
            case,
            "row.severity_below_suggestion",
            "severity",
            "warning",
            clerk=SEVERITIES.label(case.severity, lang),
            suggested=SEVERITIES.label(suggestion.severity, lang),
            reasons="; ".join(
                REASON_TEXT[r][i]
                for r in suggestion.reasons
                if r.split(".")[0] in STRONG_SEVERITIES
                and SEVERITY_RANK[r.split(".")[0]] > SEVERITY_RANK[case.severity]
            ),
        )
