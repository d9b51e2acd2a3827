"""External lists of the OParl API: the query parameters, keyset paging and the links.

A list is sorted by id, which never changes, so the order is stable (OParl 2-05).
The links carry a cursor, ``after=<last id of this page>``, rather than a page number:
the next page is then an index range scan from that id, equally fast on the first and
on the thousandth page, and an object inserted or deleted meanwhile neither repeats nor
skips an entry. ``page=<n>`` is accepted too, for clients that build page URLs after the
spec's example; it costs an OFFSET, and its links go on with page numbers.
No page counts a total: ``totalElements`` is optional, and a COUNT over a large list
would cost more than the page itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from council.oparl.prepared import Int, Prepared

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
DATE_FILTERS = ("created_since", "created_until", "modified_since", "modified_until")
_NUMBER = re.compile(r"[0-9]{1,18}")
# "+01:00" arrives as " 01:00" when a client forgets to URL-encode the plus sign.
_UNENCODED_PLUS = re.compile(r"(T\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:?\d\d)$")


class BadParameter(ValueError):
    """A query parameter the API cannot use; answered with HTTP 400."""

    def __init__(self, message: str, debug: str) -> None:
        super().__init__(message)
        self.message = message
        self.debug = debug


@dataclass(frozen=True)
class ListQuery:
    """The parsed parameters of one request for a list page."""

    since_until: dict[str, dt.datetime]
    raw_dates: dict[str, str]
    omit_internal: bool = False
    limit: int = DEFAULT_LIMIT
    limit_given: bool = False
    after: int | None = None
    page: int | None = None

    @property
    def include_deleted(self) -> bool:
        """OParl 2-05: deleted objects are listed if, and only if, modified_since is given."""
        return "modified_since" in self.since_until


def parse_datetime_param(name: str, value: str) -> dt.datetime:
    """A full date-time as OParl asks for; a bare date means midnight, local time."""
    text = _UNENCODED_PLUS.sub(r"\1+\2", value.strip())
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            if day is not None:
                moment = dt.datetime.combine(day, dt.time())
    except ValueError:
        moment = None
    if moment is None:
        raise BadParameter(
            _("The parameter %(name)s needs a date and time such as 2024-01-31T08:00:00+01:00.")
            % {"name": name},
            f"{name}={value!r} is not an ISO 8601 date-time",
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _positive_int(name: str, value: str, *, minimum: int) -> int:
    if not _NUMBER.fullmatch(value.strip()) or int(value) < minimum:
        raise BadParameter(
            _("The parameter %(name)s must be a whole number of at least %(minimum)d.")
            % {"name": name, "minimum": minimum},
            f"{name}={value!r}",
        )
    return int(value)


def parse_list_query(params: QueryDict) -> ListQuery:
    """Validate a list request's parameters; raise BadParameter on the first bad one."""
    since_until: dict[str, dt.datetime] = {}
    raw_dates: dict[str, str] = {}
    for name in DATE_FILTERS:
        value = params.get(name)
        if value is not None:
            since_until[name] = parse_datetime_param(name, value)
            raw_dates[name] = value
    omit_internal = False
    if "omit_internal" in params:
        value = params["omit_internal"].strip().lower()
        if value not in ("true", "false"):
            raise BadParameter(
                _("The parameter omit_internal must be true or false."),
                f"omit_internal={params['omit_internal']!r}",
            )
        omit_internal = value == "true"
    limit = DEFAULT_LIMIT
    if "limit" in params:
        # limit is only a hint (2-05); larger wishes get the largest page we serve.
        limit = min(_positive_int("limit", params["limit"], minimum=1), MAX_LIMIT)
    after = page = None
    if "after" in params:
        after = _positive_int("after", params["after"], minimum=0)
    if "page" in params:
        page = _positive_int("page", params["page"], minimum=1)
    if after is not None and page is not None:
        raise BadParameter(
            _("Give either after or page, not both."),
            "after and page are two ways of paging and exclude each other",
        )
    return ListQuery(
        since_until=since_until,
        raw_dates=raw_dates,
        omit_internal=omit_internal,
        limit=limit,
        limit_given="limit" in params,
        after=after,
        page=page,
    )


def filter_list(qs: QuerySet, query: ListQuery) -> QuerySet:
    """Apply the date filters and the rule on deleted objects (not the page bounds)."""
    conditions: dict[str, Any] = {}
    for name, moment in query.since_until.items():
        field, bound = name.split("_")
        if bound == "since":
            conditions[f"{field}__gte"] = moment
        elif moment.microsecond == 0:
            # Objects show their times to the second: "until 10:00:00" includes 10:00:00.4.
            conditions[f"{field}__lt"] = moment + dt.timedelta(seconds=1)
        else:
            conditions[f"{field}__lte"] = moment
    if not query.include_deleted:
        conditions["deleted"] = False
    return qs.filter(**conditions) if conditions else qs


_PAGES: dict[tuple[Callable[..., QuerySet], int, bool, bool], Prepared] = {}


def _prepared_page(
    source: Callable[..., QuerySet], limit: int, parent: bool, after: bool
) -> Prepared:
    key = (source, limit, parent, after)
    prepared = _PAGES.get(key)
    if prepared is None:

        def build(parent_id: int = 0, after_id: int = 0) -> QuerySet:
            qs = (source(parent_id) if parent else source()).filter(deleted=False)
            if after:
                qs = qs.filter(pk__gt=after_id)
            return qs.order_by("pk")[: limit + 1]

        slots = {"parent_id": Int} if parent else {}
        if after:
            slots["after_id"] = Int
        prepared = _PAGES[key] = Prepared(build, **slots)
    return prepared


def page_rows(
    source: Callable[..., QuerySet], parent: int | None, query: ListQuery
) -> tuple[list[dict[str, Any]], bool]:
    """The rows of the requested page of ``source(parent)`` and whether more follow.

    ``parent`` is the pk of the body or organization the list belongs to, or None for
    a list of its own (the bodies). The common request (no date filter; a cursor or
    none) runs a prepared query; the others build theirs with the ORM.
    """
    size = query.limit
    if query.page is None and not query.since_until:
        prepared = _prepared_page(source, size, parent is not None, query.after is not None)
        values = {}
        if parent is not None:
            values["parent_id"] = parent
        if query.after is not None:
            values["after_id"] = query.after
        rows = prepared.rows(**values)
    else:
        qs = source(parent) if parent is not None else source()
        qs = filter_list(qs, query).order_by("pk")
        if query.page is not None:
            start = (query.page - 1) * size
            rows = list(qs[start : start + size + 1])
        else:
            if query.after is not None:
                qs = qs.filter(pk__gt=query.after)
            rows = list(qs[: size + 1])
    return rows[:size], len(rows) > size


def _url(base: str, params: list[tuple[str, str]]) -> str:
    return f"{base}?{urlencode(params)}" if params else base


def list_envelope(
    list_url: str, query: ListQuery, data: list[dict[str, Any]], next_after: int | None
) -> dict[str, Any]:
    """The page as OParl wants it: data, pagination, and links keeping every filter.

    ``next_after`` is the id of the page's last object if another page follows, else None.
    """
    keep = [(name, query.raw_dates[name]) for name in DATE_FILTERS if name in query.raw_dates]
    if query.omit_internal:
        keep.append(("omit_internal", "true"))
    if query.limit_given:
        keep.append(("limit", str(query.limit)))
    links: dict[str, str] = {"first": _url(list_url, keep)}
    pagination: dict[str, int] = {"elementsPerPage": query.limit}
    if query.page is not None:
        pagination["currentPage"] = query.page
        links["self"] = _url(list_url, [*keep, ("page", str(query.page))])
        if query.page > 1:
            links["prev"] = _url(list_url, [*keep, ("page", str(query.page - 1))])
        if next_after is not None:
            links["next"] = _url(list_url, [*keep, ("page", str(query.page + 1))])
    else:
        if query.after is not None:
            links["self"] = _url(list_url, [*keep, ("after", str(query.after))])
        else:
            links["self"] = links["first"]
        if next_after is not None:
            links["next"] = _url(list_url, [*keep, ("after", str(next_after))])
    return {"data": data, "pagination": pagination, "links": links}
