"""Unit tests of the plan services and selectors: drafts, locks, adoption, items, reports."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core import services as core_services
from core.models import Municipality, Organisation
from council import services as council_services
from council.models import BudgetProduct, Consultation, Paper
from plan import search, selectors, services
from plan.errors import AdoptionRefused, PlanError, VersionLocked
from plan.generate import decided_paper, generate_plan
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
    PlanSearchEntry,
    PlanVersion,
    StatusReport,
)
from plan.structure import load_snapshot

ITEM_MODELS = (FieldOfAction, Goal, Indicator, Measure)


def items_of(version):
    """Everything a version says, read straight from the tables and keyed by uid."""
    fields = {
        f.uid: (f.code, f.title, f.description, f.position)
        for f in FieldOfAction.objects.filter(version=version)
    }
    goals = {
        g.uid: (
            g.code,
            g.title,
            g.description,
            g.position,
            g.field.uid,
            g.parent.uid if g.parent else None,
        )
        for g in Goal.objects.filter(version=version).select_related("field", "parent")
    }
    indicators = {
        i.uid: (
            i.code,
            i.name,
            i.definition,
            i.unit,
            i.source,
            i.direction,
            i.baseline_value,
            i.baseline_year,
            i.target_value,
            i.target_year,
            i.municipality_id,
            i.position,
            frozenset(g.uid for g in i.goals.all()),
        )
        for i in Indicator.objects.filter(version=version).prefetch_related("goals")
    }
    measures = {
        m.uid: (
            m.code,
            m.title,
            m.description,
            m.position,
            m.field.uid,
            m.lead_unit_id,
            m.start,
            m.end,
            m.funding_source,
            m.budget_product_id,
            m.weight,
            frozenset(g.uid for g in m.goals.all()),
            frozenset(i.uid for i in m.indicators.all()),
            frozenset(p.pk for p in m.partners.all()),
            frozenset(p.pk for p in m.municipalities.all()),
            tuple((c.year, c.amount) for c in m.costs.all()),
            tuple((s.due, s.title, s.position) for s in m.milestones.all()),
        )
        for m in Measure.objects.filter(version=version)
        .select_related("field")
        .prefetch_related(
            "goals", "indicators", "partners", "municipalities", "costs", "milestones"
        )
    }
    return {"fields": fields, "goals": goals, "indicators": indicators, "measures": measures}


def assert_self_contained(version):
    """Every reference of the version's items points at an item of the same version."""
    assert not Goal.objects.filter(version=version).exclude(field__version=version).exists()
    assert (
        not Goal.objects.filter(version=version, parent__isnull=False)
        .exclude(parent__version=version)
        .exists()
    )
    assert not Measure.objects.filter(version=version).exclude(field__version=version).exists()
    for through, owner, other in (
        (Measure.goals.through, "measure", "goal"),
        (Measure.indicators.through, "measure", "indicator"),
        (Indicator.goals.through, "indicator", "goal"),
    ):
        rows = through.objects.filter(**{f"{owner}__version": version})
        assert rows.exists()
        assert not rows.exclude(**{f"{other}__version": version}).exists()


def fields_of(version):
    return list(FieldOfAction.objects.filter(version=version).order_by("position", "pk"))


def measures_of(field):
    return list(Measure.objects.filter(field=field).order_by("position", "pk"))


def strategic_goals(field):
    return list(Goal.objects.filter(field=field, parent=None).order_by("position", "pk"))


def deciding(paper):
    return Consultation.objects.get(paper=paper, authoritative=True)


def record_vote(paper, *, yes, no):
    council_services.consultation_record_vote(
        consultation=deciding(paper),
        as_proposed=yes > no,
        votes_yes=yes,
        votes_no=no,
        votes_abstention=1,
        result="beschlossen" if yes > no else "abgelehnt",
        by=None,
    )


def join_lead_unit(user, unit):
    """Make ``user`` a member of ``unit`` through a council person, as the policy reads it."""
    person = council_services.person_create(body=unit.body, family_name=f"Mitglied {user.pk}")
    council_services.person_link_user(person=person, user=user)
    council_services.membership_create(person=person, organization=unit)
    return user


@pytest.fixture
def rich_plan(demo):
    """An adopted version whose measures use every relation a measure can have."""
    generated = generate_plan(demo.body, measures=6, fields=2, slug="reich", adopt=False)
    version = generated.version
    partners = [
        core_services.organisation_create(name=name, kind=Organisation.Kind.ASSOCIATION)
        for name in ("Verein Brücke", "Verein Anker")
    ]
    places = list(Municipality.objects.order_by("key")[:2])
    product = BudgetProduct.objects.get(number="331111")
    indicator = Indicator.objects.filter(version=version).order_by("position").first()
    indicator.municipality = places[0]
    indicator.definition = "Anteil der Teilnehmenden"
    services.item_save(item=indicator, by=None, goals=[strategic_goals(fields_of(version)[0])[0]])
    for n, measure in enumerate(Measure.objects.filter(version=version).order_by("pk")):
        strategic = strategic_goals(measure.field)[n % 2]
        measure.end = dt.date(2027, 12, 31)
        measure.budget_product = product
        measure.funding_source = Measure.FundingSource.FUND
        services.item_save(
            item=measure,
            by=None,
            goals=[strategic, *strategic.children.all()[:1]],
            indicators=[indicator],
            partners=partners[: n % 3],
            municipalities=places[: n % 3],
            costs={2025: Decimal("1000.50"), 2026: Decimal(n)},
            milestones=[(dt.date(2026, 1, 1), "Start"), (dt.date(2025, 3, 1), "Konzept")],
        )
    generated.version = services.version_adopt(
        version=version, paper=decided_paper(demo.body, "R 1/2025"), by=None
    )
    return generated


@pytest.fixture
def reporter(make_user, small_plan):
    """A user who sits in the lead unit of the generated measures."""
    return join_lead_unit(make_user(), small_plan.lead_unit)


# --- drafts ------------------------------------------------------------------------


def test_a_draft_copies_every_item_with_the_same_uids(rich_plan, plan_editor):
    v1 = rich_plan.version
    draft = services.version_start_draft(plan=rich_plan.plan, by=plan_editor)
    assert draft.pk != v1.pk
    assert (draft.number, draft.status, draft.based_on) == (
        v1.number + 1,
        PlanVersion.Status.DRAFT,
        v1,
    )
    assert items_of(draft) == items_of(v1)
    assert_self_contained(draft)
    for model in ITEM_MODELS:
        copied = set(model.objects.filter(version=draft).values_list("pk", flat=True))
        original = set(model.objects.filter(version=v1).values_list("pk", flat=True))
        assert copied and not copied & original
    assert MeasureCost.objects.filter(measure__version=draft).count() == 12
    assert Milestone.objects.filter(measure__version=draft).count() == 12
    assert Measure.partners.through.objects.filter(measure__version=draft).count() == 6
    assert Goal.objects.filter(version=draft, parent__isnull=False).count() == 8


def test_editing_the_draft_leaves_the_version_in_force_untouched(rich_plan, plan_editor):
    v1 = rich_plan.version
    before, content = load_snapshot(v1), items_of(v1)
    draft = services.version_start_draft(plan=rich_plan.plan, by=plan_editor)
    first, second = fields_of(draft)
    measures = measures_of(first)
    measures[0].title = "Geändert"
    services.item_save(
        item=measures[0],
        by=plan_editor,
        goals=[],
        indicators=[],
        partners=[],
        municipalities=[],
        costs={2030: Decimal(5)},
        milestones=[],
    )
    services.item_move(item=measures[1], field=second, by=plan_editor)
    services.item_place(item=measures[-1], index=0, by=plan_editor)
    goal = strategic_goals(second)[0]
    services.item_move(item=goal, field=first, by=plan_editor)
    services.item_save(
        item=Measure(version=draft, field=second, title="Neu", lead_unit=rich_plan.lead_unit),
        by=plan_editor,
    )
    services.item_remove(item=first, by=plan_editor)
    services.version_update(version=draft, by=plan_editor, title="Neu", summary="", mandate=None)
    v1.refresh_from_db()
    assert v1.status == PlanVersion.Status.ADOPTED
    assert load_snapshot(v1) == before
    assert items_of(v1) == content


def test_only_one_draft_is_open_at_a_time(small_plan, plan_editor):
    plan = small_plan.plan
    draft = services.version_start_draft(plan=plan, by=plan_editor)
    with pytest.raises(PlanError):
        services.version_start_draft(plan=plan, by=plan_editor)
    services.version_submit_for_consultation(version=draft, by=plan_editor)
    with pytest.raises(PlanError):
        services.version_start_draft(plan=plan, by=plan_editor)
    assert plan.versions.count() == 2


def _superseded(small_plan):
    draft = services.version_start_draft(plan=small_plan.plan, by=None)
    paper = decided_paper(small_plan.plan.body, "R 2/2025")
    services.version_adopt(version=draft, paper=paper, by=None)
    version = small_plan.version
    version.refresh_from_db()
    assert version.status == PlanVersion.Status.SUPERSEDED
    return version


def _change_title(version, by):
    measure = Measure.objects.filter(version=version).first()
    measure.title = "Geändert"
    services.item_save(item=measure, by=by)


def _add_measure(version, by):
    field = fields_of(version)[0]
    lead_unit = Measure.objects.filter(version=version).first().lead_unit
    services.item_save(
        item=Measure(version=version, field=field, title="Neu", lead_unit=lead_unit), by=by
    )


def _remove_field(version, by):
    services.item_remove(item=fields_of(version)[0], by=by)


def _remove_measure(version, by):
    services.item_remove(item=Measure.objects.filter(version=version).first(), by=by)


def _move_measure(version, by):
    first, second, *_rest = fields_of(version)
    services.item_move(item=measures_of(first)[0], field=second, by=by)


def _place_measure(version, by):
    services.item_place(item=measures_of(fields_of(version)[0])[-1], index=0, by=by)


def _update_version(version, by):
    services.version_update(version=version, by=by, title="Neu", summary="", mandate=None)


def _discard_version(version, by):
    services.version_discard(version=version, by=by)


@pytest.mark.parametrize("status", ["adopted", "superseded"])
@pytest.mark.parametrize(
    "change",
    [
        _change_title,
        _add_measure,
        _remove_field,
        _remove_measure,
        _move_measure,
        _place_measure,
        _update_version,
        _discard_version,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_adopted_and_superseded_versions_refuse_every_change(
    small_plan, plan_editor, status, change
):
    version = small_plan.version if status == "adopted" else _superseded(small_plan)
    before, title = load_snapshot(version), version.title
    with pytest.raises(VersionLocked):
        change(version, plan_editor)
    version.refresh_from_db()
    assert (version.status, version.title) == (status, title)
    assert load_snapshot(version) == before


# --- adoption ----------------------------------------------------------------------


def _no_paper(demo):
    return None


def _paper_without_deciding_consultation(demo):
    return Paper.objects.get(reference="0871 (V) IDs")


def _unrecorded_decision(demo):
    return demo.seed_paper


def _tie(demo):
    record_vote(demo.seed_paper, yes=30, no=30)
    return demo.seed_paper


def _rejection(demo):
    record_vote(demo.seed_paper, yes=10, no=50)
    return demo.seed_paper


@pytest.mark.parametrize(
    "paper_for",
    [_no_paper, _paper_without_deciding_consultation, _unrecorded_decision, _tie, _rejection],
    ids=lambda f: f.__name__.strip("_"),
)
def test_adoption_is_refused_without_a_decision_in_favour(small_plan, demo, plan_editor, paper_for):
    draft = services.version_start_draft(plan=small_plan.plan, by=plan_editor)
    paper = paper_for(demo)
    with pytest.raises(AdoptionRefused):
        services.version_adopt(version=draft, paper=paper, by=plan_editor)
    draft.refresh_from_db()
    small_plan.version.refresh_from_db()
    assert (draft.status, draft.adoption_paper, draft.adopted_on) == ("draft", None, None)
    assert small_plan.version.status == PlanVersion.Status.ADOPTED


def test_adoption_follows_the_recorded_decision_and_supersedes_the_old_version(
    small_plan, demo, plan_editor
):
    v1 = small_plan.version
    draft = services.version_start_draft(plan=small_plan.plan, by=plan_editor)
    paper = demo.seed_paper
    record_vote(paper, yes=60, no=20)
    services.version_adopt(version=draft, paper=paper, by=plan_editor)
    draft.refresh_from_db()
    v1.refresh_from_db()
    decided_on = timezone.localtime(deciding(paper).meeting.start).date()
    assert decided_on == dt.date(2024, 12, 17)
    assert draft.status == PlanVersion.Status.ADOPTED
    assert (draft.adoption_paper, draft.adopted_on, draft.valid_from) == (
        paper,
        decided_on,
        decided_on,
    )
    assert v1.status == PlanVersion.Status.SUPERSEDED
    assert services.version_in_force(small_plan.plan) == draft


def test_adoption_takes_a_later_valid_from(small_plan, demo, plan_editor):
    draft = services.version_start_draft(plan=small_plan.plan, by=plan_editor)
    record_vote(demo.seed_paper, yes=60, no=20)
    adopted = services.version_adopt(
        version=draft, paper=demo.seed_paper, by=plan_editor, valid_from=dt.date(2025, 1, 1)
    )
    assert (adopted.adopted_on, adopted.valid_from) == (dt.date(2024, 12, 17), dt.date(2025, 1, 1))


@pytest.mark.parametrize("in_consultation", [False, True])
def test_discarding_deletes_an_open_draft_and_nothing_else(
    small_plan, plan_editor, in_consultation
):
    v1 = small_plan.version
    before = load_snapshot(v1)
    draft = services.version_start_draft(plan=small_plan.plan, by=plan_editor)
    if in_consultation:
        services.version_submit_for_consultation(version=draft, by=plan_editor)
    pk = draft.pk
    assert PlanSearchEntry.objects.filter(version_id=pk).exists()
    services.version_discard(version=draft, by=plan_editor)
    assert not PlanVersion.objects.filter(pk=pk).exists()
    for model in ITEM_MODELS:
        assert not model.objects.filter(version_id=pk).exists()
    assert not PlanSearchEntry.objects.filter(version_id=pk).exists()
    assert load_snapshot(v1) == before
    assert services.version_start_draft(plan=small_plan.plan, by=plan_editor).is_open


# --- items -------------------------------------------------------------------------


def test_removing_a_field_removes_its_goals_and_measures(small_plan, plan_editor):
    draft = services.version_start_draft(plan=small_plan.plan, by=plan_editor)
    field, *others = fields_of(draft)
    goal_uids = set(Goal.objects.filter(field=field).values_list("uid", flat=True))
    measure_uids = {m.uid for m in measures_of(field)}
    indicator = Indicator.objects.get(version=draft, goals__field=field)
    kept = {f.pk: (len(measures_of(f)), Goal.objects.filter(field=f).count()) for f in others}
    services.item_remove(item=field, by=plan_editor)
    assert not FieldOfAction.objects.filter(version=draft, uid=field.uid).exists()
    assert not Goal.objects.filter(version=draft, uid__in=goal_uids).exists()
    assert not Measure.objects.filter(version=draft, uid__in=measure_uids).exists()
    assert not indicator.goals.exists()
    assert kept == {
        f.pk: (len(measures_of(f)), Goal.objects.filter(field=f).count()) for f in others
    }
    gone = {field.uid, *goal_uids, *measure_uids}
    assert not PlanSearchEntry.objects.filter(version=draft, uid__in=gone).exists()
    assert Measure.objects.filter(version=small_plan.version, uid__in=measure_uids).count() == 4


def test_removing_a_strategic_goal_removes_its_operational_goals(small_plan, plan_editor):
    draft = services.version_start_draft(plan=small_plan.plan, by=plan_editor)
    strategic = strategic_goals(fields_of(draft)[0])[0]
    children = list(strategic.children.all())
    assert len(children) == 2
    served = Measure.objects.filter(goals__in=children).distinct()
    assert served.exists()
    services.item_remove(item=strategic, by=plan_editor)
    assert not Goal.objects.filter(pk__in=[strategic.pk, *[c.pk for c in children]]).exists()
    assert not Measure.goals.through.objects.filter(goal_id__in=[c.pk for c in children]).exists()


def test_moving_a_strategic_goal_takes_its_operational_goals_along(small_plan, plan_editor):
    draft = services.version_start_draft(plan=small_plan.plan, by=plan_editor)
    first, second, _third = fields_of(draft)
    goal = strategic_goals(first)[0]
    children = list(goal.children.order_by("position"))
    services.item_move(item=goal, field=second, by=plan_editor)
    goal.refresh_from_db()
    assert (goal.field, goal.parent, goal.position) == (second, None, 2)
    for child in children:
        child.refresh_from_db()
        assert (child.field, child.parent) == (second, goal)
    assert strategic_goals(second)[-1] == goal


def test_an_operational_goal_moves_under_another_strategic_goal(small_plan, plan_editor):
    draft = services.version_start_draft(plan=small_plan.plan, by=plan_editor)
    first, second, _third = fields_of(draft)
    goal = strategic_goals(first)[0].children.first()
    target = strategic_goals(second)[1]
    services.item_move(item=goal, field=second, parent=target, by=plan_editor)
    goal.refresh_from_db()
    assert (goal.field, goal.parent) == (second, target)
    assert list(target.children.order_by("position", "pk"))[-1] == goal


def test_a_goal_with_operational_goals_cannot_go_under_another_goal(small_plan, plan_editor):
    draft = services.version_start_draft(plan=small_plan.plan, by=plan_editor)
    field = fields_of(draft)[0]
    goal, other = strategic_goals(field)
    before = load_snapshot(draft)
    with pytest.raises(ValidationError):
        services.item_move(item=goal, field=field, parent=other, by=plan_editor)
    assert load_snapshot(draft) == before


def test_a_measure_moves_to_the_end_of_another_field(small_plan, plan_editor):
    draft = services.version_start_draft(plan=small_plan.plan, by=plan_editor)
    first, second, _third = fields_of(draft)
    measure = measures_of(first)[0]
    services.item_move(item=measure, field=second, by=plan_editor)
    assert measures_of(second)[-1] == measure
    assert measure not in measures_of(first)


def test_placing_an_item_renumbers_its_siblings_densely(small_plan, plan_editor):
    draft = services.version_start_draft(plan=small_plan.plan, by=plan_editor)
    field, other, _third = fields_of(draft)
    elsewhere = [(m.pk, m.position) for m in measures_of(other)]
    measures = measures_of(field)
    services.item_remove(item=measures[1], by=plan_editor)
    remaining = [measures[0], *measures[2:]]
    services.item_place(item=remaining[-1], index=0, by=plan_editor)
    placed = measures_of(field)
    assert placed == [remaining[-1], *remaining[:-1]]
    assert [m.position for m in placed] == list(range(len(placed)))
    services.item_place(item=placed[0], index=99, by=plan_editor)
    assert measures_of(field) == [*placed[1:], placed[0]]
    assert [m.position for m in measures_of(field)] == list(range(len(placed)))
    assert [(m.pk, m.position) for m in measures_of(other)] == elsewhere


# --- status reports ----------------------------------------------------------------


def _report(measure, by, *, date=None, status="running", progress=40, text="Läuft."):
    return services.status_report_create(
        measure=measure,
        by=by,
        date=date or timezone.localdate(),
        status=status,
        progress=progress,
        text=text,
    )


def _state(measure):
    return MeasureState.objects.get(plan=measure.version.plan, measure_uid=measure.uid)


def test_the_lead_unit_reports_and_sets_the_measure_state(small_plan, reporter):
    measure = Measure.objects.filter(version=small_plan.version).first()
    report = _report(measure, reporter, status="running", progress=40, text="  Läuft gut.  ")
    assert (report.author, report.lead_unit, report.text) == (
        reporter,
        small_plan.lead_unit,
        "Läuft gut.",
    )
    state = _state(measure)
    assert (state.status, state.progress, state.report, state.as_of) == (
        "running",
        40,
        report,
        timezone.localdate(),
    )


@pytest.mark.parametrize("who", ["plan_editor", "anonymous"])
def test_only_the_lead_unit_may_report(small_plan, plan_editor, who):
    measure = Measure.objects.filter(version=small_plan.version).first()
    state = _state(measure)
    by = plan_editor if who == "plan_editor" else AnonymousUser()
    with pytest.raises(PermissionDenied):
        _report(measure, by)
    assert not StatusReport.objects.exists()
    after = _state(measure)
    assert (after.status, after.progress, after.as_of) == (
        state.status,
        state.progress,
        state.as_of,
    )


def test_the_system_may_report_without_a_user(small_plan):
    measure = Measure.objects.filter(version=small_plan.version).first()
    report = _report(measure, None, status="paused", progress=10)
    assert report.author is None
    assert (_state(measure).status, _state(measure).progress) == ("paused", 10)


def test_a_report_cannot_be_dated_in_the_future(small_plan, reporter):
    measure = Measure.objects.filter(version=small_plan.version).first()
    with pytest.raises(ValidationError):
        _report(measure, reporter, date=timezone.localdate() + dt.timedelta(days=1))
    assert not StatusReport.objects.exists()


def test_a_measure_that_is_done_has_full_progress(small_plan, reporter):
    measure = Measure.objects.filter(version=small_plan.version).first()
    with pytest.raises(ValidationError):
        _report(measure, reporter, status="done", progress=90)
    assert not StatusReport.objects.exists()
    _report(measure, reporter, status="done", progress=100)
    assert (_state(measure).status, _state(measure).progress) == ("done", 100)


def test_the_latest_report_by_date_sets_the_state(small_plan, reporter):
    measure = Measure.objects.filter(version=small_plan.version).first()
    today = timezone.localdate()
    latest = _report(measure, reporter, date=today - dt.timedelta(days=2), progress=60)
    _report(measure, reporter, date=today - dt.timedelta(days=30), status="paused", progress=20)
    state = _state(measure)
    assert (state.status, state.progress, state.report, state.as_of) == (
        "running",
        60,
        latest,
        latest.date,
    )
    newer = _report(measure, reporter, date=today, status="done", progress=100)
    assert (_state(measure).report, _state(measure).progress) == (newer, 100)
    assert StatusReport.objects.filter(measure_uid=measure.uid).count() == 3


# --- the audit trail ---------------------------------------------------------------


def test_version_services_record_the_acting_user(small_plan, demo, plan_editor):
    user = plan_editor
    plan = services.plan_create(body=demo.body, name="Neuer Plan", slug="neu", by=user)
    assert Plan.history.filter(history_user=user, id=plan.pk, history_type="+").exists()
    draft = services.version_start_draft(plan=small_plan.plan, by=user)
    history = PlanVersion.history.filter(history_user=user, id=draft.pk)
    assert history.filter(history_type="+").exists()
    for model in ITEM_MODELS:
        copies = model.history.filter(history_user=user, version_id=draft.pk)
        assert copies.count() == model.objects.filter(version=draft).count() > 0
    services.version_update(
        version=draft, by=user, title="Fortschreibung", summary="", mandate=None
    )
    assert history.filter(title="Fortschreibung").exists()
    services.version_submit_for_consultation(version=draft, by=user)
    assert history.filter(status="consultation").exists()
    record_vote(demo.seed_paper, yes=60, no=20)
    services.version_adopt(version=draft, paper=demo.seed_paper, by=user)
    assert history.filter(status="adopted").exists()
    assert PlanVersion.history.filter(
        history_user=user, id=small_plan.version.pk, status="superseded"
    ).exists()
    next_draft = services.version_start_draft(plan=small_plan.plan, by=user)
    next_pk = next_draft.pk
    services.version_discard(version=next_draft, by=user)
    assert PlanVersion.history.filter(history_user=user, id=next_pk, history_type="-").exists()


def test_item_services_record_the_acting_user(small_plan, plan_editor):
    user = plan_editor
    draft = services.version_start_draft(plan=small_plan.plan, by=None)
    first, second, third = fields_of(draft)
    measure = measures_of(first)[0]
    measure.title = "Geändert"
    services.item_save(
        item=measure,
        by=user,
        costs={2025: Decimal(100)},
        milestones=[(dt.date(2025, 5, 1), "Konzept")],
    )
    assert Measure.history.filter(history_user=user, id=measure.pk, title="Geändert").exists()
    assert MeasureCost.history.filter(history_user=user, measure_id=measure.pk).exists()
    assert Milestone.history.filter(history_user=user, measure_id=measure.pk).exists()
    goal = services.item_save(item=Goal(version=draft, field=first, title="Neu"), by=user)
    assert Goal.history.filter(history_user=user, id=goal.pk, history_type="+").exists()
    services.item_move(item=measure, field=second, by=user)
    assert Measure.history.filter(history_user=user, id=measure.pk, field_id=second.pk).exists()
    last = measures_of(third)[-1]
    services.item_place(item=last, index=0, by=user)
    assert Measure.history.filter(history_user=user, id=last.pk, position=0).exists()
    goal_pk = goal.pk
    services.item_remove(item=goal, by=user)
    assert Goal.history.filter(history_user=user, id=goal_pk, history_type="-").exists()


def test_status_reports_record_the_acting_user(small_plan, reporter):
    measure = Measure.objects.filter(version=small_plan.version).first()
    report = _report(measure, reporter)
    assert StatusReport.history.filter(history_user=reporter, id=report.pk).exists()
    assert MeasureState.history.filter(history_user=reporter, measure_uid=measure.uid).exists()


# --- selectors ---------------------------------------------------------------------


def _rated(weight, progress, status=ImplementationStatus.RUNNING):
    measure = Measure(weight=Decimal(weight))
    measure.state_progress = progress
    measure.state_status = status
    return measure


def test_rollup_is_the_weighted_mean_of_the_measures_not_dropped():
    assert selectors.rollup([_rated("1", 100), _rated("3", 0)]) == 25
    dropped = _rated("10", 0, ImplementationStatus.DROPPED)
    assert selectors.rollup([_rated("1", 100), _rated("3", 0), dropped]) == 25
    assert selectors.rollup([_rated("1", 50), _rated("2", 51)]) == 51
    assert selectors.rollup([_rated("0.5", 100), _rated("1.5", 20)]) == 40
    assert selectors.rollup([]) is None
    assert selectors.rollup([dropped]) is None


def test_the_tree_rolls_progress_up_to_goals_and_fields(small_plan, plan_editor):
    draft = services.version_start_draft(plan=small_plan.plan, by=plan_editor)
    field = fields_of(draft)[0]
    s1, s2 = strategic_goals(field)
    c1, c2 = s1.children.order_by("position")
    d1, d2 = s2.children.order_by("position")
    m0, m1, m2, m3 = measures_of(field)
    plan = [
        (m0, "3", [s1, c1, c2], "done", 100),
        (m1, "1", [c1], "running", 0),
        (m2, "2", [c2, d1], "running", 50),
        (m3, "1", [], "dropped", 0),
    ]
    for measure, weight, goals, status, progress in plan:
        measure.weight = Decimal(weight)
        services.item_save(item=measure, by=plan_editor, goals=goals)
        _report(measure, None, status=status, progress=progress)
    tree = selectors.plan_tree(draft)
    node = next(n for n in tree.fields if n.field == field)
    goals = {g.goal: g for g in node.goals}
    goals.update({c.goal: c for g in node.goals for c in g.children})
    progress = {goal: goals[goal].progress for goal in (s1, c1, c2, s2, d1, d2)}
    # s1 serves m0 directly and through both operational goals, m1 and m2 through them.
    assert progress == {s1: 67, c1: 75, c2: 80, s2: 50, d1: 50, d2: None}
    assert node.progress == 67
    assert [m.pk for m in node.measures] == [m0.pk, m1.pk, m2.pk, m3.pk]


# --- search ------------------------------------------------------------------------


def test_search_finds_stemmed_words_only_in_the_given_version(small_plan, plan_editor):
    v1 = small_plan.version
    draft = services.version_start_draft(plan=small_plan.plan, by=plan_editor)
    measure = measures_of(fields_of(draft)[0])[0]
    measure.title = "Elternabende für geflüchtete Frauen"
    services.item_save(item=measure, by=plan_editor)
    hits = list(search.search_version(draft, "Elternabend Frau"))
    assert [(h.kind, h.uid, h.item_id) for h in hits] == [("measure", measure.uid, measure.pk)]
    assert not search.search_version(v1, "Elternabend").exists()
    field_uids = {f.uid for f in fields_of(v1)}
    for version in (v1, draft):
        found = list(search.search_version(version, "Handlungsfelder"))
        assert {h.uid for h in found} == field_uids
        assert {h.version_id for h in found} == {version.pk}
        assert {(h.uid, h.item_id) for h in found} == {(f.uid, f.pk) for f in fields_of(version)}
    services.item_remove(item=measure, by=plan_editor)
    assert not search.search_version(draft, "Elternabend").exists()
