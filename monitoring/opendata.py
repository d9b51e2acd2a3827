"""Open data of monitoring: each indicator's observations as CSV at
``/opendata/indicators/<uid>.csv``, listed in the open data index."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.opendata import Resource
from monitoring import selectors

COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("indicator_code", "string", "The indicator's number in the plan"),
    ("indicator", "string", "The indicator's name"),
    ("unit", "string", "The unit of the values"),
    ("area_key", "string", "Official municipality key (AGS); empty for the whole region"),
    ("area", "string", "The municipality, or the region"),
    ("period", "string", "A year (2024) or a day (2024-12-31)"),
    ("year", "integer", "The year of the period"),
    ("dimension", "string", "What the value is broken down by; empty for the total"),
    ("group", "string", "The group of the breakdown; empty for the total"),
    ("value", "number", "The value"),
    ("status", "string", "provisional or final"),
    ("source", "string", "Where the value comes from"),
    ("example", "boolean", "true for invented example data"),
)


def table_schema() -> dict[str, Any]:
    return {
        "fields": [
            {"name": name, "type": kind, "description": description}
            for name, kind, description in COLUMNS
        ],
        "missingValues": [""],
    }


def csv_text(indicator: Any) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([name for name, _kind, _description in COLUMNS])
    region = indicator.version.plan.body.name
    for o in selectors.observations(indicator.uid):
        writer.writerow(
            [
                indicator.code,
                indicator.name,
                indicator.unit,
                o.municipality.key if o.municipality else "",
                o.municipality.name if o.municipality else region,
                o.period,
                o.year,
                o.dimension,
                o.group,
                format(o.value.normalize(), "f"),
                o.status,
                o.source,
                "true" if o.is_example else "false",
            ]
        )
    return buffer.getvalue()


@require_safe
def indicator_csv(request: HttpRequest, uid: Any) -> HttpResponse:
    indicator = selectors.public_indicator(uid)
    if indicator is None:
        raise Http404
    response = HttpResponse(csv_text(indicator), content_type="text/csv; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    response["Content-Disposition"] = f'inline; filename="indicator-{uid}.csv"'
    return response


def opendata_resources(request: HttpRequest) -> list[Resource]:
    """One CSV per indicator of the plan version in force."""
    group = _("Indicators")
    schema = table_schema()
    return [
        Resource(
            name=f"indicator-{indicator.uid}-csv",
            title=f"{indicator.code} {indicator.name} – CSV".strip(),
            description=_(
                "Every observation of the indicator: area, period, breakdown, value, status "
                "and source."
            ),
            path=reverse("monitoring_opendata:indicator_csv", args=[indicator.uid]),
            format="csv",
            schema=schema,
            group=group,
        )
        for indicator in selectors.indicators_in_force().order_by("version__plan", "position")
    ]
