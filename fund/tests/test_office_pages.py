"""The fund office's pages through the test client: who may open them, the flow, bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Organisation
from core.roles import Role
from fund import services
from fund.models import (
    Application,
    Call,
    CallTarget,
    Criterion,
    DecisionPaper,
    Event,
    Grant,
    Inquiry,
    PaymentRequest,
    Question,
    Review,
)
from fund.tests.test_services import _ready, _recommended
from fund.workflow import State

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
WRONG_ROLES = [Role.APPLICANT, Role.REVIEWER, Role.PLAN_EDITOR, Role.COMMITTEE_MEMBER]


def office_url(name, *args):
    return reverse(f"fund_office:{name}", args=args)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def page_text(response):
    return response.content.decode()


@pytest.fixture
def officer_client(client, fund_officer):
    client.force_login(fund_officer)
    return client


@pytest.fixture
def submitted(open_call, applicant):
    application = _ready(open_call, applicant)
    services.application_transition(application=application, name="submit", by=applicant)
    return application


@pytest.fixture
def small(open_call, applicant, fund_officer):
    """A recommended small grant (4,000 €): the fund's board decides it."""
    return _recommended(open_call, applicant, fund_officer, Decimal("4000"))


@pytest.fixture
def large(open_call, applicant, fund_officer):
    """A recommended application above the small-grant limit: the council decides it."""
    return _recommended(open_call, applicant, fund_officer, Decimal("13500"))


# --- who may open the pages --------------------------------------------------------


def _pages(call, application):
    return [
        office_url("dashboard"),
        office_url("call_create"),
        office_url("call_detail", call.pk),
        office_url("application_detail", application.pk),
        office_url("decision_paper", call.pk),
        office_url("organisations"),
    ]


def _actions(application, organisation):
    return [
        office_url("application_step", application.pk, "mark_eligible"),
        office_url("inquiry_ask", application.pk),
        office_url("review_assign", application.pk),
        office_url("grant_issue", application.pk),
        office_url("proof_check", application.pk),
        office_url("payment_decide", 1),
        office_url("organisation_verify", organisation.pk),
    ]


def test_every_page_renders_for_a_fund_officer(officer_client, open_call, submitted):
    for url in _pages(open_call, submitted):
        response = officer_client.get(url)
        assert response.status_code == 200, url
        assert page_text(response).count("<h1") == 1, url


@pytest.mark.parametrize("role", WRONG_ROLES)
def test_other_roles_get_403_on_every_page_and_action(
    client, make_user, role, open_call, submitted, applicant
):
    client.force_login(make_user(role))
    for url in _pages(open_call, submitted):
        assert client.get(url).status_code == 403, url
    for url in _actions(submitted, applicant.organisation):
        assert client.post(url, {"note": "x", "action": "approve"}).status_code == 403, url
    assert Application.objects.get(pk=submitted.pk).state == State.SUBMITTED


def test_anonymous_users_are_sent_to_sign_in(client, open_call, submitted, applicant):
    for url in [*_pages(open_call, submitted), *_actions(submitted, applicant.organisation)]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"], url


def test_the_applicants_own_member_is_refused_too(client, applicant, submitted):
    client.force_login(applicant)
    assert client.get(office_url("application_detail", submitted.pk)).status_code == 403


# --- dashboard ---------------------------------------------------------------------


def test_dashboard_counts_applications_per_state_and_shows_the_budget(
    officer_client, open_call, submitted, large, applicant, django_assert_max_num_queries
):
    Organisation.objects.create(name="Neuer Verein Lehrte e. V.")
    with django_assert_max_num_queries(14):
        response = officer_client.get(office_url("dashboard"))
    text = page_text(response)
    assert open_call.title in text
    assert "submitted: 1" in text and "recommended: 1" in text
    assert f"{office_url('call_detail', open_call.pk)}?state=submitted" in text
    assert "331111" in text and "200,000.00" in text
    assert response.context["unverified"] == 1
    assert office_url("organisations") in text


def test_dashboard_queries_do_not_grow_with_calls_and_applications(
    officer_client, fund, open_call, applicant, fund_officer, django_assert_max_num_queries
):
    for year in (2026, 2027, 2028):
        call = services.call_create(
            fund=fund,
            by=None,
            year=year,
            title=f"Aufruf {year}",
            budget=Decimal("100000"),
            opens_at=open_call.opens_at,
            deadline=open_call.deadline,
            criteria=[services.CriterionSpec("Wirkung")],
            questions=[services.QuestionSpec("Wie erreichen Sie die Zielgruppe?", "text")],
        )
        _ready(call, applicant)
    _recommended(open_call, applicant, fund_officer, Decimal("13500"))
    with django_assert_max_num_queries(14):
        response = officer_client.get(office_url("dashboard"))
    assert "Aufruf 2028" in page_text(response)


# --- creating a call ---------------------------------------------------------------


def _management(prefix, total):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def call_data(fund, **changes):
    data = {
        "fund": fund.pk,
        "year": "2026",
        "title": "Regionsfonds für Vielfalt und Teilhabe 2026",
        "motto": "Hand in Hand",
        "description": "",
        "budget": "200000",
        "opens_at": "2026-04-10T09:00",
        "deadline": "2026-05-28T23:59",
        "min_amount": "",
        "max_amount": "40000",
        "max_per_organisation": "",
        "own_contribution_percent": "10",
        "financing_types": ["deficit", "share"],
        "serves": "goals",
        **_management("criteria", 3),
        "criteria-0-name": "Beitrag zum Integrationsplan",
        "criteria-0-weight": "2",
        "criteria-0-scale_max": "5",
        "criteria-0-description": "",
        **_management("questions", 2),
        "questions-0-text": "Wie erreichen Sie die Zielgruppe?",
        "questions-0-kind": "choice",
        "questions-0-required": "on",
        "questions-0-help_text": "",
        "questions-0-choices": "Über Elternarbeit\nÜber Schulen\n",
    }
    for row in (1, 2):
        data.update({f"criteria-{row}-weight": "1", f"criteria-{row}-scale_max": "5"})
        data.update({f"criteria-{row}-name": "", f"criteria-{row}-description": ""})
    data.update({"questions-1-text": "", "questions-1-kind": "", "questions-1-choices": ""})
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def written():
    """Rows of every table a new call writes: to prove nothing was written."""
    return [m.objects.count() for m in (Call, Criterion, Question, CallTarget)]


def test_the_call_form_offers_the_plans_goals_and_measures(officer_client, fund, plan_demo):
    from plan.models import Measure

    measure = Measure.objects.filter(version__status="adopted").first()
    response = officer_client.get(office_url("call_create"))
    text = page_text(response)
    assert str(measure.uid) in text and measure.title in text
    assert 'name="criteria-2-name"' in text  # empty rows to fill in without JavaScript
    assert 'type="datetime-local"' in text


def test_a_call_is_created_with_criteria_questions_and_the_measures_it_serves(
    officer_client, fund, plan_demo
):
    from plan.models import Measure

    measures = list(Measure.objects.filter(version__status="adopted")[:2])
    data = call_data(fund, serves="measures", measures=[str(m.uid) for m in measures])
    response = officer_client.post(office_url("call_create"), data)
    call = Call.objects.get(year=2026)
    assert response.status_code == 302
    assert response["Location"] == office_url("call_detail", call.pk)
    assert call.financing_types == ["deficit", "share"] and call.serves == "measures"
    assert [(c.name, c.weight) for c in call.criteria.all()] == [
        ("Beitrag zum Integrationsplan", Decimal("2.00"))
    ]
    question = call.questions.get()
    assert question.choices == ["Über Elternarbeit", "Über Schulen"] and question.required
    assert {(t.kind, t.uid) for t in call.targets.all()} == {("measure", m.uid) for m in measures}
    assert call.targets.first().plan_id == measures[0].version.plan_id
    assert "was created" in messages_of(officer_client.get(response["Location"]))[0]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"deadline": "2026-04-01T12:00"}, "The deadline must lie after the opening."),
        (
            {"questions-0-choices": "Nur eine Antwort"},
            "A choice question needs at least two choices, one per line.",
        ),
        (
            {"criteria-0-name": "", "criteria-0-weight": "1"},
            "Give the call at least one review criterion",
        ),
        ({"criteria-0-name": ""}, "This field is required."),
        ({"serves": "measures"}, "Choose at least one measure the call serves."),
        ({"max_amount": "300000"}, "The maximum per application cannot exceed the budget."),
        ({"questions-0-kind": "text"}, "Only choice questions have choices"),
    ],
)
def test_bad_calls_are_refused_with_a_clear_message_and_nothing_is_saved(
    officer_client, fund, changes, message
):
    before = written()
    response = officer_client.post(office_url("call_create"), call_data(fund, **changes))
    assert response.status_code == 200
    assert message in page_text(response)
    assert written() == before


def test_a_call_for_goals_cannot_name_measures(officer_client, fund, plan_demo):
    from plan.models import Measure

    measure = Measure.objects.filter(version__status="adopted").first()
    before = written()
    response = officer_client.post(
        office_url("call_create"), call_data(fund, measures=[str(measure.uid)])
    )
    assert "names goals only" in page_text(response)
    assert written() == before


def test_the_service_refuses_targets_that_do_not_fit_what_the_call_serves(fund, plan_demo):
    from fund.services import FundError, TargetSpec
    from plan.models import Goal

    goal = Goal.objects.filter(version__status="adopted").select_related("version").first()
    before = written()
    with pytest.raises(FundError, match="at least one measure"):
        services.call_create(
            fund=fund,
            by=None,
            year=2026,
            title="Maßnahmenaufruf",
            budget=Decimal("50000"),
            opens_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC),
            deadline=dt.datetime(2026, 5, 1, tzinfo=dt.UTC),
            serves="measures",
            targets=[TargetSpec(plan=goal.version.plan, kind="goal", uid=goal.uid)],
        )
    assert written() == before


# --- the call workbench ------------------------------------------------------------


def _review(application, reviewer, officer, value, comment=""):
    review = services.review_assign(application=application, reviewer=reviewer, by=officer)
    services.review_declare(review=review, no_conflict=True, by=reviewer)
    criterion = application.call.criteria.get()
    services.review_submit(
        review=review, scores={criterion.pk: (value, comment)}, comment="", by=reviewer
    )
    return review


def test_the_workbench_lists_applications_with_reviews_and_the_money(
    officer_client,
    open_call,
    applicant,
    fund_officer,
    make_user,
    submitted,
    django_assert_max_num_queries,
):
    reviewed = _ready(open_call, applicant, title="Sprachcafé")
    Application.objects.filter(pk=reviewed.pk).update(title="Sprachcafé")
    for name, by in (("submit", applicant), ("mark_eligible", fund_officer)):
        services.application_transition(application=reviewed, name=name, by=by)
    for value in (5, 3):
        _review(reviewed, make_user(Role.REVIEWER), fund_officer, value)
    large = _recommended(open_call, applicant, fund_officer, Decimal("13500"))
    services.application_transition(application=large, name="approve", by=None)
    with django_assert_max_num_queries(12):
        response = officer_client.get(office_url("call_detail", open_call.pk))
    text = page_text(response)
    assert "Sprachcafé" in text and applicant.organisation.name in text
    assert "80.0" in text and "20.0" in text  # mean and spread of 100 % and 60 %
    assert response.context["committed"] == Decimal("13500")
    assert "13,500.00 € (186,500.00 € left)" in text
    assert office_url("application_detail", submitted.pk) in text


def test_the_workbench_filters_by_state_without_javascript(
    officer_client, open_call, submitted, large
):
    response = officer_client.get(office_url("call_detail", open_call.pk), {"state": "submitted"})
    rows = [a for a, _summary in response.context["rows"]]
    assert rows == [submitted]
    assert '<option value="submitted" selected>' in page_text(response)
    everything = officer_client.get(office_url("call_detail", open_call.pk))
    assert len(everything.context["rows"]) == 2


def test_the_decision_paper_button_shows_only_when_the_council_must_decide(
    officer_client, open_call, small, applicant, fund_officer
):
    url = office_url("call_detail", open_call.pk)
    assert "Prepare the decision paper" not in page_text(officer_client.get(url))
    _recommended(open_call, applicant, fund_officer, Decimal("13500"))
    assert "Prepare the decision paper" in page_text(officer_client.get(url))


# --- one application: workflow steps -----------------------------------------------


def test_the_application_page_shows_the_submission_and_the_officers_steps(
    officer_client, submitted, applicant, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        response = officer_client.get(office_url("application_detail", submitted.pk))
    text = page_text(response)
    assert "As submitted (revision 1" in text
    assert "Über die Elternarbeit." in text  # the answer to the call's question
    assert office_url("application_step", submitted.pk, "mark_eligible") in text
    assert office_url("application_step", submitted.pk, "mark_ineligible") in text
    assert "The application was submitted." in text  # the timeline
    assert applicant.get_full_name() in text  # officers see who took each step


def test_attachments_link_to_their_download(officer_client, open_call, applicant):
    application = _ready(open_call, applicant)
    attachment = services.attachment_add(
        application=application,
        upload=SimpleUploadedFile("kostenplan.pdf", PDF, content_type="application/pdf"),
        by=applicant,
    )
    response = officer_client.get(office_url("application_detail", application.pk))
    assert reverse("fund:attachment_download", args=[attachment.pk]) in page_text(response)


def test_an_officer_finds_an_application_eligible(officer_client, submitted):
    url = office_url("application_step", submitted.pk, "mark_eligible")
    response = officer_client.post(url, {"note": ""})
    assert response.status_code == 302
    assert Application.objects.get(pk=submitted.pk).state == State.ELIGIBLE
    assert "Step taken" in messages_of(officer_client.get(response["Location"]))[0]


def test_a_step_that_needs_a_reason_is_refused_without_one(officer_client, submitted):
    url = office_url("application_step", submitted.pk, "mark_ineligible")
    response = officer_client.post(url, {"note": "   "})
    assert response.status_code == 200
    assert "Give the reason for this step." in page_text(response)
    assert response.context["refused"] == "steps"  # the notice at the top links there
    assert Application.objects.get(pk=submitted.pk).state == State.SUBMITTED
    assert Event.objects.filter(application=submitted).count() == 1


def test_a_step_not_open_in_this_state_is_refused_with_the_reason(officer_client, submitted):
    response = officer_client.post(office_url("application_step", submitted.pk, "recommend"))
    assert "This step is not possible while the application is submitted." in page_text(response)
    assert Application.objects.get(pk=submitted.pk).state == State.SUBMITTED


def test_an_unverified_organisation_cannot_be_found_eligible(officer_client, submitted):
    Organisation.objects.filter(pk=submitted.organisation_id).update(verified_at=None)
    url = office_url("application_step", submitted.pk, "mark_eligible")
    response = officer_client.post(url)
    assert "Verify the organisation" in page_text(response)
    assert Application.objects.get(pk=submitted.pk).state == State.SUBMITTED


def test_applicant_steps_are_not_offered_to_the_office(officer_client, submitted):
    url = office_url("application_step", submitted.pk, "withdraw")
    assert officer_client.post(url).status_code == 404


# --- small grants: the board's decision --------------------------------------------


def test_the_board_decides_a_small_grant_in_part(officer_client, small):
    page = page_text(officer_client.get(office_url("application_detail", small.pk)))
    assert "Decision of the fund's board (small grant)" in page
    url = office_url("application_step", small.pk, "approve_partly")
    response = officer_client.post(url, {"amount": "3000", "note": "Honorare gekürzt."})
    assert response.status_code == 302
    small.refresh_from_db()
    assert (small.state, small.decided_amount) == (State.PARTLY_APPROVED, Decimal("3000.00"))


def test_a_partial_amount_not_below_the_request_is_refused(officer_client, small):
    url = office_url("application_step", small.pk, "approve_partly")
    response = officer_client.post(url, {"amount": "4000", "note": ""})
    assert response.status_code == 200
    assert "A partial approval needs an amount above 0 and below the requested" in page_text(
        response
    )
    small.refresh_from_db()
    assert (small.state, small.decided_amount) == (State.RECOMMENDED, None)


def test_a_decision_beyond_the_budget_is_refused(officer_client, open_call, small):
    Call.objects.filter(pk=open_call.pk).update(budget=Decimal("3000"))
    response = officer_client.post(office_url("application_step", small.pk, "approve"))
    assert "This decision would commit 4000.00 €" in page_text(response)
    assert Application.objects.get(pk=small.pk).state == State.RECOMMENDED


def test_applications_above_the_limit_wait_for_the_council(officer_client, large):
    page = page_text(officer_client.get(office_url("application_detail", large.pk)))
    assert "Decision of the fund's board" not in page
    assert "The council decides this application on a decision paper." in page
    response = officer_client.post(office_url("application_step", large.pk, "approve"))
    assert response.status_code == 403
    assert Application.objects.get(pk=large.pk).state == State.RECOMMENDED


# --- inquiries and reviewers -------------------------------------------------------


def test_the_office_asks_the_applicant(officer_client, submitted, mailoutbox):
    url = office_url("inquiry_ask", submitted.pk)
    response = officer_client.post(url, {"question": "Wer leitet die Treffen?"})
    assert response.status_code == 302
    assert Inquiry.objects.get(application=submitted).question == "Wer leitet die Treffen?"
    page = page_text(officer_client.get(office_url("application_detail", submitted.pk)))
    assert "Wer leitet die Treffen?" in page and "Not answered yet." in page


def test_an_empty_question_is_refused(officer_client, submitted):
    response = officer_client.post(office_url("inquiry_ask", submitted.pk), {"question": "  "})
    assert response.status_code == 200 and "Write the question." in page_text(response)
    assert not Inquiry.objects.exists()


def test_reviewers_are_assigned_and_their_scores_summed_up(
    officer_client, submitted, fund_officer, make_user
):
    services.application_transition(application=submitted, name="mark_eligible", by=fund_officer)
    reviewer = make_user(Role.REVIEWER)
    other = make_user(Role.REVIEWER)
    page = page_text(officer_client.get(office_url("application_detail", submitted.pk)))
    assert reviewer.email in page and other.email in page
    response = officer_client.post(
        office_url("review_assign", submitted.pk), {"reviewer": reviewer.pk}
    )
    assert response.status_code == 302
    review = Review.objects.get(application=submitted, reviewer=reviewer)
    services.review_declare(review=review, no_conflict=True, by=reviewer)
    criterion = submitted.call.criteria.get()
    services.review_submit(
        review=review, scores={criterion.pk: (4, "schlüssig")}, comment="Gut geplant.", by=reviewer
    )
    response = officer_client.get(office_url("application_detail", submitted.pk))
    page = page_text(response)
    assert response.context["summary"].mean == Decimal("80.0")
    assert "schlüssig" in page and "Gut geplant." in page and "4 / 5" in page
    form = response.context["reviewer_form"]
    assert list(form.fields["reviewer"].queryset) == [other]  # assigned ones are not offered


def test_assigning_without_a_reviewer_or_a_non_reviewer_is_refused(
    officer_client, submitted, fund_officer, make_user
):
    services.application_transition(application=submitted, name="mark_eligible", by=fund_officer)
    url = office_url("review_assign", submitted.pk)
    response = officer_client.post(url, {"reviewer": ""})
    assert "Choose the reviewer to assign." in page_text(response)
    response = officer_client.post(url, {"reviewer": make_user(Role.PLAN_EDITOR).pk})
    assert "Select a valid choice" in page_text(response)
    assert not Review.objects.exists()


# --- grant, payments, proof of use -------------------------------------------------


@pytest.fixture
def approved(open_call, applicant, fund_officer):
    application = _recommended(open_call, applicant, fund_officer, Decimal("13500"))
    services.application_transition(application=application, name="approve", by=None)
    return application


def grant_data(**changes):
    data = {
        "financing_type": "deficit",
        "share_percent": "",
        "start": "2025-07-01",
        "end": "2026-06-30",
        "conditions": "Öffentlichkeitsarbeit nennt den Regionsfonds.",
    }
    data.update(changes)
    return data


def test_the_office_issues_the_grant_notice(officer_client, approved):
    page = page_text(officer_client.get(office_url("application_detail", approved.pk)))
    assert office_url("grant_issue", approved.pk) in page
    response = officer_client.post(office_url("grant_issue", approved.pk), grant_data())
    assert response.status_code == 302
    grant = Grant.objects.get(application=approved)
    assert (grant.amount, grant.financing_type) == (Decimal("13500.00"), "deficit")
    page = page_text(officer_client.get(response["Location"]))
    assert reverse("fund:notice_pdf", args=[approved.pk]) in page
    assert Application.objects.get(pk=approved.pk).state == State.GRANTED


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"financing_type": "share"}, "Share financing needs the share in %."),
        ({"end": "2025-01-01"}, "The end cannot lie before the start."),
    ],
)
def test_a_bad_grant_is_refused_and_nothing_is_issued(officer_client, approved, changes, message):
    response = officer_client.post(office_url("grant_issue", approved.pk), grant_data(**changes))
    assert response.status_code == 200 and message in page_text(response)
    assert not Grant.objects.exists()
    assert Application.objects.get(pk=approved.pk).state == State.APPROVED


def test_only_the_calls_financing_types_are_offered(officer_client, open_call, approved):
    Call.objects.filter(pk=open_call.pk).update(financing_types=["fixed"])
    response = officer_client.get(office_url("application_detail", approved.pk))
    choices = [v for v, _label in response.context["grant_form"].fields["financing_type"].choices]
    assert choices == ["fixed"]
    response = officer_client.post(office_url("grant_issue", approved.pk), grant_data())
    assert "Select a valid choice" in page_text(response)
    assert not Grant.objects.exists()


def test_payments_are_approved_paid_and_not_decided_twice(officer_client, grant, applicant):
    payment = services.payment_request(
        grant=grant, amount=Decimal("5000"), reason="Honorare", by=applicant
    )
    url = office_url("payment_decide", payment.pk)
    page = page_text(officer_client.get(office_url("application_detail", grant.application_id)))
    assert url in page and "Honorare" in page
    response = officer_client.post(url, {"action": "approve"})
    assert response.status_code == 302
    assert PaymentRequest.objects.get(pk=payment.pk).state == PaymentRequest.State.APPROVED
    response = officer_client.post(url, {"action": "refuse"}, follow=True)
    assert "This payment request has already been decided." in messages_of(response)
    assert PaymentRequest.objects.get(pk=payment.pk).state == PaymentRequest.State.APPROVED
    officer_client.post(url, {"action": "paid"})
    assert PaymentRequest.objects.get(pk=payment.pk).state == PaymentRequest.State.PAID
    response = officer_client.get(office_url("application_detail", grant.application_id))
    assert response.context["paid"] == Decimal("5000")


def test_a_refused_payment_cannot_be_paid(officer_client, grant, applicant):
    payment = services.payment_request(grant=grant, amount=Decimal("500"), reason="", by=applicant)
    url = office_url("payment_decide", payment.pk)
    officer_client.post(url, {"action": "refuse"})
    response = officer_client.post(url, {"action": "paid"}, follow=True)
    assert "Only an approved payment can be paid." in messages_of(response)
    response = officer_client.post(url, {"action": "delete"}, follow=True)
    assert "Choose approve, refuse or paid." in messages_of(response)
    assert PaymentRequest.objects.get(pk=payment.pk).state == PaymentRequest.State.REFUSED


@pytest.fixture
def proof(grant, applicant, fund_officer):
    payment = services.payment_request(
        grant=grant, amount=Decimal("13500"), reason="", by=applicant
    )
    services.payment_decide(payment=payment, by=fund_officer, approve=True)
    services.payment_mark_paid(payment=payment, by=fund_officer)
    return services.proof_submit(
        grant=grant,
        by=applicant,
        narrative="Zwölf Treffen mit 180 Teilnehmenden.",
        actual_costs={"staff": Decimal("10000"), "material": Decimal("3000")},
        actual_own_contribution=Decimal("1500"),
        actual_third_party_funds=Decimal("0"),
    )


def test_the_proof_of_use_is_checked_and_the_repayment_claimed(officer_client, proof):
    application_id = proof.grant.application_id
    page = page_text(officer_client.get(office_url("application_detail", application_id)))
    assert "Zwölf Treffen" in page and "12,000.00" in page and "10,000.00" in page
    response = officer_client.post(
        office_url("proof_check", application_id), {"purpose_achieved": "yes"}
    )
    assert response.status_code == 302
    page = page_text(officer_client.get(response["Location"]))
    assert "Result of the check" in page and "2,000.00 €" in page and "11,500.00 €" in page
    assert Application.objects.get(pk=application_id).state == State.REPAYMENT_CLAIMED


def test_the_check_needs_an_answer_and_is_done_once(officer_client, proof):
    url = office_url("proof_check", proof.grant.application_id)
    response = officer_client.post(url, {})
    assert "Say whether the purpose was achieved." in page_text(response)
    proof.refresh_from_db()
    assert proof.checked_at is None
    officer_client.post(url, {"purpose_achieved": "no"})
    response = officer_client.post(url, {"purpose_achieved": "yes"})
    assert "This step is not possible" in page_text(response)
    proof.refresh_from_db()
    assert proof.purpose_achieved is False


# --- decision papers ---------------------------------------------------------------


def paper_data(demo, applications, **changes):
    data = {
        "reference": "1501 (V) BDs",
        "deciding_body": demo.committees["Regionsausschuss"].pk,
        "planned_date": "2025-09-16",
        "preparing_bodies": [],
        **{f"amount_{a.pk}": str(a.requested_amount) for a in applications},
    }
    data.update(changes)
    return data


def test_the_decision_paper_lists_the_large_recommended_applications(
    officer_client, demo, open_call, large, small
):
    response = officer_client.get(office_url("decision_paper", open_call.pk))
    assert [a.pk for a in response.context["form"].applications] == [large.pk]
    assert 'value="13500.00"' in page_text(response)  # prefilled with the request
    data = paper_data(demo, [large], **{f"amount_{large.pk}": "12000"})
    response = officer_client.post(office_url("decision_paper", open_call.pk), data)
    decision = DecisionPaper.objects.get(call=open_call)
    assert response["Location"] == reverse("council:paper_detail", args=[decision.paper_id])
    assert decision.items.get().proposed_amount == Decimal("12000.00")
    page = page_text(officer_client.get(office_url("decision_paper", open_call.pk)))
    assert "1501 (V) BDs" in page and "waiting for the vote" in page


def test_the_paper_shows_as_decided_once_the_vote_is_applied(
    officer_client, demo, open_call, large, fund_officer, django_capture_on_commit_callbacks
):
    from council import services as council_services

    decision = services.decision_paper_create(
        call=open_call,
        by=fund_officer,
        reference="1501 (V) BDs",
        deciding_body=demo.committees["Regionsausschuss"],
        planned_date=dt.date(2025, 9, 16),
    )
    with django_capture_on_commit_callbacks(execute=True):
        council_services.consultation_record_vote(
            consultation=decision.paper.consultations.get(authoritative=True),
            as_proposed=True,
            votes_yes=12,
            votes_no=1,
            votes_abstention=0,
            result="beschlossen",
            by=None,
        )
    page = page_text(officer_client.get(office_url("decision_paper", open_call.pk)))
    assert "decided, applied on" in page
    assert "No recommended application above the small-grant limit" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "99999"}, "At most the requested 13,500.00 €."),
        ({"amount": "0"}, "Ensure this value is greater than or equal to 0.01."),
        ({"reference": ""}, "This field is required."),
        ({"preparing": True}, "The deciding body cannot also be a preparing body."),
    ],
)
def test_a_bad_decision_paper_is_refused_and_nothing_is_written(
    officer_client, demo, open_call, large, changes, message
):
    from council.models import Paper

    papers = Paper.objects.count()
    data = paper_data(demo, [large])
    if "amount" in changes:
        data[f"amount_{large.pk}"] = changes["amount"]
    if "reference" in changes:
        data["reference"] = changes["reference"]
    if changes.get("preparing"):
        data["preparing_bodies"] = [data["deciding_body"]]
    response = officer_client.post(office_url("decision_paper", open_call.pk), data)
    assert response.status_code == 200 and message in page_text(response)
    assert Paper.objects.count() == papers and not DecisionPaper.objects.exists()


def test_a_reference_in_use_is_refused(officer_client, demo, open_call, large):
    from council.models import Paper

    taken = Paper.objects.filter(body=demo.body).first()
    data = paper_data(demo, [large], reference=taken.reference)
    response = officer_client.post(office_url("decision_paper", open_call.pk), data)
    assert "A paper with this reference exists already." in page_text(response)
    assert not DecisionPaper.objects.exists()


def test_without_candidates_the_service_refuses_the_paper(officer_client, demo, open_call, small):
    response = officer_client.post(office_url("decision_paper", open_call.pk), paper_data(demo, []))
    assert "No recommended application waits for a council decision." in page_text(response)
    assert not DecisionPaper.objects.exists()


# --- organisations -----------------------------------------------------------------


def test_organisations_are_listed_unverified_first_and_verified(
    officer_client, applicant, fund_officer, django_assert_max_num_queries
):
    from core import services as core_services

    for n in range(3):
        core_services.organisation_create(
            name=f"Verein {n}", kind="association", legal_form="eingetragener Verein"
        )
    newcomer = core_services.organisation_create(
        name="Zuletzt e. V.",
        kind="association",
        locality="Lehrte",
        non_profit=True,
        contact_name="A. Beispiel",
    )
    with django_assert_max_num_queries(10):
        response = officer_client.get(office_url("organisations"))
    names = [o.name for o in response.context["page"]]
    assert names[-1] == applicant.organisation.name  # verified last
    text = page_text(response)
    assert "Lehrte" in text and "A. Beispiel" in text and applicant.get_full_name() in text
    response = officer_client.post(office_url("organisation_verify", newcomer.pk))
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.verified_by == fund_officer and newcomer.verified_at
    response = officer_client.post(office_url("organisation_verify", newcomer.pk), follow=True)
    assert "Zuletzt e. V. was verified already." in messages_of(response)


def test_verifying_needs_a_post(officer_client, applicant):
    from core import services as core_services

    organisation = core_services.organisation_create(name="Neu e. V.", kind="association")
    response = officer_client.get(office_url("organisation_verify", organisation.pk))
    assert response.status_code == 405
    organisation.refresh_from_db()
    assert organisation.verified_at is None
