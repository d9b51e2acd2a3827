"""axe-core finds no violation on any public page (WCAG 2.1 AA and axe's best practices)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from core.roles import Role

from .conftest import login

AXE = Axe()


def _council(demo: Any):
    return demo.committees["Regionsversammlung"]


def _council_meeting(demo: Any):
    return next(m for m in demo.meetings if _council(demo) in m.organizations.all())


def _person(demo: Any):
    return _council(demo).memberships.select_related("person").order_by("pk").first().person


class Case(NamedTuple):
    id: str
    address: Callable[[Any], str]  # built from the demo
    status: int = 200
    shows_errors: bool = False


PAGES = [
    Case("home", lambda demo: "/"),
    Case("paper-list", lambda demo: "/drucksachen/"),
    Case("paper-list-search", lambda demo: "/drucksachen/?q=Integrationsplan"),
    Case("paper-list-no-result", lambda demo: "/drucksachen/?q=Kindertagesst%C3%A4tte"),
    Case(
        "paper-list-bad-filter",
        lambda demo: "/drucksachen/?date_from=2024-13-45&date_to=gestern&organization=999999",
        shows_errors=True,
    ),
    Case("paper-seed", lambda demo: f"/drucksachen/{demo.seed_paper.pk}/"),
    Case("meeting-list", lambda demo: "/sitzungen/"),
    Case("meeting-list-bad-filter", lambda demo: "/sitzungen/?year=abc", shows_errors=True),
    Case("meeting", lambda demo: f"/sitzungen/{_council_meeting(demo).pk}/"),
    Case("organization-list", lambda demo: "/gremien/"),
    Case("organization", lambda demo: f"/gremien/{_council(demo).pk}/"),
    Case("person", lambda demo: f"/personen/{_person(demo).pk}/"),
    Case("login", lambda demo: "/anmelden/"),
    Case("password-reset", lambda demo: "/passwort/vergessen/"),
    Case("not-found", lambda demo: "/drucksachen/999999/", status=404),
]


def describe(violations: list[dict[str, Any]]) -> str:
    """Each violation with its rule, impact, help and the elements it was found on."""
    lines = []
    for violation in violations:
        rule, impact = violation["id"], violation["impact"]
        lines.append(f"[{impact}] {rule}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n         ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def assert_no_violations(page: Page) -> None:
    results = AXE.run(page)
    violations = results.response["violations"]
    if violations:
        report = describe(violations)
        print(f"\naxe-core on {page.url}:\n{report}")
        pytest.fail(f"{len(violations)} axe-core violation(s) on {page.url}:\n{report}")


@pytest.mark.parametrize("case", PAGES, ids=[case.id for case in PAGES])
def test_public_page_has_no_axe_violations(page: Page, live_demo, case: Case):
    base, demo = live_demo
    response = page.goto(f"{base}{case.address(demo)}")
    assert response is not None and response.status == case.status
    errors = page.locator('main [role="alert"]')
    expect(errors).to_have_count(1 if case.shows_errors else 0)
    assert_no_violations(page)


def test_form_errors_have_no_axe_violations(page: Page, live_demo):
    """The sign-in form after a failed attempt shows its errors accessibly."""
    base, _demo = live_demo
    page.goto(f"{base}/anmelden/")
    form = page.locator("main form")
    form.locator('input[name="username"]').fill("nobody@example.org")
    form.locator('input[name="password"]').fill("wrong")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    page.locator('main [role="alert"]').wait_for()
    assert_no_violations(page)


def test_search_results_swapped_in_by_htmx_have_no_axe_violations(page: Page, live_demo):
    base, _demo = live_demo
    page.goto(f"{base}/drucksachen/")
    page.locator('input[name="q"]').fill("Umsetzung")
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.locator('main form button[type="submit"]').click()
    page.locator("#paper-results tbody tr").first.wait_for()
    assert_no_violations(page)


def test_recording_a_vote_has_no_axe_violations(page: Page, live_demo, make_live_user):
    """Not public, but the council office's form has to meet the same standard."""
    from council.models import Consultation

    base, demo = live_demo
    consultation = Consultation.objects.filter(paper=demo.seed_paper).order_by("position").last()
    login(page, base, make_live_user(Role.COUNCIL_OFFICE).email)
    page.goto(f"{base}/drucksachen/{demo.seed_paper.pk}/beratung/{consultation.pk}/abstimmung/")
    assert_no_violations(page)
    page.locator('input[name="votes_yes"]').fill("-1")
    with page.expect_navigation():
        page.locator('main form button[type="submit"]').click()
    page.locator('main [role="alert"]').wait_for()
    assert_no_violations(page)
    page.locator('input[name="votes_yes"]').fill("80")
    page.locator('input[name="result"]').fill("mehrheitlich beschlossen")
    page.locator('input[name="outcome"][value="proposed"]').check()
    with page.expect_navigation():
        page.locator('main form button[type="submit"]').click()
    # Back on the paper: the success message and the row with the vote.
    page.locator('main [role="status"]').wait_for()
    assert_no_violations(page)


def _plan_item(plan_demo: Any, model_name: str) -> str:
    from plan import models

    model = getattr(models, model_name)
    item = model.objects.filter(version=plan_demo.adopted).order_by("position", "pk").first()
    segment = {
        "FieldOfAction": "handlungsfelder",
        "Goal": "ziele",
        "Measure": "massnahmen",
        "Indicator": "indikatoren",
    }[model_name]
    return f"{PLAN}fassungen/{plan_demo.adopted.number}/{segment}/{item.uid}/"


PLAN = "/integrationsplan/region-hannover/"
PLAN_PAGES = [
    Case("plan", lambda p: PLAN),
    Case("plan-versions", lambda p: f"{PLAN}fassungen/"),
    Case("plan-draft-in-consultation", lambda p: f"{PLAN}fassungen/{p.draft.number}/"),
    Case("plan-field", lambda p: _plan_item(p, "FieldOfAction")),
    Case("plan-goal", lambda p: _plan_item(p, "Goal")),
    Case("plan-measure", lambda p: _plan_item(p, "Measure")),
    Case("plan-indicators", lambda p: f"{PLAN}fassungen/{p.adopted.number}/indikatoren/"),
    Case("plan-indicator", lambda p: _plan_item(p, "Indicator")),
    Case(
        "plan-compare",
        lambda p: f"{PLAN}vergleich/?from={p.adopted.number}&to={p.draft.number}",
    ),
    Case("plan-search", lambda p: f"{PLAN}suche/?q=Sprachf%C3%B6rderung"),
    Case("plan-search-no-result", lambda p: f"{PLAN}suche/?q=Raumfahrt"),
    Case("opendata", lambda p: "/opendata/"),
]


@pytest.mark.parametrize("case", PLAN_PAGES, ids=[case.id for case in PLAN_PAGES])
def test_public_plan_page_has_no_axe_violations(page: Page, live_plan_demo, case: Case):
    base, _demo, plan_demo = live_plan_demo
    response = page.goto(f"{base}{case.address(plan_demo)}")
    assert response is not None and response.status == case.status
    expect(page.locator('main [role="alert"]')).to_have_count(1 if case.shows_errors else 0)
    assert_no_violations(page)


def test_plan_workspace_has_no_axe_violations(page: Page, live_plan_demo, make_live_user):
    """Not public, but the editors' workspace and its in-place form meet the same standard."""
    base, _demo, plan_demo = live_plan_demo
    login(page, base, make_live_user(Role.PLAN_EDITOR).email)
    page.goto(f"{base}{PLAN}fassungen/{plan_demo.draft.number}/bearbeiten/")
    assert_no_violations(page)
    page.locator("main [id^=row-] a[hx-get]").first.click()
    page.locator('main [id^=row-] form input[name="title"]').first.wait_for()
    assert_no_violations(page)
