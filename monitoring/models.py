"""Indicator observations: what was measured, where, when, for whom, from which source.

An observation belongs to an indicator of the plan by its version-independent ``uid``, so
a series survives new plan versions. The area is one municipality, or the whole region
(``municipality`` empty); the period a year, or a day within it (``period`` "2024" or
"2024-12-31", ``year`` for sorting and charts). A breakdown (``dimension`` and ``group``,
e.g. "Geschlecht" / "weiblich") splits a value; both empty is the total.

A ``Report`` is a status report of a plan as a PDF, built in the background
(``monitoring.report_services``) and filed with the council as a paper.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
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
        COMMITTED = "committed", _("imported")

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
    committed_at = models.DateTimeField(_("imported on"), null=True, blank=True)
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


def report_upload_to(instance: Report, filename: str) -> str:
    return f"monitoring/reports/{instance.plan_id}/{filename}"


class Report(models.Model):
    """A status report (Sachstandsbericht) of a plan as a PDF, built in the background.

    ``report_request`` queues it; the task ``build_report`` collects the figures of the
    version in force, draws the charts and writes the PDF, moving ``progress`` and ``step``
    forward as it goes; ``report_file`` files the finished PDF as a council paper.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("being built")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Step(models.TextChoices):
        QUEUED = "queued", _("Waiting for the background worker")
        STARTED = "started", _("Collecting the figures")
        FIGURES = "figures", _("Figures collected; drawing the charts")
        CHARTS = "charts", _("Charts drawn; writing the PDF")
        PDF = "pdf", _("PDF written; saving it")
        SAVED = "saved", _("Done")
        FAILED = "failed", _("Stopped by an error")

    FINISHED = (State.DONE, State.FAILED)
    # A build takes seconds. One waiting or running without a change for this long has lost
    # its worker (not started, or ended mid-build).
    STALE_AFTER = dt.timedelta(minutes=10)

    plan = models.ForeignKey(
        "plan.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="reports"
    )
    version = models.ForeignKey(
        "plan.PlanVersion",
        verbose_name=_("plan version"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    step = models.CharField(_("step"), max_length=10, choices=Step.choices, default=Step.QUEUED)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    updated = models.DateTimeField(_("last change"), auto_now=True)
    pdf = models.FileField(_("PDF"), upload_to=report_upload_to, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    paper = models.ForeignKey(
        "council.Paper",
        verbose_name=_("filed as paper"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan} – {self.created:%Y-%m-%d %H:%M}" if self.created else str(self.plan)

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def is_stale(self) -> bool:
        """Queued or being built, but unchanged for longer than ``STALE_AFTER``."""
        return not self.is_finished and timezone.now() - self.updated > self.STALE_AFTER

    @property
    def is_done(self) -> bool:
        return self.state == self.State.DONE

    @property
    def seconds(self) -> float | None:
        """How long the build took, once finished."""
        if self.started is None or self.finished is None:
            return None
        return (self.finished - self.started).total_seconds()
