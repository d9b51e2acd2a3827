"""core.charts: the spec altair writes, SVG for PDFs offline, the include with its table."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser

import altair as alt
import pytest
import vl_convert
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from core import charts
from core.tests.chart_urls import PEOPLE, courses_chart, people_chart

VENDOR = settings.BASE_DIR / "static" / "vendor"


# --- the spec -----------------------------------------------------------------------


def test_line_chart_spec_has_inline_data_and_altairs_schema():
    chart = people_chart()
    assert chart.spec["$schema"] == alt.SCHEMA_URL
    assert alt.SCHEMA_VERSION in chart.spec["$schema"]
    assert chart.spec["data"] == {"values": PEOPLE}
    assert chart.spec["mark"] == {"type": "line", "point": True}
    assert chart.table.rows == PEOPLE
    # JSON through and through: what the page embeds is what altair wrote.
    assert json.loads(json.dumps(chart.spec)) == chart.spec


def test_kern_theme_lies_under_the_charts_own_config():
    line = alt.Chart(alt.Data(values=PEOPLE)).mark_line().encode(x="year:O", y="people:Q")
    line = line.configure_axis(labelFontSize=20)
    chart = charts.chart(line, id="c", title="T", description="D.", columns=[("year", "Jahr")])
    config = chart.spec["config"]
    assert config["font"] == charts.BROWSER_FONT
    assert config["range"]["category"][0] == charts.KERN_PRIMARY == "#2044aa"
    assert config["mark"]["color"] == charts.KERN_PRIMARY
    assert config["axis"]["labelFontSize"] == 20  # the chart's own setting wins
    assert config["axis"]["titleFontSize"] == 14  # the theme fills in the rest
    assert chart.spec["description"] == "D."


def test_inline_data_needs_neither_pandas_nor_numpy():
    code = (
        "import sys, altair as alt; "
        "alt.Chart(alt.Data(values=[{'a': 1}])).mark_point().encode(x='a:Q').to_dict(); "
        "print(sorted({'pandas', 'numpy'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_table_columns_know_numbers():
    table = people_chart().table
    assert [(c.key, c.label, c.numeric) for c in table.headers] == [
        ("year", "Jahr", False),
        ("people", "Erreichte Personen", True),
    ]
    assert table.body[1] == [("2023", False), (1265.5, True)]


def test_chart_refuses_a_bad_id_an_unknown_column_and_data_that_is_not_inline():
    line = alt.Chart(alt.Data(values=PEOPLE)).mark_line().encode(x="year:O", y="people:Q")
    with pytest.raises(ValueError, match="HTML id"):
        charts.chart(line, id="1 chart", title="T", description="D.", columns=[])
    with pytest.raises(ValueError, match="'peeple'"):
        charts.chart(line, id="c", title="T", description="D.", columns=[("peeple", "P")])
    remote = alt.Chart(alt.UrlData("https://example.org/data.csv")).mark_point()
    with pytest.raises(ValueError, match="inline data"):
        charts.chart(remote, id="c", title="T", description="D.", columns=[])
    # The table may be given where the chart's data is not at the top level.
    chart = charts.chart(remote, id="c", title="T", description="D.", columns=[], rows=[])
    assert chart.table.rows == []


# --- the versions in the page and in vl-convert -----------------------------------------


def _vendored_versions() -> dict[str, str]:
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    heading = re.search(r"^## Vega — (.*)$", readme, re.MULTILINE)
    assert heading, "static/vendor/README.md has no Vega section: run scripts/refresh-vendor"
    return dict(re.findall(r"`([a-z-]+)` (\d+\.\d+\.\d+)", heading[1]))


def test_vendored_vega_matches_altair_and_vl_convert():
    versions = _vendored_versions()
    assert versions == {
        "vega": vl_convert.get_vega_version(),
        "vega-lite": versions["vega-lite"],
        "vega-embed": vl_convert.get_vega_embed_version(),
    }
    schema_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    assert versions["vega-lite"].rsplit(".", 1)[0] == schema_minor
    assert schema_minor in vl_convert.get_vegalite_versions()
    for package, version in versions.items():
        script = (VENDOR / "vega" / f"{package}.min.js").read_text(encoding="utf-8")
        assert f'"{version}"' in script, f"{package}.min.js is not version {version}"
        assert "sourceMappingURL" not in script
        assert (VENDOR / "vega" / f"LICENSE-{package}").is_file()


def test_german_number_formats_are_d3s():
    assert charts.FORMAT_LOCALES["de"] == vl_convert.get_format_locale("de-DE")
    assert charts.TIME_FORMAT_LOCALES["de"] == vl_convert.get_time_format_locale("de-DE")
    assert charts.locale_options("de-de")["formatLocale"]["decimal"] == ","
    assert charts.locale_options("en") == {}


# --- SVG for PDFs ------------------------------------------------------------------------


def test_to_svg_draws_the_chart_offline_in_dejavu_sans_with_german_numbers():
    svg = charts.to_svg(people_chart(), language="de")
    assert svg.lstrip().startswith("<svg")
    assert "Erreichte Personen" in svg  # the y axis title, as text
    assert "Jahr" in svg and "2025" in svg
    fonts = set(re.findall(r'font-family="([^"]*)"', svg))
    assert fonts == {charts.SVG_FONT}
    assert ">1.600<" in svg  # German thousands separator on the y axis
    # A chart sized to its container gets a fixed width for the page.
    assert float(re.search(r'<svg[^>]* width="([\d.]+)"', svg)[1]) >= charts.SVG_WIDTH


def test_to_svg_formats_numbers_for_english_too():
    svg = charts.to_svg(people_chart(), language="en")
    assert ">1,600<" in svg


def test_to_svg_never_loads_data_from_the_network():
    remote = alt.Chart(alt.UrlData("https://example.org/data.csv")).mark_point().encode(x="a:Q")
    chart = charts.chart(remote, id="c", title="T", description="D.", columns=[], rows=[])
    with pytest.raises(ValueError, match="not allowed"):
        charts.to_svg(chart)


# --- the include -------------------------------------------------------------------------


class _Elements(HTMLParser):
    """Start tags with their attributes, and the text of <script> elements by id."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: dict[str, str] = {}
        self._script: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "script":
            self._script = attributes.get("id") or ""
            self.scripts[self._script] = ""

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self.scripts[self._script] += data

    def find(self, tag: str, **attrs: str | None) -> list[dict[str, str | None]]:
        wanted = {key.replace("_", "-"): value for key, value in attrs.items()}
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in wanted.items())
        ]


def _render(chart: charts.Chart, language: str = "en") -> tuple[str, _Elements]:
    with translation.override(language):
        html = render_to_string("core/_chart.html", {"chart": chart})
    parser = _Elements()
    parser.feed(html)
    return html, parser


def test_include_renders_figure_caption_view_spec_and_table():
    chart = people_chart()
    html, elements = _render(chart)
    assert elements.find("figure", id="people-chart")
    assert re.search(r"<figcaption[^>]*>\s*Erreichte Personen je Jahr\s*</figcaption>", html)
    [view] = elements.find("div", role="img")
    assert view["aria-label"] == chart.description
    assert view["data-chart-spec"] == "people-chart-spec"
    assert "hidden" in view  # shown by charts.js once it can draw
    # The spec as JSON data, not a script: allowed by the CSP, parsed back unchanged.
    [spec_block] = elements.find("script", id="people-chart-spec")
    assert spec_block["type"] == "application/json"
    assert json.loads(elements.scripts["people-chart-spec"]) == chart.spec
    assert json.loads(elements.scripts["people-chart-options"]) == {}
    # The table, open until the chart is drawn.
    [details] = elements.find("details")
    assert "open" in details
    assert re.search(r"<summary[^>]*>.*Data as a table.*</summary>", html, re.DOTALL)
    assert "<caption" in html and 'class="kern-table' in html
    assert len(elements.find("th", scope="col")) == 2
    row_headers = re.findall(r'<th [^>]*scope="row">([^<]*)</th>', html)
    assert row_headers == [row["year"] for row in PEOPLE]
    for row in PEOPLE:
        assert re.search(rf">{row['year']}</th>\s*<td [^>]*>{row['people']}</td>", html)
    assert "kern-table__cell--numeric" in html


def test_include_escapes_the_spec_and_formats_for_german():
    rows = [{"label": "</script><script>alert(1)</script>", "value": 1.5}]
    bars = alt.Chart(alt.Data(values=rows)).mark_bar().encode(x="value:Q", y="label:N")
    chart = charts.chart(
        bars, id="tricky", title="T", description="D.", columns=[("label", "L"), ("value", "V")]
    )
    html, elements = _render(chart, language="de")
    assert "</script><script>alert(1)" not in html
    assert json.loads(elements.scripts["tricky-spec"]) == chart.spec
    assert json.loads(elements.scripts["tricky-options"])["formatLocale"]["decimal"] == ","
    assert ">1,5</td>" in html  # the table in the page's number format


def test_include_of_a_second_chart_uses_its_own_ids():
    _html, elements = _render(courses_chart())
    assert elements.find("figure", id="courses-chart")
    assert set(elements.scripts) == {"courses-chart-spec", "courses-chart-options"}
    assert len(re.findall(r"<tr ", _html)) == 1 + 4


def test_titles_and_labels_may_be_lazy_translations():
    from django.utils.translation import gettext_lazy

    line = alt.Chart(alt.Data(values=PEOPLE)).mark_line().encode(x="year:O", y="people:Q")
    with translation.override("en"):  # the spec's text is fixed when the chart is built
        chart = charts.chart(
            line,
            id="lazy",
            title=gettext_lazy("Sign in"),
            description=gettext_lazy("Sign out"),
            columns=[("year", gettext_lazy("Sign in"))],
        )
    assert chart.spec["description"] == "Sign out"  # a plain string in the JSON
    html, elements = _render(chart, language="de")
    assert "<figcaption" in html and "Anmelden" in html
    [view] = elements.find("div", role="img")
    assert view["aria-label"] == "Abmelden"
