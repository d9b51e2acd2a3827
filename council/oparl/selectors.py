"""Reads behind the OParl API: what the public may see of each type, as rows with their parts.

Each type has a *scope* (a queryset of every object the API serves, deleted ones
included, since OParl serves those as deleted) and a *loader* that fetches, for a page
of rows at once, what is embedded in or linked from them: one query per kind of part,
never one per object. Rows are ``values()`` dicts; the serializers turn them into JSON.

The API answers everyone alike, as an anonymous visitor. What that visitor may see is
decided in ``council.policies`` and only applied here.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import CharField, Exists, F, Max, Min, OuterRef, Q, QuerySet, Value

from council import policies
from council.models import (
    AgendaItem,
    Body,
    BudgetReference,
    Consultation,
    File,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Organization,
    Paper,
    Person,
)
from council.oparl.prepared import MAX_IDS, Ids, Int, Prepared

Row = dict[str, Any]
BASE = ("id", "created", "modified", "deleted")

BODY_FIELDS = (
    *BASE,
    "name",
    "short_name",
    "website",
    "license",
    "ags",
    "classification",
    "contact_email",
    "contact_name",
)
TERM_FIELDS = (*BASE, "body_id", "name", "start_date", "end_date")
LOCATION_FIELDS = (
    *BASE,
    "body_id",
    "description",
    "street_address",
    "room",
    "postal_code",
    "locality",
)
ORGANIZATION_FIELDS = (
    *BASE,
    "body_id",
    "name",
    "short_name",
    "kind",
    "classification",
    "start_date",
    "end_date",
    "website",
    "location_id",
)
PERSON_FIELDS = (
    *BASE,
    "body_id",
    "family_name",
    "given_name",
    "form_of_address",
    "title",
    "status",
)
MEMBERSHIP_FIELDS = (
    *BASE,
    "person_id",
    "organization_id",
    "role",
    "voting_right",
    "on_behalf_of_id",
    "start_date",
    "end_date",
)
MEETING_FIELDS = (
    *BASE,
    "body_id",
    "name",
    "start",
    "end",
    "location_id",
    "state",
    "cancelled",
)
AGENDA_ITEM_FIELDS = (
    *BASE,
    "meeting_id",
    "number",
    "order",
    "name",
    "public",
    "consultation_id",
    "result",
    "resolution_text",
)
PAPER_FIELDS = (
    *BASE,
    "body_id",
    "name",
    "reference",
    "date",
    "paper_type",
    "submission_date",
    "superordinated_paper_id",
)
CONSULTATION_FIELDS = (
    *BASE,
    "paper_id",
    "organization_id",
    "meeting_id",
    "role",
    "authoritative",
    "leading",
    "planned_date",
    "as_proposed",
    "votes_yes",
    "votes_no",
    "votes_abstention",
    "result",
)
FILE_FIELDS = (
    *BASE,
    "name",
    "file_name",
    "mime_type",
    "size",
    "sha512",
    "date",
    "paper_id",
    "meeting_id",
    "agenda_item_id",
    "is_main_file",
)


def _live_ids(rows: Iterable[Row]) -> list[int]:
    """Ids of the rows that are not deleted: only those carry embedded parts."""
    return [r["id"] for r in rows if not r["deleted"]]


def _grouped(rows: Iterable[Row], key: str) -> dict[int, list[Row]]:
    groups: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return groups


def _pairs(rows: Iterable[Row], key: str, value: str) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row[value])
    return groups


# -- scopes: everything the API serves, deleted objects included ---------------------


def bodies() -> QuerySet:
    return Body.objects.values(*BODY_FIELDS)


def legislative_terms() -> QuerySet:
    return LegislativeTerm.objects.values(*TERM_FIELDS)


def locations() -> QuerySet:
    return Location.objects.values(*LOCATION_FIELDS)


def organizations() -> QuerySet:
    return Organization.objects.values(*ORGANIZATION_FIELDS)


def persons() -> QuerySet:
    return Person.objects.values(*PERSON_FIELDS)


def memberships() -> QuerySet:
    return Membership.objects.values(*MEMBERSHIP_FIELDS)


def meetings() -> QuerySet:
    return Meeting.objects.values(*MEETING_FIELDS)


def _agenda_items() -> QuerySet:
    return AgendaItem.objects.filter(policies.public_agenda_item_filter())


def agenda_items() -> QuerySet:
    # The item links its consultation only where the public may read that, too.
    return _agenda_items().values(
        *AGENDA_ITEM_FIELDS,
        consultation_public=F("consultation__paper__public"),
    )


def _papers() -> QuerySet:
    return Paper.objects.filter(policies.public_paper_filter())


def papers() -> QuerySet:
    return _papers().values(*PAPER_FIELDS, superordinated_public=F("superordinated_paper__public"))


def _consultations() -> QuerySet:
    return Consultation.objects.filter(policies.public_paper_filter("paper__"))


# A consultation links its agenda item only where the public may read that, too.
_CONSULTATION_ITEM = {"item_id": F("agenda_item__id"), "item_public": F("agenda_item__public")}


def consultations() -> QuerySet:
    return _consultations().values(*CONSULTATION_FIELDS, **_CONSULTATION_ITEM)


def _files() -> QuerySet:
    return File.objects.filter(
        Q(paper__isnull=True) | policies.public_paper_filter("paper__"),
        Q(agenda_item__isnull=True) | policies.public_agenda_item_filter("agenda_item__"),
    )


def files() -> QuerySet:
    return _files().values(*FILE_FIELDS, "text")


# -- lists below a body or an organization -------------------------------------------


def body_exists(pk: int) -> bool:
    return Body.objects.filter(pk=pk).exists()


def organization_exists(pk: int) -> bool:
    return Organization.objects.filter(pk=pk).exists()


def _of_body(model: type, link: str) -> Callable[[int], Q]:
    """Objects whose ``link`` (a foreign key) points to a ``model`` object of the body.

    Written as EXISTS rather than a join: SQLite, which keeps no statistics here, would
    otherwise start from the parent's body index and sort the whole list for one page;
    with EXISTS it walks the list's primary key from the cursor, as for direct lists.
    """

    def condition(body_id: int) -> Q:
        return Q(Exists(model.objects.filter(pk=OuterRef(link), body_id=body_id)))

    return condition


def _field_is(lookup: str) -> Callable[[int], Q]:
    def condition(parent_id: int) -> Q:
        return Q(**{lookup: parent_id})

    return condition


BODY_LISTS: dict[str, tuple[Callable[[], QuerySet], Callable[[int], Q]]] = {
    # list name in the URL: (scope, the condition tying an object to its body)
    "organization": (organizations, _field_is("body_id")),
    "person": (persons, _field_is("body_id")),
    "meeting": (meetings, _field_is("body_id")),
    "paper": (papers, _field_is("body_id")),
    "legislativeterm": (legislative_terms, _field_is("body_id")),
    "agendaitem": (agenda_items, _of_body(Meeting, "meeting_id")),
    "consultation": (consultations, _of_body(Paper, "paper_id")),
    "file": (files, _field_is("body_id")),
    "location": (locations, _field_is("body_id")),
    "membership": (memberships, _of_body(Organization, "organization_id")),
}
ORGANIZATION_LISTS: dict[str, tuple[Callable[[], QuerySet], Callable[[int], Q]]] = {
    "meeting": (meetings, _field_is("organizations")),
    "consultation": (consultations, _field_is("organization_id")),
}


@functools.cache
def list_source(parent: str, name: str) -> Callable[[int], QuerySet]:
    """The objects of one external list below a body or an organization, given its pk."""
    scope, condition = (BODY_LISTS if parent == "body" else ORGANIZATION_LISTS)[name]

    def source(parent_id: int) -> QuerySet:
        return scope().filter(condition(parent_id))

    source.__qualname__ = f"{parent}_{name}_list"
    return source


_DETAIL: dict[Callable[[], QuerySet], Prepared] = {}


def detail(scope: Callable[[], QuerySet], pk: int) -> Row | None:
    """The one object of ``scope`` with this pk, or None."""
    prepared = _DETAIL.get(scope)
    if prepared is None:
        prepared = _DETAIL[scope] = Prepared(lambda pk: scope().filter(pk=pk), pk=Int)
    rows = prepared.rows(pk=pk)
    return rows[0] if rows else None


# -- loaders: the parts of a page of rows, one query per kind --------------------------

_TERMS_OF_BODIES = Prepared(
    lambda ids: (
        legislative_terms().filter(body_id__in=ids, deleted=False).order_by("start_date", "id")
    ),
    ids=Ids,
)


def load_bodies(rows: list[Row], *, omit_internal: bool = False) -> None:
    ids = _live_ids(rows)
    # Body.legislativeTerm is mandatory, so it stays even with omit_internal.
    terms = _grouped(_TERMS_OF_BODIES.rows(ids=ids), "body_id")
    for row in rows:
        row["terms"] = terms.get(row["id"], [])


def load_legislative_terms(rows: list[Row], *, omit_internal: bool = False) -> None:
    return None


_MEETINGS_AT = Prepared(
    lambda ids: (
        Meeting.objects.filter(location_id__in=ids, deleted=False)
        .order_by("id")
        .values("location_id", "id")
    ),
    ids=Ids,
)
_ORGANIZATIONS_AT = Prepared(
    lambda ids: (
        Organization.objects.filter(location_id__in=ids, deleted=False)
        .order_by("id")
        .values("location_id", "id")
    ),
    ids=Ids,
)


def load_locations(rows: list[Row], *, omit_internal: bool = False) -> None:
    """The back-references a Location carries when served on its own."""
    ids = _live_ids(rows)
    meeting_refs = _pairs(_MEETINGS_AT.rows(ids=ids), "location_id", "id")
    organization_refs = _pairs(_ORGANIZATIONS_AT.rows(ids=ids), "location_id", "id")
    for row in rows:
        row["meeting_ids"] = meeting_refs.get(row["id"], [])
        row["organization_ids"] = organization_refs.get(row["id"], [])


_LOCATIONS = Prepared(lambda ids: locations().filter(id__in=ids, deleted=False), ids=Ids)


def _embedded_locations(rows: list[Row]) -> dict[int, Row]:
    ids = sorted({r["location_id"] for r in rows if not r["deleted"] and r["location_id"]})
    return {r["id"]: r for r in _LOCATIONS.rows(ids=ids)}


_MEMBERSHIP_IDS = Prepared(
    lambda ids: (
        Membership.objects.filter(organization_id__in=ids, deleted=False)
        .order_by("id")
        .values("organization_id", "id")
    ),
    ids=Ids,
)


def load_organizations(rows: list[Row], *, omit_internal: bool = False) -> None:
    places = _embedded_locations(rows)
    members = _pairs(_MEMBERSHIP_IDS.rows(ids=_live_ids(rows)), "organization_id", "id")
    for row in rows:
        row["location"] = places.get(row["location_id"])
        row["membership_ids"] = members.get(row["id"], [])


_MEMBERSHIPS_OF = Prepared(
    lambda ids: memberships().filter(person_id__in=ids, deleted=False).order_by("person_id", "id"),
    ids=Ids,
)


def load_persons(rows: list[Row], *, omit_internal: bool = False) -> None:
    if omit_internal:
        return
    own = _grouped(_MEMBERSHIPS_OF.rows(ids=_live_ids(rows)), "person_id")
    for row in rows:
        row["memberships"] = own.get(row["id"], [])


def load_memberships(rows: list[Row], *, omit_internal: bool = False) -> None:
    return None


def _file_parts(lookup: str) -> Prepared:
    return Prepared(
        lambda ids: (
            _files().filter(deleted=False, **{lookup: ids}).order_by("id").values(*FILE_FIELDS)
        ),
        ids=Ids,
    )


# The papers are public already: only the agenda item's condition is left to apply.
_FILES_OF_PAPERS = Prepared(
    lambda ids: (
        File.objects.filter(paper_id__in=ids, deleted=False)
        .filter(Q(agenda_item__isnull=True) | policies.public_agenda_item_filter("agenda_item__"))
        .order_by("id")
        .values(*FILE_FIELDS)
    ),
    ids=Ids,
)
_FILES_OF_ITEMS = _file_parts("agenda_item_id__in")
# All files of the meetings; those of agenda items are sorted out in Python, since a
# condition "agenda_item_id IS NULL" makes SQLite read the index of that column instead.
_FILES_OF_MEETINGS = _file_parts("meeting_id__in")
_HOSTS = Prepared(
    lambda ids: (
        Meeting.organizations.through.objects.filter(meeting_id__in=ids)
        .order_by("organization_id")
        .values("meeting_id", "organization_id")
    ),
    ids=Ids,
)
_ITEMS_OF_MEETINGS = Prepared(
    lambda ids: (
        agenda_items()
        .filter(meeting_id__in=ids, deleted=False)
        .order_by("meeting_id", "order", "id")
    ),
    ids=Ids,
)


def load_meetings(rows: list[Row], *, omit_internal: bool = False) -> None:
    ids = _live_ids(rows)
    places = _embedded_locations(rows)
    hosts = _pairs(_HOSTS.rows(ids=ids), "meeting_id", "organization_id")
    items: dict[int, list[Row]] = {}
    own_files: dict[int, list[Row]] = {}
    if not omit_internal:
        item_rows = _ITEMS_OF_MEETINGS.rows(ids=ids)
        load_agenda_items(item_rows)
        items = _grouped(item_rows, "meeting_id")
        own_files = _grouped(
            (f for f in _FILES_OF_MEETINGS.rows(ids=ids) if f["agenda_item_id"] is None),
            "meeting_id",
        )
    for row in rows:
        row["location"] = places.get(row["location_id"])
        row["organization_ids"] = hosts.get(row["id"], [])
        row["items"] = items.get(row["id"], [])
        row["files"] = own_files.get(row["id"], [])


def load_agenda_items(rows: list[Row], *, omit_internal: bool = False) -> None:
    if omit_internal:
        return
    if len(rows) > MAX_IDS:  # a long agenda: in slices, to keep the prepared query
        for start in range(0, len(rows), MAX_IDS):
            load_agenda_items(rows[start : start + MAX_IDS])
        return
    own_files = _grouped(_FILES_OF_ITEMS.rows(ids=_live_ids(rows)), "agenda_item_id")
    for row in rows:
        row["files"] = own_files.get(row["id"], [])


_STEPS_OF_PAPERS = Prepared(
    lambda ids: (
        Consultation.objects.filter(paper_id__in=ids, deleted=False)
        .order_by("paper_id", "position")
        .values(*CONSULTATION_FIELDS, **_CONSULTATION_ITEM)
    ),
    ids=Ids,
)


def _paper_links(ids: list[int]) -> QuerySet:
    """Originators, related and subordinated papers of these papers, in one query."""

    def pairs(qs: QuerySet, paper: str, other: str, link: str) -> QuerySet:
        return qs.order_by().values(
            of_paper=F(paper), other=F(other), link=Value(link, output_field=CharField())
        )

    originators = pairs(
        Paper.originator_organizations.through.objects.filter(paper_id__in=ids),
        "paper_id",
        "organization_id",
        "originator",
    )
    related = pairs(
        Paper.related_papers.through.objects.filter(from_paper_id__in=ids).filter(
            policies.public_paper_filter("to_paper__")
        ),
        "from_paper_id",
        "to_paper_id",
        "related",
    )
    subordinated = pairs(
        _papers().filter(superordinated_paper_id__in=ids), "superordinated_paper_id", "id", "sub"
    )
    return originators.union(related, subordinated, all=True).order_by("link", "other")


_LINKS = Prepared(_paper_links, ids=Ids)
_BUDGET = Prepared(
    lambda ids: (
        BudgetReference.objects.filter(paper_id__in=ids, deleted=False)
        .order_by("paper_id", "position", "id")
        .values(
            "paper_id",
            "draft_page",
            "area__number",
            "area__name",
            "product__number",
            "product__name",
        )
    ),
    ids=Ids,
)


def load_papers(rows: list[Row], *, omit_internal: bool = False) -> None:
    """Consultations, originators, budget table, files and related papers of a page."""
    ids = _live_ids(rows)
    if not ids:
        return
    steps = _grouped(_STEPS_OF_PAPERS.rows(ids=ids), "paper_id")
    links: dict[str, dict[int, list[int]]] = {"originator": {}, "related": {}, "sub": {}}
    for row in _LINKS.rows(ids=ids):
        links[row["link"]].setdefault(row["of_paper"], []).append(row["other"])
    own_files = _grouped(_FILES_OF_PAPERS.rows(ids=ids), "paper_id")
    budget = _grouped(_BUDGET.rows(ids=ids), "paper_id")
    for row in rows:
        pk = row["id"]
        row["consultations"] = steps.get(pk, [])
        row["originator_ids"] = links["originator"].get(pk, [])
        row["budget"] = budget.get(pk, [])
        row["files"] = own_files.get(pk, [])
        row["related_ids"] = links["related"].get(pk, [])
        row["subordinated_ids"] = links["sub"].get(pk, [])


def load_consultations(rows: list[Row], *, omit_internal: bool = False) -> None:
    return None


def load_files(rows: list[Row], *, omit_internal: bool = False) -> None:
    return None


def system_times() -> dict[str, Any]:
    """created/modified for the System object, which has no row of its own."""
    return Body.objects.aggregate(created=Min("created"), modified=Max("modified"))
