"""Reviewers declare before they score, see only their assignments, and their scores sum up."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from core.roles import Role
from fund import selectors, services
from fund.models import Criterion, Review
from fund.services import FundError
from fund.tests.test_services import _ready


@pytest.fixture
def eligible(open_call, applicant, fund_officer):
    application = _ready(open_call, applicant)
    services.application_transition(application=application, name="submit", by=applicant)
    services.application_transition(application=application, name="mark_eligible", by=fund_officer)
    return application


@pytest.fixture
def reviewers(make_user):
    return [make_user(Role.REVIEWER) for _ in range(2)]


def test_reviewer_scores_only_after_declaring_no_conflict(eligible, fund_officer, reviewers):
    review = services.review_assign(application=eligible, reviewer=reviewers[0], by=fund_officer)
    criterion = eligible.call.criteria.get()
    with pytest.raises(FundError, match="conflict of interest"):
        services.review_submit(
            review=review, scores={criterion.pk: (4, "")}, comment="", by=reviewers[0]
        )
    services.review_declare(review=review, no_conflict=True, by=reviewers[0])
    services.review_submit(
        review=review, scores={criterion.pk: (4, "schlüssig")}, comment="gut", by=reviewers[0]
    )
    assert Review.objects.get(pk=review.pk).state == Review.State.SUBMITTED


def test_a_declared_conflict_unassigns_and_hides_the_application(eligible, fund_officer, reviewers):
    review = services.review_assign(application=eligible, reviewer=reviewers[0], by=fund_officer)
    assert eligible in selectors.applications_for(reviewers[0])
    services.review_declare(review=review, no_conflict=False, by=reviewers[0])
    assert eligible not in selectors.applications_for(reviewers[0])
    assert eligible not in selectors.applications_for(reviewers[1])


def test_only_officers_assign_and_only_the_reviewer_scores(
    eligible, fund_officer, reviewers, applicant
):
    with pytest.raises(PermissionDenied):
        services.review_assign(application=eligible, reviewer=reviewers[0], by=reviewers[1])
    review = services.review_assign(application=eligible, reviewer=reviewers[0], by=fund_officer)
    with pytest.raises(PermissionDenied):
        services.review_declare(review=review, no_conflict=True, by=reviewers[1])
    with pytest.raises(FundError, match="not a reviewer"):
        services.review_assign(application=eligible, reviewer=applicant, by=fund_officer)


def test_scores_outside_the_scale_are_refused(eligible, fund_officer, reviewers):
    review = services.review_assign(application=eligible, reviewer=reviewers[0], by=fund_officer)
    services.review_declare(review=review, no_conflict=True, by=reviewers[0])
    criterion = eligible.call.criteria.get()
    with pytest.raises(Exception, match="best score is 5"):
        services.review_submit(
            review=review, scores={criterion.pk: (6, "")}, comment="", by=reviewers[0]
        )
    assert Review.objects.get(pk=review.pk).state == Review.State.DECLARED
    assert not review.scores.exists()


def test_summary_is_the_weighted_mean_spread_and_count(eligible, fund_officer, reviewers):
    call = eligible.call
    second = Criterion.objects.create(call=call, name="Nachhaltigkeit", weight=Decimal(1))
    first = call.criteria.exclude(pk=second.pk).get()  # weight 2, scale 5
    for reviewer, (a, b) in zip(reviewers, [(5, 2), (3, 5)], strict=True):
        review = services.review_assign(application=eligible, reviewer=reviewer, by=fund_officer)
        services.review_declare(review=review, no_conflict=True, by=reviewer)
        services.review_submit(
            review=review, scores={first.pk: (a, ""), second.pk: (b, "")}, comment="", by=reviewer
        )
    summary = selectors.review_summary(eligible)
    # (2·5/5 + 1·2/5)/3 = 80 %, (2·3/5 + 1·5/5)/3 = 73.3 %
    assert summary.count == 2
    assert summary.mean == Decimal("76.7")
    assert summary.spread == Decimal("3.3")
    assert (summary.lowest, summary.highest) == (Decimal("73.3"), Decimal("80.0"))
