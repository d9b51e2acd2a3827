"""Whether an indicator is on track: its latest value against the path to its target.

The path runs straight from the baseline (value, year) to the target (value, year). A value
is on track when it is at least where the path is in its year (at most, for an indicator
where lower is better), within a tolerance of 1 % of the distance from baseline to target;
after the target year the target itself is the measure. Without baseline or target there is
no path, and the indicator is "not assessed".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

ON_TRACK = "on_track"
OFF_TRACK = "off_track"
REACHED = "reached"
NOT_ASSESSED = "not_assessed"
NO_DATA = "no_data"

LABELS = {
    REACHED: _("target reached"),
    ON_TRACK: _("on track"),
    OFF_TRACK: _("off track"),
    NOT_ASSESSED: _("no target to assess against"),
    NO_DATA: _("no data yet"),
}


@dataclass(frozen=True)
class Assessment:
    state: str
    year: int | None = None
    value: Decimal | None = None
    expected: Decimal | None = None  # where the path to the target is in ``year``

    @property
    def label(self) -> str:
        return str(LABELS[self.state])

    @property
    def good(self) -> bool:
        return self.state in (ON_TRACK, REACHED)


def expected(indicator: Any, year: int) -> Decimal | None:
    """The value the straight path from baseline to target has in ``year``."""
    b, y0 = indicator.baseline_value, indicator.baseline_year
    t, y1 = indicator.target_value, indicator.target_year
    if None in (b, y0, t, y1) or y1 <= y0:
        return None
    if year >= y1:
        return Decimal(t)
    if year <= y0:
        return Decimal(b)
    return Decimal(b) + (Decimal(t) - Decimal(b)) * Decimal(year - y0) / Decimal(y1 - y0)


def assess(indicator: Any, latest: tuple[int, Decimal] | None) -> Assessment:
    """``latest``: the region's newest (year, value), or None when there is no data."""
    if latest is None:
        return Assessment(NO_DATA)
    year, value = latest
    path = expected(indicator, year)
    if path is None:
        return Assessment(NOT_ASSESSED, year, value)
    lower = indicator.direction == "lower"
    target = Decimal(indicator.target_value)
    tolerance = abs(Decimal(indicator.target_value) - Decimal(indicator.baseline_value)) / 100
    if (value <= target) if lower else (value >= target):
        return Assessment(REACHED, year, value, path)
    ahead = (value <= path + tolerance) if lower else (value >= path - tolerance)
    return Assessment(ON_TRACK if ahead else OFF_TRACK, year, value, path)
