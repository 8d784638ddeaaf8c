"""The ecosystem diagram is a pure function of parties, systems and flows."""

from xml.etree import ElementTree

from siam.diagram import FlowLine, Party, SystemBox, hub_order, render_diagram

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str):
    return ElementTree.fromstring(svg)


def test_integrator_sits_in_the_middle():
    parties = [
        Party(1, "Cust", "customer"),
        Party(2, "Int", "integrator"),
        Party(3, "P1", "provider"),
        Party(4, "P2", "provider"),
    ]
    assert [p.name for p in hub_order(parties)] == ["Cust", "Int", "P1", "P2"]


def test_renders_every_party_system_and_flow_accessibly():
    parties = [Party(1, "Infinity", "customer+integrator"), Party(2, "Mercuri & Co", "provider")]
    systems = [
        SystemBox(10, 1, "Jira", "Jira · issue"),
        SystemBox(11, 2, "Zendesk", "Zendesk · ticket"),
    ]
    flows = [FlowLine(11, 10, False, "Escalations"), FlowLine(10, 11, True, "Status <sync>")]
    root = parse(render_diagram(parties, systems, flows, title="Who is connected"))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert (
        "Infinity" in texts and "Mercuri & Co" in texts and "Jira" in texts and "Zendesk" in texts
    )
    paths = [p for p in root.iter(f"{SVG}path") if p.find(f"{SVG}title") is not None]
    assert [p.find(f"{SVG}title").text for p in paths] == ["Escalations", "Status <sync>"]
    assert "marker-start" not in paths[0].attrib and "marker-start" in paths[1].attrib
    assert root.find(f"{SVG}title").text == "Who is connected"
    assert "Jira <-> Zendesk" in root.find(f"{SVG}desc").text
    # no inline style attributes: the page keeps a strict content security policy
    assert all("style" not in el.attrib for el in root.iter())


def test_distant_columns_are_joined_through_a_lane_below():
    parties = [
        Party(1, "A", "provider"),
        Party(2, "I", "integrator"),
        Party(3, "B", "provider"),
        Party(4, "C", "provider"),
    ]
    systems = [SystemBox(n, n, f"S{n}", "tool") for n in (1, 2, 3, 4)]
    # after hub ordering: A, I, B, C -> A and C are three columns apart
    svg = render_diagram(parties, systems, [FlowLine(1, 4, False, "far")], title="t")
    path = next(p for p in parse(svg).iter(f"{SVG}path") if p.find(f"{SVG}title") is not None)
    assert path.attrib["d"].count("L") == 3  # down, across, up


def test_flows_to_unknown_systems_are_skipped():
    svg = render_diagram(
        [Party(1, "A", "integrator")],
        [SystemBox(1, 1, "S", "t")],
        [FlowLine(1, 99, False, "x")],
        title="t",
    )
    assert "<title>x</title>" not in svg


def test_ticket_feeds_into_the_hub_are_dashed_and_named_in_their_tooltip_only():
    parties = [Party(1, "Infinity", "customer+integrator"), Party(2, "Mercuri", "provider")]
    systems = [
        SystemBox(10, 1, "SIAM hub", "SIAM hub · incident"),
        SystemBox(11, 2, "Zendesk", "Zendesk · ticket"),
    ]
    flows = [
        FlowLine(11, 10, False, "Zendesk → SIAM hub", feed=True),
        FlowLine(10, 11, False, "Breach notifications"),
    ]
    svg = parse(render_diagram(parties, systems, flows, "Diagram"))
    feed, plain = [p for p in svg.iter(f"{SVG}path") if p.find(f"{SVG}title") is not None]
    assert feed.get("stroke-dasharray") and plain.get("stroke-dasharray") is None
    assert feed.find(f"{SVG}title").text == "Zendesk → SIAM hub"
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Breach notifications" in texts and "Zendesk → SIAM hub" not in texts
