"""The funding flows in Chromium: apply, review, council decision, grant, payment, proof of use.

The pages show the English source texts until the German catalogue of the fund is
written, so nothing here depends on UI wording: controls are found by id, name, form
action, ``data-*`` attribute or address, and by role and name only where the name is
data (an application's title, a committee's name).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, Response, expect

from core.roles import Role

from .conftest import PASSWORD, login

FUND_NAME = "Regionsfonds für Vielfalt und Teilhabe"
CALL_TITLE = "Regionsfonds für Vielfalt und Teilhabe – Testaufruf"
QUESTION = "Wie erreichen Sie die Zielgruppe?"
CRITERIA = ("Beitrag zu den Zielen des Integrationsplans", "Erreichen der Zielgruppe")
ORGANISATION = "Interkultureller Nachbarschaftsverein Garbsen e. V."
TITLE = "Nachbarschaftscafé für neu Zugewanderte in Garbsen"
DECIDING_BODY = "Regionsausschuss"
PREPARING_BODY = "Ausschuss für Gleichstellung, Integration, Antidiskriminierung und Diversität"
START, END = "2025-07-01", "2026-06-30"


# --- preconditions through the services ------------------------------------------------


def create_fund(demo: Any, *, small_grant_limit: Decimal = Decimal("5000")) -> Any:
    """The Regionsfonds on the demo's budget product 331111."""
    from council.models import BudgetProduct
    from fund import services

    return services.fund_create(
        body=demo.body,
        name=FUND_NAME,
        slug="regionsfonds",
        budget_product=BudgetProduct.objects.get(number="331111"),
        small_grant_limit=small_grant_limit,
        by=None,
    )


def create_open_call(fund: Any, **fields: Any) -> Any:
    """A call open since ten days for thirty more, with two criteria and a required question."""
    from django.utils import timezone

    from fund import services

    now = timezone.now()
    values: dict[str, Any] = {
        "year": 2025,
        "title": CALL_TITLE,
        "budget": Decimal("200000"),
        "opens_at": now - dt.timedelta(days=10),
        "deadline": now + dt.timedelta(days=30),
        "max_amount": Decimal("40000"),
        "own_contribution_percent": Decimal("10"),
        "financing_types": ["deficit", "share", "fixed"],
        **fields,
    }
    return services.call_create(
        fund=fund,
        by=None,
        criteria=[
            services.CriterionSpec(CRITERIA[0], Decimal(2)),
            services.CriterionSpec(CRITERIA[1], Decimal(1)),
        ],
        questions=[services.QuestionSpec(QUESTION, "long_text", True)],
        **values,
    )


def create_applicant(make_live_user: Any, *, name: str = ORGANISATION, verified: bool = True):
    """A user with the applicant role who acts for a (verified) association."""
    from django.utils import timezone

    from core import services
    from core.models import Organisation

    user = make_live_user(Role.APPLICANT)
    organisation = services.organisation_create(
        name=name,
        kind=Organisation.Kind.ASSOCIATION,
        verified_at=timezone.now() if verified else None,
    )
    services.organisation_member_add(organisation=organisation, user=user, function="member")
    return user, organisation


def create_draft(call: Any, organisation: Any, user: Any, *, title: str = TITLE) -> Any:
    """A complete draft: two cost lines (15,000 €) financed by 1,500 € own money and 13,500 €."""
    from fund import services
    from fund.models import CostLine

    application = services.application_create(
        call=call, organisation=organisation, by=user, title=title
    )
    return services.application_save_draft(
        application=application,
        by=user,
        costs=[
            services.CostSpec(CostLine.Category.STAFF, "Honorar Sprachmittlung", Decimal("9000")),
            services.CostSpec(
                CostLine.Category.MATERIAL, "Material und Verpflegung", Decimal("6000")
            ),
        ],
        municipalities=[],
        answers={call.questions.get().pk: "Über Kitas, Schulen und Moscheegemeinden."},
        summary="Ein wöchentliches Café mit Sprachmittlung.",
        description="Einmal pro Woche treffen sich Nachbarinnen und Nachbarn.",
        target_groups=["immigrants"],
        start=dt.date(2025, 7, 1),
        end=dt.date(2026, 6, 30),
        own_contribution=Decimal("1500"),
        third_party_funds=Decimal(0),
        requested_amount=Decimal("13500"),
    )


def example_pdf(title: str) -> bytes:
    from fund.demo import example_pdf as pdf

    return pdf(title)


@pytest.fixture
def fund_call(live_plan_demo, settings, tmp_path):
    """The plan demo with the Regionsfonds and an open call: ``(base, demo, call)``.

    Uploads go to a temporary folder.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    base, demo, _plan_demo = live_plan_demo
    return base, demo, create_open_call(create_fund(demo))


# --- helpers on the pages --------------------------------------------------------------


def post(page: Page, button: Locator) -> Response:
    """Click a form's submit button; the answer to the POST or, after a redirect, the page."""
    with page.expect_navigation() as navigation:
        button.click()
    response = navigation.value
    assert response is not None
    return response


def office_step(page: Page, name: str) -> None:
    """Take a workflow step of the fund office by its form on the application's page."""
    form = page.locator(f'main form[action$="/schritt/{name}/"]')
    post(page, form.locator('button[type="submit"]'))
    expect(page.locator('main [role="status"]').first).to_be_visible()


def state_of(page: Page) -> Locator:
    """The application's state badge (one per application page)."""
    return page.locator("main [data-state]").first


def fill_draft(page: Page, *, question_pk: int, requested: str, municipality_pk: int) -> None:
    """Fill the draft form: project, two cost lines (15,000 €), financing, the question."""
    form = page.locator("main form[method=post]")
    form.locator('[name="summary"]').fill("Ein wöchentliches Café mit Sprachmittlung.")
    form.locator('[name="description"]').fill(
        "Einmal pro Woche treffen sich Nachbarinnen und Nachbarn; Sprachmittlerinnen helfen."
    )
    form.locator('input[name="target_groups"][value="immigrants"]').check()
    form.locator('input[name="target_groups"][value="families"]').check()
    form.locator(f'input[name="municipalities"][value="{municipality_pk}"]').check()
    form.locator('input[name="start"]').fill(START)
    form.locator('input[name="end"]').fill(END)
    form.locator('select[name="costs-0-category"]').select_option("staff")
    form.locator('input[name="costs-0-description"]').fill("Honorar Sprachmittlung")
    form.locator('input[name="costs-0-amount"]').fill("9000")
    form.locator('select[name="costs-1-category"]').select_option("material")
    form.locator('input[name="costs-1-description"]').fill("Material und Verpflegung")
    form.locator('input[name="costs-1-amount"]').fill("6000")
    form.locator('input[name="own_contribution"]').fill("1500")
    form.locator('input[name="third_party_funds"]').fill("0")
    form.locator('input[name="requested_amount"]').fill(requested)
    form.locator(f'[name="answers-q{question_pk}"]').fill(
        "Über Kitas, Schulen und Moscheegemeinden in Garbsen."
    )


def consultation_row(page: Page, body_name: str) -> Locator:
    return page.locator("#consultations tbody tr").filter(
        has=page.locator("th a", has_text=re.compile(rf"^{re.escape(body_name)}$"))
    )


# 1 ------------------------------------------------------------------------------------


def test_an_application_goes_from_sign_up_to_the_checked_proof_of_use(
    fund_call, new_context, make_live_user
):
    from core.models import Municipality, Organisation
    from fund.models import Application, PaymentRequest

    base, demo, call = fund_call
    question = call.questions.get()
    criteria = list(call.criteria.order_by("position"))
    garbsen = Municipality.objects.get(name="Garbsen")
    email = "vorstand@nachbarschaftsverein.example"

    # a. A visitor finds the open call and registers an account and the organisation.
    applicant = new_context().new_page()
    applicant.goto(f"{base}/foerderung/")
    applicant.get_by_role("link", name=CALL_TITLE, exact=True).click()
    expect(applicant).to_have_url(f"{base}/foerderung/aufruf/{call.pk}/")
    applicant.locator("#apply").click()
    expect(applicant).to_have_url(f"{base}/foerderung/organisation/registrieren/")
    form = applicant.locator("main form[method=post]")
    form.locator('input[name="account-name"]').fill("Ayşe Demir")
    form.locator('input[name="account-email"]').fill(email)
    form.locator('input[name="account-password"]').fill(PASSWORD)
    form.locator('input[name="org-name"]').fill(ORGANISATION)
    form.locator('select[name="org-kind"]').select_option("association")
    form.locator('input[name="org-legal_form"]').fill("eingetragener Verein")
    form.locator('input[name="org-street_address"]').fill("Rathausplatz 1")
    form.locator('input[name="org-postal_code"]').fill("30823")
    form.locator('input[name="org-locality"]').fill("Garbsen")
    form.locator('select[name="org-municipality"]').select_option(str(garbsen.pk))
    form.locator('input[name="org-non_profit"]').check()
    form.locator('input[name="org-contact_name"]').fill("Ayşe Demir")
    form.locator('input[name="org-contact_email"]').fill(email)
    post(applicant, form.locator('button[type="submit"]'))
    expect(applicant).to_have_url(f"{base}/foerderung/antraege/")
    expect(applicant.locator('header form[action$="/abmelden/"]')).to_have_count(1)
    organisation = Organisation.objects.get(name=ORGANISATION)
    assert organisation.verified_at is None
    expect(applicant.locator(f"#org-{organisation.pk}")).to_have_text(ORGANISATION)

    # Starts an application to the open call.
    applicant.locator(f'main a[href="/foerderung/aufruf/{call.pk}/antrag/neu/"]').click()
    form = applicant.locator("main form[method=post]")
    expect(form.locator('select[name="organisation"]')).to_have_value(str(organisation.pk))
    form.locator('input[name="title"]').fill(TITLE)
    post(applicant, form.locator('button[type="submit"]'))
    expect(applicant).to_have_url(re.compile(r"/foerderung/antrag/\d+/bearbeiten/$"))
    application = Application.objects.get(title=TITLE)
    detail_url = f"{base}/foerderung/antrag/{application.pk}/"
    edit_url = f"{detail_url}bearbeiten/"

    # The sums do not add up (15,000 € expenses, 13,500 € financing): refused, nothing saved.
    fill_draft(applicant, question_pk=question.pk, requested="12000", municipality_pk=garbsen.pk)
    refused = post(applicant, applicant.locator("#save"))
    assert refused.status == 400
    expect(applicant).to_have_url(edit_url)
    alert = applicant.locator('main [role="alert"]')
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("15000")
    expect(alert).to_contain_text("13500")
    # What was typed stays in the form, to be corrected.
    expect(applicant.locator('input[name="requested_amount"]')).to_have_value("12000")
    expect(applicant.locator('input[name="costs-1-amount"]')).to_have_value("6000")
    application.refresh_from_db()
    assert application.costs.count() == 0
    assert application.requested_amount == 0 and application.summary == ""
    assert not application.answers.exists()

    applicant.locator('input[name="requested_amount"]').fill("13500")
    post(applicant, applicant.locator("#save"))
    expect(applicant).to_have_url(edit_url)
    expect(applicant.locator('main [role="status"]')).to_be_visible()
    expect(applicant.locator('main [role="alert"]')).to_have_count(0)
    expect(applicant.locator('input[name="costs-1-amount"]')).to_have_value("6000,00")
    application.refresh_from_db()
    costs = [(c.category, c.amount) for c in application.costs.order_by("position")]
    assert costs == [("staff", Decimal("9000")), ("material", Decimal("6000"))]
    assert application.requested_amount == Decimal("13500")
    assert application.own_contribution == Decimal("1500")
    assert list(application.municipalities.all()) == [garbsen]
    assert application.answers.get().text.startswith("Über Kitas")

    # Attaches a small PDF.
    applicant.goto(detail_url)
    expect(applicant.locator("#problems")).to_have_count(0)
    applicant.locator(f'main a[href="/foerderung/antrag/{application.pk}/anlagen/"]').click()
    form = applicant.locator("main form[enctype='multipart/form-data']")
    form.locator('input[name="file"]').set_input_files(
        files=[
            {
                "name": "kosten-und-finanzierungsplan.pdf",
                "mimeType": "application/pdf",
                "buffer": example_pdf("Kosten- und Finanzierungsplan"),
            }
        ]
    )
    form.locator('input[name="description"]').fill("Kosten- und Finanzierungsplan")
    post(applicant, form.locator('button[type="submit"]'))
    expect(applicant.locator("#attachments li")).to_have_count(1)
    expect(applicant.locator("#attachments")).to_contain_text("kosten-und-finanzierungsplan.pdf")

    # Submits.
    applicant.goto(detail_url)
    expect(state_of(applicant)).to_have_attribute("data-state", "draft")
    applicant.locator("#submit").click()
    post(applicant, applicant.locator("#confirm-submit"))
    expect(applicant).to_have_url(detail_url)
    expect(state_of(applicant)).to_have_attribute("data-state", "submitted")
    expect(applicant.locator("#edit")).to_have_count(0)
    application.refresh_from_db()
    assert application.revisions.count() == 1
    assert application.revisions.get().content["attachments"][0]["kind"] == "pdf"

    # b. The fund officer verifies the organisation, finds the application eligible and
    # starts the review with two reviewers.
    officer_user = make_live_user(Role.FUND_OFFICER, name="Frauke Förster")
    reviewers = [
        make_live_user(Role.REVIEWER, name="Rita Reuter"),
        make_live_user(Role.REVIEWER, name="Rolf Rademacher"),
    ]
    officer = new_context().new_page()
    login(officer, base, officer_user.email)
    office_url = f"{base}/foerderung/verwaltung/antrag/{application.pk}/"
    officer.goto(office_url)
    # Not eligible before the organisation is verified.
    office_step_form = officer.locator('main form[action$="/schritt/mark_eligible/"]')
    post(officer, office_step_form.locator('button[type="submit"]'))
    expect(officer.locator('main [role="alert"]').first).to_be_visible()
    expect(state_of(officer)).to_have_attribute("data-state", "submitted")

    officer.goto(f"{base}/foerderung/verwaltung/organisationen/")
    row = officer.locator(f"#organisation-{organisation.pk}")
    expect(row).to_contain_text(ORGANISATION)
    post(officer, row.locator('button[type="submit"]'))
    expect(officer.locator(f"#organisation-{organisation.pk} form")).to_have_count(0)
    organisation.refresh_from_db()
    assert organisation.verified_at is not None

    officer.goto(office_url)
    office_step(officer, "mark_eligible")
    expect(state_of(officer)).to_have_attribute("data-state", "eligible")
    office_step(officer, "start_review")
    expect(state_of(officer)).to_have_attribute("data-state", "in_review")
    for reviewer in reviewers:
        assign = officer.locator('main form[action$="/gutachten/"]')
        assign.locator('select[name="reviewer"]').select_option(str(reviewer.pk))
        post(officer, assign.locator('button[type="submit"]'))
    expect(officer.locator('#reviews [data-review-state="assigned"]')).to_have_count(2)

    # c. Each reviewer declares no conflict of interest, scores every criterion, submits.
    for number, reviewer in enumerate(reviewers):
        page = new_context().new_page()
        login(page, base, reviewer.email)
        page.goto(f"{base}/foerderung/gutachten/")
        page.locator("#open-reviews").get_by_role("link", name=TITLE, exact=True).click()
        expect(page.locator("h1")).to_have_text(TITLE)
        declaration = page.locator('main form[action$="/erklaerung/"]')
        declaration.locator('input[name="declaration"][value="no_conflict"]').check()
        post(page, declaration.locator('button[type="submit"]'))
        scoring = page.locator('main form[action$="/bewertung/"]')
        for criterion in criteria:
            scoring.locator(f'input[name="score_{criterion.pk}"][value="{4 - number}"]').check()
            scoring.locator(f'textarea[name="comment_{criterion.pk}"]').fill(
                f"Gutachten {number + 1} zu „{criterion.name}“."
            )
        scoring.locator('textarea[name="comment"]').fill("Gut durchdacht, klar finanziert.")
        post(page, scoring.locator('button[type="submit"]'))
        expect(page.locator('main [role="status"]')).to_be_visible()
        expect(page.locator('main form[action$="/bewertung/"]')).to_have_count(0)
        page.goto(f"{base}/foerderung/gutachten/")
        done = page.locator("#done-reviews")
        expect(done.get_by_role("link", name=TITLE, exact=True)).to_have_count(1)
        page.context.close()

    # d. The officer reads the summary of both reviews and recommends the application; at
    # 13,500 € (above the 5,000 € small-grant limit) the council decides on a paper.
    officer.goto(office_url)
    expect(officer.locator('#reviews [data-review-state="submitted"]')).to_have_count(2)
    expect(officer.locator("#review-summary dd").first).to_have_text("2")
    office_step(officer, "recommend")
    expect(state_of(officer)).to_have_attribute("data-state", "recommended")
    expect(officer.locator("#board")).to_have_count(0)
    officer.locator(
        f'#steps a[href="/foerderung/verwaltung/aufruf/{call.pk}/beschlussvorlage/"]'
    ).click()
    form = officer.locator("main form[method=post]")
    committee = demo.committees[DECIDING_BODY]
    preparing = demo.committees[PREPARING_BODY]
    form.locator('input[name="reference"]').fill("4711 (V) Regionsfonds")
    form.locator('select[name="deciding_body"]').select_option(str(committee.pk))
    form.locator('input[name="planned_date"]').fill("2025-05-13")
    form.locator(f'input[name="preparing_bodies"][value="{preparing.pk}"]').check()
    expect(form.locator(f'input[name="amount_{application.pk}"]')).to_have_value(
        re.compile(r"^13500(\.00)?$")
    )
    post(officer, form.locator('button[type="submit"]'))
    expect(officer).to_have_url(re.compile(r"/drucksachen/\d+/$"))
    paper_url = officer.url
    expect(consultation_row(officer, DECIDING_BODY)).to_have_count(1)
    expect(consultation_row(officer, PREPARING_BODY)).to_have_count(1)
    expect(officer.locator("#resolution-proposal")).to_contain_text(TITLE)

    # e. The council office records the Regionsausschuss's decision as proposed.
    clerk = new_context().new_page()
    login(clerk, base, make_live_user(Role.COUNCIL_OFFICE).email)
    clerk.goto(paper_url)
    consultation_row(clerk, DECIDING_BODY).locator('a[href*="/abstimmung/"]').click()
    vote = clerk.locator("main form")
    vote.locator('input[name="outcome"][value="proposed"]').check()
    vote.locator('input[name="votes_yes"]').fill("12")
    vote.locator('input[name="votes_no"]').fill("3")
    vote.locator('input[name="votes_abstention"]').fill("1")
    vote.locator('input[name="result"]').fill("mehrheitlich beschlossen")
    post(clerk, vote.locator('button[type="submit"]'))
    expect(clerk).to_have_url(paper_url)
    expect(clerk.locator('main [role="status"]')).to_be_visible()

    applicant.goto(detail_url)
    expect(state_of(applicant)).to_have_attribute("data-state", "approved")
    application.refresh_from_db()
    assert application.decided_amount == Decimal("13500")

    # f. The officer issues the grant notice; the applicant downloads it as a PDF.
    officer.goto(office_url)
    grant_form = officer.locator('#grant form[action$="/bescheid/"]')
    grant_form.locator('select[name="financing_type"]').select_option("deficit")
    grant_form.locator('input[name="start"]').fill(START)
    grant_form.locator('input[name="end"]').fill(END)
    post(officer, grant_form.locator('button[type="submit"]'))
    expect(state_of(officer)).to_have_attribute("data-state", "granted")

    applicant.goto(detail_url)
    expect(state_of(applicant)).to_have_attribute("data-state", "granted")
    href = applicant.locator("#notice").get_attribute("href")
    assert href == f"/foerderung/antrag/{application.pk}/zuwendungsbescheid.pdf"
    notice = applicant.request.get(f"{base}{href}")
    assert notice.status == 200
    assert notice.headers["content-type"] == "application/pdf"
    assert notice.body().startswith(b"%PDF")
    # Only the organisation and the office read it.
    stranger = new_context().new_page()
    assert stranger.request.get(f"{base}{href}", max_redirects=0).status == 302

    # g. The applicant requests a payment: more than the grant is refused, 5,000 € go.
    applicant.locator("#request-payment").click()
    form = applicant.locator("main form[method=post]")
    form.locator('input[name="amount"]').fill("20000")
    form.locator('textarea[name="reason"]').fill("Honorare und Material für das erste Halbjahr.")
    refused = post(applicant, form.locator('button[type="submit"]'))
    assert refused.status == 400
    alert = applicant.locator('main [role="alert"]')
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("13500")  # what is left of the grant
    expect(applicant.locator('input[name="amount"]')).to_have_value("20000")
    assert not PaymentRequest.objects.exists()
    applicant.locator('input[name="amount"]').fill("5000")
    post(applicant, form.locator('button[type="submit"]'))
    expect(applicant).to_have_url(detail_url)
    expect(applicant.locator("#payments tbody tr")).to_have_count(1)
    expect(state_of(applicant)).to_have_attribute("data-state", "running")

    officer.goto(office_url)
    payment = PaymentRequest.objects.get()
    row = officer.locator(f"#payment-{payment.pk}")
    post(officer, row.locator('button[name="action"][value="approve"]'))
    expect(row.locator("[data-payment-state]")).to_have_attribute("data-payment-state", "approved")
    post(officer, row.locator('button[name="action"][value="paid"]'))
    expect(row.locator("[data-payment-state]")).to_have_attribute("data-payment-state", "paid")

    # h. The applicant submits the proof of use; the officer checks it.
    applicant.goto(detail_url)
    applicant.locator("#submit-proof").click()
    form = applicant.locator("main form[method=post]")
    form.locator('textarea[name="narrative"]').fill(
        "Das Café fand 46-mal statt; im Schnitt kamen 25 Menschen aus 12 Herkunftsländern."
    )
    form.locator('input[name="cost_staff"]').fill("9000")
    form.locator('input[name="cost_material"]').fill("6000")
    form.locator('input[name="actual_own_contribution"]').fill("1500")
    form.locator('input[name="actual_third_party_funds"]').fill("0")
    post(applicant, form.locator('button[type="submit"]'))
    expect(applicant).to_have_url(detail_url)
    expect(state_of(applicant)).to_have_attribute("data-state", "proof_submitted")
    expect(applicant.locator("#submit-proof")).to_have_count(0)

    officer.goto(office_url)
    check = officer.locator('#proof form[action$="/verwendungsnachweis/"]')
    check.locator('input[name="purpose_achieved"][value="yes"]').check()
    post(officer, check.locator('button[type="submit"]'))
    expect(officer.locator("#proof-result")).to_be_visible()
    expect(state_of(officer)).to_have_attribute("data-state", "proof_checked")

    applicant.goto(detail_url)
    expect(state_of(applicant)).to_have_attribute("data-state", "proof_checked")
    steps = applicant.locator("#timeline li[data-transition]")
    expect(steps).to_have_count(9)
    assert [step.get_attribute("data-transition") for step in steps.all()] == [
        "submit",
        "mark_eligible",
        "start_review",
        "recommend",
        "approve",
        "issue_grant",
        "start",
        "submit_proof",
        "check_proof",
    ]
    # The applicant sees the office as a whole, not who took a step.
    expect(applicant.locator("#timeline")).not_to_contain_text(officer_user.name)
    proof = application.grant.proof
    assert proof.purpose_achieved is True and proof.repayment == 0


# 2 ------------------------------------------------------------------------------------


def test_draft_and_submission_work_without_javascript(fund_call, new_context, make_live_user):
    from core.models import Municipality
    from fund import services
    from fund.models import Application

    base, _demo, call = fund_call
    user, organisation = create_applicant(make_live_user)
    application = services.application_create(
        call=call, organisation=organisation, by=user, title=TITLE
    )
    question = call.questions.get()
    detail_url = f"{base}/foerderung/antrag/{application.pk}/"

    page = new_context(java_script_enabled=False).new_page()
    login(page, base, user.email)
    page.goto(f"{base}/foerderung/antraege/")
    page.locator("main").get_by_role("link", name=TITLE, exact=True).click()
    expect(page).to_have_url(detail_url)
    expect(page.locator("#problems li").first).to_be_visible()
    page.locator("#edit").click()

    garbsen = Municipality.objects.get(name="Garbsen")
    fill_draft(page, question_pk=question.pk, requested="13500", municipality_pk=garbsen.pk)
    post(page, page.locator("#save"))
    expect(page).to_have_url(f"{detail_url}bearbeiten/")
    expect(page.locator('main [role="status"]')).to_be_visible()
    # The saved amounts come back written the German way, as the form reads them, so
    # that saving again works.
    expect(page.locator('input[name="costs-0-amount"]')).to_have_value("9000,00")
    application.refresh_from_db()
    assert application.costs.count() == 2
    assert application.requested_amount == Decimal("13500")

    # "Save and go to submission" saves once more and leads to the confirmation.
    page.locator('textarea[name="summary"]').fill("Ein Café mit Sprachmittlung, jede Woche.")
    post(page, page.locator('main form button[type="submit"][name="submit"]'))
    expect(page).to_have_url(f"{detail_url}einreichen/")
    post(page, page.locator("#confirm-submit"))
    expect(page).to_have_url(detail_url)
    expect(page.locator('main [role="status"]')).to_be_visible()
    expect(state_of(page)).to_have_attribute("data-state", "submitted")
    application = Application.objects.get(pk=application.pk)
    assert application.state == "submitted"
    assert application.summary == "Ein Café mit Sprachmittlung, jede Woche."
    assert application.revisions.count() == 1
