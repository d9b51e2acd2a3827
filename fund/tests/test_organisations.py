"""Organisations register themselves; a fund officer verifies them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import services
from core.models import Organisation, OrganisationMembership
from core.roles import Role


def test_registering_makes_the_user_representative_of_an_unverified_organisation(make_user):
    user = make_user(Role.APPLICANT)
    organisation = services.organisation_register(
        user=user,
        name="Frauen*treff Laatzen e. V.",
        kind=Organisation.Kind.ASSOCIATION,
        legal_form="eingetragener Verein",
        postal_code="30880",
        locality="Laatzen",
        non_profit=True,
        contact_email="kontakt@example.org",
    )
    membership = OrganisationMembership.objects.get(user=user, organisation=organisation)
    assert membership.function == OrganisationMembership.Function.REPRESENTATIVE
    assert organisation.verified_at is None
    assert organisation.history.first().history_user == user


def test_only_fund_officers_verify(make_user, fund_officer):
    user = make_user(Role.APPLICANT)
    organisation = services.organisation_register(
        user=user, name="Sportverein Sehnde", kind=Organisation.Kind.ASSOCIATION
    )
    with pytest.raises(PermissionDenied):
        services.organisation_verify(organisation=organisation, by=user)
    verified = services.organisation_verify(organisation=organisation, by=fund_officer)
    assert verified.verified_by == fund_officer and verified.verified_at


def test_a_bad_contact_address_registers_nothing(make_user):
    user = make_user(Role.APPLICANT)
    with pytest.raises(ValidationError, match="contact_email"):
        services.organisation_register(
            user=user, name="Verein", kind=Organisation.Kind.ASSOCIATION, contact_email="kein-mail"
        )
    assert not Organisation.objects.filter(name="Verein").exists()
    assert not OrganisationMembership.objects.filter(user=user).exists()
