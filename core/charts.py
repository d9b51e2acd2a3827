"""Charts: a Vega-Lite spec built once in Python (altair), with its data as a table.

The same spec is drawn interactively in the page (``core/_chart.html`` and
``static/js/charts.js``, vega-embed from ``static/vendor/vega/``, no CDN) and
rendered to SVG for PDFs (:func:`to_svg`, vl-convert, offline)::

    import altair as alt
    from core import charts

    rows = [{"year": "2024", "people": 1200}, {"year": "2025", "people": 1350}]
    line = alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(
        x=alt.X("year:O", title=_("Year")), y=alt.Y("people:Q", title=_("People"))
    )
    chart = charts.chart(
        line, id="people-chart", title=_("People reached"),
        description=_("People reached rose from 1,200 in 2024 to 1,350 in 2025."),
        columns=[("year", _("Year")), ("people", _("People"))],
    )

Give altair the rows inline (``alt.Data(values=rows)``): no pandas is needed, and
the table shows exactly the values the chart draws. Use ISO strings for dates.
Never put information only in tooltips: every value is in the table.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from django.utils import translation
from django.utils.functional import Promise

# KERN colours (the design tokens of kern.min.css, converted to sRGB hex, which
# Vega, resvg and WeasyPrint all read). Each has at least 4.5:1 against white.
KERN_PRIMARY = "#2044aa"  # --kern-color-darkblue-700, the action colour
KERN_TEXT = "#131525"  # --kern-color-neutral-950, layout text
KERN_MUTED = "#51577a"  # --kern-color-neutral-650, muted text
KERN_GRID = "#c0c3d5"  # --kern-color-neutral-200 (decorative, no contrast needed)
# Categories: blue and orange first (told apart with every common colour blindness).
KERN_CATEGORY = [
    KERN_PRIMARY,
    "#ad6500",  # orange-500
    "#008767",  # turquois-500
    "#9533be",  # violet-600
    "#c31c13",  # red-600
    "#0080a6",  # lightblue-500
    "#786000",  # yellow-600
    KERN_MUTED,
]
KERN_RAMP = ["#d8e1f4", "#97afe1", "#5174c5", "#2044aa", "#03007f"]  # darkblue 100…900

# In the browser the KERN font; the PDF has no web fonts, so SVGs use DejaVu Sans
# (fonts-dejavu-core on Debian), which both vl-convert and WeasyPrint find.
BROWSER_FONT = "Fira Sans, DejaVu Sans, sans-serif"
SVG_FONT = "DejaVu Sans"
SVG_WIDTH = 600  # px, for specs sized to their container (about A4's text width)

# d3 number and time formats for the languages of the site. English is d3's
# default; German is d3's de-DE (the same vl-convert's get_format_locale gives).
FORMAT_LOCALES: dict[str, dict[str, Any]] = {
    "de": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", "\u00a0€"]},
}
TIME_FORMAT_LOCALES: dict[str, dict[str, Any]] = {
    "de": {
        "dateTime": "%A, der %e. %B %Y, %X",
        "date": "%d.%m.%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"],
        "shortDays": ["So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"],
        "months": [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ],
        "shortMonths": [
            "Jan",
            "Feb",
            "Mrz",
            "Apr",
            "Mai",
            "Jun",
            "Jul",
            "Aug",
            "Sep",
            "Okt",
            "Nov",
            "Dez",
        ],
    },
}

# Titles, descriptions and labels may be lazy translations (rendered in the template).
Text = str | Promise

_HTML_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")


class AltairChart(Protocol):
    """What :func:`chart` needs of an altair chart (``alt.Chart``, ``alt.LayerChart``, …)."""

    def to_dict(self) -> dict[str, Any]: ...


class Column(NamedTuple):
    key: str
    label: Text
    numeric: bool


class Cell(NamedTuple):
    value: Any
    numeric: bool


@dataclass(frozen=True)
class ChartTable:
    """The chart's data as a table: ``columns`` as (key, label), ``rows`` as dicts."""

    columns: list[tuple[str, Text]]
    rows: list[dict[str, Any]]

    @property
    def headers(self) -> list[Column]:
        """The columns, each marked numeric when all its values are numbers."""
        return [Column(key, label, self._numeric(key)) for key, label in self.columns]

    @property
    def body(self) -> list[list[Cell]]:
        """The rows as cells in column order (a missing value is ``None``)."""
        headers = self.headers
        return [[Cell(row.get(col.key), col.numeric) for col in headers] for row in self.rows]

    def _numeric(self, key: str) -> bool:
        values = [row[key] for row in self.rows if row.get(key) is not None]
        return bool(values) and all(
            isinstance(value, int | float) and not isinstance(value, bool) for value in values
        )


@dataclass(frozen=True)
class Chart:
    """One chart: the Vega-Lite ``spec`` and the same data as ``table``.

    ``id`` is the HTML id of the figure; ``description`` is one sentence saying
    what the chart shows, read by screen readers in place of the drawing.
    """

    id: str
    title: Text
    description: Text
    spec: dict[str, Any]
    table: ChartTable

    @property
    def spec_id(self) -> str:
        return f"{self.id}-spec"

    @property
    def options_id(self) -> str:
        return f"{self.id}-options"

    @property
    def embed_options(self) -> dict[str, Any]:
        """vega-embed options for the active language (number and date formats)."""
        return locale_options(translation.get_language())


def locale_options(language: str | None) -> dict[str, Any]:
    """d3 ``formatLocale`` and ``timeFormatLocale`` for a language; empty for d3's English."""
    base = (language or "").split("-")[0].lower()
    options: dict[str, Any] = {}
    if base in FORMAT_LOCALES:
        options["formatLocale"] = copy.deepcopy(FORMAT_LOCALES[base])
    if base in TIME_FORMAT_LOCALES:
        options["timeFormatLocale"] = copy.deepcopy(TIME_FORMAT_LOCALES[base])
    return options


def kern_config(font: str = BROWSER_FONT) -> dict[str, Any]:
    """A Vega-Lite ``config`` that makes charts look like KERN (a fresh dict each call)."""
    return {
        "font": font,
        "background": "transparent",
        "padding": 8,
        "view": {"stroke": None},
        "title": {"fontSize": 18, "fontWeight": 600, "color": KERN_TEXT, "anchor": "start"},
        "axis": {
            "labelFontSize": 14,
            "labelColor": KERN_TEXT,
            "labelLimit": 240,
            "titleFontSize": 14,
            "titleFontWeight": 600,
            "titleColor": KERN_TEXT,
            "titlePadding": 8,
            "domainColor": KERN_MUTED,
            "tickColor": KERN_MUTED,
            "gridColor": KERN_GRID,
        },
        # Discrete x labels (years, short categories) upright, not turned by 90°;
        # long category names belong on the y axis.
        "axisXDiscrete": {"labelAngle": 0},
        "legend": {
            "labelFontSize": 14,
            "labelColor": KERN_TEXT,
            "labelLimit": 320,
            "titleFontSize": 14,
            "titleFontWeight": 600,
            "titleColor": KERN_TEXT,
            "symbolSize": 120,
        },
        "header": {
            "labelFontSize": 14,
            "labelColor": KERN_TEXT,
            "titleFontSize": 14,
            "titleFontWeight": 600,
            "titleColor": KERN_TEXT,
        },
        "text": {"fontSize": 14, "color": KERN_TEXT},
        "mark": {"color": KERN_PRIMARY},
        "line": {"strokeWidth": 3},
        "point": {"size": 64, "filled": True},
        "range": {
            "category": list(KERN_CATEGORY),
            "ramp": list(KERN_RAMP),
            "heatmap": list(KERN_RAMP),
            "ordinal": list(KERN_RAMP),
        },
    }


def chart(
    altair_chart: AltairChart,
    *,
    id: str,
    title: Text,
    description: Text,
    columns: list[tuple[str, Text]],
    rows: list[dict[str, Any]] | None = None,
) -> Chart:
    """A :class:`Chart` from an altair chart whose data is inline.

    The table's rows are the chart's own data (``alt.Data(values=rows)``), or
    ``rows`` where the table should differ (e.g. a layered chart with data per
    layer). The KERN theme is applied under the chart's own ``config``.
    """
    if not _HTML_ID.match(id):
        raise ValueError(f"Chart id {id!r} is not a usable HTML id (a letter, then [A-Za-z0-9_-]).")
    spec = altair_chart.to_dict()
    spec["config"] = _merged(kern_config(), spec.get("config") or {})
    spec.setdefault("description", str(description))
    table_rows = list(rows) if rows is not None else _inline_values(spec)
    for key, _label in columns:
        if table_rows and all(key not in row for row in table_rows):
            raise ValueError(f"Column {key!r} of chart {id!r} is in none of its rows.")
    return Chart(
        id=id,
        title=title,
        description=description,
        spec=spec,
        table=ChartTable(columns=list(columns), rows=table_rows),
    )


def to_svg(chart: Chart, *, language: str | None = None, width: int | None = None) -> str:
    """The chart as an SVG document for PDFs (WeasyPrint), rendered offline by vl-convert.

    Text is drawn in DejaVu Sans; numbers and dates are formatted for ``language``
    (default: the active one). A spec sized to its container gets ``width`` (or
    ``SVG_WIDTH``) pixels; ``width`` also overrides a fixed width.
    """
    import vl_convert

    spec = copy.deepcopy(chart.spec)
    spec["config"] = dict(spec.get("config") or {}, font=SVG_FONT)
    if width is not None or spec.get("width") == "container":
        spec["width"] = width or SVG_WIDTH
    options = locale_options(language or translation.get_language())
    return vl_convert.vegalite_to_svg(
        spec,
        vl_version=vega_lite_version(spec),
        allowed_base_urls=[],  # never load data from anywhere: everything is inline
        format_locale=options.get("formatLocale"),
        time_format_locale=options.get("timeFormatLocale"),
    )


def vega_lite_version(spec: dict[str, Any]) -> str | None:
    """The ``vMAJOR.MINOR`` of the spec's ``$schema`` (what vl-convert takes), if any."""
    match = re.search(r"/v(\d+)\.(\d+)(?:\.\d+)?\.json$", str(spec.get("$schema", "")))
    return f"v{match[1]}.{match[2]}" if match else None


def _inline_values(spec: dict[str, Any]) -> list[dict[str, Any]]:
    data = spec.get("data") or {}
    if "values" in data:
        return list(data["values"])
    name = data.get("name")
    datasets = spec.get("datasets") or {}
    if name in datasets:
        return list(datasets[name])
    raise ValueError(
        "The chart has no inline data at its top level: build it on alt.Data(values=rows), "
        "or pass rows= for the table."
    )


def _merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``override`` laid over it, nested dicts merged key by key."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _merged(result[key], value)
        else:
            result[key] = value
    return result
