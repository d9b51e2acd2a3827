"""Public and applicant pages: who sees what, what a form refuses, what it saves."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Organisation, User
from core.roles import Role
from fund import services
from fund.models import Application, Attachment, PaymentRequest
from fund.tests.test_applications import PDF
from fund.tests.test_services import _ready
from fund.workflow import State

pytestmark = pytest.mark.django_db


def _submitted(call, applicant):
    application = _ready(call, applicant)
    services.application_transition(application=application, name="submit", by=applicant)
    return application


# --- public ------------------------------------------------------------------------


def test_the_call_list_and_call_page_are_public(client, open_call):
    page = client.get(reverse("fund:call_list"))
    assert page.status_code == 200
    assert "Regionsfonds für Vielfalt und Teilhabe 2025" in page.text
    detail = client.get(reverse("fund:call_detail", args=[open_call.pk]))
    assert detail.status_code == 200
    assert "Beitrag zu den Zielen des Integrationsplans" in detail.text
    assert "Register your organisation and apply" in detail.text


def test_the_public_sees_only_published_grants(client, grant, open_call, applicant):
    _ready(open_call, applicant, title="Geheimer Entwurf")
    page = client.get(reverse("fund:grant_list"))
    assert grant.application.title in page.text
    assert "Geheimer Entwurf" not in page.text
    detail = client.get(reverse("fund:call_detail", args=[open_call.pk]))
    assert grant.application.title in detail.text and "Geheimer Entwurf" not in detail.text


# --- registration ------------------------------------------------------------------

ORGANISATION = {
    "org-name": "Frauentreff Laatzen e. V.",
    "org-kind": "association",
    "org-legal_form": "eingetragener Verein",
    "org-street_address": "Marktplatz 3",
    "org-postal_code": "30880",
    "org-locality": "Laatzen",
    "org-non_profit": "on",
    "org-contact_name": "Ayşe Demir",
    "org-contact_email": "info@frauentreff.example",
}


def test_a_visitor_registers_account_and_organisation_at_once(client, demo):
    from core.models import Municipality

    data = {
        **ORGANISATION,
        "org-municipality": Municipality.objects.get(name="Laatzen").pk,
        "account-name": "Ayşe Demir",
        "account-email": "ayse@frauentreff.example",
        "account-password": "Zusammen-in-Laatzen-2025",
    }
    response = client.post(reverse("fund:organisation_register"), data)
    assert response.status_code == 302
    user = User.objects.get(email="ayse@frauentreff.example")
    organisation = Organisation.objects.get(name="Frauentreff Laatzen e. V.")
    assert organisation.verified_at is None and organisation.members.filter(pk=user.pk).exists()
    assert user.groups.filter(name=Role.APPLICANT).exists()
    assert client.get(reverse("fund:my_applications")).status_code == 200


def test_bad_registration_input_saves_nothing(client, demo):
    data = {
        **ORGANISATION,
        "org-postal_code": "3088",
        "account-name": "A",
        "account-email": "a@example.org",
        "account-password": "123",
    }
    response = client.post(reverse("fund:organisation_register"), data)
    assert response.status_code == 200
    assert "Enter the five digits of the postal code." in response.text
    assert "This password is too short" in response.text
    assert not Organisation.objects.filter(name=ORGANISATION["org-name"]).exists()
    assert not User.objects.filter(email="a@example.org").exists()


# --- the application form ----------------------------------------------------------


def _form(application, **overrides):
    question = application.call.questions.get(position=0)
    data = {
        "title": application.title,
        "summary": "Ein Café für alle Nachbarinnen und Nachbarn.",
        "description": "Wöchentliches Treffen.",
        "target_groups": ["refugees", "families"],
        "start": "2025-07-01",
        "end": "2026-06-30",
        "own_contribution": "1500",
        "third_party_funds": "0",
        "requested_amount": "13500",
        "costs-TOTAL_FORMS": "3",
        "costs-INITIAL_FORMS": "0",
        "costs-MIN_NUM_FORMS": "0",
        "costs-MAX_NUM_FORMS": "40",
        "costs-0-category": "staff",
        "costs-0-description": "Honorarkraft",
        "costs-0-amount": "12000",
        "costs-1-category": "material",
        "costs-1-description": "Material",
        "costs-1-amount": "3000",
        f"answers-q{question.pk}": "Über Elternabende.",
    }
    data.update(overrides)
    return data


def test_the_draft_form_saves_fields_costs_and_answers(client, open_call, applicant):
    application = services.application_create(
        call=open_call, organisation=applicant.organisation, by=applicant, title="Café"
    )
    client.force_login(applicant)
    url = reverse("fund:application_edit", args=[application.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _form(application))
    assert response.status_code == 302, response.text
    application.refresh_from_db()
    assert application.requested_amount == Decimal("13500")
    assert [c.amount for c in application.costs.all()] == [Decimal("12000"), Decimal("3000")]
    assert application.target_groups == ["refugees", "families"]
    assert services.submission_problems(application) == []


def test_a_cost_plan_that_does_not_add_up_is_refused_and_nothing_saved(
    client, open_call, applicant
):
    application = services.application_create(
        call=open_call, organisation=applicant.organisation, by=applicant, title="Café"
    )
    client.force_login(applicant)
    url = reverse("fund:application_edit", args=[application.pk])
    response = client.post(url, _form(application, requested_amount="20000", title="Neu"))
    assert response.status_code == 400
    assert "The cost plan does not add up" in response.text
    application.refresh_from_db()
    assert application.title == "Café" and not application.costs.exists()


def test_a_half_filled_cost_line_is_refused(client, open_call, applicant):
    application = services.application_create(
        call=open_call, organisation=applicant.organisation, by=applicant, title="Café"
    )
    client.force_login(applicant)
    url = reverse("fund:application_edit", args=[application.pk])
    response = client.post(url, _form(application, **{"costs-2-amount": "50"}))
    assert response.status_code == 400
    assert "Give each cost line a category, a description and an amount." in response.text
    assert not application.costs.exists()


def test_submission_page_lists_problems_and_refuses(client, open_call, applicant):
    application = services.application_create(
        call=open_call, organisation=applicant.organisation, by=applicant, title="Café"
    )
    client.force_login(applicant)
    url = reverse("fund:application_submit", args=[application.pk])
    assert "Enter the expenses of the cost plan." in client.get(url).text
    response = client.post(url)
    assert response.status_code == 400
    assert Application.objects.get(pk=application.pk).state == State.DRAFT


def test_a_late_submission_is_refused(client, open_call, applicant):
    application = _ready(open_call, applicant)
    open_call.opens_at = open_call.opens_at.replace(year=2024)
    open_call.deadline = open_call.opens_at.replace(month=6, day=1)
    open_call.save()
    client.force_login(applicant)
    response = client.post(reverse("fund:application_submit", args=[application.pk]))
    assert response.status_code == 400
    assert "The deadline of the call has passed" in response.text
    application.refresh_from_db()
    assert application.state == State.DRAFT and not application.revisions.exists()


def test_a_complete_draft_is_submitted_and_frozen(client, open_call, applicant):
    application = _ready(open_call, applicant)
    client.force_login(applicant)
    response = client.post(reverse("fund:application_submit", args=[application.pk]))
    assert response.status_code == 302
    detail = client.get(reverse("fund:application_detail", args=[application.pk]))
    assert "As submitted (revision 1" in detail.text
    assert "The application was submitted." in detail.text
    edit = client.get(reverse("fund:application_edit", args=[application.pk]))
    assert edit.status_code == 302


def test_attachments_spoofed_and_oversized_files_are_refused(client, open_call, applicant):
    application = _ready(open_call, applicant)
    client.force_login(applicant)
    url = reverse("fund:application_attachments", args=[application.pk])
    spoofed = client.post(url, {"file": SimpleUploadedFile("satzung.pdf", b"GIF89a fake")})
    assert spoofed.status_code == 400
    assert "is not a PDF document, although its name says so" in spoofed.text
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    oversized = client.post(url, {"file": big})
    assert "larger than 10 MB" in oversized.text
    assert not Attachment.objects.exists()
    ok = client.post(url, {"file": SimpleUploadedFile("satzung.pdf", PDF), "description": "S"})
    assert ok.status_code == 302
    attachment = Attachment.objects.get()
    download = client.get(reverse("fund:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_the_applicant_answers_an_inquiry(client, open_call, applicant, fund_officer):
    application = _submitted(open_call, applicant)
    inquiry = services.inquiry_ask(application=application, question="Wer?", by=fund_officer)
    client.force_login(applicant)
    url = reverse("fund:inquiry_answer", args=[application.pk, inquiry.pk])
    client.post(url, {"inquiry-text": ""})
    inquiry.refresh_from_db()
    assert not inquiry.answered_at
    client.post(url, {"inquiry-text": "Der Vorstand."})
    inquiry.refresh_from_db()
    assert inquiry.answer == "Der Vorstand."


def test_withdrawal(client, open_call, applicant):
    application = _submitted(open_call, applicant)
    client.force_login(applicant)
    client.post(reverse("fund:application_withdraw", args=[application.pk]))
    assert Application.objects.get(pk=application.pk).state == State.WITHDRAWN


def test_a_payment_over_the_grant_is_refused_and_the_notice_is_a_pdf(client, grant, applicant):
    client.force_login(applicant)
    application = grant.application
    url = reverse("fund:payment_request", args=[application.pk])
    response = client.post(url, {"amount": "14000", "reason": "Honorare"})
    assert response.status_code == 400
    assert "13500" in response.text or "13,500" in response.text
    assert not PaymentRequest.objects.exists()
    assert client.post(url, {"amount": "5000", "reason": "Honorare"}).status_code == 302
    assert PaymentRequest.objects.get().amount == Decimal("5000")
    pdf = client.get(reverse("fund:notice_pdf", args=[application.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")


def test_proof_of_use_form(client, grant, applicant):
    client.force_login(applicant)
    application = grant.application
    services.payment_request(grant=grant, amount=Decimal("1000"), reason="", by=applicant)
    url = reverse("fund:proof_submit", args=[application.pk])
    page = client.get(url)
    assert "Actual expenses: staff (€)" in page.text
    empty = client.post(url, {"narrative": "", "cost_staff": "x"})
    assert empty.status_code == 400
    assert Application.objects.get(pk=application.pk).state == State.RUNNING
    fields = {f"cost_{c.category}": str(c.amount) for c in application.costs.all()}
    done = client.post(
        url,
        {
            "narrative": "Es kamen 40 Familien.",
            "actual_own_contribution": "1500",
            "actual_third_party_funds": "0",
            **fields,
        },
    )
    assert done.status_code == 302
    assert Application.objects.get(pk=application.pk).state == State.PROOF_SUBMITTED


# --- who may see what --------------------------------------------------------------


APPLICANT_PAGES = [
    "fund:application_detail",
    "fund:application_edit",
    "fund:application_attachments",
    "fund:application_submit",
    "fund:application_withdraw",
]


@pytest.mark.parametrize("name", APPLICANT_PAGES)
@pytest.mark.parametrize(
    "role", [Role.APPLICANT, Role.REVIEWER, Role.PLAN_EDITOR, Role.COMMITTEE_MEMBER, None]
)
def test_other_users_do_not_see_an_organisations_application(
    client, make_user, open_call, applicant, name, role
):
    application = _ready(open_call, applicant)
    url = reverse(name, args=[application.pk])
    if role is None:
        response = client.get(url)
        assert response.status_code == 302 and "/anmelden/" in response["Location"]
        return
    client.force_login(make_user(role))
    assert client.get(url).status_code == 404


def test_the_fund_office_reads_but_does_not_edit_for_the_applicant(
    client, open_call, applicant, fund_officer
):
    application = _ready(open_call, applicant)
    client.force_login(fund_officer)
    assert client.get(reverse("fund:application_detail", args=[application.pk])).status_code == 200
    assert client.get(reverse("fund:application_edit", args=[application.pk])).status_code == 403


def test_attachments_are_hidden_from_unassigned_reviewers(client, make_user, open_call, applicant):
    application = _ready(open_call, applicant)
    attachment = services.attachment_add(
        application=application, upload=SimpleUploadedFile("a.pdf", PDF), by=applicant
    )
    client.force_login(make_user(Role.REVIEWER))
    url = reverse("fund:attachment_download", args=[attachment.pk])
    assert client.get(url).status_code == 404


def test_my_applications_lists_only_the_users_organisations(
    client, make_user, open_call, applicant
):
    _ready(open_call, applicant, title="Unser Café")
    other = make_user(Role.APPLICANT)
    client.force_login(other)
    page = client.get(reverse("fund:my_applications"))
    assert "Unser Café" not in page.text
    client.force_login(applicant)
    assert "Unser Café" in client.get(reverse("fund:my_applications")).text


# --- members -------------------------------------------------------------------------


def test_a_representative_adds_a_member_who_then_sees_the_applications(
    client, make_user, open_call, applicant
):
    from core import services as core_services

    representative = make_user()
    core_services.organisation_member_add(
        organisation=applicant.organisation, user=representative, function="representative"
    )
    _ready(open_call, applicant, title="Unser Café")
    newcomer = make_user()
    url = reverse("fund:organisation_members", args=[applicant.organisation.pk])
    client.force_login(representative)
    unknown = client.post(url, {"email": "niemand@example.org", "function": "member"})
    assert unknown.status_code == 400 and "Nobody has an account" in unknown.text
    assert client.post(url, {"email": newcomer.email, "function": "member"}).status_code == 302
    assert applicant.organisation.members.filter(pk=newcomer.pk).exists()
    assert newcomer.groups.filter(name=Role.APPLICANT).exists()
    client.force_login(newcomer)
    assert "Unser Café" in client.get(reverse("fund:my_applications")).text


def test_plain_members_and_strangers_cannot_add_members(client, make_user, applicant):
    url = reverse("fund:organisation_members", args=[applicant.organisation.pk])
    other = make_user()
    client.force_login(applicant)  # a plain member
    assert client.get(url).status_code == 200
    assert client.post(url, {"email": other.email, "function": "member"}).status_code == 403
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert not applicant.organisation.members.filter(pk=other.pk).exists()
