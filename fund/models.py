"""The fund: funds, calls with their criteria and questions, applications and their history.

A call serves the integration plan by the version-independent ids (``uid``) of its
fields of action, goals or measures, so a call stays tied to the same plan items across
plan versions. The state of an application moves only along ``fund.workflow``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fund.workflow import State


class FinancingType(models.TextChoices):
    """Finanzierungsart of a grant (ANBest-P)."""

    FIXED = "fixed", _("fixed amount (Festbetragsfinanzierung)")
    DEFICIT = "deficit", _("deficit financing (Fehlbedarfsfinanzierung)")
    SHARE = "share", _("share financing (Anteilfinanzierung)")


class TargetGroup(models.TextChoices):
    """Target groups of the Regionsfonds' calls (DOMAIN.md)."""

    IMMIGRANTS = "immigrants", _("immigrants")
    REFUGEES = "refugees", _("refugees")
    YOUNG_PEOPLE = "young_people", _("children and young people")
    WOMEN = "women", _("women")
    FAMILIES = "families", _("parents and families")
    OLDER_PEOPLE = "older_people", _("older people")
    NEIGHBOURHOOD = "neighbourhood", _("residents of neighbourhoods")


class Fund(models.Model):
    """A standing fund, e.g. the Regionsfonds für Vielfalt und Teilhabe."""

    body = models.ForeignKey(
        "council.Body", verbose_name=_("body"), on_delete=models.PROTECT, related_name="funds"
    )
    name = models.CharField(_("name"), max_length=300)
    slug = models.SlugField(_("short name in addresses"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    budget_product = models.ForeignKey(
        "council.BudgetProduct",
        verbose_name=_("budget product"),
        on_delete=models.PROTECT,
        related_name="funds",
    )
    small_grant_limit = models.DecimalField(
        _("small grants up to (€)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Grants up to this amount are decided by the fund's board without a paper."),
        max_digits=12,
        decimal_places=2,
    )
    is_example = models.BooleanField(_("example data"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Call(models.Model):
    """Förderaufruf: one round of applications with its budget, window, criteria and limits."""

    class Serves(models.TextChoices):
        GOALS = "goals", _("the plan's goals in general")
        MEASURES = "measures", _("chosen measures of the plan")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="calls")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=300)
    motto = models.CharField(_("motto"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    budget = models.DecimalField(
        _("budget (€)"), validators=[MinValueValidator(0)], max_digits=12, decimal_places=2
    )
    opens_at = models.DateTimeField(_("open from"))
    deadline = models.DateTimeField(_("deadline"))
    serves = models.CharField(
        _("serves"), max_length=20, choices=Serves.choices, default=Serves.GOALS
    )
    min_amount = models.DecimalField(
        _("minimum amount (€)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        max_digits=12,
        decimal_places=2,
    )
    max_amount = models.DecimalField(
        _("maximum amount (€)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        max_digits=12,
        decimal_places=2,
    )
    max_per_organisation = models.DecimalField(
        _("maximum per organisation (€)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        max_digits=12,
        decimal_places=2,
    )
    own_contribution_percent = models.DecimalField(
        _("required own contribution (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    financing_types = models.JSONField(_("allowed financing types"), default=list, blank=True)
    blind_review = models.BooleanField(_("blind review"), default=False)
    is_example = models.BooleanField(_("example data"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.opens_at and self.deadline and self.deadline <= self.opens_at:
            errors["deadline"] = _("The deadline must lie after the opening.")
        if self.min_amount is not None and self.max_amount is not None:
            if self.max_amount < self.min_amount:
                errors["max_amount"] = _("The maximum cannot be below the minimum.")
        if (
            self.max_amount is not None
            and self.budget is not None
            and self.max_amount > self.budget
        ):
            errors["max_amount"] = _("The maximum per application cannot exceed the budget.")
        unknown = set(self.financing_types or []) - set(FinancingType.values)
        if unknown:
            errors["financing_types"] = _("Unknown financing type: %(types)s") % {
                "types": ", ".join(sorted(unknown))
            }
        if errors:
            raise ValidationError(errors)


class CallTarget(models.Model):
    """A plan item (field of action, goal or measure) that a call serves, by its uid."""

    class Kind(models.TextChoices):
        FIELD = "field", _("field of action")
        GOAL = "goal", _("goal")
        MEASURE = "measure", _("measure")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="targets")
    plan = models.ForeignKey("plan.Plan", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    uid = models.UUIDField(_("plan item"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan item served")
        verbose_name_plural = _("plan items served")
        constraints = [
            models.UniqueConstraint(fields=["call", "uid"], name="fund_call_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.uid}"


class Criterion(models.Model):
    """A review criterion of a call, with its weight and scale."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    scale_max = models.PositiveSmallIntegerField(
        _("best score"), default=5, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["call", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """An extra question of a call, defined as data by a fund officer."""

    class Kind(models.TextChoices):
        TEXT = "text", _("text")
        LONG_TEXT = "long_text", _("long text")
        NUMBER = "number", _("number")
        CHOICE = "choice", _("choice")
        DATE = "date", _("date")
        FILE = "file", _("file")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(_("kind of answer"), max_length=20, choices=Kind.choices)
    required = models.BooleanField(_("required"), default=False)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["call", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        if self.kind == self.Kind.CHOICE and len(self.choices or []) < 2:
            raise ValidationError({"choices": _("A choice question needs at least two choices.")})
        if self.kind != self.Kind.CHOICE and self.choices:
            raise ValidationError({"choices": _("Only choice questions have choices.")})


class Application(models.Model):
    """Förderantrag of an organisation to a call."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="applications"
    )
    state = models.CharField(
        _("state"), max_length=30, choices=State.choices, default=State.DRAFT, db_index=True
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(_("description"), blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    municipalities = models.ManyToManyField(
        "core.Municipality",
        verbose_name=_("municipalities served"),
        blank=True,
        related_name="applications",
    )
    goal_uids = models.JSONField(_("plan goals served"), default=list, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    own_contribution = models.DecimalField(
        _("own contribution (€)"),
        default=Decimal(0),
        validators=[MinValueValidator(0)],
        max_digits=12,
        decimal_places=2,
    )
    third_party_funds = models.DecimalField(
        _("third-party funds (€)"),
        default=Decimal(0),
        validators=[MinValueValidator(0)],
        max_digits=12,
        decimal_places=2,
    )
    requested_amount = models.DecimalField(
        _("requested amount (€)"),
        default=Decimal(0),
        validators=[MinValueValidator(0)],
        max_digits=12,
        decimal_places=2,
    )
    decided_amount = models.DecimalField(
        _("decided amount (€)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        max_digits=12,
        decimal_places=2,
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)
    is_example = models.BooleanField(_("example data"), default=False)
    history = HistoricalRecords(m2m_fields=[municipalities])

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end cannot lie before the start.")})


class CostLine(models.Model):
    """One expense line of an application's cost plan (Kosten- und Finanzierungsplan)."""

    class Category(models.TextChoices):
        STAFF = "staff", _("staff")
        FEES = "fees", _("fees and honoraria")
        MATERIAL = "material", _("material and equipment")
        ROOMS = "rooms", _("rooms and rent")
        TRAVEL = "travel", _("travel")
        PUBLICITY = "publicity", _("public relations")
        OTHER = "other", _("other")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="costs")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.CharField(_("description"), max_length=300)
    amount = models.DecimalField(
        _("amount (€)"), validators=[MinValueValidator(0)], max_digits=12, decimal_places=2
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")
        ordering = ["application", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount} €"


class Answer(models.Model):
    """The applicant's answer to one extra question of the call."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(_("answer"), blank=True)
    number = models.DecimalField(
        _("number"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    date = models.DateField(_("date"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="fund/answers/%Y/", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "question"], name="fund_answer_unique_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.text or self.number or self.date or self.file}"


class Attachment(models.Model):
    """A document attached to an application (PDF, ODT, DOCX or image, checked by content)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="fund/attachments/%Y/")
    name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Revision(models.Model):
    """The application as submitted: a frozen copy that reviewers and the office read."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("number"))
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    content = models.JSONField(_("content"))
    digest = models.CharField(_("SHA-256 of the content"), max_length=64)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("submitted revision")
        verbose_name_plural = _("submitted revisions")
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="fund_revision_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} ({self.number})"


class Inquiry(models.Model):
    """Rückfrage: the fund office asks about a submitted application; the applicant answers."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="inquiries")
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    asked_at = models.DateTimeField(_("asked"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        ordering = ["application", "asked_at", "pk"]

    def __str__(self) -> str:
        return self.question[:60]


class Event(models.Model):
    """One step on an application's timeline: a transition, with who took it and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(_("action"), max_length=30)
    source = models.CharField(_("from"), max_length=30, choices=State.choices)
    target = models.CharField(_("to"), max_length=30, choices=State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["application", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"

    @property
    def public_label(self) -> Any:
        """What the applicant reads for this step (from the workflow table)."""
        from fund.workflow import BY_NAME

        step = BY_NAME.get(self.transition)
        return step.public_label if step else self.get_target_display()


class Review(models.Model):
    """A reviewer's assignment to an application, the conflict declaration, and the verdict."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("assigned")
        DECLARED = "declared", _("no conflict of interest declared")
        CONFLICT = "conflict", _("conflict of interest: unassigned")
        SUBMITTED = "submitted", _("submitted")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="fund_reviews",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.ASSIGNED
    )
    declared_at = models.DateTimeField(_("declared"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    comment = models.TextField(_("overall comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="fund_review_unique_reviewer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} – {self.reviewer}"


class Score(models.Model):
    """A reviewer's score on one criterion, with a comment."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="fund_score_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"

    def clean(self) -> None:
        if self.criterion_id and self.value is not None and self.value > self.criterion.scale_max:
            raise ValidationError(
                {"value": _("The best score is %(max)s.") % {"max": self.criterion.scale_max}}
            )


class Grant(models.Model):
    """Zuwendungsbescheid: the amount granted, its financing type, period and conditions."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="grant")
    amount = models.DecimalField(
        _("amount (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    financing_type = models.CharField(
        _("financing type"), max_length=10, choices=FinancingType.choices
    )
    share_percent = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)],
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    conditions = models.TextField(_("conditions"), blank=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")

    def __str__(self) -> str:
        return f"{self.application}: {self.amount} €"

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end cannot lie before the start.")})
        if self.financing_type == FinancingType.SHARE and self.share_percent is None:
            raise ValidationError({"share_percent": _("Share financing needs the share in %.")})


class PaymentRequest(models.Model):
    """Mittelabruf: the applicant asks for (part of) the grant; the fund office pays."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("requested")
        APPROVED = "approved", _("approved")
        PAID = "paid", _("paid")
        REFUSED = "refused", _("refused")

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(
        _("amount (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    reason = models.TextField(_("purpose of the payment"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        ordering = ["grant", "requested_at", "pk"]

    def __str__(self) -> str:
        return f"{self.amount} € ({self.get_state_display()})"


class ProofOfUse(models.Model):
    """Verwendungsnachweis: narrative report and actual figures, and the result of the check."""

    grant = models.OneToOneField(Grant, on_delete=models.PROTECT, related_name="proof")
    narrative = models.TextField(_("narrative report (Sachbericht)"))
    actual_own_contribution = models.DecimalField(
        _("actual own contribution (€)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0)],
    )
    actual_third_party_funds = models.DecimalField(
        _("actual third-party funds (€)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0)],
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    purpose_achieved = models.BooleanField(_("purpose achieved"), null=True, blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    eligible_grant = models.DecimalField(
        _("eligible grant (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    repayment = models.DecimalField(
        _("repayment (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    finding = models.TextField(_("finding"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proof of use")
        verbose_name_plural = _("proofs of use")

    def __str__(self) -> str:
        return str(self.grant)


class ActualCost(models.Model):
    """The actual expenses of one category of the cost plan, as proven."""

    proof = models.ForeignKey(ProofOfUse, on_delete=models.CASCADE, related_name="actuals")
    category = models.CharField(_("category"), max_length=20, choices=CostLine.Category.choices)
    amount = models.DecimalField(
        _("amount (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("actual expense")
        verbose_name_plural = _("actual expenses")
        constraints = [
            models.UniqueConstraint(fields=["proof", "category"], name="fund_actual_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.amount} €"


class Reach(models.Model):
    """Participants a funded project reached in one municipality and one target group, as
    the proof of use reports them; the monitoring sums them up."""

    proof = models.ForeignKey(
        ProofOfUse, verbose_name=_("proof of use"), on_delete=models.CASCADE, related_name="reach"
    )
    municipality = models.ForeignKey(
        "core.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="fund_reach",
    )
    target_group = models.CharField(_("target group"), max_length=20, choices=TargetGroup.choices)
    participants = models.PositiveIntegerField(_("participants"), validators=[MinValueValidator(1)])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participants reached")
        verbose_name_plural = _("participants reached")
        ordering = ["proof", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proof", "municipality", "target_group"], name="fund_reach_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality}, {self.get_target_group_display()}: {self.participants}"


class DecisionPaper(models.Model):
    """The council paper (Beschlussvorlage) that asks the committee to decide a call's list."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="decision_papers")
    paper = models.OneToOneField(
        "council.Paper", on_delete=models.PROTECT, related_name="fund_decision"
    )
    applied_at = models.DateTimeField(_("decision applied"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision paper")
        verbose_name_plural = _("decision papers")

    def __str__(self) -> str:
        return str(self.paper)


class DecisionItem(models.Model):
    """One application on a decision paper, with the amount proposed for it."""

    decision = models.ForeignKey(DecisionPaper, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="decision_items"
    )
    proposed_amount = models.DecimalField(
        _("proposed amount (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("application on a decision paper")
        verbose_name_plural = _("applications on a decision paper")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "application"], name="fund_decision_item_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.proposed_amount} €"


class AllocationRun(models.Model):
    """One solve of a call's allocation: its inputs (instance) and its result, as saved."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="allocation_runs")
    created = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    options = models.JSONField(_("settings"), default=dict, blank=True)
    inputs = models.JSONField(_("instance"))
    result = models.JSONField(_("result"))
    status = models.CharField(_("solver status"), max_length=30)
    objective = models.FloatField(_("objective"), null=True, blank=True)
    applied_at = models.DateTimeField(_("made the recommendation list"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made the recommendation list by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation run")
        verbose_name_plural = _("allocation runs")
        ordering = ["call", "-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.call} ({self.created:%d.%m.%Y %H:%M})"
