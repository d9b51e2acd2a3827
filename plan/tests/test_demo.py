"""The demo plan loads through the services, says it is example data, and shows a real update."""

import json

from django.utils import translation

from plan import policies
from plan.demo import DEFAULT_PLAN_DEMO, load_plan_demo
from plan.models import Measure, MeasureState, PlanVersion, StatusReport
from plan.services import adoption_problem
from plan.structure import compare_versions


def test_demo_has_an_adopted_version_and_a_fortschreibung_draft(plan_demo, demo):
    adopted, draft = plan_demo.adopted, plan_demo.draft
    assert adopted.status == PlanVersion.Status.ADOPTED
    assert adopted.adoption_paper == plan_demo.adoption_paper
    assert adoption_problem(plan_demo.adoption_paper) is None
    assert draft.status == PlanVersion.Status.CONSULTATION
    assert draft.based_on == adopted
    assert draft.mandate == demo.seed_paper
    assert adopted.is_example and draft.is_example and plan_demo.plan.is_example


def test_pending_paper_cannot_adopt_the_draft_yet(plan_demo):
    with translation.override("en"):
        assert "has not been recorded yet" in adoption_problem(plan_demo.pending_paper)


def test_fortschreibung_differs_as_the_file_says(plan_demo):
    data = json.loads(DEFAULT_PLAN_DEMO.read_text(encoding="utf-8"))
    ops = [c["op"] for c in data["update"]["changes"]]
    diff = compare_versions(plan_demo.adopted, plan_demo.draft)
    added_kinds = [e.kind for e in diff.added()]
    assert added_kinds.count("field") == ops.count("add_field")
    assert len(diff.removed()) >= ops.count("remove")
    assert len(diff.moved()) == ops.count("move")
    changed_goals = [e for e in diff.changed() if e.kind == "goal"]
    assert changed_goals, "the Fortschreibung changes goals"
    assert {"add_measure", "remove", "change", "add_field"} <= set(ops)


def test_status_reports_set_the_state_of_measures(plan_demo):
    reports = StatusReport.objects.filter(plan=plan_demo.plan)
    assert reports.exists() and all(r.is_example for r in reports)
    latest = reports.order_by("-date", "-pk").first()
    state = MeasureState.objects.get(plan=plan_demo.plan, measure_uid=latest.measure_uid)
    assert state.as_of >= latest.date


def test_demo_users_report_only_on_their_lead_units_measures(plan_demo, django_user_model):
    reporter = django_user_model.objects.get(email="koordinierung@teilhabe.example")
    editor = django_user_model.objects.get(email="planung@teilhabe.example")
    measures = Measure.objects.filter(version=plan_demo.adopted).select_related("lead_unit")
    own = [m for m in measures if policies.can_write_status_report(reporter, m)]
    assert own and len(own) < len(measures)
    assert not any(policies.can_write_status_report(editor, m) for m in measures)
    assert policies.is_plan_editor(editor)


def test_loading_twice_changes_nothing(plan_demo, demo):
    count = PlanVersion.objects.count()
    again = load_plan_demo(demo)
    assert not again.created
    assert PlanVersion.objects.count() == count
    assert again.draft == plan_demo.draft
