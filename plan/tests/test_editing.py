"""Plan editors' pages and status reports through the test client: the whole flow and bad input."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.roles import Role
from council import services as council_services
from plan import services
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
from plan.structure import compare_versions

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def edit_url(name, version, *rest):
    return reverse(f"plan_edit:{name}", args=[version.plan.slug, version.number, *rest])


def written():
    """How many rows and history records every plan table holds: to prove nothing was written."""
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
    return {m.__name__: (m.objects.count(), m.history.count()) for m in models}


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def goal_data(goal, **changes):
    data = {"code": goal.code, "title": goal.title, "description": goal.description}
    data.update(changes)
    return data


def measure_data(field, lead_unit, **changes):
    data = {
        "code": "M 99",
        "title": "Sprachcafés in allen Kommunen",
        "description": "Wöchentliche Sprachcafés.",
        "field": field.pk,
        "lead_unit": lead_unit.pk,
        "start": "2025-01-01",
        "end": "2026-12-31",
        "funding_source": Measure.FundingSource.FUND,
        "weight": "1",
        "costs": "",
        "milestones": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def editor(client, plan_editor):
    client.force_login(plan_editor)
    return client


@pytest.fixture
def draft(small_plan, plan_editor):
    version = services.version_start_draft(plan=small_plan.plan, by=plan_editor)
    version.plan = small_plan.plan
    return version


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def lead_member(make_user, demo, small_plan):
    """A user sitting in the lead unit of the generated measures (through a council person)."""
    user = make_user(Role.COMMITTEE_MEMBER)
    person = council_services.person_create(body=demo.body, family_name=f"Mitglied {user.pk}")
    council_services.membership_create(
        person=person, organization=small_plan.lead_unit, start_date=dt.date(2021, 11, 1)
    )
    council_services.person_link_user(person=person, user=user)
    return user


def ordered_measures(version, field):
    return list(Measure.objects.filter(version=version, field=field).order_by("position", "pk"))


# --- the whole flow ------------------------------------------------------------------


def test_editor_drafts_edits_and_the_comparison_shows_exactly_those_changes(
    demo, small_plan, editor, plan_editor
):
    plan = small_plan.plan
    response = editor.post(
        reverse("plan_edit:version_start", args=[plan.slug]),
        {"title": "Fortschreibung 2026", "summary": "", "mandate": demo.seed_paper.pk},
    )
    draft = services.open_version(plan)
    assert draft is not None and draft.status == PlanVersion.Status.DRAFT
    assert draft.title == "Fortschreibung 2026" and draft.mandate == demo.seed_paper
    assert response.status_code == 302
    assert response.url == reverse("plan_edit:workspace", args=[plan.slug, draft.number])
    page = editor.get(response.url)
    assert page.status_code == 200
    fields = list(FieldOfAction.objects.filter(version=draft).order_by("position"))
    for field in fields:
        assert field.title in page.content.decode()

    # A strategic goal's title, by a full-page POST.
    goal = Goal.objects.filter(version=draft, parent=None).order_by("pk").first()
    response = editor.post(
        edit_url("item_edit", draft, "goal", goal.uid),
        goal_data(goal, title="Alle Kinder lernen Deutsch"),
    )
    assert response.status_code == 302
    assert response.url.endswith(f"#row-{goal.uid}")
    goal.refresh_from_db()
    assert goal.title == "Alle Kinder lernen Deutsch"
    record = goal.history.latest("history_date")
    assert record.history_user == plan_editor and record.history_type == "~"

    # An operational goal's title in place (htmx): the form fragment, then the row.
    child = Goal.objects.filter(version=draft, parent=goal).order_by("pk").first()
    fragment = editor.get(edit_url("item_edit", draft, "goal", child.uid), HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html
    assert f'id="row-{child.uid}"' in html and "hx-post=" in html
    response = editor.post(
        edit_url("item_edit", draft, "goal", child.uid),
        goal_data(child, title="Eltern begleiten ihre Kinder"),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'id="row-{child.uid}"' in html and "Eltern begleiten ihre Kinder" in html
    assert "<form" in html  # the row's own up/down form, not the edit form
    assert "hx-post=" not in html
    child.refresh_from_db()
    assert child.title == "Eltern begleiten ihre Kinder"
    assert child.history.latest("history_date").history_user == plan_editor

    # A new measure with costs and milestones.
    first, second, third = fields
    serves = Goal.objects.filter(version=draft, field=first).exclude(parent=None).first()
    response = editor.post(
        edit_url("item_create", draft, "measure"),
        measure_data(
            first,
            small_plan.lead_unit,
            costs="2025: 10000\n2026: 12.500,50",
            milestones="30.06.2025 Konzept liegt vor\n2026-03-31 Erste Sprachcafés",
            goals=[serves.pk],
        ),
    )
    assert response.status_code == 302
    added = Measure.objects.get(version=draft, code="M 99")
    assert {c.year: c.amount for c in added.costs.all()} == {
        2025: Decimal("10000.00"),
        2026: Decimal("12500.50"),
    }
    assert [(m.due, m.title) for m in added.milestones.all()] == [
        (dt.date(2025, 6, 30), "Konzept liegt vor"),
        (dt.date(2026, 3, 31), "Erste Sprachcafés"),
    ]
    assert list(added.goals.all()) == [serves]
    assert {h.history_user for h in added.history.all()} == {plan_editor}
    assert all(c.history.get().history_user == plan_editor for c in added.costs.all())

    # Remove a measure of the first field.
    removed = ordered_measures(draft, first)[0]
    confirm = editor.get(edit_url("item_remove", draft, "measure", removed.uid))
    assert confirm.status_code == 200 and removed.title in confirm.content.decode()
    response = editor.post(edit_url("item_remove", draft, "measure", removed.uid))
    assert response.status_code == 302
    assert not Measure.objects.filter(pk=removed.pk).exists()
    deletion = Measure.history.filter(id=removed.pk, history_type="-").get()
    assert deletion.history_user == plan_editor

    # Move a measure of the second field to the third.
    moved = ordered_measures(draft, second)[0]
    response = editor.post(edit_url("item_move", draft, "measure", moved.uid), {"field": third.pk})
    assert response.status_code == 302
    moved.refresh_from_db()
    assert moved.field == third
    assert moved.history.latest("history_date").history_user == plan_editor

    # Put the last measure of the second field first... one step up.
    before = ordered_measures(draft, second)
    response = editor.post(
        edit_url("item_place", draft, "measure", before[-1].uid), {"direction": "up"}
    )
    assert response.status_code == 302
    after = ordered_measures(draft, second)
    assert after == [*before[:-2], before[-1], before[-2]]
    assert Measure.history.filter(id=before[-1].pk, history_user=plan_editor).exists()

    diff = compare_versions(small_plan.version, draft)
    assert diff.counts() == {"added": 1, "removed": 1, "moved": 1, "reordered": 1, "changed": 2}
    assert [e.uid for e in diff.added()] == [str(added.uid)]
    assert [e.uid for e in diff.removed()] == [str(removed.uid)]
    assert [e.uid for e in diff.moved()] == [str(moved.uid)]
    assert diff.reordered()[0].uid in {str(before[-1].uid), str(before[-2].uid)}
    changed = {e.uid: [c.attribute for c in e.changes] for e in diff.changed()}
    assert changed == {str(goal.uid): ["title"], str(child.uid): ["title"]}
    # The version in force did not change at all.
    assert small_plan.version.status == PlanVersion.Status.ADOPTED
    assert not Goal.objects.filter(version=small_plan.version, title=goal.title).exists()


def test_the_version_details_are_saved_from_the_workspace(draft, editor, plan_editor, demo):
    response = editor.post(
        edit_url("workspace", draft),
        {"title": "Fortschreibung 2026", "summary": "Neu", "mandate": demo.seed_paper.pk},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.summary, draft.mandate) == (
        "Fortschreibung 2026",
        "Neu",
        demo.seed_paper,
    )
    assert draft.history.latest("history_date").history_user == plan_editor


def test_fields_goals_and_indicators_are_added_with_their_preselected_place(draft, editor):
    field_page = editor.post(
        edit_url("item_create", draft, "field"), {"code": "9", "title": "Wohnen"}
    )
    assert field_page.status_code == 302
    field = FieldOfAction.objects.get(version=draft, title="Wohnen")
    form = editor.get(edit_url("item_create", draft, "goal") + f"?field={field.uid}")
    assert form.context["form"].initial["field"] == field.pk
    editor.post(
        edit_url("item_create", draft, "goal"),
        {"code": "9.1", "title": "Gutes Wohnen für alle", "field": field.pk},
    )
    strategic = Goal.objects.get(version=draft, title="Gutes Wohnen für alle")
    form = editor.get(edit_url("item_create", draft, "goal") + f"?parent={strategic.uid}")
    initial = form.context["form"].initial
    assert (initial["field"], initial["parent"]) == (field.pk, strategic.pk)
    editor.post(
        edit_url("item_create", draft, "goal"),
        {"title": "Wohnberatung", "field": field.pk, "parent": strategic.pk},
    )
    assert Goal.objects.get(version=draft, title="Wohnberatung").parent == strategic
    response = editor.post(
        edit_url("item_create", draft, "indicator"),
        {
            "code": "I 9",
            "name": "Wohnkostenquote",
            "direction": Indicator.Direction.LOWER,
            "baseline_value": "35",
            "baseline_year": "2023",
            "target_value": "30",
            "target_year": "2030",
            "goals": [strategic.pk],
        },
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(version=draft, code="I 9")
    assert indicator.municipality is None and list(indicator.goals.all()) == [strategic]


def test_removing_a_field_names_what_goes_with_it(draft, editor):
    field = FieldOfAction.objects.filter(version=draft).order_by("position").first()
    page = editor.get(edit_url("item_remove", draft, "field", field.uid)).content.decode()
    for item in [*field.goals.all(), *field.measures.all()]:
        assert item.title in page
    editor.post(edit_url("item_remove", draft, "field", field.uid))
    assert not Goal.objects.filter(field_id=field.pk).exists()
    assert not Measure.objects.filter(field_id=field.pk).exists()


def test_a_strategic_goal_moves_with_its_operational_goals(draft, editor):
    fields = list(FieldOfAction.objects.filter(version=draft).order_by("position"))
    goal = Goal.objects.filter(version=draft, field=fields[0], parent=None).first()
    response = editor.post(edit_url("item_move", draft, "goal", goal.uid), {"field": fields[1].pk})
    assert response.status_code == 302
    assert set(goal.children.values_list("field_id", flat=True)) == {fields[1].pk}


def test_publishing_puts_the_draft_into_consultation(draft, editor):
    response = editor.post(edit_url("version_publish", draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == PlanVersion.Status.CONSULTATION
    # Still open: the workspace answers and offers no second publication.
    page = editor.get(edit_url("workspace", draft)).content.decode()
    assert edit_url("version_publish", draft) not in page


def test_discarding_a_draft_deletes_it_after_confirmation(draft, editor, small_plan):
    assert editor.get(edit_url("version_discard", draft)).status_code == 200
    assert PlanVersion.objects.filter(pk=draft.pk).exists()
    response = editor.post(edit_url("version_discard", draft))
    assert response.status_code == 302
    assert not PlanVersion.objects.filter(pk=draft.pk).exists()
    assert not Measure.objects.filter(version_id=draft.pk).exists()
    assert PlanVersion.objects.get(pk=small_plan.version.pk).status == PlanVersion.Status.ADOPTED


def test_a_second_draft_is_refused_with_a_message(draft, editor, small_plan):
    before = written()
    response = editor.post(
        reverse("plan_edit:version_start", args=[small_plan.plan.slug]), {"title": "Noch eine"}
    )
    assert response.status_code == 400
    assert any("already an open draft" in m or "bereits" in m for m in messages_of(response))
    assert written() == before


def test_import_link_shows_only_when_the_import_page_exists(draft, editor):
    page = editor.get(edit_url("workspace", draft))
    try:
        url = reverse("opendata:plan_import", args=[draft.plan.slug, draft.number])
    except NoReverseMatch:
        assert page.context["import_url"] is None
    else:
        assert url in page.content.decode()


def test_workspace_query_count_is_bounded(draft, editor, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        assert editor.get(edit_url("workspace", draft)).status_code == 200


# --- adoption --------------------------------------------------------------------------


def test_adoption_waits_for_the_recorded_council_decision(
    demo, draft, editor, plan_editor, small_plan, council_office_user
):
    paper = demo.seed_paper
    deciding = services.deciding_consultation(paper)
    assert deciding.organization.name == "Regionsversammlung"
    assert not deciding.is_voted  # the demo has not voted yet

    form = editor.get(edit_url("version_adopt", draft))
    papers = list(form.context["form"].fields["paper"].queryset)
    assert paper in papers
    assert papers == sorted(papers, key=lambda p: (p.date or dt.date.min, p.pk), reverse=True)

    before = written()
    refused = editor.post(edit_url("version_adopt", draft), {"paper": paper.pk})
    assert refused.status_code == 400
    assert refused.context["form"].errors["paper"] == [services.adoption_problem(paper)]
    assert written() == before
    draft.refresh_from_db()
    assert draft.status == PlanVersion.Status.DRAFT

    council_services.consultation_record_vote(
        consultation=deciding,
        as_proposed=True,
        votes_yes=52,
        votes_no=30,
        votes_abstention=4,
        result="mehrheitlich beschlossen",
        by=council_office_user,
    )
    response = editor.post(
        edit_url("version_adopt", draft), {"paper": paper.pk, "valid_from": "2025-01-01"}
    )
    assert response.status_code == 302
    try:
        expected = reverse("plan:version_detail", args=[draft.plan.slug, draft.number])
    except NoReverseMatch:
        expected = None
    if expected:
        assert response.url == expected
    draft.refresh_from_db()
    old = PlanVersion.objects.get(pk=small_plan.version.pk)
    assert draft.status == PlanVersion.Status.ADOPTED and draft.adoption_paper == paper
    assert draft.valid_from == dt.date(2025, 1, 1)
    assert old.status == PlanVersion.Status.SUPERSEDED
    assert draft.history.latest("history_date").history_user == plan_editor
    assert old.history.latest("history_date").history_user == plan_editor
    # From now on the adopted draft is read-only, also for its editor.
    locked = editor.get(edit_url("workspace", draft))
    assert locked.status_code == 403
    assert "plan/edit/locked.html" in [t.name for t in locked.templates]


# --- bad input ---------------------------------------------------------------------------


def test_a_goal_without_title_is_refused(draft, editor):
    field = FieldOfAction.objects.filter(version=draft).first()
    before = written()
    response = editor.post(edit_url("item_create", draft, "goal"), {"field": field.pk})
    assert response.status_code == 400
    assert "title" in response.context["form"].errors
    assert written() == before


def test_a_goal_under_a_strategic_goal_of_another_field_is_refused(draft, editor):
    fields = list(FieldOfAction.objects.filter(version=draft).order_by("position"))
    foreign = Goal.objects.filter(version=draft, field=fields[1], parent=None).first()
    before = written()
    response = editor.post(
        edit_url("item_create", draft, "goal"),
        {"title": "Falsch eingehängt", "field": fields[0].pk, "parent": foreign.pk},
    )
    assert response.status_code == 400
    assert "parent" in response.context["form"].errors
    assert written() == before


def test_an_empty_title_in_place_comes_back_as_the_form_with_its_error(draft, editor):
    goal = Goal.objects.filter(version=draft).first()
    before = written()
    response = editor.post(
        edit_url("item_edit", draft, "goal", goal.uid),
        goal_data(goal, title=""),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "hx-post=" in html and 'aria-invalid="true"' in html
    assert written() == before
    goal.refresh_from_db()
    assert goal.title


@pytest.mark.parametrize(
    ("changes", "field", "shown"),
    [
        pytest.param({"title": ""}, "title", None, id="missing-title"),
        pytest.param({"start": "2026-01-01", "end": "2025-12-31"}, "end", None, id="end-first"),
        pytest.param({"costs": "2025: 10000\n2026 zehn"}, "costs", "2026 zehn", id="cost-colon"),
        pytest.param({"costs": "2025: zehntausend"}, "costs", "zehntausend", id="cost-word"),
        pytest.param({"costs": "2025: 100\n2025: 200"}, "costs", "2025: 200", id="cost-twice"),
        pytest.param({"milestones": "31.02.2025 Konzept"}, "milestones", "31.02.2025", id="day"),
        pytest.param({"milestones": "Ende Juni Konzept"}, "milestones", "Ende Juni", id="no-date"),
    ],
)
def test_bad_measure_input_is_refused_line_by_line(
    draft, editor, small_plan, changes, field, shown
):
    first = FieldOfAction.objects.filter(version=draft).first()
    before = written()
    response = editor.post(
        edit_url("item_create", draft, "measure"),
        measure_data(first, small_plan.lead_unit, **changes),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    if shown:
        assert shown in " ".join(errors[field])
    assert written() == before


def test_a_move_under_a_strategic_goal_of_another_field_is_refused(draft, editor):
    fields = list(FieldOfAction.objects.filter(version=draft).order_by("position"))
    goal = Goal.objects.filter(version=draft, field=fields[0]).exclude(parent=None).first()
    foreign = Goal.objects.filter(version=draft, field=fields[1], parent=None).first()
    before = written()
    response = editor.post(
        edit_url("item_move", draft, "goal", goal.uid),
        {"field": fields[0].pk, "parent": foreign.pk},
    )
    assert response.status_code == 400
    assert "parent" in response.context["form"].errors
    assert written() == before


def test_a_reorder_needs_a_direction(draft, editor):
    measure = Measure.objects.filter(version=draft).first()
    before = written()
    response = editor.post(edit_url("item_place", draft, "measure", measure.uid), {})
    assert response.status_code == 400
    assert written() == before


# --- status reports ----------------------------------------------------------------------


def report_url(version, measure):
    return edit_url("status_report_create", version, measure.uid)


def report_data(**changes):
    data = {
        "date": timezone.localdate().isoformat(),
        "status": ImplementationStatus.RUNNING,
        "progress": "40",
        "text": "Die ersten Kurse laufen.",
    }
    data.update(changes)
    return data


def test_a_lead_unit_member_reports_with_evidence_and_staff_download_it(
    small_plan, client, lead_member, media, make_user
):
    version = small_plan.version
    version.plan = small_plan.plan
    measure = Measure.objects.filter(version=version).first()
    client.force_login(lead_member)
    form = client.get(report_url(version, measure))
    assert form.status_code == 200
    assert form.context["form"].initial["date"] == timezone.localdate()
    assert 'enctype="multipart/form-data"' in form.content.decode()
    response = client.post(
        report_url(version, measure),
        report_data(evidence=SimpleUploadedFile("nachweis.pdf", PDF, "application/pdf")),
    )
    assert response.status_code == 302
    report = StatusReport.objects.get(measure_uid=measure.uid)
    assert (report.status, report.progress, report.author) == ("running", 40, lead_member)
    assert report.history.get().history_user == lead_member
    state = MeasureState.objects.get(plan=small_plan.plan, measure_uid=measure.uid)
    assert (state.status, state.progress, state.report) == ("running", 40, report)

    download = reverse("plan_edit:evidence", args=[report.pk])
    answer = client.get(download)
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment")
    assert "nachweis" in answer["Content-Disposition"]
    assert b"".join(answer.streaming_content) == PDF
    client.force_login(make_user(Role.PLAN_EDITOR))
    assert client.get(download).status_code == 200
    for outsider in (make_user(Role.APPLICANT), make_user(Role.COMMITTEE_MEMBER)):
        client.force_login(outsider)
        assert client.get(download).status_code == 404
    client.logout()
    assert client.get(download).status_code == 404


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def odt_bytes(mimetype="application/vnd.oasis.opendocument.text"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("bericht.docx", docx_bytes(), id="docx"),
        pytest.param("bericht.odt", odt_bytes(), id="odt"),
        pytest.param("foto.png", PNG, id="png"),
        pytest.param("foto.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 32, id="jpeg"),
    ],
)
def test_evidence_of_each_accepted_kind_is_stored(
    small_plan, client, lead_member, media, name, content
):
    version = small_plan.version
    version.plan = small_plan.plan
    measure = Measure.objects.filter(version=version).first()
    client.force_login(lead_member)
    response = client.post(
        report_url(version, measure), report_data(evidence=SimpleUploadedFile(name, content))
    )
    assert response.status_code == 302
    assert StatusReport.objects.get(measure_uid=measure.uid).evidence


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"evidence": ("bericht.pdf", PNG)}, "evidence", id="png-named-pdf"),
        pytest.param(
            {"evidence": ("bericht.pdf", b"Nur ein Text, kein PDF.")},
            "evidence",
            id="text-named-pdf",
        ),
        pytest.param(
            {"evidence": ("bericht.odt", odt_bytes("application/zip"))},
            "evidence",
            id="zip-named-odt",
        ),
        pytest.param({"evidence": ("bericht.docx", odt_bytes())}, "evidence", id="odt-named-docx"),
        pytest.param({"evidence": ("bericht.exe", PDF)}, "evidence", id="other-suffix"),
        pytest.param({"progress": "101"}, "progress", id="progress-101"),
        pytest.param(
            {"status": ImplementationStatus.DONE, "progress": "50"}, "progress", id="done-at-50"
        ),
        pytest.param(
            {"date": (timezone.localdate() + dt.timedelta(days=1)).isoformat()},
            "date",
            id="future-date",
        ),
        pytest.param({"text": "   "}, "text", id="empty-text"),
    ],
)
def test_bad_status_reports_are_refused_and_nothing_is_written(
    small_plan, client, lead_member, media, changes, field
):
    version = small_plan.version
    version.plan = small_plan.plan
    measure = Measure.objects.filter(version=version).first()
    client.force_login(lead_member)
    if "evidence" in changes:
        name, content = changes["evidence"]
        changes = {"evidence": SimpleUploadedFile(name, content)}
    before = written()
    response = client.post(report_url(version, measure), report_data(**changes))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert written() == before
    assert not any(media.rglob("*.*"))


def test_an_evidence_file_over_ten_megabytes_is_refused(small_plan, client, lead_member, media):
    version = small_plan.version
    version.plan = small_plan.plan
    measure = Measure.objects.filter(version=version).first()
    client.force_login(lead_member)
    big = SimpleUploadedFile("gross.pdf", PDF + b"0" * (10 * 1024 * 1024))
    response = client.post(report_url(version, measure), report_data(evidence=big))
    assert response.status_code == 400
    assert "evidence" in response.context["form"].errors
    assert not StatusReport.objects.exists()


def test_a_superseded_version_takes_no_status_reports(small_plan, client, lead_member, demo):
    from plan.generate import decided_paper

    old = small_plan.version
    draft = services.version_start_draft(plan=small_plan.plan, by=None)
    services.version_adopt(version=draft, paper=decided_paper(demo.body, "2/klein BDs"), by=None)
    old.refresh_from_db()
    old.plan = small_plan.plan
    measure = Measure.objects.filter(version=old).first()
    client.force_login(lead_member)
    assert client.get(report_url(old, measure)).status_code == 404
    draft.plan = small_plan.plan
    same = Measure.objects.get(version=draft, uid=measure.uid)
    assert client.get(report_url(draft, same)).status_code == 200
