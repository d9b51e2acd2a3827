"""The status report (Sachstandsbericht Integrationsplan) as a PDF, built from live data.

Three steps, so that the background task can show its progress between them:

1. ``collect`` reads the figures: those of the dashboard (``monitoring.figures``), the
   fund's budget, committed and paid money per year, the participants reached by target
   group, and each indicator's series in the region;
2. ``draw`` renders every chart to SVG offline (``core.charts.to_svg``, vl-convert);
3. ``render_pdf`` fills ``monitoring/report.html`` and WeasyPrint writes the PDF with
   ``report.css`` and the system's fonts, loading nothing from the network.

``build`` runs the three in German. The charts go into the HTML as ``data:`` URIs of SVG
images; every chart's numbers are also in a table. Example data is marked as such.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import altair as alt
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from core.charts import Chart, chart, to_svg
from core.formats import number
from monitoring import charts, figures, selectors
from monitoring.dashboard import IndicatorRow
from monitoring.models import Observation
from plan.models import ImplementationStatus, Plan, PlanVersion

# The document's name, as the council papers call it (not a text of the user interface).
TITLE = "Sachstandsbericht Integrationsplan"
LANGUAGE = "de"
STYLESHEET = Path(__file__).parent / "templates" / "monitoring" / "report.css"
CHART_WIDTH = 600  # px: A4's text width at 96 dpi is about 640
TREND_WIDTH = 300
TREND_HEIGHT = 110


@dataclass(frozen=True)
class YearMoney:
    year: int | None  # None: the total
    planned: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def available(self) -> Decimal:
        return self.planned - self.committed


@dataclass(frozen=True)
class IndicatorPart:
    row: IndicatorRow
    series: list[Observation]
    sources: list[str]

    @property
    def indicator(self) -> Any:
        return self.row.indicator

    @property
    def example(self) -> bool:
        return any(o.is_example for o in self.series)

    @property
    def latest(self) -> str:
        return number(self.row.assessment.value)

    @property
    def target(self) -> str:
        return number(self.indicator.target_value)

    @property
    def baseline(self) -> str:
        return number(self.indicator.baseline_value)


@dataclass(frozen=True)
class Content:
    """Everything the report says, before the charts are drawn."""

    plan: Plan
    version: PlanVersion
    today: dt.date
    figures: figures.Figures
    status_rows: list[dict[str, Any]]  # per field of action: counts per status, progress
    statuses: list[tuple[str, str]]
    budget: list[YearMoney]
    budget_total: YearMoney
    reach: list[tuple[str, int]]  # (target group, participants)
    reach_total: int
    indicators: list[IndicatorPart]
    fund_example: bool
    fund_title: str  # the body's fund, where it has one
    charts: dict[str, Chart]  # id → chart, drawn in step 2

    @property
    def example(self) -> bool:
        return (
            self.plan.is_example
            or self.version.is_example
            or self.fund_example
            or any(part.example for part in self.indicators)
        )


def _status_rows(tree: Any) -> list[dict[str, Any]]:
    return [
        {
            "field": f"{node.field.code} {node.field.title}".strip(),
            "counts": [count for _value, _label, count in node.status_counts],
            "measures": len(node.measures),
            "progress": node.progress,
        }
        for node in tree.fields
    ]


def _budget() -> tuple[list[YearMoney], YearMoney]:
    from fund.selectors import budget_lines

    years: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for line in budget_lines():
        sums = years[line.year]
        sums[0] += line.planned
        sums[1] += line.committed
        sums[2] += line.paid
    rows = [YearMoney(year, *sums) for year, sums in sorted(years.items())]
    total = YearMoney(
        None,
        sum((r.planned for r in rows), Decimal(0)),
        sum((r.committed for r in rows), Decimal(0)),
        sum((r.paid for r in rows), Decimal(0)),
    )
    return rows, total


def _budget_chart(rows: list[YearMoney]) -> Chart:
    kinds = (("planned", _("planned")), ("committed", _("committed")), ("paid", _("paid")))
    long = [
        {"year": str(r.year), "kind": str(label), "euros": float(getattr(r, kind))}
        for r in rows
        for kind, label in kinds
    ]
    bars = (
        alt.Chart(alt.Data(values=long))
        .mark_bar()
        .encode(
            x=alt.X("year:N", title=_("Year")),
            xOffset=alt.XOffset("kind:N", sort=[str(label) for _k, label in kinds]),
            y=alt.Y("euros:Q", title=_("Euros")),
            color=alt.Color("kind:N", title=None, sort=[str(label) for _k, label in kinds]),
        )
        .properties(width="container", height=200)
    )
    return chart(
        bars,
        id="budget-years",
        title=_("The fund's money per year"),
        description=_("Budget, committed and paid euros per budget year."),
        columns=[
            ("year", _("Year")),
            ("planned", _("Budget (€)")),
            ("committed", _("Committed (€)")),
            ("paid", _("Paid (€)")),
        ],
        rows=[
            {"year": r.year, "planned": r.planned, "committed": r.committed, "paid": r.paid}
            for r in rows
        ],
    )


def _fund_example() -> bool:
    from fund.models import Application
    from fund.workflow import COMMITTED

    return Application.objects.filter(state__in=COMMITTED, is_example=True).exists()


def _fund_title(plan: Plan) -> str:
    from fund.models import Fund

    names = list(Fund.objects.filter(body=plan.body_id).values_list("name", flat=True)[:2])
    return names[0] if len(names) == 1 else ""


def _small_trend(part: IndicatorPart, index: int) -> Chart:
    trend = charts.trend(part.indicator, part.series)
    config = dict(trend.spec.get("config") or {})
    config["axis"] = dict(config.get("axis") or {}, labelFontSize=11, titleFontSize=11)
    spec = dict(trend.spec, height=TREND_HEIGHT, config=config)
    return dataclasses.replace(trend, id=f"trend-{index}", spec=spec)


def collect(plan: Plan, version: PlanVersion, *, today: dt.date) -> Content:
    """Step 1: the report's figures from live data, and its charts as specs."""
    shown = figures.collect(version)
    parts = []
    for row in shown.indicators:
        series = selectors.region_series(row.indicator.uid)
        sources = sorted({o.source for o in series if o.source}) or [
            source for source in [row.indicator.source] if source
        ]
        parts.append(IndicatorPart(row, series, sources))
    budget, budget_total = _budget()
    drawn: dict[str, Chart] = {
        "measures": shown.measures_chart(),
        "money_by_field": shown.money_by_field_chart(),
        "money_by_municipality": shown.money_by_municipality_chart(),
    }
    if budget:
        drawn["budget"] = _budget_chart(budget)
    for index, part in enumerate(parts, start=1):
        if part.series:
            drawn[f"trend-{index}"] = _small_trend(part, index)
    return Content(
        plan=plan,
        version=version,
        today=today,
        figures=shown,
        status_rows=_status_rows(shown.tree),
        statuses=[(value, str(label)) for value, label in ImplementationStatus.choices],
        budget=budget,
        budget_total=budget_total,
        reach=shown.reached.by_target_group,
        reach_total=shown.reached.total,
        indicators=parts,
        fund_example=_fund_example(),
        fund_title=_fund_title(plan),
        charts=drawn,
    )


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def draw(content: Content) -> dict[str, str]:
    """Step 2: every chart as an SVG ``data:`` URI, keyed like ``Content.charts``."""
    drawn = {}
    for key, spec in content.charts.items():
        width = TREND_WIDTH if key.startswith("trend-") else CHART_WIDTH
        drawn[key] = _data_uri(to_svg(spec, language=LANGUAGE, width=width))
    return drawn


def report_html(content: Content, drawings: dict[str, str]) -> str:
    trends = [drawings.get(f"trend-{index}") for index in range(1, len(content.indicators) + 1)]
    return render_to_string(
        "monitoring/report.html",
        {
            "title": TITLE,
            "fund_title": content.fund_title or _("Funding"),
            "content": content,
            "plan": content.plan,
            "version": content.version,
            "shown": content.figures,
            "charts": content.charts,
            "drawings": drawings,
            "indicators": list(zip(content.indicators, trends, strict=True)),
        },
    )


def render_pdf(content: Content, drawings: dict[str, str]) -> bytes:
    """Step 3: the PDF bytes (fonts from the system; no network access)."""
    from weasyprint import CSS, HTML

    document = HTML(string=report_html(content, drawings), base_url=str(STYLESHEET.parent))
    return document.write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))]) or b""


Progress = Callable[[int, str], None]


def build(
    plan: Plan, version: PlanVersion, *, today: dt.date, progress: Progress | None = None
) -> bytes:
    """The report's PDF; ``progress(percent, step)`` is called after each step."""
    from monitoring.models import Report

    def step(percent: int, name: str) -> None:
        if progress is not None:
            progress(percent, name)

    with translation.override(LANGUAGE):
        content = collect(plan, version, today=today)
        step(10, Report.Step.FIGURES)
        drawings = draw(content)
        step(40, Report.Step.CHARTS)
        pdf = render_pdf(content, drawings)
        step(80, Report.Step.PDF)
    return pdf
