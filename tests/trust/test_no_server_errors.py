"""No page reachable from the menu answers 5xx, for any demo user, with odd input too.

A crawler starts at the menu, follows every link on every page it gets (GET only),
and visits a bounded number of URLs per route, so a new page is covered without
anyone listing it. Each list page is also asked for its exports and with a nonsense
value in every filter, sort and page parameter.
"""

from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.signals import got_request_exception
from django.test import Client

from .conftest import DEMO_USERS
from .crawling import crawl

VISITS_PER_ROUTE = 2
MAX_REQUESTS = 900
ODD_VALUE = "zz'\"<x>%00"


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

    failures, answers, list_pages = crawl(
        client, visits_per_route=VISITS_PER_ROUTE, max_requests=MAX_REQUESTS
    )
    for url in odd_requests(list_pages):
        response = client.get(url)
        answers[response.status_code] += 1
        if response.status_code >= 500:
            failures.append((url, response.status_code))

    assert sum(answers.values()) > 60, answers  # the crawl really went through the app
    assert len(list_pages) >= 10, list_pages
    request_finished_cleanup()
    assert not failures, (failures, errors)
