"""Open data of monitoring: each indicator's observations as CSV at
``/opendata/indicators/<uid>.csv`` and the participants the funded projects reached at
``/opendata/participants.csv``, listed in the open data index."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
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


PARTICIPANT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("year", "integer", "The year the funded projects' period ends"),
    ("area_key", "string", "Official municipality key (AGS)"),
    ("area", "string", "The municipality"),
    ("target_group", "string", "The target group's code"),
    ("target_group_label", "string", "The target group"),
    ("participants", "integer", "Participants reported in the proofs of use"),
    ("example", "boolean", "true for invented example data"),
)


def table_schema(columns: tuple[tuple[str, str, str], ...] = COLUMNS) -> dict[str, Any]:
    return {
        "fields": [
            {"name": name, "type": kind, "description": description}
            for name, kind, description in columns
        ],
        "missingValues": [""],
    }


def _csv(header: tuple[tuple[str, str, str], ...], rows: Iterable[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([name for name, _kind, _description in header])
    writer.writerows(rows)
    return buffer.getvalue()


def _response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def csv_text(indicator: Any) -> str:
    region = indicator.version.plan.body.name
    return _csv(
        COLUMNS,
        (
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
            for o in selectors.observations(indicator.uid)
        ),
    )


def participants_csv_text() -> str:
    from fund.models import TargetGroup
    from fund.selectors import reach_rows

    labels = dict(TargetGroup.choices)
    return _csv(
        PARTICIPANT_COLUMNS,
        (
            [
                r.year,
                r.municipality_key,
                r.municipality_name,
                r.target_group,
                labels.get(r.target_group, r.target_group),
                r.participants,
                "true" if r.is_example else "false",
            ]
            for r in reach_rows()
        ),
    )


@require_safe
def indicator_csv(request: HttpRequest, uid: Any) -> HttpResponse:
    indicator = selectors.public_indicator(uid)
    if indicator is None:
        raise Http404
    return _response(csv_text(indicator), f"indicator-{uid}.csv")


@require_safe
def participants_csv(request: HttpRequest) -> HttpResponse:
    return _response(participants_csv_text(), "participants.csv")


def opendata_resources(request: HttpRequest) -> list[Resource]:
    """One CSV per indicator of the plan version in force, and the participants reached."""
    group = _("Indicators")
    schema = table_schema()
    indicators = [
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
    participants = Resource(
        name="participants-csv",
        title=_("Participants reached by funded projects – CSV"),
        description=_(
            "Participants the projects of the fund reached, per year, municipality and target "
            "group, as reported in the proofs of use."
        ),
        path=reverse("monitoring_opendata:participants_csv"),
        format="csv",
        schema=table_schema(PARTICIPANT_COLUMNS),
        group=group,
    )
    return [*indicators, participants]
