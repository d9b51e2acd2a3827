"""The committee decides a call's list by a council paper; its vote decides the applications."""

import datetime as dt
from decimal import Decimal

import pytest

from council import services as council_services
from fund import services
from fund.models import Application
from fund.services import FundError
from fund.tests.test_services import _recommended
from fund.workflow import State


def _vote(paper, *, yes, no, as_proposed=True):
    consultation = paper.consultations.get(authoritative=True)
    council_services.consultation_record_vote(
        consultation=consultation,
        as_proposed=as_proposed,
        votes_yes=yes,
        votes_no=no,
        votes_abstention=0,
        result="beschlossen" if yes > no else "abgelehnt",
        by=None,
    )


@pytest.fixture
def listed(open_call, applicant, fund_officer):
    """Two recommended applications above the small-grant limit and one below it."""
    return [
        _recommended(open_call, applicant, fund_officer, Decimal("13500")),
        _recommended(open_call, applicant, fund_officer, Decimal("12000")),
        _recommended(open_call, applicant, fund_officer, Decimal("4000")),
    ]


def _paper(call, demo, officer, **kwargs):
    return services.decision_paper_create(
        call=call,
        by=officer,
        reference="1501 (V) BDs",
        deciding_body=demo.committees["Regionsausschuss"],
        planned_date=dt.date(2025, 9, 16),
        **kwargs,
    )


def test_the_council_decision_approves_the_listed_applications_with_cuts(
    demo, open_call, fund_officer, listed, django_capture_on_commit_callbacks
):
    first, second, small = listed
    decision = _paper(open_call, demo, fund_officer, amounts={second.pk: Decimal("10000")})
    assert [i.application for i in decision.items.order_by("pk")] == [first, second]
    assert "13500.00 €" in decision.paper.resolution_proposal
    with django_capture_on_commit_callbacks(execute=True):
        _vote(decision.paper, yes=12, no=3)
    states = {a.pk: (a.state, a.decided_amount) for a in Application.objects.all()}
    assert states[first.pk] == (State.APPROVED, Decimal("13500.00"))
    assert states[second.pk] == (State.PARTLY_APPROVED, Decimal("10000.00"))
    assert states[small.pk][0] == State.RECOMMENDED  # the board decides small grants


def test_a_vote_against_rejects_the_listed_applications(
    demo, open_call, fund_officer, listed, django_capture_on_commit_callbacks
):
    decision = _paper(open_call, demo, fund_officer)
    with django_capture_on_commit_callbacks(execute=True):
        _vote(decision.paper, yes=2, no=11)
    assert {a.state for a in Application.objects.filter(decision_items__decision=decision)} == {
        State.REJECTED
    }


def test_a_deviating_decision_is_left_to_the_fund_office(
    demo, open_call, fund_officer, listed, django_capture_on_commit_callbacks
):
    decision = _paper(open_call, demo, fund_officer)
    with django_capture_on_commit_callbacks(execute=True):
        _vote(decision.paper, yes=9, no=4, as_proposed=False)
    decision.refresh_from_db()
    assert decision.applied_at is None
    assert listed[0].__class__.objects.get(pk=listed[0].pk).state == State.RECOMMENDED


def test_an_amount_above_the_request_is_refused_and_no_paper_is_written(
    demo, open_call, fund_officer, listed
):
    from council.models import Paper

    count = Paper.objects.count()
    with pytest.raises(FundError, match="not above"):
        _paper(open_call, demo, fund_officer, amounts={listed[0].pk: Decimal("99999")})
    assert Paper.objects.count() == count
