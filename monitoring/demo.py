"""Example indicator series for the demo plan's indicators, marked as example data.

For every indicator of the version in force: the region's values from the baseline year
to last year, moving from the baseline towards the target (most on track, some behind,
one going the wrong way), and the same years for each of the 21 municipalities around the
region's value (counts shared out by population). Two indicators are broken down by sex.
The last year is provisional. The numbers are invented and generated reproducibly (a fixed
seed per indicator), not read from any statistics office.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.models import Municipality
from monitoring import services
from monitoring.models import Observation

# How far each indicator gets from its baseline towards its target by the target year
# (1.0: exactly on target; below: behind; negative: the wrong way).
PROGRESS = {
    "I 1": 1.1,
    "I 2": 0.55,
    "I 3": 1.2,
    "I 4": 0.8,
    "I 5": 1.0,
    "I 6": -0.3,
    "I 7": 1.3,
    "I 8": 0.7,
    "I 9": 1.4,
    "I 10": 0.6,
}
BY_SEX = ("I 3", "I 5")
COUNT_UNITS = ("Anzahl",)


@dataclass
class MonitoringDemo:
    observations: int
    created: bool = True


def _series(indicator: Any, last_year: int) -> dict[int, float]:
    base = float(indicator.baseline_value or 0)
    target = float(indicator.target_value if indicator.target_value is not None else base)
    start = indicator.baseline_year or last_year - 6
    end = indicator.target_year or last_year
    progress = PROGRESS.get(indicator.code, 0.9)
    rng = random.Random(f"series:{indicator.code}")
    years = range(start, last_year + 1)
    span = max(end - start, 1)
    values = {}
    for year in years:
        share = min((year - start) / span, 1.3)
        value = base + (target - base) * progress * share
        values[year] = value * (1 + rng.uniform(-0.015, 0.015)) if year > start else base
    return values


def _round(value: float, unit: str) -> Decimal:
    if unit in COUNT_UNITS:
        return Decimal(max(round(value), 0))
    return Decimal(f"{max(value, 0):.1f}")


def _rows(indicator: Any, last_year: int, municipalities: list[Municipality]) -> list[dict]:  # type: ignore[type-arg]
    region = _series(indicator, last_year)
    unit = indicator.unit
    population = sum(m.population or 0 for m in municipalities) or 1
    rng = random.Random(f"areas:{indicator.code}")
    offsets = {m.key: rng.uniform(-0.25, 0.25) for m in municipalities}
    rows = []
    for year, value in region.items():
        status = "provisional" if year == last_year else "final"
        rows.append({"period": year, "value": _round(value, unit), "status": status})
        if indicator.municipality_id:
            continue  # an indicator of one municipality has no comparison by area
        for m in municipalities:
            if unit in COUNT_UNITS:
                local = value * (m.population or 0) / population * (1 + offsets[m.key] / 2)
            else:
                local = value * (1 + offsets[m.key])
            rows.append(
                {"period": year, "area": m.key, "value": _round(local, unit), "status": status}
            )
        if indicator.code in BY_SEX:
            # Counts split 52 : 48; rates 6 % below and above the total.
            shares = (0.52, 0.48) if unit in COUNT_UNITS else (0.94, 1.06)
            for group, factor in zip(("weiblich", "männlich"), shares, strict=True):
                shared = value * factor
                rows.append(
                    {
                        "period": year,
                        "dimension": "Geschlecht",
                        "group": group,
                        "value": _round(shared, unit),
                        "status": status,
                    }
                )
    return rows


@transaction.atomic
def load_monitoring_demo(plan_demo: Any, *, today: dt.date | None = None) -> MonitoringDemo:
    """Load the example series once; a second call finds them and changes nothing."""
    existing = Observation.objects.filter(is_example=True).count()
    if existing:
        return MonitoringDemo(existing, created=False)
    last_year = (today or timezone.localdate()).year - 1
    municipalities = list(Municipality.objects.filter(key__startswith="03241").order_by("key"))
    total = 0
    for indicator in plan_demo.adopted.indicators.all():
        total += services.observations_create(
            indicator=indicator,
            values=_rows(indicator, last_year, municipalities),
            is_example=True,
        )
    return MonitoringDemo(total)
