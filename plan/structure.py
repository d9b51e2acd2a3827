"""A plan version as plain data (a snapshot), and the comparison of two snapshots.

The snapshot is what a version says, item by item, keyed by the version-independent
``uid``: the export writes it, the import reads it back, and the comparison of two
versions compares two snapshots. Loading one costs a fixed number of queries, however
many items the version has.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from plan.models import (
    FieldOfAction,
    Goal,
    Indicator,
    Measure,
    MeasureCost,
    Milestone,
    PlanVersion,
)

Value = str | tuple[str, ...]

FIELD = "field"
GOAL = "goal"
MEASURE = "measure"
INDICATOR = "indicator"
KINDS = (FIELD, GOAL, MEASURE, INDICATOR)
KIND_LABELS = {
    FIELD: _("field of action"),
    GOAL: _("goal"),
    MEASURE: _("measure"),
    INDICATOR: _("indicator"),
}
KIND_PLURALS = {
    FIELD: _("fields of action"),
    GOAL: _("goals"),
    MEASURE: _("measures"),
    INDICATOR: _("indicators"),
}
MODELS: dict[str, type[Any]] = {
    FIELD: FieldOfAction,
    GOAL: Goal,
    MEASURE: Measure,
    INDICATOR: Indicator,
}

# The attributes of each kind, in the order pages, exports and comparisons show them.
# References to other items of the version ("goals", "indicators") hold their uids.
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    FIELD: ("code", "title", "description"),
    GOAL: ("code", "title", "description"),
    MEASURE: (
        "code",
        "title",
        "description",
        "lead_unit",
        "partners",
        "municipalities",
        "start",
        "end",
        "funding_source",
        "budget_product",
        "weight",
        "goals",
        "indicators",
        "costs",
        "milestones",
    ),
    INDICATOR: (
        "code",
        "title",
        "definition",
        "unit",
        "source",
        "direction",
        "baseline_value",
        "baseline_year",
        "target_value",
        "target_year",
        "municipality",
        "goals",
    ),
}
REFERENCES = {"goals", "indicators"}
ATTRIBUTE_LABELS = {
    "code": _("number"),
    "title": _("title"),
    "description": _("description"),
    "lead_unit": _("lead unit"),
    "partners": _("partners"),
    "municipalities": _("municipalities served"),
    "start": _("start"),
    "end": _("end"),
    "funding_source": _("funding source"),
    "budget_product": _("budget product"),
    "weight": _("weight"),
    "goals": _("goals"),
    "indicators": _("indicators"),
    "costs": _("cost estimate per year"),
    "milestones": _("milestones"),
    "definition": _("definition"),
    "unit": _("unit"),
    "source": _("source"),
    "direction": _("direction"),
    "baseline_value": _("baseline value"),
    "baseline_year": _("baseline year"),
    "target_value": _("target value"),
    "target_year": _("target year"),
    "municipality": _("area"),
}


@dataclass(frozen=True)
class ItemState:
    """One item of one version: kind, identity, place and attribute values."""

    kind: str
    uid: str
    parent: str | None
    position: int
    values: dict[str, Value]
    pk: int = 0

    @property
    def title(self) -> str:
        return str(self.values.get("title", ""))

    @property
    def label(self) -> str:
        code = self.values.get("code", "")
        return f"{code} {self.title}".strip() if code else self.title


@dataclass
class Snapshot:
    version_id: int | None
    items: dict[str, ItemState] = field(default_factory=dict)

    def of_kind(self, kind: str) -> list[ItemState]:
        return sorted(
            (i for i in self.items.values() if i.kind == kind),
            key=lambda i: (self.tree_key(i), i.position, i.pk),
        )

    def tree_key(self, item: ItemState) -> tuple[int, ...]:
        """Positions from the root down, so items sort in the order the plan shows them."""
        key: list[int] = []
        current: ItemState | None = item
        while current is not None:
            key.insert(0, current.position)
            current = self.items.get(current.parent) if current.parent else None
        return tuple(key)

    def label(self, uid: str) -> str:
        item = self.items.get(uid)
        return item.label if item else uid


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _money(value: Any) -> str:
    return f"{value:.2f}"


def load_snapshot(version: PlanVersion | int) -> Snapshot:
    """Read a version into a snapshot with eleven queries, whatever its size."""
    version_id = version if isinstance(version, int) else version.pk
    snap = Snapshot(version_id=version_id)
    fields = FieldOfAction.objects.filter(version_id=version_id).values_list(
        "pk", "uid", "position", "code", "title", "description"
    )
    field_uid: dict[int, str] = {}
    for pk, uid, position, code, title, description in fields:
        field_uid[pk] = str(uid)
        snap.items[str(uid)] = ItemState(
            FIELD,
            str(uid),
            None,
            position,
            {"code": code, "title": title, "description": description},
            pk,
        )
    goals = list(
        Goal.objects.filter(version_id=version_id).values_list(
            "pk", "uid", "position", "code", "title", "description", "field_id", "parent_id"
        )
    )
    goal_uid = {pk: str(uid) for pk, uid, *_rest in goals}
    for pk, uid, position, code, title, description, field_id, parent_id in goals:
        parent = goal_uid[parent_id] if parent_id else field_uid[field_id]
        snap.items[str(uid)] = ItemState(
            GOAL,
            str(uid),
            parent,
            position,
            {"code": code, "title": title, "description": description},
            pk,
        )

    measure_refs: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    measure_goals = Measure.goals.through.objects.filter(measure__version_id=version_id)
    for measure_id, goal_id in measure_goals.values_list("measure_id", "goal_id"):
        measure_refs[measure_id]["goals"].append(goal_uid[goal_id])
    indicators = list(
        Indicator.objects.filter(version_id=version_id).values_list(
            "pk",
            "uid",
            "position",
            "code",
            "name",
            "definition",
            "unit",
            "source",
            "direction",
            "baseline_value",
            "baseline_year",
            "target_value",
            "target_year",
            "municipality__name",
        )
    )
    indicator_uid = {row[0]: str(row[1]) for row in indicators}
    measure_indicators = Measure.indicators.through.objects.filter(measure__version_id=version_id)
    for measure_id, indicator_id in measure_indicators.values_list("measure_id", "indicator_id"):
        measure_refs[measure_id]["indicators"].append(indicator_uid[indicator_id])
    partners = Measure.partners.through.objects.filter(measure__version_id=version_id)
    for measure_id, name in partners.values_list("measure_id", "organisation__name"):
        measure_refs[measure_id]["partners"].append(name)
    served = Measure.municipalities.through.objects.filter(measure__version_id=version_id)
    for measure_id, name in served.values_list("measure_id", "municipality__name"):
        measure_refs[measure_id]["municipalities"].append(name)
    costs = MeasureCost.objects.filter(measure__version_id=version_id).order_by("year")
    for measure_id, year, amount in costs.values_list("measure_id", "year", "amount"):
        measure_refs[measure_id]["costs"].append(f"{year}: {_money(amount)}")
    milestones = Milestone.objects.filter(measure__version_id=version_id).order_by(
        "due", "position", "pk"
    )
    for measure_id, due, title in milestones.values_list("measure_id", "due", "title"):
        measure_refs[measure_id]["milestones"].append(f"{due.isoformat()}: {title}")

    indicator_goals: dict[int, list[str]] = defaultdict(list)
    measured = Indicator.goals.through.objects.filter(indicator__version_id=version_id)
    for indicator_id, goal_id in measured.values_list("indicator_id", "goal_id"):
        indicator_goals[indicator_id].append(goal_uid[goal_id])
    for row in indicators:
        pk, uid, position, code, name, definition, unit, source, direction = row[:9]
        baseline_value, baseline_year, target_value, target_year, municipality = row[9:]
        snap.items[str(uid)] = ItemState(
            INDICATOR,
            str(uid),
            None,
            position,
            {
                "code": code,
                "title": name,
                "definition": definition,
                "unit": unit,
                "source": source,
                "direction": direction,
                "baseline_value": _text(baseline_value),
                "baseline_year": _text(baseline_year),
                "target_value": _text(target_value),
                "target_year": _text(target_year),
                "municipality": municipality or "",
                "goals": tuple(sorted(indicator_goals[pk])),
            },
            pk,
        )

    measures = Measure.objects.filter(version_id=version_id).values_list(
        "pk",
        "uid",
        "position",
        "code",
        "title",
        "description",
        "field_id",
        "lead_unit__name",
        "start",
        "end",
        "funding_source",
        "budget_product__number",
        "weight",
    )
    for mrow in measures:
        pk, uid, position, code, title, description, field_id, lead_unit = mrow[:8]
        start, end, funding_source, budget_product, weight = mrow[8:]
        refs = measure_refs[pk]
        snap.items[str(uid)] = ItemState(
            MEASURE,
            str(uid),
            field_uid[field_id],
            position,
            {
                "code": code,
                "title": title,
                "description": description,
                "lead_unit": lead_unit,
                "partners": tuple(sorted(refs["partners"])),
                "municipalities": tuple(sorted(refs["municipalities"])),
                "start": _text(start),
                "end": _text(end),
                "funding_source": funding_source,
                "budget_product": budget_product or "",
                "weight": _money(weight),
                "goals": tuple(sorted(refs["goals"])),
                "indicators": tuple(sorted(refs["indicators"])),
                "costs": tuple(refs["costs"]),
                "milestones": tuple(refs["milestones"]),
            },
            pk,
        )
    return snap


# --- comparison -------------------------------------------------------------------


@dataclass(frozen=True)
class AttributeChange:
    attribute: str
    before: Value
    after: Value

    @property
    def label(self) -> str:
        return str(ATTRIBUTE_LABELS[self.attribute])

    @property
    def is_reference(self) -> bool:
        return self.attribute in REFERENCES


@dataclass(frozen=True)
class ItemChange:
    """What happened to one item between two versions."""

    kind: str
    uid: str
    before: ItemState | None
    after: ItemState | None
    moved: bool = False
    reordered: bool = False
    changes: tuple[AttributeChange, ...] = ()

    @property
    def added(self) -> bool:
        return self.before is None

    @property
    def removed(self) -> bool:
        return self.after is None

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def item(self) -> ItemState:
        result = self.after or self.before
        assert result is not None
        return result


@dataclass
class VersionDiff:
    old: Snapshot
    new: Snapshot
    entries: list[ItemChange]

    def added(self) -> list[ItemChange]:
        return [e for e in self.entries if e.added]

    def removed(self) -> list[ItemChange]:
        return [e for e in self.entries if e.removed]

    def moved(self) -> list[ItemChange]:
        return [e for e in self.entries if e.moved]

    def reordered(self) -> list[ItemChange]:
        return [e for e in self.entries if e.reordered]

    def changed(self) -> list[ItemChange]:
        return [e for e in self.entries if e.changed]

    def by_kind(self) -> list[tuple[str, list[ItemChange]]]:
        return [(kind, [e for e in self.entries if e.kind == kind]) for kind in KINDS]

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added()),
            "removed": len(self.removed()),
            "moved": len(self.moved()),
            "reordered": len(self.reordered()),
            "changed": len(self.changed()),
        }

    @property
    def is_empty(self) -> bool:
        return not self.entries


def _longest_increasing(indices: list[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []
    tail_at: list[int] = []
    previous = [-1] * len(indices)
    for i, value in enumerate(indices):
        k = bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_at.append(i)
        else:
            tails[k] = value
            tail_at[k] = i
        previous[i] = tail_at[k - 1] if k else -1
    keep: set[int] = set()
    i = tail_at[-1] if tail_at else -1
    while i >= 0:
        keep.add(i)
        i = previous[i]
    return keep


def _reordered(old: Snapshot, new: Snapshot, common: Iterable[str]) -> set[str]:
    """Items whose order among their siblings changed: the fewest that explain the new order.

    Siblings are the items of one kind under the same parent in both versions. Of
    those, the items off one longest common subsequence of the two orders count as
    reordered; removing or adding a sibling alone reorders nothing.
    """
    groups: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for uid in common:
        before, after = old.items[uid], new.items[uid]
        if before.parent == after.parent:
            groups[(after.kind, after.parent)].append(uid)
    result: set[str] = set()
    for uids in groups.values():
        if len(uids) < 2:
            continue
        old_order = sorted(uids, key=lambda u: (old.items[u].position, old.items[u].pk))
        rank = {uid: i for i, uid in enumerate(old_order)}
        new_order = sorted(uids, key=lambda u: (new.items[u].position, new.items[u].pk))
        keep = _longest_increasing([rank[u] for u in new_order])
        result.update(uid for i, uid in enumerate(new_order) if i not in keep)
    return result


def compare(old: Snapshot, new: Snapshot) -> VersionDiff:
    """Every item added, removed, moved (new parent), reordered or changed from old to new."""
    common = [uid for uid in new.items if uid in old.items]
    reordered = _reordered(old, new, common)
    entries: list[ItemChange] = []
    for kind in KINDS:
        for after in new.of_kind(kind):
            before = old.items.get(after.uid)
            if before is None:
                entries.append(ItemChange(kind, after.uid, None, after))
                continue
            changes = tuple(
                AttributeChange(name, before.values[name], after.values[name])
                for name in ATTRIBUTES[kind]
                if before.values[name] != after.values[name]
            )
            moved = before.parent != after.parent
            if changes or moved or after.uid in reordered:
                entries.append(
                    ItemChange(
                        kind,
                        after.uid,
                        before,
                        after,
                        moved=moved,
                        reordered=after.uid in reordered,
                        changes=changes,
                    )
                )
        for before in old.of_kind(kind):
            if before.uid not in new.items:
                entries.append(ItemChange(kind, before.uid, before, None))
    return VersionDiff(old=old, new=new, entries=entries)


def compare_versions(old: PlanVersion, new: PlanVersion) -> VersionDiff:
    return compare(load_snapshot(old), load_snapshot(new))
