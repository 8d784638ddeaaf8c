"""Server-side SVG charts: one small library for pages and PDFs alike.

Pure functions of numbers and labels returning SVG markup. Presentation attributes
only, never ``style`` (the pages keep a strict content security policy), and every
chart carries a <title> and <desc> for screen readers.
"""

from __future__ import annotations

from html import escape

HEAT_LOW = (232, 240, 254)  # light blue
HEAT_HIGH = (32, 107, 196)  # Tabler primary


def _mix(low, high, share: float) -> str:
    r, g, b = (round(lo + (hi - lo) * share) for lo, hi in zip(low, high, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap(
    row_labels: list[str],
    column_labels: list[str],
    values: list[list[int]],
    title: str,
    maximum: int | None = None,
    label_width: int = 260,
    cell: int = 44,
) -> str:
    """A grid of counts coloured from light to dark; the count is written in each cell."""
    maximum = maximum or max((v for row in values for v in row), default=0) or 1
    header = 28
    width = label_width + cell * len(column_labels) + 4
    height = header + cell * len(row_labels) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" class="chart heatmap" font-family="Inter, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(title)}: {len(row_labels)} rows by {len(column_labels)} columns.</desc>",
    ]
    for j, label in enumerate(column_labels):
        x = label_width + j * cell + cell / 2
        parts.append(
            f'<text x="{x:.0f}" y="18" text-anchor="middle" font-weight="600" fill="#1d273b">{escape(label)}</text>'
        )
    for i, (label, row) in enumerate(zip(row_labels, values, strict=True)):
        y = header + i * cell
        short = label if len(label) <= 38 else label[:36] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + cell / 2 + 4:.0f}" text-anchor="end" fill="#1d273b">'
            f"<title>{escape(label)}</title>{escape(short)}</text>"
        )
        for j, value in enumerate(row):
            share = min(value / maximum, 1)
            fill = "#f8f9fa" if value == 0 else _mix(HEAT_LOW, HEAT_HIGH, share)
            text = "#ffffff" if share > 0.55 else "#1d273b"
            x = label_width + j * cell
            parts.append(
                f'<rect x="{x + 1}" y="{y + 1}" width="{cell - 2}" height="{cell - 2}" rx="4" '
                f'fill="{fill}" stroke="#e6e7e9"><title>{escape(label)} — {escape(column_labels[j])}: {value}</title></rect>'
            )
            parts.append(
                f'<text x="{x + cell / 2:.0f}" y="{y + cell / 2 + 4:.0f}" text-anchor="middle" fill="{text}">{value}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


PALETTE = ["#206bc4", "#2fb344", "#f76707", "#ae3ec9", "#d63939", "#0ca678", "#4263eb", "#f59f00"]
INK = "#1d273b"
MUTED = "#6c7a91"
GRID = "#e6e7e9"


def _svg_open(width: int, height: int, title: str, desc: str, css_class: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" class="chart {css_class}" font-family="Inter, sans-serif" font-size="12" '
        f'preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(desc)}</desc>",
    ]


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return f"{text}{'' if not unit else (unit if unit == '%' else ' ' + unit)}"


def _value_range(values: list[float], y_min: float | None, y_max: float | None) -> tuple:
    """The y axis: the given bounds, or the values' range with a margin."""
    low = y_min if y_min is not None else (min(values) if values else 0)
    high = y_max if y_max is not None else (max(values) if values else 1)
    if high == low:
        high, low = high + 1, low - 1
    pad = (high - low) * 0.08
    return (
        (low if y_min is not None else low - pad),
        (high if y_max is not None else high + pad),
    )


def _runs(points: list[float | None]) -> list[list[tuple[int, float]]]:
    """The stretches of consecutive values (a None leaves a gap), with their positions."""
    runs, run = [], []
    for i, value in enumerate(points):
        if value is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append((i, value))
    if run:
        runs.append(run)
    return runs


def line_chart(
    labels: list[str],
    series: list[tuple[str, list[float | None]]],
    title: str,
    unit: str = "",
    target: float | None = None,
    y_min: float | None = None,
    y_max: float | None = None,
    width: int = 560,
    height: int = 220,
) -> str:
    """Lines over periods; ``None`` leaves a gap. An optional dashed target line."""
    values = [v for _, points in series for v in points if v is not None]
    if target is not None:
        values.append(target)
    low, high = _value_range(values, y_min, y_max)
    left, right, top, bottom = 48, 12, 12, 40 if len(series) > 1 else 28
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(labels) - 1, 1)
    x_of = lambda i: left + (i * step if len(labels) > 1 else plot_w / 2)  # noqa: E731
    y_of = lambda v: top + plot_h * (1 - (v - low) / (high - low))  # noqa: E731
    described = "; ".join(
        f"{name}: "
        + ", ".join(f"{label} {_fmt(v, unit)}" for label, v in zip(labels, points, strict=True))
        for name, points in series
    )
    out = _svg_open(width, height, title, described, "line-chart")
    for k in range(5):
        value = low + (high - low) * k / 4
        y = y_of(value)
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}" font-size="10">{_fmt(round(value, 1))}</text>'
        )
    out += _x_labels(labels, x_of, top + plot_h + 16)
    if target is not None:
        y = y_of(target)
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d63939" stroke-dasharray="5 4"/>'
        )
        out.append(
            f'<text x="{width - right}" y="{y - 4:.1f}" text-anchor="end" fill="#d63939" font-size="10">target {_fmt(target, unit)}</text>'
        )
    for n, (name, points) in enumerate(series):
        out += _line(n, name, points, labels, x_of, y_of, unit)
        if len(series) > 1:
            out += _legend_entry(n, name, left + n * 150, height)
    out.append("</svg>")
    return "".join(out)


def _x_labels(labels: list[str], x_of, y: int) -> list[str]:
    """At most about eight period labels, the first and last always shown."""
    out = []
    every = max(1, len(labels) // 8)
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            anchor = (
                "end"
                if i == len(labels) - 1 and len(labels) > 1
                else ("start" if i == 0 and len(labels) > 1 else "middle")
            )
            out.append(
                f'<text x="{x_of(i):.1f}" y="{y}" text-anchor="{anchor}" fill="{MUTED}" font-size="10">{escape(label)}</text>'
            )
    return out


def _line(n: int, name: str, points: list, labels: list[str], x_of, y_of, unit: str) -> list[str]:
    """One series: its runs of values as lines and each value as a dot with its title."""
    out = []
    colour = PALETTE[n % len(PALETTE)]
    for run in _runs(points):
        if len(run) > 1:
            coordinates = " ".join(f"{x_of(i):.1f},{y_of(value):.1f}" for i, value in run)
            out.append(
                f'<polyline points="{coordinates}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"/>'
            )
    for i, value in enumerate(points):
        if value is not None:
            out.append(
                f'<circle cx="{x_of(i):.1f}" cy="{y_of(value):.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(name)} {escape(labels[i])}: {_fmt(value, unit)}</title></circle>"
            )
    return out


def _legend_entry(n: int, name: str, x: float, height: int) -> list[str]:
    colour = PALETTE[n % len(PALETTE)]
    return [
        f'<rect x="{x}" y="{height - 12}" width="10" height="10" rx="2" fill="{colour}"/>',
        f'<text x="{x + 14}" y="{height - 3}" fill="{INK}" font-size="10">{escape(name)}</text>',
    ]


def bar_chart(
    rows: list[tuple[str, float]],
    title: str,
    unit: str = "",
    colour: str = PALETTE[0],
    width: int = 560,
    label_width: int = 170,
    bar: int = 22,
) -> str:
    """Horizontal bars, one per row, with the value written at the end."""
    maximum = max((value for _, value in rows), default=0) or 1
    height = max(len(rows), 1) * (bar + 8) + 8
    out = _svg_open(
        width,
        height,
        title,
        "; ".join(f"{label}: {_fmt(v, unit)}" for label, v in rows),
        "bar-chart",
    )
    if not rows:
        out.append(f'<text x="8" y="22" fill="{MUTED}">Nothing to show.</text>')
    plot = width - label_width - 60
    for i, (label, value) in enumerate(rows):
        y = 8 + i * (bar + 8)
        short = label if len(label) <= 26 else label[:24] + "…"
        length = plot * value / maximum
        out.append(
            f'<text x="{label_width - 8}" y="{y + bar / 2 + 4:.0f}" text-anchor="end" fill="{INK}"><title>{escape(label)}</title>{escape(short)}</text>'
        )
        out.append(
            f'<rect x="{label_width}" y="{y}" width="{max(length, 1):.1f}" height="{bar}" rx="3" fill="{colour}"><title>{escape(label)}: {_fmt(value, unit)}</title></rect>'
        )
        out.append(
            f'<text x="{label_width + length + 6:.1f}" y="{y + bar / 2 + 4:.0f}" fill="{INK}">{_fmt(value, unit)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def radar(
    axes: list[str],
    series: list[tuple[str, list[float | None]]],
    title: str,
    maximum: float = 100,
    size: int = 360,
) -> str:
    """A radar (spider) chart: one polygon per series over the same axes, 0..maximum."""
    import math

    legend = 22 * len(series)
    width, height = size + 160, size + legend
    cx, cy, radius = width / 2, size / 2, size / 2 - 40
    angle = lambda i: -math.pi / 2 + 2 * math.pi * i / len(axes)  # noqa: E731

    def point(i, value):
        return (
            cx + radius * (value or 0) / maximum * math.cos(angle(i)),
            cy + radius * (value or 0) / maximum * math.sin(angle(i)),
        )

    described = "; ".join(
        f"{name}: " + ", ".join(f"{axis} {_fmt(v)}" for axis, v in zip(axes, values, strict=True))
        for name, values in series
    )
    out = _svg_open(width, height, title, described, "radar-chart")
    for ring in (0.25, 0.5, 0.75, 1):
        ring_points = " ".join(
            f"{cx + radius * ring * math.cos(angle(i)):.1f},{cy + radius * ring * math.sin(angle(i)):.1f}"
            for i in range(len(axes))
        )
        out.append(f'<polygon points="{ring_points}" fill="none" stroke="{GRID}"/>')
    for i, axis in enumerate(axes):
        x, y = point(i, maximum)
        out.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        lx, ly = cx + (radius + 16) * math.cos(angle(i)), cy + (radius + 16) * math.sin(angle(i))
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        out.append(
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="{anchor}" fill="{INK}" font-size="11">{escape(axis)}</text>'
        )
    for n, (name, values) in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, v) for i, v in enumerate(values)))
        out.append(
            f'<polygon points="{pts}" fill="{colour}" fill-opacity="0.18" stroke="{colour}" stroke-width="2"><title>{escape(name)}</title></polygon>'
        )
        for i, value in enumerate(values):
            x, y = point(i, value)
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{escape(name)} — {escape(axes[i])}: {_fmt(value)}</title></circle>'
            )
        ly = size + 6 + n * 22
        out.append(f'<rect x="16" y="{ly}" width="12" height="12" rx="2" fill="{colour}"/>')
        out.append(f'<text x="34" y="{ly + 10}" fill="{INK}">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)
