"""The browser half of scripts/smoke-production: Debian's Chromium against gunicorn.

    .venv/bin/python scripts/smoke_browser.py http://127.0.0.1:8000

Logs in as a demo user and looks at what only a production build can break: the
hashed static files (names, content types, the CSS actually applied), pages that
hit the database, and the error page. Prints each check as it passes; exits 1 at
the first that fails.
"""

import os
import re
import sys

from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("SIAM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
USERNAME, PASSWORD = "john", "siam-demo-2026"
# ManifestStaticFilesStorage inserts a 12-hex-digit hash before the extension.
TABLER_CSS = re.compile(r"/static/vendor/tabler/tabler\.min\.[0-9a-f]{12}\.css$")
TRANSPARENT = ("rgba(0, 0, 0, 0)", "transparent")


def check(label: str, ok: bool, detail: object = "") -> None:
    if not ok:
        print(f"FAIL  {label}: {detail}", flush=True)
        sys.exit(1)
    print(f"ok    {label}", flush=True)


def main(base: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        static = []  # every static file answer, from whichever page asked for it
        page.on("response", lambda r: static.append(r) if "/static/" in r.url else None)
        problems = []
        page.on("pageerror", lambda exc: problems.append(str(exc)))

        def on_console(message):
            # The 404 page's own status is logged as a console error; it is expected.
            if message.type == "error" and "status of 404" not in message.text:
                problems.append(message.text)

        page.on("console", on_console)

        _log_in(page, base)
        _check_assets(page, static)
        navbar = page.eval_on_selector(
            "header.navbar", "el => getComputedStyle(el).backgroundColor"
        )
        check(f"the navbar is painted ({navbar})", navbar not in TRANSPARENT, navbar)
        font = page.evaluate("getComputedStyle(document.body).fontFamily")
        check("the body font is Inter", "Inter" in font, font)

        for path in ("/slas/incidents/", "/governance/"):
            response = page.goto(path)
            check(f"GET {path} is 200", response.status == 200, response.status)

        response = page.goto("/no-such-page/")
        check("GET /no-such-page/ is 404", response.status == 404, response.status)
        check(
            'the 404 page says "This page does not exist"',
            "This page does not exist" in page.content(),
            page.content()[:500],
        )
        check("no script or CSP errors in the browser", not problems, problems)
        browser.close()


def _log_in(page, base: str) -> None:
    response = page.goto("/login/")
    check("GET /login/ is 200", response.status == 200, response.status)
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Log in").click()
    response = navigation.value
    check(
        f"logged in as {USERNAME}, landed on the home page",
        page.url == f"{base}/",
        page.url,
    )
    check("home page is 200", response.status == 200, response.status)
    check(
        "home page lists the demo ecosystems",
        page.locator(".card-title").count() > 0,
        page.content()[:500],
    )


def _check_assets(page, static: list) -> None:
    """The hashed stylesheet and every static file the home page asked for."""
    href = page.eval_on_selector('link[href*="tabler.min"]', "link => link.href")
    check(f"home page links the hashed stylesheet {href}", TABLER_CSS.search(href), href)
    served = [r for r in static if r.url == href]
    check("the stylesheet was fetched", served, [r.url for r in static])
    css = served[0]
    check("the stylesheet answered 200", css.status == 200, css.status)
    content_type = css.headers.get("content-type", "")
    check(f"the stylesheet is {content_type}", content_type.startswith("text/css"), content_type)
    failed = [f"{r.status} {r.url}" for r in static if r.status != 200]
    check(f"all {len(static)} static files answered 200", not failed, failed)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} BASE_URL")
    main(sys.argv[1].rstrip("/"))
