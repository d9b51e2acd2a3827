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


# --- the fund -------------------------------------------------------------------------

FUND = "/foerderung/"


class FundSite(NamedTuple):
    """The fund's data for the pages: calls, applications in several states, their users."""

    call: Any  # open
    closed_call: Any
    draft: Any  # complete, with an attachment
    granted: Any  # grant issued, one payment requested (running)
    in_review: Any  # its review is assigned (the reviewer has to declare)
    declared: Any  # its review is declared (the reviewer scores)
    applicant: Any
    officer: Any
    reviewer: Any


@pytest.fixture
def fund_site(live_plan_demo, make_live_user, settings, tmp_path) -> tuple[str, FundSite]:
    import datetime as dt
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from fund import services

    from .test_fund_flows import (
        create_applicant,
        create_draft,
        create_fund,
        create_open_call,
        example_pdf,
    )

    settings.MEDIA_ROOT = tmp_path / "media"
    base, demo, _plan_demo = live_plan_demo
    fund = create_fund(demo)
    call = create_open_call(fund)
    past = timezone.now() - dt.timedelta(days=400)
    closed_call = create_open_call(
        fund,
        year=2024,
        title="Regionsfonds für Vielfalt und Teilhabe 2024",
        opens_at=past,
        deadline=past + dt.timedelta(days=60),
    )
    applicant, organisation = create_applicant(make_live_user)
    officer = make_live_user(Role.FUND_OFFICER)
    reviewer = make_live_user(Role.REVIEWER)

    draft = create_draft(call, organisation, applicant)
    services.attachment_add(
        application=draft,
        upload=SimpleUploadedFile("finanzplan.pdf", example_pdf("Finanzplan"), "application/pdf"),
        description="Kosten- und Finanzierungsplan",
        by=applicant,
    )

    def reviewed(title: str) -> Any:
        application = create_draft(call, organisation, applicant, title=title)
        services.application_transition(application=application, name="submit", by=applicant)
        for step in ("mark_eligible", "start_review"):
            services.application_transition(application=application, name=step, by=officer)
        return application

    granted = reviewed("Elterncafé in drei Sprachen")
    for step, by in (("recommend", officer), ("approve", None)):
        services.application_transition(application=granted, name=step, by=by)
    grant = services.grant_issue(
        application=granted,
        by=officer,
        financing_type="deficit",
        start=dt.date(2025, 7, 1),
        end=dt.date(2026, 6, 30),
    )
    services.payment_request(
        grant=grant, amount=Decimal("5000"), reason="Erstes Halbjahr", by=applicant
    )

    in_review = reviewed("Sprachpatenschaften für Grundschulkinder")
    services.review_assign(application=in_review, reviewer=reviewer, by=officer)
    declared = reviewed("Stadtteilmütter in Laatzen")
    review = services.review_assign(application=declared, reviewer=reviewer, by=officer)
    services.review_declare(review=review, no_conflict=True, by=reviewer)
    return base, FundSite(
        call=call,
        closed_call=closed_call,
        draft=draft,
        granted=granted,
        in_review=in_review,
        declared=declared,
        applicant=applicant,
        officer=officer,
        reviewer=reviewer,
    )


def violations_on(page: Page) -> str:
    """axe-core's report on the page, empty if it found nothing."""
    violations = AXE.run(page).response["violations"]
    return f"{len(violations)} on {page.url}:\n{describe(violations)}" if violations else ""


def assert_pages_have_no_violations(page: Page, base: str, paths: list[str]) -> None:
    """Open each page (200 expected) and fail once with every page's violations."""
    reports = []
    for path in paths:
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status == 200, (path, response)
        expect(page.locator('main [role="alert"]')).to_have_count(0)
        reports.append(violations_on(page))
    found = [report for report in reports if report]
    if found:
        print("\naxe-core:\n" + "\n".join(found))
        pytest.fail("axe-core violation(s):\n" + "\n".join(found))


class FundCase(NamedTuple):
    id: str
    address: Callable[[FundSite], str]


FUND_PAGES = [
    FundCase("fund-calls", lambda site: FUND),
    FundCase("fund-call-open", lambda site: f"{FUND}aufruf/{site.call.pk}/"),
    FundCase("fund-call-closed", lambda site: f"{FUND}aufruf/{site.closed_call.pk}/"),
    FundCase("fund-grants", lambda site: f"{FUND}zuwendungen/"),
    FundCase("fund-organisation-register", lambda site: f"{FUND}organisation/registrieren/"),
]


@pytest.mark.parametrize("case", FUND_PAGES, ids=[case.id for case in FUND_PAGES])
def test_public_fund_page_has_no_axe_violations(page: Page, fund_site, case: FundCase):
    base, site = fund_site
    response = page.goto(f"{base}{case.address(site)}")
    assert response is not None and response.status == 200
    expect(page.locator('main [role="alert"]')).to_have_count(0)
    assert_no_violations(page)


def test_organisation_registration_errors_have_no_axe_violations(page: Page, fund_site):
    """A visitor's registration with a taken address, a short password and a bad postcode."""
    base, site = fund_site
    page.goto(f"{base}{FUND}organisation/registrieren/")
    form = page.locator("main form[method=post]")
    form.locator('input[name="account-email"]').fill(site.applicant.email)
    form.locator('input[name="account-password"]').fill("kurz")
    form.locator('input[name="org-name"]').fill("Nachbarschaftshilfe Ronnenberg e. V.")
    form.locator('input[name="org-postal_code"]').fill("3096")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    expect(page.locator('main [role="alert"]').first).to_be_visible()
    expect(page.locator('input[name="org-postal_code"]')).to_have_attribute("aria-invalid", "true")
    assert_no_violations(page)


def test_applicant_fund_pages_have_no_axe_violations(page: Page, fund_site):
    base, site = fund_site
    login(page, base, site.applicant.email)
    draft, granted = site.draft.pk, site.granted.pk
    assert_pages_have_no_violations(
        page,
        base,
        [
            f"{FUND}antraege/",
            f"{FUND}organisation/{site.draft.organisation_id}/mitglieder/",
            f"{FUND}aufruf/{site.call.pk}/antrag/neu/",
            f"{FUND}antrag/{draft}/",
            f"{FUND}antrag/{draft}/bearbeiten/",
            f"{FUND}antrag/{draft}/anlagen/",
            f"{FUND}antrag/{draft}/einreichen/",
            f"{FUND}antrag/{granted}/",
            f"{FUND}antrag/{granted}/mittelabruf/",
            f"{FUND}antrag/{granted}/verwendungsnachweis/",
        ],
    )


def test_refused_draft_has_no_axe_violations(page: Page, fund_site):
    """The draft form refused: a cost plan that does not add up, then an incomplete cost line."""
    base, site = fund_site
    login(page, base, site.applicant.email)
    page.goto(f"{base}{FUND}antrag/{site.draft.pk}/bearbeiten/")
    page.locator('main form input[name="requested_amount"]').fill("12000")
    with page.expect_navigation():
        page.locator("#save").click()
    expect(page.locator('main [role="alert"]')).to_be_visible()
    assert_no_violations(page)

    page.locator('main form input[name="requested_amount"]').fill("13500")
    page.locator('main form input[name="costs-2-description"]').fill("Fahrtkosten")
    with page.expect_navigation():
        page.locator("#save").click()
    expect(page.locator("#costs-2-error")).to_be_visible()
    assert_no_violations(page)


def test_fund_office_pages_have_no_axe_violations(page: Page, fund_site):
    """Not public, but the fund office's pages meet the same standard."""
    base, site = fund_site
    login(page, base, site.officer.email)
    office = f"{FUND}verwaltung/"
    assert_pages_have_no_violations(
        page,
        base,
        [
            office,
            f"{office}aufruf/{site.call.pk}/",
            f"{office}antrag/{site.in_review.pk}/",
            f"{office}antrag/{site.granted.pk}/",
            f"{office}organisationen/",
        ],
    )


def test_reviewer_pages_have_no_axe_violations(page: Page, fund_site):
    """Not public, but the reviewers' list, declaration and scoring form too."""
    from fund.models import Review

    base, site = fund_site
    login(page, base, site.reviewer.email)
    assigned = Review.objects.get(application=site.in_review)
    declared = Review.objects.get(application=site.declared)
    assert_pages_have_no_violations(
        page,
        base,
        [
            f"{FUND}gutachten/",
            f"{FUND}gutachten/{assigned.pk}/",
            f"{FUND}gutachten/{declared.pk}/",
        ],
    )
