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
