"""The charts of monitoring as Vega-Lite (altair), each with its data as a table.

Built per request (axis titles and descriptions are in the active language); the page
shows them with vega-embed, the report renders them to SVG (``core.charts.to_svg``).
"""

from __future__ import annotations

from typing import Any

import altair as alt
from django.utils.translation import gettext as _

from core.charts import Chart, chart
from core.formats import number
from monitoring.models import Observation
from monitoring.progress import expected


def trend(indicator: Any, series: list[Observation]) -> Chart:
    """The region's values over the years, with the path from baseline to target."""
    unit = indicator.unit or _("value")
    rows: list[dict[str, Any]] = []
    for o in series:
        path = expected(indicator, o.year)
        rows.append(
            {
                "year": o.year,
                "value": float(o.value),
                "path": float(path) if path is not None else None,
                "status": o.get_status_display(),
                "period": o.period,
            }
        )
    dated = any(o.period != str(o.year) for o in series)
    target_year = indicator.target_year
    if target_year and rows and target_year > rows[-1]["year"] and indicator.target_value:
        rows.append(
            {
                "year": target_year,
                "value": None,
                "path": float(indicator.target_value),
                "status": "",
                "period": "",
            }
        )
    data = alt.Data(values=rows)
    x = alt.X("year:O", title=_("Year"))
    measured = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(x=x, y=alt.Y("value:Q", title=unit), tooltip=["year:O", "value:Q", "status:N"])
        .transform_filter("datum.value != null")
    )
    layers = [measured]
    if any(r["path"] is not None for r in rows):
        layers.append(
            alt.Chart(data)
            .mark_line(strokeDash=[6, 4], color="#595959")
            .encode(x=x, y="path:Q")
            .transform_filter("datum.path != null")
        )
    first, last = (series[0], series[-1]) if series else (None, None)
    description = (
        _(
            "From %(first)s (%(first_year)s) to %(last)s (%(last_year)s); the dashed line "
            "is the path to the target %(target)s in %(target_year)s."
        )
        % {
            "first": number(first.value),
            "first_year": first.year,
            "last": number(last.value),
            "last_year": last.year,
            "target": number(indicator.target_value),
            "target_year": indicator.target_year or "–",
        }
        if first and last
        else _("No values yet.")
    )
    return chart(
        alt.layer(*layers).properties(width="container", height=260),
        id="trend",
        title=_("Trend in the region"),
        description=description,
        columns=[
            ("year", _("Year")),
            *([("period", _("Reading of"))] if dated else []),
            ("value", unit),
            ("path", _("Path to the target")),
            ("status", _("Status")),
        ],
    )


def municipalities(indicator: Any, observations: list[Observation], year: int) -> Chart:
    """Each municipality's value in ``year``, highest first (lowest first if lower is better)."""
    unit = indicator.unit or _("value")
    rows: list[dict[str, Any]] = [
        {"municipality": o.municipality.name, "value": float(o.value)}
        for o in observations
        if o.municipality is not None
    ]
    lower = indicator.direction == "lower"
    rows.sort(key=lambda r: (r["value"] if lower else -r["value"], r["municipality"]))
    best, worst = (rows[0], rows[-1]) if rows else (None, None)
    description = (
        _("%(year)s: from %(best)s in %(best_name)s to %(worst)s in %(worst_name)s.")
        % {
            "year": year,
            "best": number(best["value"]),
            "best_name": best["municipality"],
            "worst": number(worst["value"]),
            "worst_name": worst["municipality"],
        }
        if best and worst
        else _("No values for the municipalities.")
    )
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("municipality:N", title=None, sort=None),
            x=alt.X("value:Q", title=unit),
            tooltip=["municipality:N", "value:Q"],
        )
        .properties(width="container", height=max(18 * len(rows), 60))
    )
    return chart(
        bars,
        id="municipalities",
        title=_("The municipalities in %(year)s") % {"year": year},
        description=description,
        columns=[("municipality", _("Municipality")), ("value", unit)],
    )


def breakdowns(indicator: Any, observations: list[Observation]) -> list[Chart]:
    """The region's values by group over the years: a chart per breakdown (e.g. one by
    sex, one by age group), one line per group; breakdowns and groups in the order of
    ``observations``."""
    unit = indicator.unit or _("value")
    by_dimension: dict[str, list[dict[str, Any]]] = {}
    for o in observations:
        by_dimension.setdefault(o.dimension, []).append(
            {"year": o.year, "group": o.group, "value": float(o.value)}
        )
    charts: list[Chart] = []
    for position, (dimension, rows) in enumerate(by_dimension.items(), start=1):
        groups = list(dict.fromkeys(r["group"] for r in rows))
        lines = (
            alt.Chart(alt.Data(values=rows))
            .mark_line(point=True)
            .encode(
                x=alt.X("year:O", title=_("Year")),
                y=alt.Y("value:Q", title=unit),
                color=alt.Color("group:N", title=dimension or None, sort=groups),
                strokeDash=alt.StrokeDash("group:N", title=dimension or None, sort=groups),
                tooltip=["year:O", "group:N", "value:Q"],
            )
            .properties(width="container", height=240)
        )
        charts.append(
            chart(
                lines,
                id=f"breakdown-{position}",
                title=_("By %(breakdown)s") % {"breakdown": dimension or _("group")},
                description=_("One line per group: %(groups)s.") % {"groups": ", ".join(groups)},
                columns=[("year", _("Year")), ("group", dimension or _("Group")), ("value", unit)],
            )
        )
    return charts
