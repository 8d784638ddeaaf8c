"""Playwright driving Debian's Chromium (never a downloaded browser build)."""

import os

import pytest

CHROMIUM = os.environ.get("SIAM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# Playwright's sync API runs an event loop in this thread; the Django ORM calls the
# tests make alongside it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make test` (it installs it) or set SIAM_CHROMIUM."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def on_console(msg):
        # A form re-rendered with its errors answers 422 on purpose; anything else
        # (a script error, a refused resource under the CSP) fails the test.
        if msg.type == "error" and "status of 422" not in msg.text:
            errors.append(msg.text)

    page.on("console", on_console)
    yield page
    context.close()
    assert not errors, f"JavaScript or CSP errors in the browser: {errors}"


@pytest.fixture
def login(page):
    def do_login(username, password="secret-pass-123"):
        page.goto("/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/")

    return do_login
