"""Property tests: comparing a draft with its version reports exactly the edits made to it.

Random edits go through the services while a plain-Python model of the plan keeps
track of what they should do; the comparison of the two snapshots must then report
exactly the items added, removed, moved and changed in the model, and the fewest
reordered items that explain the new order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plan import services
from plan.generate import generate_plan
from plan.models import FieldOfAction, Goal, Indicator, Measure
from plan.structure import (
    ATTRIBUTES,
    FIELD,
    GOAL,
    INDICATOR,
    MEASURE,
    ItemState,
    Snapshot,
    compare,
    load_snapshot,
)

MODELS: dict[str, Any] = {
    FIELD: FieldOfAction,
    GOAL: Goal,
    MEASURE: Measure,
    INDICATOR: Indicator,
}
# The attributes the edits change, per kind; every other attribute must stay as it was.
EDITED = {
    FIELD: ("code", "title", "description"),
    GOAL: ("code", "title", "description"),
    MEASURE: (
        "code",
        "title",
        "description",
        "end",
        "weight",
        "funding_source",
        "costs",
        "milestones",
        "goals",
        "indicators",
    ),
    INDICATOR: ("code", "title", "target_value", "goals"),
}
VALUES: dict[str, list[Any]] = {
    "code": ["X 1", ""],
    "title": ["Neuer Titel", "Anderer Titel"],
    "description": ["", "Neue Beschreibung"],
    "end": [None, dt.date(2026, 12, 31), dt.date(2027, 6, 30)],
    "weight": [Decimal("1"), Decimal("2"), Decimal("0.5")],
    "funding_source": [choice for choice, _label in Measure.FundingSource.choices],
    "costs": [
        (),
        ((2025, Decimal("1000")),),
        ((2025, Decimal("1000.00")), (2026, Decimal("250.50"))),
    ],
    "milestones": [
        (),
        ((dt.date(2025, 3, 1), "Konzept"),),
        ((dt.date(2025, 9, 1), "Start"), (dt.date(2025, 3, 1), "Konzept")),
    ],
    "target_value": [None, Decimal("50"), Decimal("75.5")],
}
ORIGINAL = "original"
PROPERTY_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass
class Entry:
    kind: str
    parent: str | None
    values: dict[str, Any]


@dataclass
class PlanModel:
    """What a version should hold: items by uid, and each sibling group in order."""

    items: dict[str, Entry] = field(default_factory=dict)
    order: dict[tuple[str, str | None], list[str]] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)

    def copy(self) -> PlanModel:
        return PlanModel(
            items={uid: Entry(e.kind, e.parent, dict(e.values)) for uid, e in self.items.items()},
            order={key: list(uids) for key, uids in self.order.items()},
            seen=list(self.seen),
        )

    def add(self, uid: str, kind: str, parent: str | None, values: dict[str, Any]) -> None:
        self.items[uid] = Entry(kind, parent, values)
        self.order.setdefault((kind, parent), []).append(uid)
        self.seen.append(uid)

    def of_kind(self, *kinds: str) -> list[str]:
        return [uid for uid in self.seen if uid in self.items and self.items[uid].kind in kinds]

    def is_strategic(self, uid: str) -> bool:
        parent = self.items[uid].parent
        return parent is not None and self.items[parent].kind == FIELD

    def field_of(self, uid: str) -> str:
        while self.items[uid].kind != FIELD:
            parent = self.items[uid].parent
            assert parent is not None
            uid = parent
        return uid

    def children(self, uid: str) -> list[str]:
        return list(self.order.get((GOAL, uid), []))

    def siblings(self, uid: str) -> list[str]:
        entry = self.items[uid]
        return self.order[(entry.kind, entry.parent)]

    def reparent(self, uid: str, parent: str) -> None:
        entry = self.items[uid]
        self.siblings(uid).remove(uid)
        entry.parent = parent
        self.order.setdefault((entry.kind, parent), []).append(uid)

    def remove(self, uid: str) -> None:
        kind = self.items[uid].kind
        gone = {uid}
        if kind == FIELD:
            gone |= {u for u in self.of_kind(GOAL, MEASURE) if self.field_of(u) == uid}
        elif kind == GOAL:
            gone |= set(self.children(uid))
        for u in gone:
            self.siblings(u).remove(u)
        for u in gone:
            del self.items[u]
        for entry in self.items.values():
            for reference in ("goals", "indicators"):
                if reference in entry.values:
                    entry.values[reference] = entry.values[reference] - gone


def _milestones(pairs: Any) -> tuple[tuple[dt.date, str], ...]:
    """Milestones as the snapshot orders them: by date, then as entered."""
    return tuple(sorted(pairs, key=lambda pair: pair[0]))


def read_model(version: Any) -> PlanModel:
    """The model of a version, read from its tables (not through the snapshot)."""
    model = PlanModel()
    for f in FieldOfAction.objects.filter(version=version).order_by("position", "pk"):
        model.add(
            str(f.uid),
            FIELD,
            None,
            {"code": f.code, "title": f.title, "description": f.description},
        )
    goals = Goal.objects.filter(version=version).select_related("field", "parent")
    for g in sorted(goals, key=lambda g: (g.parent_id is not None, g.position, g.pk)):
        parent = g.parent.uid if g.parent else g.field.uid
        model.add(
            str(g.uid),
            GOAL,
            str(parent),
            {"code": g.code, "title": g.title, "description": g.description},
        )
    indicators = Indicator.objects.filter(version=version).prefetch_related("goals")
    for i in indicators.order_by("position", "pk"):
        model.add(
            str(i.uid),
            INDICATOR,
            None,
            {
                "code": i.code,
                "title": i.name,
                "target_value": i.target_value,
                "goals": frozenset(str(g.uid) for g in i.goals.all()),
            },
        )
    measures = (
        Measure.objects.filter(version=version)
        .select_related("field")
        .prefetch_related("goals", "indicators", "costs", "milestones")
        .order_by("position", "pk")
    )
    for m in measures:
        model.add(
            str(m.uid),
            MEASURE,
            str(m.field.uid),
            {
                "code": m.code,
                "title": m.title,
                "description": m.description,
                "end": m.end,
                "weight": m.weight,
                "funding_source": m.funding_source,
                "costs": tuple(sorted((c.year, c.amount) for c in m.costs.all())),
                "milestones": _milestones((s.due, s.title) for s in m.milestones.all()),
                "goals": frozenset(str(g.uid) for g in m.goals.all()),
                "indicators": frozenset(str(i.uid) for i in m.indicators.all()),
            },
        )
    return model


class Editor:
    """Draws one edit at a time, applies it through the services and to the model."""

    def __init__(self, data: Any, draft: Any, model: PlanModel, v1: PlanModel, lead_unit: Any):
        self.data, self.draft, self.model, self.v1 = data, draft, model, v1
        self.lead_unit = lead_unit

    def draw(self, strategy: Any) -> Any:
        return self.data.draw(strategy)

    def pick(self, uids: list[str]) -> str:
        return self.draw(st.sampled_from(uids))

    def row(self, uid: str) -> Any:
        return MODELS[self.model.items[uid].kind].objects.get(version=self.draft, uid=uid)

    def rows(self, kind: str, uids: frozenset[str]) -> list[Any]:
        return list(MODELS[kind].objects.filter(version=self.draft, uid__in=uids))

    def some(self, kind: str) -> frozenset[str]:
        candidates = self.model.of_kind(kind)
        if not candidates:
            return frozenset()
        return frozenset(self.draw(st.sets(st.sampled_from(candidates), max_size=3)))

    def step(self) -> None:
        actions = [self.add]
        if self.model.items:
            actions += [self.change, self.remove, self.place]
        if self.model.of_kind(MEASURE) and len(self.model.of_kind(FIELD)) > 1:
            actions.append(self.move_measure)
        if self.model.of_kind(GOAL):
            actions.append(self.move_goal)
        self.draw(st.sampled_from(actions))()

    def change(self) -> None:
        uid = self.pick(self.model.of_kind(FIELD, GOAL, MEASURE, INDICATOR))
        entry = self.model.items[uid]
        attribute = self.draw(st.sampled_from(EDITED[entry.kind]))
        options: list[Any] = ["drawn"] + ([ORIGINAL] if uid in self.v1.items else [])
        if self.draw(st.sampled_from(options)) == ORIGINAL:
            value = self.v1.items[uid].values[attribute]
            if attribute in ("goals", "indicators"):
                value = frozenset(u for u in value if u in self.model.items)
        elif attribute in ("goals", "indicators"):
            value = self.some(GOAL if attribute == "goals" else INDICATOR)
        else:
            value = self.draw(st.sampled_from(VALUES[attribute]))
        item = self.row(uid)
        relations: dict[str, Any] = {}
        if attribute in ("goals", "indicators"):
            relations[attribute] = self.rows(GOAL if attribute == "goals" else INDICATOR, value)
        elif attribute == "costs":
            relations["costs"] = dict(value)
        elif attribute == "milestones":
            relations["milestones"] = list(value)
        else:
            setattr(
                item,
                "name" if entry.kind == INDICATOR and attribute == "title" else attribute,
                value,
            )
        services.item_save(item=item, by=None, **relations)
        entry.values[attribute] = _milestones(value) if attribute == "milestones" else value

    def add(self) -> None:
        fields = self.model.of_kind(FIELD)
        kinds = [FIELD, INDICATOR] + ([GOAL, MEASURE] if fields else [])
        kind = self.draw(st.sampled_from(kinds))
        if kind == FIELD:
            item = services.item_save(
                item=FieldOfAction(version=self.draft, title="Neues Feld"), by=None
            )
            self.model.add(str(item.uid), FIELD, None, {})
        elif kind == INDICATOR:
            goals = self.some(GOAL)
            item = services.item_save(
                item=Indicator(version=self.draft, name="Neuer Indikator"),
                by=None,
                goals=self.rows(GOAL, goals),
            )
            self.model.add(str(item.uid), INDICATOR, None, {"goals": goals})
        elif kind == GOAL:
            field_uid = self.pick(fields)
            strategic = self.model.order.get((GOAL, field_uid), [])
            parent = self.draw(st.sampled_from([field_uid, *strategic]))
            item = services.item_save(
                item=Goal(
                    version=self.draft,
                    field=self.row(field_uid),
                    parent=None if parent == field_uid else self.row(parent),
                    title="Neues Ziel",
                ),
                by=None,
            )
            self.model.add(str(item.uid), GOAL, parent, {})
        else:
            field_uid = self.pick(fields)
            goals, indicators = self.some(GOAL), self.some(INDICATOR)
            item = services.item_save(
                item=Measure(
                    version=self.draft,
                    field=self.row(field_uid),
                    title="Neue Maßnahme",
                    lead_unit=self.lead_unit,
                ),
                by=None,
                goals=self.rows(GOAL, goals),
                indicators=self.rows(INDICATOR, indicators),
            )
            self.model.add(
                str(item.uid), MEASURE, field_uid, {"goals": goals, "indicators": indicators}
            )

    def remove(self) -> None:
        uid = self.pick(self.model.of_kind(FIELD, GOAL, MEASURE, INDICATOR))
        services.item_remove(item=self.row(uid), by=None)
        self.model.remove(uid)

    def move_measure(self) -> None:
        uid = self.pick(self.model.of_kind(MEASURE))
        target = self.pick(
            [u for u in self.model.of_kind(FIELD) if u != self.model.items[uid].parent]
        )
        services.item_move(item=self.row(uid), field=self.row(target), by=None)
        self.model.reparent(uid, target)

    def move_goal(self) -> None:
        uid = self.pick(self.model.of_kind(GOAL))
        targets = self.model.of_kind(FIELD)
        if not self.model.children(uid):
            targets += [
                g for g in self.model.of_kind(GOAL) if g != uid and self.model.is_strategic(g)
            ]
        target = self.pick(targets)
        kind = self.model.items[target].kind
        field_uid = target if kind == FIELD else self.model.field_of(target)
        services.item_move(
            item=self.row(uid),
            field=self.row(field_uid),
            parent=None if kind == FIELD else self.row(target),
            by=None,
        )
        if self.model.items[uid].parent != target:
            self.model.reparent(uid, target)

    def place(self) -> None:
        uid = self.pick(self.model.of_kind(FIELD, GOAL, MEASURE, INDICATOR))
        siblings = self.model.siblings(uid)
        index = self.draw(st.integers(min_value=0, max_value=len(siblings)))
        services.item_place(item=self.row(uid), index=index, by=None)
        siblings.remove(uid)
        siblings.insert(min(index, len(siblings)), uid)


def lcs_length(a: list[str], b: list[str]) -> int:
    """Length of a longest common subsequence, by the textbook O(n·m) table."""
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = (
                table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
            )
    return table[len(a)][len(b)]


def assert_minimal_reorder(
    reordered: set[str],
    old_groups: dict[Any, list[str]],
    new_groups: dict[Any, list[str]],
) -> None:
    """``reordered`` explains each group's new order, and no smaller set would."""
    covered: set[str] = set()
    for key, new_order in new_groups.items():
        common = set(new_order) & set(old_groups.get(key, []))
        old = [u for u in old_groups.get(key, []) if u in common]
        new = [u for u in new_order if u in common]
        moved = reordered & common
        covered |= moved
        assert len(moved) == len(common) - lcs_length(old, new)
        assert [u for u in old if u not in moved] == [u for u in new if u not in moved]
    assert reordered <= covered


def model_diff(v1: PlanModel, final: PlanModel) -> dict[str, Any]:
    common = set(v1.items) & set(final.items)
    changed = {}
    for uid in common:
        before, after = v1.items[uid].values, final.items[uid].values
        names = {name for name in EDITED[v1.items[uid].kind] if before[name] != after[name]}
        if names:
            changed[uid] = names
    return {
        "added": set(final.items) - set(v1.items),
        "removed": set(v1.items) - set(final.items),
        "moved": {u for u in common if v1.items[u].parent != final.items[u].parent},
        "changed": changed,
    }


def snapshot_groups(snap: Snapshot) -> dict[tuple[str, str | None], list[str]]:
    groups: dict[tuple[str, str | None], list[ItemState]] = {}
    for item in snap.items.values():
        groups.setdefault((item.kind, item.parent), []).append(item)
    return {
        key: [i.uid for i in sorted(items, key=lambda i: (i.position, i.pk))]
        for key, items in groups.items()
    }


@pytest.fixture
def adopted(demo):
    return generate_plan(demo.body, measures=8, fields=2, slug="eigenschaften")


@PROPERTY_SETTINGS
@given(data=st.data())
def test_comparison_reports_exactly_the_edits_made_to_the_draft(adopted, data):
    v1 = adopted.version
    v1_model = read_model(v1)
    with transaction.atomic():
        try:
            draft = services.version_start_draft(plan=adopted.plan, by=None)
            model = v1_model.copy()
            assert read_model(draft).items == model.items
            editor = Editor(data, draft, model, v1_model, adopted.lead_unit)
            for _ in range(data.draw(st.integers(min_value=0, max_value=12), label="edits")):
                editor.step()
            old, new = load_snapshot(v1), load_snapshot(draft)
        finally:
            transaction.set_rollback(True)
    diff = compare(old, new)
    expected = model_diff(v1_model, model)
    assert {e.uid for e in diff.added()} == expected["added"]
    assert {e.uid for e in diff.removed()} == expected["removed"]
    assert {e.uid for e in diff.moved()} == expected["moved"]
    assert {e.uid: {c.attribute for c in e.changes} for e in diff.changed()} == expected["changed"]
    final_groups = {key: uids for key, uids in model.order.items() if uids}
    assert snapshot_groups(new) == final_groups
    reordered = {e.uid for e in diff.reordered()}
    assert_minimal_reorder(reordered, v1_model.order, final_groups)
    for uid in reordered:
        assert uid in old.items and uid in new.items
        assert old.items[uid].parent == new.items[uid].parent


# --- compare on hand-built snapshots ------------------------------------------------

UNIVERSE = {
    **{f"f{n}": FIELD for n in range(3)},
    **{f"g{n}": GOAL for n in range(4)},
    **{f"m{n}": MEASURE for n in range(5)},
    **{f"i{n}": INDICATOR for n in range(2)},
}
REFERENCE_VALUES = [(), ("g0",), ("g0", "g1")]


@st.composite
def snapshots(draw: Any) -> Snapshot:
    present = draw(st.sets(st.sampled_from(sorted(UNIVERSE))))
    items = {}
    for pk, uid in enumerate(sorted(present), start=1):
        kind = UNIVERSE[uid]
        if kind in (FIELD, INDICATOR):
            parent = None
        elif kind == MEASURE:
            parent = draw(st.sampled_from(["f0", "f1", "f2"]))
        else:
            # Goals sit under a field or an earlier goal, so that the tree has no cycle.
            parent = draw(st.sampled_from(["f0", "f1", *[f"g{n}" for n in range(int(uid[1:]))]]))
        values = {
            name: draw(
                st.sampled_from(
                    REFERENCE_VALUES if name in ("goals", "indicators") else ["", "a", "b"]
                )
            )
            for name in ATTRIBUTES[kind]
        }
        position = draw(st.integers(min_value=0, max_value=4))
        items[uid] = ItemState(kind, uid, parent, position, values, pk)
    return Snapshot(version_id=draw(st.integers(min_value=1, max_value=9)), items=items)


def _groups(snap: Snapshot, common: set[str], other: Snapshot) -> dict[Any, list[str]]:
    """Sibling orders of the items common to both snapshots that kept their parent."""
    kept = {u for u in common if snap.items[u].parent == other.items[u].parent}
    return {key: [u for u in uids if u in kept] for key, uids in snapshot_groups(snap).items()}


@settings(max_examples=200, deadline=None, database=None)
@given(snapshots())
def test_a_snapshot_compared_with_itself_shows_no_change(snap):
    diff = compare(snap, snap)
    assert diff.is_empty
    assert diff.counts() == {"added": 0, "removed": 0, "moved": 0, "reordered": 0, "changed": 0}


@settings(max_examples=200, deadline=None, database=None)
@given(snapshots(), snapshots())
def test_comparison_is_symmetric_and_complete(a, b):
    forward, backward = compare(a, b), compare(b, a)

    def uids(entries):
        return {e.uid for e in entries}

    common = set(a.items) & set(b.items)
    assert uids(forward.added()) == uids(backward.removed()) == set(b.items) - set(a.items)
    assert uids(forward.removed()) == uids(backward.added()) == set(a.items) - set(b.items)
    assert uids(forward.moved()) == uids(backward.moved())
    assert uids(forward.moved()) == {u for u in common if a.items[u].parent != b.items[u].parent}
    changes = {
        e.uid: {(c.attribute, c.before, c.after) for c in e.changes} for e in forward.changed()
    }
    swapped = {
        e.uid: {(c.attribute, c.after, c.before) for c in e.changes} for e in backward.changed()
    }
    assert changes == swapped
    assert changes == {
        u: {
            (name, a.items[u].values[name], b.items[u].values[name])
            for name in ATTRIBUTES[a.items[u].kind]
            if a.items[u].values[name] != b.items[u].values[name]
        }
        for u in common
        if a.items[u].values != b.items[u].values
    }
    assert len(forward.reordered()) == len(backward.reordered())
    assert_minimal_reorder(uids(forward.reordered()), _groups(a, common, b), _groups(b, common, a))
    assert len(uids(forward.entries)) == len(forward.entries)
    assert forward.counts()["added"] == backward.counts()["removed"]
