"""From the decision to the closed case: grant notice, payments, proof of use, repayment."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from fund import services
from fund.models import Application, PaymentRequest
from fund.services import FundError
from fund.tests.test_services import _recommended
from fund.workflow import State


def test_issuing_the_grant_moves_the_application(grant):
    assert grant.amount == Decimal("13500")
    assert Application.objects.get(pk=grant.application_id).state == State.GRANTED


def test_a_financing_type_the_call_does_not_allow_is_refused(open_call, applicant, fund_officer):
    open_call.financing_types = ["fixed"]
    open_call.save()
    application = _recommended(open_call, applicant, fund_officer, Decimal("4000"))
    services.application_transition(application=application, name="approve", by=None)
    with pytest.raises(FundError, match="financing type"):
        services.grant_issue(
            application=application,
            by=fund_officer,
            financing_type="deficit",
            start=dt.date(2025, 7, 1),
            end=dt.date(2026, 6, 30),
        )
    assert Application.objects.get(pk=application.pk).state == State.APPROVED


def test_payments_never_exceed_the_grant(grant, applicant, fund_officer):
    first = services.payment_request(grant=grant, amount=Decimal("10000"), reason="", by=applicant)
    assert Application.objects.get(pk=grant.application_id).state == State.RUNNING
    with pytest.raises(FundError, match="3500"):
        services.payment_request(grant=grant, amount=Decimal("4000"), reason="", by=applicant)
    assert PaymentRequest.objects.filter(grant=grant).count() == 1
    with pytest.raises(PermissionDenied):
        services.payment_decide(payment=first, by=applicant, approve=True)
    services.payment_decide(payment=first, by=fund_officer, approve=True)
    paid = services.payment_mark_paid(payment=first, by=fund_officer)
    assert paid.state == PaymentRequest.State.PAID and paid.paid_at


def test_lower_costs_under_deficit_financing_are_claimed_back(grant, applicant, fund_officer):
    payment = services.payment_request(
        grant=grant, amount=Decimal("13500"), reason="", by=applicant
    )
    services.payment_decide(payment=payment, by=fund_officer, approve=True)
    services.payment_mark_paid(payment=payment, by=fund_officer)
    proof = services.proof_submit(
        grant=grant,
        by=applicant,
        narrative="Zwölf Treffen mit 180 Teilnehmenden.",
        actual_costs={"staff": Decimal("10000"), "material": Decimal("3000")},
        actual_own_contribution=Decimal("1500"),
        actual_third_party_funds=Decimal("0"),
    )
    checked = services.proof_check(proof=proof, purpose_achieved=True, by=fund_officer)
    # Planned 15,000, spent 13,000: the gap is 11,500, so 2,000 of the 13,500 go back.
    assert checked.eligible_grant == Decimal("11500.00")
    assert checked.repayment == Decimal("2000.00")
    application = Application.objects.get(pk=grant.application_id)
    assert application.state == State.REPAYMENT_CLAIMED
    assert "2000" in application.events.last().note


def test_a_proof_needs_its_narrative_report(grant, applicant):
    services.payment_request(grant=grant, amount=Decimal("1000"), reason="", by=applicant)
    with pytest.raises(FundError, match="narrative"):
        services.proof_submit(
            grant=grant,
            by=applicant,
            narrative=" ",
            actual_costs={},
            actual_own_contribution=Decimal("0"),
            actual_third_party_funds=Decimal("0"),
        )
