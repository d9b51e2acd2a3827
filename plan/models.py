"""The integration plan: versions and their items (fields of action, goals, measures, indicators).

Every item row belongs to one plan version. Its ``uid`` is the item's identity across
versions: a new draft copies every row of the version in force with the same ``uid``, so
any two versions can be compared item by item. How a measure is being implemented
(status reports, status, progress) is not plan content; it belongs to the measure's
``uid`` and goes on while the adopted text stays read-only.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Plan(models.Model):
    """A municipality's integration plan, e.g. "Integrationsplan der Region Hannover"."""

    body = models.ForeignKey(
        "council.Body", verbose_name=_("body"), on_delete=models.PROTECT, related_name="plans"
    )
    name = models.CharField(_("name"), max_length=300)
    slug = models.SlugField(_("short name in addresses"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_example = models.BooleanField(_("example data"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlanVersion(models.Model):
    """One edition of the plan: a draft, the version in force, or a superseded one."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        CONSULTATION = "consultation", _("in consultation")
        ADOPTED = "adopted", _("in force")
        SUPERSEDED = "superseded", _("superseded")

    OPEN_STATUSES = (Status.DRAFT, Status.CONSULTATION)

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
    )
    mandate = models.ForeignKey(
        "council.Paper",
        verbose_name=_("mandate"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_versions_mandated",
    )
    adoption_paper = models.ForeignKey(
        "council.Paper",
        verbose_name=_("adopted by paper"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_versions_adopted",
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)
    is_example = models.BooleanField(_("example data"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique_number"),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(status="adopted"),
                name="plan_version_one_in_force",
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(status__in=["draft", "consultation"]),
                name="plan_version_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_in_force(self) -> bool:
        return self.status == self.Status.ADOPTED


class PlanItem(models.Model):
    """Common to every item of a version: its version, identity, code and place."""

    version = models.ForeignKey(PlanVersion, verbose_name=_("version"), on_delete=models.CASCADE)
    uid = models.UUIDField(_("version-independent id"), default=uuid.uuid4, editable=False)
    code = models.CharField(
        _("number"), max_length=20, blank=True, help_text=_("For example “1.2” or “M 3.4”.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        title = getattr(self, "title", "") or getattr(self, "name", "")
        return f"{self.code} {title}".strip()


class FieldOfAction(PlanItem):
    """Handlungsfeld, e.g. "Bildung" or "Demokratie"."""

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("field of action")
        verbose_name_plural = _("fields of action")
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "uid"], name="plan_field_unique_uid"),
        ]
        default_related_name = "fields_of_action"


class Goal(PlanItem):
    """A strategic goal (Leitziel) of a field, or an operational goal (Handlungsziel) under one."""

    field = models.ForeignKey(
        FieldOfAction, verbose_name=_("field of action"), on_delete=models.CASCADE
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("strategic goal"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "uid"], name="plan_goal_unique_uid"),
        ]
        default_related_name = "goals"

    @property
    def is_strategic(self) -> bool:
        return self.parent_id is None

    def clean(self) -> None:
        if self.field_id and self.field.version_id != self.version_id:
            raise ValidationError({"field": _("The field of action belongs to another version.")})
        if self.parent_id:
            parent = self.parent
            assert parent is not None
            if parent.parent_id is not None:
                raise ValidationError(
                    {"parent": _("An operational goal must sit under a strategic goal.")}
                )
            if parent.field_id != self.field_id or parent.version_id != self.version_id:
                raise ValidationError(
                    {"parent": _("The strategic goal must belong to the same field of action.")}
                )
            if self.pk and parent.pk == self.pk:
                raise ValidationError({"parent": _("A goal cannot sit under itself.")})


class Indicator(PlanItem):
    """Indikator: what is measured to tell whether goals are met, with baseline and target."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("higher is better")
        LOWER = "lower", _("lower is better")

    name = models.CharField(_("name"), max_length=300)
    definition = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target_value = models.DecimalField(
        _("target value"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    municipality = models.ForeignKey(
        "core.Municipality",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_indicators",
        help_text=_("Empty: measured for the whole region."),
    )
    goals = models.ManyToManyField(
        Goal, verbose_name=_("goals measured"), blank=True, related_name="indicators"
    )
    history = HistoricalRecords(m2m_fields=[goals])

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "uid"], name="plan_indicator_unique_uid"),
        ]
        default_related_name = "indicators"

    def clean(self) -> None:
        if self.baseline_year and self.target_year and self.target_year < self.baseline_year:
            raise ValidationError(
                {"target_year": _("The target year cannot lie before the baseline year.")}
            )


class Measure(PlanItem):
    """Maßnahme: who does what, with whom, for whom, when, at what cost, towards which goals."""

    class FundingSource(models.TextChoices):
        REGULAR = "regular", _("regular budget")
        FUND = "fund", _("the fund")
        THIRD_PARTY = "third_party", _("third-party funds")
        NONE = "none", _("no extra cost")

    field = models.ForeignKey(
        FieldOfAction, verbose_name=_("field of action"), on_delete=models.CASCADE
    )
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    lead_unit = models.ForeignKey(
        "council.Organization",
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="plan_measures_led",
        limit_choices_to={"kind": "administration", "deleted": False},
    )
    partners = models.ManyToManyField(
        "core.Organisation", verbose_name=_("partners"), blank=True, related_name="plan_measures"
    )
    municipalities = models.ManyToManyField(
        "core.Municipality",
        verbose_name=_("municipalities served"),
        blank=True,
        related_name="plan_measures",
        help_text=_("None chosen: the whole region."),
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    funding_source = models.CharField(
        _("funding source"),
        max_length=20,
        choices=FundingSource.choices,
        default=FundingSource.REGULAR,
    )
    budget_product = models.ForeignKey(
        "council.BudgetProduct",
        verbose_name=_("budget product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_measures",
    )
    weight = models.DecimalField(
        _("weight in the progress of its goals"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    goals = models.ManyToManyField(
        Goal, verbose_name=_("goals served"), blank=True, related_name="measures"
    )
    indicators = models.ManyToManyField(
        Indicator, verbose_name=_("indicators"), blank=True, related_name="measures"
    )
    history = HistoricalRecords(m2m_fields=[partners, municipalities, goals, indicators])

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "uid"], name="plan_measure_unique_uid"),
        ]
        default_related_name = "measures"

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end cannot lie before the start.")})
        if self.field_id and self.field.version_id != self.version_id:
            raise ValidationError({"field": _("The field of action belongs to another version.")})


class MeasureCost(models.Model):
    """The estimated cost of a measure in one budget year."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="costs")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    amount = models.DecimalField(
        _("amount (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cost estimate")
        verbose_name_plural = _("cost estimates")
        ordering = ["measure", "year"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "year"], name="plan_cost_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount} €"


class Milestone(models.Model):
    """A dated step of a measure, e.g. "Konzept liegt vor"."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=300)
    due = models.DateField(_("due"))
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["measure", "due", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.due:%d.%m.%Y} {self.title}"


class ImplementationStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    PAUSED = "paused", _("paused")
    DROPPED = "dropped", _("dropped")


def evidence_upload_to(instance: StatusReport, filename: str) -> str:
    return f"plan/evidence/{instance.measure_uid}/{filename}"


class StatusReport(models.Model):
    """A dated report on a measure's implementation, written by its lead unit."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="status_reports")
    measure_uid = models.UUIDField(_("measure"), db_index=True)
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=20, choices=ImplementationStatus.choices)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    text = models.TextField(_("report"))
    evidence = models.FileField(_("evidence"), upload_to=evidence_upload_to, blank=True)
    lead_unit = models.ForeignKey(
        "council.Organization",
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="plan_status_reports",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_status_reports",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    is_example = models.BooleanField(_("example data"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.get_status_display()} {self.progress} %"


class MeasureState(models.Model):
    """A measure's current status and progress: the latest status report, kept for fast reads."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measure_states")
    measure_uid = models.UUIDField(_("measure"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ImplementationStatus.choices,
        default=ImplementationStatus.PLANNED,
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    report = models.ForeignKey(
        StatusReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    as_of = models.DateField(_("as of"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measure status")
        verbose_name_plural = _("measure statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "measure_uid"], name="plan_measure_state_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.progress} %"


class PlanSearchEntry(models.Model):
    """The searchable text of one item of one version (see plan/search.py)."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    item_id = models.PositiveBigIntegerField()
    uid = models.UUIDField()
    title = models.CharField(max_length=500)
    text = models.TextField()
    stems = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "kind", "item_id"], name="plan_search_unique_item"
            ),
        ]
        indexes = [models.Index(fields=["version", "kind"])]

    def __str__(self) -> str:
        return self.title
