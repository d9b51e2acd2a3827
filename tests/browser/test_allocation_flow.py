"""The allocation in Chromium: a fund officer sets a quota, compares, saves, recommends.

Runs on the demo's special call in review (24 reviewed applications, 120,000 €).
Controls are found by name, id and address, so nothing depends on the UI's wording.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from core.roles import Role

from .conftest import login
from .test_accessibility import assert_no_violations


@pytest.fixture
def live_fund_demo(live_plan_demo) -> tuple[str, Any]:
    from fund.demo import load_fund_demo

    base, demo, plan_demo = live_plan_demo
    return base, load_fund_demo(demo, plan_demo)


def _field_share(run: Any, title: str) -> float:
    funded = {k for k, v in run.result["amounts"].items() if v > 0}
    return (
        sum(
            run.result["amounts"][a["id"]]
            for a in run.inputs["applications"]
            if a["id"] in funded and title in a["fields"]
        )
        / run.inputs["constraints"]["budget"]
    )


def _least_funded_field(call: Any) -> tuple[int, str]:
    """The index in the form and the title of the field of action the optimum funds least."""
    from fund import services

    inputs, result = services.allocation_solve(call, explanations=False)
    titles = sorted({f for a in inputs["applications"] for f in a["fields"]})
    money = {
        title: sum(
            result["amounts"][a["id"]] for a in inputs["applications"] if title in a["fields"]
        )
        for title in titles
    }
    index = min(range(len(titles)), key=lambda i: money[titles[i]])
    return index, titles[index]


def test_an_officer_sets_a_field_quota_compares_saves_and_recommends(
    page: Page, live_fund_demo, make_live_user
):
    from fund.models import AllocationRun, Application
    from fund.workflow import State

    base, fund_demo = live_fund_demo
    call = fund_demo.review_call
    login(page, base, make_live_user(Role.FUND_OFFICER).email)

    page.goto(f"{base}/foerderung/verwaltung/aufruf/{call.pk}/")
    page.locator(f'a[href$="/aufruf/{call.pk}/verteilung/"]').click()
    expect(page).to_have_url(re.compile(rf"/aufruf/{call.pk}/verteilung/$"))
    expect(page.locator("#comparison")).to_be_visible()
    expect(page.locator("#portfolio tbody tr")).to_have_count(24)
    assert_no_violations(page)

    # The field of action with the least money in the optimum gets a quota of 25 %.
    index, title = _least_funded_field(call)
    box = page.locator(f"#id_field_{index}_min")
    before = page.locator("#portfolio").inner_text()
    with page.expect_response(lambda r: "/verteilung/?" in r.url and r.status == 200):
        box.fill("25")
        box.press("Tab")
    expect(page).to_have_url(re.compile(rf"field_{index}_min=25"))
    expect(page.locator(f"#id_field_{index}_min")).to_have_value("25")
    expect(page.locator("#differences")).to_be_visible()
    assert page.locator("#portfolio").inner_text() != before
    assert_no_violations(page)

    page.locator('form[action$="/verteilung/speichern/"] button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/verteilung/\d+/$"))
    run = AllocationRun.objects.get(call=call)
    assert run.status == "optimal"
    assert run.options["field_shares"] == {title: [25.0, None]}
    assert _field_share(run, title) >= 0.25 - 1e-6
    expect(page.locator("#comparison")).to_be_visible()
    assert_no_violations(page)

    page.locator('form[action$="/empfehlen/"] button[type="submit"]').click()
    expect(page).to_have_url(re.compile(rf"/aufruf/{call.pk}/$"))
    funded = {int(k) for k, v in run.result["amounts"].items() if v > 0}
    states = dict(Application.objects.filter(call=call).values_list("pk", "state"))
    assert {pk for pk, state in states.items() if state == State.RECOMMENDED} == funded
    assert {pk for pk, state in states.items() if state == State.NOT_RECOMMENDED} == (
        set(states) - funded
    )


def test_the_allocation_works_without_javascript(new_context, live_fund_demo, make_live_user):
    from fund.models import AllocationRun

    base, fund_demo = live_fund_demo
    call = fund_demo.review_call
    page = new_context(java_script_enabled=False).new_page()
    login(page, base, make_live_user(Role.FUND_OFFICER).email)
    page.goto(f"{base}/foerderung/verwaltung/aufruf/{call.pk}/verteilung/")
    page.locator("#id_budget").fill("60000")
    page.locator("#id_organisation_max_projects").fill("1")
    with page.expect_navigation():
        page.locator("form[method=get] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"budget=60000"))
    with page.expect_navigation():
        page.locator('form[action$="/verteilung/speichern/"] button[type="submit"]').click()
    run = AllocationRun.objects.get(call=call)
    assert run.inputs["constraints"]["budget"] == 60000.0
    assert run.inputs["constraints"]["organisation_max_projects"] == 1
    funded = [a for a in run.inputs["applications"] if run.result["amounts"][a["id"]] > 0]
    organisations = [a["organisation"] for a in funded]
    assert len(organisations) == len(set(organisations))
