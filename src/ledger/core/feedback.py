"""Feedback to departments (004 5.6.5): the month's callback notes and unsatisfied cases by department."""

from __future__ import annotations

from dataclasses import dataclass, field

from ledger.core.models import Case, Ledger
from ledger.core.windows import month_bounds


@dataclass
class DepartmentFeedback:
    department: str | None  # None: cases without 责任部门
    callbacks: int = 0  # callbacks made in the month
    cases: list[Case] = field(default_factory=list)  # with notes or graded unsatisfied; unsatisfied first

    @property
    def unsatisfied(self) -> int:
        return sum(c.satisfaction == "unsatisfied" for c in self.cases)


def department_feedback(ledger: Ledger, month: str) -> list[DepartmentFeedback]:
    """One entry per department with a callback in the month, departments in name order, blank last."""
    first, last = month_bounds(month)
    by_dept: dict[str | None, DepartmentFeedback] = {}
    for c in ledger.cases:
        if c.callback_on is None or not first <= c.callback_on <= last:
            continue
        dept = (c.department or "").strip() or None
        entry = by_dept.get(dept)
        if entry is None:
            entry = by_dept[dept] = DepartmentFeedback(dept)
        entry.callbacks += 1
        if (c.callback_notes or "").strip() or c.satisfaction == "unsatisfied":
            entry.cases.append(c)
    for entry in by_dept.values():
        entry.cases.sort(key=lambda c: (c.satisfaction != "unsatisfied", c.callback_on, c.row))
    return sorted(by_dept.values(), key=lambda e: (e.department is None, e.department or ""))
