"""The council's objects after OParl 1.1, plus budget areas, products and vote results."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class OParlObject(models.Model):
    """Fields every OParl object carries: created, modified, soft deletion, example flag."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True, db_index=True)
    deleted = models.BooleanField(_("deleted"), default=False)
    is_example = models.BooleanField(
        _("example data"),
        default=False,
        help_text=_("Invented for the demonstration; not taken from a real source."),
    )

    class Meta:
        abstract = True


class Body(OParlObject):
    """A Körperschaft, e.g. the Region Hannover."""

    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    license = models.URLField(_("licence of the data"), blank=True)
    ags = models.CharField(_("official key (AGS)"), max_length=8, blank=True)
    classification = models.CharField(_("classification"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_name = models.CharField(_("contact"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class LegislativeTerm(OParlObject):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="legislative_terms")
    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("legislative term")
        verbose_name_plural = _("legislative terms")
        ordering = ["start_date", "pk"]

    def __str__(self) -> str:
        return self.name


class Location(OParlObject):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="locations")
    description = models.CharField(_("description"), max_length=300)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    room = models.CharField(_("room"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    locality = models.CharField(_("locality"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description


class Organization(OParlObject):
    """A Gremium, Fraktion or administration unit."""

    class Kind(models.TextChoices):
        COUNCIL = "council", _("Council")
        COMMITTEE = "committee", _("Committee")
        FACTION = "faction", _("Faction")
        ADMINISTRATION = "administration", _("Administration unit")
        OTHER = "other", _("Other")

    # OParl's organizationType is free text; these are the words it suggests.
    OPARL_TYPES = {
        Kind.COUNCIL: "Gremium",
        Kind.COMMITTEE: "Gremium",
        Kind.FACTION: "Partei",
        Kind.ADMINISTRATION: "Verwaltungsbereich",
        Kind.OTHER: "Sonstiges",
    }

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="organizations")
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    classification = models.CharField(_("classification"), max_length=100, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    location = models.ForeignKey(
        Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Person(OParlObject):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="persons")
    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    form_of_address = models.CharField(_("form of address"), max_length=50, blank=True)
    title = models.CharField(_("title"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=100, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="council_person",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["family_name", "given_name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.title, self.given_name, self.family_name) if p)


class Membership(OParlObject):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=100, blank=True)
    voting_right = models.BooleanField(_("voting right"), default=True)
    on_behalf_of = models.ForeignKey(
        Organization,
        verbose_name=_("on behalf of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delegated_memberships",
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization", "person"]

    def __str__(self) -> str:
        return f"{self.person} – {self.organization}"


class Meeting(OParlObject):
    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        INVITED = "invited", _("invited")
        HELD = "held", _("held")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings")
    name = models.CharField(_("name"), max_length=300)
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("bodies"), related_name="meetings"
    )
    start = models.DateTimeField(_("start"), db_index=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)
    location = models.ForeignKey(
        Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PLANNED
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)
    history = HistoricalRecords(m2m_fields=[organizations])

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["start", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": _("The end must not be before the start.")})


class BudgetArea(OParlObject):
    """A Teilhaushalt, e.g. 52 Teilhabe."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="budget_areas")
    number = models.CharField(_("number"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget area")
        verbose_name_plural = _("budget areas")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["body", "number"], name="council_budgetarea_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number} / {self.name}"


class BudgetProduct(OParlObject):
    """A product of a budget area, e.g. 331111 Regionsfonds."""

    area = models.ForeignKey(BudgetArea, on_delete=models.CASCADE, related_name="products")
    number = models.CharField(_("number"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget product")
        verbose_name_plural = _("budget products")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["area", "number"], name="council_budgetproduct_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Paper(OParlObject):
    """A Drucksache: a motion, an administration proposal, a report."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="papers")
    reference = models.CharField(_("reference"), max_length=100, db_index=True)
    name = models.CharField(_("title"), max_length=500)
    paper_type = models.CharField(_("paper type"), max_length=100, db_index=True)
    public = models.BooleanField(_("public"), default=True)
    date = models.DateField(_("date"), null=True, blank=True, db_index=True)
    submission_date = models.DateField(_("submitted on"), null=True, blank=True)
    originator_organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("submitted by"),
        blank=True,
        related_name="originated_papers",
    )
    proposal_heading = models.CharField(
        _("heading of the resolution proposal"), max_length=200, blank=True
    )
    resolution_proposal = models.TextField(_("resolution proposal"), blank=True)
    rationale = models.TextField(_("rationale"), blank=True)
    related_papers = models.ManyToManyField("self", blank=True, verbose_name=_("related papers"))
    superordinated_paper = models.ForeignKey(
        "self",
        verbose_name=_("superordinated paper"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subordinated_papers",
    )
    history = HistoricalRecords(m2m_fields=[originator_organizations])

    class Meta:
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["public", "deleted", "-date", "-id"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"


class BudgetReference(OParlObject):
    """A row of a paper's budget table: page in the draft budget, area, product."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="budget_references")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    draft_page = models.CharField(
        _("page in the draft budget"),
        max_length=200,
        blank=True,
        help_text=_('Free text as in the paper, e.g. "S.164 (Regionsfonds)" or "Nicht drin".'),
    )
    area = models.ForeignKey(
        BudgetArea, verbose_name=_("budget area"), on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        BudgetProduct,
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget reference")
        verbose_name_plural = _("budget references")
        ordering = ["paper", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.draft_page} – {self.area}"

    def clean(self) -> None:
        if self.product is not None and self.area_id and self.product.area_id != self.area_id:
            raise ValidationError({"product": _("The product must belong to the budget area.")})


class Consultation(OParlObject):
    """One step of a paper's Beratungsfolge, with the vote once it is taken."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="consultations")
    position = models.PositiveSmallIntegerField(_("position"))
    organization = models.ForeignKey(
        Organization, verbose_name=_("body"), on_delete=models.PROTECT, related_name="consultations"
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
    )
    planned_date = models.DateField(_("planned meeting date"), null=True, blank=True)
    role = models.CharField(_("role"), max_length=100)
    leading = models.BooleanField(_("leading (Federführung)"), default=False)
    authoritative = models.BooleanField(_("decides"), default=False)
    # The vote, which OParl lacks; None until the council office records it.
    as_proposed = models.BooleanField(_("as proposed"), null=True, blank=True)
    votes_yes = models.PositiveIntegerField(_("yes"), null=True, blank=True)
    votes_no = models.PositiveIntegerField(_("no"), null=True, blank=True)
    votes_abstention = models.PositiveIntegerField(_("abstention"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["paper", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "position"], name="council_consultation_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.paper.reference} – {self.organization}"

    @property
    def is_voted(self) -> bool:
        return self.as_proposed is not None


class AgendaItem(OParlObject):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    number = models.CharField(_("number"), max_length=20, blank=True)
    order = models.PositiveIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=500)
    public = models.BooleanField(_("public"), default=True)
    consultation = models.OneToOneField(
        Consultation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_item",
    )
    result = models.CharField(_("result"), max_length=300, blank=True)
    resolution_text = models.TextField(_("resolution text"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


def file_upload_to(instance: File, filename: str) -> str:
    return f"council/files/{instance.body_id}/{filename}"


class File(OParlObject):
    """A document attached to a paper, a meeting or an agenda item."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(_("name"), max_length=300)
    file_name = models.CharField(_("file name"), max_length=300)
    mime_type = models.CharField(_("media type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha512 = models.CharField(_("SHA-512 checksum"), max_length=128, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    content = models.FileField(_("content"), upload_to=file_upload_to)
    text = models.TextField(_("text"), blank=True)
    paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    is_main_file = models.BooleanField(_("main file of the paper"), default=False)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class PaperSearchEntry(models.Model):
    """The searchable text of a paper, kept by the council services.

    ``text`` feeds PostgreSQL's tsvector (german); ``stems`` holds the same words
    through the Snowball German stemmer and feeds SQLite's FTS5 table.
    """

    paper = models.OneToOneField(
        Paper, on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    text = models.TextField()
    stems = models.TextField()

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self) -> str:
        return str(self.paper_id)


class PaperDocument(models.Model):
    """A public paper's OParl JSON as the API last rendered it: a read model of the list.

    Valid while ``modified`` equals the paper's ``modified`` and ``version`` the current
    rendering (serializer code, time zone, URL paths); the API checks both on every read
    and renders the paper anew where they differ. The absolute URLs in ``body`` start
    with a placeholder that the API replaces with the requesting site.
    """

    paper = models.OneToOneField(
        Paper, on_delete=models.CASCADE, primary_key=True, related_name="oparl_document"
    )
    modified = models.DateTimeField()
    version = models.CharField(max_length=32)
    body = models.TextField()

    class Meta:
        verbose_name = _("OParl document of a paper")
        verbose_name_plural = _("OParl documents of papers")

    def __str__(self) -> str:
        return str(self.paper_id)
