"""The roles of Teilhabe, each held as a Django group of the same name."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PUBLIC = "public", _("Public")
    APPLICANT = "applicant", _("Applicant")
    PLAN_EDITOR = "plan_editor", _("Plan editor")
    FUND_OFFICER = "fund_officer", _("Fund officer")
    REVIEWER = "reviewer", _("Reviewer")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    COUNCIL_OFFICE = "council_office", _("Council office")
    MODERATOR = "moderator", _("Moderator")
    ADMIN = "admin", _("Administrator")


# Roles whose holders work inside the administration and may see staff pages
# such as an object's audit history.
STAFF_ROLES = frozenset(
    {Role.PLAN_EDITOR, Role.FUND_OFFICER, Role.COUNCIL_OFFICE, Role.MODERATOR, Role.ADMIN}
)
