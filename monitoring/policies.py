"""Who may do what in monitoring."""

from __future__ import annotations

from typing import Any

from core.policies import has_role
from core.roles import Role


def can_import(user: Any) -> bool:
    """Plan editors (and administrators) import indicator data."""
    return has_role(user, Role.PLAN_EDITOR)
