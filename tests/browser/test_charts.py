"""Charts in the browser: vega-embed draws them from our own static files, under the CSP.

The page and the htmx fragment come from core/tests/chart_urls.py (test-only URLs).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, expect

from .test_accessibility import assert_no_violations

pytestmark = pytest.mark.urls("core.tests.chart_urls")

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


class Watch:
    """Everything the page asks of the network and says on the console."""

    def __init__(self, page: Page) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", self._request)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def _request(self, request: Request) -> None:
        self.requests.append(request.url)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in {"error", "warning"}:
            self.errors.append(f"{message.type}: {message.text}")

    def foreign_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme != "data" and urlsplit(url).hostname not in LOCAL_HOSTS
        ]


def test_chart_is_drawn_by_our_own_vega_under_the_csp(page: Page, live_server, transactional_db):
    watch = Watch(page)
    response = page.goto(f"{live_server.url}/diagramme/")
    assert response is not None and response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]

    figure = page.locator("figure#people-chart")
    view = figure.locator('[role="img"]')
    expect(view).to_have_attribute("data-chart-drawn", "done")
    expect(view).to_be_visible()
    expect(view.locator("svg")).to_have_count(1)
    # The axis title and German numbers are drawn as text into the SVG.
    expect(view.locator("svg text", has_text="Erreichte Personen")).to_have_count(1)
    expect(view.locator("svg text", has_text="1.600")).to_have_count(1)
    # Sized to its container: as wide as the figure, not Vega's default.
    svg_width = view.locator("svg").evaluate("svg => svg.getBoundingClientRect().width")
    assert svg_width > 400
    # The table stays, closed, for whoever wants the numbers.
    details = figure.locator("details")
    expect(details).not_to_have_attribute("open", "")
    details.locator("summary").click()
    expect(details.locator("tbody tr")).to_have_count(4)

    vendored = [url for url in watch.requests if "/static/vendor/vega/" in url]
    assert len(vendored) == 3, watch.requests
    assert watch.foreign_requests() == []
    assert watch.errors == []
    assert_no_violations(page)


def test_chart_swapped_in_by_htmx_is_drawn(page: Page, live_server, transactional_db):
    watch = Watch(page)
    page.goto(f"{live_server.url}/diagramme/")
    expect(page.locator("#people-chart [role=img]")).to_have_attribute("data-chart-drawn", "done")
    page.get_by_role("button", name="Weiteres Diagramm laden").click()
    view = page.locator("#more-charts figure#courses-chart [role=img]")
    expect(view).to_have_attribute("data-chart-drawn", "done")
    expect(view.locator("svg text", has_text="Hemmingen")).to_have_count(1)
    expect(page.locator("#courses-chart details")).not_to_have_attribute("open", "")
    assert watch.foreign_requests() == []
    assert watch.errors == []
    assert_no_violations(page)


def test_without_javascript_the_table_is_the_chart(new_context, live_server, transactional_db):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"{live_server.url}/diagramme/")
    figure = page.locator("figure#people-chart")
    expect(figure.locator("figcaption")).to_have_text("Erreichte Personen je Jahr")
    expect(figure.locator('[role="img"]')).to_be_hidden()
    expect(figure.locator("details")).to_have_attribute("open", "")
    expect(figure.locator("table tbody tr")).to_have_count(4)
    expect(figure.locator("table tbody tr").last).to_contain_text("1610")
