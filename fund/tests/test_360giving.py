"""The grants as 360Giving open data: schema-valid, published grants only, no personal data."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from core.models import Municipality
from fund import opendata, services
from fund.models import FinancingType, Grant
from fund.tests.test_services import _ready, _recommended

SCHEMA_DIR = settings.TEILHABE_REFERENCE_DIR / "360giving" / "schema"


def _validator() -> Draft202012Validator:
    package = json.loads((SCHEMA_DIR / "360-giving-package-schema.json").read_text())
    grant = json.loads((SCHEMA_DIR / "360-giving-schema.json").read_text())
    resource = DRAFT202012.create_resource(grant)
    ref = package["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resources([(ref, resource), (grant["$id"], resource)])
    assert "date-time" in Draft202012Validator.FORMAT_CHECKER.checkers
    return Draft202012Validator(
        package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@pytest.fixture
def granted(open_call, applicant, fund_officer):
    organisation = applicant.organisation
    organisation.municipality = Municipality.objects.order_by("key").first()
    organisation.legal_form = "eingetragener Verein"
    organisation.contact_name = "Erika Mustermann"
    organisation.contact_email = "erika@example.org"
    organisation.street_address = "Musterweg 1"
    organisation.save()
    application = _recommended(open_call, applicant, fund_officer, Decimal("13500"))
    application.municipalities.add(*Municipality.objects.order_by("key")[:2])
    services.application_transition(application=application, name="approve", by=None)
    return services.grant_issue(
        application=application,
        by=fund_officer,
        financing_type="deficit",
        start=dt.date(2025, 7, 1),
        end=dt.date(2026, 6, 30),
    )


@pytest.fixture
def unpublished(open_call, applicant, fund_officer):
    """A draft without a grant, and a rejected application that has a grant row anyway."""
    draft = _ready(open_call, applicant, requested_amount=Decimal("2000"))
    rejected = _recommended(open_call, applicant, fund_officer, Decimal("4000"))
    services.application_transition(application=rejected, name="reject", by=None)
    stray = Grant.objects.create(
        application=rejected,
        amount=Decimal("4000"),
        financing_type=FinancingType.FIXED,
        start=dt.date(2025, 7, 1),
        end=dt.date(2025, 12, 31),
    )
    return draft, stray


@pytest.mark.django_db
def test_the_package_is_valid_360giving_with_only_published_grants(
    client, granted, unpublished, applicant
):
    response = client.get("/opendata/360giving.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document = response.json()
    assert list(_validator().iter_errors(document)) == []
    assert [g["id"] for g in document["grants"]] == [opendata.grant_id(granted)]
    entry = document["grants"][0]
    assert entry["id"] == f"DE-TEILHABE-regionsfonds-{granted.pk}"
    assert entry["currency"] == "EUR" and entry["amountAwarded"] == 13500
    assert entry["awardDate"] == timezone.localdate(granted.issued_at).isoformat()
    assert entry["plannedDates"] == [{"startDate": "2025-07-01", "endDate": "2026-06-30"}]
    recipient = entry["recipientOrganization"][0]
    assert recipient["id"] == f"DE-TEILHABE-ORG-{applicant.organisation.pk}"
    assert recipient["organisationType"] == "eingetragener Verein"
    body = granted.application.call.fund.body
    assert entry["fundingOrganization"] == [
        {"id": f"DE-TEILHABE-{body.ags or body.pk}", "name": body.name}
    ]
    assert len(entry["beneficiaryLocation"]) == 2
    assert all("geoCodeType" not in loc for loc in entry["beneficiaryLocation"])
    assert entry["dataSource"] == "http://testserver/opendata/360giving.json"


@pytest.mark.django_db
def test_the_csv_has_the_360giving_headings_and_one_row_per_grant(client, granted, unpublished):
    response = client.get("/opendata/grants.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == list(opendata.COLUMNS)
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Identifier"] == opendata.grant_id(granted)
    assert row["Amount Awarded"] == "13500" and row["Currency"] == "EUR"
    assert row["Recipient Org:Name"] == granted.application.organisation.name


@pytest.mark.django_db
def test_no_personal_data_is_published(client, granted, unpublished, applicant, fund_officer):
    texts = [
        client.get("/opendata/360giving.json").content.decode("utf-8"),
        client.get("/opendata/grants.csv").content.decode("utf-8"),
    ]
    personal = [
        applicant.email,
        applicant.name,
        fund_officer.email,
        fund_officer.name,
        "Erika Mustermann",
        "erika@example.org",
        "Musterweg",
    ]
    for text in texts:
        for value in personal:
            assert value not in text


@pytest.mark.django_db
def test_both_files_are_listed_in_the_datapackage_and_on_the_index(client, granted):
    descriptor = client.get("/opendata/datapackage.json").json()
    by_name = {r["name"]: r for r in descriptor["resources"]}
    json_file, csv_file = by_name["grants-360giving-json"], by_name["grants-csv"]
    assert json_file["path"] == "http://testserver/opendata/360giving.json"
    assert csv_file["path"] == "http://testserver/opendata/grants.csv"
    fields = [f["name"] for f in csv_file["schema"]["fields"]]
    assert fields == list(opendata.COLUMNS)
    for resource in (json_file, csv_file):
        assert client.get(resource["path"]).status_code == 200
    index = client.get("/opendata/").content.decode("utf-8")
    assert "/opendata/360giving.json" in index and "/opendata/grants.csv" in index
