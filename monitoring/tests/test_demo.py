"""The demo's example indicator series."""

from __future__ import annotations

import datetime as dt

from monitoring.demo import load_monitoring_demo
from monitoring.models import Observation


def test_every_indicator_gets_a_series_for_the_region_and_its_municipalities(plan_demo):
    loaded = load_monitoring_demo(plan_demo, today=dt.date(2026, 12, 2))
    assert loaded.created and loaded.observations == Observation.objects.count()
    assert not Observation.objects.filter(is_example=False).exists()
    for indicator in plan_demo.adopted.indicators.all():
        series = Observation.objects.filter(indicator_uid=indicator.uid)
        years = sorted(
            set(series.filter(municipality=None, group="").values_list("year", flat=True))
        )
        assert years[0] == indicator.baseline_year and years[-1] == 2025, indicator
        assert series.get(municipality=None, group="", year=2025).status == "provisional"
        if indicator.municipality_id is None:
            assert series.filter(year=2024).exclude(municipality=None).count() == 21
    courses = plan_demo.adopted.indicators.get(code="I 3")
    by_sex = Observation.objects.filter(indicator_uid=courses.uid, dimension="Geschlecht")
    assert set(by_sex.values_list("group", flat=True)) == {"weiblich", "männlich"}
    baseline = Observation.objects.get(
        indicator_uid=courses.uid, municipality=None, group="", year=courses.baseline_year
    )
    assert baseline.value == courses.baseline_value


def test_loading_twice_changes_nothing(plan_demo):
    first = load_monitoring_demo(plan_demo, today=dt.date(2026, 12, 2))
    again = load_monitoring_demo(plan_demo, today=dt.date(2026, 12, 2))
    assert not again.created and again.observations == first.observations
    assert Observation.history.count() == first.observations
