"""Reads of the fund app: what each user may list, the reviews of an application summed up,
money per budget product, and the participants the funded projects reached."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import pstdev
from typing import Any, NamedTuple

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from core.policies import has_role
from core.roles import Role
from fund import workflow
from fund.models import (
    Application,
    Call,
    CallTarget,
    PaymentRequest,
    Reach,
    Review,
    Score,
    TargetGroup,
)
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


# --- participants reached (for the monitoring) ----------------------------------------


def _counted_reach() -> QuerySet[Reach]:
    """The reach rows that count: every submitted proof of use, checked or not.

    A proof of use exists only once the organisation has submitted it, so every row belongs
    to a submitted proof. Rows of applications withdrawn are left out: the workflow allows
    no withdrawal after the grant today, so this only guards against a later change. A
    repayment claimed after the check still counts: the project took place and reached
    these people, only some money goes back.
    """
    return Reach.objects.exclude(proof__grant__application__state=workflow.State.WITHDRAWN)


REACH_BY = {"municipality": "municipality__key", "target_group": "target_group"}


def reach_totals(*, by: str) -> dict[str, int]:
    """Participants summed per municipality (``by="municipality"``: keyed by its official key,
    AGS) or per target group (``by="target_group"``: keyed by its code), one query.

    Counts the reach of every submitted proof of use, checked or not, whose application was
    not withdrawn (see ``_counted_reach``). Keys without participants are absent. The rows
    are added up as reported: applicants are asked to count each person once, under the
    target group that fits best, so a municipality's total is meant to count no one twice
    (nothing can check that); a person two projects reached counts in both.
    """
    if by not in REACH_BY:
        raise ValueError(f"by must be one of {', '.join(REACH_BY)}, not {by!r}")
    field = REACH_BY[by]
    rows = (
        _counted_reach()
        .order_by()
        .values(field)
        .annotate(total=Sum("participants"))
        .values_list(field, "total")
    )
    return {key: total for key, total in sorted(rows)}


class ReachRow(NamedTuple):
    """Participants of one year, municipality and target group (``reach_rows``)."""

    year: int  # the year the funded period ends
    municipality_key: str
    municipality_name: str
    target_group: str  # the code of ``fund.models.TargetGroup``
    participants: int
    is_example: bool  # reported for example applications (the demo)


def reach_rows() -> list[ReachRow]:
    """Participants summed per year, municipality and target group, for tables and open
    data (one query).

    The same proofs count as in ``reach_totals``. A project counts in the year its funded
    period ends (the grant's end), the year its proof of use reports on. Ordered by year,
    municipality name, then the order of the target groups in ``TargetGroup``.
    """
    rows = (
        _counted_reach()
        .order_by()
        .annotate(
            year=ExtractYear("proof__grant__end"),
            is_example=F("proof__grant__application__is_example"),
        )
        .values("year", "municipality__key", "municipality__name", "target_group", "is_example")
        .annotate(total=Sum("participants"))
        .values_list(
            "year",
            "municipality__key",
            "municipality__name",
            "target_group",
            "total",
            "is_example",
        )
    )
    order = {code: index for index, code in enumerate(TargetGroup.values)}
    return sorted(
        (ReachRow(*row) for row in rows),
        key=lambda r: (
            r.year,
            r.municipality_name,
            order.get(r.target_group, len(order)),
            r.is_example,
        ),
    )


@dataclass(frozen=True)
class FundedProject:
    """An application whose grant counts against its call: money and what it serves."""

    id: int
    title: str
    organisation: str
    committed: Decimal
    paid: Decimal
    goal_uids: tuple[str, ...]
    municipalities: tuple[str, ...]  # official keys; empty: the whole region


def funded_projects() -> list[FundedProject]:
    """Every committed application with its decided and its paid amount (three queries)."""
    applications = list(
        Application.objects.filter(state__in=workflow.COMMITTED)
        .select_related("organisation")
        .prefetch_related("municipalities")
        .order_by("pk")
    )
    paid = dict(
        PaymentRequest.objects.filter(
            state=PaymentRequest.State.PAID, grant__application__in=applications
        )
        .values_list("grant__application_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return [
        FundedProject(
            id=a.pk,
            title=a.title,
            organisation=a.organisation.name,
            committed=a.decided_amount or Decimal(0),
            paid=paid.get(a.pk) or Decimal(0),
            goal_uids=tuple(str(u) for u in a.goal_uids),
            municipalities=tuple(m.key for m in a.municipalities.all()),
        )
        for a in applications
    ]
