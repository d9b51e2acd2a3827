"""Each indicator's observations as open data: /opendata/indicators/<uid>.csv."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from monitoring import services
from plan.models import PlanVersion


@pytest.fixture
def indicator(plan_demo):
    indicator = plan_demo.adopted.indicators.get(code="I 3")
    services.observations_create(
        indicator=indicator,
        values=[
            {"period": "2022", "value": "6120"},
            {"period": "2022", "area": "03241001", "value": "3410.5", "status": "provisional"},
            {
                "period": "2022",
                "area": "03241001",
                "dimension": "Geschlecht",
                "group": "weiblich",
                "value": "1905",
            },
        ],
        is_example=True,
    )
    return indicator


def test_the_csv_holds_every_observation_with_its_area_and_breakdown(client, indicator):
    response = client.get(f"/opendata/indicators/{indicator.uid}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["area_key"], r["group"], r["value"], r["status"]) for r in rows] == [
        ("", "", "6120", "final"),
        ("03241001", "", "3410.5", "provisional"),
        ("03241001", "weiblich", "1905", "final"),
    ]
    assert rows[1]["area"] == "Hannover" and rows[0]["area"] == "Region Hannover"
    assert all(r["example"] == "true" and r["indicator_code"] == "I 3" for r in rows)
    assert rows[0]["source"] == indicator.source


def test_an_unknown_or_draft_only_indicator_is_not_found(client, indicator, plan_demo):
    import uuid

    assert client.get(f"/opendata/indicators/{uuid.uuid4()}.csv").status_code == 404
    # The demo's new edition is in consultation (public); as a draft its new indicator
    # is internal.
    PlanVersion.objects.filter(pk=plan_demo.draft.pk).update(status=PlanVersion.Status.DRAFT)
    draft_only = plan_demo.draft.indicators.exclude(
        uid__in=plan_demo.adopted.indicators.values("uid")
    ).first()
    if draft_only is None:  # the draft adds no indicator: add one
        from plan.models import Indicator

        draft_only = Indicator.objects.create(version=plan_demo.draft, name="Neu", code="I 99")
    assert client.get(f"/opendata/indicators/{draft_only.uid}.csv").status_code == 404


def test_the_open_data_index_lists_each_indicator_of_the_version_in_force(client, indicator):
    package = client.get("/opendata/datapackage.json").json()
    names = {r["name"] for r in package["resources"]}
    for each in indicator.version.indicators.all():
        assert f"indicator-{each.uid}-csv" in names
    resource = next(
        r for r in package["resources"] if r["name"] == f"indicator-{indicator.uid}-csv"
    )
    assert resource["path"].endswith(
        reverse("monitoring_opendata:indicator_csv", args=[indicator.uid])
    )
    assert [f["name"] for f in resource["schema"]["fields"]][:3] == [
        "indicator_code",
        "indicator",
        "unit",
    ]
