"""Request tests of the council pages, with permissions per role and bad input."""

import pytest
from django.urls import reverse

from core.roles import Role
from council.models import Consultation

FINANCE = "Ausschuss für Organisation, Personal, Finanzen und Digitalisierung"
EQUALITY = "Ausschuss für Gleichstellung, Integration, Antidiskriminierung und Diversität"


def public_urls(demo):
    meeting = demo.meetings[0]
    organization = demo.committees[EQUALITY]
    person = demo.body.persons.first()
    return [
        "/",
        reverse("council:paper_list"),
        reverse("council:paper_detail", args=[demo.seed_paper.pk]),
        reverse("council:meeting_list"),
        reverse("council:meeting_detail", args=[meeting.pk]),
        reverse("council:organization_list"),
        reverse("council:organization_detail", args=[organization.pk]),
        reverse("council:person_detail", args=[person.pk]),
        reverse("council:calendar_organization", args=[organization.pk]),
        "/calendar.ics",
        reverse("login"),
        reverse("password_reset"),
    ]


def test_every_public_page_answers(demo, client):
    for url in public_urls(demo):
        assert client.get(url).status_code == 200, url


def test_every_public_page_answers_in_english(demo, client):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("council:paper_detail", args=[demo.seed_paper.pk]))
    assert '<html lang="en"' in response.content.decode()


@pytest.mark.parametrize(
    "url_name", ["paper_detail", "meeting_detail", "organization_detail", "person_detail"]
)
def test_unknown_ids_are_404(db, client, url_name):
    assert client.get(reverse(f"council:{url_name}", args=[987654])).status_code == 404


def test_paper_page_is_laid_out_like_the_seed(demo, client):
    html = client.get(reverse("council:paper_detail", args=[demo.seed_paper.pk])).content.decode()
    for text in [
        "3185 (V) HHA",
        "Haushaltsantrag",
        "Haushaltsbegleitantrag - Integrationsplan aktualisieren und umsetzen",
        "SPD und Bündnis 90/DIE GRÜNEN",
        "12. November 2024",
        "14.11.2024",
        "Vorbereitung (Federführung)",
        "Entscheidung",
        "Nicht drin",
        "S.164 (Regionsfonds)",
        "33 / Zuwanderung und Migration",
        "52 / Teilhabe",
        "331111 Regionsfonds",
        "Beschlussvorschlag der Fraktion/Gruppe",
    ]:
        assert text in html, text
    assert html.count("noch nicht abgestimmt") == 4
    # Order of the Beratungsfolge as in the seed.
    positions = [
        html.index(name)
        for name in [EQUALITY, FINANCE, "Regionsausschuss</a>", "Regionsversammlung</a>"]
    ]
    assert positions == sorted(positions)


def test_paper_page_query_count_is_bounded(demo, client, django_assert_max_num_queries):
    url = reverse("council:paper_detail", args=[demo.seed_paper.pk])
    with django_assert_max_num_queries(12):
        client.get(url)


def test_paper_list_query_count_is_bounded(demo, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        client.get(reverse("council:paper_list"))


# --- non-public papers -------------------------------------------------------------


def nonpublic_urls(demo):
    paper = demo.nonpublic_paper
    consultation = paper.consultations.first()
    return [
        reverse("council:paper_detail", args=[paper.pk]),
        reverse("council:consultation_vote", args=[paper.pk, consultation.pk]),
    ]


@pytest.mark.parametrize(
    "role",
    [
        None,
        Role.PUBLIC,
        Role.APPLICANT,
        Role.PLAN_EDITOR,
        Role.FUND_OFFICER,
        Role.REVIEWER,
        Role.COMMITTEE_MEMBER,
        Role.MODERATOR,
    ],
)
def test_nonpublic_paper_is_404_for_everyone_without_access(demo, client, make_user, role):
    if role is not None:
        client.force_login(make_user(role))
    for url in nonpublic_urls(demo):
        assert client.get(url).status_code == 404, url
    listing = client.get(reverse("council:paper_list")).content.decode()
    assert demo.nonpublic_paper.reference not in listing
    search = client.get(reverse("council:paper_list"), {"q": "Anmietung"}).content.decode()
    assert demo.nonpublic_paper.reference not in search
    meeting = demo.nonpublic_paper.consultations.first().meeting
    agenda = client.get(reverse("council:meeting_detail", args=[meeting.pk])).content.decode()
    assert demo.nonpublic_paper.name not in agenda


@pytest.mark.parametrize("role", [Role.COUNCIL_OFFICE, Role.ADMIN])
def test_council_office_and_admins_see_nonpublic_papers(demo, client, make_user, role):
    client.force_login(make_user(role))
    url = reverse("council:paper_detail", args=[demo.nonpublic_paper.pk])
    assert client.get(url).status_code == 200
    search = client.get(reverse("council:paper_list"), {"q": "Anmietung"}).content.decode()
    assert demo.nonpublic_paper.reference in search


def test_members_of_a_consulting_body_see_the_nonpublic_paper(demo, client, member_of):
    client.force_login(member_of(FINANCE))
    assert (
        client.get(reverse("council:paper_detail", args=[demo.nonpublic_paper.pk])).status_code
        == 200
    )
    listing = client.get(reverse("council:paper_list")).content.decode()
    assert demo.nonpublic_paper.reference in listing


def test_members_of_another_body_do_not(demo, client, member_of):
    client.force_login(member_of(EQUALITY))
    assert (
        client.get(reverse("council:paper_detail", args=[demo.nonpublic_paper.pk])).status_code
        == 404
    )


def test_files_of_a_nonpublic_paper_are_404(demo, client, make_user, settings, tmp_path):
    from django.core.files.base import ContentFile

    from council.models import File

    settings.MEDIA_ROOT = tmp_path
    file = File(
        body=demo.body,
        name="Vertrag",
        file_name="vertrag.pdf",
        mime_type="application/pdf",
        paper=demo.nonpublic_paper,
    )
    file.content.save("vertrag.pdf", ContentFile(b"%PDF-1.4 secret"), save=True)
    url = reverse("council:file_download", args=[file.pk])
    download = reverse("council:file_attachment", args=[file.pk])
    assert client.get(url).status_code == 404
    assert client.get(download).status_code == 404
    client.force_login(make_user(Role.COUNCIL_OFFICE))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 secret"
    saved = client.get(download)
    assert saved["Content-Disposition"] == 'attachment; filename="vertrag.pdf"'
    assert b"".join(saved.streaming_content) == b"%PDF-1.4 secret"


# --- recording a vote ----------------------------------------------------------------


def vote_url(demo, body_name=None):
    consultation = Consultation.objects.get(
        paper=demo.seed_paper, organization__name=body_name or "Regionsversammlung"
    )
    return consultation, reverse(
        "council:consultation_vote", args=[demo.seed_paper.pk, consultation.pk]
    )


GOOD_VOTE = {
    "outcome": "proposed",
    "votes_yes": "80",
    "votes_no": "3",
    "votes_abstention": "2",
    "result": "mehrheitlich beschlossen",
}


def test_council_office_records_a_vote(demo, client, make_user):
    clerk = make_user(Role.COUNCIL_OFFICE)
    client.force_login(clerk)
    consultation, url = vote_url(demo)
    assert client.get(url).status_code == 200
    response = client.post(url, GOOD_VOTE)
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert (
        consultation.as_proposed,
        consultation.votes_yes,
        consultation.votes_no,
        consultation.votes_abstention,
        consultation.result,
    ) == (True, 80, 3, 2, "mehrheitlich beschlossen")
    assert consultation.history.first().history_user == clerk
    client.logout()
    html = client.get(reverse("council:paper_detail", args=[demo.seed_paper.pk])).content.decode()
    assert "mehrheitlich beschlossen" in html
    assert html.count("noch nicht abgestimmt") == 3


def test_anonymous_visitor_is_sent_to_login_for_the_vote_form(demo, client):
    _, url = vote_url(demo)
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize(
    "role",
    [
        Role.PUBLIC,
        Role.APPLICANT,
        Role.PLAN_EDITOR,
        Role.FUND_OFFICER,
        Role.REVIEWER,
        Role.COMMITTEE_MEMBER,
        Role.MODERATOR,
    ],
)
def test_other_roles_may_not_record_votes(demo, client, make_user, role):
    client.force_login(make_user(role))
    consultation, url = vote_url(demo)
    assert client.get(url).status_code == 403
    assert client.post(url, GOOD_VOTE).status_code == 403
    consultation.refresh_from_db()
    assert not consultation.is_voted


@pytest.mark.parametrize(
    "field, value",
    [
        ("votes_yes", "-1"),
        ("votes_no", "abc"),
        ("votes_abstention", "1.5"),
        ("votes_yes", "99999999"),
        ("outcome", "maybe"),
        ("outcome", ""),
        ("result", ""),
        ("result", "   "),
        ("result", "x" * 301),
    ],
)
def test_bad_vote_input_is_refused_with_a_message_and_nothing_saved(
    demo, client, make_user, field, value
):
    client.force_login(make_user(Role.COUNCIL_OFFICE))
    consultation, url = vote_url(demo)
    response = client.post(url, {**GOOD_VOTE, field: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert "kern-alert--danger" in html
    assert f'id="id_{field}_error"' in html or field == "outcome"
    consultation.refresh_from_db()
    assert not consultation.is_voted
    assert consultation.history.count() == 1


def test_vote_on_a_consultation_of_another_paper_is_404(demo, client, make_user):
    client.force_login(make_user(Role.COUNCIL_OFFICE))
    other = demo.nonpublic_paper.consultations.first()
    url = reverse("council:consultation_vote", args=[demo.seed_paper.pk, other.pk])
    assert client.get(url).status_code == 404


# --- filters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "gestern"},
        {"date_to": "2024-13-45"},
        {"paper_type": "Erfundener Typ"},
        {"organization": "abc"},
        {"organization": "999999"},
        {"status": "vielleicht"},
        {"date_from": "2025-01-01", "date_to": "2024-01-01"},
        {"q": "x" * 201},
    ],
)
def test_bad_filter_values_show_a_message_and_the_unfiltered_list(demo, client, params):
    response = client.get(reverse("council:paper_list"), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "kern-alert--danger" in html
    assert "3185 (V) HHA" in html


def test_filter_by_type_body_period_and_status(demo, client, make_user):
    url = reverse("council:paper_list")
    html = client.get(url, {"paper_type": "Informationsdrucksache"}).content.decode()
    assert "3185 (V) HHA" not in html and "0871 (V) IDs" in html
    equality = demo.committees[EQUALITY]
    html = client.get(url, {"organization": equality.pk}).content.decode()
    assert "3185 (V) HHA" in html
    html = client.get(url, {"date_from": "2024-11-01", "date_to": "2024-11-30"}).content.decode()
    assert "3185 (V) HHA" in html and "0871 (V) IDs" not in html
    assert "3185 (V) HHA" in client.get(url, {"status": "open"}).content.decode()
    assert "3185 (V) HHA" not in client.get(url, {"status": "decided"}).content.decode()


@pytest.mark.parametrize("page", ["0", "-3", "abc", "99999"])
def test_bad_page_numbers_fall_back_to_a_valid_page(demo, client, page):
    assert client.get(reverse("council:paper_list"), {"page": page}).status_code == 200


def test_htmx_request_gets_only_the_results(demo, client):
    response = client.get(
        reverse("council:paper_list"), {"q": "Integrationsplan"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "3185 (V) HHA" in html


@pytest.mark.parametrize("params", [{"year": "zwanzig"}, {"year": "1800"}, {"organization": "x"}])
def test_bad_meeting_filters_show_a_message(demo, client, params):
    response = client.get(reverse("council:meeting_list"), params)
    assert response.status_code == 200
    assert "kern-alert--danger" in response.content.decode()


def test_meeting_list_filters_by_body_and_year(demo, client):
    equality = demo.committees[EQUALITY]
    html = client.get(
        reverse("council:meeting_list"), {"organization": equality.pk, "year": 2024}
    ).content.decode()
    assert "19.11.2024" in html
    assert "17.12.2024" not in html


def test_organization_page_groups_members_by_faction(demo, client):
    html = client.get(
        reverse("council:organization_detail", args=[demo.committees[EQUALITY].pk])
    ).content.decode()
    assert "Fraktion SPD" in html and "Anna Beispiel" in html
    assert "3185 (V) HHA" in html


@pytest.mark.parametrize("page", ["meeting", "organization", "person"])
def test_detail_page_query_counts_are_bounded(demo, client, django_assert_max_num_queries, page):
    url = {
        "meeting": reverse("council:meeting_detail", args=[demo.meetings[-2].pk]),
        "organization": reverse("council:organization_detail", args=[demo.committees[FINANCE].pk]),
        "person": reverse("council:person_detail", args=[demo.body.persons.first().pk]),
    }[page]
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
