"""iCalendar feeds of public meetings: all of them, or one body's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event

from council import policies, selectors
from council.models import AgendaItem, Meeting, Organization


def build_calendar(request: HttpRequest, meetings: Iterable[Meeting], title: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Teilhabe//Sitzungskalender//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", title)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    meetings = list(meetings)
    anonymous = AnonymousUser()
    items: dict[int, list[str]] = {}
    for item in (
        AgendaItem.objects.filter(meeting__in=meetings, deleted=False)
        .select_related("consultation__paper", "meeting")
        .order_by("order")
    ):
        if policies.can_view_agenda_item(anonymous, item):
            items.setdefault(item.meeting_id, []).append(f"{item.number} {item.name}".strip())
    host = request.get_host().split(":")[0]
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        event.add("summary", meeting.name)
        event.add("dtstart", meeting.start)
        event.add("dtend", meeting.end or meeting.start + dt.timedelta(hours=2))
        event.add("dtstamp", meeting.modified)
        event.add("last-modified", meeting.modified)
        if meeting.location:
            event.add(
                "location",
                ", ".join(
                    p
                    for p in (
                        meeting.location.description,
                        meeting.location.room,
                        meeting.location.street_address,
                        meeting.location.locality,
                    )
                    if p
                ),
            )
        url = request.build_absolute_uri(reverse("council:meeting_detail", args=[meeting.pk]))
        event.add("url", url)
        description = "\n".join(items.get(meeting.pk, []))
        event.add("description", f"{description}\n\n{url}".strip())
        event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


def _response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def calendar_all(request: HttpRequest) -> HttpResponse:
    meetings = selectors.meeting_list()
    return _response(build_calendar(request, meetings, "Sitzungen"), "sitzungen.ics")


@require_safe
def calendar_organization(request: HttpRequest, pk: int) -> HttpResponse:
    organization = Organization.objects.filter(pk=pk, deleted=False).first()
    if organization is None:
        raise Http404
    meetings = selectors.meeting_list(organization=organization)
    return _response(
        build_calendar(request, meetings, organization.name), f"gremium-{organization.pk}.ics"
    )
