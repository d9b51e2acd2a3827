"""Reads of the fund app: what each user may list, and the reviews of an application summed up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import pstdev
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from core.policies import has_role
from core.roles import Role
from fund import workflow
from fund.models import Application, Call, CallTarget, PaymentRequest, Review, Score
from plan.models import Goal, Measure, PlanVersion


def applications_for(user: Any) -> QuerySet[Application]:
    """The applications the user may see: officers all; members their organisation's;
    reviewers those assigned to them (unless they declared a conflict)."""
    qs = Application.objects.select_related("call", "organisation")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if has_role(user, Role.FUND_OFFICER):
        return qs
    own = qs.filter(organisation__memberships__user=user)
    assigned = qs.filter(reviews__reviewer=user).exclude(
        reviews__reviewer=user, reviews__state=Review.State.CONFLICT
    )
    return (own | assigned).distinct()


def reviews_of(user: Any) -> QuerySet[Review]:
    """The reviewer's assignments with application and call; declared conflicts are gone."""
    return (
        Review.objects.filter(reviewer=user.pk)
        .exclude(state=Review.State.CONFLICT)
        .select_related("application__call", "application__organisation")
    )


@dataclass(frozen=True)
class ReviewSummary:
    count: int
    mean: Decimal | None  # weighted score in % of the best possible, mean over reviews
    spread: Decimal | None  # population standard deviation of the reviews' scores
    lowest: Decimal | None
    highest: Decimal | None


def _percent(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def review_score(scores: list[Score]) -> float:
    """One review's weighted score in % of the best possible (criteria weights, scales)."""
    weights = sum(float(s.criterion.weight) for s in scores)
    if not weights:
        return 0.0
    total = sum(float(s.criterion.weight) * s.value / s.criterion.scale_max for s in scores)
    return 100 * total / weights


def review_summary(application: Application) -> ReviewSummary:
    """Weighted mean, spread and number of the submitted reviews (one query)."""
    return review_summaries([application.pk]).get(application.pk, _summary([]))


def review_summaries(
    applications: Iterable[int] | QuerySet[Any, Any],
) -> dict[int, ReviewSummary]:
    """The review summary of each application, for list pages (one query for all).

    ``applications`` is a queryset (used as a subquery) or ids. Reads plain values: a
    workbench of thousands of applications builds no model object per score.
    """
    ids: Any = applications if isinstance(applications, QuerySet) else list(applications)
    rows = Score.objects.filter(
        review__application_id__in=ids, review__state=Review.State.SUBMITTED
    ).values_list(
        "review__application_id", "review_id", "value", "criterion__weight", "criterion__scale_max"
    )
    per_review: dict[tuple[int, int], tuple[float, float]] = {}
    for application_id, review_id, value, weight, scale_max in rows:
        total, weights = per_review.get((application_id, review_id), (0.0, 0.0))
        per_review[(application_id, review_id)] = (
            total + float(weight) * value / scale_max,
            weights + float(weight),
        )
    values: dict[int, list[float]] = {}
    for (application_id, _review), (total, weights) in per_review.items():
        values.setdefault(application_id, []).append(100 * total / weights if weights else 0.0)
    return {pk: _summary(scores) for pk, scores in values.items()}


def _summary(values: list[float]) -> ReviewSummary:
    if not values:
        return ReviewSummary(0, None, None, None, None)
    return ReviewSummary(
        count=len(values),
        mean=_percent(sum(values) / len(values)),
        spread=_percent(pstdev(values)),
        lowest=_percent(min(values)),
        highest=_percent(max(values)),
    )


@dataclass
class BudgetLine:
    """One budget product in one year: the calls' budgets, what is committed, what is paid."""

    product: str
    year: int
    planned: Decimal = Decimal(0)
    committed: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)

    @property
    def available(self) -> Decimal:
        return self.planned - self.committed


def _per_product_and_year(qs: QuerySet[Any], path: str, year: Any, amount: str) -> QuerySet[Any]:
    product = f"{path}fund__budget_product__"
    return qs.values(
        number=F(f"{product}number"), name=F(f"{product}name"), budget_year=year
    ).annotate(total=Sum(amount))


def budget_lines() -> list[BudgetLine]:
    """Planned, committed and paid money per budget product and year (three queries).

    Planned and committed count in the year of the call (its budget year); paid counts
    in the year the payment was made.
    """
    sources = {
        "planned": _per_product_and_year(Call.objects.all(), "", F("year"), "budget"),
        "committed": _per_product_and_year(
            Application.objects.filter(state__in=workflow.COMMITTED),
            "call__",
            F("call__year"),
            "decided_amount",
        ),
        "paid": _per_product_and_year(
            PaymentRequest.objects.filter(state=PaymentRequest.State.PAID),
            "grant__application__call__",
            ExtractYear("paid_at"),
            "amount",
        ),
    }
    lines: dict[tuple[str, int], BudgetLine] = {}
    for kind, rows in sources.items():
        for row in rows:
            product = f"{row['number']} {row['name']}"
            key = (product, row["budget_year"])
            line = lines.setdefault(key, BudgetLine(*key))
            setattr(line, kind, getattr(line, kind) + (row["total"] or 0))
    return sorted(lines.values(), key=lambda b: (b.product, b.year))


@dataclass(frozen=True)
class CallPlanItems:
    """What a call serves, in the plan versions in force: goals to choose, measures named."""

    goals: list[Goal]
    measures: list[Measure]


def call_plan_items(call: Call) -> CallPlanItems:
    """The goals an application to the call may serve, and the measures it carries out.

    A call serving chosen measures offers their goals; one serving fields or goals offers
    those goals (a field: all its goals). Items are found by uid in the version in force,
    so a call keeps pointing at the same items when the plan is updated.
    """
    targets = list(call.targets.all())
    versions = PlanVersion.objects.filter(
        plan_id__in={t.plan_id for t in targets}, status=PlanVersion.Status.ADOPTED
    )
    uids = {kind: [t.uid for t in targets if t.kind == kind] for kind in CallTarget.Kind.values}
    measures = list(
        Measure.objects.filter(version__in=versions, uid__in=uids["measure"]).order_by(
            "field__position", "position"
        )
    )
    goals = Goal.objects.filter(version__in=versions).select_related("field")
    goals = goals.filter(
        Q(uid__in=uids["goal"])
        | Q(field__uid__in=uids["field"])
        | Q(measures__uid__in=uids["measure"], measures__version__in=versions)
    ).distinct()
    return CallPlanItems(
        goals=list(goals.order_by("field__position", "parent__position", "position")),
        measures=measures,
    )
