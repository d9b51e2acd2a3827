"""What visitors, the council office and committee members do on the council pages, in Chromium."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar
from playwright.sync_api import Locator, Page, expect

from core.roles import Role

from .conftest import login

SEED_REFERENCE = "3185 (V) HHA"
SEED_TITLE = "Haushaltsbegleitantrag - Integrationsplan aktualisieren und umsetzen"
SEED_CONSULTATIONS = [
    (
        "Ausschuss für Gleichstellung, Integration, Antidiskriminierung und Diversität",
        "19.11.2024",
        "Vorbereitung",
    ),
    (
        "Ausschuss für Organisation, Personal, Finanzen und Digitalisierung",
        "05.12.2024",
        "Vorbereitung (Federführung)",
    ),
    ("Regionsausschuss", "10.12.2024", "Vorbereitung"),
    ("Regionsversammlung", "17.12.2024", "Entscheidung"),
]
SEED_PROPOSAL = (
    "Hiermit beauftragen wir die Verwaltung der Region Hannover zu prüfen, wie der bestehende "
    "Integrationsplan aktualisiert und umgesetzt werden kann. Eventuell können dafür finanzielle "
    "Mittel aus dem Regionsfonds für Vielfalt und Teilhabe genutzt werden."
)
SEED_RATIONALE = (
    "Der Integrationsplan der Region Hannover entspricht nicht mehr den aktuellen "
    "gesellschaftlichen Gegebenheiten. Wir wollen sicherstellen, dass eine gelingende "
    "Integration von Bürger:innen mit Migrationshintergrund in der Region Hannover erfolgt. "
    "Die aktuellen Herausforderungen im Themenkomplex Integration benötigen neue Strategien "
    "und passende Maßnahmen, um eine gelingende und gesteuerte Integration sicherzustellen. "
    "Der Regionsfonds für Vielfalt und Teilhabe bietet den Rahmen für eine Finanzierung der "
    "Weiterentwicklung der Integrationsförderung.\n\n"
    "Das Vorbild ist die Landeshauptstadt Hannover, die ihren GFZ (Gesellschaftsfond für "
    "Zusammenleben) für die Aktualisierung und Umsetzung ihres Integrationsplanes erfolgreich "
    "umstrukturiert hat. Dieser weiter entwickelte Integrationsplan WIR2.0 ist bundesweit "
    "Vorbild für eine zeitgenössische und kommunal – zivilgesellschaftlich vernetzte "
    "Integrationszusammenarbeit."
)
BERLIN = ZoneInfo("Europe/Berlin")
NONPUBLIC_TITLE = "Anmietung von Räumen für die Koordinierungsstelle Migration und Teilhabe"
COMMITTEE_O = "Ausschuss für Organisation, Personal, Finanzen und Digitalisierung"
COMMITTEE_G = "Ausschuss für Gleichstellung, Integration, Antidiskriminierung und Diversität"


def squash(text: str) -> str:
    """Collapse runs of whitespace, as a reader sees the text."""
    return re.sub(r"\s+", " ", text).strip()


def texts(locator: Locator) -> list[str]:
    return [squash(t) for t in locator.all_inner_texts()]


def paper_path(paper: Any) -> str:
    return f"/drucksachen/{paper.pk}/"


def consultation_row(page: Page, body_name: str) -> Locator:
    return page.locator("#consultations tbody tr").filter(
        has=page.locator("th a", has_text=re.compile(rf"^{re.escape(body_name)}$"))
    )


def member_of(make_live_user, demo, committee_name: str):
    """A committee member whose council person sits in the named committee."""
    from council import services as council_services

    user = make_live_user(Role.COMMITTEE_MEMBER)
    person = council_services.person_create(
        body=demo.body, family_name=f"Mitglied {user.pk}", given_name="Browser"
    )
    council_services.membership_create(
        person=person,
        organization=demo.committees[committee_name],
        role="Mitglied",
        start_date=dt.date(2021, 11, 1),
    )
    council_services.person_link_user(person=person, user=user)
    return user


# 1 ------------------------------------------------------------------------------------


def test_visitor_reads_the_seed_paper_from_the_paper_list(page: Page, live_demo):
    base, demo = live_demo
    page.goto(f"{base}/drucksachen/")
    page.locator("#paper-results").get_by_role("link", name=SEED_TITLE, exact=True).click()
    expect(page).to_have_url(f"{base}{paper_path(demo.seed_paper)}")

    header = page.locator("article.th-paper > header")
    expect(page.locator("h1")).to_have_text(SEED_REFERENCE)
    expect(header.locator("p.kern-body").first).to_contain_text("Haushaltsantrag")
    expect(page.locator("#paper-title")).to_have_text(SEED_TITLE)
    # The originators are the two factions, by their short names, in the seed's order.
    originators = header.locator("p.kern-body").nth(1)
    expect(originators).to_contain_text(re.compile(r"\bSPD\W+\w+\W+Bündnis 90/DIE GRÜNEN"))
    expect(originators).to_contain_text("12. November 2024")
    expect(header.locator("dl dd")).to_have_text("14.11.2024")

    table = page.locator("#consultations")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(4)
    for index, (name, date, role) in enumerate(SEED_CONSULTATIONS):
        row = rows.nth(index)
        expect(row.locator("th a")).to_have_text(name)
        cells = row.locator("td")
        expect(cells.nth(0)).to_have_text(date)
        expect(cells.nth(1)).to_have_text(role)
        # Not yet voted: one cell spans the five vote columns, and no tick or count shows.
        expect(cells.nth(2)).to_have_attribute("colspan", "5")
        expect(cells).to_have_count(3)
        expect(row).not_to_contain_text("✓")
    # A visitor is offered no way to record a vote.
    expect(table.locator('a[href*="/abstimmung/"]')).to_have_count(0)

    budget_rows = page.locator("#budget tbody tr")
    expect(budget_rows).to_have_count(2)
    first = texts(budget_rows.nth(0).locator("td"))
    assert first == ["Nicht drin", "33 / Zuwanderung und Migration"]
    second = texts(budget_rows.nth(1).locator("td"))
    assert second[0] == "S.164 (Regionsfonds)"
    assert re.fullmatch(r"52 / Teilhabe \S+ 331111 Regionsfonds", second[1]), second

    expect(page.locator("#proposal-heading")).to_have_text("Beschlussvorschlag der Fraktion/Gruppe")
    assert page.locator("#resolution-proposal").text_content() == SEED_PROPOSAL
    assert page.locator("#rationale").text_content() == SEED_RATIONALE
    # No attachments: a short note instead of a list of files.
    expect(page.locator("#attachments")).to_be_visible()
    expect(page.locator('a[href*="/dateien/"]')).to_have_count(0)


def test_seed_paper_page_uses_the_seeds_german_wording(page: Page, live_demo):
    """The labels of the seed document, as the German catalogue has to render them."""
    base, demo = live_demo
    page.goto(f"{base}{paper_path(demo.seed_paper)}")
    expect(page.locator("html")).to_have_attribute("lang", "de")

    header = page.locator("article.th-paper > header")
    expect(header.locator("p.kern-body").first).to_have_text(
        re.compile(r"^\s*Haushaltsantrag\s+öffentlich\s*$"), use_inner_text=True
    )
    originators = header.locator("p.kern-body").nth(1)
    expect(originators).to_have_text(
        re.compile(
            r"^\s*Antrag der Fraktionen SPD und Bündnis 90/DIE GRÜNEN\s+vom 12\. November 2024\s*$"
        ),
        use_inner_text=True,
    )
    expect(header.locator("dl dt")).to_have_text("Datum")

    expect(page.locator("#consultations-heading")).to_have_text("Beratungsfolge")
    head = texts(page.locator("#consultations thead th"))
    # The first column names the body; the section heading above says "Beratungsfolge".
    assert head[1:4] == ["Geplante Sitzungstermine", "Zuständigkeit", "Abstimmung"], head
    assert head[4:] == ["Laut Vorschlag", "abweichend", "Ja", "Nein", "Enthaltung"], head

    for row in page.locator("#consultations tbody tr").all():
        expect(row.locator('td[colspan="5"]')).to_have_text("noch nicht abgestimmt")

    budget = page.locator("#budget")
    assert texts(budget.locator("thead th")) == [
        "Seite Entwurf (Produktdarstellung ab Seite XY ff.)",
        "Teilhaushalt Nr. / Bezeichnung",
    ]
    assert texts(budget.locator("tbody tr").nth(1).locator("td")) == [
        "S.164 (Regionsfonds)",
        "52 / Teilhabe Produkt 331111 Regionsfonds",
    ]
    expect(page.locator("#rationale-heading")).to_have_text("Sachverhalt")
    expect(page.locator("#attachments-heading")).to_have_text("Anlage/n")
    expect(page.locator("#attachments")).to_have_text("Keine")


# 2 ------------------------------------------------------------------------------------


def _vote_cells(row: Locator) -> list[str]:
    """The five vote cells of a consultation row, as text (ticks as ✓)."""
    cells = row.locator("td")
    return [squash(cells.nth(i).text_content() or "") for i in range(2, 7)]


def test_council_office_records_a_vote_that_everyone_then_sees(
    page: Page, new_context, live_demo, make_live_user
):
    from council.models import Consultation

    base, demo = live_demo
    clerk = make_live_user(Role.COUNCIL_OFFICE)
    login(page, base, clerk.email)
    page.goto(f"{base}{paper_path(demo.seed_paper)}")

    row = consultation_row(page, "Regionsversammlung")
    row.locator('a[href*="/abstimmung/"]').click()
    expect(page).to_have_url(re.compile(r"/abstimmung/$"))
    expect(page.locator("hgroup .kern-subline")).to_contain_text("Regionsversammlung")

    form = page.locator("main form")
    form.locator('input[name="outcome"][value="proposed"]').check()
    form.locator('input[name="votes_yes"]').fill("80")
    form.locator('input[name="votes_no"]').fill("3")
    form.locator('input[name="votes_abstention"]').fill("2")
    form.locator('input[name="result"]').fill("mehrheitlich beschlossen")
    form.locator('button[type="submit"]').click()

    expect(page).to_have_url(f"{base}{paper_path(demo.seed_paper)}")
    expect(page.locator('main [role="status"]')).to_contain_text("Regionsversammlung")
    row = consultation_row(page, "Regionsversammlung")
    assert _vote_cells(row)[1:] == ["", "80", "3", "2"]
    assert _vote_cells(row)[0].startswith("✓")
    expect(row.locator("th")).to_contain_text("mehrheitlich beschlossen")
    # The other bodies have not voted yet.
    for name, _date, _role in SEED_CONSULTATIONS[:3]:
        expect(consultation_row(page, name).locator('td[colspan="5"]')).to_have_count(1)

    consultation = Consultation.objects.get(
        paper=demo.seed_paper, organization=demo.committees["Regionsversammlung"]
    )
    assert consultation.as_proposed is True
    counts = (consultation.votes_yes, consultation.votes_no, consultation.votes_abstention)
    assert counts == (80, 3, 2)
    assert consultation.result == "mehrheitlich beschlossen"

    visitor = new_context().new_page()
    visitor.goto(f"{base}{paper_path(demo.seed_paper)}")
    public_row = consultation_row(visitor, "Regionsversammlung")
    assert _vote_cells(public_row)[1:] == ["", "80", "3", "2"]
    assert _vote_cells(public_row)[0].startswith("✓")
    expect(public_row.locator("th")).to_contain_text("mehrheitlich beschlossen")
    expect(visitor.locator('#consultations a[href*="/abstimmung/"]')).to_have_count(0)

    response = visitor.request.get(f"{base}/oparl/v1.1/paper/{demo.seed_paper.pk}")
    assert response.status == 200, f"OParl paper answered {response.status}"
    assert response.headers["content-type"].startswith("application/json")
    paper_json = response.json()
    council_id = f"/oparl/v1.1/organization/{demo.committees['Regionsversammlung'].pk}"
    consultations = paper_json.get("consultation", [])
    assert len(consultations) == 4, consultations
    decisive = [
        c
        for c in consultations
        if isinstance(c, dict)
        and any(str(org).rstrip("/").endswith(council_id) for org in c.get("organization", []))
    ]
    assert len(decisive) == 1, consultations
    assert decisive[0]["teilhabe:vote"] == {
        "asProposed": True,
        "yes": 80,
        "no": 3,
        "abstention": 2,
        "result": "mehrheitlich beschlossen",
    }, decisive[0]
    # The bodies that have not voted carry no vote.
    assert [c for c in consultations if "teilhabe:vote" in c] == decisive


# 3 ------------------------------------------------------------------------------------


def test_bad_vote_input_is_refused_and_nothing_is_saved(page: Page, live_demo, make_live_user):
    from council.models import Consultation

    base, demo = live_demo
    consultation = Consultation.objects.get(
        paper=demo.seed_paper, organization=demo.committees["Regionsversammlung"]
    )
    clerk = make_live_user(Role.COUNCIL_OFFICE)
    login(page, base, clerk.email)
    vote_url = f"{base}{paper_path(demo.seed_paper)}beratung/{consultation.pk}/abstimmung/"
    page.goto(vote_url)

    form = page.locator("main form")
    form.locator('input[name="outcome"][value="proposed"]').check()
    form.locator('input[name="votes_yes"]').fill("-5")
    form.locator('input[name="votes_no"]').fill("3")
    form.locator('input[name="result"]').fill("   ")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        form.locator('button[type="submit"]').click()
    assert posted.value.status == 400

    expect(page).to_have_url(vote_url)
    summary = page.locator('main [role="alert"]')
    expect(summary).to_be_visible()
    expect(summary.locator('a[href="#id_votes_yes"]')).to_have_count(1)
    expect(summary.locator('a[href="#id_result"]')).to_have_count(1)
    expect(page.locator("#id_votes_yes")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_result")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_votes_yes_error")).to_be_visible()
    expect(page.locator("#id_result_error")).to_be_visible()
    # The values typed stay in the form, so they can be corrected.
    expect(page.locator("#id_votes_yes")).to_have_value("-5")
    expect(page.locator("#id_votes_no")).to_have_value("3")

    # The error summary's link moves the focus to the field.
    summary.locator('a[href="#id_votes_yes"]').click()
    expect(page.locator("#id_votes_yes")).to_be_focused()

    consultation.refresh_from_db()
    assert consultation.as_proposed is None
    assert consultation.votes_yes is None and consultation.votes_no is None
    assert consultation.result == ""

    page.goto(f"{base}{paper_path(demo.seed_paper)}")
    expect(consultation_row(page, "Regionsversammlung").locator('td[colspan="5"]')).to_have_count(1)


def test_every_error_summary_link_leads_to_its_field(page: Page, live_demo, make_live_user):
    from council.models import Consultation

    base, demo = live_demo
    consultation = Consultation.objects.get(
        paper=demo.seed_paper, organization=demo.committees["Regionsversammlung"]
    )
    clerk = make_live_user(Role.COUNCIL_OFFICE)
    login(page, base, clerk.email)
    page.goto(f"{base}{paper_path(demo.seed_paper)}beratung/{consultation.pk}/abstimmung/")
    # Nothing chosen or typed: the outcome (radio buttons) and the result are missing.
    page.locator('main form button[type="submit"]').click()
    links = page.locator('main [role="alert"] a')
    expect(links).to_have_count(2)
    for link in links.all():
        target = link.get_attribute("href")
        assert target is not None and target.startswith("#")
        expect(page.locator(target), f"no element {target} for the summary link").to_have_count(1)
        link.click()
        focused = page.evaluate("document.activeElement.name || document.activeElement.id")
        assert focused in {"outcome", "result", target[1:]}, (target, focused)


# 4 ------------------------------------------------------------------------------------


def test_nonpublic_paper_is_shown_only_to_the_council_office_and_consulting_members(
    page: Page, new_context, live_demo, make_live_user
):
    base, demo = live_demo
    paper = demo.nonpublic_paper
    assert paper is not None and paper.name == NONPUBLIC_TITLE
    url = f"{base}{paper_path(paper)}"
    link = f'a[href="{paper_path(paper)}"]'

    response = page.goto(url)
    assert response is not None and response.status == 404
    expect(page.locator("h1")).not_to_have_text(paper.reference)
    expect(page.locator("main")).not_to_contain_text(NONPUBLIC_TITLE)

    page.goto(f"{base}/drucksachen/")
    expect(page.locator("#paper-results").get_by_role("link", name=SEED_TITLE)).to_be_visible()
    expect(page.locator(link)).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(paper.reference)

    page.goto(f"{base}/drucksachen/?q=Anmietung")
    expect(page.locator("#result-count")).to_contain_text("0")
    expect(page.locator(link)).to_have_count(0)

    page.goto(f"{base}/")
    expect(page.locator(link)).to_have_count(0)

    def opens(user) -> bool:
        reader = new_context().new_page()
        login(reader, base, user.email)
        answer = reader.goto(url)
        assert answer is not None
        if answer.status == 200:
            expect(reader.locator("h1")).to_have_text(paper.reference)
            expect(reader.locator("#paper-title")).to_have_text(NONPUBLIC_TITLE)
            reader.goto(f"{base}/drucksachen/?q=Anmietung")
            expect(reader.locator("#paper-results").locator(link)).to_have_count(1)
            return True
        assert answer.status == 404
        reader.goto(f"{base}/drucksachen/")
        expect(reader.locator(link)).to_have_count(0)
        return False

    assert opens(make_live_user(Role.COUNCIL_OFFICE))
    assert opens(member_of(make_live_user, demo, COMMITTEE_O))
    assert not opens(member_of(make_live_user, demo, COMMITTEE_G))


# 5 ------------------------------------------------------------------------------------


def test_search_with_german_stemming_updates_the_results_in_place(page: Page, live_demo):
    base, demo = live_demo
    page.goto(f"{base}/drucksachen/")
    expect(page.locator("#paper-results tbody tr")).to_have_count(2)
    # A full page load would drop this marker; htmx swapping the results keeps it.
    page.evaluate("window.stillTheSamePage = true")

    results = page.locator("#paper-results")
    seed_link = results.get_by_role("link", name=SEED_TITLE, exact=True)
    for word in ("Integrationspläne", "Umsetzung"):
        page.locator('input[name="q"]').fill(word)
        with page.expect_response(
            lambda r: "/drucksachen/" in r.url and r.request.headers.get("hx-request") == "true"
        ) as answered:
            page.locator('main form button[type="submit"]').click()
        assert answered.value.status == 200
        expect(results.locator("tbody tr")).to_have_count(1)
        expect(seed_link).to_be_visible()
        # htmx pushes the address after the swap settles: wait for it, do not race it.
        page.wait_for_function(
            "(word) => new URL(location.href).searchParams.get('q') === word", arg=word
        )
        assert parse_qs(urlsplit(page.url).query)["q"] == [word]
        assert page.evaluate("window.stillTheSamePage") is True

    page.locator('input[name="q"]').fill("Kindertagesstätte")
    page.locator('main form button[type="submit"]').click()
    expect(results.locator("#result-count")).to_contain_text("0")
    expect(results.locator("tbody tr")).to_have_count(0)
    expect(seed_link).to_have_count(0)
    assert page.evaluate("window.stillTheSamePage") is True


def test_search_works_without_javascript(new_context, live_demo):
    base, demo = live_demo
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"{base}/drucksachen/")
    page.locator('input[name="q"]').fill("Integrationspläne")
    with page.expect_navigation():
        page.locator('main form button[type="submit"]').click()
    assert parse_qs(urlsplit(page.url).query)["q"] == ["Integrationspläne"]
    expect(page.locator('input[name="q"]')).to_have_value("Integrationspläne")
    results = page.locator("#paper-results")
    expect(results.locator("tbody tr")).to_have_count(1)
    results.get_by_role("link", name=SEED_TITLE, exact=True).click()
    expect(page).to_have_url(f"{base}{paper_path(demo.seed_paper)}")


# 6 ------------------------------------------------------------------------------------


def test_language_switch_changes_to_english_and_back(page: Page, live_demo):
    base, demo = live_demo
    page.goto(f"{base}{paper_path(demo.seed_paper)}")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "de")

    page.get_by_role("button", name="English", exact=True).click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{base}{paper_path(demo.seed_paper)}")
    expect(page.locator("#consultations-heading")).to_have_text("Consultation sequence")
    expect(page.get_by_role("button", name="English", exact=True)).to_have_count(0)
    expect(page.locator("h1")).to_have_text(SEED_REFERENCE)

    # The choice holds on the next page.
    page.goto(f"{base}/sitzungen/")
    expect(html).to_have_attribute("lang", "en")

    page.get_by_role("button", name="Deutsch", exact=True).click()
    expect(html).to_have_attribute("lang", "de")
    expect(page).to_have_url(f"{base}/sitzungen/")
    expect(page.get_by_role("button", name="English", exact=True)).to_be_visible()


# 7 ------------------------------------------------------------------------------------


def test_meeting_calendar_agenda_and_icalendar(page: Page, live_demo):
    base, demo = live_demo
    page.goto(f"{base}/sitzungen/")
    meeting_links = page.locator('main a[href^="/sitzungen/"]')
    listed = " | ".join(texts(meeting_links))
    for _name, date, _role in SEED_CONSULTATIONS:
        assert date in listed, listed

    council = page.locator("main a", has_text=re.compile(r"17\.12\.2024.*der Regionsversammlung"))
    expect(council).to_have_count(1)
    council.click()
    expect(page.locator("h1")).to_have_text("Sitzung der Regionsversammlung")
    meeting_path = urlsplit(page.url).path
    expect(page.locator("main dl")).to_contain_text("17.12.2024")

    agenda = page.locator("#agenda-heading + .kern-table-responsive table tbody tr")
    expect(agenda).to_have_count(1)
    item = agenda.first
    expect(item.locator("td").first).to_have_text("1.")
    item_link = item.get_by_role("link")
    expect(item_link).to_have_text(f"{SEED_TITLE} ({SEED_REFERENCE})")
    expect(item_link).to_have_attribute("href", paper_path(demo.seed_paper))

    page.goto(f"{base}/sitzungen/")
    feed = page.locator('main a[href$=".ics"]')
    expect(feed).to_have_count(1)
    href = feed.get_attribute("href")
    assert href is not None
    answer = page.request.get(f"{base}{href}" if href.startswith("/") else href)
    assert answer.status == 200
    assert answer.headers["content-type"].split(";")[0] == "text/calendar"
    calendar = Calendar.from_ical(answer.body())
    events = {
        (str(event["summary"]), event.decoded("dtstart").astimezone(BERLIN).date())
        for event in calendar.walk("VEVENT")
    }
    assert len(events) == len(demo.meetings)
    for meeting in demo.meetings:
        local = meeting.start.astimezone(BERLIN)
        assert (meeting.name, local.date()) in events
    council_event = next(
        e for e in calendar.walk("VEVENT") if str(e["summary"]) == "Sitzung der Regionsversammlung"
    )
    assert council_event.decoded("dtstart") == dt.datetime(2024, 12, 17, 14, tzinfo=BERLIN)
    assert str(council_event["url"]).endswith(meeting_path)
