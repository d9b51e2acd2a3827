"""Who may see and change council objects. Used by pages, search, feeds and the API alike."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.policies import has_role
from core.roles import Role
from council.models import Consultation, File, Membership, Paper


def sees_all_papers(user: Any) -> bool:
    """Admins and the council office see every paper, public or not."""
    return has_role(user, Role.ADMIN) or has_role(user, Role.COUNCIL_OFFICE)


def member_organization_ids(user: Any) -> set[int]:
    """Ids of the bodies the user currently sits in (through their council person)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_council_org_ids", None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    ids = set(
        Membership.objects.filter(person__user=user, deleted=False)
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=today))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .values_list("organization_id", flat=True)
    )
    user._council_org_ids = ids
    return ids


def visible_papers(user: Any, papers: QuerySet[Paper] | None = None) -> QuerySet[Paper]:
    """Restrict ``papers`` to those the user may see (never deleted ones)."""
    qs = (papers if papers is not None else Paper.objects.all()).filter(deleted=False)
    if sees_all_papers(user):
        return qs
    org_ids = member_organization_ids(user)
    if not org_ids:
        return qs.filter(public_paper_filter())
    consulted = Consultation.objects.filter(organization_id__in=org_ids, deleted=False).values(
        "paper_id"
    )
    return qs.filter(public_paper_filter() | Q(pk__in=consulted))


def can_view_paper(user: Any, paper: Paper) -> bool:
    if paper.deleted:
        return False
    if paper.public or sees_all_papers(user):
        return True
    org_ids = member_organization_ids(user)
    return (
        bool(org_ids)
        and paper.consultations.filter(organization_id__in=org_ids, deleted=False).exists()
    )


def can_view_file(user: Any, file: File) -> bool:
    if file.deleted:
        return False
    if file.paper is not None and not can_view_paper(user, file.paper):
        return False
    if file.agenda_item_id is not None and not can_view_agenda_item(user, file.agenda_item):
        return False
    return True


def can_view_agenda_item(user: Any, item: Any) -> bool:
    if item.deleted:
        return False
    if item.public or sees_all_papers(user):
        return True
    if item.consultation_id is not None:
        return can_view_paper(user, item.consultation.paper)
    meeting_orgs = set(item.meeting.organizations.values_list("pk", flat=True))
    return bool(meeting_orgs & member_organization_ids(user))


def can_record_vote(user: Any, consultation: Consultation) -> bool:
    """Only the council office (and admins) record votes and results."""
    return sees_all_papers(user) and not consultation.deleted


def public_paper_filter(prefix: str = "") -> Q:
    """What lets anyone read a paper, as a filter through ``prefix`` (e.g. ``"paper__"``).

    For open-data interfaces, which answer everyone alike: OParl restricts papers and
    their consultations and files with it. Deleted papers match too, because OParl keeps
    serving them as deleted; ``visible_papers`` for an anonymous user is this filter
    without the deleted ones.
    """
    return Q(**{f"{prefix}public": True})


def public_agenda_item_filter(prefix: str = "") -> Q:
    """What lets anyone read an agenda item (see ``can_view_agenda_item``), as a filter.

    Only items of the public part of a meeting; deleted ones match too (OParl serves them
    as deleted).
    """
    return Q(**{f"{prefix}public": True})
