"""The public indicator page: target and progress, charts with their tables, downloads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from core.roles import Role
from monitoring.demo import load_monitoring_demo


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


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
    for chart_id in ("trend", "municipalities", "breakdown"):
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
