"""The plan update in Chromium: draft, edit, compare, decision, adoption, public plan."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from core.roles import Role

from .conftest import login

PLAN = "/integrationsplan/region-hannover/"


@pytest.fixture
def plan_without_draft(live_plan_demo):
    """The demo with its Fortschreibung draft discarded, so an editor can start afresh."""
    from plan import services

    base, demo, plan_demo = live_plan_demo
    services.version_discard(version=plan_demo.draft, by=None)
    return base, demo, plan_demo


def _submit(page: Page, form_selector: str = "main form[method=post]") -> None:
    with page.expect_navigation():
        page.locator(form_selector).last.locator('button[type="submit"]').last.click()


def test_editor_updates_the_plan_and_the_council_adopts_it(
    plan_without_draft, new_context, make_live_user
):
    from council.models import Consultation, Organization
    from plan.models import Goal

    base, _demo, plan_demo = plan_without_draft
    goal = Goal.objects.filter(version=plan_demo.adopted, parent__isnull=False).first()
    field = goal.field
    unit = Organization.objects.get(name="Koordinierungsstelle Migration und Teilhabe")
    new_goal_title = "Sprachkitas in allen 21 Kommunen bis 2028 etablieren"
    new_measure_title = "Mehrsprachige Elternabende in Sprachkitas"

    # The editor starts a draft from the public plan page.
    editor = new_context().new_page()
    login(editor, base, make_live_user(Role.PLAN_EDITOR).email)
    editor.goto(f"{base}{PLAN}")
    editor.locator('main a[href$="/entwurf/neu/"]').click()
    _submit(editor)
    expect(editor).to_have_url(re.compile(r"/fassungen/\d+/bearbeiten/$"))
    draft_url = editor.url

    # Changes a goal in place (htmx swaps the form into the row and the row back).
    row = editor.locator(f"#row-{goal.uid}")
    row.locator("a[hx-get]").first.click()
    form = editor.locator(f'#row-{goal.uid} form:has(input[name="title"])')
    form.locator('input[name="title"]').fill(new_goal_title)
    form.locator('button[type="submit"]').click()
    expect(editor.locator(f"#row-{goal.uid}")).to_contain_text(new_goal_title)
    expect(editor.locator(f'#row-{goal.uid} input[name="title"]')).to_have_count(0)

    # Adds a measure to the goal's field.
    editor.locator(f'a[href*="/bearbeiten/measure/neu/?field={field.uid}"]').click()
    measure_form = editor.locator("main form[method=post]").last
    measure_form.locator('input[name="title"]').fill(new_measure_title)
    measure_form.locator('select[name="lead_unit"]').select_option(str(unit.pk))
    draft_goal = Goal.objects.get(version__status="draft", uid=goal.uid)
    measure_form.locator(f'input[name="goals"][value="{draft_goal.pk}"]').check()
    _submit(editor)
    expect(editor.locator("main")).to_contain_text(new_measure_title)

    # The comparison shows exactly that: one goal changed, one measure added.
    editor.locator('main a[href*="/vergleich/"]').first.click()
    counts = editor.locator("#counts dd")
    expect(counts).to_have_text(["1", "0", "0", "0", "1"])
    expect(editor.locator("#changes-goal")).to_contain_text(new_goal_title)
    expect(editor.locator("#changes-measure")).to_contain_text(new_measure_title)
    expect(editor.locator("#changes-field")).to_have_count(0)
    expect(editor.locator("#changes-indicator")).to_have_count(0)

    # Adopting before the council decided is refused, and nothing changes.
    paper = plan_demo.pending_paper
    editor.goto(draft_url.replace("/bearbeiten/", "/beschliessen/"))
    editor.locator('select[name="paper"]').select_option(str(paper.pk))
    _submit(editor)
    expect(editor.locator('main [role="alert"]')).to_be_visible()
    editor.goto(f"{base}{PLAN}")
    expect(editor.locator("main")).not_to_contain_text(new_goal_title)

    # The council office records the Regionsversammlung's decision on the paper.
    clerk = new_context().new_page()
    login(clerk, base, make_live_user(Role.COUNCIL_OFFICE).email)
    deciding = Consultation.objects.get(paper=paper, authoritative=True)
    clerk.goto(f"{base}/drucksachen/{paper.pk}/beratung/{deciding.pk}/abstimmung/")
    clerk.locator('input[name="outcome"][value="proposed"]').check()
    clerk.locator('input[name="votes_yes"]').fill("58")
    clerk.locator('input[name="votes_no"]').fill("21")
    clerk.locator('input[name="votes_abstention"]').fill("3")
    clerk.locator('input[name="result"]').fill("mehrheitlich beschlossen")
    _submit(clerk)
    expect(clerk.locator('main [role="status"]')).to_be_visible()

    # Now the editor adopts the draft.
    editor.goto(draft_url.replace("/bearbeiten/", "/beschliessen/"))
    editor.locator('select[name="paper"]').select_option(str(paper.pk))
    _submit(editor)
    expect(editor.locator('main [role="status"]')).to_be_visible()

    # The public sees the new version in force, with the changed goal and the new measure.
    visitor = new_context().new_page()
    visitor.goto(f"{base}{PLAN}")
    main = visitor.locator("main")
    expect(main).to_contain_text(new_goal_title)
    expect(main).to_contain_text(new_measure_title)
    expect(main.locator(f'a[href$="/drucksachen/{paper.pk}/"]').first).to_be_visible()
    visitor.goto(f"{base}{PLAN}fassungen/")
    expect(visitor.locator("main")).to_contain_text(plan_demo.adopted.title)


def test_lead_unit_reports_progress_and_the_public_sees_it(live_plan_demo, new_context):
    """The demo's coordination office writes a status report on one of its measures."""
    from council.demo import DEMO_PASSWORD
    from plan.models import Measure

    base, _demo, plan_demo = live_plan_demo
    measure = (
        Measure.objects.filter(
            version=plan_demo.adopted,
            lead_unit__name="Koordinierungsstelle Migration und Teilhabe",
        )
        .order_by("pk")
        .first()
    )
    page = new_context().new_page()
    login(page, base, "koordinierung@teilhabe.example", DEMO_PASSWORD)
    measure_url = f"{base}{PLAN}fassungen/{plan_demo.adopted.number}/massnahmen/{measure.uid}/"
    page.goto(measure_url)
    page.locator('main a[href$="/bericht/"]').click()
    form = page.locator("main form[method=post]").last
    form.locator('select[name="status"]').select_option("running")
    form.locator('input[name="progress"]').fill("150")
    form.locator('textarea[name="text"]').fill("Die Fortbildungsreihe hat begonnen.")
    _submit(page)
    expect(page.locator('main [role="alert"]').first).to_be_visible()
    form = page.locator("main form[method=post]").last
    form.locator('input[name="progress"]').fill("55")
    _submit(page)
    expect(page.locator('main [role="status"]')).to_be_visible()

    visitor = new_context().new_page()
    visitor.goto(measure_url)
    expect(visitor.locator("main")).to_contain_text("Die Fortbildungsreihe hat begonnen.")
    expect(visitor.locator("main")).to_contain_text("55 %")
