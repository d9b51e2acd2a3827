"""Users who log in by e-mail, organisations they belong to, and the municipality register."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.roles import Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    is_staff = models.BooleanField(
        _("may use the admin site"),
        default=False,
        help_text=_("Only administrators should have this."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email

    def has_perm(self, perm: str, obj: models.Model | None = None) -> bool:
        """Holders of the admin role may do everything in the Django admin."""
        if self.is_active and self.has_role(Role.ADMIN):
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_active and self.has_role(Role.ADMIN):
            return True
        return super().has_module_perms(app_label)

    def has_role(self, role: Role | str) -> bool:
        """True if the user holds the role; superusers hold every role."""
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        names = getattr(self, "_role_names", None)
        if names is None:
            names = set(self.groups.values_list("name", flat=True))
            self._role_names = names
        return str(role) in names or Role.ADMIN.value in names


class Municipality(models.Model):
    """A municipality (Kommune) with its official key (Amtlicher Gemeindeschlüssel)."""

    class Kind(models.TextChoices):
        CAPITAL = "capital", _("State capital")
        TOWN = "town", _("Town")
        MUNICIPALITY = "municipality", _("Municipality")

    key = models.CharField(
        _("official municipality key"), max_length=8, unique=True, help_text=_("8 digits (AGS)")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    district_key = models.CharField(
        _("district key"), max_length=5, help_text=_("The first five digits: Land and Kreis")
    )
    district_name = models.CharField(_("district"), max_length=200)
    population = models.PositiveIntegerField(
        _("population"),
        null=True,
        blank=True,
        help_text=_("Inhabitants, for quotas in proportion to population"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A legal entity people act for: an association, a public body, an administration unit."""

    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("Association (Verein)")
        MIGRANT_ORGANISATION = "mso", _("Migrant organisation (MSO)")
        WELFARE = "welfare", _("Welfare organisation")
        CHURCH = "church", _("Church parish")
        SCHOOL = "school", _("School or day-care operator")
        MUNICIPALITY = "municipality", _("Municipality")
        ADMINISTRATION = "administration", _("Administration")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("seat"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    website = models.URLField(_("website"), blank=True)
    legal_form = models.CharField(
        _("legal form"),
        max_length=100,
        blank=True,
        help_text=_("For example “eingetragener Verein”."),
    )
    street_address = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    locality = models.CharField(_("town"), max_length=100, blank=True)
    non_profit = models.BooleanField(
        _("recognised as non-profit"),
        default=False,
        help_text=_("Gemeinnützigkeit recognised by the tax office."),
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=50, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        User,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_example = models.BooleanField(_("example data"), default=False)
    members = models.ManyToManyField(
        User, through="OrganisationMembership", related_name="organisations"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationMembership(models.Model):
    """A user acting for an organisation, e.g. a Verein's treasurer."""

    class Function(models.TextChoices):
        REPRESENTATIVE = "representative", _("Authorised representative")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    function = models.CharField(
        _("function"), max_length=20, choices=Function.choices, default=Function.MEMBER
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation membership")
        verbose_name_plural = _("organisation memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="core_membership_unique_user_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation}"
