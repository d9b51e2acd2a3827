"""The monitoring figures of a plan version, assembled once for the dashboard and the report.

``collect(version)`` reads everything the dashboard shows: the plan tree with progress per
field of action, each indicator against its target, and the fund's committed and paid money
by field of action and by municipality, and the participants the funded projects reached.
The dashboard renders it as its page
(``Figures.context()``), the status report (``monitoring.report``) as a PDF, so both always
show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from core.charts import Chart
from monitoring import dashboard, reach
from monitoring.reach import Reached
from plan.models import Plan, PlanVersion
from plan.selectors import PlanTree


def in_force(plan: Plan | None) -> PlanVersion | None:
    """The plan's version in force (adopted), or None."""
    if plan is None:
        return None
    return plan.versions.filter(status=PlanVersion.Status.ADOPTED).first()


@dataclass(frozen=True)
class Figures:
    version: PlanVersion
    tree: PlanTree
    indicators: list[dashboard.IndicatorRow]
    track_counts: list[tuple[str, str, int]]
    money_by_field: list[dict[str, Any]]  # {"field", "committed", "paid"}
    money_by_municipality: list[dict[str, Any]]  # {"municipality", "committed", "paid"}
    reached: Reached  # the participants funded projects reached, from the proofs of use

    # The charts are built on demand, in the language active at the time.

    def measures_chart(self) -> Chart:
        return dashboard.measures_chart(self.tree)

    def money_by_field_chart(self) -> Chart:
        return dashboard.money_chart(
            self.money_by_field,
            key="field",
            label=_("Field of action"),
            id="money-fields",
            title=_("Fund money by field of action"),
        )

    def money_by_municipality_chart(self) -> Chart:
        return dashboard.money_chart(
            self.money_by_municipality,
            key="municipality",
            label=_("Municipality"),
            id="money-municipalities",
            title=_("Fund money by municipality"),
        )

    def context(self) -> dict[str, Any]:
        """What ``monitoring/dashboard.html`` shows besides ``plan`` and ``version``."""
        return {
            "tree": self.tree,
            "measures": self.measures_chart(),
            "money_by_field": self.money_by_field_chart(),
            "money_by_municipality": self.money_by_municipality_chart(),
            "indicators": self.indicators,
            "track_counts": self.track_counts,
            "participants": self.reached.total,
        }


def collect(version: PlanVersion) -> Figures:
    """The figures of ``version`` from live data (a fixed number of queries)."""
    from core.models import Municipality
    from fund.selectors import funded_projects
    from plan import selectors as plan_selectors
    from plan.models import Goal

    tree = plan_selectors.plan_tree(version)
    rows = dashboard.indicator_rows(version)
    field_of = {
        str(uid): f"{code} {title}".strip()
        for uid, code, title in Goal.objects.filter(version=version).values_list(
            "uid", "field__code", "field__title"
        )
    }
    names = dict(Municipality.objects.values_list("key", "name"))
    by_field, by_area = dashboard.money_rows(funded_projects(), field_of, names)
    return Figures(
        version=version,
        tree=tree,
        indicators=rows,
        track_counts=dashboard.track_counts(rows),
        money_by_field=by_field,
        money_by_municipality=by_area,
        reached=reach.reached(),
    )
