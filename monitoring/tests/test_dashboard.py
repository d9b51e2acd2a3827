"""The plan dashboard: measures by status, fund money by field and municipality, indicators."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring.dashboard import money_rows


def test_the_dashboard_shows_measures_money_and_indicators(client, site):
    from fund.selectors import funded_projects

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("monitoring:dashboard"))
    assert response.status_code == 200
    context = response.context
    assert len(context["indicators"]) == site.adopted.indicators.count()
    states = {row.indicator.code: row.assessment.state for row in context["indicators"]}
    assert states["I 3"] == "reached" and states["I 6"] == "off_track"
    committed = sum(p.committed for p in funded_projects())
    by_field = context["money_by_field"].table.rows
    assert abs(sum(Decimal(str(r["committed"])) for r in by_field) - committed) < 1
    by_area = context["money_by_municipality"].table.rows
    assert {r["municipality"] for r in by_area} >= {"Hannover", "Garbsen"}
    text = response.content.decode()
    assert 'id="measures-spec"' in text and 'id="indicator-table"' in text
    assert len(queries) < 40


def test_money_splits_across_fields_and_municipalities_and_adds_up():
    from fund.selectors import FundedProject

    projects = [
        FundedProject(1, "A", "O", Decimal("9000"), Decimal("3000"), ("g1", "g2"), ("k1",)),
        FundedProject(2, "B", "O", Decimal("1000"), Decimal("0"), ("g9",), ("k1", "k2")),
    ]
    by_field, by_area = money_rows(
        projects, {"g1": "1 Bildung", "g2": "2 Arbeit"}, {"k1": "Hannover"}
    )
    assert by_field == [
        {"field": "1 Bildung", "committed": Decimal("4500.00"), "paid": Decimal("1500.00")},
        {"field": "2 Arbeit", "committed": Decimal("4500.00"), "paid": Decimal("1500.00")},
        {"field": "no field of action", "committed": Decimal("1000.00"), "paid": Decimal("0.00")},
    ]
    assert by_area == [
        {"municipality": "Hannover", "committed": Decimal("9500.00"), "paid": Decimal("3000.00")},
        {"municipality": "k2", "committed": Decimal("500.00"), "paid": Decimal("0.00")},
    ]
