"""The public indicator page: target and progress, charts with their tables, downloads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from core.roles import Role
from monitoring.demo import load_monitoring_demo


@pytest.fixture
def series(plan_demo):
    load_monitoring_demo(plan_demo, today=dt.date(2026, 12, 2))
    return plan_demo


def _page(client, indicator):
    return client.get(reverse("monitoring:indicator", args=[indicator.uid]))


def test_the_page_shows_target_progress_and_three_charts_with_tables(client, series):
    indicator = series.adopted.indicators.get(code="I 3")  # 1.2 × the way: reached
    response = _page(client, indicator)
    assert response.status_code == 200
    text = response.content.decode()
    assert response.context["assessment"].state == "reached"
    assert "target reached" in text
    for chart_id in ("trend", "municipalities", "breakdown-1"):
        assert f'id="{chart_id}-spec"' in text
    spec = response.context["trend"].spec
    assert len(spec["layer"]) == 2  # the values and the dashed path to the target
    years = [row["year"] for row in response.context["trend"].table.rows if row["value"]]
    assert years[0] == indicator.baseline_year and years[-1] == 2025
    assert len(response.context["municipalities"].table.rows) == 21
    assert "/opendata/indicators/" in text and "Import data" not in text


def test_an_indicator_behind_its_path_is_off_track(client, series):
    indicator = series.adopted.indicators.get(code="I 6")  # going the wrong way
    assert _page(client, indicator).context["assessment"].state == "off_track"


def test_editors_get_the_import_link_and_an_indicator_without_data_says_so(
    client, plan_demo, make_user
):
    client.force_login(make_user(Role.PLAN_EDITOR))
    indicator = plan_demo.adopted.indicators.get(code="I 3")
    response = _page(client, indicator)
    text = response.content.decode()
    assert "Import data" in text and "No values have been recorded" in text
    assert response.context["assessment"].state == "no_data"


def test_an_unknown_indicator_is_not_found(client, db):
    import uuid

    assert client.get(reverse("monitoring:indicator", args=[uuid.uuid4()])).status_code == 404


def test_values_measured_monthly_are_shown_per_year_by_the_last_reading(client, plan_demo):
    from core.models import Municipality
    from monitoring.services import observations_create

    indicator = plan_demo.adopted.indicators.get(code="I 3")
    area = Municipality.objects.order_by("key").first()
    values = []
    for year in (2023, 2024):
        for month, day in ((6, 30), (12, 31)):
            period = f"{year}-{month:02d}-{day}"
            reading = year * 10 + month
            values += [
                {"period": period, "value": reading},
                {"period": period, "value": reading + 1, "area": area.key},
                *(
                    {"period": period, "value": reading + 2, "dimension": d, "group": g}
                    for d, g in (("Geschlecht", "weiblich"), ("Altersgruppe", "unter 6"))
                ),
            ]
    observations_create(indicator=indicator, values=values)

    response = _page(client, indicator)
    trend = response.context["trend"].table.rows
    assert [(r["year"], r["period"], r["value"]) for r in trend if r["value"]] == [
        (2023, "2023-12-31", 20242.0),
        (2024, "2024-12-31", 20252.0),
    ]
    assert "Reading of" in [label for _key, label in response.context["trend"].table.columns]
    assert [r["value"] for r in response.context["municipalities"].table.rows] == [20253.0]
    by = response.context["breakdowns"]
    assert [c.title for c in by] == ["By Geschlecht", "By Altersgruppe"]
    assert [r["value"] for r in by[0].table.rows] == [20244.0, 20254.0]
    text = response.content.decode()
    assert 'id="dated-note"' in text and 'id="breakdown-2-spec"' in text
