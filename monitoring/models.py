"""Indicator observations: what was measured, where, when, for whom, from which source.

An observation belongs to an indicator of the plan by its version-independent ``uid``, so
a series survives new plan versions. The area is one municipality, or the whole region
(``municipality`` empty); the period a year, or a day within it (``period`` "2024" or
"2024-12-31", ``year`` for sorting and charts). A breakdown (``dimension`` and ``group``,
e.g. "Geschlecht" / "weiblich") splits a value; both empty is the total.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Observation(models.Model):
    class Status(models.TextChoices):
        PROVISIONAL = "provisional", _("provisional")
        FINAL = "final", _("final")

    indicator_uid = models.UUIDField(_("indicator"), db_index=True)
    municipality = models.ForeignKey(
        "core.Municipality",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="observations",
        help_text=_("Empty: the whole region."),
    )
    period = models.CharField(_("period"), max_length=10, help_text=_("A year or a date"))
    year = models.PositiveSmallIntegerField(_("year"))
    dimension = models.CharField(_("breakdown by"), max_length=100, blank=True)
    group = models.CharField(_("group"), max_length=100, blank=True)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    source = models.CharField(_("source"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.FINAL
    )
    is_example = models.BooleanField(_("example data"), default=False)
    imported_by = models.ForeignKey(
        "ObservationImport",
        verbose_name=_("import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["indicator_uid", "year", "period", "municipality", "dimension", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_uid", "municipality", "period", "dimension", "group"],
                name="monitoring_observation_unique_area",
                condition=Q(municipality__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["indicator_uid", "period", "dimension", "group"],
                name="monitoring_observation_unique_region",
                condition=Q(municipality__isnull=True),
            ),
        ]
        indexes = [models.Index(fields=["indicator_uid", "year"])]

    def __str__(self) -> str:
        return f"{self.period} {self.municipality or ''}: {self.value}"


class ObservationImport(models.Model):
    """One file read for one indicator: previewed first, then committed (or not)."""

    class State(models.TextChoices):
        PREVIEWED = "previewed", _("previewed")
        COMMITTED = "committed", _("committed")

    indicator_uid = models.UUIDField(_("indicator"), db_index=True)
    file = models.FileField(_("file"), upload_to="monitoring/imports/%Y/")
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PREVIEWED
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    committed_at = models.DateTimeField(_("committed"), null=True, blank=True)
    added = models.PositiveIntegerField(_("added"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("observation import")
        verbose_name_plural = _("observation imports")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return self.file_name
