"""Fixtures of the council tests: users in each relation to a non-public paper."""

import datetime as dt

import pytest

from core.roles import Role
from council import services


@pytest.fixture
def member_of(make_user, demo):
    """A committee member sitting in the named body (through a council person)."""

    def make(body_name: str):
        user = make_user(Role.COMMITTEE_MEMBER)
        person = services.person_create(body=demo.body, family_name=f"Mitglied {user.pk}")
        services.membership_create(
            person=person,
            organization=demo.committees[body_name],
            start_date=dt.date(2021, 11, 1),
        )
        services.person_link_user(person=person, user=user)
        return user

    return make
