"""One definition per figure, checked on the demo: every count on a dashboard that links
to a list equals the number of rows that list shows, for every user and ecosystem."""

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from siam.models import Ecosystem

from .conftest import DEMO_USERS

pytestmark = pytest.mark.django_db

COUNTED = re.compile(
    r'<a[^>]*href="([^"]+)"[^>]*data-count="(\d+)"|<a[^>]*data-count="(\d+)"[^>]*href="([^"]+)"'
)
LIST_TOTAL = re.compile(r'<h2 class="card-title">(\d+) ')


def counted_links(html: str) -> list[tuple[str, int]]:
    found = []
    for href, count, count_first, href_second in COUNTED.findall(html):
        found.append((unescape(href or href_second), int(count or count_first)))
    return found


@pytest.mark.parametrize("username", [u for u in DEMO_USERS if u != "admin"])
def test_every_dashboard_count_is_the_count_of_the_list_it_links_to(demo, username):
    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    checked = 0
    for ecosystem in Ecosystem.objects.restrict(user):
        page = client.get(reverse("governance:dashboard", kwargs={"pk": ecosystem.pk}))
        assert page.status_code == 200
        links = counted_links(page.content.decode())
        assert links, "the dashboard shows no linked count"
        for href, count in links:
            listing = client.get(href)
            assert listing.status_code == 200, href
            total = LIST_TOTAL.search(listing.content.decode())
            shown = int(total.group(1)) if total else 0
            assert shown == count, f"{username}: {href} says {count}, the list shows {shown}"
            checked += 1
    assert checked >= 5
