"""Reads of monitoring: an indicator as the public sees it, and its observations."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber

from monitoring.models import Observation
from plan.models import Indicator, PlanVersion


def public_indicator(uid: Any) -> Indicator | None:
    """The indicator with this uid in the newest public version (in force before superseded)."""
    order: dict[str, int] = {PlanVersion.Status.ADOPTED: 0, PlanVersion.Status.CONSULTATION: 1}
    candidates = list(
        Indicator.objects.filter(uid=uid)
        .exclude(version__status=PlanVersion.Status.DRAFT)
        .select_related("version__plan__body", "municipality")
    )
    if not candidates:
        return None
    return min(candidates, key=lambda i: (order.get(i.version.status, 2), -i.version.number))


def indicators_in_force() -> QuerySet[Indicator]:
    return Indicator.objects.filter(version__status=PlanVersion.Status.ADOPTED).select_related(
        "version__plan"
    )


def observations(uid: Any) -> QuerySet[Observation]:
    return (
        Observation.objects.filter(indicator_uid=uid)
        .select_related("municipality")
        # The region (no municipality) first, on SQLite and PostgreSQL alike.
        .order_by(
            "year", "period", F("municipality__key").asc(nulls_first=True), "dimension", "group"
        )
    )


def yearly(observations: QuerySet[Observation]) -> QuerySet[Observation]:
    """One observation per year and area and group: the newest period of each year.

    Values measured on a date (a stock on a reference day, e.g. monthly) are shown per year
    by the year's last reading, as statistics offices report a stock at 31 December; a
    yearly value is its own year. Chosen in the database (a window function), so a long
    monthly series costs no more to read than its years.
    """
    return observations.annotate(
        reading=Window(
            RowNumber(),
            partition_by=[F("municipality_id"), F("dimension"), F("group"), F("year")],
            order_by=[F("period").desc(), F("pk").desc()],
        )
    ).filter(reading=1)


def region_series(uid: Any) -> list[Observation]:
    """The region's totals, oldest first, one per year (see ``yearly``)."""
    return list(
        yearly(
            Observation.objects.filter(indicator_uid=uid, municipality=None, dimension="", group="")
        ).order_by("year", "period")
    )


def latest(series: list[Observation]) -> tuple[int, Any] | None:
    """(year, value) of the newest observation of a series, or None."""
    if not series:
        return None
    newest = series[-1]
    return newest.year, newest.value


def municipalities_in(uid: Any, year: int) -> list[Observation]:
    """Each municipality's total in ``year`` (its newest reading of the year), by name."""
    return list(
        yearly(
            Observation.objects.filter(
                indicator_uid=uid, municipality__isnull=False, dimension="", group="", year=year
            )
        )
        .select_related("municipality")
        .order_by("municipality__name", "municipality_id")
    )


def breakdowns(uid: Any) -> list[Observation]:
    """The region's values broken down (e.g. by sex), one per year and group (see
    ``yearly``), oldest first; breakdowns and groups in the order they were first recorded
    (the order of the source's table, e.g. age groups from young to old)."""
    return list(
        yearly(
            Observation.objects.filter(indicator_uid=uid, municipality=None).exclude(
                dimension="", group=""
            )
        ).order_by("year", "period", "pk")
    )


def latest_municipal_year(uid: Any) -> int | None:
    """The newest year with values for municipalities."""
    years = Observation.objects.filter(indicator_uid=uid, municipality__isnull=False).values_list(
        "year", flat=True
    )
    return years.order_by("-year").first()


def latest_by_indicator(uids: list[Any]) -> dict[Any, tuple[int, Any]]:
    """The region's newest (year, value) per indicator, one query."""
    rows = (
        Observation.objects.filter(
            indicator_uid__in=uids, municipality=None, dimension="", group=""
        )
        .annotate(
            newest=Window(
                RowNumber(),
                partition_by=[F("indicator_uid")],
                order_by=[F("year").desc(), F("period").desc(), F("pk").desc()],
            )
        )
        .filter(newest=1)
        .values_list("indicator_uid", "year", "value")
    )
    return {uid: (year, value) for uid, year, value in rows}
