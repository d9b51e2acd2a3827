"""Participants the funded projects reached, as the monitoring shows them.

The fund's proofs of use report participants per municipality and target group
(``fund.models.Reach``); ``fund.selectors.reach_rows`` sums them per year. Here they
become the figures of the page ``/monitoring/teilnehmende/``: totals, a chart per year by
target group, one per municipality (also per 1,000 inhabitants, where the population is
known) and one per target group, each with its table; ``monitoring.opendata`` serves the
rows as ``/opendata/participants.csv``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import altair as alt
from django.utils.translation import gettext as _

from core.charts import Chart, chart
from core.formats import whole
from fund.models import TargetGroup
from fund.selectors import ReachRow, reach_rows


@dataclass(frozen=True)
class Reached:
    """The participants reached, summed three ways from the same rows (each sum made once)."""

    rows: list[ReachRow]
    population: dict[str, int]  # municipality key → inhabitants, where known

    @property
    def total(self) -> int:
        return sum(r.participants for r in self.rows)

    @property
    def years(self) -> list[int]:
        return sorted({r.year for r in self.rows})

    @property
    def has_examples(self) -> bool:
        return any(r.is_example for r in self.rows)

    @cached_property
    def by_target_group(self) -> list[tuple[str, int]]:
        """(target group label, participants), in the order of ``TargetGroup``."""
        sums: dict[str, int] = defaultdict(int)
        for r in self.rows:
            sums[r.target_group] += r.participants
        labels = dict(TargetGroup.choices)
        return [(str(labels[code]), sums[code]) for code in TargetGroup.values if sums[code]]

    @cached_property
    def by_municipality(self) -> list[dict[str, Any]]:
        """Per municipality: participants and, with a known population, per 1,000
        inhabitants; most participants first."""
        sums: dict[tuple[str, str], int] = defaultdict(int)
        for r in self.rows:
            sums[(r.municipality_key, r.municipality_name)] += r.participants
        rows = []
        for (key, name), count in sums.items():
            inhabitants = self.population.get(key)
            rows.append(
                {
                    "municipality": name,
                    "participants": count,
                    "per_1000": round(count * 1000 / inhabitants, 2) if inhabitants else None,
                }
            )
        return sorted(rows, key=lambda row: (-row["participants"], row["municipality"]))

    @cached_property
    def by_year(self) -> list[dict[str, Any]]:
        """Per year and target group (long form, for a stacked chart)."""
        sums: dict[tuple[int, str], int] = defaultdict(int)
        for r in self.rows:
            sums[(r.year, r.target_group)] += r.participants
        labels = dict(TargetGroup.choices)
        order = {code: index for index, code in enumerate(TargetGroup.values)}
        return [
            {"year": year, "group": str(labels[code]), "participants": count}
            for (year, code), count in sorted(sums.items(), key=lambda i: (i[0][0], order[i[0][1]]))
        ]


def reached() -> Reached:
    """Every counted participant row and the municipalities' populations (two queries)."""
    from core.models import Municipality

    population = {
        key: inhabitants
        for key, inhabitants in Municipality.objects.values_list("key", "population")
        if inhabitants
    }
    return Reached(rows=reach_rows(), population=population)


def year_chart(figures: Reached) -> Chart:
    rows = figures.by_year
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=_("Year")),
            y=alt.Y("sum(participants):Q", title=_("Participants")),
            color=alt.Color("group:N", title=_("Target group"), sort=None),
            tooltip=["year:O", "group:N", "participants:Q"],
        )
        .properties(width="container", height=240)
    )
    years = figures.years
    return chart(
        bars,
        id="reach-years",
        title=_("Participants by year and target group"),
        description=_("%(total)s participants in projects ending %(first)s to %(last)s.")
        % {
            "total": whole(figures.total),
            "first": years[0] if years else "–",
            "last": years[-1] if years else "–",
        },
        columns=[
            ("year", _("Year")),
            ("group", _("Target group")),
            ("participants", _("Participants")),
        ],
    )


def municipality_chart(figures: Reached) -> Chart:
    rows = figures.by_municipality
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("municipality:N", title=None, sort=None),
            x=alt.X("participants:Q", title=_("Participants")),
            tooltip=["municipality:N", "participants:Q", "per_1000:Q"],
        )
        .properties(width="container", height=max(18 * len(rows), 60))
    )
    first = rows[0] if rows else None
    return chart(
        bars,
        id="reach-municipalities",
        title=_("Participants by municipality"),
        description=(
            _("%(count)s municipalities reached; most participants in %(name)s (%(number)s).")
            % {
                "count": len(rows),
                "name": first["municipality"],
                "number": whole(first["participants"]),
            }
            if first
            else _("No participants reported yet.")
        ),
        columns=[
            ("municipality", _("Municipality")),
            ("participants", _("Participants")),
            ("per_1000", _("Per 1,000 inhabitants")),
        ],
    )


def target_group_chart(figures: Reached) -> Chart:
    rows = [{"group": label, "participants": count} for label, count in figures.by_target_group]
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("group:N", title=None, sort=None),
            x=alt.X("participants:Q", title=_("Participants")),
            tooltip=["group:N", "participants:Q"],
        )
        .properties(width="container", height=max(30 * len(rows), 60))
    )
    return chart(
        bars,
        id="reach-groups",
        title=_("Participants by target group"),
        description=", ".join(
            f"{label}: {whole(count)}" for label, count in figures.by_target_group
        )
        or _("No participants reported yet."),
        columns=[("group", _("Target group")), ("participants", _("Participants"))],
    )
