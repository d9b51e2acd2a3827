"""The demo reproduces the seed motion 3185 (V) HHA field by field."""

import datetime as dt
import re

import pytest
from django.conf import settings

from council.demo import load_demo
from council.models import Body, Consultation, Meeting, Organization, Paper

SEED_BODIES = [
    "Ausschuss für Gleichstellung, Integration, Antidiskriminierung und Diversität",
    "Ausschuss für Organisation, Personal, Finanzen und Digitalisierung",
    "Regionsausschuss",
    "Regionsversammlung",
]


def seed_text() -> str:
    path = settings.TEILHABE_REFERENCE_DIR.parent / "seed" / "000_9872ffba3eba8997.txt"
    return path.read_text(encoding="utf-8")


def section(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


def test_seed_paper_header(demo):
    paper = demo.seed_paper
    assert paper.reference == "3185 (V) HHA"
    assert paper.paper_type == "Haushaltsantrag"
    assert paper.public is True
    assert paper.name == "Haushaltsbegleitantrag - Integrationsplan aktualisieren und umsetzen"
    assert paper.submission_date == dt.date(2024, 11, 12)
    assert paper.date == dt.date(2024, 11, 14)
    assert paper.proposal_heading == "Beschlussvorschlag der Fraktion/Gruppe"
    assert [o.short_name for o in paper.originator_organizations.order_by("pk")] == [
        "SPD",
        "Bündnis 90/DIE GRÜNEN",
    ]
    assert not paper.is_example
    assert paper.files.count() == 0


def test_seed_paper_texts_equal_the_seed(demo):
    text = seed_text()
    proposal = [
        line
        for line in section(text, "### Beschlussvorschlag der Fraktion/Gruppe", "### Sachverhalt")
        .strip()
        .splitlines()
        if line.strip() and "\t" not in line
    ]
    assert demo.seed_paper.resolution_proposal == "\n".join(proposal)
    rationale = section(text, "### Sachverhalt", "**Anlage/n**").strip()
    assert demo.seed_paper.rationale == rationale
    assert "Keine" in text.split("**Anlage/n**", 1)[1]


def test_beratungsfolge_as_in_the_seed(demo):
    text = seed_text()
    rows = [
        line.split("\t")
        for line in section(text, "Beratungsfolge\t", "### Beschlussvorschlag").splitlines()
        if re.search(r"\t\d\d\.\d\d\.\d{4}\t", line)
    ]
    consultations = list(
        Consultation.objects.filter(paper=demo.seed_paper).select_related("organization")
    )
    assert [
        (c.organization.name, c.planned_date.strftime("%d.%m.%Y"), c.role) for c in consultations
    ] == [(r[0], r[1], r[2]) for r in rows]
    assert [c.leading for c in consultations] == [False, True, False, False]
    assert [c.authoritative for c in consultations] == [False, False, False, True]
    assert all(not c.is_voted for c in consultations)


def test_budget_references_as_in_the_seed(demo):
    refs = list(demo.seed_paper.budget_references.select_related("area", "product"))
    assert [
        (r.draft_page, r.area.number, r.area.name, r.product and (r.product.number, r.product.name))
        for r in refs
    ] == [
        ("Nicht drin", "33", "Zuwanderung und Migration", None),
        ("S.164 (Regionsfonds)", "52", "Teilhabe", ("331111", "Regionsfonds")),
    ]


def test_four_bodies_and_meetings_on_the_seed_dates(demo):
    names = set(Organization.objects.values_list("name", flat=True))
    assert set(SEED_BODIES) <= names
    for name, date in zip(
        SEED_BODIES,
        [dt.date(2024, 11, 19), dt.date(2024, 12, 5), dt.date(2024, 12, 10), dt.date(2024, 12, 17)],
        strict=True,
    ):
        meeting = Meeting.objects.get(organizations__name=name, start__date=date)
        assert meeting.agenda_items.filter(consultation__paper=demo.seed_paper).exists()


def test_invented_content_is_marked_as_example(demo):
    assert Paper.objects.filter(is_example=True).count() == Paper.objects.count() - 1
    assert all(p.is_example for p in demo.body.persons.all())


def test_loading_twice_changes_nothing(demo):
    counts = (Paper.objects.count(), Consultation.objects.count(), Body.objects.count())
    again = load_demo()
    assert not again.created
    assert again.seed_paper == demo.seed_paper
    assert (Paper.objects.count(), Consultation.objects.count(), Body.objects.count()) == counts


@pytest.mark.parametrize("model", [Paper, Consultation, Organization])
def test_demo_writes_leave_history(demo, model):
    obj = model.objects.first()
    assert obj.history.filter(history_type="+").exists()
