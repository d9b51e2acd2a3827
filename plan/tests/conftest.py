"""Fixtures of the plan tests: a small generated plan on top of the council demo."""

import pytest

from core.roles import Role


@pytest.fixture
def small_plan(demo):
    """A plan with one adopted version of 12 measures in 3 fields (generated, example data)."""
    from plan.generate import generate_plan

    return generate_plan(demo.body, measures=12, fields=3, slug="klein")


@pytest.fixture
def plan_editor(make_user):
    return make_user(Role.PLAN_EDITOR)
