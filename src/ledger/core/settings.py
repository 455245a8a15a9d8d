"""Office settings (SPEC §2 设置 sheet): what the clerk and supervisor decide.

The Settings sheet is a list of key/value rows followed by small tables, each
introduced by a section title in brackets (【回访规则】, 【人员】, ...). This
module turns that grid into a `Settings` value and back, without Excel.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field, PrivateAttr

from ledger.core import vocab
from ledger.core.columns import resolve_field
from ledger.core.dates import parse_when
from ledger.core.i18n import normalize_language, register, text
from ledger.core.models import Problem
from ledger.core.rules import PRESETS, CategoryRule, Offset
from ledger.core.vocab import fold

SETTINGS_SHEET = {"zh-Hans": "设置", "zh-Hant": "設置", "en": "Settings"}


class StaffMember(BaseModel):
    name: str
    role: str  # vocab.ROLES key


class Holiday(BaseModel):
    day: dt.date
    workday: bool = False  # True: a make-up working day (调休上班)
    note: str = ""


class Settings(BaseModel):
    office: str = "物业管理处"
    language: str = "zh-Hans"
    preset: str = "residential"
    rules: dict[str, CategoryRule] = Field(default_factory=lambda: dict(PRESETS["residential"]))
    head_office: list[str] = Field(default_factory=list)
    cc: list[str] = Field(default_factory=list)
    sender: str | None = None
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_security: str = "starttls"
    smtp_username: str | None = None
    smtp_timeout: float = 30.0  # seconds to wait for each answer of the mail server
    smtp_ca_file: str | None = None  # PEM file of a company CA the server's certificate is signed by
    mail_subject: str | None = None
    mail_body: str | None = None
    staff: list[StaffMember] = Field(default_factory=list)
    holidays: list[Holiday] = Field(default_factory=list)
    header_mapping: dict[str, str] = Field(default_factory=dict)  # folded clerk header -> field
    unreachable_attempts: int = 3
    complaint_lookback_days: int = 90
    repair_lookback_days: int = 180
    # suspicions (core.suspicions): thresholds of the checks on recorded callbacks
    suspicion_month_end_share: float = 0.5
    suspicion_min_callbacks: int = 6
    suspicion_copied_notes: int = 5
    suspicion_tiny_sample: int = 5
    office_call_methods: list[str] = Field(default_factory=lambda: ["phone"])  # suspicious on non-working days
    department_heads: dict[str, list[str]] = Field(default_factory=dict)  # 部门负责人邮箱: department -> addresses
    recall_days: int = 7  # follow-ups: days from the unsatisfied callback (or completion) to the second callback
    satisfaction_target: float = 0.95
    satisfaction_targets: dict[str, float] = Field(default_factory=dict)  # per category
    keep_backups: int = 10
    survey_rate: float = 0.05
    date_order: str = "ymd"  # how the office writes 8/10/2026: ymd (report as ambiguous), dmy, mdy
    _language_given: bool = PrivateAttr(default=False)

    @property
    def language_given(self) -> bool:
        """Whether the Settings sheet names the language (else the headers decide, reading.guess_language)."""
        return self._language_given

    def rule(self, category: str) -> CategoryRule:
        return self.rules[category]

    def target(self, category: str) -> float:
        return self.satisfaction_targets.get(category, self.satisfaction_target)

    def staff_for(self, role: str) -> list[str]:
        return [s.name for s in self.staff if s.role == role]


# key, zh-Hans, zh-Hant, en
SCALAR_KEYS: list[tuple[str, str, str, str]] = [
    ("office", "管理处名称", "管理處名稱", "Office"),
    ("language", "语言", "語言", "Language"),
    ("preset", "规则预设", "規則預設", "Rule preset"),
    ("head_office", "总部邮箱", "總部郵箱", "Head office e-mail"),
    ("cc", "抄送", "抄送", "Cc"),
    ("sender", "发件人", "發件人", "Sender"),
    ("smtp_host", "SMTP服务器", "SMTP伺服器", "SMTP host"),
    ("smtp_port", "SMTP端口", "SMTP埠", "SMTP port"),
    ("smtp_security", "SMTP加密", "SMTP加密", "SMTP security"),
    ("smtp_username", "SMTP用户名", "SMTP用戶名", "SMTP user"),
    ("smtp_timeout", "SMTP超时秒数", "SMTP逾時秒數", "SMTP timeout (seconds)"),
    ("smtp_ca_file", "SMTP证书文件", "SMTP憑證檔案", "SMTP CA certificate file"),
    ("mail_subject", "邮件主题模板", "郵件主題模板", "Mail subject template"),
    ("mail_body", "邮件正文模板", "郵件正文模板", "Mail body template"),
    ("unreachable_attempts", "无法联系次数", "無法聯繫次數", "Attempts before unreachable"),
    ("complaint_lookback_days", "重复投诉回溯天数", "重複投訴回溯天數", "Repeat complaint look-back days"),
    ("repair_lookback_days", "重复维修回溯天数", "重複維修回溯天數", "Repeat repair look-back days"),
    ("recall_days", "再回访期限天数", "再回訪期限天數", "Days to second callback"),
    ("suspicion_month_end_share", "月末集中比例", "月末集中比例", "Month-end bunching share"),
    ("suspicion_min_callbacks", "月末集中最少件数", "月末集中最少件數", "Month-end bunching minimum callbacks"),
    ("suspicion_copied_notes", "相同回访意见件数", "相同回訪意見件數", "Copied notes cases"),
    ("suspicion_tiny_sample", "满意率小样本件数", "滿意率小樣本件數", "Tiny satisfaction sample"),
    ("office_call_methods", "非工作日存疑回访方式", "非工作日存疑回訪方式", "Office call methods on days off"),
    ("department_heads", "部门负责人邮箱", "部門負責人郵箱", "Department heads' e-mail"),
    ("satisfaction_target", "满意率目标", "滿意率目標", "Satisfaction target"),
    ("keep_backups", "备份保留份数", "備份保留份數", "Backups to keep"),
    ("survey_rate", "书面调查比例", "書面調查比例", "Written survey rate"),
    ("date_order", "日期顺序", "日期順序", "Date order"),
]
# Settings 日期顺序: the words a clerk writes, and what each is written as in a new Settings sheet
DATE_ORDER_WORDS = {
    "ymd": ("年月日", "年月日", "year-month-day"),
    "dmy": ("日月年", "日月年", "day-month-year"),
    "mdy": ("月日年", "月日年", "month-day-year"),
}
_DATE_ORDER_BY_WORD = {
    fold(w): key
    for key, words in DATE_ORDER_WORDS.items()
    for w in (key, *words, {"ymd": "YYYY-MM-DD", "dmy": "DD/MM/YYYY", "mdy": "MM/DD/YYYY"}[key])
}
SECTIONS: dict[str, tuple[str, str, str]] = {
    "rules": ("回访规则", "回訪規則", "Callback rules"),
    "staff": ("人员", "人員", "Staff"),
    "holidays": ("节假日", "節假日", "Holidays"),
    "mapping": ("表头映射", "表頭映射", "Header mapping"),
}
SECTION_HEADERS: dict[str, list[tuple[str, str, str]]] = {
    "rules": [
        ("类别", "類別", "Category"),
        ("回访起始(完成后)", "回訪起始(完成後)", "Window start (after completion)"),
        ("回访期限(完成后)", "回訪期限(完成後)", "Window due (after completion)"),
        ("回访率", "回訪率", "Callback rate"),
        ("满意率目标", "滿意率目標", "Satisfaction target"),
    ],
    "staff": [("姓名", "姓名", "Name"), ("角色", "角色", "Role")],
    "holidays": [
        ("日期", "日期", "Date"),
        ("类型(放假/上班)", "類型(放假/上班)", "Type (holiday/workday)"),
        ("说明", "說明", "Note"),
    ],
    "mapping": [("台账表头", "台賬表頭", "Ledger header"), ("标准字段", "標準欄位", "Standard field")],
}

_LANG_INDEX = {"zh-Hans": 0, "zh-Hant": 1, "en": 2}
_SCALAR_BY_LABEL = {fold(label): key for key, *labels in SCALAR_KEYS for label in (key, *labels)}
_SECTION_BY_LABEL = {fold(label): key for key, labels in SECTIONS.items() for label in labels}

register(
    {
        "settings.item": {"zh-Hans": "项目", "zh-Hant": "項目", "en": "Item"},
        "settings.value": {"zh-Hans": "值", "zh-Hant": "值", "en": "Value"},
    }
)
register(
    {
        "settings.bad_value": {
            "zh-Hans": "设置项“{item}”的值“{value}”无法识别,已使用默认值。",
            "zh-Hant": "設置項「{item}」的值「{value}」無法識別,已使用預設值。",
            "en": "Setting “{item}” has an unreadable value “{value}”; the default is used.",
        },
        "settings.bad_rule": {
            "zh-Hans": "回访规则“{item}”无法识别:{value}。请写成如 3天、1周、1个月、3个工作日,回访率写成 30% 或 0.3。",
            "zh-Hant": "回訪規則「{item}」無法識別:{value}。請寫成如 3天、1週、1個月、3個工作日,回訪率寫成 30% 或 0.3。",
            "en": "Callback rule “{item}” is unreadable: {value}. Write e.g. 3d, 1w, 1M, 3wd; rates as 30% or 0.3.",
        },
        "settings.unknown_field": {
            "zh-Hans": "表头映射中的标准字段“{value}”不存在。",
            "zh-Hant": "表頭映射中的標準欄位「{value}」不存在。",
            "en": "Header mapping names an unknown standard field “{value}”.",
        },
    }
)


def _text(v: Any) -> str:
    return "" if v is None else str(v).strip()


def parse_department_heads(raw: str) -> dict[str, list[str]]:
    """`工程部:li@x.cn, wu@x.cn; 保洁部=wang@x.cn` -> {department: [addresses]}; a part without an address is refused."""
    heads: dict[str, list[str]] = {}
    for part in re.split(r"[;；\n]+", raw):
        if not part.strip():
            continue
        pieces = re.split(r"[:：=]", part, maxsplit=1)
        if len(pieces) != 2:
            raise ValueError(raw)
        dept, addresses = pieces
        found = [a for a in re.split(r"[,，、\s]+", addresses) if "@" in a]
        if not dept.strip() or not found:
            raise ValueError(raw)
        heads[dept.strip()] = found
    return heads


def parse_rate(raw: Any) -> float:
    """`30%`, `0.3`, `30` (read as percent) → 0.3."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value = float(raw)
    else:
        s = _text(raw).replace("％", "%")
        value = float(s.rstrip("%")) / 100 if s.endswith("%") else float(s)
    if value > 1:
        value /= 100
    if not 0 <= value <= 1:
        raise ValueError(raw)
    return value


# The rule preset in the clerk's words (read_settings reads these and the codes).
PRESET_LABELS = {"residential": ("住宅", "住宅", "Residential"), "commercial": ("商业", "商業", "Commercial")}


Rows = list[tuple[int, list[Any]]]  # (sheet row, cells) of one table of the Settings sheet
_NOTHING = (0, "", "")


def read_settings(grid: list[list[Any]] | None, sheet: str = "设置") -> tuple[Settings, list[Problem]]:
    """Settings from the grid of the Settings sheet; unreadable items are problems, defaults stay."""
    values, tables = _items_and_tables(grid)
    given = _text(values.get("language", _NOTHING)[2])
    settings = Settings(language=normalize_language(given or None))
    settings._language_given = bool(given)
    settings.preset = (
        "commercial"
        if fold(_text(values.get("preset", _NOTHING)[2]))
        in ("commercial", "商业", "商業", "写字楼", "寫字樓", fold(PRESET_LABELS["commercial"][2]))
        else "residential"
    )
    settings.rules = {k: r.model_copy(deep=True) for k, r in PRESETS[settings.preset].items()}
    problems: list[Problem] = []

    def bad(item_row: int, label: str, value: Any, code: str = "settings.bad_value") -> None:
        problems.append(
            Problem.make(
                code,
                settings.language,
                sheet=sheet,
                row=item_row,
                column=None,
                severity="warning",
                item=label,
                value=_text(value),
            )
        )

    _read_items(settings, values, bad)
    _read_rules(settings, tables["rules"], bad)
    _read_staff(settings, tables["staff"], bad)
    _read_holidays(settings, tables["holidays"], bad)
    for row_no, target in _read_mapping(settings, tables["mapping"]):
        problems.append(
            Problem.make(
                "settings.unknown_field", settings.language, sheet=sheet, row=row_no, severity="error", value=target
            )
        )
    return settings, problems


def _items_and_tables(grid: list[list[Any]] | None) -> tuple[dict[str, tuple[int, str, Any]], dict[str, Rows]]:
    """The key/value items (key -> sheet row, label, raw value) and the rows of each titled table."""
    values: dict[str, tuple[int, str, Any]] = {}
    tables: dict[str, Rows] = {k: [] for k in SECTIONS}
    section: str | None = None
    skip_header = False
    for index, row in enumerate(grid or []):
        cells = list(row) + [None, None, None, None, None]
        first = _text(cells[0])
        folded = fold(first)
        if folded in _SECTION_BY_LABEL:
            section, skip_header = _SECTION_BY_LABEL[folded], True
            continue
        if not any(_text(c) for c in cells):
            continue
        if section is None:
            key = _SCALAR_BY_LABEL.get(folded)
            if key:
                values[key] = (index + 1, first, cells[1])
            continue
        if skip_header:
            skip_header = False
            continue
        tables[section].append((index + 1, cells))
    return values, tables


def _addresses(raw: Any) -> list[str]:
    """E-mail addresses as clerks list them: separated by ; , 、 or their full-width forms, or by spaces."""
    return [a for a in re.split(r"[;,\s\u3001\uff0c\uff1b]+", _text(raw)) if a]


def _whole_number(raw: Any) -> int:
    return int(float(_text(raw)))


def _call_methods(raw: Any) -> list[str]:
    words = [w for w in re.split(r"[、,，;；\s]+", _text(raw)) if w and w not in ("无", "無", "none")]
    terms = [vocab.CALLBACK_METHODS.parse(w) for w in words]
    if None in terms:
        raise ValueError(raw)
    return [t.key for t in terms]


def _smtp_timeout(raw: Any) -> float:
    seconds = float(_text(raw))
    if not 1 <= seconds <= 600:
        raise ValueError(raw)
    return seconds


def _date_order(raw: Any) -> str:
    order = _DATE_ORDER_BY_WORD.get(fold(_text(raw)))
    if order is None:
        raise ValueError(raw)
    return order


def _smtp_security(raw: Any) -> str:
    sec = fold(_text(raw))
    if sec not in ("ssl", "starttls", "none"):
        raise ValueError(raw)
    return sec


# How each key/value item is read (ValueError: the clerk's value is unreadable); any other item is text.
_ITEM_PARSERS: dict[str, Callable[[Any], Any]] = {
    "head_office": _addresses,
    "cc": _addresses,
    **dict.fromkeys(
        (
            "smtp_port",
            "unreachable_attempts",
            "complaint_lookback_days",
            "repair_lookback_days",
            "recall_days",
            "suspicion_min_callbacks",
            "suspicion_copied_notes",
            "suspicion_tiny_sample",
            "keep_backups",
        ),
        _whole_number,
    ),
    "department_heads": lambda raw: parse_department_heads(_text(raw)),  # 工程部:li@x.cn, wu@x.cn; 保洁部:wang@x.cn
    "office_call_methods": _call_methods,
    "smtp_timeout": _smtp_timeout,
    **dict.fromkeys(("satisfaction_target", "survey_rate", "suspicion_month_end_share"), parse_rate),
    "date_order": _date_order,
    "smtp_security": _smtp_security,
}


def _read_items(settings: Settings, values: dict[str, tuple[int, str, Any]], bad: Callable[..., None]) -> None:
    for key, (row_no, label, raw) in values.items():
        if key in ("language", "preset") or raw is None or _text(raw) == "":
            continue
        try:
            setattr(settings, key, _ITEM_PARSERS.get(key, _text)(raw))
        except ValueError:
            bad(row_no, label, raw)


def _read_rules(settings: Settings, rows: Rows, bad: Callable[..., None]) -> None:
    for row_no, cells in rows:
        term = vocab.CATEGORIES.parse(cells[0])
        if term is None:
            bad(row_no, _text(cells[0]), cells[0], "settings.bad_rule")
            continue
        rule = settings.rules[term.key]
        try:
            if _text(cells[1]):
                rule.start = Offset.parse(cells[1])
            if _text(cells[2]):
                rule.due = Offset.parse(cells[2])
            if _text(cells[3]):
                rule.rate = parse_rate(cells[3])
            if _text(cells[4]):
                settings.satisfaction_targets[term.key] = parse_rate(cells[4])
        except ValueError:
            bad(row_no, term.hans, " / ".join(_text(c) for c in cells[1:5]), "settings.bad_rule")


def _read_staff(settings: Settings, rows: Rows, bad: Callable[..., None]) -> None:
    for row_no, cells in rows:
        role = vocab.ROLES.parse(cells[1])
        if _text(cells[0]) and role:
            settings.staff.append(StaffMember(name=_text(cells[0]), role=role.key))
        elif _text(cells[0]):
            bad(row_no, _text(cells[0]), cells[1])


def _read_holidays(settings: Settings, rows: Rows, bad: Callable[..., None]) -> None:
    for row_no, cells in rows:
        when = parse_when(cells[0])
        if when.value is None:
            bad(row_no, _text(cells[0]) or "?", cells[0])
            continue
        kind = fold(_text(cells[1]))
        settings.holidays.append(
            Holiday(
                day=when.value.date(),
                workday=kind in ("上班", "workday", "补班", "調休上班", "调休上班"),
                note=_text(cells[2]),
            )
        )


def _read_mapping(settings: Settings, rows: Rows) -> list[tuple[int, str]]:
    """The header mapping into settings; returns (sheet row, target) for each target that is no field."""
    unknown = []
    for row_no, cells in rows:
        header, target = _text(cells[0]), _text(cells[1])
        if not header:
            continue
        field = resolve_field(target) if target else None
        if field is None:
            unknown.append((row_no, target))
            continue
        settings.header_mapping[fold(header)] = field
    return unknown


def settings_grid(settings: Settings, lang: str) -> list[list[Any]]:
    """The Settings sheet for a new ledger, pre-filled with the preset (inverse of read_settings)."""
    i = _LANG_INDEX.get(lang, 0)
    scalar = {
        "office": settings.office,
        "language": lang,
        "preset": PRESET_LABELS.get(settings.preset, (settings.preset,) * 3)[i],
        "head_office": ", ".join(settings.head_office),
        "cc": ", ".join(settings.cc),
        "sender": settings.sender,
        "smtp_host": settings.smtp_host,
        "smtp_port": settings.smtp_port,
        "smtp_security": settings.smtp_security,
        "smtp_username": settings.smtp_username,
        "smtp_timeout": settings.smtp_timeout,
        "smtp_ca_file": settings.smtp_ca_file,
        "mail_subject": settings.mail_subject,
        "mail_body": settings.mail_body,
        "unreachable_attempts": settings.unreachable_attempts,
        "complaint_lookback_days": settings.complaint_lookback_days,
        "repair_lookback_days": settings.repair_lookback_days,
        "recall_days": settings.recall_days,
        "suspicion_month_end_share": settings.suspicion_month_end_share,
        "suspicion_min_callbacks": settings.suspicion_min_callbacks,
        "suspicion_copied_notes": settings.suspicion_copied_notes,
        "suspicion_tiny_sample": settings.suspicion_tiny_sample,
        "department_heads": "; ".join(f"{d}: {', '.join(a)}" for d, a in settings.department_heads.items()) or None,
        "office_call_methods": "、".join(vocab.CALLBACK_METHODS.label(k, lang) for k in settings.office_call_methods),
        "satisfaction_target": settings.satisfaction_target,
        "keep_backups": settings.keep_backups,
        "survey_rate": settings.survey_rate,
        "date_order": DATE_ORDER_WORDS[settings.date_order][i],
    }
    grid: list[list[Any]] = [[text("settings.item", lang), text("settings.value", lang)]]
    for key, *labels in SCALAR_KEYS:
        grid.append([labels[i], scalar[key]])
    grid.append([])
    grid.append([f"【{SECTIONS['rules'][i]}】"])
    grid.append([h[i] for h in SECTION_HEADERS["rules"]])
    for term in vocab.CATEGORIES:
        rule = settings.rules[term.key]
        grid.append(
            [
                term.label(lang),
                rule.start.label(lang),
                rule.due.label(lang),
                rule.rate,
                settings.satisfaction_targets.get(term.key, settings.satisfaction_target),
            ]
        )
    grid.append([])
    grid.append([f"【{SECTIONS['staff'][i]}】"])
    grid.append([h[i] for h in SECTION_HEADERS["staff"]])
    for member in settings.staff:
        grid.append([member.name, vocab.ROLES.label(member.role, lang)])
    grid.append([])
    grid.append([f"【{SECTIONS['holidays'][i]}】"])
    grid.append([h[i] for h in SECTION_HEADERS["holidays"]])
    for h in settings.holidays:
        grid.append([h.day, "上班" if h.workday else "放假", h.note])
    grid.append([])
    grid.append([f"【{SECTIONS['mapping'][i]}】"])
    grid.append([h[i] for h in SECTION_HEADERS["mapping"]])
    return grid


#: The Settings row naming head office's reports folder (a label in column A, the folder in B); read by the
#: ribbon's and the page's 汇总各处报表, not part of Settings (an office ledger has no use for it).
REPORTS_FOLDER_LABELS = ("报表文件夹", "報表資料夾", "reports folder")


def reports_folder_row(grid: list[list[Any]] | None) -> str:
    """The folder written in the Settings grid's 报表文件夹 row, or ""."""
    labels = {fold(label) for label in REPORTS_FOLDER_LABELS}
    for row in grid or []:
        if len(row) > 1 and isinstance(row[0], str) and fold(row[0]) in labels and row[1]:
            return str(row[1]).strip()
    return ""
