"""Every page says what it is in one heading: screen-reader users jump to the ``h1``
first, and an empty one (the login page had one) reads as a page with no title."""

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from .crawling import crawl

H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
TAG = re.compile(r"<[^>]+>")


def headings(html: str) -> list[str]:
    return [" ".join(unescape(TAG.sub(" ", h)).split()) for h in H1.findall(html)]


def test_headings_reads_the_text_of_each_h1():
    page = '<h1 class="x">Alpha <span>&mdash; dashboard</span></h1><p>x</p><h1></h1>'
    assert headings(page) == ["Alpha — dashboard", ""]


@pytest.mark.django_db
def test_every_page_has_one_heading_with_words(demo):
    client = Client()
    client.force_login(get_user_model().objects.get(username="john"))
    wrong = {}

    def check(url, response):
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            return
        if response.headers.get("HX-Request") or not response.content.lstrip().startswith(b"<"):
            return
        found = headings(response.content.decode())
        if len(found) != 1 or not found[0]:
            wrong[url] = found

    _, answers, _ = crawl(client, visits_per_route=1, max_requests=250, on_response=check)
    assert answers[200] > 100  # the crawl really went through the app
    assert not wrong, wrong
    anonymous = Client().get("/login/").content.decode()
    assert headings(anonymous) == ["Log in to SIAM governance"]
