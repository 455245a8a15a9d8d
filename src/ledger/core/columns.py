"""Case columns: canonical fields and the headers accepted for them (SPEC §2.1)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ledger.core import vocab
from ledger.core.vocab import fold


@dataclass(frozen=True)
class Column:
    field: str
    hans: str
    hant: str
    en: str
    kind: str  # text, date, datetime, enum, int, bool, phone
    required: bool = False
    vocabulary: vocab.Vocabulary | None = None
    aliases: tuple[str, ...] = field(default=())

    def label(self, lang: str) -> str:
        return {"zh-Hant": self.hant, "en": self.en}.get(lang, self.hans)

    def accepted(self) -> tuple[str, ...]:
        return (self.hans, self.hant, self.en, self.field, *self.aliases)

    def accepted_headers(self) -> list[str]:
        """Every header accepted for the column, each spelling once (for messages)."""
        return list(dict.fromkeys((self.hans, self.hant, self.en, *self.aliases)))


CASE_COLUMNS: list[Column] = [
    Column(
        "case_id",
        "案件编号",
        "案件編號",
        "Case ID",
        "text",
        True,
        aliases=(
            "编号",
            "工单编号",
            "工单号",
            "案件号",
            "单号",
            "個案編號",
            "個案號碼",
            "檔案編號",
            "參考編號",
            "工作單編號",
            "報告編號",
            "Case No",
            "Case Number",
            "Ref No",
            "ID",
        ),
    ),
    Column(
        "received_on",
        "受理日期",
        "受理日期",
        "Received on",
        "datetime",
        True,
        aliases=(
            "受理时间",
            "接报日期",
            "接报时间",
            "投诉日期",
            "报修日期",
            "登记日期",
            "報告日期",
            "報告時間",
            "接報時間",
            "收件日期",
            "來電日期",
            "Received",
            "Date received",
            "Report date",
        ),
    ),
    Column(
        "channel",
        "受理渠道",
        "受理渠道",
        "Channel",
        "enum",
        vocabulary=vocab.CHANNELS,
        aliases=("渠道", "来源", "受理方式", "報告途徑", "接報途徑", "Source"),
    ),
    Column(
        "category",
        "类别",
        "類別",
        "Category",
        "enum",
        True,
        vocab.CATEGORIES,
        aliases=(
            "案件类别",
            "类型",
            "案件类型",
            "业务类别",
            "個案類別",
            "個案類型",
            "個案性質",
            "性質",
            "Type",
            "Case type",
        ),
    ),
    Column(
        "unit",
        "房号",
        "房號",
        "Unit",
        "text",
        aliases=(
            "房号地址",
            "单元",
            "房间号",
            "地址",
            "户号",
            "單位",
            "室號",
            "房號",
            "單位地址",
            "Room",
            "Address",
            "Unit No",
        ),
    ),
    Column(
        "customer",
        "住户姓名",
        "住戶姓名",
        "Customer",
        "text",
        aliases=(
            "姓名",
            "客户姓名",
            "业主姓名",
            "业主",
            "住户",
            "投诉人",
            "联系人",
            "業主",
            "住戶",
            "客戶姓名",
            "住客姓名",
            "報告人",
            "Name",
            "Resident",
            "Owner",
        ),
    ),
    Column(
        "phone",
        "联系电话",
        "聯繫電話",
        "Phone",
        "phone",
        aliases=(
            "电话",
            "联系方式",
            "手机",
            "手机号",
            "聯絡電話",
            "電話號碼",
            "聯絡號碼",
            "手提電話",
            "Telephone",
            "Mobile",
            "Contact",
            "Tel",
        ),
    ),
    Column(
        "description",
        "内容",
        "內容",
        "Description",
        "text",
        aliases=("案件内容", "投诉内容", "事由", "问题描述", "报修内容", "詳情", "個案內容", "Details", "Content"),
    ),
    Column(
        "aspect",
        "服务项目",
        "服務項目",
        "Aspect",
        "enum",
        vocabulary=vocab.ASPECTS,
        aliases=("投诉项目", "项目", "定向", "事项", "Matter", "Service item"),
    ),
    Column(
        "responsibility",
        "责任类别",
        "責任類別",
        "Responsibility",
        "enum",
        vocabulary=vocab.RESPONSIBILITY,
        aliases=("责任类型", "投诉类别", "Responsibility class", "Class"),
    ),
    Column(
        "severity",
        "严重程度",
        "嚴重程度",
        "Severity",
        "enum",
        vocabulary=vocab.SEVERITIES,
        aliases=("投诉等级", "等级", "级别", "Level"),
    ),
    Column(
        "complainants",
        "投诉人数",
        "投訴人數",
        "Complainants",
        "int",
        aliases=("人数", "投诉户数", "投訴戶數", "Number of complainants"),
    ),
    Column(
        "lawsuit_or_media",
        "涉诉/媒体",
        "涉訴/媒體",
        "Lawsuit or media",
        "bool",
        aliases=("涉诉", "媒体", "涉诉媒体", "涉及傳媒", "傳媒報道", "Lawsuit/media", "Media"),
    ),
    Column(
        "department",
        "责任部门",
        "責任部門",
        "Department",
        "text",
        aliases=("部门", "责任单位", "負責部門", "跟進部門", "Dept"),
    ),
    Column(
        "handler",
        "处理人",
        "處理人",
        "Handler",
        "text",
        aliases=("经办人", "维修人", "负责人", "負責同事", "跟進同事", "跟進人", "Handled by"),
    ),
    Column(
        "first_response_at",
        "首次回复时间",
        "首次回覆時間",
        "First response at",
        "datetime",
        aliases=(
            "首次回复",
            "回复时间",
            "首次答复时间",
            "首次回復時間",
            "首次回應時間",
            "初步回覆時間",
            "First response",
        ),
    ),
    Column(
        "completed_on",
        "完成日期",
        "完成日期",
        "Completed on",
        "date",
        aliases=(
            "完成时间",
            "处理完毕日期",
            "销项日期",
            "结案日期",
            "完工日期",
            "竣工日期",
            "完成時間",
            "Completed",
            "Closed on",
        ),
    ),
    Column(
        "callback_on",
        "回访日期",
        "回訪日期",
        "Callback on",
        "date",
        aliases=("回访时间", "回访", "跟進日期", "致電日期", "Callback date", "Called back on", "Follow-up date"),
    ),
    Column(
        "callback_method",
        "回访方式",
        "回訪方式",
        "Callback method",
        "enum",
        vocabulary=vocab.CALLBACK_METHODS,
        aliases=("方式", "跟進方式"),
    ),
    Column(
        "callback_by", "回访人", "回訪人", "Called back by", "text", aliases=("回访人员", "跟進職員", "Callback by")
    ),
    Column(
        "callback_attempts",
        "回访次数",
        "回訪次數",
        "Callback attempts",
        "int",
        aliases=("尝试次数", "跟進次數", "致電次數", "Attempts"),
    ),
    Column(
        "satisfaction",
        "满意度",
        "滿意度",
        "Satisfaction",
        "enum",
        vocabulary=vocab.SATISFACTION,
        aliases=("满意程度", "回访结果", "评价", "滿意程度", "Rating"),
    ),
    Column(
        "callback_notes",
        "回访意见",
        "回訪意見",
        "Callback notes",
        "text",
        aliases=("回访记录", "住户意见", "回访内容", "跟進結果", "跟進紀錄", "Notes"),
    ),
    Column(
        "strong_reaction",
        "住户反应强烈",
        "住戶反應強烈",
        "Strong reaction",
        "bool",
        aliases=("客户反应强烈", "反应强烈", "業主反應強烈", "Customer reacted strongly"),
    ),
    Column(
        "no_callback_reason",
        "免回访原因",
        "免回訪原因",
        "No-callback reason",
        "enum",
        vocabulary=vocab.NO_CALLBACK_REASONS,
        aliases=("不回访原因", "未回访原因", "免跟進原因", "不跟進原因", "Exemption"),
    ),
    # closing the loop (issue 16): the second callback after an unsatisfied or repeated case, and the
    # days a callback was tried without reaching the customer ("2026-11-03、2026-11-05")
    Column(
        "recall_on",
        "再回访日期",
        "再回訪日期",
        "Second callback on",
        "date",
        aliases=("再回访", "二次回访日期", "复访日期", "Second callback date", "Recall date"),
    ),
    Column(
        "recall_satisfaction",
        "再回访满意度",
        "再回訪滿意度",
        "Second callback satisfaction",
        "enum",
        vocabulary=vocab.SATISFACTION,
        aliases=("二次回访满意度", "复访满意度", "Recall satisfaction"),
    ),
    Column(
        "attempt_dates",
        "未接通日期",
        "未接通日期",
        "Unanswered attempts on",
        "text",
        aliases=("联系未果日期", "尝试日期", "Failed attempts on", "Unanswered attempts"),
    ),
    # a suspicion (core.suspicions) the supervisor checked and explained: not raised again for this row
    Column(
        "suspicion_note",
        "疑点说明",
        "疑點說明",
        "Suspicion explained",
        "text",
        aliases=("疑点核实", "核实说明", "Suspicion note"),
    ),
]

COLUMNS_BY_FIELD = {c.field: c for c in CASE_COLUMNS}
REQUIRED_FIELDS = [c.field for c in CASE_COLUMNS if c.required]

# Tool-owned columns, written at the right of the case sheet on every run.
TOOL_COLUMNS: list[Column] = [
    Column("window_start", "回访起始", "回訪起始", "Window start", "date"),
    Column("window_due", "回访期限", "回訪期限", "Window due", "date"),
    Column("callback_status", "回访状态", "回訪狀態", "Callback status", "text"),
    Column("sampled", "抽样", "抽樣", "Sampled", "text"),
    Column("sample_reason", "抽样原因", "抽樣原因", "Sample reason", "text"),
    Column("suggested_severity", "建议等级", "建議等級", "Suggested severity", "text"),
    Column("problems", "问题", "問題", "Problems", "text"),
    Column("follow_up", "跟进事项", "跟進事項", "Follow-up", "text"),  # core.follow_ups
]


def _header_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for col in [*CASE_COLUMNS, *TOOL_COLUMNS]:
        for spelling in col.accepted():
            index.setdefault(fold(spelling), col.field)
    return index


HEADER_INDEX = _header_index()


def match_header(raw: object, mapping: dict[str, str] | None = None) -> str | None:
    """The canonical field a header cell names, or None.

    A mapping from Settings (clerk header → field or canonical header) wins
    over the built-in spellings.
    """
    if raw is None:
        return None
    key = fold(str(raw))
    if not key:
        return None
    if mapping and key in mapping:
        return mapping[key]
    return HEADER_INDEX.get(key)


def resolve_field(name: str) -> str | None:
    """A field named by key or by any accepted header (used for Settings mappings)."""
    key = fold(name)
    if key in {fold(c.field) for c in CASE_COLUMNS}:
        return next(c.field for c in CASE_COLUMNS if fold(c.field) == key)
    return HEADER_INDEX.get(key)
