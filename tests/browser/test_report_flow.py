"""The status report in Chromium: a plan editor has it built and files it; the public reads it.

A plan editor requests a "Sachstandsbericht Integrationsplan" at /monitoring/berichte/. Its
page shows it queued, then, while the background worker builds it, its progress (htmx
fetches the status), then finished with the PDF and the filing form; one action files it as
a Mitteilung for a committee. A visitor who is not signed in reads the paper, downloads its
PDF and finds both in the OParl API. Without JavaScript the page reloads itself instead.

The build takes the real way: django-tasks' database backend queues it and the test runs
the worker's loop (``manage.py db_worker --batch``) with the real renderer. The browser asks
for German (the contexts' locale is de-DE), so the texts are the German ones rendered.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import APIResponse, Page, expect

from core.roles import Role

from .conftest import login
from .test_accessibility import assert_no_violations

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
GLEICHSTELLUNG = "Ausschuss für Gleichstellung, Integration, Antidiskriminierung und Diversität"
REFERENCE = "3186 (V) IDs"  # the next free reference of the demo's body
FILE = "Als Mitteilung einreichen"  # the filing form's heading and its button


@pytest.fixture
def live_reports(live_plan_demo, settings, tmp_path) -> tuple[str, Any]:
    """The demo with fund and indicator data, the PDFs in a temporary folder, tasks queued in
    the database (whatever TASKS_BACKEND says)."""
    from fund.demo import load_fund_demo
    from monitoring.demo import load_monitoring_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = DATABASE_TASKS
    base, demo, plan_demo = live_plan_demo
    load_fund_demo(demo, plan_demo)
    load_monitoring_demo(plan_demo, today=dt.date(2026, 12, 2))
    return base, plan_demo


def run_worker() -> str:
    """Run every queued task, then stop: the loop of ``manage.py db_worker --batch``.

    Returns what the one task queued (the report's build) returned: the report's state.

    The command would also take over the process's signal handlers and set the task
    loggers' levels for the rest of the session, so its ``Worker`` runs on its own.
    """
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    (queued,) = DBTaskResult.objects.ready()
    assert queued.task_path == "monitoring.report_services.build_report"
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-test",
        excluded_queue_names=[],
    ).run()
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL, queued.traceback
    return queued.return_value


def check_after_step(monkeypatch, step: str, check: Callable[[], None]) -> list[Exception | None]:
    """Run ``check`` inside the build, right after ``step`` is saved, before it goes on.

    Returns the outcomes, filled in as the build passes the step: None if ``check`` passed,
    else what it raised (the build turns any error into a failed report, so the test raises
    it itself once the worker is done).
    """
    import monitoring.report as renderer

    real_build = renderer.build
    outcomes: list[Exception | None] = []

    def build(plan: Any, version: Any, *, today: dt.date, progress: Any = None) -> bytes:
        def reported(percent: int, name: str) -> None:
            progress(percent, name)
            if name == step:
                try:
                    check()
                except Exception as exc:
                    outcomes.append(exc)
                    raise
                outcomes.append(None)

        return real_build(plan, version, today=today, progress=reported)

    monkeypatch.setattr(renderer, "build", build)
    return outcomes


def fetch_pdf(page: Page, url: str) -> bytes:
    """Download with the page's cookies; the answer has to be a PDF."""
    response: APIResponse = page.request.get(url)
    assert response.status == 200, (url, response.status)
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF"), body[:20]
    return body


def fetch_json(page: Page, url: str, **params: str | float | bool) -> dict[str, Any]:
    response = page.request.get(url, params=params or None)
    assert response.status == 200, (url, response.status, response.text()[:500])
    return response.json()


def test_an_editor_has_the_report_built_files_it_and_the_public_reads_it(
    page: Page, new_context, live_reports, make_live_user, monkeypatch
):
    from django.utils import timezone

    from council.models import Organization
    from monitoring.models import Report

    base, _plan_demo = live_reports
    committee = Organization.objects.get(name=GLEICHSTELLUNG)
    editor = make_live_user(Role.PLAN_EDITOR, name="Petra Planerin")
    login(page, base, editor.email)
    page.goto(f"{base}/monitoring/berichte/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sachstandsberichte")
    expect(page.locator("#report-table")).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("button", name="Bericht erstellen").click()

    # Queued: the worker has not taken it yet.
    report = Report.objects.get()
    expect(page).to_have_url(f"{base}/monitoring/berichte/{report.pk}/")
    expect(page.get_by_role("status")).to_have_text(
        "Der Bericht ist in der Warteschlange; diese Seite zeigt, wie weit er ist."
    )
    expect(page.locator("main")).to_contain_text("angefordert von Petra Planerin")
    state, step = page.locator("#report-state"), page.locator("#report-step")
    bar = page.get_by_role("progressbar", name="Fortschritt des Berichts")
    expect(state).to_have_text("in der Warteschlange")
    expect(step).to_have_text("Wartet auf den Hintergrunddienst")
    expect(bar).to_have_attribute("value", "0")
    expect(page.get_by_role("link", name="Sachstandsbericht (PDF)")).to_have_count(0)
    expect(page.get_by_role("button", name=FILE)).to_have_count(0)
    page.evaluate("window.stillTheSamePage = true")

    # Being built: halfway through the build, the page (htmx polling) shows where it is.
    def halfway() -> None:
        expect(state).to_have_text("wird erstellt")
        expect(step).to_have_text("Diagramme gezeichnet; PDF wird geschrieben")
        expect(bar).to_have_attribute("value", "40")

    outcomes = check_after_step(monkeypatch, Report.Step.CHARTS, halfway)
    built = run_worker()
    assert outcomes, "the build never drew the charts"
    if outcomes[0] is not None:
        raise outcomes[0]
    assert built == Report.State.DONE

    # Built: the status part was swapped in place (no reload) and stopped polling.
    expect(state).to_have_text("abgeschlossen")
    expect(step).to_have_text("Fertig")
    expect(bar).to_have_attribute("value", "100")
    assert page.evaluate("window.stillTheSamePage") is True
    expect(page.locator("#report-status[hx-trigger]")).to_have_count(0)
    download = page.get_by_role("link", name="Sachstandsbericht (PDF)")
    pdf = fetch_pdf(page, f"{base}{download.get_attribute('href')}")

    # One action files it; the next free reference and the committee are suggested.
    form = page.get_by_role("region", name=FILE)
    expect(form.get_by_label("Aktenzeichen", exact=True)).to_have_value(REFERENCE)
    expect(form.get_by_label("Ausschuss", exact=True)).to_have_value(str(committee.pk))
    expect(form.get_by_label("Ausschuss", exact=True).locator("option:checked")).to_have_text(
        GLEICHSTELLUNG
    )
    assert_no_violations(page)
    with page.expect_navigation():
        form.get_by_role("button", name=FILE).click()

    expect(page).to_have_url(f"{base}/monitoring/berichte/{report.pk}/")
    expect(page.get_by_role("status")).to_have_text(
        f"Der Bericht ist als Drucksache {REFERENCE} eingereicht."
    )
    report.refresh_from_db()
    assert report.paper is not None
    title = f"Sachstandsbericht Integrationsplan {timezone.localtime(report.created).year}"
    filed = page.locator("#report-paper")
    expect(filed).to_have_text(f"Eingereicht als {REFERENCE} {title}")
    paper_link = filed.get_by_role("link", name=f"{REFERENCE} {title}", exact=True)
    paper_path = paper_link.get_attribute("href")
    assert paper_path == f"/drucksachen/{report.paper.pk}/"
    expect(page.get_by_role("region", name=FILE)).to_have_count(0)
    assert_no_violations(page)

    # The list shows the report finished and filed.
    page.locator("main").get_by_role("link", name="Sachstandsberichte", exact=True).click()
    expect(page).to_have_url(f"{base}/monitoring/berichte/")
    rows = page.locator("#report-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("abgeschlossen")
    expect(rows.first).to_contain_text("Petra Planerin")
    expect(rows.first.get_by_role("link", name=REFERENCE, exact=True)).to_have_attribute(
        "href", paper_path
    )

    # Anyone reads the paper: a visitor who has not signed in.
    visitor = new_context().new_page()
    response = visitor.goto(f"{base}{paper_path}")
    assert response is not None and response.status == 200
    expect(visitor.locator('header form[action$="/abmelden/"]')).to_have_count(0)
    paper = visitor.locator("main article")
    expect(paper.get_by_role("heading", level=1)).to_have_text(REFERENCE)
    expect(paper.get_by_role("heading", level=2, name=title, exact=True)).to_be_visible()
    expect(paper.locator("header")).to_contain_text("Mitteilung")
    expect(paper.locator("header")).to_contain_text("öffentlich")
    consultation = visitor.locator("#consultations tbody tr")
    expect(consultation).to_have_count(1)
    expect(consultation.get_by_role("link", name=GLEICHSTELLUNG, exact=True)).to_be_visible()
    expect(consultation).to_contain_text("Kenntnisnahme")
    file_link = visitor.get_by_role("region", name="Anlage/n").get_by_role(
        "link", name=title, exact=True
    )
    expect(file_link).to_have_count(1)
    file_path = file_link.get_attribute("href")
    assert file_path is not None and re.fullmatch(r"/dateien/\d+/", file_path)
    assert fetch_pdf(visitor, f"{base}{file_path}") == pdf
    assert_no_violations(visitor)

    # ... and finds it in the OParl API, with the PDF as its main file.
    oparl_path = visitor.get_by_role("link", name="Diese Drucksache als OParl-JSON").get_attribute(
        "href"
    )
    assert oparl_path == f"/oparl/v1.1/paper/{report.paper.pk}"
    oparl = fetch_json(visitor, f"{base}{oparl_path}")
    api = f"{base}/oparl/v1.1/"
    assert oparl["id"] == f"{base}{oparl_path}"
    assert (oparl["name"], oparl["reference"], oparl["paperType"]) == (
        title,
        REFERENCE,
        "Mitteilung",
    )
    assert oparl["web"] == f"{base}{paper_path}"
    assert report.paper.date is not None and oparl["date"] == report.paper.date.isoformat()
    assert [(c["organization"], c["role"]) for c in oparl["consultation"]] == [
        ([f"{api}organization/{committee.pk}"], "Kenntnisnahme")
    ]
    main = oparl["mainFile"]
    assert main["accessUrl"] == f"{base}{file_path}"
    assert (main["name"], main["mimeType"], main["size"]) == (title, "application/pdf", len(pdf))
    assert "auxiliaryFile" not in oparl
    assert fetch_json(visitor, main["id"])["paper"] == [oparl["id"]]
    new_papers = fetch_json(visitor, f"{oparl['body']}/paper", created_since=oparl["created"])
    assert oparl["id"] in [item["id"] for item in new_papers["data"]]


def test_the_report_is_built_and_filed_without_javascript(
    new_context, live_reports, make_live_user
):
    from monitoring.models import Report

    base, _plan_demo = live_reports
    page = new_context(java_script_enabled=False).new_page()
    login(page, base, make_live_user(Role.PLAN_EDITOR).email)
    page.goto(f"{base}/monitoring/berichte/")
    with page.expect_navigation():
        page.get_by_role("button", name="Bericht erstellen").click()
    state = page.locator("#report-state")
    expect(state).to_have_text("in der Warteschlange")
    # Without JavaScript the page reloads itself while the report is not finished.
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_attribute("content", "3")

    assert run_worker() == Report.State.DONE
    expect(state).to_have_text("abgeschlossen")
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(0)
    form = page.get_by_role("region", name=FILE)
    expect(form.get_by_label("Aktenzeichen", exact=True)).to_have_value(REFERENCE)
    with page.expect_navigation():
        form.get_by_role("button", name=FILE).click()

    expect(page.get_by_role("status")).to_have_text(
        f"Der Bericht ist als Drucksache {REFERENCE} eingereicht."
    )
    report = Report.objects.select_related("paper").get()
    assert report.paper is not None and report.paper.reference == REFERENCE
    with page.expect_navigation():
        page.locator("#report-paper").get_by_role("link").click()
    expect(page).to_have_url(f"{base}/drucksachen/{report.paper.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(REFERENCE)
    title = re.compile(r"^Sachstandsbericht Integrationsplan \d{4}$")
    expect(page.get_by_role("heading", level=2, name=title)).to_be_visible()
    expect(
        page.get_by_role("region", name="Anlage/n").get_by_role("link", name=title)
    ).to_have_count(1)
