"""A test-only URLconf: the project's URLs plus a page with a chart and an htmx fragment with one.

Used with ``@pytest.mark.urls("core.tests.chart_urls")`` until a real page shows charts.
"""

from __future__ import annotations

import altair as alt
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from core import charts
from teilhabe.urls import urlpatterns as project_urlpatterns

PEOPLE = [
    {"year": "2022", "people": 1180},
    {"year": "2023", "people": 1265.5},
    {"year": "2024", "people": 1420},
    {"year": "2025", "people": 1610},
]
COURSES = [
    {"municipality": "Hannover", "courses": 42},
    {"municipality": "Garbsen", "courses": 11},
    {"municipality": "Laatzen", "courses": 7},
    {"municipality": "Hemmingen", "courses": 3},
]


def people_chart() -> charts.Chart:
    """A small line chart: people reached per year."""
    line = (
        alt.Chart(alt.Data(values=PEOPLE))
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title="Jahr"),
            y=alt.Y("people:Q", title="Erreichte Personen"),
        )
        .properties(width="container", height=240)
    )
    return charts.chart(
        line,
        id="people-chart",
        title="Erreichte Personen je Jahr",
        description="Die Zahl der erreichten Personen stieg von 1.180 (2022) auf 1.610 (2025).",
        columns=[("year", "Jahr"), ("people", "Erreichte Personen")],
    )


def courses_chart() -> charts.Chart:
    """A small bar chart: language courses per municipality."""
    bars = (
        alt.Chart(alt.Data(values=COURSES))
        .mark_bar()
        .encode(
            x=alt.X("courses:Q", title="Sprachkurse"),
            y=alt.Y("municipality:N", title="Kommune", sort="-x"),
        )
        .properties(width=360)
    )
    return charts.chart(
        bars,
        id="courses-chart",
        title="Sprachkurse je Kommune",
        description="Hannover hat mit 42 die meisten Sprachkurse, Hemmingen mit 3 die wenigsten.",
        columns=[("municipality", "Kommune"), ("courses", "Sprachkurse")],
    )


PAGE = """{% extends "base.html" %}
{% block title %}Diagramme{% endblock %}
{% block head %}{% include "core/_chart_assets.html" %}{% endblock %}
{% block content %}
<h1 class="kern-heading-large">Diagramme</h1>
{% include "core/_chart.html" with chart=chart %}
<button class="kern-btn kern-btn--secondary" type="button" hx-get="/diagramme/fragment/"
        hx-target="#more-charts" hx-swap="innerHTML">
  <span class="kern-label">Weiteres Diagramm laden</span>
</button>
<div id="more-charts"></div>
{% endblock %}
"""

FRAGMENT = """{% include "core/_chart.html" with chart=chart %}"""


def chart_page(request: HttpRequest) -> HttpResponse:
    template = engines["django"].from_string(PAGE)
    return HttpResponse(template.render({"chart": people_chart()}, request))


def chart_fragment(request: HttpRequest) -> HttpResponse:
    template = engines["django"].from_string(FRAGMENT)
    return HttpResponse(template.render({"chart": courses_chart()}, request))


urlpatterns = [
    path("diagramme/", chart_page),
    path("diagramme/fragment/", chart_fragment),
    *project_urlpatterns,
]
