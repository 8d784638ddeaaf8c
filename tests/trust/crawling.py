"""Walk the app as a user would: from the menu, following every link (GET only).

Shared by the server-error crawl and the access crawl, so both reach every page a
new feature adds without anyone listing it.
"""

import re
from collections import Counter, deque
from collections.abc import Callable
from html import unescape
from urllib.parse import parse_qsl, urlsplit

from django.urls import Resolver404, resolve

HREF = re.compile(r'href="(/[^"#]*)')
# Logging out ends the crawl's session; the admin and the API have suites of their own.
SKIPPED_PREFIXES = ("/logout/", "/admin/", "/api/", "/static/", "/media/", "/integrations/hooks/")


def route_of(path: str):
    try:
        return resolve(path)
    except Resolver404:
        return None


def links_of(response) -> list[str]:
    if "text/html" not in response.get("Content-Type", ""):
        return []
    return [unescape(h) for h in HREF.findall(response.content.decode(errors="replace"))]


def crawl(
    client,
    *,
    visits_per_route: int,
    max_requests: int,
    on_response: Callable[[str, object], None] | None = None,
):
    """Every reachable page, at most ``visits_per_route`` per (route, query keys).

    Returns the 5xx answers, the count of answers by status, and the list pages found
    (URL -> names of their filter fields).
    """
    queue = deque(["/"])
    seen_urls, per_route = set(), Counter()
    failures, answers = [], Counter()
    list_pages = {}
    while queue and sum(answers.values()) < max_requests:
        url = queue.popleft()
        parts = urlsplit(url)
        match = route_of(parts.path)
        if match is None:
            continue
        key = (match.view_name, tuple(sorted(k for k, _ in parse_qsl(parts.query))))
        if per_route[key] >= visits_per_route:
            continue
        per_route[key] += 1
        response = client.get(url)
        answers[response.status_code] += 1
        if response.status_code >= 500:
            failures.append((url, response.status_code))
            continue
        if on_response is not None:
            on_response(url, response)
        context = response.context
        if context is not None and "filter_form" in context and not parts.query:
            list_pages[url] = list(context["filter_form"].fields)
        for href in links_of(response):
            if href.startswith(SKIPPED_PREFIXES) or href in seen_urls:
                continue
            seen_urls.add(href)
            queue.append(href)
    return failures, answers, list_pages
