"""Who may use the plan editors' pages and write status reports: roles × pages, no writes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from council import services as council_services
from council.models import Organization
from plan import services
from plan.generate import decided_paper
from plan.models import (
    FieldOfAction,
    Goal,
    ImplementationStatus,
    Indicator,
    Measure,
    MeasureCost,
    MeasureState,
    Milestone,
    PlanVersion,
    StatusReport,
)

# Admins hold every role (core.models.User.has_role), so they count as plan editors.
REFUSED_ROLES = [None, *(r for r in Role if r not in (Role.PLAN_EDITOR, Role.ADMIN))]


def state():
    """Rows and history records of every plan table, and each version's status."""
    models = (
        PlanVersion,
        FieldOfAction,
        Goal,
        Measure,
        Indicator,
        MeasureCost,
        Milestone,
        StatusReport,
        MeasureState,
    )
    counts = {m.__name__: (m.objects.count(), m.history.count()) for m in models}
    counts["statuses"] = tuple(PlanVersion.objects.order_by("pk").values_list("pk", "status"))
    return counts


def version_pages(version, paper):
    """Every editor page of a version, as (method, url, data); POST data that would succeed."""
    slug, number = version.plan.slug, version.number

    def url(name, *rest):
        return reverse(f"plan_edit:{name}", args=[slug, number, *rest])

    fields = list(FieldOfAction.objects.filter(version=version).order_by("position"))
    goal = Goal.objects.filter(version=version, parent=None).first()
    measure = Measure.objects.filter(version=version).first()
    indicator = Indicator.objects.filter(version=version).first()
    items = {
        "field": (fields[0], {"title": "Neues Feld"}),
        "goal": (goal, {"title": "Neues Ziel", "field": fields[0].pk}),
        "measure": (
            measure,
            {
                "title": "Neue Maßnahme",
                "field": fields[0].pk,
                "lead_unit": measure.lead_unit_id,
                "funding_source": "regular",
                "weight": "1",
            },
        ),
        "indicator": (indicator, {"name": "Neuer Indikator", "direction": "higher"}),
    }
    pages = [
        ("get", url("workspace"), {}),
        ("post", url("workspace"), {"title": "Umbenannt"}),
        ("post", url("version_publish"), {}),
        ("get", url("version_discard"), {}),
        ("post", url("version_discard"), {}),
        ("get", url("version_adopt"), {}),
        ("post", url("version_adopt"), {"paper": paper.pk}),
    ]
    for kind, (item, data) in items.items():
        pages += [
            ("get", url("item_create", kind), {}),
            ("post", url("item_create", kind), data),
            ("get", url("item_edit", kind, item.uid), {}),
            ("post", url("item_edit", kind, item.uid), data),
            ("get", url("item_remove", kind, item.uid), {}),
            ("post", url("item_remove", kind, item.uid), {}),
            ("post", url("item_place", kind, item.uid), {"direction": "down"}),
        ]
    for kind, item in (("goal", goal), ("measure", measure)):
        pages += [
            ("get", url("item_move", kind, item.uid), {}),
            ("post", url("item_move", kind, item.uid), {"field": fields[1].pk}),
        ]
    return pages


def all_pages(version, paper):
    start = reverse("plan_edit:version_start", args=[version.plan.slug])
    return [
        ("get", start, {}),
        ("post", start, {"title": "Noch ein Entwurf"}),
        *version_pages(version, paper),
    ]


@pytest.fixture
def draft(small_plan):
    version = services.version_start_draft(plan=small_plan.plan, by=None)
    version.plan = small_plan.plan
    return version


@pytest.fixture
def paper(demo):
    """A paper whose decision is recorded: adopting with it would succeed."""
    return decided_paper(demo.body, "99/klein BDs")


def unit_member(make_user, body, unit, *roles):
    user = make_user(*roles)
    person = council_services.person_create(body=body, family_name=f"Mitglied {user.pk}")
    council_services.membership_create(
        person=person, organization=unit, start_date=dt.date(2021, 11, 1)
    )
    council_services.person_link_user(person=person, user=user)
    return user


@pytest.mark.parametrize("role", REFUSED_ROLES, ids=lambda r: r or "anonymous")
def test_editor_pages_refuse_everyone_but_plan_editors(client, make_user, draft, paper, role):
    # An open draft exists, so "start a draft" would be refused anyway; without it too.
    pages = all_pages(draft, paper)
    if role is not None:
        client.force_login(make_user(role))
    before = state()
    for method, url, data in pages:
        response = getattr(client, method)(url, data)
        if role is None:
            assert response.status_code == 302, (method, url)
            assert response.url.startswith(reverse("login")), (method, url)
        else:
            assert response.status_code == 403, (method, url)
    assert state() == before


@pytest.mark.parametrize("role", REFUSED_ROLES, ids=lambda r: r or "anonymous")
def test_starting_a_draft_is_refused_to_everyone_but_plan_editors(
    client, make_user, small_plan, role
):
    url = reverse("plan_edit:version_start", args=[small_plan.plan.slug])
    if role is not None:
        client.force_login(make_user(role))
    before = state()
    for method in ("get", "post"):
        response = getattr(client, method)(url, {"title": "Entwurf"})
        assert response.status_code == (302 if role is None else 403)
    assert state() == before


@pytest.mark.parametrize("role", [Role.PLAN_EDITOR, Role.ADMIN])
def test_plan_editors_and_admins_may_open_every_page_of_an_open_draft(
    client, make_user, draft, paper, role
):
    client.force_login(make_user(role))
    for method, url, _data in version_pages(draft, paper):
        if method == "get":
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", [Role.PLAN_EDITOR, Role.ADMIN])
def test_adopted_and_superseded_versions_are_read_only_for_everyone(
    client, make_user, small_plan, demo, paper, role
):
    adopted = small_plan.version
    adopted.plan = small_plan.plan
    # Version 2 supersedes version 1 and is now in force itself.
    second = services.version_start_draft(plan=small_plan.plan, by=None)
    services.version_adopt(version=second, paper=decided_paper(demo.body, "2/klein"), by=None)
    superseded = PlanVersion.objects.get(pk=adopted.pk)
    superseded.plan = small_plan.plan
    in_force = PlanVersion.objects.get(pk=second.pk)
    in_force.plan = small_plan.plan
    assert superseded.status == PlanVersion.Status.SUPERSEDED
    assert in_force.status == PlanVersion.Status.ADOPTED
    client.force_login(make_user(role))
    before = state()
    for version in (superseded, in_force):
        for method, url, data in version_pages(version, paper):
            response = getattr(client, method)(url, data)
            assert response.status_code == 403, (method, url)
            if method == "get":
                assert "plan/edit/locked.html" in [t.name for t in response.templates]
    assert state() == before


def test_the_read_only_page_says_why_and_offers_a_new_draft(client, plan_editor, small_plan):
    version = small_plan.version
    version.plan = small_plan.plan
    client.force_login(plan_editor)
    url = reverse("plan_edit:workspace", args=[version.plan.slug, version.number])
    response = client.get(url)
    assert response.status_code == 403
    html = response.content.decode()
    assert reverse("plan_edit:version_start", args=[version.plan.slug]) in html
    assert response.context["version"] == version


def test_unknown_versions_and_items_are_404_for_editors(client, plan_editor, draft):
    client.force_login(plan_editor)
    slug = draft.plan.slug
    assert client.get(reverse("plan_edit:workspace", args=[slug, 99])).status_code == 404
    assert client.get(reverse("plan_edit:workspace", args=["gibt-es-nicht", 1])).status_code == 404
    missing = "00000000-0000-0000-0000-000000000000"
    url = reverse("plan_edit:item_edit", args=[slug, draft.number, "goal", missing])
    assert client.get(url).status_code == 404
    indicator = Indicator.objects.filter(version=draft).first()
    url = reverse("plan_edit:item_move", args=[slug, draft.number, "indicator", indicator.uid])
    assert client.get(url).status_code == 404


# --- status reports --------------------------------------------------------------------


def report_url(version, measure):
    return reverse(
        "plan_edit:status_report_create", args=[version.plan.slug, version.number, measure.uid]
    )


def report_data():
    return {
        "date": timezone.localdate().isoformat(),
        "status": ImplementationStatus.RUNNING,
        "progress": "30",
        "text": "Läuft.",
    }


@pytest.fixture
def in_force(small_plan):
    version = small_plan.version
    version.plan = small_plan.plan
    return version


def test_a_plan_editor_outside_the_lead_unit_may_not_report(client, plan_editor, in_force):
    measure = Measure.objects.filter(version=in_force).first()
    client.force_login(plan_editor)
    before = state()
    assert client.get(report_url(in_force, measure)).status_code == 403
    assert client.post(report_url(in_force, measure), report_data()).status_code == 403
    assert state() == before


def test_anonymous_users_are_sent_to_sign_in_before_reporting(client, in_force):
    measure = Measure.objects.filter(version=in_force).first()
    before = state()
    for method in ("get", "post"):
        response = getattr(client, method)(report_url(in_force, measure), report_data())
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert state() == before


@pytest.mark.parametrize("roles", [(), (Role.COMMITTEE_MEMBER,), (Role.PLAN_EDITOR,)])
def test_a_member_of_the_lead_unit_reports_whatever_their_role(
    client, make_user, demo, small_plan, in_force, roles
):
    member = unit_member(make_user, demo.body, small_plan.lead_unit, *roles)
    measure = Measure.objects.filter(version=in_force).first()
    client.force_login(member)
    response = client.post(report_url(in_force, measure), report_data())
    assert response.status_code == 302
    report = StatusReport.objects.get(measure_uid=measure.uid)
    assert report.author == member and report.lead_unit == small_plan.lead_unit


def test_a_member_of_another_administration_unit_may_not_report(client, make_user, demo, in_force):
    other = council_services.organization_create(
        body=demo.body, name="Fachbereich Jugend", kind=Organization.Kind.ADMINISTRATION
    )
    member = unit_member(make_user, demo.body, other, Role.COMMITTEE_MEMBER)
    measure = Measure.objects.filter(version=in_force).first()
    client.force_login(member)
    before = state()
    assert client.get(report_url(in_force, measure)).status_code == 403
    assert client.post(report_url(in_force, measure), report_data()).status_code == 403
    assert state() == before


def test_a_former_member_of_the_lead_unit_may_not_report(client, make_user, demo, small_plan):
    version = small_plan.version
    version.plan = small_plan.plan
    user = make_user(Role.COMMITTEE_MEMBER)
    person = council_services.person_create(body=demo.body, family_name="Ehemalig")
    council_services.membership_create(
        person=person,
        organization=small_plan.lead_unit,
        start_date=dt.date(2021, 11, 1),
        end_date=dt.date(2022, 12, 31),
    )
    council_services.person_link_user(person=person, user=user)
    measure = Measure.objects.filter(version=version).first()
    client.force_login(user)
    assert client.get(report_url(version, measure)).status_code == 403
