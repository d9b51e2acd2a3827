"""Reads of the council app: querysets already joined for the pages and feeds that use them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from council import policies, search
from council.models import (
    AgendaItem,
    BudgetReference,
    Consultation,
    File,
    Meeting,
    Membership,
    Organization,
    Paper,
    Person,
)


def paper_detail(*, user: Any, pk: int) -> Paper | None:
    """The paper with everything its page shows, or None if missing or not visible."""
    paper = (
        Paper.objects.filter(pk=pk, deleted=False)
        .select_related("body")
        .prefetch_related(
            # Originators in the order they were recorded (the paper's own order).
            Prefetch("originator_organizations", queryset=Organization.objects.order_by("pk")),
            Prefetch(
                "consultations",
                queryset=Consultation.objects.filter(deleted=False)
                .select_related("organization", "meeting")
                .order_by("position"),
            ),
            Prefetch(
                "budget_references",
                queryset=BudgetReference.objects.filter(deleted=False)
                .select_related("area", "product")
                .order_by("position"),
            ),
            Prefetch("files", queryset=File.objects.filter(deleted=False)),
        )
        .first()
    )
    if paper is None or not policies.can_view_paper(user, paper):
        return None
    return paper


@dataclass(frozen=True)
class PaperFilter:
    query: str = ""
    paper_type: str = ""
    organization: Organization | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: str = ""  # "", "open" or "decided"


def paper_list(*, user: Any, filters: PaperFilter) -> QuerySet[Paper]:
    papers = policies.visible_papers(user).select_related("body")
    if filters.paper_type:
        papers = papers.filter(paper_type=filters.paper_type)
    if filters.organization is not None:
        papers = papers.filter(
            pk__in=Consultation.objects.filter(
                organization=filters.organization, deleted=False
            ).values("paper_id")
        )
    if filters.date_from:
        papers = papers.filter(date__gte=filters.date_from)
    if filters.date_to:
        papers = papers.filter(date__lte=filters.date_to)
    decided = Consultation.objects.filter(
        authoritative=True, deleted=False, as_proposed__isnull=False
    ).values("paper_id")
    if filters.status == "decided":
        papers = papers.filter(pk__in=decided)
    elif filters.status == "open":
        papers = papers.exclude(pk__in=decided)
    if filters.query.strip():
        return search.search_papers(papers, filters.query)
    return papers.order_by("-date", "-pk")


def paper_types() -> list[str]:
    return list(
        Paper.objects.filter(deleted=False, public=True)
        .order_by("paper_type")
        .values_list("paper_type", flat=True)
        .distinct()
    )


def consulting_organizations() -> QuerySet[Organization]:
    return Organization.objects.filter(
        deleted=False, kind__in=[Organization.Kind.COUNCIL, Organization.Kind.COMMITTEE]
    ).order_by("name")


def meeting_list(
    *,
    organization: Organization | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Meeting]:
    meetings = (
        Meeting.objects.filter(deleted=False)
        .select_related("location")
        .prefetch_related("organizations")
        .order_by("start", "pk")
    )
    if organization is not None:
        meetings = meetings.filter(organizations=organization)
    if start is not None:
        meetings = meetings.filter(start__date__gte=start)
    if end is not None:
        meetings = meetings.filter(start__date__lte=end)
    return meetings


def meeting_detail(*, user: Any, pk: int) -> tuple[Meeting, list[AgendaItem]] | None:
    meeting = (
        Meeting.objects.filter(pk=pk, deleted=False)
        .select_related("location", "body")
        .prefetch_related("organizations")
        .first()
    )
    if meeting is None:
        return None
    items = [
        item
        for item in AgendaItem.objects.filter(meeting=meeting, deleted=False)
        .select_related("consultation__paper", "meeting")
        .order_by("order")
        if policies.can_view_agenda_item(user, item)
    ]
    consultations = [
        c
        for c in Consultation.objects.filter(meeting=meeting, deleted=False, paper__deleted=False)
        .select_related("paper", "organization")
        .order_by("paper__reference")
        if policies.can_view_paper(user, c.paper)
    ]
    meeting.visible_consultations = consultations  # type: ignore[attr-defined]
    return meeting, items


def organization_list() -> QuerySet[Organization]:
    return Organization.objects.filter(deleted=False).order_by("kind", "name")


def organization_detail(*, user: Any, pk: int) -> dict[str, Any] | None:
    organization = Organization.objects.filter(pk=pk, deleted=False).first()
    if organization is None:
        return None
    today = timezone.localdate()
    memberships = (
        Membership.objects.filter(organization=organization, deleted=False, person__deleted=False)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("person", "on_behalf_of")
        .order_by("on_behalf_of__name", "person__family_name", "person__given_name")
    )
    by_faction: dict[str, list[Membership]] = {}
    for membership in memberships:
        key = membership.on_behalf_of.name if membership.on_behalf_of else ""
        by_faction.setdefault(key, []).append(membership)
    papers = (
        policies.visible_papers(user)
        .filter(
            Q(
                pk__in=Consultation.objects.filter(organization=organization, deleted=False).values(
                    "paper_id"
                )
            )
            | Q(originator_organizations=organization)
        )
        .distinct()
        .order_by("-date", "-pk")
    )
    meetings = meeting_list(organization=organization)
    return {
        "organization": organization,
        "members_by_faction": sorted(by_faction.items()),
        "papers": papers[:50],
        "meetings": meetings,
    }


def person_detail(*, pk: int) -> Person | None:
    return (
        Person.objects.filter(pk=pk, deleted=False)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(deleted=False)
                .select_related("organization", "on_behalf_of")
                .order_by("-start_date", "organization__name"),
            )
        )
        .first()
    )


def upcoming_meetings(limit: int = 5) -> QuerySet[Meeting]:
    return meeting_list().filter(start__gte=timezone.now())[:limit]
