"""The fund's JSON API: the allocation solved on request, the saved runs, who may use it."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from core.roles import Role
from fund import services
from fund.models import AllocationRun, Review, Score
from fund.tests.test_services import _recommended

SOLVE = "/api/fund/allocation"

# The optimum funds B and C (7 + 6 = 13); the funding line takes A (10) and stops.
THREE = {
    "applications": [
        {"id": "A", "score": 10, "amount": 60000},
        {"id": "B", "score": 7, "amount": 50000},
        {"id": "C", "score": 6, "amount": 50000},
    ],
    "constraints": {"budget": 100000},
}


def _post(client, data, query=""):
    return client.post(f"{SOLVE}{query}", data, content_type="application/json")


def _many(n):
    return {
        "applications": [{"id": f"a{i}", "score": i % 97, "amount": 1000} for i in range(n)],
        "constraints": {"budget": 20000},
    }


@pytest.fixture
def officer_client(client, fund_officer):
    client.force_login(fund_officer)
    return client


@pytest.fixture
def runs(open_call, applicant, fund_officer, make_user):
    """Two saved runs of the call: an optimal one and, later, an infeasible one."""
    open_call.budget = Decimal("20000")
    open_call.save()
    criterion = open_call.criteria.get()
    for requested, value in ((Decimal("13500"), 5), (Decimal("4000"), 3)):
        application = _recommended(open_call, applicant, fund_officer, requested)
        review = Review.objects.create(
            application=application, reviewer=make_user(Role.REVIEWER), state="submitted"
        )
        Score.objects.create(review=review, criterion=criterion, value=value)
    first = services.allocation_run_create(call=open_call, by=fund_officer)
    second = services.allocation_run_create(
        call=open_call,
        by=None,
        constraints={"budget": 1000, "fixed_in": [first.inputs["applications"][0]["id"]]},
    )
    return first, second


# --- POST /api/fund/allocation ---------------------------------------------------------


def test_the_api_solves_an_instance_to_its_known_optimum(officer_client):
    response = _post(officer_client, THREE)
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["status"] == "optimal"
    assert result["objective"] == pytest.approx(13)
    assert result["amounts"] == {"A": 0.0, "B": 50000.0, "C": 50000.0}
    assert result["greedy"] == {
        "amounts": {"A": 60000.0, "B": 0.0, "C": 0.0},
        "objective": 10.0,
        "violations": [],
    }
    explained = {e["id"]: e for e in result["explanations"]}
    assert explained["A"]["binding"] == ["budget"]
    assert explained["A"]["change"] == pytest.approx(3)  # forced in: A alone, 10
    assert 110000 <= explained["A"]["budget_needed"] <= 111000
    assert explained["B"]["full"] is True and explained["B"]["budget_needed"] is None
    assert not AllocationRun.objects.exists()  # nothing saved


def test_the_api_answers_what_the_command_prints(officer_client, tmp_path):
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(THREE), encoding="utf-8")
    out = io.StringIO()
    call_command("allocate", str(path), "--no-explanations", stdout=out)
    printed = json.loads(out.getvalue())
    answered = _post(officer_client, THREE, "?explanations=false").json()
    assert "explanations" not in answered
    for result in (printed, answered):
        del result["seconds"]
    assert answered == printed


def test_an_infeasible_instance_names_its_conflict(officer_client):
    data = {**THREE, "constraints": {"budget": 100000, "fixed_in": ["A", "B"]}}
    result = _post(officer_client, data).json()
    assert result["status"] == "infeasible" and result["objective"] is None
    assert set(result["conflicts"]) <= {"budget", "fixed_in:A", "fixed_in:B"}
    assert result["conflicts"]
    assert "explanations" not in result


def test_the_time_limit_is_checked(officer_client):
    for query in ("?time_limit=0", "?time_limit=61", "?time_limit=-1"):
        response = _post(officer_client, THREE, query)
        assert response.status_code == 422
        assert "time_limit" in response.json()["detail"]
    assert _post(officer_client, THREE, "?time_limit=0.5").status_code == 200


# Each is refused by the command and by the API, with the same message naming the problem.
BAD = [
    ({"applications": [{"score": 1, "amount": 5}]}, "application 1: “id” is missing"),
    ({"applications": [{"id": "a", "score": 1}]}, "application 1: “amount” is missing"),
    (
        {"applications": [{"id": "a", "score": 1, "amount": 0}]},
        "application 1: “amount” must be above 0",
    ),
    (
        {"applications": [{"id": "a", "score": 1, "amount": -5}]},
        "application 1: “amount” must be above 0",
    ),
    (
        {"applications": [{"id": "a", "score": -1, "amount": 5}]},
        "application 1: “score” must not be below 0",
    ),
    (
        {"applications": [{"id": "a", "score": "1", "amount": 5}]},
        "application 1: “score” must be a number",
    ),
    ({"applications": [{"id": 7, "score": 1, "amount": 5}]}, "application 1: “id” must be text"),
    (
        {"applications": [{"id": "a", "score": 1, "amount": 5, "min_amount": 6}]},
        "application 1: “min_amount” must not be above “amount”",
    ),
    (
        {
            "applications": [
                {"id": "a", "score": 1, "amount": 5},
                {"id": "a", "score": 2, "amount": 5},
            ]
        },
        "every application needs its own “id” (more than once: a)",
    ),
    ({"applications": [], "constraints": {"quota": 1}}, "unknown constraints: quota"),
    (
        {"applications": [], "constraints": {"field_shares": {"Sport": {"min": 1.5}}}},
        "“constraints.field_shares.Sport.min” must not be above 1",
    ),
    (
        {"applications": [], "constraints": {"field_shares": {"Sport": {"min": 0.6, "max": 0.4}}}},
        "“constraints.field_shares.Sport”: “min” must not be above “max”",
    ),
    (
        {"applications": [], "constraints": {"municipality_min_shares": {"03241001": -0.1}}},
        "“constraints.municipality_min_shares.03241001” must not be below 0",
    ),
    (
        {"applications": [], "constraints": {"municipality_min_projects": {"03241001": -1}}},
        "“constraints.municipality_min_projects.03241001” must not be below 0",
    ),
    (
        {"applications": [], "constraints": {"organisation_max_projects": 1.5}},
        "“constraints.organisation_max_projects” must be a whole number",
    ),
    (
        {"applications": [], "constraints": {"budget": -1}},
        "“constraints.budget” must not be below 0",
    ),
    ({"applications": [], "objective": "best"}, "“objective” must be “score” or “score_by_amount”"),
    (
        {"applications": [{"id": "a", "score": 1, "amount": 5, "fields": "Sport"}]},
        "application 1: “fields” must be a list",
    ),
    ({"rows": []}, "the instance needs a list “applications”"),
    ([], "the instance needs a list “applications”"),
]


@pytest.mark.parametrize(("data", "message"), BAD)
def test_bad_instances_are_refused_alike_by_the_command_and_the_api(
    officer_client, tmp_path, data, message
):
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("allocate", str(path), stdout=io.StringIO())
    response = _post(officer_client, data)
    assert response.status_code == 422
    body = response.json()
    assert message in body["errors"]
    assert str(refused.value) == f"{path}: {body['detail']}"
    assert not AllocationRun.objects.exists()


def test_every_problem_is_named_at_once(officer_client):
    data = {"applications": [{"id": "a", "score": -1}, {"id": "b", "score": 1, "amount": 0}]}
    errors = _post(officer_client, data).json()["errors"]
    assert errors == [
        "application 1: “score” must not be below 0",
        "application 1: “amount” is missing",
        "application 2: “amount” must be above 0",
    ]


def test_a_body_that_is_not_json_is_refused(officer_client):
    response = officer_client.post(SOLVE, "{oops", content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"]


def test_at_most_5000_applications(officer_client):
    response = _post(officer_client, _many(5001), "?explanations=false")
    assert response.status_code == 400
    assert "at most 5000" in response.json()["detail"]


def test_explanations_for_at_most_100_applications(officer_client):
    response = _post(officer_client, _many(101))
    assert response.status_code == 400
    assert "explanations=false" in response.json()["detail"]
    response = _post(officer_client, _many(101), "?explanations=false")
    assert response.status_code == 200
    result = response.json()
    assert result["status"] == "optimal" and "explanations" not in result
    assert sum(result["amounts"].values()) == 20000


# --- the saved runs ---------------------------------------------------------------------


def test_a_calls_runs_newest_first(officer_client, open_call, runs, fund_officer):
    first, second = runs
    response = officer_client.get(f"/api/fund/calls/{open_call.pk}/allocation-runs")
    assert response.status_code == 200
    listed = response.json()
    assert [r["id"] for r in listed] == [second.pk, first.pk]
    assert listed[1]["created_by"] == fund_officer.get_full_name()
    assert listed[0]["created_by"] is None
    assert listed[1]["status"] == "optimal" and listed[0]["status"] == "infeasible"
    assert listed[1]["objective"] == pytest.approx(first.objective)
    assert listed[0]["objective"] is None
    assert set(listed[0]) == {"id", "created", "created_by", "status", "objective"}


def test_one_run_with_its_instance_and_result(officer_client, open_call, runs):
    first, _ = runs
    first.refresh_from_db()
    response = officer_client.get(f"/api/fund/allocation-runs/{first.pk}")
    assert response.status_code == 200
    run = response.json()
    assert run["id"] == first.pk and run["call"] == open_call.pk
    assert run["inputs"] == first.inputs
    assert run["result"] == first.result
    assert len(run["result"]["explanations"]) == 2
    assert run["applied_at"] is None


def test_unknown_calls_and_runs_are_not_found(officer_client, open_call):
    response = officer_client.get("/api/fund/calls/999999/allocation-runs")
    assert response.status_code == 404 and "999999" in response.json()["detail"]
    response = officer_client.get("/api/fund/allocation-runs/999999")
    assert response.status_code == 404 and "999999" in response.json()["detail"]
    assert officer_client.get(f"/api/fund/calls/{open_call.pk}/allocation-runs").json() == []


# --- who may use it ---------------------------------------------------------------------


def _requests(open_call):
    return [
        ("post", SOLVE),
        ("get", f"/api/fund/calls/{open_call.pk}/allocation-runs"),
        ("get", "/api/fund/allocation-runs/1"),
    ]


def _ask(client, method, url):
    if method == "post":
        return _post(client, THREE)
    return client.get(url)


def test_anonymous_requests_must_sign_in(client, open_call):
    for method, url in _requests(open_call):
        response = _ask(client, method, url)
        assert response.status_code == 401, url
        assert "Sign in" in response.json()["detail"]


@pytest.mark.parametrize(
    "role", [Role.APPLICANT, Role.REVIEWER, Role.PLAN_EDITOR, Role.COMMITTEE_MEMBER]
)
def test_only_fund_officers_may_use_it(client, open_call, make_user, role):
    client.force_login(make_user(role))
    for method, url in _requests(open_call):
        response = _ask(client, method, url)
        assert response.status_code == 403, url
        assert response.json() == {"detail": "Only fund officers may use the API."}


def test_administrators_may_use_it(client, make_user):
    client.force_login(make_user(Role.ADMIN))
    assert _post(client, THREE).status_code == 200


def test_writes_need_the_csrf_token_of_the_session(fund_officer):
    client = Client(enforce_csrf_checks=True)
    assert _post(client, THREE).status_code == 401  # anonymous: sign in first
    client.force_login(fund_officer)
    response = _post(client, THREE)
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    client.get("/api/docs")  # any page that renders a form sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        SOLVE, THREE, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200
