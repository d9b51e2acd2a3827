"""The plan dashboard's figures: progress per field of action, measures by status, fund
money by field of action and by municipality, indicators on and off track."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import altair as alt
from django.utils.translation import gettext as _

from core.charts import Chart, chart
from core.formats import whole
from monitoring import progress, selectors
from plan.models import ImplementationStatus
from plan.selectors import PlanTree


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Any
    assessment: progress.Assessment


def indicator_rows(version: Any) -> list[IndicatorRow]:
    indicators = list(version.indicators.select_related("municipality").order_by("position", "pk"))
    newest = selectors.latest_by_indicator([i.uid for i in indicators])
    return [IndicatorRow(i, progress.assess(i, newest.get(i.uid))) for i in indicators]


def track_counts(rows: list[IndicatorRow]) -> list[tuple[str, str, int]]:
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.assessment.state] += 1
    order = (
        progress.REACHED,
        progress.ON_TRACK,
        progress.OFF_TRACK,
        progress.NOT_ASSESSED,
        progress.NO_DATA,
    )
    return [(state, str(progress.LABELS[state]), counts[state]) for state in order if counts[state]]


def measures_chart(tree: PlanTree) -> Chart:
    """Measures by status, one bar per field of action."""
    labels = dict(ImplementationStatus.choices)
    rows = [
        {
            "field": f"{node.field.code} {node.field.title}".strip(),
            "status": str(labels[value]),
            "measures": count,
            "progress": node.progress,
        }
        for node in tree.fields
        for value, _label, count in node.status_counts
        if count
    ]
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("field:N", title=None, sort=None),
            x=alt.X("sum(measures):Q", title=_("Measures")),
            color=alt.Color("status:N", title=_("Status")),
            tooltip=["field:N", "status:N", "measures:Q"],
        )
        .properties(width="container", height=max(36 * len(tree.fields), 80))
    )
    return chart(
        bars,
        id="measures",
        title=_("Measures by status and field of action"),
        description=_(
            "%(count)s measures in %(fields)s fields of action; overall progress %(progress)s %%."
        )
        % {
            "count": len(tree.measures),
            "fields": len(tree.fields),
            "progress": tree.progress if tree.progress is not None else "–",
        },
        columns=[
            ("field", _("Field of action")),
            ("status", _("Status")),
            ("measures", _("Measures")),
            ("progress", _("Progress of the field (%)")),
        ],
    )


def money_chart(rows: list[dict[str, Any]], *, key: str, label: str, id: str, title: str) -> Chart:
    """Committed and paid euros per ``key`` (field of action or municipality)."""
    long = [
        {key: r[key], "kind": kind_label, "euros": float(r[kind])}
        for r in rows
        for kind, kind_label in (("committed", _("committed")), ("paid", _("paid")))
    ]
    bars = (
        alt.Chart(alt.Data(values=long))
        .mark_bar()
        .encode(
            y=alt.Y(f"{key}:N", title=None, sort=None),
            yOffset=alt.YOffset("kind:N"),
            x=alt.X("euros:Q", title=_("Euros")),
            color=alt.Color("kind:N", title=None),
            tooltip=[f"{key}:N", "kind:N", "euros:Q"],
        )
        .properties(width="container", height=max(30 * len(rows), 80))
    )
    committed = sum((Decimal(r["committed"]) for r in rows), Decimal(0))
    paid = sum((Decimal(r["paid"]) for r in rows), Decimal(0))
    return chart(
        bars,
        id=id,
        title=title,
        description=_("%(committed)s € committed, %(paid)s € of it paid.")
        % {"committed": whole(committed), "paid": whole(paid)},
        columns=[(key, label), ("committed", _("Committed (€)")), ("paid", _("Paid (€)"))],
        rows=[{key: r[key], "committed": r["committed"], "paid": r["paid"]} for r in rows],
    )


def _split(total: Decimal, parts: int) -> Decimal:
    return total / parts if parts else Decimal(0)


def money_rows(
    projects: list[Any], field_of: dict[str, str], municipality_names: dict[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Committed and paid euros per field of action and per municipality.

    A project serving several fields (through its plan goals) or municipalities counts in
    equal parts in each, so the parts add up to the fund's total; one serving no goal of
    the version in force counts as "no field of action".
    """
    none = _("no field of action")
    by_field: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    by_area: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for p in projects:
        fields = sorted({field_of[u] for u in p.goal_uids if u in field_of}) or [none]
        for title in fields:
            by_field[title][0] += _split(p.committed, len(fields))
            by_field[title][1] += _split(p.paid, len(fields))
        for key in p.municipalities:
            name = municipality_names.get(key, key)
            by_area[name][0] += _split(p.committed, len(p.municipalities))
            by_area[name][1] += _split(p.paid, len(p.municipalities))

    def rows(data: dict[str, list[Decimal]], key: str) -> list[dict[str, Any]]:
        return [
            {key: name, "committed": round(c, 2), "paid": round(paid, 2)}
            for name, (c, paid) in sorted(data.items(), key=lambda item: -item[1][0])
        ]

    return rows(by_field, "field"), rows(by_area, "municipality")
