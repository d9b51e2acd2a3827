"""Full-text search with German stemming, in SQLite's FTS5 or PostgreSQL's tsvector."""

import pytest
from django.contrib.auth.models import AnonymousUser

from council import search, selectors, services
from council.selectors import PaperFilter


def found(query, user=None):
    papers = selectors.paper_list(user=user or AnonymousUser(), filters=PaperFilter(query=query))
    return [p.reference for p in papers]


@pytest.mark.parametrize(
    "query",
    [
        "Integrationsplan",
        "integrationsplans",
        "Integrationspläne",
        "Umsetzung",
        "aktualisiert",
        "Maßnahme",
        "Regionsfonds Vielfalt",
        "3185",
        "Bürgerinnen",
    ],
)
def test_german_word_forms_find_the_seed_paper(demo, query):
    assert "3185 (V) HHA" in found(query)


def test_all_words_must_match(demo):
    assert found("Integrationsplan Kreisstraße") == []


@pytest.mark.parametrize("query", ["", "   ", "!!!", "*", '"', "OR", "NEAR(", "a' OR 1=1 --"])
def test_odd_queries_neither_fail_nor_leak(demo, query):
    result = found(query)
    assert demo.nonpublic_paper.reference not in result


def test_nonpublic_papers_are_not_found_by_the_public(demo, council_office_user):
    assert found("Anmietung") == []
    assert found("Anmietung", user=council_office_user) == [demo.nonpublic_paper.reference]


def test_deleted_papers_are_not_found(demo, council_office_user):
    services.paper_delete(paper=demo.seed_paper, by=council_office_user)
    assert "3185 (V) HHA" not in found("Integrationsplan")


def test_index_follows_a_changed_paper(demo):
    paper = demo.seed_paper
    paper.rationale = "Neue Begründung über Sprachkurse"
    paper.save()
    search.index_paper(paper)
    assert "3185 (V) HHA" in found("Sprachkursen")
    assert "3185 (V) HHA" not in found("Gesellschaftsfond")


def test_bulk_index_matches_single_index(demo):
    search.index_papers(type(demo.seed_paper).objects.all())
    assert found("Integrationspläne") == ["3185 (V) HHA"]


def test_best_match_comes_first(demo, council_office_user):
    services.paper_create(
        body=demo.body,
        reference="9999 (V) A",
        name="Sport",
        paper_type="Antrag",
        rationale="Ein Satz, der den Integrationsplan nur einmal nennt, sonst von Sport handelt.",
    )
    assert found("Integrationsplan")[0] == "3185 (V) HHA"
