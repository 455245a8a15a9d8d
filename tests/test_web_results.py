"""How the page shows a generated sheet: the layout's cells as HTML, its charts as inline SVG."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from ledger.sheets.layout import ChartSpec, SheetLayout
from ledger.web.charts import BOTTOM, HEIGHT, TOP, chart_svg
from ledger.web.sheet_html import table_rows

SVG = "{http://www.w3.org/2000/svg}"


def trend_layout(values: list[float | None], name: str = "满意率") -> tuple[SheetLayout, ChartSpec]:
    layout = SheetLayout("月度统计 2026-10")
    header = layout.add_row(["月份", name, "目标 <b>"], "header")
    for i, v in enumerate(values):
        row = layout.add_row([f"2026-{i + 1:02d}", v, 0.95])
        layout.style("percent", row, 2, row, 3)
    chart = ChartSpec("趋势 & <图>", "line", header, header + 1, header + len(values), 1, [2, 3], "A10")
    return layout, chart


def test_merged_cells_span_and_rates_show_as_the_sheets_percent_format():
    layout = SheetLayout("x")
    layout.add_row(["标题"], "title")
    layout.merged.append((1, 1, 1, 3))
    row = layout.add_row(["投诉", 1, 0.9166, dt.date(2026, 10, 3)])
    layout.style("percent", row, 2, row, 3)
    rows = table_rows(layout)
    assert [(c.text, c.colspan) for c in rows[0]] == [("标题", 3), ("", 1)]
    assert [c.text for c in rows[1]] == ["投诉", "100.0%", "91.7%", "2026-10-03"]
    assert "s-title" in rows[0][0].classes and "s-percent" in rows[1][1].classes


def test_chart_is_well_formed_svg_with_escaped_text_and_points_at_their_values():
    layout, chart = trend_layout([0.5, None, 1.0])
    svg = ET.fromstring(chart_svg(layout, chart))
    texts = [t.text for t in svg.iter(SVG + "text")]
    assert "趋势 & <图>" in texts and "目标 <b>" in texts
    circles = list(svg.iter(SVG + "circle"))
    rates = [c.find(SVG + "title").text for c in circles]
    assert rates == ["50.0%", "100.0%", "95.0%", "95.0%", "95.0%"]  # a month without a rate has no point
    cy = {r: float(c.get("cy")) for r, c in zip(rates, circles)}
    zero_line = HEIGHT - BOTTOM  # bottom of the plot: 0 %
    top_line = TOP  # top of the plot: 100 %
    assert cy["100.0%"] == top_line
    assert abs(cy["50.0%"] - (top_line + zero_line) / 2) < 0.1
