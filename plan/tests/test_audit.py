"""Changes to plan items appear in the audit history, relations included."""

from core.audit import history_entries
from plan import services
from plan.models import Goal, Measure


def test_changing_the_goals_of_a_measure_is_in_its_history(small_plan, plan_editor):
    draft = services.version_start_draft(plan=small_plan.plan, by=plan_editor)
    measure = Measure.objects.filter(version=draft).first()
    goal = Goal.objects.filter(version=draft).exclude(measures=measure).first()

    services.item_save(item=measure, goals=[goal], by=plan_editor)

    latest = history_entries(measure)[0]
    assert latest.who == str(plan_editor)
    change = next(c for c in latest.changes if c.field == "goals")
    assert change.after == str(goal)


def test_history_page_shows_a_draft_item_to_staff_only(small_plan, plan_editor, client, make_user):
    from core.roles import Role

    draft = services.version_start_draft(plan=small_plan.plan, by=plan_editor)
    goal = Goal.objects.filter(version=draft).first()
    goal.title = "Neuer Titel des Ziels"
    services.item_save(item=goal, by=plan_editor)
    url = f"/verlauf/plan/goal/{goal.pk}/"

    client.force_login(make_user(Role.APPLICANT))
    assert client.get(url).status_code in (403, 404)
    client.force_login(plan_editor)
    response = client.get(url)
    assert response.status_code == 200
    assert "Neuer Titel des Ziels" in response.content.decode()
