"""Request tests of the public plan pages: versions, items, comparison, search, visibility."""

import csv
import datetime as dt
import io
import json
import re
import uuid
from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse

from core.models import Municipality
from core.roles import Role
from council import services as council_services
from plan import selectors, services
from plan.generate import WORDS, decided_paper, generate_plan
from plan.models import FieldOfAction, Goal, Indicator, Measure, PlanVersion


def items_of(version):
    """One item of each kind (and both kinds of goal) of a version."""
    return {
        "field": FieldOfAction.objects.filter(version=version).first(),
        "strategic": Goal.objects.filter(version=version, parent=None).first(),
        "operational": Goal.objects.filter(version=version, parent__isnull=False).first(),
        "measure": Measure.objects.filter(version=version).first(),
        "indicator": Indicator.objects.filter(version=version).first(),
    }


def version_urls(version):
    slug, number = version.plan.slug, version.number
    items = items_of(version)
    return [
        reverse("plan:version_detail", args=[slug, number]),
        reverse("plan:field_detail", args=[slug, number, items["field"].uid]),
        reverse("plan:goal_detail", args=[slug, number, items["strategic"].uid]),
        reverse("plan:goal_detail", args=[slug, number, items["operational"].uid]),
        reverse("plan:measure_detail", args=[slug, number, items["measure"].uid]),
        reverse("plan:indicator_list", args=[slug, number]),
        reverse("plan:indicator_detail", args=[slug, number, items["indicator"].uid]),
    ]


def html(response):
    return response.content.decode()


def start_draft(generated, editor):
    return services.version_start_draft(plan=generated.plan, by=editor, title="Fortschreibung")


@pytest.fixture
def draft(small_plan, plan_editor):
    return start_draft(small_plan, plan_editor)


# --- every page answers --------------------------------------------------------------


def test_every_page_of_the_version_in_force_answers_for_anonymous_visitors(small_plan, client):
    slug = small_plan.plan.slug
    urls = [
        reverse("plan:plan_detail", args=[slug]),
        reverse("plan:version_list", args=[slug]),
        reverse("plan:compare", args=[slug]),
        reverse("plan:search", args=[slug]),
        reverse("plan:search", args=[slug]) + "?q=Beratung",
        *version_urls(small_plan.version),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_plan_index_leads_straight_to_the_only_plan(small_plan, client):
    response = client.get(reverse("plan:plan_index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("plan:plan_detail", args=["klein"])


def test_plan_index_lists_the_plans_when_there_are_several(small_plan, demo, client):
    generate_plan(demo.body, measures=3, fields=1, slug="zweiter", seed=3)
    page = html(client.get(reverse("plan:plan_index")))
    assert reverse("plan:plan_detail", args=["klein"]) in page
    assert reverse("plan:plan_detail", args=["zweiter"]) in page


def test_plan_index_without_plans_says_so(db, client):
    response = client.get(reverse("plan:plan_index"))
    assert response.status_code == 200
    assert 'id="plans"' not in html(response)


def test_the_plan_is_the_first_entry_of_the_main_navigation(small_plan, client):
    page = html(client.get(reverse("council:paper_list")))
    first_link = re.search(
        r'<nav aria-label="[^"]*">\s*<ul[^>]*>\s*<li><a [^>]*href="([^"]+)"', page
    )
    assert first_link is not None
    first_link = first_link.group(1)
    assert first_link == reverse("plan:plan_index")


@pytest.mark.parametrize(
    "url_name, args",
    [
        ("plan_detail", ["unbekannt"]),
        ("version_list", ["unbekannt"]),
        ("compare", ["unbekannt"]),
        ("search", ["unbekannt"]),
        ("version_detail", ["klein", 99]),
        ("indicator_list", ["klein", 99]),
        ("field_detail", ["klein", 1, uuid.uuid4()]),
        ("goal_detail", ["klein", 1, uuid.uuid4()]),
        ("measure_detail", ["klein", 1, uuid.uuid4()]),
        ("indicator_detail", ["klein", 1, uuid.uuid4()]),
    ],
)
def test_unknown_plan_version_or_item_is_404(small_plan, client, url_name, args):
    assert client.get(reverse(f"plan:{url_name}", args=args)).status_code == 404


def test_an_item_of_another_version_is_not_found_under_this_version(small_plan, draft, client):
    added = services.item_save(item=FieldOfAction(version=draft, title="Nur im Entwurf"), by=None)
    url = reverse("plan:field_detail", args=["klein", 1, added.uid])
    assert client.get(url).status_code == 404


def test_compare_with_an_unknown_version_number_is_404(small_plan, client):
    url = reverse("plan:compare", args=["klein"])
    assert client.get(url, {"from": 1, "to": 7}).status_code == 404
    assert client.get(url, {"from": "eins"}).status_code == 404


def test_pages_answer_in_english(small_plan, client):
    client.cookies["django_language"] = "en"
    page = html(client.get(reverse("plan:plan_detail", args=["klein"])))
    assert '<html lang="en"' in page
    assert "Fields of action, goals and measures" in page
    assert "Version history" in page


# --- drafts are internal --------------------------------------------------------------


@pytest.mark.parametrize("role", [None, Role.PUBLIC, Role.APPLICANT])
def test_a_drafts_pages_are_404_for_the_public(draft, client, make_user, role):
    if role is not None:
        client.force_login(make_user(role))
    urls = version_urls(draft)
    urls.append(reverse("plan:compare", args=["klein"]) + f"?from=1&to={draft.number}")
    urls.append(reverse("plan:search", args=["klein"]) + f"?q=Beratung&fassung={draft.number}")
    for url in urls:
        assert client.get(url).status_code == 404, url
    versions = html(client.get(reverse("plan:version_list", args=["klein"])))
    assert "Fortschreibung" not in versions


def test_a_drafts_pages_answer_for_plan_editors(draft, client, plan_editor):
    client.force_login(plan_editor)
    for url in version_urls(draft):
        assert client.get(url).status_code == 200, url
    page = html(client.get(reverse("plan:version_detail", args=["klein", draft.number])))
    assert 'id="version-notice"' in page
    assert reverse("plan:version_detail", args=["klein", 1]) in page
    versions = html(client.get(reverse("plan:version_list", args=["klein"])))
    assert "Fortschreibung" in versions


def test_the_version_in_force_points_staff_to_the_open_draft(draft, client, plan_editor):
    url = reverse("plan:plan_detail", args=["klein"])
    assert 'id="open-version"' not in html(client.get(url))
    client.force_login(plan_editor)
    page = html(client.get(url))
    assert 'id="open-version"' in page
    assert reverse("plan:version_detail", args=["klein", draft.number]) in page


def test_a_draft_in_consultation_is_public(draft, client):
    services.version_submit_for_consultation(version=draft, by=None)
    for url in version_urls(draft):
        assert client.get(url).status_code == 200, url


def test_a_plan_without_a_version_in_force_says_so(demo, client, plan_editor):
    generated = generate_plan(demo.body, measures=4, fields=2, slug="neu", adopt=False)
    url = reverse("plan:plan_detail", args=["neu"])
    page = html(client.get(url))
    assert 'id="no-version"' in page
    draft_url = reverse("plan:version_detail", args=["neu", generated.version.number])
    assert draft_url not in page
    client.force_login(plan_editor)
    assert draft_url in html(client.get(url))


def test_a_superseded_version_says_so_and_links_the_version_in_force(
    small_plan, draft, client, demo
):
    services.version_adopt(version=draft, paper=decided_paper(demo.body, "2/klein BDs"), by=None)
    page = html(client.get(reverse("plan:version_detail", args=["klein", 1])))
    assert 'id="version-notice"' in page
    assert reverse("plan:version_detail", args=["klein", draft.number]) in page
    current = html(client.get(reverse("plan:plan_detail", args=["klein"])))
    assert 'id="version-notice"' not in current
    assert "Fortschreibung" in current


# --- what the pages show ---------------------------------------------------------------


def test_version_page_shows_adoption_and_progress_of_plan_fields_and_measures(small_plan, client):
    version = small_plan.version
    tree = selectors.plan_tree(version)
    client.cookies["django_language"] = "en"
    page = html(client.get(reverse("plan:plan_detail", args=["klein"])))
    assert reverse("council:paper_detail", args=[version.adoption_paper.pk]) in page
    assert version.adopted_on.strftime("%d.%m.%Y") in page
    assert f'<progress id="progress-version-1" max="100" value="{tree.progress}">' in page
    assert f"{tree.progress} %</span>" in page
    field = tree.fields[0]
    assert f'max="100" value="{field.progress}"' in page
    for measure in tree.measures:
        assert reverse("plan:measure_detail", args=["klein", 1, measure.uid]) in page
    assert page.count("<progress") >= len(tree.measures) + len(tree.fields) + 1
    assert "weighted" in page  # the generator gives some measures weight 2
    assert "/opendata/plan/current.json" in page and "/opendata/plan/current.csv" in page
    assert "Example data" in page


def test_progress_bars_have_an_accessible_name(small_plan, client):
    page = html(client.get(reverse("plan:plan_detail", args=["klein"])))
    ids = re.findall(r'<progress id="([^"]+)"', page)
    assert ids and len(ids) == len(set(ids))
    for progress_id in ids:
        assert f'for="{progress_id}"' in page


def test_field_page_shows_its_goals_and_measures(small_plan, client):
    field = FieldOfAction.objects.filter(version=small_plan.version).first()
    node = selectors.plan_tree(small_plan.version, field_uid=field.uid).fields[0]
    page = html(client.get(reverse("plan:field_detail", args=["klein", 1, field.uid])))
    assert field.title in page
    assert f'id="progress-field-{field.uid}" max="100" value="{node.progress}"' in page
    for goal_node in node.goals:
        assert goal_node.goal.title in page
    for measure in node.measures:
        assert measure.title in page
    other = FieldOfAction.objects.filter(version=small_plan.version).exclude(pk=field.pk).first()
    assert other.title not in page


def test_strategic_goal_page_counts_the_measures_of_its_operational_goals(small_plan, client):
    version = small_plan.version
    tree = selectors.plan_tree(version)
    node = next(n for f in tree.fields for n in f.goals if n.children and n.progress is not None)
    page = html(client.get(reverse("plan:goal_detail", args=["klein", 1, node.goal.uid])))
    assert f'id="progress-goal-{node.goal.uid}" max="100" value="{node.progress}"' in page
    for child in node.children:
        assert reverse("plan:goal_detail", args=["klein", 1, child.goal.uid]) in page
        for measure in child.measures:
            assert measure.title in page
    indicator = Indicator.objects.filter(version=version, goals__field=node.goal.field).first()
    assert indicator.name in html(
        client.get(reverse("plan:goal_detail", args=["klein", 1, indicator.goals.get().uid]))
    )


def test_operational_goal_page_links_its_strategic_goal(small_plan, client):
    goal = Goal.objects.filter(version=small_plan.version, parent__isnull=False).first()
    page = html(client.get(reverse("plan:goal_detail", args=["klein", 1, goal.uid])))
    assert reverse("plan:goal_detail", args=["klein", 1, goal.parent.uid]) in page


def test_measure_page_shows_every_attribute_and_the_status_reports(
    small_plan, draft, client, plan_editor, demo
):
    field = FieldOfAction.objects.filter(version=draft).first()
    goal = Goal.objects.filter(version=draft, field=field, parent__isnull=False).first()
    indicator = Indicator.objects.filter(version=draft).first()
    municipality = Municipality.objects.order_by("key").first()
    measure = services.item_save(
        item=Measure(
            version=draft,
            field=field,
            code="M 99",
            title="Sprachcafés in den Stadtteilen",
            description="Offene Treffen zum Deutschsprechen.",
            lead_unit=small_plan.lead_unit,
            start=dt.date(2025, 1, 1),
            end=dt.date(2026, 12, 31),
            funding_source=Measure.FundingSource.FUND,
        ),
        by=plan_editor,
        goals=[goal],
        indicators=[indicator],
        municipalities=[municipality],
        costs={2025: Decimal("12000"), 2026: Decimal("8000.50")},
        milestones=[(dt.date(2025, 3, 1), "Erstes Sprachcafé")],
    )
    services.status_report_create(
        measure=measure,
        by=None,
        date=dt.date(2025, 6, 1),
        status="running",
        progress=45,
        text="Drei Sprachcafés laufen.",
    )
    client.force_login(plan_editor)
    page = html(
        client.get(reverse("plan:measure_detail", args=["klein", draft.number, measure.uid]))
    )
    for text in [
        "M 99",
        "Sprachcafés in den Stadtteilen",
        "Offene Treffen zum Deutschsprechen.",
        small_plan.lead_unit.name,
        municipality.name,
        "01.01.2025",
        "31.12.2026",
        str(Measure.FundingSource.FUND.label),
        "Erstes Sprachcafé",
        "01.03.2025",
        goal.title,
        indicator.name,
        "Drei Sprachcafés laufen.",
        "01.06.2025",
        '<progress id="progress-measure-' + str(measure.uid) + '" max="100" value="45">',
        "45 %</span>",
    ]:
        assert text in page, text
    assert re.search(r'id="costs-total">20[.,]?000[.,]50<', page)
    assert "Gesamte Region" not in page and "The whole region" not in page
    assert reverse("plan:version_detail", args=["klein", draft.number]) in page


def test_a_measure_serving_no_municipality_serves_the_whole_region(small_plan, client):
    client.cookies["django_language"] = "en"
    measure = Measure.objects.filter(version=small_plan.version).first()
    page = html(client.get(reverse("plan:measure_detail", args=["klein", 1, measure.uid])))
    assert 'id="municipalities">The whole region<' in page


def test_measure_page_lists_the_versions_holding_the_measure(
    small_plan, draft, client, plan_editor
):
    measure = Measure.objects.filter(version=small_plan.version).first()
    url = reverse("plan:measure_detail", args=["klein", 1, measure.uid])
    draft_url = reverse("plan:measure_detail", args=["klein", draft.number, measure.uid])
    assert draft_url not in html(client.get(url))
    client.force_login(plan_editor)
    assert draft_url in html(client.get(url))


def test_only_members_of_the_lead_unit_are_offered_a_status_report(
    small_plan, client, make_user, demo
):
    measure = Measure.objects.filter(version=small_plan.version).first()
    try:
        report_url = reverse("plan_edit:status_report_create", args=["klein", 1, measure.uid])
    except NoReverseMatch:
        pytest.skip("the editors' pages are not there yet")
    url = reverse("plan:measure_detail", args=["klein", 1, measure.uid])
    assert report_url not in html(client.get(url))
    client.force_login(make_user(Role.PLAN_EDITOR))
    assert report_url not in html(client.get(url))
    member = make_user(Role.PLAN_EDITOR)
    person = council_services.person_create(body=demo.body, family_name="Fachbereich")
    council_services.membership_create(
        person=person, organization=small_plan.lead_unit, start_date=dt.date(2020, 1, 1)
    )
    council_services.person_link_user(person=person, user=member)
    client.force_login(member)
    assert report_url in html(client.get(url))


def test_indicator_pages_show_baseline_target_area_goals_and_measures(small_plan, client):
    indicator = Indicator.objects.filter(version=small_plan.version).first()
    listing = html(client.get(reverse("plan:indicator_list", args=["klein", 1])))
    assert indicator.name in listing
    client.cookies["django_language"] = "en"
    page = html(client.get(reverse("plan:indicator_detail", args=["klein", 1, indicator.uid])))
    baseline = f"{indicator.baseline_value:.0f} % ({indicator.baseline_year})"
    target = f"{indicator.target_value:.0f} % ({indicator.target_year})"
    assert f'id="baseline">{baseline}' in page
    assert f'id="target">{target}' in page
    assert 'id="area">The whole region<' in page
    assert indicator.goals.get().title in page


def test_version_history_lists_versions_with_comparison_links(small_plan, draft, client, demo):
    services.version_adopt(version=draft, paper=decided_paper(demo.body, "2/klein BDs"), by=None)
    page = html(client.get(reverse("plan:version_list", args=["klein"])))
    assert "Fortschreibung" in page and "Version 1" in page
    assert reverse("plan:compare", args=["klein"]) + "?from=1&amp;to=2" in page
    assert "2/klein BDs" in page


# --- comparison --------------------------------------------------------------------


@pytest.fixture
def edited_draft(small_plan, draft, plan_editor):
    """A draft with a goal renamed and a measure added (through the services)."""
    goal = Goal.objects.filter(version=draft, parent__isnull=False).first()
    old_title = goal.title
    goal.title = "Mehr Kinder lernen früh Deutsch"
    services.item_save(item=goal, by=plan_editor)
    field = FieldOfAction.objects.filter(version=draft).first()
    measure = services.item_save(
        item=Measure(
            version=draft,
            field=field,
            code="M 42",
            title="Lesepatenschaften",
            lead_unit=small_plan.lead_unit,
            funding_source=Measure.FundingSource.THIRD_PARTY,
        ),
        by=plan_editor,
        goals=[goal],
    )
    return draft, goal, old_title, measure


def test_compare_shows_added_and_changed_items(edited_draft, client, plan_editor):
    draft, goal, old_title, measure = edited_draft
    client.force_login(plan_editor)
    client.cookies["django_language"] = "en"
    page = html(client.get(reverse("plan:compare", args=["klein"])))  # defaults: 1 → draft
    counts = page[page.index('id="counts"') :]
    assert re.search(r"Added</dt><dd[^>]*>1<", counts.replace("\n", ""))
    assert re.search(r"Changed</dt><dd[^>]*>1<", counts.replace("\n", ""))
    added = page[page.index('id="measure-added"') :]
    assert "Lesepatenschaften" in added[: added.index("</ul>")]
    assert reverse("plan:measure_detail", args=["klein", draft.number, measure.uid]) in page
    changed = page[page.index('id="goal-changed"') :]
    assert f'<del class="th-diff__del"><span class="th-prewrap">{old_title}</span></del>' in changed
    assert '<ins class="th-diff__ins"><span class="th-prewrap">Mehr Kinder lernen früh Deutsch' in (
        changed
    )


def test_compare_explicit_versions_and_no_earlier_version(small_plan, client):
    url = reverse("plan:compare", args=["klein"])
    assert 'id="nothing-to-compare"' in html(client.get(url))
    page = html(client.get(url, {"from": 1, "to": 1}))
    assert 'id="no-changes"' in page


def test_compare_download_csv_has_one_row_per_change(edited_draft, client, plan_editor):
    draft, goal, old_title, measure = edited_draft
    client.force_login(plan_editor)
    url = reverse("plan:compare_download", args=["klein", "csv"])
    response = client.get(url, {"from": 1, "to": draft.number})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == [
        "kind",
        "uid",
        "label",
        "change",
        "attribute",
        "before",
        "after",
        "old_parent",
        "new_parent",
    ]
    by_change = {(r["kind"], r["change"], r["attribute"]): r for r in rows}
    title = by_change[("goal", "changed", "title")]
    assert (title["uid"], title["before"], title["after"]) == (
        str(goal.uid),
        old_title,
        goal.title,
    )
    added = by_change[("measure", "added", "")]
    assert added["uid"] == str(measure.uid)
    assert added["new_parent"] == str(measure.field)
    assert len(rows) == 2


def test_compare_download_json_names_references_by_label(edited_draft, client, plan_editor):
    draft, goal, old_title, measure = edited_draft
    other = Measure.objects.filter(version=draft).exclude(pk=measure.pk).first()
    services.item_save(item=other, by=plan_editor, goals=[goal])
    client.force_login(plan_editor)
    response = client.get(reverse("plan:compare_download", args=["klein", "json"]))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = json.loads(response.content)
    assert (document["from"], document["to"]) == (1, draft.number)
    goals = next(
        c for c in document["changes"] if c["uid"] == str(other.uid) and c["attribute"] == "goals"
    )
    assert f"{goal.code} {goal.title}" in goals["after"]
    assert isinstance(goals["before"], list)


def test_compare_downloads_of_a_draft_are_404_for_the_public(edited_draft, client):
    draft = edited_draft[0]
    for fmt in ("csv", "json"):
        url = reverse("plan:compare_download", args=["klein", fmt])
        assert client.get(url, {"from": 1, "to": draft.number}).status_code == 404


# --- search ------------------------------------------------------------------------


def results_of(page):
    return page[page.index('id="search-results"') :]


def test_search_finds_a_measure_by_a_stemmed_word(demo, client):
    generate_plan(demo.body, measures=30, fields=3, slug="suche")
    version = PlanVersion.objects.get(plan__slug="suche")
    word = "Sprachförderung"
    assert word in WORDS
    hits = [m for m in Measure.objects.filter(version=version) if word in m.title]
    assert hits
    url = reverse("plan:search", args=["suche"])
    page = html(client.get(url, {"q": "Sprachförderungen"}))
    for measure in hits:
        assert reverse("plan:measure_detail", args=["suche", 1, measure.uid]) in page


def test_search_is_per_version_and_pages_through_results(demo, client, plan_editor):
    generated = generate_plan(demo.body, measures=60, fields=3, slug="suche")
    draft = start_draft(generated, plan_editor)
    field = FieldOfAction.objects.filter(version=draft).first()
    filler = " ".join(["Begegnung"] * 80)
    services.item_save(
        item=Measure(
            version=draft,
            field=field,
            code="M 77",
            title="Zirkusprojekt",
            description=f"{filler} Kinder lernen in der Manege Jonglieren. {filler}",
            lead_unit=generated.lead_unit,
        ),
        by=plan_editor,
    )
    url = reverse("plan:search", args=["suche"])
    client.force_login(plan_editor)
    in_force = html(client.get(url, {"q": "Zirkusprojekt"}))
    assert "Zirkusprojekt</a>" not in results_of(in_force)
    in_draft = html(client.get(url, {"q": "Zirkusprojekt", "fassung": draft.number}))
    assert "M 77 Zirkusprojekt</a>" in results_of(in_draft)
    excerpt = html(client.get(url, {"q": "manege", "fassung": draft.number}))
    assert re.search(
        r"… (Begegnung )+Kinder lernen in der Manege Jonglieren\. (Begegnung )+", excerpt
    )
    page = html(client.get(url, {"q": "Maßnahme"}))
    assert 'rel="next"' in page
    assert "page=2" in page


def test_search_answers_htmx_with_the_results_only(small_plan, client):
    url = reverse("plan:search", args=["klein"])
    response = client.get(url, {"q": "Handlungsfeld"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in html(response)
    assert 'id="result-count"' in html(response)
