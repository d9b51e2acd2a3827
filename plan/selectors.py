"""Reads of the plan app: the version tree with rolled-up progress, items, reports.

A version's tree costs the same few queries whether it holds ten measures or a thousand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as default
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from plan import policies
from plan.models import (
    FieldOfAction,
    Goal,
    ImplementationStatus,
    Indicator,
    Measure,
    MeasureState,
    Plan,
    PlanVersion,
    StatusReport,
)


def plans() -> QuerySet[Plan]:
    return Plan.objects.select_related("body").order_by("name")


def default_plan() -> Plan | None:
    return plans().first()


def plans_in_force() -> list[tuple[Plan, PlanVersion | None, int | None]]:
    """Each plan with its version in force and that version's overall progress (home page)."""
    result: list[tuple[Plan, PlanVersion | None, int | None]] = []
    for plan in plans():
        version = plan.versions.filter(status=PlanVersion.Status.ADOPTED).first()
        progress = None
        if version is not None:
            measures = list(Measure.objects.filter(version=version).only("uid", "weight"))
            progress = rollup(attach_states(plan.pk, measures))
        result.append((plan, version, progress))
    return result


def versions_for(user: Any, plan: Plan) -> QuerySet[PlanVersion]:
    return policies.visible_versions(
        user,
        plan.versions.select_related("adoption_paper", "mandate", "based_on").order_by("-number"),
    )


def version_for(user: Any, plan: Plan, number: int | str) -> PlanVersion:
    """A version by number ("current" for the one in force) that the user may see, or 404."""
    qs = versions_for(user, plan)
    if number == "current":
        version = qs.filter(status=PlanVersion.Status.ADOPTED).first()
    else:
        try:
            version = qs.filter(number=int(number)).first()
        except ValueError:
            version = None
    if version is None:
        raise Http404
    version.plan = plan
    return version


def rollup(measures: Iterable[Measure]) -> int | None:
    """Weighted mean progress of the measures that are not dropped, rounded; None if none."""
    total = Decimal(0)
    weights = Decimal(0)
    for measure in measures:
        if measure.state_status == ImplementationStatus.DROPPED:  # type: ignore[attr-defined]
            continue
        total += measure.weight * measure.state_progress  # type: ignore[attr-defined]
        weights += measure.weight
    if not weights:
        return None
    return int((total / weights).quantize(Decimal(1)))


@dataclass
class GoalNode:
    goal: Goal
    children: list[GoalNode] = default(default_factory=list)
    measures: list[Measure] = default(default_factory=list)
    progress: int | None = None


@dataclass
class FieldNode:
    field: FieldOfAction
    goals: list[GoalNode] = default(default_factory=list)
    measures: list[Measure] = default(default_factory=list)
    progress: int | None = None

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        return status_counts(self.measures)


@dataclass
class PlanTree:
    version: PlanVersion
    fields: list[FieldNode]
    measures: list[Measure]
    weighted: bool
    progress: int | None

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        return status_counts(self.measures)


def status_counts(measures: Iterable[Measure]) -> list[tuple[str, str, int]]:
    counts: dict[str, int] = defaultdict(int)
    for measure in measures:
        counts[measure.state_status] += 1  # type: ignore[attr-defined]
    return [(value, str(label), counts[value]) for value, label in ImplementationStatus.choices]


def attach_states(plan_id: int, measures: list[Measure]) -> list[Measure]:
    """Give each measure ``state_status``, ``state_label`` and ``state_progress`` (one query)."""
    states = {
        s.measure_uid: s
        for s in MeasureState.objects.filter(
            plan_id=plan_id, measure_uid__in=[m.uid for m in measures]
        )
    }
    labels = {value: str(label) for value, label in ImplementationStatus.choices}
    for measure in measures:
        state = states.get(measure.uid)
        status = state.status if state else ImplementationStatus.PLANNED
        measure.state_status = status  # type: ignore[attr-defined]
        measure.state_label = labels[status]  # type: ignore[attr-defined]
        measure.state_progress = state.progress if state else 0  # type: ignore[attr-defined]
        measure.state_as_of = state.as_of if state else None  # type: ignore[attr-defined]
    return measures


def plan_tree(version: PlanVersion, *, field_uid: UUID | None = None) -> PlanTree:
    """Fields → strategic goals → operational goals, each with its measures and progress.

    Five queries, whatever the size of the version. With ``field_uid`` only that field.
    """
    fields = list(FieldOfAction.objects.filter(version=version).order_by("position", "pk"))
    if field_uid is not None:
        fields = [f for f in fields if f.uid == field_uid]
        if not fields:
            raise Http404
    goals = list(Goal.objects.filter(version=version, field__in=fields).order_by("position", "pk"))
    measures = list(
        Measure.objects.filter(version=version, field__in=fields)
        .select_related("lead_unit")
        .order_by("position", "pk")
    )
    attach_states(version.plan_id, measures)
    measure_by_pk = {m.pk: m for m in measures}
    goal_measures: dict[int, list[Measure]] = defaultdict(list)
    through = Measure.goals.through.objects.filter(measure__in=[m.pk for m in measures])
    for measure_id, goal_id in through.values_list("measure_id", "goal_id"):
        goal_measures[goal_id].append(measure_by_pk[measure_id])

    nodes = {g.pk: GoalNode(g, measures=sorted(goal_measures[g.pk], key=_order)) for g in goals}
    field_nodes = {f.pk: FieldNode(f) for f in fields}
    for goal in goals:
        node = nodes[goal.pk]
        if goal.parent_id is None:
            field_nodes[goal.field_id].goals.append(node)
        elif goal.parent_id in nodes:
            nodes[goal.parent_id].children.append(node)
    for node in nodes.values():
        if node.goal.parent_id is None:
            served = {m.pk: m for m in node.measures}
            for child in node.children:
                served.update({m.pk: m for m in child.measures})
            node.progress = rollup(served.values())
        else:
            node.progress = rollup(node.measures)
    for measure in measures:
        field_nodes[measure.field_id].measures.append(measure)
    for field_node in field_nodes.values():
        field_node.progress = rollup(field_node.measures)
    weights = {m.weight for m in measures}
    return PlanTree(
        version=version,
        fields=list(field_nodes.values()),
        measures=measures,
        weighted=len(weights) > 1,
        progress=rollup(measures),
    )


def _order(measure: Measure) -> tuple[int, int, int]:
    return (measure.field_id, measure.position, measure.pk)


def item_by_uid(model: type[Any], version: PlanVersion, uid: UUID | str) -> Any:
    item = model.objects.filter(version=version, uid=uid).first()
    if item is None:
        raise Http404
    return item


def goal_detail(version: PlanVersion, uid: UUID | str) -> Goal:
    goal = item_by_uid(Goal, version, uid)
    return (
        Goal.objects.select_related("field", "parent")
        .prefetch_related(
            Prefetch("children", queryset=Goal.objects.order_by("position", "pk")),
            Prefetch("measures", queryset=Measure.objects.select_related("lead_unit")),
            "indicators",
        )
        .get(pk=goal.pk)
    )


def measure_detail(version: PlanVersion, uid: UUID | str) -> Measure:
    measure = item_by_uid(Measure, version, uid)
    measure = (
        Measure.objects.select_related("field", "lead_unit", "budget_product__area")
        .prefetch_related(
            "partners",
            "municipalities",
            Prefetch("goals", queryset=Goal.objects.select_related("field", "parent")),
            "indicators",
            "costs",
            "milestones",
        )
        .get(pk=measure.pk)
    )
    attach_states(version.plan_id, [measure])
    return measure


def indicator_detail(version: PlanVersion, uid: UUID | str) -> Indicator:
    indicator = item_by_uid(Indicator, version, uid)
    return (
        Indicator.objects.select_related("municipality")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.select_related("field")),
            Prefetch("measures", queryset=Measure.objects.select_related("lead_unit")),
        )
        .get(pk=indicator.pk)
    )


def indicators_of(version: PlanVersion) -> QuerySet[Indicator]:
    return Indicator.objects.filter(version=version).select_related("municipality")


def status_reports(plan_id: int, measure_uid: UUID) -> QuerySet[StatusReport]:
    return StatusReport.objects.filter(plan_id=plan_id, measure_uid=measure_uid).select_related(
        "author", "lead_unit"
    )


def item_versions(plan: Plan, model: type[Any], uid: UUID | str, user: Any) -> list[PlanVersion]:
    """The versions (visible to the user) that contain the item, newest first."""
    numbers = set(
        model.objects.filter(version__plan=plan, uid=uid).values_list("version_id", flat=True)
    )
    return [v for v in versions_for(user, plan) if v.pk in numbers]
