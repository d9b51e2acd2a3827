"""The allocation page of the fund office: settings, the solved portfolio, runs, the list."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.urls import reverse

from core.models import Municipality
from core.roles import Role
from fund import services
from fund.models import AllocationRun, Application, Call
from fund.office_forms import AllocationForm
from fund.tests.test_office_pages import WRONG_ROLES, _review, messages_of, page_text
from fund.tests.test_services import _ready
from fund.workflow import State


def _in_review(call, applicant, officer, requested, value, reviewer):
    application = _ready(
        call,
        applicant,
        title=f"Projekt {requested}",
        requested_amount=requested,
        own_contribution=Decimal("15000") - requested,
    )
    for name, by in (("submit", applicant), ("mark_eligible", officer), ("start_review", officer)):
        services.application_transition(application=application, name=name, by=by)
    _review(application, reviewer, officer, value)
    return application


@pytest.fixture
def candidates(open_call, applicant, fund_officer, make_user):
    """Three reviewed applications for 20,000 €: 13,500 € (100 %), 4,000 € (60 %), 9,000 € (80 %).

    The funding line takes the best (13,500 €) and stops at the next that does not fit;
    the optimum funds 13,500 € + 4,000 € (value 160 against 100).
    """
    open_call.budget = Decimal("20000")
    open_call.save()
    reviewer = make_user(Role.REVIEWER)
    return {
        "large": _in_review(open_call, applicant, fund_officer, Decimal("13500"), 5, reviewer),
        "small": _in_review(open_call, applicant, fund_officer, Decimal("4000"), 3, reviewer),
        "middle": _in_review(open_call, applicant, fund_officer, Decimal("9000"), 4, reviewer),
    }


@pytest.fixture
def officer_client(client, fund_officer):
    client.force_login(fund_officer)
    return client


def url(name, *args):
    return reverse(f"fund_office:{name}", args=args)


def _rows(response):
    return {row.id: row for row in response.context["report"].rows}


# --- the page -----------------------------------------------------------------------


def test_the_page_shows_the_optimum_beside_the_funding_line_with_reasons(
    officer_client, open_call, candidates
):
    response = officer_client.get(url("allocation", open_call.pk))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.optimal
    assert report.budget == 20000.0
    rows = _rows(response)
    large, small, middle = (str(candidates[k].pk) for k in ("large", "small", "middle"))
    assert (rows[large].amount, rows[small].amount, rows[middle].amount) == (13500, 4000, 0)
    assert (rows[large].line_amount, rows[small].line_amount) == (13500, 0)
    assert report.portfolio.value == pytest.approx(160)
    assert report.line.value == pytest.approx(100)
    assert [r.id for r in report.differing] == [small]
    assert rows[small].sentence.startswith("Funded in full: without it the portfolio would be")
    assert rows[middle].sentence.startswith("Not funded: funding it would lower")
    assert "€ more, a budget of" in rows[middle].sentence
    text = page_text(response)
    assert "Optimal portfolio and funding line" in text
    assert "Save this run" in text
    assert not AllocationRun.objects.exists()  # looking writes nothing


def test_partial_funding_and_the_objective_change_the_portfolio(
    officer_client, open_call, candidates
):
    query = {"budget": "20000", "objective": "score", "partial_floor": "50"}
    response = officer_client.get(url("allocation", open_call.pk), query)
    rows = _rows(response)
    # Per euro the small and the middle project are worth more: they are funded in full,
    # the large one with the rest, 7,000 € (above its floor of 6,750 €).
    assert rows[str(candidates["small"].pk)].amount == pytest.approx(4000)
    assert rows[str(candidates["middle"].pk)].amount == pytest.approx(9000)
    assert rows[str(candidates["large"].pk)].amount == pytest.approx(7000)
    assert rows[str(candidates["large"].pk)].sentence.startswith("Funded in part with 7,000.00 €")


def test_htmx_gets_the_settings_and_the_result_without_the_layout(
    officer_client, open_call, candidates
):
    response = officer_client.get(
        url("allocation", open_call.pk),
        {"budget": "13000", "objective": "score"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "<html" not in text and 'name="budget"' in text
    rows = _rows(response)
    assert rows[str(candidates["large"].pk)].amount == 0  # 13,500 € no longer fit
    assert "HX-Request" in response["Vary"]


def test_impossible_settings_are_named(officer_client, open_call, candidates):
    response = officer_client.get(
        url("allocation", open_call.pk),
        {
            "budget": "20000",
            "objective": "score",
            f"fix_{candidates['large'].pk}": "in",
            f"fix_{candidates['small'].pk}": "in",
            "organisation_max_projects": "1",
        },
    )
    report = response.context["report"]
    assert report.status == "infeasible"
    organisation = candidates["large"].organisation.name
    # Together, and only together, these cannot hold: two fixed in, one per organisation.
    assert set(report.conflicts) == {
        "“Projekt 13500” fixed in",
        "“Projekt 4000” fixed in",
        f"the limit of projects for {organisation}",
    }
    assert report.portfolio is None
    assert "cannot all hold together" in page_text(response)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"budget": "-5"}, "greater than or equal to 0.01"),
        ({"budget": "abc"}, "Enter a number."),
        ({"budget": "1000", "partial_floor": "120"}, "less than or equal to 100"),
        ({"budget": "1000", "organisation_max_projects": "0"}, "greater than or equal to 1"),
    ],
)
def test_bad_settings_are_refused_with_a_message(
    officer_client, open_call, candidates, query, message
):
    response = officer_client.get(url("allocation", open_call.pk), query)
    assert response.status_code == 200
    assert "report" not in response.context
    assert message in page_text(response)
    assert not AllocationRun.objects.exists()


def test_a_group_of_one_and_a_minimum_above_the_maximum_are_refused(
    officer_client, open_call, candidates, plan_demo
):
    from plan.models import Goal, PlanVersion

    goal = Goal.objects.filter(version__status=PlanVersion.Status.ADOPTED).first()
    Application.objects.filter(pk=candidates["large"].pk).update(goal_uids=[str(goal.uid)])
    response = officer_client.get(
        url("allocation", open_call.pk),
        {
            "budget": "20000",
            "objective": "score",
            "field_0_min": "60",
            "field_0_max": "40",
            f"group_{candidates['small'].pk}": "a",
        },
    )
    text = page_text(response)
    assert "report" not in response.context
    assert "lies above its maximum" in text
    assert "has only this application" in text


def test_a_field_quota_moves_money_to_the_field(officer_client, open_call, candidates, plan_demo):
    from plan.models import Goal, PlanVersion

    goal = Goal.objects.filter(version__status=PlanVersion.Status.ADOPTED).first()
    Application.objects.filter(pk=candidates["middle"].pk).update(goal_uids=[str(goal.uid)])
    response = officer_client.get(
        url("allocation", open_call.pk),
        {"budget": "20000", "objective": "score", "field_0_min": "40"},
    )
    assert response.context["form"].field_titles == [goal.field.title]
    rows = _rows(response)
    assert rows[str(candidates["middle"].pk)].amount == 9000  # 45 % of the budget
    assert response.context["report"].portfolio.fields == (goal.field.title,)


def test_the_page_reads_the_candidates_once(
    officer_client, open_call, candidates, django_assert_max_num_queries
):
    """Form and solve share one read of the candidates: a query each, whatever their number.

    Session, user, groups, call; candidates, their municipalities, reviews, goals, the
    money committed; the saved runs (the form's municipalities are the candidates').
    """
    query = {"budget": "20000", "objective": "score", "population_share": "10"}
    with django_assert_max_num_queries(10):
        response = officer_client.get(url("allocation", open_call.pk), query)
    assert response.context["report"].optimal
    with django_assert_max_num_queries(9):
        officer_client.get(url("allocation", open_call.pk), query, headers={"HX-Request": "true"})


# --- runs and the recommendation list ----------------------------------------------


def _save(officer_client, call, query):
    return officer_client.post(url("allocation_save", call.pk), {"query": query})


def test_saving_keeps_the_settings_and_the_run_becomes_the_recommendation_list(
    officer_client, open_call, candidates, fund_officer
):
    response = _save(officer_client, open_call, "budget=20000&objective=score&partial_floor=50")
    run = AllocationRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("allocation_run", open_call.pk, run.pk)
    assert run.created_by == fund_officer
    assert run.options["partial_floor"] == 50.0
    assert run.status == "optimal"
    assert AllocationRun.history.count() == 1

    page = officer_client.get(url("allocation_run", open_call.pk, run.pk))
    assert "Use as recommendation list" in page_text(page)
    assert "partial_floor=50" in page.context["query"]

    response = officer_client.post(url("allocation_run_apply", open_call.pk, run.pk))
    assert response.status_code == 302
    states = {a.pk: a.state for a in Application.objects.all()}
    assert set(states.values()) == {State.RECOMMENDED}  # all three are funded
    run.refresh_from_db()
    assert run.applied_at is not None and run.applied_by == fund_officer
    note = candidates["large"].events.latest("pk").note
    assert note.startswith("Allocation run of")
    # The decision paper proposes the run's amounts: the large one cut to 7,000 €.
    paper = officer_client.get(url("decision_paper", open_call.pk))
    form = paper.context["form"]
    assert form[form.amount_name(candidates["large"])].initial == Decimal("7000")
    assert form[form.amount_name(candidates["middle"])].initial == Decimal("9000")


def test_a_run_out_of_date_cannot_become_the_list(
    officer_client, open_call, candidates, applicant, fund_officer, make_user
):
    _save(officer_client, open_call, "budget=20000&objective=score")
    run = AllocationRun.objects.get()
    _in_review(open_call, applicant, fund_officer, Decimal("5000"), 2, make_user(Role.REVIEWER))
    page = officer_client.get(url("allocation_run", open_call.pk, run.pk))
    assert "Applications have entered or left review since this run." in page_text(page)
    response = officer_client.post(url("allocation_run_apply", open_call.pk, run.pk), follow=True)
    assert "Calculate the allocation again." in " ".join(messages_of(response))
    assert set(Application.objects.values_list("state", flat=True)) == {State.IN_REVIEW}
    run.refresh_from_db()
    assert run.applied_at is None


def test_unreadable_saved_settings_write_nothing(officer_client, open_call, candidates):
    response = _save(officer_client, open_call, "budget=nothing")
    assert response.status_code == 302
    assert not AllocationRun.objects.exists()


# --- who may open the pages ---------------------------------------------------------


def _addresses(call, run):
    return [
        ("get", url("allocation", call.pk)),
        ("post", url("allocation_save", call.pk)),
        ("get", url("allocation_run", call.pk, run.pk)),
        ("post", url("allocation_run_apply", call.pk, run.pk)),
    ]


@pytest.mark.parametrize("role", WRONG_ROLES)
def test_only_fund_officers_open_the_allocation(
    client, open_call, candidates, fund_officer, make_user, role
):
    run = services.allocation_run_create(call=open_call, by=fund_officer)
    client.force_login(make_user(role))
    for method, address in _addresses(open_call, run):
        assert getattr(client, method)(address).status_code == 403, address
    assert set(Application.objects.values_list("state", flat=True)) == {State.IN_REVIEW}
    assert AllocationRun.objects.count() == 1


def test_anonymous_visitors_sign_in_first(client, open_call, candidates, fund_officer):
    run = services.allocation_run_create(call=open_call, by=fund_officer)
    for method, address in _addresses(open_call, run):
        response = getattr(client, method)(address)
        assert response.status_code == 302 and "?next=" in response["Location"], address


def test_a_run_of_another_call_is_not_found(officer_client, open_call, candidates, fund_officer):
    run = services.allocation_run_create(call=open_call, by=fund_officer)
    other = open_call.fund.calls.exclude(pk=open_call.pk).first()
    assert (
        other is None
        or officer_client.get(url("allocation_run", other.pk, run.pk)).status_code == 404
    )
    assert officer_client.get(url("allocation_run", open_call.pk, run.pk + 1)).status_code == 404


# --- the settings as data -----------------------------------------------------------


def test_settings_survive_json_and_the_form(open_call, candidates):
    large, small = candidates["large"], candidates["small"]
    settings = services.AllocationSettings(
        budget=Decimal("18000"),
        by_amount=True,
        partial_floor=Decimal("75"),
        field_shares={"Bildung": (Decimal("10"), None)},
        min_projects_each=1,
        population_share=Decimal("20"),
        organisation_max_projects=2,
        organisation_max_amount=Decimal("15000"),
        exclusive=((large.pk, small.pk),),
        fixed_in=(small.pk,),
        fixed_out=(),
    )
    assert services.AllocationSettings.from_json(settings.to_json()) == settings
    applications = services.allocation_candidates(open_call)
    data = AllocationForm.data_from(settings, fields=["Bildung"], applications=applications)
    query = QueryDict(mutable=True)
    query.update(data)
    form = AllocationForm(query, fields=["Bildung"], municipalities=[], applications=applications)
    assert form.is_valid(), form.errors
    assert form.settings() == settings


def test_population_share_goes_to_the_municipalities_served_by_population(
    open_call, candidates, demo
):
    keys = {"large": "03241001", "small": "03241005", "middle": "03241018"}
    for name, key in keys.items():
        candidates[name].municipalities.set([Municipality.objects.get(key=key)])
    instance = services.allocation_instance(
        open_call,
        settings=services.AllocationSettings(population_share=Decimal("30"), min_projects_each=1),
    )
    people = dict(
        Municipality.objects.filter(key__in=keys.values()).values_list("key", "population")
    )
    total = sum(people.values())
    shares = instance["constraints"]["municipality_min_shares"]
    assert shares == {k: pytest.approx(0.3 * people[k] / total, abs=1e-6) for k in people}
    assert instance["constraints"]["municipality_min_projects"] == {k: 1 for k in sorted(people)}
    assert instance["constraints"]["budget"] == 20000.0


def test_a_pool_read_before_gives_the_same_instance_and_belongs_to_its_call(
    open_call, candidates, django_assert_num_queries
):
    settings = services.AllocationSettings(
        partial_floor=Decimal("50"), population_share=Decimal("20")
    )
    pool = services.allocation_pool(open_call)
    assert [a.pk for a in pool.applications] == sorted(a.pk for a in candidates.values())
    assert pool.left == Decimal("20000")
    with django_assert_num_queries(0):
        instance = services.allocation_instance(open_call, settings=settings, pool=pool)
    assert instance == services.allocation_instance(open_call, settings=settings)
    # Applying settings leaves the pool as it was: it serves the next solve too.
    assert {row["min_amount"] for row in pool.rows} == {None}
    with pytest.raises(ValueError):  # the pool of another call
        services.allocation_solve(open_call, pool=replace(pool, call=Call(pk=open_call.pk + 1)))
