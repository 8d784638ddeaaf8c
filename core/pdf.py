"""Render a template to PDF with WeasyPrint, offline.

Static files (CSS, fonts, logos) are read from disk: templates refer to them with
``{% pdf_static "path" %}`` (a ``file:`` URL found through the staticfiles finders)
and the fetcher refuses anything else — reports render the same behind a firewall,
in a Celery worker with no web server, and in tests, and a report can never be made
to fetch a URL.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def static_file_url(path: str) -> str:
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(f"No static file {path!r}")
    return Path(found).resolve().as_uri()


def _allowed_roots() -> list[Path]:
    roots = []
    for finder in finders.get_finders():
        for _, storage in finder.list([]):
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location).resolve())
    return roots


def _fetcher():
    from weasyprint import URLFetcher

    roots = _allowed_roots()

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            path = Path(unquote(parsed.path)).resolve() if parsed.scheme == "file" else None
            if path is None or not any(path.is_relative_to(root) for root in roots):
                raise ValueError(f"PDF rendering does not fetch {url!r}")
            return super().fetch(url, headers)

    return StaticOnlyFetcher(allowed_protocols=("file", "data"))


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # heavy import, only where PDFs are made

    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=_fetcher()).write_pdf()
