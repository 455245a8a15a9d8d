"""Cell values as SpreadsheetML: one <c> element per value, escaping and date serials in one place.

Used by every writer of worksheet XML: the case-sheet patch, the Log rows, the
generated sheets (io.sheet_writer) and the demo ledger writer (demo.workbook).
Strings are written inline (sharedStrings.xml stays untouched) and never as formulas.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

DEFAULT_DATE_FORMAT = "yyyy-mm-dd"
DEFAULT_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MAX_CELL_TEXT = 32767


ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(s: str) -> str:
    s = ILLEGAL_XML.sub("", s)
    return s[:MAX_CELL_TEXT]


_ORD_1900 = date(1899, 12, 30).toordinal()
_ORD_1904 = date(1904, 1, 1).toordinal()


def serial(value: date | datetime | dtime, date1904: bool) -> float:
    if type(value) is date:
        return value.toordinal() - (_ORD_1904 if date1904 else _ORD_1900)
    if isinstance(value, dtime):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    value = value.replace(tzinfo=None)
    epoch = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
    delta: timedelta = value - epoch
    return delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400


def number_text(v: float | int) -> str:
    if isinstance(v, int):
        return str(v)
    r = repr(float(v))
    return r[:-2] if r.endswith(".0") else r


def default_format(value: Any) -> str | None:
    if isinstance(value, datetime):
        return DEFAULT_DATETIME_FORMAT
    if isinstance(value, date):
        return DEFAULT_DATE_FORMAT
    if isinstance(value, dtime):
        return "hh:mm"
    return None


def cell_xml(prefix: str, ref: str, value: Any, s: int, date1904: bool) -> str:
    """One <c> element; strings are inline (sharedStrings.xml stays untouched) and never formulas."""
    c = prefix + "c"
    sattr = f' s="{s}"' if s else ""
    if type(value) is str and value and value == value.strip() and "\n" not in value:
        return (
            f'<{c} r="{ref}"{sattr} t="inlineStr"><{prefix}is><{prefix}t>{_xml_escape(clean_text(value))}'
            f"</{prefix}t></{prefix}is></{c}>"
        )
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return f'<{c} r="{ref}"{sattr}/>' if s else ""
    if isinstance(value, bool):
        return f'<{c} r="{ref}"{sattr} t="b"><{prefix}v>{int(value)}</{prefix}v></{c}>'
    if isinstance(value, (int, float, Decimal)):
        return f'<{c} r="{ref}"{sattr}><{prefix}v>{number_text(value if not isinstance(value, Decimal) else float(value))}</{prefix}v></{c}>'
    if isinstance(value, (date, datetime, dtime)):
        return f'<{c} r="{ref}"{sattr}><{prefix}v>{number_text(serial(value, date1904))}</{prefix}v></{c}>'
    s_text = clean_text(str(value))
    space = ' xml:space="preserve"' if s_text != s_text.strip() or "\n" in s_text else ""
    return (
        f'<{c} r="{ref}"{sattr} t="inlineStr"><{prefix}is><{prefix}t{space}>{_xml_escape(s_text)}'
        f"</{prefix}t></{prefix}is></{c}>"
    )


def escape_text(s: str) -> str:
    """Text for an XML element: characters XML cannot hold removed, & < > escaped (not truncated)."""
    return _xml_escape(ILLEGAL_XML.sub("", s))
