"""The Settings sheet (设置) added to a clerk's own ledger that has none (issue 13.6).

The same grid a new ledger's template holds (core.settings.settings_grid), pre-filled
with what the tool could tell about the office, as a layout any writer can add.
"""

from __future__ import annotations

from ledger.core.settings import SETTINGS_SHEET, Settings, settings_grid
from ledger.sheets.layout import SheetLayout


def settings_layout(settings: Settings, lang: str) -> SheetLayout:
    """A 设置 sheet: items and values, then the 【section】 tables, section headers styled as headers."""
    layout = SheetLayout(SETTINGS_SHEET.get(lang, SETTINGS_SHEET["zh-Hans"]), landscape=False)
    header_next = True  # the first row and the row after each 【section】 title are column headers
    for row in settings_grid(settings, lang):
        r = layout.add_row(row)
        if not row:
            continue
        if header_next:
            layout.style("header", r, 1, r, len(row))
        elif str(row[0]).startswith("【"):
            layout.style("signature", r, 1)
        for c, value in enumerate(row, start=1):
            if isinstance(value, float):
                layout.style("percent", r, c)
        header_next = str(row[0]).startswith("【")
    layout.widths = {1: 30, 2: 30, 3: 30, 4: 12, 5: 12}
    layout.freeze = "A2"
    return layout
