"""Requests against the OParl 1.1 API: every endpoint, filters, paging, deletion, visibility."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from council import policies, services
from council.models import (
    AgendaItem,
    Consultation,
    File,
    Membership,
    Organization,
    Paper,
    PaperDocument,
)
from council.oparl import documents, http
from council.oparl.paging import MAX_LIMIT
from council.oparl.prepared import MAX_IDS, Ids, Prepared
from council.services import BudgetReferenceSpec, ConsultationSpec

API = "http://testserver/oparl/v1.1/"
ERROR = "https://schema.oparl.org/1.1/Error"


def url(kind: str, pk: int) -> str:
    return f"{API}{kind}/{pk}"


def get(client, address: str, status: int = 200, **params) -> dict:
    response = client.get(address, params)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def walk(client, address: str, **params) -> list[dict]:
    """Every item of an external list, following links.next to the end."""
    items: list[dict] = []
    page = get(client, address, **params)
    pages = 1
    while True:
        items.extend(page["data"])
        following = page["links"].get("next")
        if not following:
            return items
        pages += 1
        assert pages < 500, "paging does not end"
        page = get(client, following)


def ids(items: list[dict]) -> list[str]:
    return [item["id"] for item in items]


def at(day: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2024, 3, day, hour, 0, 0))


@pytest.fixture
def world(db):
    """A small council made through the services: one public and one non-public paper."""
    body = services.body_create(name="Region Beispiel", short_name="Beispiel", ags="03241000")
    term = services.legislative_term_create(
        body=body, name="2021–2026", start_date=dt.date(2021, 11, 1), end_date=dt.date(2026, 10, 31)
    )
    room = services.location_create(
        body=body, description="Haus der Region, Raum 115", room="Raum 115", locality="Hannover"
    )
    council = services.organization_create(
        body=body, name="Regionsversammlung", kind=Organization.Kind.COUNCIL, location=room
    )
    committee = services.organization_create(
        body=body, name="Ausschuss für Finanzen", kind=Organization.Kind.COMMITTEE
    )
    faction = services.organization_create(
        body=body, name="Fraktion Beispiel", kind=Organization.Kind.FACTION
    )
    person = services.person_create(
        body=body, family_name="Meyer", given_name="Anna", title="Dr.", form_of_address="Frau"
    )
    membership = services.membership_create(
        person=person,
        organization=committee,
        role="Vorsitz",
        on_behalf_of=faction,
        start_date=dt.date(2021, 11, 1),
    )
    meeting = services.meeting_create(
        body=body,
        name="12. Sitzung des Ausschusses für Finanzen",
        start=at(5, 15),
        end=at(5, 18),
        organizations=[committee],
        location=room,
    )
    area = services.budget_area_create(body=body, number="52", name="Teilhabe")
    product = services.budget_product_create(area=area, number="331111", name="Regionsfonds")
    paper = services.paper_create(
        body=body,
        reference="3185 (V) HHA",
        name="Regionsfonds für Vielfalt und Teilhabe",
        paper_type="Haushaltsantrag",
        date=dt.date(2024, 2, 20),
        submission_date=dt.date(2024, 2, 15),
        originators=[faction],
        consultations=[
            ConsultationSpec(
                organization=committee, role="Vorberatung", meeting=meeting, leading=True
            ),
            ConsultationSpec(
                organization=council,
                role="Entscheidung",
                authoritative=True,
                planned_date=dt.date(2024, 3, 21),
            ),
        ],
        budget_references=[
            BudgetReferenceSpec(area=area, product=product, draft_page="S.164 (Regionsfonds)")
        ],
    )
    first, second = paper.consultations.order_by("position")
    item = services.agenda_item_create(
        meeting=meeting, order=1, number="1", name=paper.name, consultation=first
    )
    secret = services.paper_create(
        body=body,
        reference="0042 (V) BDs",
        name="Grundstücksverkauf",
        paper_type="Beschlussdrucksache",
        public=False,
        consultations=[ConsultationSpec(organization=committee, role="Entscheidung")],
    )
    secret_item = services.agenda_item_create(
        meeting=meeting,
        order=2,
        number="2",
        name="Grundstücksangelegenheit",
        public=False,
        consultation=secret.consultations.get(),
    )

    def file(**fields) -> File:
        return File.objects.create(
            body=body,
            file_name="vorlage.pdf",
            mime_type="application/pdf",
            size=1200,
            content=f"council/files/{body.pk}/vorlage.pdf",
            **fields,
        )

    main_file = file(name="Antrag", paper=paper, is_main_file=True, sha512="ab" * 64)
    annex = file(name="Anlage", paper=paper)
    invitation = file(name="Einladung", meeting=meeting)
    slides = file(name="Präsentation", meeting=meeting, agenda_item=item)
    secret_file = file(name="Wertgutachten", paper=secret, is_main_file=True)
    return SimpleNamespace(**locals())


# -- the entry point and the body ------------------------------------------------------


def test_system_is_the_entry_point(client, world):
    system = get(client, "/oparl/v1.1/")
    assert system["id"] == API
    assert system["type"] == "https://schema.oparl.org/1.1/System"
    assert system["oparlVersion"] == "https://schema.oparl.org/1.1/"
    bodies = get(client, system["body"])
    assert ids(bodies["data"]) == [url("body", world.body.pk)]
    assert "created" in system and "modified" in system


def test_body_links_every_list_of_oparl_1_1_and_embeds_its_terms(client, world):
    body = get(client, url("body", world.body.pk))
    base = url("body", world.body.pk)
    assert body["system"] == API
    for key, path in {
        "organization": "organization",
        "person": "person",
        "meeting": "meeting",
        "paper": "paper",
        "legislativeTermList": "legislativeterm",
        "agendaItem": "agendaitem",
        "consultation": "consultation",
        "file": "file",
        "locationList": "location",
        "membership": "membership",
    }.items():
        assert body[key] == f"{base}/{path}"
        assert get(client, body[key])["data"], key
    [term] = body["legislativeTerm"]
    assert term["id"] == url("legislativeterm", world.term.pk)
    assert term["startDate"] == "2021-11-01"
    assert {"created", "modified"} <= term.keys()
    assert "body" not in term  # embedded: no back-reference
    assert body["ags"] == "03241000"


@pytest.mark.parametrize(
    ("kind", "attribute", "back_reference", "parent"),
    [
        ("legislativeterm", "term", "body", "body"),
        ("membership", "membership", "person", "person"),
        ("agendaitem", "item", "meeting", "meeting"),
    ],
)
def test_embedded_objects_carry_their_parent_at_their_own_url(
    client, world, kind, attribute, back_reference, parent
):
    obj = getattr(world, attribute)
    alone = get(client, url(kind, obj.pk))
    assert alone["id"] == url(kind, obj.pk)
    assert alone[back_reference] == url(parent, getattr(world, parent).pk)


def test_consultation_at_its_own_url(client, world):
    data = get(client, url("consultation", world.first.pk))
    assert data["paper"] == url("paper", world.paper.pk)
    assert data["meeting"] == url("meeting", world.meeting.pk)
    assert data["agendaItem"] == url("agendaitem", world.item.pk)
    assert data["organization"] == [url("organization", world.committee.pk)]
    assert data["role"] == "Vorberatung"
    assert data["authoritative"] is False
    assert "teilhabe:vote" not in data  # no vote recorded yet


def test_file_at_its_own_url_names_its_parents(client, world):
    data = get(client, url("file", world.slides.pk))
    assert data["meeting"] == [url("meeting", world.meeting.pk)]
    assert data["agendaItem"] == [url("agendaitem", world.item.pk)]
    assert data["accessUrl"] == "http://testserver" + reverse(
        "council:file_download", args=[world.slides.pk]
    )
    assert data["downloadUrl"] == "http://testserver" + reverse(
        "council:file_attachment", args=[world.slides.pk]
    )
    assert get(client, url("file", world.main_file.pk))["paper"] == [url("paper", world.paper.pk)]


def test_location_names_who_uses_it(client, world):
    data = get(client, url("location", world.room.pk))
    assert data["description"] == "Haus der Region, Raum 115"
    assert data["meetings"] == [url("meeting", world.meeting.pk)]
    assert data["organizations"] == [url("organization", world.council.pk)]


def test_organization(client, world):
    data = get(client, url("organization", world.committee.pk))
    assert data["organizationType"] == "Gremium"
    assert data["membership"] == [url("membership", world.membership.pk)]
    assert data["web"] == "http://testserver" + reverse(
        "council:organization_detail", args=[world.committee.pk]
    )
    meetings = get(client, data["meeting"])
    assert ids(meetings["data"]) == [url("meeting", world.meeting.pk)]
    consultations = get(client, data["consultation"])
    assert ids(consultations["data"]) == [url("consultation", world.first.pk)]
    council = get(client, url("organization", world.council.pk))
    assert council["location"]["id"] == url("location", world.room.pk)
    assert "organizations" not in council["location"]  # embedded: no back-references


def test_person_embeds_memberships(client, world):
    data = get(client, url("person", world.person.pk))
    assert data["name"] == "Dr. Anna Meyer"
    assert data["title"] == ["Dr."]
    [membership] = data["membership"]
    assert membership["organization"] == url("organization", world.committee.pk)
    assert membership["onBehalfOf"] == url("organization", world.faction.pk)
    assert membership["role"] == "Vorsitz"
    assert "person" not in membership
    assert {"created", "modified"} <= membership.keys()


def test_meeting_embeds_location_agenda_and_files(client, world):
    data = get(client, url("meeting", world.meeting.pk))
    assert data["start"] == "2024-03-05T15:00:00+01:00"
    assert data["organization"] == [url("organization", world.committee.pk)]
    assert data["location"]["id"] == url("location", world.room.pk)
    # The non-public item is left out; the public one links its consultation.
    [item] = data["agendaItem"]
    assert item["id"] == url("agendaitem", world.item.pk)
    assert item["consultation"] == url("consultation", world.first.pk)
    assert "meeting" not in item
    assert ids(item["auxiliaryFile"]) == [url("file", world.slides.pk)]
    assert ids(data["auxiliaryFile"]) == [url("file", world.invitation.pk)]
    assert data["web"] == "http://testserver" + reverse(
        "council:meeting_detail", args=[world.meeting.pk]
    )


def test_paper_embeds_consultations_and_files_with_vendor_fields(client, world):
    data = get(client, url("paper", world.paper.pk))
    assert data["reference"] == "3185 (V) HHA"
    assert data["paperType"] == "Haushaltsantrag"
    assert data["date"] == "2024-02-20"
    assert data["body"] == url("body", world.body.pk)
    assert data["originatorOrganization"] == [url("organization", world.faction.pk)]
    assert data["underDirectionOf"] == [url("organization", world.committee.pk)]
    assert ids(data["consultation"]) == [
        url("consultation", world.first.pk),
        url("consultation", world.second.pk),
    ]
    first, second = data["consultation"]
    assert "paper" not in first
    assert second["authoritative"] is True
    assert second["organization"] == [url("organization", world.council.pk)]
    assert second["teilhabe:plannedDate"] == "2024-03-21"
    assert data["mainFile"]["id"] == url("file", world.main_file.pk)
    assert data["mainFile"]["sha512Checksum"] == "ab" * 64
    assert "paper" not in data["mainFile"]
    assert ids(data["auxiliaryFile"]) == [url("file", world.annex.pk)]
    assert data["teilhabe:submissionDate"] == "2024-02-15"
    assert data["teilhabe:budgetReference"] == [
        {
            "draftPage": "S.164 (Regionsfonds)",
            "budgetArea": {"number": "52", "name": "Teilhabe"},
            "product": {"number": "331111", "name": "Regionsfonds"},
        }
    ]
    assert data["web"] == "http://testserver" + reverse(
        "council:paper_detail", args=[world.paper.pk]
    )


def test_papers_point_to_related_and_subordinated_public_papers(client, world):
    amendment = services.paper_create(
        body=world.body,
        reference="3185-1 (V) HHA",
        name="Änderungsantrag",
        paper_type="Änderungsantrag",
        superordinated_paper=world.paper,
        originators=[world.faction, world.council],
    )
    amendment.related_papers.add(world.paper, world.secret)
    data = get(client, url("paper", world.paper.pk))
    assert data["subordinatedPaper"] == [url("paper", amendment.pk)]
    assert data["relatedPaper"] == [url("paper", amendment.pk)]
    data = get(client, url("paper", amendment.pk))
    assert data["superordinatedPaper"] == [url("paper", world.paper.pk)]
    assert data["relatedPaper"] == [url("paper", world.paper.pk)]  # not the non-public one
    assert data["originatorOrganization"] == [
        url("organization", pk) for pk in sorted([world.faction.pk, world.council.pk])
    ]
    listed = {p["id"]: p for p in walk(client, f"{API}body/{world.body.pk}/paper")}
    assert listed[url("paper", world.paper.pk)]["subordinatedPaper"] == [url("paper", amendment.pk)]
    # A non-public paper is no one's superordinated or subordinated paper either.
    Paper.objects.filter(pk=world.secret.pk).update(superordinated_paper=world.paper)
    assert get(client, url("paper", world.paper.pk))["subordinatedPaper"] == [
        url("paper", amendment.pk)
    ]
    Paper.objects.filter(pk=amendment.pk).update(superordinated_paper=world.secret)
    assert "superordinatedPaper" not in get(client, url("paper", amendment.pk))


def test_recorded_vote_appears_and_moves_the_paper_forward(client, world, council_office_user):
    before = get(client, url("paper", world.paper.pk))["modified"]
    Paper.objects.filter(pk=world.paper.pk).update(modified=at(1))
    services.consultation_record_vote(
        consultation=world.first,
        as_proposed=True,
        votes_yes=10,
        votes_no=3,
        votes_abstention=1,
        result="ungeändert beschlossen",
        by=council_office_user,
    )
    data = get(client, url("consultation", world.first.pk))
    assert data["teilhabe:vote"] == {
        "asProposed": True,
        "yes": 10,
        "no": 3,
        "abstention": 1,
        "result": "ungeändert beschlossen",
    }
    paper = get(client, url("paper", world.paper.pk))
    assert paper["consultation"][0]["teilhabe:vote"]["yes"] == 10
    assert "teilhabe:vote" not in paper["consultation"][1]
    assert paper["modified"] >= before
    assert paper["modified"] > "2024-03-01T10:00:00+01:00"
    item = get(client, url("agendaitem", world.item.pk))
    assert item["result"] == "ungeändert beschlossen"
    # Found again by a client that synchronises with modified_since.
    recent = get(
        client, f"{API}body/{world.body.pk}/paper", modified_since="2024-03-02T00:00:00+01:00"
    )
    assert url("paper", world.paper.pk) in ids(recent["data"])


# -- what the public may not see ---------------------------------------------------------


def test_policy_filter_agrees_with_visible_papers(world):
    anonymous = policies.visible_papers(AnonymousUser())
    by_filter = Paper.objects.filter(policies.public_paper_filter(), deleted=False)
    assert set(anonymous) == set(by_filter) == {world.paper}


def test_non_public_paper_and_its_parts_are_not_served(client, world):
    secret_urls = {
        url("paper", world.secret.pk),
        url("consultation", world.secret.consultations.get().pk),
        url("file", world.secret_file.pk),
        url("agendaitem", world.secret_item.pk),
    }
    for address in secret_urls:
        error = get(client, address, status=404)
        assert error["type"] == ERROR
    body = f"{API}body/{world.body.pk}"
    lists = [
        f"{body}/{name}"
        for name in ("paper", "consultation", "file", "agendaitem", "meeting", "organization")
    ]
    lists.append(f"{API}organization/{world.committee.pk}/consultation")
    for address in lists:
        for params in ({}, {"modified_since": "2000-01-01T00:00:00+00:00"}):
            text = str(walk(client, address, **params))
            leaked = {u for u in secret_urls if f"'{u}'" in text}
            assert not leaked, (address, params, leaked)
    assert "Grundstück" not in str(get(client, url("meeting", world.meeting.pk)))


# -- deleted objects ------------------------------------------------------------------------


def test_deleted_paper_is_served_as_deleted(client, world):
    services.paper_delete(paper=world.paper)
    data = get(client, url("paper", world.paper.pk))
    assert data["deleted"] is True
    assert set(data) == {"id", "type", "created", "modified", "deleted"}
    consultation = get(client, url("consultation", world.first.pk))
    assert consultation["deleted"] is True
    papers = f"{API}body/{world.body.pk}/paper"
    assert url("paper", world.paper.pk) not in ids(walk(client, papers))
    synced = walk(client, papers, modified_since="2000-01-01T00:00:00+00:00")
    assert url("paper", world.paper.pk) in ids(synced)
    # Its consultations and files were deleted with it: listed only to synchronising clients.
    for name, pk in (("consultation", world.first.pk), ("file", world.main_file.pk)):
        address = f"{API}body/{world.body.pk}/{name}"
        assert url(name, pk) not in ids(walk(client, address))
        listed = walk(client, address, modified_since="2000-01-01T00:00:00+00:00")
        [stub] = [item for item in listed if item["id"] == url(name, pk)]
        assert stub["deleted"] is True


def test_deleted_embedded_objects_are_left_out(client, world):
    Consultation.objects.filter(pk=world.second.pk).update(deleted=True)
    Membership.objects.filter(pk=world.membership.pk).update(deleted=True)
    AgendaItem.objects.filter(pk=world.item.pk).update(deleted=True)
    File.objects.filter(pk=world.annex.pk).update(deleted=True)
    paper = get(client, url("paper", world.paper.pk))
    assert ids(paper["consultation"]) == [url("consultation", world.first.pk)]
    assert "auxiliaryFile" not in paper
    assert "membership" not in get(client, url("person", world.person.pk))
    assert "agendaItem" not in get(client, url("meeting", world.meeting.pk))
    assert "membership" not in get(client, url("organization", world.committee.pk))
    for kind, pk, extra in [
        ("consultation", world.second.pk, set()),
        ("membership", world.membership.pk, set()),
        ("agendaitem", world.item.pk, {"order"}),  # required by the schema
        ("file", world.annex.pk, {"accessUrl"}),  # required by the schema
    ]:
        data = get(client, url(kind, pk))
        assert data["deleted"] is True
        assert set(data) == {"id", "type", "created", "modified", "deleted"} | extra


# -- lists: paging and filters ----------------------------------------------------------------


@pytest.fixture
def many_papers(world):
    """45 more public papers, created one day apart (2024-01-01 ...)."""
    papers = Paper.objects.bulk_create(
        Paper(body=world.body, reference=f"{n:04d}/24", name=f"Vorlage {n}", paper_type="Antrag")
        for n in range(45)
    )
    for n, paper in enumerate(papers):
        moment = timezone.make_aware(dt.datetime(2024, 1, 1, 12)) + dt.timedelta(days=n)
        Paper.objects.filter(pk=paper.pk).update(created=moment, modified=moment)
    return papers


def test_paging_walks_every_paper_once_in_a_stable_order(client, world, many_papers):
    papers = f"{API}body/{world.body.pk}/paper"
    first = get(client, papers, limit=7)
    assert len(first["data"]) == 7
    assert first["pagination"]["elementsPerPage"] == 7
    assert first["links"]["first"] == first["links"]["self"]
    assert "limit=7" in first["links"]["next"]
    items = walk(client, papers, limit=7)
    expected = [url("paper", p.pk) for p in [world.paper, *many_papers]]
    assert ids(items) == sorted(expected, key=lambda u: int(u.rsplit("/", 1)[1]))
    assert len(set(ids(items))) == len(items)
    assert ids(walk(client, papers)) == ids(items)  # the default page size
    assert ids(walk(client, papers, limit=7)) == ids(items)  # same order again


def test_page_numbers_work_too(client, world, many_papers):
    papers = f"{API}body/{world.body.pk}/paper"
    cursor_order = ids(walk(client, papers, limit=10))
    page_two = get(client, papers, limit=10, page=2)
    assert ids(page_two["data"]) == cursor_order[10:20]
    assert page_two["pagination"]["currentPage"] == 2
    assert "page=1" in page_two["links"]["prev"] and "page=3" in page_two["links"]["next"]
    last = get(client, papers, limit=10, page=5)
    assert ids(last["data"]) == cursor_order[40:] and "next" not in last["links"]


def test_limit_is_capped(client, world, many_papers):
    page = get(client, f"{API}body/{world.body.pk}/paper", limit=5000)
    assert page["pagination"]["elementsPerPage"] == MAX_LIMIT
    assert len(page["data"]) == 46


def test_date_filters_select_and_stay_in_the_links(client, world, many_papers):
    papers = f"{API}body/{world.body.pk}/paper"
    params = {
        "created_since": "2024-01-11T12:00:00+01:00",
        "created_until": "2024-01-30T12:00:00+01:00",
        "limit": "4",
    }
    items = walk(client, papers, **params)
    # Both bounds are inclusive: the papers of 2024-01-11 and 2024-01-30 are in.
    assert ids(items) == [url("paper", p.pk) for p in many_papers[10:30]]
    page = get(client, papers, **params)
    for link in ("first", "self", "next"):
        query = parse_qs(urlsplit(page["links"][link]).query)
        assert query["created_since"] == ["2024-01-11T12:00:00+01:00"], link
        assert query["created_until"] == ["2024-01-30T12:00:00+01:00"], link
    modified = walk(client, papers, modified_until="2024-01-03T12:00:00+00:00")
    assert ids(modified) == [url("paper", p.pk) for p in many_papers[:3]]
    since = walk(client, papers, modified_since="2024-02-10T12:00:00+00:00")
    assert ids(since) == [url("paper", p.pk) for p in [world.paper, *many_papers[41:]]]


def test_an_unencoded_plus_in_a_date_is_understood(client, world, many_papers):
    papers = f"{API}body/{world.body.pk}/paper"
    encoded = get(client, papers, created_until="2024-01-03T13:00:00+01:00")
    raw = client.get(papers + "?created_until=2024-01-03T13:00:00+01:00")  # '+' reads as ' '
    assert raw.status_code == 200
    assert ids(raw.json()["data"]) == ids(encoded["data"])
    assert len(encoded["data"]) == 3


def test_omit_internal_leaves_out_embedded_lists(client, world):
    params = {"omit_internal": "true"}
    body = get(client, f"{API}body", **params)["data"][0]
    assert body["legislativeTerm"]  # mandatory, so it stays
    meeting = get(client, f"{API}body/{world.body.pk}/meeting", **params)["data"][0]
    assert "agendaItem" not in meeting and "auxiliaryFile" not in meeting
    person = get(client, f"{API}body/{world.body.pk}/person", **params)["data"][0]
    assert "membership" not in person
    paper = get(client, f"{API}body/{world.body.pk}/paper", **params)["data"][0]
    assert "auxiliaryFile" not in paper
    assert paper["mainFile"] and paper["consultation"]
    page = get(client, f"{API}body/{world.body.pk}/meeting", **params)
    assert "omit_internal=true" in page["links"]["self"]
    with_lists = get(client, f"{API}body/{world.body.pk}/meeting", omit_internal="false")
    assert with_lists["data"][0]["agendaItem"]


def test_every_list_carries_created_and_modified_on_every_object(client, world):
    for name in ("organization", "person", "meeting", "paper", "agendaitem", "consultation"):
        for item in walk(client, f"{API}body/{world.body.pk}/{name}"):
            assert {"created", "modified"} <= item.keys(), (name, item["id"])
            assert item["modified"].endswith(("+01:00", "+02:00"))


def test_query_count_of_a_paper_page_does_not_grow_with_its_size(client, world, many_papers):
    papers = f"{API}body/{world.body.pk}/paper"
    counts = []
    for limit in (2, 40):
        get(client, papers, limit=limit)  # compiles the queries once
        with CaptureQueriesContext(connection) as queries:
            get(client, papers, limit=limit)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 5


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"created_since": "yesterday"},
        {"modified_since": "2024-13-01T00:00:00+01:00"},
        {"created_until": "2024-01-01T25:00:00"},
        {"modified_until": ""},
        {"page": "-1"},
        {"page": "0"},
        {"page": "zwei"},
        {"after": "-5"},
        {"after": "x"},
        {"limit": "0"},
        {"limit": "viele"},
        {"omit_internal": "yes"},
        {"page": "2", "after": "10"},
    ],
)
def test_bad_parameters_get_a_json_error(client, world, params):
    error = get(client, f"{API}body/{world.body.pk}/paper", status=400, **params)
    assert error["type"] == ERROR
    assert error["message"] and error["debug"]


@pytest.mark.parametrize(
    "address",
    [
        "paper/999999",
        "consultation/999999",
        "body/999999",
        "body/999999/paper",
        "organization/999999/meeting",
        "no/such/thing",
        "paper/abc",
    ],
)
def test_unknown_addresses_get_a_json_404(client, world, address):
    error = get(client, API + address, status=404)
    assert error["type"] == ERROR
    assert error["message"] and error["debug"]


def test_prepared_queries_give_the_rows_of_the_orm(world, many_papers):
    def build(ids):
        return Paper.objects.filter(pk__in=ids).order_by("pk").values("id", "name", "created")

    prepared = Prepared(build, ids=Ids)
    for ids in ([world.paper.pk], [p.pk for p in many_papers[:20]], [p.pk for p in many_papers]):
        expected = list(build(ids))
        rows = prepared.rows(ids=ids)
        for row in rows:  # SQLite's driver gives naive UTC times, PostgreSQL's aware ones
            if timezone.is_naive(row["created"]):
                row["created"] = row["created"].replace(tzinfo=dt.UTC)
        assert rows == expected
    assert prepared.rows(ids=[]) == []
    longer = [p.pk for p in many_papers] + list(range(10**6, 10**6 + MAX_IDS))
    assert prepared.rows(ids=longer) == list(build(longer))  # the ORM answers those


def test_answers_are_compact_utf8_json_as_json_dumps_writes_it(client, world):
    """The fast encoder must not change a single byte against the standard library's."""
    data = get(client, url("paper", world.paper.pk))
    data["name"] = 'Anführung "x" \\ / <b> \u2028 \n \x00 \U0001f600'
    plain = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    assert http.encode(data) == plain


def test_the_api_is_read_only(client, world):
    response = client.post(url("paper", world.paper.pk), {})
    assert response.status_code == 405
    assert response.json()["type"] == ERROR
    assert response["Access-Control-Allow-Origin"] == "*"


# -- stored documents of the paper list ----------------------------------------------------------


def raw_pages(client, address: str, **params) -> list[bytes]:
    """The bytes of every page of a list, following links.next."""
    pages = []
    response = client.get(address, params)
    while True:
        assert response.status_code == 200, response.content[:500]
        pages.append(response.content)
        following = response.json()["links"].get("next")
        if not following:
            return pages
        response = client.get(following)


def fresh_pages(client, monkeypatch, address: str, **params) -> list[bytes]:
    """The same pages serialized the normal way, without documents."""
    with monkeypatch.context() as m:
        m.setattr(documents, "ENABLED", False)
        return raw_pages(client, address, **params)


def compact(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def test_paper_list_from_documents_gives_the_same_bytes(client, world, many_papers, monkeypatch):
    papers = f"{API}body/{world.body.pk}/paper"
    services.paper_delete(paper=many_papers[3])  # a deleted paper on a mixed page
    since = {"modified_since": "2000-01-01T00:00:00+00:00"}
    for params in ({"limit": 7}, {}, since, {"page": 2, "limit": 10}):
        expected = fresh_pages(client, monkeypatch, papers, **params)
        PaperDocument.objects.all().delete()
        rendered = raw_pages(client, papers, **params)  # renders and stores the documents
        stored = raw_pages(client, papers, **params)  # serves them
        assert rendered == expected == stored, params
        for page in stored:
            assert page == compact(json.loads(page))
            assert b"oparl.invalid" not in page
    raw_pages(client, papers)
    live = Paper.objects.filter(body=world.body, public=True, deleted=False)
    assert set(PaperDocument.objects.values_list("paper_id", flat=True)) == set(
        live.values_list("pk", flat=True)
    )
    # A served page reads the papers with their documents, in one query, and no parts.
    with CaptureQueriesContext(connection) as queries:
        get(client, papers)
    assert len(queries) == 1


def test_recorded_vote_shows_in_the_list_at_once(client, world, council_office_user):
    papers = f"{API}body/{world.body.pk}/paper"
    get(client, papers)
    stored = PaperDocument.objects.get(paper=world.paper)
    assert "teilhabe:vote" not in stored.body
    services.consultation_record_vote(
        consultation=world.first,
        as_proposed=True,
        votes_yes=10,
        votes_no=3,
        votes_abstention=1,
        result="ungeändert beschlossen",
        by=council_office_user,
    )
    [listed] = get(client, papers)["data"]
    assert listed["consultation"][0]["teilhabe:vote"]["yes"] == 10
    assert listed["modified"] == get(client, url("paper", world.paper.pk))["modified"]
    renewed = PaperDocument.objects.get(paper=world.paper)
    assert renewed.modified > stored.modified
    assert "teilhabe:vote" in renewed.body


def test_services_move_the_paper_when_what_it_shows_changes(client, world):
    papers = f"{API}body/{world.body.pk}/paper"
    get(client, papers)
    # An agenda item for the second consultation: the paper's consultation names it.
    item = services.agenda_item_create(
        meeting=world.meeting, order=3, number="3", name="Zweite Lesung", consultation=world.second
    )
    [listed] = get(client, papers)["data"]
    assert listed["consultation"][1]["agendaItem"] == url("agendaitem", item.pk)
    # A new amendment: the paper lists it as subordinated.
    amendment = services.paper_create(
        body=world.body,
        reference="3185-1 (V) HHA",
        name="Änderungsantrag",
        paper_type="Änderungsantrag",
        superordinated_paper=world.paper,
    )
    listed = {p["id"]: p for p in get(client, papers)["data"]}
    assert listed[url("paper", world.paper.pk)]["subordinatedPaper"] == [url("paper", amendment.pk)]
    # Deleting it: listed as deleted to synchronising clients, never from a document.
    services.paper_delete(paper=amendment)
    synced = {p["id"]: p for p in walk(client, papers, modified_since="2000-01-01T00:00:00Z")}
    assert synced[url("paper", amendment.pk)]["deleted"] is True


@override_settings(ALLOWED_HOSTS=["alpha.example", "beta.example"])
def test_a_document_is_served_with_the_requesting_site(client, world, monkeypatch):
    papers = f"/oparl/v1.1/body/{world.body.pk}/paper"
    first = client.get(papers, HTTP_HOST="alpha.example")
    assert PaperDocument.objects.filter(paper=world.paper).exists()
    assert b"http://alpha.example/oparl/v1.1/paper/" in first.content
    second = client.get(papers, HTTP_HOST="beta.example", secure=True)
    assert b"alpha.example" not in second.content
    assert b"oparl.invalid" not in second.content
    [paper] = second.json()["data"]
    assert paper["id"] == f"https://beta.example/oparl/v1.1/paper/{world.paper.pk}"
    assert paper["web"].startswith("https://beta.example/")
    with monkeypatch.context() as m:
        m.setattr(documents, "ENABLED", False)
        fresh = client.get(papers, HTTP_HOST="beta.example", secure=True)
    assert second.content == fresh.content


def test_non_public_and_deleted_papers_are_never_served_from_a_document(client, world):
    papers = f"{API}body/{world.body.pk}/paper"
    get(client, papers)
    assert not PaperDocument.objects.filter(paper=world.secret).exists()

    def plant(paper: Paper) -> None:
        """A current-looking document with a marker, as if one had been kept."""
        paper.refresh_from_db()
        PaperDocument.objects.update_or_create(
            paper=paper,
            defaults={"modified": paper.modified, "version": documents.version(), "body": "{}"},
        )
        PaperDocument.objects.filter(paper=paper).update(body='{"marker":"stored"}')

    # The check works: a current document of a public paper is what the list serves.
    plant(world.paper)
    assert get(client, papers)["data"] == [{"marker": "stored"}]
    # A non-public paper is not listed, document or not.
    plant(world.secret)
    since = {"modified_since": "2000-01-01T00:00:00+00:00"}
    for params in ({}, since):
        text = json.dumps(walk(client, papers, **params))
        assert url("paper", world.secret.pk) not in text
        assert text.count("stored") == 1  # only the public paper's
    # A deleted paper is served as deleted, even with a document claiming its time.
    services.paper_delete(paper=world.paper)
    plant(world.paper)
    [stub] = [
        p for p in walk(client, papers, **since) if p.get("id") == url("paper", world.paper.pk)
    ]
    assert stub["deleted"] is True
    assert "stored" not in json.dumps(walk(client, papers, **since))
