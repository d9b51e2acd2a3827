"""Who may do what in the core: staff pages, the admin, the audit trail."""

from __future__ import annotations

from typing import Any

from core.roles import STAFF_ROLES, Role


def has_role(user: Any, role: Role | str) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(role)


def is_staff_member(user: Any) -> bool:
    """Staff of the administration: may open staff pages such as an audit history."""
    return any(has_role(user, role) for role in STAFF_ROLES)


# Apps register how to decide whether a user may see one of their objects (e.g. a
# non-public paper), so that generic pages such as the audit history honour it.
_visibility_checks: dict[type, Any] = {}


def register_visibility(model: type, check: Any) -> None:
    _visibility_checks[model] = check


def can_see_object(user: Any, obj: Any) -> bool:
    for model, check in _visibility_checks.items():
        if isinstance(obj, model):
            return bool(check(user, obj))
    return True


def can_view_history(user: Any, obj: Any) -> bool:
    return is_staff_member(user) and can_see_object(user, obj)
