"""A call's reviewed applications solved and saved as an allocation run."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from core.roles import Role
from fund import services
from fund.models import AllocationRun, Review, Score
from fund.tests.test_services import _recommended


def test_a_run_solves_the_reviewed_applications_within_the_money_left(
    open_call, applicant, fund_officer, make_user
):
    open_call.budget = Decimal("20000")
    open_call.save()
    first = _recommended(open_call, applicant, fund_officer, Decimal("13500"))
    second = _recommended(open_call, applicant, fund_officer, Decimal("4000"))
    criterion = open_call.criteria.get()
    for application, value in ((first, 5), (second, 3)):  # 100 % and 60 %
        review = Review.objects.create(
            application=application, reviewer=make_user(Role.REVIEWER), state="submitted"
        )
        Score.objects.create(review=review, criterion=criterion, value=value)
    run = services.allocation_run_create(
        call=open_call, by=fund_officer, constraints={"organisation_max_projects": 1}
    )
    assert run.status == "optimal"
    assert run.inputs["constraints"] == {"budget": 20000.0, "organisation_max_projects": 1}
    assert {a["id"] for a in run.inputs["applications"]} == {str(first.pk), str(second.pk)}
    scores = {a["id"]: a["score"] for a in run.inputs["applications"]}
    assert scores == {str(first.pk): 100.0, str(second.pk): 60.0}
    funded = {k for k, v in run.result["amounts"].items() if v > 0}
    assert funded == {str(first.pk)}  # one per organisation: the better one
    assert len(run.result["explanations"]) == 2
    assert AllocationRun.history.count() == 1


def test_only_fund_officers_run_the_allocation(open_call, make_user):
    with pytest.raises(PermissionDenied):
        services.allocation_run_create(call=open_call, by=make_user(Role.APPLICANT))
    assert not AllocationRun.objects.exists()


def test_unknown_constraints_are_refused_and_nothing_saved(open_call, fund_officer):
    with pytest.raises(services.FundError, match="unknown constraints: quota"):
        services.allocation_run_create(call=open_call, by=fund_officer, constraints={"quota": 1})
    assert not AllocationRun.objects.exists()
