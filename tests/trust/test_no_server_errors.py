"""No page reachable from the menu answers 5xx, for any demo user, with odd input too.

A crawler starts at the menu, follows every link on every page it gets (GET only),
and visits a bounded number of URLs per route, so a new page is covered without
anyone listing it. Each list page is also asked for its exports and with a nonsense
value in every filter, sort and page parameter.
"""

import re
from collections import Counter, deque
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import Resolver404, resolve

from .conftest import DEMO_USERS

HREF = re.compile(r'href="(/[^"#]*)')
# Logging out ends the crawl's session; the admin and the API have suites of their own.
SKIPPED_PREFIXES = ("/logout/", "/admin/", "/api/", "/static/", "/media/", "/integrations/hooks/")
VISITS_PER_ROUTE = 2
MAX_REQUESTS = 900
ODD_VALUE = "zz'\"<x>%00"


def route_of(path: str):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client: Client):
    """Every reachable page, at most VISITS_PER_ROUTE per (route, query keys)."""
    queue = deque(["/"])
    seen_urls, per_route = set(), Counter()
    failures, answers = [], Counter()
    list_pages = {}
    while queue and sum(answers.values()) < MAX_REQUESTS:
        url = queue.popleft()
        parts = urlsplit(url)
        route = route_of(parts.path)
        if route is None:
            continue
        key = (route, tuple(sorted(k for k, _ in parse_qsl(parts.query))))
        if per_route[key] >= VISITS_PER_ROUTE:
            continue
        per_route[key] += 1
        response = client.get(url)
        answers[response.status_code] += 1
        if response.status_code >= 500:
            failures.append((url, response.status_code))
            continue
        context = response.context
        if context is not None and "filter_form" in context and not parts.query:
            list_pages[url] = list(context["filter_form"].fields)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode(errors="replace")):
            href = unescape(href)
            if href.startswith(SKIPPED_PREFIXES) or href in seen_urls:
                continue
            seen_urls.add(href)
            queue.append(href)
    return failures, answers, list_pages


def odd_requests(list_pages):
    for url, fields in list_pages.items():
        for export in ("csv", "xlsx", "json", "zzz"):
            yield f"{url}?_export={export}"
        odd = {name: ODD_VALUE for name in fields}
        odd.update(sort="-zz_not_a_column", page="abc", per_page="-1")
        yield f"{url}?{urlencode(odd)}"
        yield f"{url}?page=999999"
        for name in fields:
            yield f"{url}?{urlencode({name: '9' * 30})}"


@pytest.mark.django_db
@pytest.mark.parametrize("username", DEMO_USERS)
def test_no_page_answers_a_server_error(demo, username):
    # Answers are collected (and their exceptions named) rather than raised one by one.
    client = Client(raise_request_exception=False)
    errors = []

    def remember(sender, request, **kwargs):
        import sys

        errors.append(f"{request.get_full_path()}: {sys.exc_info()[1]!r}")

    got_request_exception.connect(remember)
    request_finished_cleanup = lambda: got_request_exception.disconnect(remember)  # noqa: E731
    client.force_login(get_user_model().objects.get(username=username))

    failures, answers, list_pages = crawl(client)
    for url in odd_requests(list_pages):
        response = client.get(url)
        answers[response.status_code] += 1
        if response.status_code >= 500:
            failures.append((url, response.status_code))

    assert sum(answers.values()) > 60, answers  # the crawl really went through the app
    assert len(list_pages) >= 10, list_pages
    request_finished_cleanup()
    assert not failures, (failures, errors)
