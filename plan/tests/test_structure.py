"""Tests of the snapshot: a fixed number of queries, canonical values, the plan's order."""

import datetime as dt
from decimal import Decimal

import pytest

from core import services as core_services
from core.models import Municipality, Organisation
from council.models import BudgetProduct
from plan import services
from plan.generate import generate_plan
from plan.models import FieldOfAction, Goal, Indicator, Measure
from plan.structure import FIELD, GOAL, INDICATOR, MEASURE, load_snapshot

SNAPSHOT_QUERIES = 11


def _fields(version):
    return list(FieldOfAction.objects.filter(version=version).order_by("position", "pk"))


def _fill(version, partners, places):
    """Give a few measures every kind of relation, so no relation is read per item."""
    indicators = list(Indicator.objects.filter(version=version))
    for n, measure in enumerate(Measure.objects.filter(version=version).order_by("pk")[:4]):
        services.item_save(
            item=measure,
            by=None,
            indicators=indicators[:1],
            partners=partners[: n % 3],
            municipalities=places[: n % 3],
            costs={2025: Decimal(100 * n)},
            milestones=[(dt.date(2025, 3, 1), "Konzept")],
        )


@pytest.fixture
def relations(demo):
    partners = [
        core_services.organisation_create(name=name, kind=Organisation.Kind.ASSOCIATION)
        for name in ("Verein Brücke", "Verein Anker")
    ]
    return partners, list(Municipality.objects.order_by("key")[:2])


def test_a_snapshot_costs_the_same_queries_for_10_and_200_measures(
    demo, relations, django_assert_num_queries
):
    small = generate_plan(demo.body, measures=10, fields=2, slug="zehn", adopt=False)
    large = generate_plan(demo.body, measures=200, fields=8, slug="zweihundert", adopt=False)
    for generated in (small, large):
        _fill(generated.version, *relations)
    with django_assert_num_queries(SNAPSHOT_QUERIES):
        small_snapshot = load_snapshot(small.version)
    with django_assert_num_queries(SNAPSHOT_QUERIES):
        large_snapshot = load_snapshot(large.version.pk)
    assert len(small_snapshot.items) == 10 + 2 * 8
    assert len(large_snapshot.items) == 200 + 8 * 8


def test_snapshot_values_are_canonical_text(demo, relations, small_plan, plan_editor):
    partners, places = relations
    draft = services.version_start_draft(plan=small_plan.plan, by=plan_editor)
    field = _fields(draft)[0]
    strategic = Goal.objects.filter(field=field, parent=None).order_by("position").first()
    child = strategic.children.order_by("position").first()
    indicator = Indicator.objects.filter(version=draft).order_by("position").first()
    indicator.name = "Quote"
    indicator.baseline_value = Decimal("12.5")
    indicator.baseline_year = 2020
    indicator.target_value = None
    indicator.target_year = None
    indicator.municipality = places[1]
    services.item_save(item=indicator, by=plan_editor, goals=[child, strategic])
    measure = Measure.objects.filter(field=field).order_by("position").first()
    measure.code = "M 1"
    measure.start = dt.date(2025, 1, 15)
    measure.end = dt.date(2026, 3, 31)
    measure.weight = Decimal("1.5")
    measure.funding_source = Measure.FundingSource.THIRD_PARTY
    measure.budget_product = BudgetProduct.objects.get(number="331111")
    services.item_save(
        item=measure,
        by=plan_editor,
        goals=[child, strategic],
        indicators=[indicator],
        partners=partners,
        municipalities=places,
        costs={2026: Decimal("12"), 2025: Decimal("1000.5")},
        milestones=[(dt.date(2025, 9, 1), "Start"), (dt.date(2025, 3, 1), "Konzept")],
    )
    snap = load_snapshot(draft)
    item = snap.items[str(measure.uid)]
    assert (item.kind, item.parent, item.position) == (MEASURE, str(field.uid), measure.position)
    assert item.values == {
        "code": "M 1",
        "title": measure.title,
        "description": measure.description,
        "lead_unit": small_plan.lead_unit.name,
        "partners": ("Verein Anker", "Verein Brücke"),
        "municipalities": tuple(sorted(p.name for p in places)),
        "start": "2025-01-15",
        "end": "2026-03-31",
        "funding_source": "third_party",
        "budget_product": "331111",
        "weight": "1.50",
        "goals": tuple(sorted([str(strategic.uid), str(child.uid)])),
        "indicators": (str(indicator.uid),),
        "costs": ("2025: 1000.50", "2026: 12.00"),
        "milestones": ("2025-03-01: Konzept", "2025-09-01: Start"),
    }
    assert snap.items[str(indicator.uid)].values == {
        "code": indicator.code,
        "title": "Quote",
        "definition": "",
        "unit": "%",
        "source": "",
        "direction": "higher",
        "baseline_value": "12.500",
        "baseline_year": "2020",
        "target_value": "",
        "target_year": "",
        "municipality": places[1].name,
        "goals": tuple(sorted([str(strategic.uid), str(child.uid)])),
    }
    other = snap.items[str(Measure.objects.filter(version=draft).exclude(pk=measure.pk)[0].uid)]
    assert (other.values["end"], other.values["costs"], other.values["budget_product"]) == (
        "",
        (),
        "",
    )
    assert snap.items[str(child.uid)].parent == str(strategic.uid)
    assert snap.items[str(strategic.uid)].parent == str(field.uid)
    for state in snap.items.values():
        for value in state.values.values():
            assert isinstance(value, str) or all(isinstance(v, str) for v in value)


def test_snapshot_lists_items_in_the_order_of_the_plan(small_plan, plan_editor):
    draft = services.version_start_draft(plan=small_plan.plan, by=plan_editor)
    first, second, third = _fields(draft)
    services.item_place(item=third, index=0, by=plan_editor)
    goal = Goal.objects.filter(field=third, parent=None).order_by("position").last()
    services.item_place(item=goal, index=0, by=plan_editor)
    child = goal.children.order_by("position").last()
    services.item_place(item=child, index=0, by=plan_editor)
    measure = Measure.objects.filter(field=first).order_by("position").last()
    services.item_place(item=measure, index=0, by=plan_editor)
    indicator = Indicator.objects.filter(version=draft).order_by("position").last()
    services.item_place(item=indicator, index=0, by=plan_editor)

    fields = _fields(draft)
    assert fields == [third, first, second]
    expected_goals = []
    expected_measures = []
    for f in fields:
        for strategic in Goal.objects.filter(field=f, parent=None).order_by("position"):
            expected_goals.append(strategic)
            expected_goals.extend(strategic.children.order_by("position"))
        expected_measures.extend(Measure.objects.filter(field=f).order_by("position"))
    expected_indicators = list(Indicator.objects.filter(version=draft).order_by("position"))
    assert expected_goals[:2] == [goal, child]
    assert expected_measures[4] == measure
    assert expected_indicators[0] == indicator

    snap = load_snapshot(draft)

    def uids(kind):
        return [i.uid for i in snap.of_kind(kind)]

    assert uids(FIELD) == [str(f.uid) for f in fields]
    assert uids(GOAL) == [str(g.uid) for g in expected_goals]
    assert uids(MEASURE) == [str(m.uid) for m in expected_measures]
    assert uids(INDICATOR) == [str(i.uid) for i in expected_indicators]
