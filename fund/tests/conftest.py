"""Fixtures of the fund tests: the demo's fund product, a fund, an open call, an applicant."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from core.roles import Role


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their source language."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def english_pages(client):
    """Pages are asserted in English too: the test client asks for English."""
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def fund(demo):
    from council.models import BudgetProduct
    from fund import services

    product = BudgetProduct.objects.get(number="331111")
    return services.fund_create(
        body=demo.body,
        name="Regionsfonds für Vielfalt und Teilhabe",
        slug="regionsfonds",
        budget_product=product,
        small_grant_limit=Decimal("5000"),
        by=None,
    )


@pytest.fixture
def open_call(fund):
    from fund import services

    now = timezone.now()
    return services.call_create(
        fund=fund,
        by=None,
        year=2025,
        title="Regionsfonds für Vielfalt und Teilhabe 2025",
        budget=Decimal("200000"),
        opens_at=now - dt.timedelta(days=10),
        deadline=now + dt.timedelta(days=30),
        max_amount=Decimal("40000"),
        own_contribution_percent=Decimal("10"),
        financing_types=["deficit", "share", "fixed"],
        criteria=[
            services.CriterionSpec("Beitrag zu den Zielen des Integrationsplans", Decimal(2))
        ],
        questions=[services.QuestionSpec("Wie erreichen Sie die Zielgruppe?", "long_text", True)],
    )


@pytest.fixture
def applicant(make_user):
    """A member of an example association, with the applicant role."""
    from core import services
    from core.models import Organisation

    user = make_user(Role.APPLICANT)
    organisation = services.organisation_create(
        name="Interkultureller Nachbarschaftsverein Garbsen e. V.",
        kind=Organisation.Kind.ASSOCIATION,
        verified_at=timezone.now(),
    )
    services.organisation_member_add(organisation=organisation, user=user, function="member")
    user.organisation = organisation
    return user


@pytest.fixture
def fund_officer(make_user):
    return make_user(Role.FUND_OFFICER)


@pytest.fixture
def grant(open_call, applicant, fund_officer):
    """A deficit-financing grant of 13,500 € (period 1.7.2025–30.6.2026), just issued."""
    from fund import services
    from fund.tests.test_services import _recommended

    application = _recommended(open_call, applicant, fund_officer, Decimal("13500"))
    services.application_transition(application=application, name="approve", by=None)
    return services.grant_issue(
        application=application,
        by=fund_officer,
        financing_type="deficit",
        start=dt.date(2025, 7, 1),
        end=dt.date(2026, 6, 30),
    )
