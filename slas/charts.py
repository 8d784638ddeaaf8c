"""SLA bars as server-side SVG: counted time against the target, cut by party.

Pure functions of numbers and labels, so the same bar renders in pages and PDFs.
Presentation attributes only (the pages keep a strict content security policy).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

PALETTE = ["#206bc4", "#0ca678", "#f76707", "#ae3ec9", "#d6336c", "#4263eb", "#74b816"]
STATE_COLOURS = {
    "running": "#206bc4",
    "paused": "#f59f00",
    "met": "#2fb344",
    "breached": "#d63939",
    "not_started": "#868e96",
}


@dataclass(frozen=True)
class BarPart:
    label: str
    seconds: float
    colour: str


def duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days >= 4:  # business time reads best in hours until it spans several days
        return f"{days}d {hours}h"
    hours += days * 24
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m"


def sla_bar(
    parts: list[BarPart],
    target_seconds: float,
    thresholds: tuple[int, ...],
    state: str,
    caption: str,
    width: int = 560,
) -> str:
    counted = sum(p.seconds for p in parts)
    scale_max = max(target_seconds, counted) * 1.08 or 1
    track_w = width - 4
    x_of = lambda seconds: 2 + track_w * seconds / scale_max  # noqa: E731
    height = 30
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 16}" width="100%" role="img" '
        f'aria-label="{escape(caption)}" class="sla-bar">',
        f'<rect x="2" y="4" width="{x_of(target_seconds) - 2:.1f}" height="{height - 8}" rx="4" fill="#e9ecef"/>',
    ]
    x = 2.0
    for part in parts:
        if part.seconds <= 0:
            continue
        w = x_of(part.seconds) - 2
        out.append(
            f'<rect x="{x:.1f}" y="4" width="{w:.1f}" height="{height - 8}" fill="{part.colour}" opacity="0.9">'
            f"<title>{escape(part.label)}: {duration(part.seconds)}</title></rect>"
        )
        x += w
    for percent in thresholds:
        tx = x_of(target_seconds * percent / 100)
        out.append(
            f'<line x1="{tx:.1f}" y1="2" x2="{tx:.1f}" y2="{height - 2}" stroke="#f59f00" stroke-width="1.5" stroke-dasharray="3 2"/>'
        )
    tx = x_of(target_seconds)
    out.append(
        f'<line x1="{tx:.1f}" y1="0" x2="{tx:.1f}" y2="{height}" stroke="#d63939" stroke-width="2"/>'
    )
    colour = STATE_COLOURS.get(state, "#495057")
    out.append(
        f'<text x="2" y="{height + 12}" font-size="11" fill="{colour}" font-weight="600">{escape(caption)}</text>'
    )
    out.append("</svg>")
    return "".join(out)


def party_colours(party_ids) -> dict:
    colours = {}
    for index, party in enumerate(sorted(p for p in party_ids if p is not None)):
        colours[party] = PALETTE[index % len(PALETTE)]
    colours[None] = "#adb5bd"
    return colours
