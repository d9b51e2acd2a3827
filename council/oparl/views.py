"""OParl 1.1 endpoints: parse the request, read through the selectors, serialize, answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from council.oparl import documents, paging, selectors, serializers
from council.oparl.http import NotFound, api_view, encode, json_response, raw_json_response
from council.oparl.serializers import Output


@dataclass(frozen=True)
class Kind:
    """One OParl object type: where its objects come from, what they embed, their JSON."""

    scope: Callable[[], QuerySet]
    load: Callable[..., None]
    serialize: Callable[..., dict[str, Any]]


KINDS: dict[str, Kind] = {
    "body": Kind(selectors.bodies, selectors.load_bodies, serializers.body),
    "legislativeterm": Kind(
        selectors.legislative_terms, selectors.load_legislative_terms, serializers.legislative_term
    ),
    "location": Kind(selectors.locations, selectors.load_locations, serializers.location),
    "organization": Kind(
        selectors.organizations, selectors.load_organizations, serializers.organization
    ),
    "person": Kind(selectors.persons, selectors.load_persons, serializers.person),
    "membership": Kind(selectors.memberships, selectors.load_memberships, serializers.membership),
    "meeting": Kind(selectors.meetings, selectors.load_meetings, serializers.meeting),
    "agendaitem": Kind(
        selectors.agenda_items, selectors.load_agenda_items, serializers.agenda_item
    ),
    "paper": Kind(selectors.papers, selectors.load_papers, serializers.paper),
    "consultation": Kind(
        selectors.consultations, selectors.load_consultations, serializers.consultation
    ),
    "file": Kind(selectors.files, selectors.load_files, serializers.file),
}


def _list_response(
    request: HttpRequest,
    kind: Kind,
    source: Callable[..., QuerySet],
    parent: int | None,
    list_path: str,
    parent_exists: Callable[[int], bool] | None = None,
) -> HttpResponse:
    query = paging.parse_list_query(request.GET)
    stored = (
        source is selectors.list_source("body", "paper")
        and not query.omit_internal
        and documents.ENABLED
    )
    rows, has_next = paging.page_rows(documents.body_papers if stored else source, parent, query)
    # Rows prove that the parent exists; only an empty page needs to ask.
    if not rows and parent is not None and parent_exists and not parent_exists(parent):
        raise NotFound(f"{list_path}: no such parent object")
    out = Output(request, omit_internal=query.omit_internal)
    next_after = rows[-1]["id"] if has_next else None
    if stored:
        return _paper_page(out, query, rows, list_path, next_after)
    kind.load(rows, omit_internal=query.omit_internal)
    data = [kind.serialize(row, out) for row in rows]
    return json_response(paging.list_envelope(out.api + list_path, query, data, next_after))


_EMPTY_DATA = b'{"data":[]'


def _paper_page(
    out: Output,
    query: paging.ListQuery,
    rows: list[dict[str, Any]],
    list_path: str,
    next_after: int | None,
) -> HttpResponse:
    """A page of papers from their stored documents (council.oparl.documents).

    The same bytes as the serializers give: compact JSON of a list is its items'
    compact JSON joined by commas, so the envelope is encoded around an empty list
    and the items set into it.
    """
    envelope = encode(paging.list_envelope(out.api + list_path, query, [], next_after))
    if not envelope.startswith(_EMPTY_DATA):
        raise RuntimeError("the list envelope must begin with its data")
    data = documents.for_site(",".join(documents.page_texts(rows)), out.site[:-1])
    return raw_json_response(b'{"data":[' + data.encode() + b"]" + envelope[len(_EMPTY_DATA) :])


@api_view
def system(request: HttpRequest) -> HttpResponse:
    return json_response(serializers.system(Output(request), selectors.system_times()))


@api_view
def body_index(request: HttpRequest) -> HttpResponse:
    return _list_response(request, KINDS["body"], selectors.bodies, None, "body")


@api_view
def body_list(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    return _list_response(
        request,
        KINDS[name],
        selectors.list_source("body", name),
        pk,
        f"body/{pk}/{name}",
        selectors.body_exists,
    )


@api_view
def organization_list(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    return _list_response(
        request,
        KINDS[name],
        selectors.list_source("organization", name),
        pk,
        f"organization/{pk}/{name}",
        selectors.organization_exists,
    )


@api_view
def detail(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    kind = KINDS[name]
    row = selectors.detail(kind.scope, pk)
    if row is None:
        raise NotFound(f"no public {name} with id {pk}")
    kind.load([row])
    return json_response(kind.serialize(row, Output(request)))


@api_view
def unknown(request: HttpRequest, rest: str) -> HttpResponse:
    raise NotFound(f"no OParl resource at {request.path}")
