"""Who is connected to whom: a server-side SVG of an ecosystem's parties, their tools
and the integration flows between them.

The layout is a pure function of plain tuples (no ORM), so it is tested directly and
the same SVG can be embedded in pages and PDF reports. Presentation attributes only
(no ``style=``), so the page keeps a strict content security policy.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from html import escape

from .choices import SystemKindChoices

COLUMN_WIDTH = 230
COLUMN_GAP = 170
LANE_GAP = 18
LABEL_CHARS = 30
SYSTEM_WIDTH = 190
SYSTEM_HEIGHT = 46
SYSTEM_GAP = 18
HEADER_HEIGHT = 58
MARGIN = 20

LAYER_COLOURS = {
    "customer": ("#ae3ec9", "#f8f0fc"),
    "integrator": ("#206bc4", "#eef4fb"),
    "customer+integrator": ("#6741d9", "#f3f0ff"),
    "provider": ("#0ca678", "#e6fcf5"),
}


@dataclass(frozen=True)
class Party:
    id: int
    name: str
    layer: str  # one of LAYER_COLOURS


@dataclass(frozen=True)
class SystemBox:
    id: int
    party_id: int
    name: str
    tool: str


@dataclass(frozen=True)
class FlowLine:
    source_id: int
    target_id: int
    bidirectional: bool
    label: str
    #: A tool's ticket feed into this application: dashed, named in its tooltip only
    #: (four such labels around the hub would hide each other).
    feed: bool = False


def hub_order(parties: list[Party]) -> list[Party]:
    """Put the integrator in the middle and the others around it: in SIAM most
    flows run through the integrator's tools, so most lines join adjacent columns."""
    hub = [p for p in parties if "integrator" in p.layer]
    others = [p for p in parties if "integrator" not in p.layer]
    left = others[: len(others) // 2]
    return [*left, *hub, *others[len(others) // 2 :]]


def render_diagram(
    parties: list[Party], systems: list[SystemBox], flows: list[FlowLine], title: str
) -> str:
    parties = hub_order(parties)
    by_party: dict[int, list[SystemBox]] = {p.id: [] for p in parties}
    for system in systems:
        by_party.setdefault(system.party_id, []).append(system)

    rows = max((len(v) for v in by_party.values()), default=0)
    column_height = HEADER_HEIGHT + max(rows, 1) * (SYSTEM_HEIGHT + SYSTEM_GAP) + 10
    width = MARGIN * 2 + len(parties) * COLUMN_WIDTH + max(len(parties) - 1, 0) * COLUMN_GAP
    column_of = {p.id: i for i, p in enumerate(parties)}
    system_column = {s.id: column_of.get(s.party_id) for s in systems}
    far_flows = [
        f
        for f in flows
        if f.source_id in system_column
        and f.target_id in system_column
        and abs(system_column[f.source_id] - system_column[f.target_id]) > 1
    ]
    lanes_top = MARGIN + column_height + 24
    height = lanes_top + len(far_flows) * LANE_GAP + MARGIN

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="diagram-title diagram-desc" class="ecosystem-diagram">',
        f'<title id="diagram-title">{escape(title)}</title>',
        f'<desc id="diagram-desc">{escape(_describe(parties, systems, flows))}</desc>',
        "<defs>"
        '<marker id="arrow-end" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#495057"/></marker>'
        '<marker id="arrow-start" viewBox="0 0 10 10" refX="1" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
        '<path d="M10,0 L0,5 L10,10 z" fill="#495057"/></marker>'
        "</defs>",
    ]

    centres: dict[int, tuple[float, float, int]] = {}
    for index, party in enumerate(parties):
        out += _column(index, party, by_party.get(party.id, []), column_height, centres)

    drawable = [f for f in flows if f.source_id in centres and f.target_id in centres]
    # Flows joining the same two systems are drawn side by side, not on top of each other.
    pair_totals = Counter(frozenset((f.source_id, f.target_id)) for f in drawable)
    pair_seen: Counter = Counter()
    lane = 0
    for number, flow in enumerate(drawable):
        source, target = centres[flow.source_id], centres[flow.target_id]
        if abs(source[2] - target[2]) > 1:
            out.append(_lane_path(flow, source, target, lanes_top + lane * LANE_GAP))
            lane += 1
            continue
        pair = frozenset((flow.source_id, flow.target_id))
        offset = (pair_seen[pair] - (pair_totals[pair] - 1) / 2) * 14
        pair_seen[pair] += 1
        out.append(_flow_path(flow, source, target, number, offset))

    out.append("</svg>")
    return "".join(out)


def _column(
    index: int, party: Party, systems: list[SystemBox], column_height: int, centres: dict
) -> list[str]:
    """A party's column with its systems; each system's left edge, middle and column
    are added to ``centres`` for the flows."""
    x = MARGIN + index * (COLUMN_WIDTH + COLUMN_GAP)
    stroke, fill = LAYER_COLOURS.get(party.layer, LAYER_COLOURS["provider"])
    out = [
        f'<rect x="{x}" y="{MARGIN}" width="{COLUMN_WIDTH}" height="{column_height}" rx="10" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>',
        f'<text x="{x + COLUMN_WIDTH / 2}" y="{MARGIN + 24}" text-anchor="middle" font-size="15" '
        f'font-weight="600" fill="#1d273b">{escape(party.name)}</text>',
        f'<text x="{x + COLUMN_WIDTH / 2}" y="{MARGIN + 42}" text-anchor="middle" font-size="11" '
        f'fill="{stroke}">{escape(_layer_label(party.layer))}</text>',
    ]
    for row, system in enumerate(systems):
        sx = x + (COLUMN_WIDTH - SYSTEM_WIDTH) / 2
        sy = MARGIN + HEADER_HEIGHT + row * (SYSTEM_HEIGHT + SYSTEM_GAP)
        out += [
            f'<rect x="{sx}" y="{sy}" width="{SYSTEM_WIDTH}" height="{SYSTEM_HEIGHT}" rx="6" '
            f'fill="#ffffff" stroke="{stroke}"/>',
            f'<text x="{sx + SYSTEM_WIDTH / 2}" y="{sy + 20}" text-anchor="middle" font-size="13" '
            f'font-weight="600" fill="#1d273b">{escape(system.name)}</text>',
            f'<text x="{sx + SYSTEM_WIDTH / 2}" y="{sy + 36}" text-anchor="middle" font-size="11" '
            f'fill="#667382">{escape(system.tool)}</text>',
        ]
        centres[system.id] = (sx, sy + SYSTEM_HEIGHT / 2, index)
    return out


def _markers(flow: FlowLine) -> str:
    markers = 'marker-end="url(#arrow-end)"'
    if flow.bidirectional:
        markers += ' marker-start="url(#arrow-start)"'
    if flow.feed:
        markers += ' stroke-dasharray="5 4"'
    return markers


def _caption(flow: FlowLine, text_open: str) -> str:
    if flow.feed:
        return ""
    return (
        f'{text_open}paint-order="stroke" stroke="#ffffff" stroke-width="3">'
        f"{escape(_short(flow.label))}</text>"
    )


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _lane_path(flow: FlowLine, source, target, lane_y: float) -> str:
    """Columns that are not neighbours: down to a lane under the columns, across, up."""
    sx, _sy, _ = source
    tx, _ty, _ = target
    x1, x2 = sx + SYSTEM_WIDTH / 2, tx + SYSTEM_WIDTH / 2
    d = f"M{x1},{source[1] + SYSTEM_HEIGHT / 2} L{x1},{lane_y} L{x2},{lane_y} L{x2},{target[1] + SYSTEM_HEIGHT / 2}"
    label = escape(flow.label)
    text = f'<text x="{(x1 + x2) / 2}" y="{lane_y - 4}" text-anchor="middle" font-size="10" fill="#495057" '
    return (
        f'<path d="{d}" fill="none" stroke="#495057" stroke-width="1.6" {_markers(flow)}>'
        f"<title>{label}</title></path>{_caption(flow, text)}"
    )


def _flow_path(flow: FlowLine, source, target, number: int, offset: float = 0) -> str:
    sx, sy, scol = source
    tx, ty, tcol = target
    sy, ty = sy + offset, ty + offset
    label = escape(flow.label)
    if scol == tcol:
        # Same organisation: bow out to the right of the column, label beside the bow.
        x = sx + SYSTEM_WIDTH
        bow = x + 30 + (number % 3) * 8
        d = f"M{x},{sy} C{bow},{sy} {bow},{ty} {x},{ty}"
        text = f'<text x="{bow - 2}" y="{(sy + ty) / 2 + 4}" text-anchor="start" font-size="10" fill="#495057" '
    else:
        x1, x2 = (sx + SYSTEM_WIDTH, tx) if scol < tcol else (sx, tx + SYSTEM_WIDTH)
        mid = (x1 + x2) / 2
        d = f"M{x1},{sy} C{mid},{sy} {mid},{ty} {x2},{ty}"
        above = offset <= 0
        ly = (sy + ty) / 2 + (-5 if above else 13)
        text = f'<text x="{mid}" y="{ly}" text-anchor="middle" font-size="10" fill="#495057" '
    return (
        f'<path d="{d}" fill="none" stroke="#495057" stroke-width="1.6" {_markers(flow)}><title>{label}</title></path>'
        f"{_caption(flow, text)}"
    )


def _layer_label(layer: str) -> str:
    return {
        "customer": "Customer",
        "integrator": "Service integrator",
        "customer+integrator": "Customer · internal integrator",
        "provider": "Service provider",
    }.get(layer, layer)


def _describe(parties, systems, flows) -> str:
    names = {s.id: s.name for s in systems}
    parts = [f"{p.name} ({_layer_label(p.layer)})" for p in parties]
    links = [
        f"{names.get(f.source_id, '?')} {'<->' if f.bidirectional else '->'} {names.get(f.target_id, '?')}"
        for f in flows
    ]
    return "Parties: " + ", ".join(parts) + ". Flows: " + ("; ".join(links) or "none") + "."


def ecosystem_diagram(ecosystem, provider_organisations, systems, flows) -> str:
    """Adapter from model instances (already loaded) to the pure renderer."""
    parties = []
    if ecosystem.customer_id == ecosystem.integrator_id:
        parties.append(Party(ecosystem.customer_id, ecosystem.customer.name, "customer+integrator"))
    else:
        parties.append(Party(ecosystem.customer_id, ecosystem.customer.name, "customer"))
        parties.append(Party(ecosystem.integrator_id, ecosystem.integrator.name, "integrator"))
    seen = {p.id for p in parties}
    for org in provider_organisations:
        if org.pk not in seen:
            parties.append(Party(org.pk, org.name, "provider"))
            seen.add(org.pk)
    boxes = [
        SystemBox(s.pk, s.organisation_id, s.name, f"{s.get_kind_display()} · {s.entity_name}")
        for s in systems
    ]
    hubs = {s.pk for s in systems if s.kind == SystemKindChoices.SIAM}
    lines = [
        FlowLine(f.source_id, f.target_id, f.is_bidirectional, f.name, f.target_id in hubs)
        for f in flows
    ]
    return render_diagram(
        parties, boxes, lines, title=f"Who is connected to whom in {ecosystem.name}"
    )
