"""Writes of the core: users, roles, organisation memberships, the municipality register."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audited_save
from core.errors import ImportRejected
from core.models import Municipality, Organisation, OrganisationMembership, User
from core.policies import has_role
from core.roles import Role


@transaction.atomic
def roles_ensure() -> None:
    """Create the group of every role (idempotent)."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    name: str = "",
    roles: Iterable[Role] = (),
    is_staff: bool = False,
    is_superuser: bool = False,
    by: Any = None,
) -> User:
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("A user with this e-mail address already exists.")})
    user = User(email=email, name=name, is_staff=is_staff, is_superuser=is_superuser)
    user.set_password(password)
    audited_save(user, by=by)
    user_set_roles(user=user, roles=roles, by=by)
    return user


@transaction.atomic
def user_set_roles(*, user: User, roles: Iterable[Role], by: Any = None) -> User:
    """Replace the user's roles; the change is recorded on the user's history."""
    roles_ensure()
    wanted = {Role(r).value for r in roles}
    groups = list(Group.objects.filter(name__in=wanted))
    user.groups.set(groups)
    user.__dict__.pop("_role_names", None)  # roles changed: drop the cached names
    # Administrators work in the Django admin; nobody else needs it.
    user.is_staff = user.is_superuser or Role.ADMIN.value in wanted
    audited_save(user, by=by, reason=_("roles: %s") % (", ".join(sorted(wanted)) or "–"))
    return user


@transaction.atomic
def organisation_create(*, name: str, kind: str, by: Any = None, **fields: Any) -> Organisation:
    organisation = Organisation(name=name, kind=kind, **fields)
    audited_save(organisation, by=by)
    return organisation


@transaction.atomic
def organisation_register(*, user: User, name: str, kind: str, **fields: Any) -> Organisation:
    """An applicant registers an organisation and becomes its representative.

    The organisation is unverified until a fund officer checks it (organisation_verify).
    """
    organisation = organisation_create(name=name, kind=kind, by=user, **fields)
    organisation_member_add(
        organisation=organisation,
        user=user,
        function=OrganisationMembership.Function.REPRESENTATIVE,
        by=user,
    )
    _ensure_applicant(user, by=user)
    return organisation


def _ensure_applicant(user: User, *, by: Any) -> None:
    if not has_role(user, Role.APPLICANT):
        current = [Role(name) for name in user.groups.values_list("name", flat=True)]
        user_set_roles(user=user, roles=[*current, Role.APPLICANT], by=by)


@transaction.atomic
def applicant_register(
    *, email: str, password: str, name: str, organisation: dict[str, Any]
) -> tuple[User, Organisation]:
    """A new user signs up for an organisation: account, organisation and membership."""
    user = user_create(email=email, password=password, name=name, roles=[Role.APPLICANT])
    created = organisation_register(user=user, **organisation)
    return user, created


@transaction.atomic
def organisation_verify(*, organisation: Organisation, by: User) -> Organisation:
    """A fund officer confirms the organisation's details (register, non-profit status)."""
    if not has_role(by, Role.FUND_OFFICER):
        raise PermissionDenied(_("Only fund officers verify organisations."))
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.verified_at is None:
        organisation.verified_at = timezone.now()
        organisation.verified_by = by
        audited_save(organisation, by=by, reason=_("verified"))
    return organisation


@transaction.atomic
def organisation_member_add(
    *, organisation: Organisation, user: User, function: str, by: Any = None
) -> OrganisationMembership:
    membership, _created = OrganisationMembership.objects.get_or_create(
        organisation=organisation, user=user, defaults={"function": function}
    )
    membership.function = function
    audited_save(membership, by=by)
    return membership


def is_representative(user: Any, organisation: Organisation) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return OrganisationMembership.objects.filter(
        organisation=organisation,
        user_id=user.pk,
        function=OrganisationMembership.Function.REPRESENTATIVE,
    ).exists()


@transaction.atomic
def organisation_member_invite(
    *, organisation: Organisation, email: str, function: str, by: User
) -> OrganisationMembership:
    """A representative adds a person with an account to the organisation."""
    if not is_representative(by, organisation):
        raise PermissionDenied(_("Only the organisation's representatives add members."))
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise ValidationError(
            {
                "email": _(
                    "Nobody has an account with this e-mail address. Ask the person to "
                    "register first."
                )
            }
        )
    if OrganisationMembership.objects.filter(organisation=organisation, user=user).exists():
        raise ValidationError({"email": _("This person is a member already.")})
    membership = organisation_member_add(
        organisation=organisation, user=user, function=function, by=by
    )
    _ensure_applicant(user, by=by)
    return membership


MUNICIPALITY_COLUMNS = ["key", "name", "kind", "district_key", "district_name"]
# Optional columns: read when the file has them.
MUNICIPALITY_OPTIONAL = ["population"]


@transaction.atomic
def municipalities_import(*, text: str, by: Any = None) -> list[Municipality]:
    """Create or update municipalities from CSV (columns as MUNICIPALITY_COLUMNS,
    optionally MUNICIPALITY_OPTIONAL: ``population``, a whole number of inhabitants).

    All or nothing: if any row is bad, nothing is written and ImportRejected lists
    every bad row by its line number.
    """
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in MUNICIPALITY_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportRejected({1: [_("missing columns: %s") % ", ".join(missing)]})
    errors: dict[int, list[str]] = {}
    saved: list[Municipality] = []
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        key = (row.get("key") or "").strip()
        if key in seen:
            errors.setdefault(line, []).append(_("duplicate key %s") % key)
            continue
        seen.add(key)
        municipality = Municipality.objects.filter(key=key).first() or Municipality(key=key)
        for column in MUNICIPALITY_COLUMNS[1:]:
            setattr(municipality, column, (row.get(column) or "").strip())
        if "population" in (reader.fieldnames or []):
            population = (row.get("population") or "").strip()
            if population and not population.isdigit():
                errors.setdefault(line, []).append(_("the population must be a whole number"))
                continue
            municipality.population = int(population) if population else None
        if not (len(key) == 8 and key.isdigit()):
            errors.setdefault(line, []).append(_("the key must be 8 digits"))
            continue
        if not key.startswith(municipality.district_key or "-"):
            errors.setdefault(line, []).append(_("the key must start with the district key"))
            continue
        try:
            audited_save(municipality, by=by)
        except ValidationError as exc:
            errors.setdefault(line, []).extend(
                f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()
            )
            continue
        saved.append(municipality)
    if errors:
        # Raising inside the atomic block rolls back the rows already saved.
        raise ImportRejected(errors)
    return saved
