"""Participants reached by funded projects: the page, the dashboard's figure, the CSV."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from fund.selectors import reach_rows, reach_totals


def test_the_page_sums_the_proofs_of_use_three_ways(client, site, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get(reverse("monitoring:participants"))
    assert response.status_code == 200
    figures = response.context["figures"]
    by_municipality = reach_totals(by="municipality")
    assert figures.total == sum(by_municipality.values()) > 0
    charts = {c.id: c for c in response.context["charts"]}
    assert set(charts) == {"reach-years", "reach-municipalities", "reach-groups"}
    assert sum(r["participants"] for r in charts["reach-years"].table.rows) == figures.total
    assert sum(r["participants"] for r in charts["reach-groups"].table.rows) == figures.total
    places = {r["municipality"]: r for r in charts["reach-municipalities"].table.rows}
    garbsen = places["Garbsen"]
    assert garbsen["participants"] == by_municipality["03241005"] == 23
    from core.models import Municipality

    inhabitants = Municipality.objects.get(key="03241005").population
    assert garbsen["per_1000"] == round(23 * 1000 / inhabitants, 2)
    text = response.content.decode()
    assert 'id="example-note"' in text  # the demo's projects are examples
    assert reverse("monitoring_opendata:participants_csv") in text


def test_a_municipality_without_a_population_has_no_rate(client, site):
    from core.models import Municipality

    Municipality.objects.filter(key="03241005").update(population=None)
    rows = client.get(reverse("monitoring:participants")).context["charts"][1].table.rows
    assert next(r for r in rows if r["municipality"] == "Garbsen")["per_1000"] is None


def test_without_proofs_of_use_the_page_says_so(client, db):
    response = client.get(reverse("monitoring:participants"))
    assert response.status_code == 200
    assert response.context["charts"] == []
    assert "No proof of use has reported participants yet." in response.content.decode()


def test_the_dashboard_shows_the_total_and_links_to_the_page(client, site):
    response = client.get(reverse("monitoring:dashboard"))
    assert response.context["participants"] == sum(reach_totals(by="target_group").values())
    assert 'id="participants-link"' in response.content.decode()


def test_the_csv_holds_every_row_and_is_in_the_data_package(client, site):
    response = client.get(reverse("monitoring_opendata:participants_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    expected = reach_rows()
    assert len(rows) == len(expected)
    assert sum(int(r["participants"]) for r in rows) == sum(r.participants for r in expected)
    first = rows[0]
    assert first["year"] == str(expected[0].year) and first["example"] == "true"
    assert first["target_group_label"]
    package = client.get("/opendata/datapackage.json").json()
    resource = next(r for r in package["resources"] if r["name"] == "participants-csv")
    assert [f["name"] for f in resource["schema"]["fields"]] == list(rows[0])
