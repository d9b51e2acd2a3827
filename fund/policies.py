"""Who may see what in the fund: one place for the checks the pages and downloads share."""

from __future__ import annotations

from typing import Any

from core.policies import has_role
from core.roles import Role
from fund.models import Application, Attachment, Review
from fund.services import is_member


def is_officer(user: Any) -> bool:
    return has_role(user, Role.FUND_OFFICER)


def can_act_for(user: Any, application: Application) -> bool:
    """Members of the applying organisation act for the application."""
    return is_member(user, application.organisation_id)


def can_view_application(user: Any, application: Application) -> bool:
    """The applicant's pages: members of the organisation and the fund office."""
    return can_act_for(user, application) or is_officer(user)


def is_declared_reviewer(user: Any, application: Application) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Review.objects.filter(
        application=application,
        reviewer=user,
        state__in=(Review.State.DECLARED, Review.State.SUBMITTED),
    ).exists()


def can_download(user: Any, attachment: Attachment) -> bool:
    """Attachments: the organisation, the office, and reviewers who declared no conflict."""
    application = attachment.application
    return can_view_application(user, application) or is_declared_reviewer(user, application)
