"""Writes of the plan app: versions, their items, adoption, status reports.

Every function runs in one transaction, validates, and saves through the audit trail.
Changes to items lock their version row first, so an item cannot change while the
version is being adopted, and an adopted or superseded version refuses every change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.audit import acting_user, audited_delete, audited_save
from council.models import Consultation, Paper
from plan import exchange, search
from plan.errors import AdoptionRefused, PlanError, PlanImportRejected, RowProblem, VersionLocked
from plan.models import (
    FieldOfAction,
    Goal,
    ImplementationStatus,
    Indicator,
    Measure,
    MeasureCost,
    MeasureState,
    Milestone,
    Plan,
    PlanVersion,
    StatusReport,
)
from plan.policies import can_write_status_report

Item = FieldOfAction | Goal | Measure | Indicator


@transaction.atomic
def plan_create(
    *, body: Any, name: str, slug: str, description: str = "", is_example: bool = False, by: Any
) -> Plan:
    plan = Plan(body=body, name=name, slug=slug, description=description, is_example=is_example)
    return audited_save(plan, by=by)  # type: ignore[return-value]


def version_in_force(plan: Plan) -> PlanVersion | None:
    return plan.versions.filter(status=PlanVersion.Status.ADOPTED).first()


def open_version(plan: Plan) -> PlanVersion | None:
    return plan.versions.filter(status__in=PlanVersion.OPEN_STATUSES).first()


# --- versions ----------------------------------------------------------------------


@transaction.atomic
def version_start_draft(
    *,
    plan: Plan,
    by: Any,
    title: str = "",
    summary: str = "",
    mandate: Paper | None = None,
    is_example: bool = False,
) -> PlanVersion:
    """Start the next version as a full copy of the version in force (empty if none).

    Every item keeps its ``uid``, so the draft can be compared with the version it
    came from. The version in force is not touched. There is at most one open draft.
    """
    Plan.objects.select_for_update().get(pk=plan.pk)
    if open_version(plan) is not None:
        raise PlanError(
            _("There is already an open draft of this plan. Edit it, or discard it first.")
        )
    base = version_in_force(plan)
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PlanVersion(
        plan=plan,
        number=number,
        title=title or (_("%(plan)s – update %(number)s") % {"plan": plan.name, "number": number}),
        summary=summary if summary or base is None else base.summary,
        status=PlanVersion.Status.DRAFT,
        based_on=base,
        mandate=mandate,
        is_example=is_example,
    )
    reason = (
        _("draft started as a copy of version %(number)s") % {"number": base.number}
        if base
        else _("first draft started")
    )
    audited_save(version, by=by, reason=reason)
    if base is not None:
        copies = _copy_items(source=base, target=version, by=by, reason=reason)
        search.copy_index(source=base, target=version, copies=copies)
    return version


def _copy_items(
    *, source: PlanVersion, target: PlanVersion, by: Any, reason: str
) -> dict[type[Any], dict[int, int]]:
    """Copy every item of ``source`` into ``target`` with the same uids, in bulk.

    Returns, per item model, the new primary key of each copied one.
    """
    user = acting_user(by)

    def create(model: type[Any], objects: list[Any]) -> list[Any]:
        """Insert with history; SQLite and PostgreSQL hand the new keys back."""
        if objects:
            bulk_create_with_history(
                objects, model, batch_size=500, default_user=user, default_change_reason=reason
            )
        return objects

    common = ("uid", "code", "position")
    fields = list(FieldOfAction.objects.filter(version=source))
    new_fields = create(
        FieldOfAction,
        [
            FieldOfAction(
                version=target, title=f.title, description=f.description, **_copied(f, common)
            )
            for f in fields
        ],
    )
    field_map = {old.pk: new.pk for old, new in zip(fields, new_fields, strict=True)}

    goals = list(Goal.objects.filter(version=source).order_by("parent_id", "position", "pk"))
    goal_map: dict[int, int] = {}
    for level in (
        [g for g in goals if g.parent_id is None],
        [g for g in goals if g.parent_id is not None],
    ):
        new_goals = create(
            Goal,
            [
                Goal(
                    version=target,
                    field_id=field_map[g.field_id],
                    parent_id=goal_map[g.parent_id] if g.parent_id else None,
                    title=g.title,
                    description=g.description,
                    **_copied(g, common),
                )
                for g in level
            ],
        )
        goal_map.update({old.pk: new.pk for old, new in zip(level, new_goals, strict=True)})

    indicators = list(Indicator.objects.filter(version=source))
    indicator_attrs = (
        *common,
        "name",
        "definition",
        "unit",
        "source",
        "direction",
        "baseline_value",
        "baseline_year",
        "target_value",
        "target_year",
        "municipality_id",
    )
    new_indicators = create(
        Indicator, [Indicator(version=target, **_copied(i, indicator_attrs)) for i in indicators]
    )
    indicator_map = {old.pk: new.pk for old, new in zip(indicators, new_indicators, strict=True)}

    measures = list(Measure.objects.filter(version=source))
    measure_attrs = (
        *common,
        "title",
        "description",
        "lead_unit_id",
        "start",
        "end",
        "funding_source",
        "budget_product_id",
        "weight",
    )
    new_measures = create(
        Measure,
        [
            Measure(version=target, field_id=field_map[m.field_id], **_copied(m, measure_attrs))
            for m in measures
        ],
    )
    measure_map = {old.pk: new.pk for old, new in zip(measures, new_measures, strict=True)}

    def copy_through(through: Any, owner: str, other: str, remap: dict[int, int] | None) -> None:
        rows = through.objects.filter(**{f"{owner}__version": source}).values_list(
            f"{owner}_id", f"{other}_id"
        )
        objects = [
            through(
                **{
                    f"{owner}_id": (measure_map if owner == "measure" else indicator_map)[a],
                    f"{other}_id": remap[b] if remap is not None else b,
                }
            )
            for a, b in rows
        ]
        through.objects.bulk_create(objects, batch_size=1000)

    copy_through(Measure.goals.through, "measure", "goal", goal_map)
    copy_through(Measure.indicators.through, "measure", "indicator", indicator_map)
    copy_through(Measure.partners.through, "measure", "organisation", None)
    copy_through(Measure.municipalities.through, "measure", "municipality", None)
    copy_through(Indicator.goals.through, "indicator", "goal", goal_map)

    costs = [
        MeasureCost(measure_id=measure_map[c.measure_id], year=c.year, amount=c.amount)
        for c in MeasureCost.objects.filter(measure__version=source)
    ]
    milestones = [
        Milestone(
            measure_id=measure_map[m.measure_id], title=m.title, due=m.due, position=m.position
        )
        for m in Milestone.objects.filter(measure__version=source)
    ]
    create(MeasureCost, costs)
    create(Milestone, milestones)
    return {
        FieldOfAction: field_map,
        Goal: goal_map,
        Indicator: indicator_map,
        Measure: measure_map,
    }


def _copied(obj: Any, attributes: Iterable[str]) -> dict[str, Any]:
    return {a: getattr(obj, a) for a in attributes}


def _lock_open(version: PlanVersion) -> PlanVersion:
    """Lock the version row and make sure it may still change."""
    locked = PlanVersion.objects.select_for_update().get(pk=version.pk)
    if not locked.is_open:
        raise VersionLocked(
            _("This version is %(status)s and can no longer be changed. Start a new draft.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _touch(version: PlanVersion) -> None:
    PlanVersion.objects.filter(pk=version.pk).update(modified=timezone.now())


@transaction.atomic
def version_update(
    *, version: PlanVersion, by: Any, title: str, summary: str, mandate: Paper | None
) -> PlanVersion:
    locked = _lock_open(version)
    locked.title, locked.summary, locked.mandate = title, summary, mandate
    return audited_save(locked, by=by)  # type: ignore[return-value]


@transaction.atomic
def version_submit_for_consultation(*, version: PlanVersion, by: Any) -> PlanVersion:
    """Publish the draft for consultation: from now on the public can read it."""
    locked = _lock_open(version)
    if locked.status != PlanVersion.Status.DRAFT:
        raise PlanError(_("This draft is already in consultation."))
    locked.status = PlanVersion.Status.CONSULTATION
    return audited_save(locked, by=by, reason=_("published for consultation"))  # type: ignore[return-value]


@transaction.atomic
def version_discard(*, version: PlanVersion, by: Any) -> None:
    """Delete an open draft with all its items; adopted and superseded versions stay."""
    locked = _lock_open(version)
    audited_delete(locked, by=by, reason=_("draft discarded"))


def deciding_consultation(paper: Paper) -> Consultation | None:
    """The consultation of the paper that decides (Entscheidung), if there is one."""
    return (
        paper.consultations.filter(authoritative=True, deleted=False)
        .select_related("meeting", "organization")
        .order_by("-position")
        .first()
    )


def adoption_problem(paper: Paper | None) -> str | None:
    """Why ``paper`` cannot adopt a plan version, or None if its decision allows it."""
    if paper is None or paper.deleted:
        return _("Choose the council paper whose decision adopts this version.")
    consultation = deciding_consultation(paper)
    if consultation is None:
        return _("Paper %(reference)s has no deciding consultation.") % {
            "reference": paper.reference
        }
    if not consultation.is_voted:
        return _(
            "The decision of %(body)s on paper %(reference)s has not been recorded yet. "
            "The council office records it on the paper's page."
        ) % {"body": consultation.organization, "reference": paper.reference}
    yes, no = consultation.votes_yes, consultation.votes_no
    if yes is not None and no is not None and yes <= no:
        return _("%(body)s did not approve paper %(reference)s (%(yes)s yes, %(no)s no).") % {
            "body": consultation.organization,
            "reference": paper.reference,
            "yes": yes,
            "no": no,
        }
    return None


@transaction.atomic
def version_adopt(
    *, version: PlanVersion, paper: Paper | None, by: Any, valid_from: dt.date | None = None
) -> PlanVersion:
    """Adopt an open draft by the decision recorded on ``paper``.

    The draft becomes the version in force and the version in force so far is
    superseded. Refused while the paper's deciding consultation has no recorded
    decision in favour.
    """
    locked = _lock_open(version)
    problem = adoption_problem(paper)
    if problem:
        raise AdoptionRefused(problem)
    assert paper is not None
    consultation = deciding_consultation(paper)
    assert consultation is not None
    decided_on = (
        timezone.localtime(consultation.meeting.start).date()
        if consultation.meeting
        else consultation.planned_date
    )
    previous = (
        PlanVersion.objects.select_for_update()
        .filter(plan_id=locked.plan_id, status=PlanVersion.Status.ADOPTED)
        .first()
    )
    if previous is not None:
        previous.status = PlanVersion.Status.SUPERSEDED
        audited_save(
            previous,
            by=by,
            reason=_("superseded by version %(number)s") % {"number": locked.number},
        )
    locked.status = PlanVersion.Status.ADOPTED
    locked.adoption_paper = paper
    locked.adopted_on = decided_on
    locked.valid_from = valid_from or decided_on
    return audited_save(  # type: ignore[return-value]
        locked, by=by, reason=_("adopted by paper %(reference)s") % {"reference": paper.reference}
    )


# --- items -------------------------------------------------------------------------


def _siblings(item: Item) -> Any:
    model: Any = type(item)
    qs = model.objects.filter(version_id=item.version_id)
    if isinstance(item, Goal):
        qs = qs.filter(field_id=item.field_id, parent_id=item.parent_id)
    elif isinstance(item, Measure):
        qs = qs.filter(field_id=item.field_id)
    return qs


def _next_position(item: Item) -> int:
    last = _siblings(item).exclude(pk=item.pk).aggregate(p=Max("position"))["p"]
    return 0 if last is None else last + 1


def _same_version(version_id: int, objects: Iterable[Any], label: str) -> list[Any]:
    objects = list(objects)
    if any(o.version_id != version_id for o in objects):
        raise ValidationError({label: _("Choose items of the same version.")})
    return objects


@transaction.atomic
def item_save(
    *,
    item: Item,
    by: Any,
    goals: Iterable[Goal] | None = None,
    indicators: Iterable[Indicator] | None = None,
    partners: Iterable[Any] | None = None,
    municipalities: Iterable[Any] | None = None,
    costs: dict[int, Decimal] | None = None,
    milestones: Sequence[tuple[dt.date, str]] | None = None,
    reason: str = "",
) -> Item:
    """Create or change an item of an open version, with the relations given (None: keep)."""
    version = _lock_open(item.version)
    if item.pk is None:
        item.position = _next_position(item)
    audited_save(item, by=by, reason=reason)
    if goals is not None and isinstance(item, Measure | Indicator):
        item.goals.set(_same_version(version.pk, goals, "goals"))
    if isinstance(item, Measure):
        if indicators is not None:
            item.indicators.set(_same_version(version.pk, indicators, "indicators"))
        if partners is not None:
            item.partners.set(list(partners))
        if municipalities is not None:
            item.municipalities.set(list(municipalities))
        if costs is not None:
            _replace_costs(item, costs, by=by)
        if milestones is not None:
            _replace_milestones(item, milestones, by=by)
    search.index_item(item)
    _touch(version)
    return item


def _replace_costs(measure: Measure, costs: dict[int, Decimal], *, by: Any) -> None:
    existing = {c.year: c for c in measure.costs.all()}
    for year, cost in existing.items():
        if year not in costs:
            audited_delete(cost, by=by)
    for year, amount in sorted(costs.items()):
        cost = existing.get(year) or MeasureCost(measure=measure, year=year, amount=amount)
        if cost.pk is None or cost.amount != amount:
            cost.amount = amount
            audited_save(cost, by=by)


def _replace_milestones(
    measure: Measure, milestones: Sequence[tuple[dt.date, str]], *, by: Any
) -> None:
    existing = list(measure.milestones.all())
    wanted = [(due, title.strip()) for due, title in milestones if title.strip()]
    if [(m.due, m.title) for m in existing] == wanted:
        return
    for milestone in existing:
        audited_delete(milestone, by=by)
    for position, (due, title) in enumerate(wanted):
        audited_save(Milestone(measure=measure, due=due, title=title, position=position), by=by)


@transaction.atomic
def item_remove(*, item: Item, by: Any) -> None:
    """Remove an item from an open version; a field's or goal's items go with it."""
    version = _lock_open(item.version)
    if isinstance(item, FieldOfAction):
        dependants: list[Any] = [*item.measures.all(), *item.goals.all()]
    elif isinstance(item, Goal):
        dependants = list(item.children.all())
    else:
        dependants = []
    for dependant in dependants:
        search.unindex_item(dependant)
    search.unindex_item(item)
    audited_delete(item, by=by, reason=_("removed from the draft"))
    _touch(version)


@transaction.atomic
def item_move(
    *, item: Goal | Measure, by: Any, field: FieldOfAction, parent: Goal | None = None
) -> Goal | Measure:
    """Put a goal or measure under another field (a goal also under a strategic goal).

    A strategic goal takes its operational goals along to the new field.
    """
    version = _lock_open(item.version)
    if field.version_id != version.pk or (parent is not None and parent.version_id != version.pk):
        raise ValidationError(_("Choose a place in the same version."))
    if isinstance(item, Measure):
        if parent is not None:
            raise ValidationError(_("A measure sits under a field of action."))
        if item.field_id == field.pk:
            return item
        item.field = field
    else:
        if parent is not None and parent.field_id != field.pk:
            raise ValidationError(_("The strategic goal must belong to the chosen field."))
        if parent is not None and item.children.exists():
            raise ValidationError(
                _("This goal has operational goals under it and must stay a strategic goal.")
            )
        if item.field_id == field.pk and item.parent_id == (parent.pk if parent else None):
            return item
        item.field, item.parent = field, parent
    item.position = _next_position(item)
    audited_save(item, by=by, reason=_("moved"))
    if isinstance(item, Goal):
        for child in item.children.all():
            child.field = field
            audited_save(child, by=by, reason=_("moved with its strategic goal"))
    _touch(version)
    return item


@transaction.atomic
def item_place(*, item: Item, by: Any, index: int) -> Item:
    """Put an item at ``index`` (0 = first) among its siblings, renumbering them."""
    version = _lock_open(item.version)
    siblings = [s for s in _siblings(item).order_by("position", "pk") if s.pk != item.pk]
    index = max(0, min(index, len(siblings)))
    siblings.insert(index, item)
    for position, sibling in enumerate(siblings):
        if sibling.position != position:
            sibling.position = position
            audited_save(sibling, by=by, reason=_("reordered"))
    _touch(version)
    return item


@transaction.atomic
def item_shift(*, item: Item, by: Any, offset: int) -> Item:
    """Move an item ``offset`` places among its siblings (negative: up), stopping at the ends."""
    _lock_open(item.version)
    order = list(_siblings(item).order_by("position", "pk").values_list("pk", flat=True))
    return item_place(item=item, by=by, index=max(0, order.index(item.pk) + offset))


# --- implementation ----------------------------------------------------------------


@transaction.atomic
def status_report_create(
    *,
    measure: Measure,
    by: Any,
    date: dt.date,
    status: str,
    progress: int,
    text: str,
    evidence: UploadedFile | None = None,
    is_example: bool = False,
) -> StatusReport:
    """Record a dated report on a measure by its lead unit; the latest sets its state.

    ``by`` None is the system (the demo loader); a person must belong to the lead unit.
    """
    if by is not None and not can_write_status_report(by, measure):
        raise PermissionDenied(_("Only the measure's lead unit reports on it."))
    if date > timezone.localdate():
        raise ValidationError({"date": _("A report cannot be dated in the future.")})
    if status == ImplementationStatus.DONE and progress != 100:
        raise ValidationError({"progress": _("A measure that is done has a progress of 100 %.")})
    plan_id = measure.version.plan_id
    report = StatusReport(
        plan_id=plan_id,
        measure_uid=measure.uid,
        date=date,
        status=status,
        progress=progress,
        text=text.strip(),
        lead_unit_id=measure.lead_unit_id,
        author=acting_user(by),
        is_example=is_example,
    )
    if evidence is not None:
        report.evidence = evidence  # type: ignore[assignment]
    audited_save(report, by=by)
    state, _created = MeasureState.objects.select_for_update().get_or_create(
        plan_id=plan_id, measure_uid=measure.uid
    )
    if state.as_of is None or date >= state.as_of:
        state.status, state.progress, state.report, state.as_of = status, progress, report, date
        audited_save(state, by=by, reason=_("status report of %(date)s") % {"date": date})
    return report


# --- import ------------------------------------------------------------------------


@transaction.atomic
def version_import_csv(*, version: PlanVersion, text: str, by: Any) -> exchange.ImportResult:
    """Create or change items of an open version from CSV in the export's columns.

    All or nothing: every row is checked first (``plan.exchange.prepare_import``), and
    if any is bad ``PlanImportRejected`` lists all of them and nothing is written. A
    row that would change nothing is left alone, so importing a draft's own export adds
    no history. Items of the version missing from the file stay as they are: an import
    never deletes. Parents are written before their children.
    """
    locked = _lock_open(version)
    prepared = exchange.prepare_import(version=locked, text=text)
    result = exchange.ImportResult()
    instances = prepared.instances
    reason = _("imported from a CSV file")
    for row in prepared.rows:
        if row.action == exchange.KEEP:
            result.unchanged.append(row.uid)
            continue
        item = instances[row.uid]
        if row.field_uid is not None:
            item.field = instances[row.field_uid]
        if isinstance(item, Goal):
            item.parent = instances[row.goal_parent_uid] if row.goal_parent_uid else None
        try:
            audited_save(item, by=by, reason=reason)
        except ValidationError as exc:
            raise PlanImportRejected(
                [
                    RowProblem(row.line, "title" if name == "name" else name, " ".join(msgs))
                    for name, msgs in exc.message_dict.items()
                ]
            ) from exc
        relations = row.relations
        if "goals" in relations:
            item.goals.set([instances[uid] for uid in relations["goals"]])
        if "indicators" in relations:
            item.indicators.set([instances[uid] for uid in relations["indicators"]])
        if "partners" in relations:
            item.partners.set(relations["partners"])
        if "municipalities" in relations:
            item.municipalities.set(relations["municipalities"])
        if "costs" in relations:
            _replace_costs(item, relations["costs"], by=by)
        if "milestones" in relations:
            _replace_milestones(item, relations["milestones"], by=by)
        search.index_item(item)
        (result.created if row.action == exchange.CREATE else result.changed).append(row.uid)
    for uid, (field_uid, parent_uid) in prepared.followers.items():
        goal = instances[uid]
        goal.field, goal.parent = instances[field_uid], instances[parent_uid]
        audited_save(goal, by=by, reason=_("moved with its strategic goal"))
        result.changed.append(uid)
    if result.created or result.changed:
        _touch(locked)
    return result
