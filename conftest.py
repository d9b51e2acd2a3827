"""Fixtures shared by every test: users of each role, the demo data."""

from __future__ import annotations

import pytest

from core.roles import Role


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Full-strength hashing costs most of a second per user and sign-in; no test needs it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db):
    """Create an active user holding the given roles: ``make_user(Role.COUNCIL_OFFICE)``."""
    from core import services

    counter = {"n": 0}

    def make(*roles: Role, email: str | None = None, password: str = "correct horse battery"):
        counter["n"] += 1
        return services.user_create(
            email=email or f"user{counter['n']}@example.org",
            password=password,
            name=f"Test User {counter['n']}",
            roles=roles,
        )

    return make


@pytest.fixture
def council_office_user(make_user):
    return make_user(Role.COUNCIL_OFFICE)


@pytest.fixture
def demo(db):
    """The Region Hannover demo, as ``make run`` loads it."""
    from council.demo import load_demo

    return load_demo()


@pytest.fixture
def plan_demo(demo):
    """The demo plan: version 1 in force, the Fortschreibung draft, the pending paper."""
    from plan.demo import load_plan_demo

    return load_plan_demo(demo)
