"""Callback rules per category: the two presets of SPEC §3.1, as data.

A window is two offsets from the completion date. Offsets are calendar days,
weeks, calendar months, or working days (mainland calendar).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from pydantic import BaseModel

from ledger.core.i18n import register, text
from ledger.core.vocab import CATEGORIES, fold

register(
    {
        "window.d": {"zh-Hans": "{amount}天", "zh-Hant": "{amount}天", "en": "{amount} days"},
        "window.w": {"zh-Hans": "{amount}周", "zh-Hant": "{amount}週", "en": "{amount} weeks"},
        "window.M": {"zh-Hans": "{amount}个月", "zh-Hant": "{amount}個月", "en": "{amount} months"},
        "window.wd": {"zh-Hans": "{amount}个工作日", "zh-Hant": "{amount}個工作日", "en": "{amount} working days"},
    }
)

Unit = Literal["d", "w", "M", "wd"]


class Offset(BaseModel):
    amount: int
    unit: Unit = "d"

    @classmethod
    def parse(cls, raw: object) -> Offset:
        """`3d`, `3天`, `1w`, `1周`, `1M`, `1个月`, `3wd`, `3个工作日`, `0` → Offset; ValueError otherwise."""
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return cls(amount=int(raw), unit="d")
        text = unicodedata.normalize("NFKC", str(raw)).strip()
        m = re.fullmatch(r"(\d+)\s*(.*)", text)
        if not m:
            raise ValueError(text)
        amount, unit_text = int(m.group(1)), fold(m.group(2))
        units = {
            "": "d",
            "d": "d",
            "天": "d",
            "日": "d",
            "day": "d",
            "days": "d",
            "w": "w",
            "周": "w",
            "星期": "w",
            "week": "w",
            "weeks": "w",
            "个星期": "w",
            "m": "M",
            "月": "M",
            "个月": "M",
            "month": "M",
            "months": "M",
            "wd": "wd",
            "工作日": "wd",
            "个工作日": "wd",
            "workday": "wd",
            "workdays": "wd",
        }
        if unit_text not in units:
            raise ValueError(text)
        return cls(amount=amount, unit=units[unit_text])

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    def label(self, lang: str) -> str:
        return text(f"window.{self.unit}", lang, amount=self.amount)


class CategoryRule(BaseModel):
    category: str
    start: Offset
    due: Offset
    rate: float  # fraction of the population to call back
    role: str = "clerk"  # who calls back (vocab.ROLES key); complaints depend on severity

    @property
    def takes_everyone(self) -> bool:
        return self.rate >= 1.0


def _rule(category: str, start: str, due: str, rate: float, role: str = "clerk") -> CategoryRule:
    return CategoryRule(category=category, start=Offset.parse(start), due=Offset.parse(due), rate=rate, role=role)


PRESETS: dict[str, dict[str, CategoryRule]] = {
    "residential": {
        r.category: r
        for r in [
            _rule("complaint", "0d", "3d", 1.0, "department_supervisor"),
            _rule("repair", "1M", "2M", 0.30),
            _rule("special_service", "0d", "1w", 0.30),
            _rule("help", "0d", "1w", 0.30),
            _rule("emergency", "0d", "1w", 1.0),
            _rule("event", "0d", "1M", 0.10),
            _rule("supervisory", "0d", "1M", 1.0),
            _rule("other", "0d", "1w", 0.30),
        ]
    },
    "commercial": {
        r.category: r
        for r in [
            _rule("complaint", "0d", "3d", 1.0, "department_supervisor"),
            _rule("repair", "0d", "1M", 0.20),
            _rule("special_service", "0d", "1w", 0.30),
            _rule("help", "0d", "1w", 0.30),
            _rule("emergency", "0d", "20d", 1.0),
            _rule("event", "0d", "1M", 0.10),
            _rule("supervisory", "0d", "1M", 1.0),
            _rule("other", "0d", "1w", 0.30),
        ]
    },
}

assert all(set(p) == set(CATEGORIES.keys()) for p in PRESETS.values())
