"""Traceability: motion → plan → goals → measures, funded projects and money, indicators."""

from __future__ import annotations

from django.urls import reverse

from fund.selectors import funded_projects


def _get(client, **params):
    return client.get(reverse("monitoring:trace"), params)


def test_the_motion_leads_to_goals_measures_projects_money_and_indicators(client, demo, site):
    plan_demo = site
    response = _get(client)
    assert response.status_code == 200
    trace = response.context["trace"]
    # The motion mandated the plan's update, which is in consultation and public.
    assert trace.mandate == demo.seed_paper and trace.version == plan_demo.draft
    text = response.content.decode()
    assert demo.seed_paper.reference in text
    with_projects = [g for g in trace.goals if g.projects]
    assert with_projects and any(g.measures for g in trace.goals)
    assert any(g.indicators for g in trace.goals)
    committed = {p.id: p.committed for p in funded_projects()}
    for goal in with_projects:
        assert goal.committed == sum(committed[p.id] for p in goal.projects)


def test_from_a_project_back_to_its_goals(client, site):
    project = next(p for p in funded_projects() if p.goal_uids)
    trace = _get(client, projekt=project.id).context["trace"]
    assert trace.focus == project.title
    assert trace.goals and all(project in g.projects for g in trace.goals)
    assert {str(g.goal.uid) for g in trace.goals} <= set(project.goal_uids)


def test_from_an_indicator_and_a_measure_back(client, site):
    plan_demo = site
    version = plan_demo.adopted
    indicator = version.indicators.get(code="I 3")
    trace = _get(client, fassung=version.number, indikator=str(indicator.uid)).context["trace"]
    assert trace.goals and all(
        indicator.uid in {i.uid for i, _a in g.indicators} for g in trace.goals
    )
    measure = version.measures.filter(goals__isnull=False).first()
    trace = _get(client, fassung=version.number, massnahme=str(measure.uid)).context["trace"]
    assert trace.goals and all(measure in g.measures for g in trace.goals)


def test_unknown_focus_shows_nothing_and_an_unknown_version_is_not_found(client, site):
    response = _get(client, projekt="999999")
    assert response.status_code == 200 and response.context["trace"].goals == []
    assert "No goal of this version is connected to it." in response.content.decode()
    assert _get(client, fassung="99").status_code == 404
    assert _get(client, indikator="not-a-uuid").status_code == 200
