"""Fixtures of the browser tests: one headless Chromium, a fresh page per test, the demo live."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in the test thread; the test
# still talks to the database synchronously, which Django would otherwise refuse.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright  # noqa: E402

CHROMIUM = os.environ.get("TEILHABE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "correct horse battery staple"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in this folder drives the browser."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator:
    """Open further isolated contexts (another visitor, JavaScript off); all closed afterwards."""
    contexts: list[BrowserContext] = []

    def make(**options: object) -> BrowserContext:
        options.setdefault("locale", "de-DE")
        options.setdefault("timezone_id", "Europe/Berlin")
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context) -> Page:
    return new_context().new_page()


@pytest.fixture
def live_demo(live_server, transactional_db):
    """The Region Hannover demo in the live server's database: ``(base_url, demo)``."""
    from council.demo import load_demo

    return live_server.url, load_demo()


@pytest.fixture
def live_plan_demo(live_demo):
    """The demo with its integration plan: ``(base_url, demo, plan_demo)``."""
    from plan.demo import load_plan_demo

    base, demo = live_demo
    return base, demo, load_plan_demo(demo)


@pytest.fixture
def make_live_user(transactional_db):
    """Create an active user with roles, e.g. ``make_live_user(Role.COUNCIL_OFFICE)``."""
    from core import services

    counter = {"n": 0}

    def make(*roles, email: str | None = None, name: str = ""):
        counter["n"] += 1
        return services.user_create(
            email=email or f"browser{counter['n']}@example.org",
            password=PASSWORD,
            name=name or f"Browser User {counter['n']}",
            roles=roles,
        )

    return make


def login(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the form at /anmelden/ and wait until the site answers signed in."""
    page.goto(f"{base}/anmelden/")
    form = page.locator("main form")
    form.locator('input[name="username"]').fill(email)
    form.locator('input[name="password"]').fill(password)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    # The header offers signing out only to a signed-in user.
    page.locator('header form[action$="/abmelden/"]').wait_for()
