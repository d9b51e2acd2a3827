"""Traceability: from the council's motion to the plan's goals, their measures, the funded
projects serving them with their money, and the indicators measuring them — and back.

``trace(version)`` gives every goal of a plan version with what hangs on it. With a focus
(a funded project, a measure or an indicator) only the goals it is connected to are kept,
so the page reads from that item back up to the goals, the plan and the motion. Projects
name their goals by the version-independent uid, so a project applied for under one version
is found under the goals of the next. A handful of queries, whatever the size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fund.selectors import FundedProject, funded_projects
from monitoring import dashboard, progress
from plan.models import Goal, Indicator, Measure


@dataclass
class GoalTrace:
    goal: Goal
    measures: list[Measure] = field(default_factory=list)
    projects: list[FundedProject] = field(default_factory=list)
    indicators: list[tuple[Indicator, progress.Assessment]] = field(default_factory=list)

    @property
    def committed(self) -> Decimal:
        return sum((p.committed for p in self.projects), Decimal(0))

    @property
    def paid(self) -> Decimal:
        return sum((p.paid for p in self.projects), Decimal(0))


@dataclass
class Trace:
    version: Any
    goals: list[GoalTrace]
    focus: str = ""  # what the trace starts from, in words; empty: everything

    @property
    def mandate(self) -> Any:
        return self.version.mandate

    @property
    def projects(self) -> int:
        return len({p.id for g in self.goals for p in g.projects})


def trace(
    version: Any,
    *,
    project: int | None = None,
    measure_uid: Any = None,
    indicator_uid: Any = None,
) -> Trace:
    goals = list(
        Goal.objects.filter(version=version)
        .select_related("field", "parent")
        .order_by("field__position", "position", "pk")
    )
    by_pk = {g.pk: GoalTrace(g) for g in goals}
    by_uid = {str(g.uid): by_pk[g.pk] for g in goals}
    measures = {m.pk: m for m in Measure.objects.filter(version=version)}
    for measure_id, goal_id in Measure.goals.through.objects.filter(
        measure__version=version
    ).values_list("measure_id", "goal_id"):
        by_pk[goal_id].measures.append(measures[measure_id])
    assessed = {row.indicator.pk: row for row in dashboard.indicator_rows(version)}
    for indicator_id, goal_id in Indicator.goals.through.objects.filter(
        indicator__version=version
    ).values_list("indicator_id", "goal_id"):
        row = assessed[indicator_id]
        by_pk[goal_id].indicators.append((row.indicator, row.assessment))
    projects = funded_projects()
    served: dict[int, list[GoalTrace]] = defaultdict(list)
    for p in projects:
        for uid in p.goal_uids:
            if uid in by_uid:
                by_uid[uid].projects.append(p)
                served[p.id].append(by_uid[uid])
    kept = list(by_pk.values())
    focus = ""
    if project is not None:
        kept = served.get(project, [])
        match = next((p for p in projects if p.id == project), None)
        focus = match.title if match else ""
    elif measure_uid is not None:
        kept = [g for g in kept if any(str(m.uid) == str(measure_uid) for m in g.measures)]
        focus = next(
            (str(m) for g in kept for m in g.measures if str(m.uid) == str(measure_uid)), ""
        )
    elif indicator_uid is not None:
        kept = [g for g in kept if any(str(i.uid) == str(indicator_uid) for i, _a in g.indicators)]
        focus = next(
            (str(i) for g in kept for i, _a in g.indicators if str(i.uid) == str(indicator_uid)),
            "",
        )
    for g in kept:
        g.measures.sort(key=lambda m: (m.position, m.pk))
        g.projects.sort(key=lambda p: -p.committed)
    return Trace(version=version, goals=kept, focus=focus)
