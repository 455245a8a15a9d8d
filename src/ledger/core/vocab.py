"""The ledger's vocabularies (SPEC §2.1, §3, §4, §9).

Every term has a fixed English JSON key and labels in the three scripts the
clerks use. Reading is forgiving: labels are matched after `fold()`, which
removes width, case, spacing and Traditional/Simplified differences, and each
term also accepts a few spellings found in real ledgers.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache


@dataclass(frozen=True)
class Term:
    key: str
    hans: str
    hant: str
    en: str
    aliases: tuple[str, ...] = field(default=())

    def label(self, lang: str) -> str:
        return {"zh-Hant": self.hant, "en": self.en}.get(lang, self.hans)


class Vocabulary:
    """An ordered set of terms, looked up by key or by any label."""

    def __init__(self, name: str, terms: list[Term]):
        self.name = name
        self.terms = terms
        self.by_key = {t.key: t for t in terms}
        self._by_label: dict[str, Term] = {}
        for t in terms:
            for spelling in (t.key, t.hans, t.hant, t.en, *t.aliases):
                self._by_label.setdefault(fold(spelling), t)

    def __iter__(self):
        return iter(self.terms)

    def keys(self) -> list[str]:
        return [t.key for t in self.terms]

    def parse(self, raw: object) -> Term | None:
        if raw is None:
            return None
        return self._by_label.get(fold(str(raw)))

    def label(self, key: str, lang: str) -> str:
        return self.by_key[key].label(lang)

    def labels(self, lang: str) -> list[str]:
        return [t.label(lang) for t in self.terms]


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # lazy: start-up time (only Traditional text needs it)

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Canonical form for matching labels and headers.

    NFKC turns full-width letters, digits and spaces into ASCII; case and all
    whitespace go; Traditional characters become Simplified.
    """
    s = unicodedata.normalize("NFKC", text).casefold()
    s = "".join(ch for ch in s if not ch.isspace() and ch not in "_-·・/／()（）【】[]:：*＊")
    return _t2s().convert(s) if any(ord(ch) > 0x2E7F for ch in s) else s


def is_traditional(text: str) -> bool:
    """Whether the text holds a Traditional character (it changes when converted to Simplified)."""
    return any(ord(ch) > 0x2E7F for ch in text) and _t2s().convert(text) != text


CATEGORIES = Vocabulary(
    "category",
    [
        Term("complaint", "投诉", "投訴", "Complaint", ("投诉件", "客户投诉", "有效投诉", "住户投诉", "業主投訴")),
        Term(
            "repair",
            "维修",
            "維修",
            "Repair",
            ("报修", "維修服務", "维修服务", "工程维修", "家居维修", "报修维修", "保養維修"),
        ),
        Term("special_service", "特约服务", "特約服務", "Special service", ("特约", "有偿服务", "paid service")),
        Term("help", "求助", "求助", "Help request", ("求助服务", "help", "协助", "請求協助")),
        Term("emergency", "急救", "急救", "Emergency aid", ("急救病人", "emergency")),
        Term(
            "event",
            "活动/刊物",
            "活動/刊物",
            "Event/publication",
            ("活动", "刊物", "文体活动", "报刊", "event", "publication"),
        ),
        Term("supervisory", "监管回访", "監管回訪", "Supervisory", ("监管", "监管性回访", "保障房监管")),
        Term("other", "其他", "其他", "Other", ("其它",)),
    ],
)

CHANNELS = Vocabulary(
    "channel",
    [
        Term("phone", "电话", "電話", "Phone", ("来电", "电话投诉", "电话报修", "熱線")),
        Term("visit", "来访", "來訪", "Visit", ("上门", "到访", "亲临", "親身")),
        Term("letter", "信函", "信函", "Letter", ("来信",)),
        Term("email", "电子邮件", "電子郵件", "E-mail", ("邮件", "email", "電郵")),
        Term("online", "网上", "網上", "Online", ("网络", "微信", "app", "网上投诉", "短信", "whatsapp", "网上报修")),
        Term("complaint_box", "投诉箱", "投訴箱", "Complaint box", ("意见箱",)),
        Term("other", "其他", "其他", "Other", ("其它",)),
    ],
)

CALLBACK_METHODS = Vocabulary(
    "callback_method",
    [
        Term("phone", "电话", "電話", "Phone", ("电话回访", "致电", "来电回访", "phone call")),
        Term("in_person", "面谈", "面談", "In person", ("面谈回访", "当面", "面對面")),
        Term("on_site", "上门", "上門", "On-site visit", ("上门回访", "现场", "现场回访", "上门拜访", "家访")),
        Term("written", "书面", "書面", "Written", ("问卷", "信函", "书面回访", "问卷调查")),
        Term("meeting", "会议", "會議", "Meeting", ("座谈会", "会议回访")),
        Term(
            "online",
            "网上",
            "網上",
            "Online",
            ("网络", "微信", "微信回访", "短信", "短信回访", "网上回访", "whatsapp", "電郵", "邮件"),
        ),
    ],
)

SATISFACTION = Vocabulary(
    "satisfaction",
    [
        Term(
            "satisfied",
            "满意",
            "滿意",
            "Satisfied",
            ("a", "非常满意", "很满意", "十分满意", "满意 a", "very satisfied"),
        ),
        Term(
            "fairly_satisfied",
            "一般满意",
            "一般滿意",
            "Fairly satisfied",
            ("b", "基本满意", "较满意", "比较满意", "一般", "还可以", "尚可", "普通", "还行", "fair"),
        ),
        Term(
            "unsatisfied", "不满意", "不滿意", "Unsatisfied", ("c", "不合格", "很不满意", "非常不满意", "dissatisfied")
        ),
    ],
)

RESPONSIBILITY = Vocabulary(
    "responsibility",
    [
        Term("type1", "一类", "一類", "Class 1", ("1类", "第一类", "class1", "i类")),
        Term("type2", "二类", "二類", "Class 2", ("2类", "第二类", "class2", "ii类")),
        Term("type3", "三类", "三類", "Class 3", ("3类", "第三类", "class3", "iii类")),
    ],
)

SEVERITIES = Vocabulary(
    "severity",
    [
        Term("major", "重大", "重大", "Major", ("重大投诉",)),
        Term("hot", "热点", "熱點", "Hot", ("热点投诉",)),
        Term("important", "重要", "重要", "Important", ("重要投诉",)),
        Term("general", "一般", "一般", "General", ("一般投诉",)),
    ],
)
SEVERITY_RANK = {"general": 0, "important": 1, "hot": 2, "major": 3}

NO_CALLBACK_REASONS = Vocabulary(
    "no_callback_reason",
    [
        Term("resolved_on_site", "现场解决已确认", "現場解決已確認", "Resolved on site, confirmed", ("现场解决",)),
        Term("anonymous", "匿名", "匿名", "Anonymous", ("匿名投诉", "无法明确联系方式")),
        Term("declined", "住户拒绝回访", "住戶拒絕回訪", "Customer declined", ("拒绝回访", "拒访")),
        Term("sensitive", "敏感投诉", "敏感投訴", "Sensitive complaint", ("敏感",)),
        Term("unreachable", "无法联系", "無法聯繫", "Unreachable", ("联系不上", "无法联络", "無法聯絡")),
    ],
)
EXEMPT_REASONS = frozenset({"resolved_on_site", "anonymous", "declined", "sensitive"})

ASPECTS = Vocabulary(
    "aspect",
    [
        Term("服务与投诉处理", "服务与投诉处理", "服務與投訴處理", "Service and complaint handling", ("客户服务",)),
        Term("设备管理", "设备管理", "設備管理", "Equipment management", ("设备", "电梯")),
        Term("房屋维修", "房屋维修", "房屋維修", "Building repair", ("维修", "房屋")),
        Term("安全保卫", "安全保卫", "安全保衛", "Security", ("安保", "治安")),
        Term("消防防灾", "消防防灾", "消防防災", "Fire and disaster prevention", ("消防",)),
        Term("清洁卫生", "清洁卫生", "清潔衛生", "Cleaning", ("保洁", "清洁")),
        Term("绿化环保", "绿化环保", "綠化環保", "Landscaping and environment", ("绿化",)),
        Term("停车场", "停车场", "停車場", "Car park", ("停车", "车辆管理")),
        Term("会所及经营设施", "会所及经营设施", "會所及經營設施", "Clubhouse and commercial facilities", ("会所",)),
        Term("员工效率", "员工效率", "員工效率", "Staff efficiency"),
        Term("员工态度", "员工态度", "員工態度", "Staff attitude"),
        Term("管理人员素质", "管理人员素质", "管理人員素質", "Management quality"),
        Term("综合评议", "综合评议", "綜合評議", "Overall"),
        Term("其他", "其他", "其他", "Other", ("其它",)),
    ],
)

STATUSES = Vocabulary(
    "status",
    [
        Term("open", "处理中", "處理中", "Open"),
        Term("not_yet_due", "未到期", "未到期", "Not yet due"),
        Term("due", "待回访", "待回訪", "Due"),
        Term("overdue", "逾期", "逾期", "Overdue"),
        Term("done", "已回访", "已回訪", "Done"),
        Term("done_late", "逾期回访", "逾期回訪", "Done late"),
        Term("too_early", "过早回访", "過早回訪", "Too early"),
        Term("exempt", "免回访", "免回訪", "Exempt"),
        Term("not_sampled", "未抽中", "未抽中", "Not sampled"),
        Term("unreachable", "无法联系", "無法聯繫", "Unreachable"),
    ],
)

ROLES = Vocabulary(
    "role",
    [
        Term("office_manager", "管理处经理", "管理處經理", "Office manager", ("经理",)),
        Term("supervisor", "服务中心主管", "服務中心主管", "Service-centre supervisor", ("主管",)),
        Term("department_supervisor", "责任部门主管", "責任部門主管", "Department supervisor", ("部门主管",)),
        Term("clerk", "管理员", "管理員", "Clerk", ("文员", "调度员", "客服")),
    ],
)

BOOLEAN_TRUE = frozenset(fold(s) for s in ("是", "有", "y", "yes", "true", "1", "√", "✓", "涉诉", "媒体", "x"))
BOOLEAN_FALSE = frozenset(fold(s) for s in ("否", "无", "n", "no", "false", "0", "×", ""))
