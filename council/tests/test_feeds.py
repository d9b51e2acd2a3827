"""iCalendar feeds: all public meetings, and per body."""

from django.urls import reverse
from icalendar import Calendar

EQUALITY = "Ausschuss für Gleichstellung, Integration, Antidiskriminierung und Diversität"


def events(response):
    assert response["Content-Type"].startswith("text/calendar")
    return [c for c in Calendar.from_ical(response.content).walk("VEVENT")]


def test_calendar_has_every_meeting(demo, client):
    found = events(client.get("/calendar.ics"))
    assert len(found) == len(demo.meetings)
    starts = sorted(e.decoded("dtstart").date().isoformat() for e in found)
    assert {"2024-11-19", "2024-12-05", "2024-12-10", "2024-12-17"} <= set(starts)
    assert all(str(e["uid"]).startswith("meeting-") for e in found)


def test_body_calendar_has_only_that_bodys_meetings(demo, client):
    body = demo.committees[EQUALITY]
    found = events(client.get(reverse("council:calendar_organization", args=[body.pk])))
    assert {e.decoded("dtstart").date().isoformat() for e in found} == {"2024-11-19", "2027-02-16"}


def test_feed_does_not_name_nonpublic_agenda_items(demo, client):
    body = client.get("/calendar.ics").content.decode()
    unfolded = body.replace("\r\n ", "")
    assert "Haushaltsbegleitantrag" in unfolded
    assert "Anmietung" not in unfolded


def test_unknown_body_feed_is_404(db, client):
    assert client.get(reverse("council:calendar_organization", args=[424242])).status_code == 404
