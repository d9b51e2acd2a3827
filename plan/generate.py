"""A seeded generator of synthetic plan versions of any size, for tests and benchmarks.

Everything it writes is invented and marked as example data. The plan and its
versions go through the services; the items of a large version are written with
``bulk_create`` (no per-item audit history), because a plan of thousands of items
would otherwise take minutes. Drafts made from a generated version are real copies
(``version_start_draft``), so comparisons and copies are measured on the real code.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from council import services as council_services
from council.models import Body, Organization, Paper
from plan import search, services
from plan.models import (
    FieldOfAction,
    Goal,
    ImplementationStatus,
    Indicator,
    Measure,
    MeasureState,
    Plan,
    PlanVersion,
)

WORDS = (
    "Sprachförderung Elternarbeit Ausbildung Beratung Quartier Nachbarschaft Ehrenamt "
    "Antidiskriminierung Gesundheit Sport Kultur Wohnen Arbeitsmarkt Beteiligung "
    "Verwaltung Öffnung Mentoring Begegnung Schule Kita Frauen Jugend Senioren Netzwerk"
).split()


@dataclass
class GeneratedPlan:
    plan: Plan
    version: PlanVersion
    lead_unit: Organization


def _phrase(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def administration_unit(body: Body) -> Organization:
    unit = Organization.objects.filter(body=body, kind=Organization.Kind.ADMINISTRATION).first()
    if unit is None:
        unit = council_services.organization_create(
            body=body,
            name="Koordinierungsstelle (generiert)",
            kind=Organization.Kind.ADMINISTRATION,
            is_example=True,
        )
    return unit


def decided_paper(body: Body, reference: str) -> Paper:
    """A council paper whose deciding consultation has recorded approval."""
    council = Organization.objects.filter(body=body, kind=Organization.Kind.COUNCIL).first()
    if council is None:
        council = council_services.organization_create(
            body=body, name="Rat (generiert)", kind=Organization.Kind.COUNCIL, is_example=True
        )
    paper = council_services.paper_create(
        body=body,
        reference=reference,
        name=f"Integrationsplan – Beschluss {reference}",
        paper_type="Beschlussvorlage",
        date=dt.date(2024, 1, 10),
        consultations=[
            council_services.ConsultationSpec(
                organization=council,
                role="Entscheidung",
                authoritative=True,
                planned_date=dt.date(2024, 2, 1),
            )
        ],
        is_example=True,
    )
    consultation = paper.consultations.get()
    council_services.consultation_record_vote(
        consultation=consultation,
        as_proposed=True,
        votes_yes=40,
        votes_no=10,
        votes_abstention=2,
        result="mehrheitlich beschlossen",
        by=None,
    )
    return paper


@transaction.atomic
def generate_plan(
    body: Body,
    *,
    measures: int,
    fields: int = 8,
    seed: int = 1,
    slug: str = "generiert",
    adopt: bool = True,
) -> GeneratedPlan:
    """A plan whose first version holds ``measures`` measures, with goals and indicators.

    Per field: two strategic goals with two operational goals each; one indicator per
    field; measures spread over the fields, each serving one or two goals of its field.
    Items total exactly ``measures + fields * 8``.
    """
    rng = random.Random(seed)
    unit = administration_unit(body)
    plan = services.plan_create(
        body=body, name=f"Integrationsplan {slug}", slug=slug, is_example=True, by=None
    )
    version = services.version_start_draft(plan=plan, by=None, title="Version 1", is_example=True)
    field_objs = FieldOfAction.objects.bulk_create(
        [
            FieldOfAction(
                version=version, code=str(i + 1), position=i, title=f"Handlungsfeld {i + 1}"
            )
            for i in range(fields)
        ]
    )
    strategic = Goal.objects.bulk_create(
        [
            Goal(
                version=version,
                field=f,
                code=f"{f.code}.{j + 1}",
                position=j,
                title=f"Leitziel {f.code}.{j + 1}: {_phrase(rng, 3)}",
            )
            for f in field_objs
            for j in range(2)
        ]
    )
    operational = Goal.objects.bulk_create(
        [
            Goal(
                version=version,
                field=g.field,
                parent=g,
                code=f"{g.code}.{k + 1}",
                position=k,
                title=f"Handlungsziel {g.code}.{k + 1}: {_phrase(rng, 4)}",
            )
            for g in strategic
            for k in range(2)
        ]
    )
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                version=version,
                code=f"I {f.code}",
                position=i,
                name=f"Indikator {f.code}: {_phrase(rng, 2)}",
                unit="%",
                direction=Indicator.Direction.HIGHER,
                baseline_value=Decimal(rng.randint(10, 40)),
                baseline_year=2020,
                target_value=Decimal(rng.randint(41, 80)),
                target_year=2030,
            )
            for i, f in enumerate(field_objs)
        ]
    )
    goals_of_field: dict[int, list[Goal]] = {}
    for goal in operational:
        goals_of_field.setdefault(goal.field_id, []).append(goal)
    measure_objs = Measure.objects.bulk_create(
        [
            Measure(
                version=version,
                field=field_objs[i % fields],
                code=f"M {i + 1}",
                position=i // fields,
                title=f"Maßnahme {i + 1}: {_phrase(rng, 4)}",
                description=_phrase(rng, 20),
                lead_unit=unit,
                start=dt.date(2024, 1 + i % 12, 1),
                weight=Decimal(rng.choice([1, 1, 1, 2])),
            )
            for i in range(measures)
        ],
        batch_size=1000,
    )
    measure_goals = Measure.goals.through
    links = []
    for m in measure_objs:
        for goal in rng.sample(goals_of_field[m.field_id], rng.randint(1, 2)):
            links.append(measure_goals(measure_id=m.pk, goal_id=goal.pk))
    measure_goals.objects.bulk_create(links, batch_size=2000)
    indicator_goals = Indicator.goals.through
    indicator_goals.objects.bulk_create(
        [
            indicator_goals(indicator_id=ind.pk, goal_id=goals_of_field[f.pk][0].pk)
            for ind, f in zip(indicators, field_objs, strict=True)
        ]
    )
    statuses = [s for s, _label in ImplementationStatus.choices]
    MeasureState.objects.bulk_create(
        [
            MeasureState(
                plan=plan,
                measure_uid=m.uid,
                status=(status := rng.choice(statuses)),
                progress=100 if status == ImplementationStatus.DONE else rng.randint(0, 90),
                as_of=dt.date(2025, 6, 30),
            )
            for m in measure_objs
        ],
        batch_size=2000,
    )
    search.index_version(version)
    if adopt:
        paper = decided_paper(body, f"{seed}/{slug} BDs")
        version = services.version_adopt(version=version, paper=paper, by=None)
    return GeneratedPlan(plan=plan, version=version, lead_unit=unit)


def random_edits(version: PlanVersion, *, count: int, seed: int = 2, by: Any = None) -> None:
    """Apply ``count`` edits through the services: change, add, remove, move measures."""
    rng = random.Random(seed)
    fields = list(FieldOfAction.objects.filter(version=version))
    measures = list(Measure.objects.filter(version=version))
    rng.shuffle(measures)
    unit = measures[0].lead_unit if measures else None
    for i in range(count):
        action = i % 4
        if action == 0 and measures:
            measure = measures.pop()
            measure.title = f"{measure.title} (geändert)"
            services.item_save(item=measure, by=by)
        elif action == 1 and unit is not None:
            services.item_save(
                item=Measure(
                    version=version,
                    field=rng.choice(fields),
                    title=f"Neue Maßnahme {i}",
                    lead_unit=unit,
                ),
                by=by,
            )
        elif action == 2 and measures:
            services.item_remove(item=measures.pop(), by=by)
        elif measures:
            measure = measures.pop()
            others = [f for f in fields if f.pk != measure.field_id]
            if others:
                services.item_move(item=measure, field=rng.choice(others), by=by)
