"""The JSON API's OpenAPI document at ``/api/openapi.json``, its docs page, and the API
against its own document (schemathesis, through the WSGI application)."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
import schemathesis
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.wsgi import get_wsgi_application
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis import checks as st_checks

from core.roles import Role
from fund.allocation import instance_from_json
from teilhabe.api import api

OPERATIONS = {
    ("/api/fund/allocation", "post"),
    ("/api/fund/calls/{call_id}/allocation-runs", "get"),
    ("/api/fund/allocation-runs/{run_id}", "get"),
}


@pytest.fixture
def document(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_the_document_is_valid_openapi_3_and_lists_the_endpoints(document):
    validate(document)  # raises on an invalid document
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Teilhabe API" and document["info"]["version"] == "1"
    listed = {(path, method) for path, item in document["paths"].items() for method in item}
    assert listed == OPERATIONS
    for path, method in OPERATIONS:
        operation = document["paths"][path][method]
        assert operation["security"] == [{"OfficerSession": []}]
        assert {"200", "401", "403"} <= set(operation["responses"])
    scheme = document["components"]["securitySchemes"]["OfficerSession"]
    assert scheme == {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}


def test_the_document_describes_the_result(document):
    schemas = document["components"]["schemas"]
    result = schemas["AllocationResult"]["properties"]
    for name in ("status", "objective", "bound", "gap", "seconds", "amounts", "conflicts"):
        assert name in result
    assert set(schemas["GreedyResult"]["properties"]) == {"amounts", "objective", "violations"}
    assert set(schemas["ExplanationResult"]["properties"]) == {
        "id",
        "amount",
        "full",
        "change",
        "binding",
        "budget_needed",
        "conflicts",
    }
    solve = document["paths"]["/api/fund/allocation"]["post"]
    assert solve["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AllocationInstance"
    }
    assert {p["name"] for p in solve["parameters"]} == {"explanations", "time_limit"}


def test_the_documented_example_instance_fits_the_schema(document):
    """The example of docs/allocation.md: valid for the OpenAPI schema and for the model."""
    text = (settings.BASE_DIR / "docs" / "allocation.md").read_text("utf-8")
    example = json.loads(re.search(r"## Instance\s+```json\n(.*?)```", text, re.S).group(1))
    schema = {**document["components"]["schemas"]["AllocationInstance"]}
    schema["$defs"] = document["components"]["schemas"]
    refs = json.loads(
        json.dumps(schema).replace("#/components/schemas/", "#/$defs/"),
    )
    Draft202012Validator(refs).validate(example)
    instance = instance_from_json(example)
    assert instance.constraints.budget == 200000


def test_the_docs_page_needs_no_cdn_and_no_inline_script(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    html = response.content.decode()
    sources = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith(settings.STATIC_URL) for s in sources)
    for source in sources:
        assert finders.find(source.removeprefix(settings.STATIC_URL)), source
    # The one inline <script> holds JSON settings, which browsers do not run.
    for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        assert "src=" in attributes or 'type="application/json"' in attributes
        if "src=" in attributes:
            assert not body.strip()
    assert "<style" not in html and "style=" not in html
    assert (
        json.loads(re.search(r'id="swagger-settings">(.*?)</script>', html, re.S).group(1))["url"]
        == "/api/openapi.json"
    )


# --- schemathesis: the API answers as its document says ---------------------------------

SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema())
CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_schema_conformance,
]
BOUNDED = hypothesis_settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def wsgi_app():
    """The WSGI application, keeping the test's database connection open.

    At the end of every request Django closes the database connection; inside a test's
    transaction that would end it (on PostgreSQL the next query fails). The test client
    switches this off the same way.
    """
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _session(user):
    """Cookies and header of the user signed in, CSRF token included."""
    client = Client()
    client.force_login(user)
    token = get_random_string(32)
    cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
    cookies[settings.CSRF_COOKIE_NAME] = token
    return {"cookies": cookies, "headers": {"X-CSRFToken": token}}


@pytest.fixture
def officer_session(make_user):
    return _session(make_user(Role.FUND_OFFICER))


@pytest.fixture
def call_with_runs(demo, make_user):
    from council.models import BudgetProduct
    from fund import services

    fund = services.fund_create(
        body=demo.body,
        name="Regionsfonds",
        slug="regionsfonds",
        budget_product=BudgetProduct.objects.get(number="331111"),
        small_grant_limit=Decimal("5000"),
        by=None,
    )
    now = timezone.now()
    call = services.call_create(
        fund=fund,
        by=None,
        year=2025,
        title="Regionsfonds 2025",
        budget=Decimal("200000"),
        opens_at=now - dt.timedelta(days=10),
        deadline=now + dt.timedelta(days=30),
        max_amount=Decimal("40000"),
        own_contribution_percent=Decimal("10"),
        financing_types=["deficit"],
        criteria=[services.CriterionSpec("Beitrag zu den Zielen", Decimal(2))],
        questions=[],
    )
    officer = make_user(Role.FUND_OFFICER)
    runs = [services.allocation_run_create(call=call, by=officer) for _ in range(2)]
    return call, runs


def _check(case, app, session):
    response = case.call(app=app, **session)
    case.validate_response(response, checks=CHECKS)
    return response


def test_solving_answers_as_documented(wsgi_app, officer_session):
    operation = SCHEMA["/api/fund/allocation"]["POST"]
    statuses = set()

    @BOUNDED
    @given(
        case=st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )
    )
    def run(case):
        statuses.add(_check(case, wsgi_app, officer_session).status_code)

    run()
    assert statuses <= {200, 400, 422} and statuses & {200, 422}


def test_the_runs_answer_as_documented(wsgi_app, officer_session, call_with_runs):
    call, runs = call_with_runs
    statuses = set()
    for path, name, known in (
        ("/api/fund/calls/{call_id}/allocation-runs", "call_id", call.pk),
        ("/api/fund/allocation-runs/{run_id}", "run_id", runs[0].pk),
    ):
        operation = SCHEMA[path]["GET"]

        @BOUNDED
        @given(
            case=st.one_of(
                operation.as_strategy(GenerationMode.POSITIVE),
                operation.as_strategy(path_parameters={name: known}),
            )
        )
        def run(case):
            statuses.add(_check(case, wsgi_app, officer_session).status_code)

        run()
    assert statuses == {200, 404}


def test_signed_out_and_other_roles_answer_as_documented(wsgi_app, make_user, call_with_runs):
    call, runs = call_with_runs
    ids = {"call_id": call.pk, "run_id": runs[0].pk}
    applicant = _session(make_user(Role.APPLICANT))
    for session, status in (({}, 401), (applicant, 403)):
        for path, method in OPERATIONS:
            operation = SCHEMA[path][method.upper()]
            if method == "post":
                case = operation.Case(body={"applications": []})
            else:
                case = operation.Case(path_parameters={k: v for k, v in ids.items() if k in path})
            assert _check(case, wsgi_app, session).status_code == status


def test_the_document_is_what_the_api_serves(document):
    assert document == json.loads(json.dumps(api.get_openapi_schema()))
