"""Who may see and change the plan. Used by pages, search, exports and the history alike."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.policies import has_role, is_staff_member
from core.roles import Role
from council.policies import member_organization_ids
from plan.models import Measure, Plan, PlanVersion, StatusReport


def can_view_version(user: Any, version: PlanVersion) -> bool:
    """Drafts are internal until they go into consultation; every other version is public."""
    return version.status != PlanVersion.Status.DRAFT or is_staff_member(user)


def visible_versions(user: Any, versions: QuerySet[PlanVersion]) -> QuerySet[PlanVersion]:
    if is_staff_member(user):
        return versions
    return versions.exclude(status=PlanVersion.Status.DRAFT)


def is_plan_editor(user: Any) -> bool:
    return has_role(user, Role.PLAN_EDITOR)


def can_edit_version(user: Any, version: PlanVersion) -> bool:
    """Only plan editors change a version, and only while it is open; adopted ones are read-only."""
    return version.is_open and is_plan_editor(user)


def can_start_draft(user: Any, plan: Plan) -> bool:
    return is_plan_editor(user)


def can_write_status_report(user: Any, measure: Measure) -> bool:
    """Only members of the measure's lead unit report on it (through their council person)."""
    return measure.lead_unit_id in member_organization_ids(user)


def can_download_evidence(user: Any, report: StatusReport) -> bool:
    """A report's evidence file is internal: staff of the administration and the lead unit."""
    return is_staff_member(user) or report.lead_unit_id in member_organization_ids(user)
