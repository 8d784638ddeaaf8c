"""Keyset pages: every row once, in the list's order, at the same cost at any depth."""

import random
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from core import keyset
from core.keyset import InvalidCursor, Keyset, count_up_to
from slas.models import Incident

ROWS = 53
START = datetime(2022, 1, 1, tzinfo=UTC)


@pytest.fixture
def incidents(world):
    """Rows with ties (several share an opening time, a title and a status) and NULL
    deadlines, which is what real lists are full of."""
    chance = random.Random(7)
    rows = []
    for number in range(ROWS):
        due = None if chance.random() < 0.4 else START + timedelta(hours=chance.randrange(6))
        rows.append(
            Incident(
                ecosystem=world.a,
                reference=f"INC-{number:06d}",
                title=chance.choice(["Checkout fails", "Slow search", "Login loops"]),
                service=world.service,
                impact="High",
                urgency="High",
                priority=chance.choice(["P1", "P2", "P3"]),
                status=chance.choice(["new", "in_progress", "closed"]),
                opened_at=START - timedelta(days=chance.randrange(4)),
                next_due_at=due,
                sla_state="running" if due else "",
            )
        )
    Incident.objects.bulk_create(rows)
    return Incident.objects.filter(ecosystem=world.a)


ORDERINGS = {
    "by due, soonest first, the rest newest first": (
        F("next_due_at").asc(nulls_last=True),
        "-opened_at",
    ),
    "by due, latest first": (F("next_due_at").desc(nulls_last=True), "-opened_at"),
    "by due with the database's own NULL placement": ("next_due_at",),
    "by due descending, NULLs first": ("-next_due_at",),
    "by title": ("title",),
    "by status then priority, descending": ("-status", "-priority"),
    "the model's default": (),
}


def walk(queryset, size, backwards_from_end=False):
    rows_seen, token = [], None
    ks = Keyset.of(queryset)
    while True:
        rows, more = ks.page(queryset, size, token)
        rows_seen += rows
        if not more:
            return rows_seen
        token = ks.cursor(rows[-1])


@pytest.mark.parametrize("name", sorted(ORDERINGS))
@pytest.mark.parametrize("size", [1, 7, 25])
def test_walking_the_pages_gives_every_row_once_in_the_lists_order(incidents, name, size):
    ordered = incidents.order_by(*ORDERINGS[name]) if ORDERINGS[name] else incidents
    ks = Keyset.of(ordered)
    expected = list(ks.ordered(ordered).values_list("pk", flat=True))
    assert len(expected) == ROWS
    assert [row.pk for row in walk(ordered, size)] == expected


@pytest.mark.parametrize("name", sorted(ORDERINGS))
def test_walking_back_from_any_page_gives_the_pages_before_it(incidents, name):
    ordered = incidents.order_by(*ORDERINGS[name]) if ORDERINGS[name] else incidents
    ks = Keyset.of(ordered)
    expected = list(ks.ordered(ordered).values_list("pk", flat=True))
    # The page that starts at row 30 ends, going back, at row 29.
    pivot = Incident.objects.get(pk=expected[30])
    rows, more = ks.page(ordered, 10, ks.cursor(pivot), backwards=True)
    assert [row.pk for row in rows] == expected[20:30]
    assert more
    rows, more = ks.page(ordered, 40, ks.cursor(pivot), backwards=True)
    assert [row.pk for row in rows] == expected[:30]
    assert not more


def test_a_row_added_between_two_page_views_is_not_shown_twice(incidents, world):
    ordered = incidents.order_by("-opened_at")
    ks = Keyset.of(ordered)
    first, _ = ks.page(ordered, 10, None)
    Incident.objects.create(
        ecosystem=world.a,
        reference="INC-NEW",
        title="New",
        service=world.service,
        impact="High",
        urgency="High",
        priority="P1",
        opened_at=START + timedelta(days=30),
    )
    second, _ = ks.page(ordered, 10, ks.cursor(first[-1]))
    assert not {row.pk for row in first} & {row.pk for row in second}
    assert second[0].pk == list(ks.ordered(ordered).values_list("pk", flat=True))[10 + 1]


def test_orderings_a_cursor_cannot_follow_are_refused():
    assert Keyset.of(Incident.objects.order_by("service__name")) is None
    assert Keyset.of(Incident.objects.order_by("holder")) is None
    assert Keyset.of(Incident.objects.order_by("?")) is None
    assert Keyset.of(Incident.objects.order_by("holder_id")) is not None


@pytest.mark.parametrize(
    "token",
    ["", "garbage", "e30", "W1tdLFtdXQ", "W1siaWQiXSxbIm5vdCBhIG51bWJlciJdXQ"],
)
def test_a_cursor_not_made_by_this_ordering_is_invalid(db, token):
    ks = Keyset.of(Incident.objects.order_by("-opened_at"))
    with pytest.raises(InvalidCursor):
        ks.decode(token)


def test_a_cursor_from_another_ordering_is_invalid(incidents):
    row = incidents.first()
    by_title = Keyset.of(incidents.order_by("title"))
    with pytest.raises(InvalidCursor):
        Keyset.of(incidents.order_by("-opened_at")).decode(by_title.cursor(row))


def test_counting_stops_at_its_bound(incidents):
    assert count_up_to(incidents) == (ROWS, True)
    assert count_up_to(incidents, limit=20) == (20, False)
    assert count_up_to(incidents, limit=ROWS) == (ROWS, True)


# --- the list page ------------------------------------------------------------------------


def next_link(html):
    match = re.search(r'rel="next" href="([^"]+)"', html)
    return unescape(match.group(1)) if match else None


def test_the_incident_list_pages_by_cursor_with_the_same_queries_at_any_depth(
    incidents, world, client_for
):
    client = client_for(world.integrator_admin)
    url = "/slas/incidents/"
    client.get(url)  # the first request of a session also reads what later ones keep
    with CaptureQueriesContext(connection) as first_page:
        response = client.get(url, {"sort": "next_due_at"})
    seen = re.findall(r'href="/slas/incidents/(\d+)/"', response.content.decode())
    link = next_link(response.content.decode())
    assert "after=" in link and "page=" not in link
    depth = 0
    while link:
        with CaptureQueriesContext(connection) as page:
            response = client.get(url + link)
        assert response.status_code == 200
        assert len(page) == len(first_page)
        html = response.content.decode()
        seen += re.findall(r'href="/slas/incidents/(\d+)/"', html)
        link = next_link(html)
        depth += 1
    assert depth == 2
    expected = Keyset.of(
        incidents.order_by(F("next_due_at").asc(nulls_last=True), "-opened_at", "-pk")
    )
    ordered = expected.ordered(incidents).values_list("pk", flat=True)
    assert [int(pk) for pk in dict.fromkeys(seen)] == list(ordered)
    assert "Previous" in html and 'rel="prev" href="?' in html


def test_the_list_says_plus_when_it_stopped_counting(incidents, world, client_for, monkeypatch):
    monkeypatch.setattr(keyset, "COUNT_LIMIT", 20)
    response = client_for(world.integrator_admin).get("/slas/incidents/")
    assert "20+ incidents" in response.content.decode()


@pytest.mark.parametrize("value", ["garbage", "W1siaWQiXSxbMV1d", "%00", "x" * 5000])
def test_an_edited_cursor_shows_the_first_page(incidents, world, client_for, value):
    client = client_for(world.integrator_admin)
    response = client.get("/slas/incidents/", {"after": value})
    assert response.status_code == 200
    assert response.content.decode().count('href="/slas/incidents/') >= 25


def test_an_old_numbered_link_still_opens_its_page(incidents, world, client_for):
    response = client_for(world.integrator_admin).get("/slas/incidents/", {"page": 2})
    assert response.status_code == 200
    assert "Page 2" in response.content.decode()


# --- the API ------------------------------------------------------------------------------


def test_the_api_pages_by_cursor_and_keeps_offsets_for_old_clients(
    incidents, world, api_client_for
):
    client = api_client_for(world.integrator_admin)
    body = client.get("/api/slas/incidents/", {"limit": 20}).json()
    assert body["count"] == ROWS and body["count_is_exact"] is True
    assert "cursor=n." in body["next"] and body["previous"] is None
    seen = [row["id"] for row in body["results"]]
    pages = 1
    while body["next"]:
        body = client.get(body["next"]).json()
        seen += [row["id"] for row in body["results"]]
        pages += 1
    assert pages == 3
    assert seen == list(incidents.order_by("-opened_at", "-pk").values_list("pk", flat=True))
    back = client.get(body["previous"]).json()
    assert [row["id"] for row in back["results"]] == seen[20:40]

    by_offset = client.get("/api/slas/incidents/", {"limit": 20, "offset": 40}).json()
    assert [row["id"] for row in by_offset["results"]] == seen[40:]
    assert "count_is_exact" not in by_offset


@pytest.mark.parametrize("value", ["garbage", "n.garbage", "p.e30", "n." + "A" * 3000])
def test_the_api_answers_400_to_an_edited_cursor(incidents, world, api_client_for, value):
    response = api_client_for(world.integrator_admin).get("/api/slas/incidents/", {"cursor": value})
    assert response.status_code == 400
    assert "cursor" in response.json()


def test_the_api_count_stops_at_its_bound(incidents, world, api_client_for, monkeypatch):
    monkeypatch.setattr(keyset, "COUNT_LIMIT", 20)
    body = api_client_for(world.integrator_admin).get("/api/slas/incidents/").json()
    assert body["count"] == 20 and body["count_is_exact"] is False


# --- deep numbered pages: keys first ---------------------------------------------------


@pytest.mark.parametrize("name", sorted(ORDERINGS))
@pytest.mark.parametrize("start", [0, 5, 30, 50, 60])
def test_a_deep_offset_page_has_the_rows_of_the_plain_slice(incidents, name, start, monkeypatch):
    monkeypatch.setattr(keyset, "DEEP_OFFSET", 5)
    ordered = Keyset.of(incidents.order_by(*ORDERINGS[name])).ordered(
        incidents.order_by(*ORDERINGS[name])
    )
    expected = [row.pk for row in ordered[start : start + 10]]
    with CaptureQueriesContext(connection) as queries:
        rows = keyset.offset_rows(ordered.select_related("service"), start, start + 10)
    assert [row.pk for row in rows] == expected
    assert all(row.service.name for row in rows)  # joined in the page's own query
    assert len(queries) == (1 if start < 5 or not expected else 2)


def test_deep_numbered_pages_of_the_list_and_the_api_read_keys_first(
    incidents, world, client_for, api_client_for, monkeypatch
):
    monkeypatch.setattr(keyset, "DEEP_OFFSET", 10)
    everything = list(incidents.order_by("-opened_at", "-pk").values_list("pk", flat=True))
    body = (
        api_client_for(world.integrator_admin)
        .get("/api/slas/incidents/", {"limit": 20, "offset": 20})
        .json()
    )
    assert [row["id"] for row in body["results"]] == everything[20:40]
    assert body["count"] == ROWS
    response = client_for(world.integrator_admin).get("/slas/incidents/", {"page": 2})
    page = response.content.decode()
    assert response.status_code == 200 and "Page 2" in page
    shown = [r for r in Incident.objects.filter(pk__in=everything) if f">{r.reference}<" in page]
    assert len(shown) == len(everything[25:50])
