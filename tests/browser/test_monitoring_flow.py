"""Monitoring in Chromium: an editor imports indicator data; the public reads it.

Controls are found by id, name and address, so nothing depends on the UI's wording.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from core.roles import Role

from .conftest import login
from .test_accessibility import assert_no_violations

BAD = "Gebiet;Jahr;Wert;Status\nRegion Hannover;2026;7.010;vorläufig\nGarbsen;2026;4OO;vorläufig\n"
GOOD = BAD.replace("4OO", "400")


@pytest.fixture
def live_monitoring(live_plan_demo) -> tuple[str, Any]:
    import datetime as dt

    from fund.demo import load_fund_demo
    from monitoring.demo import load_monitoring_demo

    base, demo, plan_demo = live_plan_demo
    load_fund_demo(demo, plan_demo)
    load_monitoring_demo(plan_demo, today=dt.date(2026, 12, 2))
    return base, plan_demo


def test_an_editor_imports_a_table_with_a_bad_row_fixes_it_and_the_page_shows_it(
    page: Page, live_monitoring, make_live_user, tmp_path: Path
):
    from monitoring.models import Observation

    base, plan_demo = live_monitoring
    indicator = plan_demo.adopted.indicators.get(code="I 3")
    login(page, base, make_live_user(Role.PLAN_EDITOR).email)
    page.goto(f"{base}/monitoring/indikator/{indicator.uid}/")
    page.locator(f'a[href$="/monitoring/indikator/{indicator.uid}/import/"]').click()

    bad = tmp_path / "kurse.csv"
    bad.write_text(BAD, encoding="utf-8")
    page.locator('input[name="file"]').set_input_files(str(bad))
    page.locator('main form button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/monitoring/import/\d+/$"))
    problems = page.locator("#problems tbody tr")
    expect(problems).to_have_count(1)
    expect(problems.first).to_contain_text("3")
    expect(problems.first).to_contain_text("4OO")
    expect(page.locator('form[action$="/uebernehmen/"]')).to_have_count(0)
    assert_no_violations(page)

    page.locator(f'a[href$="/monitoring/indikator/{indicator.uid}/import/"]').first.click()
    good = tmp_path / "kurse-korrigiert.csv"
    good.write_text(GOOD, encoding="utf-8")
    page.locator('input[name="file"]').set_input_files(str(good))
    page.locator('main form button[type="submit"]').click()
    expect(page.locator("#added tbody tr")).to_have_count(2)
    assert not Observation.objects.filter(year=2026).exists()
    page.locator('form[action$="/uebernehmen/"] button[type="submit"]').click()
    expect(page).to_have_url(re.compile(rf"/monitoring/indikator/{indicator.uid}/import/$"))
    assert Observation.objects.filter(indicator_uid=indicator.uid, year=2026).count() == 2

    page.goto(f"{base}/monitoring/indikator/{indicator.uid}/")
    expect(page.locator("#assessment")).to_contain_text("2026")
    expect(page.locator("#trend svg").first).to_be_visible()
    table = page.locator("#trend details")
    table.locator("summary").click()
    expect(table).to_contain_text("2026")


@pytest.mark.parametrize(
    "path",
    ["/monitoring/", "/monitoring/nachverfolgung/", "/monitoring/teilnehmende/", "indicator"],
)
def test_public_monitoring_pages_have_no_axe_violations(page: Page, live_monitoring, path):
    base, plan_demo = live_monitoring
    if path == "indicator":
        path = f"/monitoring/indikator/{plan_demo.adopted.indicators.get(code='I 3').uid}/"
    page.goto(f"{base}{path}")
    page.locator("main").wait_for()
    if page.locator(".th-chart").count():
        expect(page.locator(".th-chart svg").first).to_be_visible()
    assert_no_violations(page)
