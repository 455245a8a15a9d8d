"""The statistics sheet's charts (ChartSpec) drawn as inline SVG on the server: no script, nothing fetched."""

from __future__ import annotations

from html import escape

from ledger.sheets.layout import ChartSpec, SheetLayout

WIDTH, HEIGHT = 560, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 30, 58
COLOURS = ("#2f6fb3", "#d9822b", "#3a9b52", "#b33a3a")


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def series(layout: SheetLayout, chart: ChartSpec) -> tuple[list[str], list[tuple[str, list[float | None]]]]:
    """The x labels and (name, values) of each series, read from the layout's cells as the native chart reads them."""
    rows = layout.rows
    labels = [str(rows[r - 1][chart.category_col - 1]) for r in range(chart.first_row, chart.last_row + 1)]
    header = rows[chart.header_row - 1]
    out = []
    for col in chart.series_cols:
        values = [_number(rows[r - 1][col - 1]) for r in range(chart.first_row, chart.last_row + 1)]
        out.append((str(header[col - 1]), values))
    return labels, out


def chart_svg(layout: SheetLayout, chart: ChartSpec) -> str:
    """One line chart: y from 0 to 100 % (or the largest value), a point and a polyline per series, a legend."""
    labels, lines = series(layout, chart)
    top = max([1.0 if chart.percent else 0.0] + [v for _, vs in lines for v in vs if v is not None])
    top = top or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return LEFT + i * step

    def y(v: float) -> float:
        return TOP + plot_h * (1 - v / top)

    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(chart.title)}">',
        f'<text x="{WIDTH / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">{escape(chart.title)}</text>',
    ]
    for k in range(5):
        v = top * k / 4
        tick = f"{v:.0%}" if chart.percent else f"{v:g}"
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="10">{tick}</text>')
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle" font-size="9">{escape(label[2:])}</text>'
        )
    for n, (name, values) in enumerate(lines):
        colour = COLOURS[n % len(COLOURS)]
        points = [(x(i), y(v), v) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points)
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        for px, py, v in points:
            shown = f"{v:.1%}" if chart.percent else f"{v:g}"
            parts.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"><title>{escape(shown)}</title></circle>'
            )
        lx = LEFT + n * 200
        parts.append(f'<rect x="{lx}" y="{HEIGHT - 22}" width="12" height="4" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 16}" y="{HEIGHT - 16}" font-size="11">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
