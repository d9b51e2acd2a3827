"""Applications move only along the workflow table, with their rules enforced."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fund import services
from fund.models import Answer, Application, Event
from fund.services import CostSpec, FundError
from fund.workflow import State

COSTS = [
    CostSpec("staff", "Honorar Sprachmittlung", Decimal("12000")),
    CostSpec("material", "Material und Raummiete", Decimal("3000")),
]


def _ready(call, applicant, **fields):
    """A complete draft: costs add up, own contribution met, required question answered."""
    application = services.application_create(
        call=call, organisation=applicant.organisation, by=applicant, title="Nachbarschaftscafé"
    )
    values = {
        "own_contribution": Decimal("1500"),
        "third_party_funds": Decimal("0"),
        "requested_amount": Decimal("13500"),
        **fields,
    }
    services.application_update(application=application, by=applicant, costs=COSTS, **values)
    services.answers_save(
        application=application,
        by=applicant,
        values={call.questions.get(position=0).pk: "Über die Elternarbeit."},
    )
    return application


def test_a_complete_application_is_submitted_with_a_timeline_entry_and_an_email(
    open_call, applicant, django_capture_on_commit_callbacks
):
    application = _ready(open_call, applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(application=application, name="submit", by=applicant)
    application.refresh_from_db()
    assert application.state == State.SUBMITTED and application.submitted_at
    event = Event.objects.get(application=application)
    assert (event.source, event.target, event.by) == (State.DRAFT, State.SUBMITTED, applicant)
    assert mail.outbox and applicant.email in mail.outbox[0].to


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"requested_amount": Decimal("14000")}, "does not add up"),
        ({"own_contribution": Decimal("500"), "third_party_funds": Decimal("1000")}, "10 %"),
        (
            {"requested_amount": Decimal("41000"), "own_contribution": Decimal("0")},
            "at most 40000",
        ),
    ],
)
def test_submission_is_refused_with_a_clear_reason_and_nothing_changes(
    open_call, applicant, fields, message
):
    application = _ready(open_call, applicant, **fields)
    with pytest.raises(FundError, match=message):
        services.application_transition(application=application, name="submit", by=applicant)
    application.refresh_from_db()
    assert application.state == State.DRAFT
    assert not Event.objects.filter(application=application).exists()


def test_negative_amounts_are_refused_and_nothing_is_saved(open_call, applicant):
    application = _ready(open_call, applicant)
    with pytest.raises(ValidationError, match="own_contribution"):
        services.application_update(
            application=application, by=applicant, own_contribution=Decimal("-1"), costs=[]
        )
    application.refresh_from_db()
    assert application.own_contribution == Decimal("1500") and application.costs.count() == 2


def test_nothing_is_submitted_after_the_deadline(open_call, applicant):
    application = _ready(open_call, applicant)
    open_call.deadline = timezone.now() - dt.timedelta(minutes=1)
    open_call.opens_at = timezone.now() - dt.timedelta(days=40)
    open_call.save()
    with pytest.raises(FundError, match="deadline"):
        services.application_transition(application=application, name="submit", by=applicant)
    assert Application.objects.get(pk=application.pk).state == State.DRAFT


def test_a_required_question_must_be_answered(open_call, applicant):
    application = _ready(open_call, applicant)
    Answer.objects.filter(application=application).delete()
    with pytest.raises(FundError, match="Wie erreichen Sie"):
        services.application_transition(application=application, name="submit", by=applicant)


def test_only_members_of_the_organisation_apply_and_only_officers_check(
    open_call, applicant, fund_officer, make_user
):
    stranger = make_user()
    with pytest.raises(PermissionDenied):
        services.application_create(
            call=open_call, organisation=applicant.organisation, by=stranger, title="Fremd"
        )
    application = _ready(open_call, applicant)
    services.application_transition(application=application, name="submit", by=applicant)
    with pytest.raises(PermissionDenied):
        services.application_transition(application=application, name="mark_eligible", by=applicant)
    services.application_transition(application=application, name="mark_eligible", by=fund_officer)
    assert Application.objects.get(pk=application.pk).state == State.ELIGIBLE


def test_a_step_that_does_not_start_from_the_current_state_is_refused(open_call, applicant):
    application = _ready(open_call, applicant)
    with pytest.raises(FundError, match="not possible"):
        services.application_transition(application=application, name="approve", by=None)


def test_ineligibility_needs_a_reason(open_call, applicant, fund_officer):
    application = _ready(open_call, applicant)
    services.application_transition(application=application, name="submit", by=applicant)
    with pytest.raises(FundError, match="reason"):
        services.application_transition(
            application=application, name="mark_ineligible", by=fund_officer
        )


def _recommended(call, applicant, officer, requested):
    application = _ready(
        call,
        applicant,
        requested_amount=requested,
        own_contribution=Decimal("15000") - requested,
    )
    for name, by in (
        ("submit", applicant),
        ("mark_eligible", officer),
        ("start_review", officer),
        ("recommend", officer),
    ):
        services.application_transition(application=application, name=name, by=by)
    return application


def test_decisions_never_commit_more_than_the_calls_budget(open_call, applicant, fund_officer):
    open_call.budget = Decimal("25000")
    open_call.save()
    first = _recommended(open_call, applicant, fund_officer, Decimal("13500"))
    second = _recommended(open_call, applicant, fund_officer, Decimal("13500"))
    services.application_transition(application=first, name="approve", by=None)
    with pytest.raises(FundError, match="11500"):
        services.application_transition(application=second, name="approve", by=None)
    services.application_transition(
        application=second, name="approve_partly", by=None, amount=Decimal("11500")
    )
    assert services.committed(open_call) == Decimal("25000")


def test_small_grants_are_decided_by_the_board_through_an_officer(
    open_call, applicant, fund_officer
):
    small = _recommended(open_call, applicant, fund_officer, Decimal("4000"))
    services.application_transition(application=small, name="approve", by=fund_officer)
    large = _recommended(open_call, applicant, fund_officer, Decimal("13500"))
    with pytest.raises(PermissionDenied):
        services.application_transition(application=large, name="approve", by=fund_officer)


def test_applicant_withdraws_before_the_decision(open_call, applicant):
    application = _ready(open_call, applicant)
    services.application_transition(application=application, name="submit", by=applicant)
    services.application_transition(application=application, name="withdraw", by=applicant)
    assert Application.objects.get(pk=application.pk).state == State.WITHDRAWN
    with pytest.raises(FundError):
        services.application_update(application=application, by=applicant, title="Neu")
