"""Benchmark of monitoring: a million indicator observations, the dashboard, an indicator page.

Runs Django in this process on a throwaway SQLite file with the Region Hannover demo (the
council, the plan, the fund and the example series). Adds generated observations for the
plan's indicators in force — every municipality and the region, monthly periods over
twenty years, the total and 18 groups (sex, age, citizenship) — first ``--small`` of them,
then up to ``--observations`` (default 1,000,000). At both sizes it measures, against the
floor view, the plan dashboard and the indicator page of the indicator with the most data;
the query counts must not grow with the data. Then it times the Sachstandsbericht PDF built
from the same data (goal: at most 5 s).

Ends with one line ``monitoring: observations=… dashboard_ms=… dashboard_queries=…
indicator_ms=… indicator_queries=… report_seconds=…``.

    python bench/monitoring.py                          # 1,000,000 observations; minutes
    python bench/monitoring.py --observations 100000    # a quick look
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import random
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from inprocess import log, page_timing, setup_django, timed

GROUPS: tuple[tuple[str, str], ...] = (
    ("", ""),
    *(("Geschlecht", g) for g in ("weiblich", "männlich")),
    *(
        ("Altersgruppe", g)
        for g in ("unter 6", "6–14", "15–17", "18–24", "25–34", "35–49", "50–64", "65+")
    ),
    *(
        ("Staatsangehörigkeit", g)
        for g in ("deutsch", "EU", "Türkei", "Syrien", "Ukraine", "Polen", "Irak", "andere")
    ),
)


def generate(indicators: list[Any], start: int, count: int, seed: int = 11) -> int:
    """Add observations ``start`` … ``start + count - 1`` of the fixed enumeration."""
    from core.models import Municipality
    from monitoring.models import Observation

    rnd = random.Random(seed + start)
    areas: list[Any] = [None, *Municipality.objects.order_by("key")]
    years = range(2006, 2026)
    months = range(1, 13)
    per_area = len(years) * len(months) * len(GROUPS)
    batch: list[Observation] = []
    made = 0
    for index in range(start, start + count):
        indicator = indicators[index // (len(areas) * per_area) % len(indicators)]
        rest = index % (len(areas) * per_area)
        area = areas[rest // per_area]
        rest %= per_area
        year = years[rest // (len(months) * len(GROUPS))]
        rest %= len(months) * len(GROUPS)
        month = months[rest // len(GROUPS)]
        dimension, group = GROUPS[rest % len(GROUPS)]
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        batch.append(
            Observation(
                indicator_uid=indicator.uid,
                municipality=area,
                period=last.isoformat(),
                year=year,
                dimension=dimension,
                group=group,
                value=Decimal(rnd.randint(100, 99_999)) / 10,
                source="Bench",
                is_example=True,
            )
        )
        if len(batch) == 5_000:
            Observation.objects.bulk_create(batch)
            made += len(batch)
            batch = []
    Observation.objects.bulk_create(batch)
    return made + len(batch)


def measure(client: Any, indicator: Any, runs: int) -> dict[str, dict[str, float]]:
    return {
        "dashboard": page_timing(client, "/monitoring/", runs),
        "indicator": page_timing(client, f"/monitoring/indikator/{indicator.uid}/", runs),
    }


def report_time(plan_demo: Any) -> float:
    """Seconds to build the Sachstandsbericht PDF from the data, median of three."""
    import statistics

    from monitoring import report

    version = plan_demo.adopted
    today = dt.date.today()
    runs = [timed(lambda: report.build(version.plan, version, today=today))[0] for _ in range(3)]
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7, help="timed page requests (median)")
    parser.add_argument("--keep", action="store_true", help="keep the database directory")
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="teilhabe-bench-monitoring-"))
    try:
        setup_django(directory, "monitoring.sqlite3")
        from django.test import Client

        from council.demo import load_demo
        from fund.demo import load_fund_demo
        from monitoring.demo import load_monitoring_demo
        from monitoring.models import Observation
        from plan.demo import load_plan_demo

        demo = load_demo()
        plan_demo = load_plan_demo(demo)
        load_fund_demo(demo, plan_demo)
        load_monitoring_demo(plan_demo)
        indicators = list(plan_demo.adopted.indicators.order_by("position", "pk"))
        client = Client()
        base = Observation.objects.count()
        took, made = timed(lambda: generate(indicators, 0, args.small))
        log(f"{base} demo + {made} generated observations in {took:.1f} s")
        small = measure(client, indicators[0], args.runs)
        took, more = timed(lambda: generate(indicators, made, args.observations - made))
        total = Observation.objects.count()
        log(f"{more} more generated in {took:.1f} s: {total} observations")
        large = measure(client, indicators[0], args.runs)
        for page in ("dashboard", "indicator"):
            log(
                f"{page}: {small[page]['ms']:.1f} → {large[page]['ms']:.1f} ms "
                f"(× {large[page]['ms'] / small[page]['ms']:.2f}), queries "
                f"{small[page]['queries']} → {large[page]['queries']}"
            )
            if large[page]["queries"] != small[page]["queries"]:
                raise SystemExit(f"the {page}'s query count grew with the data")
        report_seconds = report_time(plan_demo)
        log(f"Sachstandsbericht PDF: {report_seconds:.2f} s")
    finally:
        if args.keep:
            log(f"kept {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)
    print(
        f"monitoring: observations={total} dashboard_ms={large['dashboard']['ms']:.1f} "
        f"dashboard_queries={large['dashboard']['queries']} "
        f"indicator_ms={large['indicator']['ms']:.1f} "
        f"indicator_queries={large['indicator']['queries']} report_seconds={report_seconds:.2f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
