"""Drafts: extra answers, attachments, the frozen revision, the office's questions, budgets."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from fund import selectors, services
from fund.models import Answer, Application, Attachment, Inquiry, PaymentRequest, Question
from fund.services import FundError
from fund.tests.test_services import _ready
from fund.workflow import State

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_attachments_are_checked_by_content(open_call, applicant):
    application = _ready(open_call, applicant)
    services.attachment_add(
        application=application, upload=SimpleUploadedFile("plan.pdf", PDF), by=applicant
    )
    services.attachment_add(
        application=application, upload=SimpleUploadedFile("satzung.docx", _docx()), by=applicant
    )
    with pytest.raises(FundError, match="not a PDF document"):
        services.attachment_add(
            application=application,
            upload=SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf"),
            by=applicant,
        )
    with pytest.raises(FundError, match="not a PDF, ODT"):
        services.attachment_add(
            application=application, upload=SimpleUploadedFile("run.exe", PDF), by=applicant
        )
    assert [a.kind for a in application.attachments.all()] == ["pdf", "docx"]


def test_an_oversized_attachment_is_refused(open_call, applicant, settings):
    application = _ready(open_call, applicant)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(FundError, match="larger than 10 MB"):
        services.attachment_add(application=application, upload=big, by=applicant)
    assert not Attachment.objects.exists()


def test_answers_are_checked_against_the_question_kind_all_or_nothing(open_call, applicant):
    number = Question.objects.create(call=open_call, position=1, text="Teilnehmende", kind="number")
    choice = Question.objects.create(
        call=open_call, position=2, text="Ort", kind="choice", choices=["Stadt", "Umland"]
    )
    application = _ready(open_call, applicant)
    before = list(Answer.objects.values_list("question_id", "text"))
    with pytest.raises(FundError, match="must be a number"):
        services.answers_save(
            application=application, by=applicant, values={choice.pk: "Stadt", number.pk: "viele"}
        )
    with pytest.raises(FundError, match="not one of the choices"):
        services.answers_save(application=application, by=applicant, values={choice.pk: "Mond"})
    assert list(Answer.objects.values_list("question_id", "text")) == before
    services.answers_save(
        application=application, by=applicant, values={choice.pk: "Umland", number.pk: "40"}
    )
    assert Answer.objects.get(question=number).number == Decimal(40)


def test_submission_freezes_a_revision_that_later_changes_cannot_touch(open_call, applicant):
    application = _ready(open_call, applicant)
    services.attachment_add(
        application=application, upload=SimpleUploadedFile("plan.pdf", PDF), by=applicant
    )
    services.application_transition(application=application, name="submit", by=applicant)
    revision = application.revisions.get()
    assert revision.number == 1 and len(revision.digest) == 64
    assert revision.content["title"] == "Nachbarschaftscafé"
    assert revision.content["requested_amount"] == "13500.00"
    assert revision.content["answers"][0]["value"] == "Über die Elternarbeit."
    assert revision.content["attachments"][0]["name"] == "plan.pdf"
    with pytest.raises(FundError, match="no longer be changed"):
        services.application_update(application=application, by=applicant, title="Neu")
    with pytest.raises(FundError, match="no longer be changed"):
        services.attachment_add(
            application=application, upload=SimpleUploadedFile("b.pdf", PDF), by=applicant
        )


def test_the_office_asks_and_the_applicant_answers_once(
    open_call, applicant, fund_officer, mailoutbox, django_capture_on_commit_callbacks
):
    application = _ready(open_call, applicant)
    with pytest.raises(FundError, match="No questions"):
        services.inquiry_ask(application=application, question="Warum?", by=fund_officer)
    services.application_transition(application=application, name="submit", by=applicant)
    with pytest.raises(PermissionDenied):
        services.inquiry_ask(application=application, question="Warum?", by=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        inquiry = services.inquiry_ask(
            application=application, question="Wer leitet das Café?", by=fund_officer
        )
    assert "Wer leitet das Café?" in mailoutbox[-1].body
    with pytest.raises(FundError, match="Write the answer"):
        services.inquiry_answer(inquiry=inquiry, answer="  ", by=applicant)
    with pytest.raises(PermissionDenied):
        services.inquiry_answer(inquiry=inquiry, answer="Ich", by=fund_officer)
    services.inquiry_answer(inquiry=inquiry, answer="Frau Yilmaz.", by=applicant)
    with pytest.raises(FundError, match="already been answered"):
        services.inquiry_answer(inquiry=inquiry, answer="Doch nicht", by=applicant)
    assert Inquiry.objects.get().answer == "Frau Yilmaz."


def test_an_unverified_organisation_is_not_found_eligible(open_call, applicant, fund_officer):
    applicant.organisation.verified_at = None
    applicant.organisation.save()
    application = _ready(open_call, applicant)
    services.application_transition(application=application, name="submit", by=applicant)
    with pytest.raises(FundError, match="Verify the organisation"):
        services.application_transition(
            application=application, name="mark_eligible", by=fund_officer
        )
    assert Application.objects.get(pk=application.pk).state == State.SUBMITTED


def test_budget_lines_show_planned_committed_and_paid_per_product_and_year(grant, fund_officer):
    payment = services.payment_request(
        grant=grant,
        amount=Decimal("5000"),
        reason="",
        by=grant.application.organisation.memberships.get().user,
    )
    services.payment_decide(payment=payment, by=fund_officer, approve=True)
    services.payment_mark_paid(payment=payment, by=fund_officer)
    lines = {b.year: b for b in selectors.budget_lines()}
    paid_year = PaymentRequest.objects.get().paid_at.year
    assert all(b.product == "331111 Regionsfonds" for b in lines.values())
    assert (lines[2025].planned, lines[2025].committed) == (Decimal("200000"), Decimal("13500"))
    assert lines[2025].available == Decimal("186500")
    assert lines[paid_year].paid == Decimal("5000")
