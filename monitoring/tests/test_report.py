"""The status report: requested by a plan editor, built in the background, filed as a paper.

The build runs on django-tasks' immediate backend when the request's transaction commits
(``django_capture_on_commit_callbacks``), or on the database backend with the worker
running the task once. Most tests replace the renderer by a small PDF; the first one
builds the real report and reads it back with pdftotext.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from council.models import File, Organization, Paper
from monitoring import report_services as services
from monitoring.models import Report

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
GLEICHSTELLUNG = "Ausschuss für Gleichstellung, Integration, Antidiskriminierung und Diversität"


@pytest.fixture(autouse=True)
def setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE


@pytest.fixture
def editor(make_user):
    return make_user(Role.PLAN_EDITOR)


@pytest.fixture
def committee(site):
    return Organization.objects.get(name=GLEICHSTELLUNG)


@pytest.fixture
def quick_build(monkeypatch):
    """The renderer replaced by a one-page PDF, passing the same steps."""
    from fund.demo import example_pdf

    def build(plan, version, *, today, progress=None):
        for percent, step in ((10, Report.Step.FIGURES), (40, Report.Step.CHARTS)):
            progress(percent, step)
        progress(80, Report.Step.PDF)
        return example_pdf("Sachstandsbericht")

    monkeypatch.setattr("monitoring.report.build", build)


@pytest.fixture
def built(site, editor, django_capture_on_commit_callbacks):
    """Request a report and run its task (immediate backend) once the request commits."""

    def make() -> Report:
        with django_capture_on_commit_callbacks(execute=True):
            report = services.report_request(plan=site.plan, by=editor)
        report.refresh_from_db()
        return report

    return make


def pdf_text(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def german(value: Decimal) -> str:
    return f"{value:,.0f}".replace(",", ".")


def counts() -> tuple[int, int, int]:
    return Paper.objects.count(), File.objects.count(), Report.objects.count()


# --- the whole way: request, build, read, file, publish ------------------------------------


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_report_is_built_read_back_filed_and_published(
    client, site, editor, committee, django_capture_on_commit_callbacks
):
    from fund.selectors import funded_projects
    from monitoring.dashboard import indicator_rows
    from plan.selectors import plan_tree

    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monitoring:report_request"))
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:report_detail", args=[report.pk])

    assert report.state == Report.State.DONE and report.progress == 100
    assert report.error == "" and report.started and report.finished
    assert report.version == site.adopted and report.created_by == editor
    # Each step was its own committed save: the history holds every stage.
    stages = [h.progress for h in report.history.order_by("history_id")]
    assert stages == [0, 5, 10, 40, 80, 100]
    data = report.pdf.read()
    assert data.startswith(b"%PDF") and len(data) == report.size
    assert hashlib.sha256(data).hexdigest() == report.sha256

    # The report shows what the dashboard shows (both assemble monitoring.figures).
    from monitoring import figures

    dashboard = client.get(reverse("monitoring:dashboard")).context
    shown = figures.collect(site.adopted).context()
    for key in ("money_by_field", "money_by_municipality", "measures"):
        assert dashboard[key].table.rows == shown[key].table.rows
    assert dashboard["track_counts"] == shown["track_counts"]

    text = pdf_text(data)
    assert "Sachstandsbericht" in text and site.plan.name in text
    committed = sum((p.committed for p in funded_projects()), Decimal(0))
    assert german(committed) in text  # "197.800"
    tree = plan_tree(site.adopted)
    total = r"\s+".join(str(count) for _value, _label, count in tree.status_counts)
    assert re.search(rf"Summe\s+{total}\s+{len(tree.measures)}\s+{tree.progress} %", text)
    rows = {row.indicator.code: row for row in indicator_rows(site.adopted)}
    assert "6.807 Anzahl (2025)" in text  # I 3, the latest value
    assert f"{rows['I 1'].assessment.value.normalize()}".replace(".", ",") in text
    assert "Beispieldaten" in text  # the example data is marked

    # The page offers the PDF and the filing form with a free reference suggested.
    page = client.get(reverse("monitoring:report_detail", args=[report.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("monitoring:report_pdf", args=[report.pk]) in html
    assert 'hx-trigger="every' not in html and 'http-equiv="refresh"' not in html
    form = page.context["form"]
    suggested = form.initial["reference"]
    assert suggested == "3186 (V) IDs"
    assert form.initial["committee"] == committee.pk  # prepared the version's adoption
    download = client.get(reverse("monitoring:report_pdf", args=[report.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == data

    response = client.post(
        reverse("monitoring:report_file", args=[report.pk]),
        {"reference": suggested, "committee": committee.pk},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    paper = report.paper
    assert paper.reference == suggested and paper.paper_type == "Mitteilung"
    year = timezone.localtime(report.created).year
    assert paper.name == f"Sachstandsbericht Integrationsplan {year}"
    assert paper.body == site.plan.body and paper.public and paper.date == timezone.localdate()
    (consultation,) = paper.consultations.all()
    assert consultation.organization == committee and consultation.role == "Kenntnisnahme"
    (file,) = paper.files.all()
    assert file.is_main_file and file.mime_type == "application/pdf"
    assert file.size == len(data) and file.sha512 == hashlib.sha512(data).hexdigest()
    assert file.history.get().history_user == editor
    assert report.history.first().history_user == editor
    page = client.get(reverse("monitoring:report_detail", args=[report.pk]))
    assert reverse("council:paper_detail", args=[paper.pk]) in page.content.decode()
    assert page.context["form"] is None

    # Anyone reads the paper, its PDF and its OParl JSON.
    client.logout()
    paper_page = client.get(reverse("council:paper_detail", args=[paper.pk]))
    assert paper_page.status_code == 200
    file_url = reverse("council:file_download", args=[file.pk])
    assert file_url in paper_page.content.decode()
    assert f"Sachstandsbericht Integrationsplan {year}" in paper_page.content.decode()
    public = client.get(file_url)
    assert public.status_code == 200 and b"".join(public.streaming_content) == data

    oparl = client.get(reverse("oparl:paper", args=[paper.pk]))
    assert oparl.status_code == 200
    body = oparl.json()
    assert body["paperType"] == "Mitteilung" and body["reference"] == suggested
    main = body["mainFile"]
    assert main["accessUrl"] == f"http://testserver{file_url}"
    assert main["mimeType"] == "application/pdf" and main["size"] == len(data)
    assert main["sha512Checksum"] == file.sha512
    assert [c["role"] for c in body["consultation"]] == ["Kenntnisnahme"]
    listed = client.get(reverse("oparl:file", args=[file.pk])).json()
    assert listed["paper"] == [body["id"]]


def test_the_database_backend_queues_the_task_and_the_worker_runs_it(
    site, editor, settings, quick_build, django_capture_on_commit_callbacks
):
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(plan=site.plan, by=editor)
    report.refresh_from_db()
    assert report.state == Report.State.QUEUED and report.progress == 0
    (queued,) = DBTaskResult.objects.ready()
    assert queued.task_path == "monitoring.report_services.build_report"

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="test",
        excluded_queue_names=[],
    )
    queued.claim(worker.worker_id)
    worker.run_task(queued)
    queued.refresh_from_db()
    assert queued.task_result.return_value == "done"
    report.refresh_from_db()
    assert report.state == Report.State.DONE and report.progress == 100 and report.pdf


# --- a failing build -----------------------------------------------------------------------


def test_a_failing_build_ends_failed_with_the_message_and_no_pdf(
    client, site, editor, committee, built, monkeypatch
):
    def explode(content, drawings):
        raise RuntimeError("WeasyPrint ran out of paper")

    monkeypatch.setattr("monitoring.report.render_pdf", explode)
    report = built()
    assert report.state == Report.State.FAILED
    assert report.error == "RuntimeError: WeasyPrint ran out of paper"
    assert not report.pdf and report.size == 0 and report.sha256 == ""
    assert report.progress == 40 and report.step == Report.Step.FAILED and report.finished

    client.force_login(editor)
    page = client.get(reverse("monitoring:report_detail", args=[report.pk]))
    assert "WeasyPrint ran out of paper" in page.content.decode()
    assert page.context["form"] is None
    assert client.get(reverse("monitoring:report_pdf", args=[report.pk])).status_code == 404

    before = counts()
    response = client.post(
        reverse("monitoring:report_file", args=[report.pk]),
        {"reference": "3186 (V) IDs", "committee": committee.pk},
    )
    assert response.status_code == 400
    assert "Only a finished report can be filed." in response.content.decode()
    assert counts() == before
    with pytest.raises(services.ReportError, match="Only a finished report"):
        services.report_file(
            report=report, by=editor, reference="3186 (V) IDs", committee=committee
        )


# --- bad input when filing -----------------------------------------------------------------


def test_filing_twice_is_refused(client, site, editor, committee, built, quick_build):
    report = built()
    services.report_file(report=report, by=editor, reference="3186 (V) IDs", committee=committee)
    before = counts()
    client.force_login(editor)
    response = client.post(
        reverse("monitoring:report_file", args=[report.pk]),
        {"reference": "3187 (V) IDs", "committee": committee.pk},
    )
    assert response.status_code == 400
    assert "This report is already filed as 3186 (V) IDs." in response.content.decode()
    assert counts() == before
    with pytest.raises(services.ReportError, match="already filed"):
        services.report_file(
            report=report, by=editor, reference="3188 (V) IDs", committee=committee
        )
    assert counts() == before


def test_a_taken_reference_is_refused(client, site, editor, committee, built, quick_build):
    report = built()
    before = counts()
    client.force_login(editor)
    response = client.post(
        reverse("monitoring:report_file", args=[report.pk]),
        {"reference": "1318 (V) BDs", "committee": committee.pk},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "The reference 1318 (V) BDs is taken by another paper; 3186 (V) IDs is free." in text
    assert response.context["form"].errors["reference"]
    assert counts() == before
    report.refresh_from_db()
    assert report.paper is None


def test_no_committee_or_another_kind_of_body_is_refused(
    client, site, editor, committee, built, quick_build
):
    report = built()
    before = counts()
    client.force_login(editor)
    url = reverse("monitoring:report_file", args=[report.pk])
    response = client.post(url, {"reference": "3186 (V) IDs"})
    assert response.status_code == 400
    assert "Choose the committee that takes note of the report." in response.content.decode()
    council = Organization.objects.get(name="Regionsversammlung")
    response = client.post(url, {"reference": "3186 (V) IDs", "committee": council.pk})
    assert response.status_code == 400 and response.context["form"].errors["committee"]
    response = client.post(url, {"reference": " ", "committee": committee.pk})
    assert response.status_code == 400 and response.context["form"].errors["reference"]
    assert counts() == before

    with pytest.raises(services.ReportError) as caught:
        services.report_file(report=report, by=editor, reference="3186 (V) IDs", committee=None)
    assert caught.value.message_dict == {
        "committee": ["Choose the committee that takes note of the report."]
    }
    with pytest.raises(services.ReportError) as caught:
        services.report_file(report=report, by=editor, reference="3186 (V) IDs", committee=council)
    assert "committee" in caught.value.message_dict
    assert counts() == before


def test_a_second_request_waits_for_the_first(site, editor):
    services.report_request(plan=site.plan, by=editor)  # stays queued: nothing commits
    before = counts()
    with pytest.raises(services.ReportError, match="being built"):
        services.report_request(plan=site.plan, by=editor)
    assert counts() == before


def _age(report: Report, minutes: int) -> None:
    Report.objects.filter(pk=report.pk).update(
        updated=timezone.now() - dt.timedelta(minutes=minutes)
    )
    report.refresh_from_db()


def test_a_build_whose_worker_ended_is_marked_failed_by_the_next_request(
    client, site, editor, quick_build, django_capture_on_commit_callbacks
):
    stopped = services.report_request(plan=site.plan, by=editor)  # not run: nothing commits
    Report.objects.filter(pk=stopped.pk).update(state=Report.State.RUNNING, progress=40)
    _age(stopped, 9)
    assert not stopped.is_stale
    with pytest.raises(services.ReportError, match="being built"):
        services.report_request(plan=site.plan, by=editor)

    _age(stopped, 11)
    assert stopped.is_stale
    client.force_login(editor)
    page = client.get(reverse("monitoring:report_detail", args=[stopped.pk]))
    assert 'id="report-stale"' in page.content.decode()
    assert "made no progress" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        fresh = services.report_request(plan=site.plan, by=editor)
    stopped.refresh_from_db()
    assert stopped.state == Report.State.FAILED and stopped.step == Report.Step.FAILED
    assert "stopped without finishing" in stopped.error and stopped.finished
    assert stopped.history.first().history_change_reason == "build failed"
    fresh.refresh_from_db()
    assert fresh.state == Report.State.DONE


def test_a_build_taken_for_stopped_keeps_its_failure_when_the_worker_comes_back(
    site, editor, monkeypatch
):
    report = services.report_request(plan=site.plan, by=editor)

    def build(plan, version, *, today, progress=None):
        # Meanwhile the build was taken for stopped and marked failed by a new request.
        Report.objects.filter(pk=report.pk).update(
            state=Report.State.FAILED, error="The build stopped without finishing."
        )
        progress(40, Report.Step.CHARTS)
        raise AssertionError("the build goes on after it was abandoned")

    monkeypatch.setattr("monitoring.report.build", build)
    result = services.report_build(report.pk)
    assert result.state == Report.State.FAILED
    assert result.error == "The build stopped without finishing." and not result.pdf


def test_a_report_the_worker_never_took_up_says_so_and_blocks_with_a_hint(client, site, editor):
    waiting = services.report_request(plan=site.plan, by=editor)
    _age(waiting, 30)
    client.force_login(editor)
    text = client.get(reverse("monitoring:report_detail", args=[waiting.pk])).content.decode()
    assert "The background worker has not taken up this report." in text
    before = counts()
    with pytest.raises(services.ReportError, match="Is the worker running"):
        services.report_request(plan=site.plan, by=editor)
    assert counts() == before


def test_the_next_reference_follows_the_highest_number_of_the_newest_term(plan_demo):
    from council.references import is_taken, next_reference, roman_value

    body = plan_demo.plan.body
    assert next_reference(body) == "3186 (V) IDs"
    assert next_reference(body, "BDs") == "3186 (V) BDs"
    assert is_taken(body, "3185 (v) hha") and not is_taken(body, "3186 (V) IDs")
    assert [roman_value(n) for n in ("IV", "V", "IX", "XIV")] == [4, 5, 9, 14]


def test_file_attach_computes_size_and_checksum_and_touches_the_paper(plan_demo, editor):
    from django.core.exceptions import ValidationError

    from council.services import file_attach
    from fund.demo import example_pdf

    paper = plan_demo.pending_paper
    before = Paper.objects.get(pk=paper.pk).modified
    content = example_pdf("Anlage")
    file = file_attach(
        paper=paper,
        name="Anlage 1",
        file_name="../anlage-1.pdf",
        content=content,
        mime_type="application/pdf",
        by=editor,
    )
    assert file.size == len(content) and file.sha512 == hashlib.sha512(content).hexdigest()
    assert file.file_name == "anlage-1.pdf" and file.body_id == paper.body_id
    assert file.content.read() == content
    assert Paper.objects.get(pk=paper.pk).modified > before
    with pytest.raises(ValidationError, match="already has a main file"):
        for _ in range(2):
            file_attach(
                paper=paper,
                name="Vorlage",
                file_name="vorlage.pdf",
                content=content,
                mime_type="application/pdf",
                by=editor,
                is_main_file=True,
            )
    with pytest.raises(ValidationError, match="empty"):
        file_attach(
            paper=paper, name="Leer", file_name="leer.pdf", content=b"", mime_type="x", by=editor
        )


# --- who may ---------------------------------------------------------------------------------


def report_urls(report: Report) -> list[tuple[str, str]]:
    return [
        ("get", reverse("monitoring:report_list")),
        ("post", reverse("monitoring:report_request")),
        ("get", reverse("monitoring:report_detail", args=[report.pk])),
        ("get", reverse("monitoring:report_status", args=[report.pk])),
        ("get", reverse("monitoring:report_pdf", args=[report.pk])),
        ("post", reverse("monitoring:report_file", args=[report.pk])),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, site, editor, built, quick_build):
    report = built()
    for method, url in report_urls(report):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_other_roles_are_refused_everywhere(
    client, site, editor, committee, built, quick_build, make_user
):
    report = built()
    before = counts()
    data = {"reference": "3186 (V) IDs", "committee": committee.pk}
    for role in (Role.APPLICANT, Role.FUND_OFFICER, Role.REVIEWER, Role.COMMITTEE_MEMBER):
        user = make_user(role)
        client.force_login(user)
        for method, url in report_urls(report):
            response = getattr(client, method)(url, data if method == "post" else None)
            assert response.status_code == 403, (role, url)
        with pytest.raises(PermissionDenied):
            services.report_request(plan=site.plan, by=user)
        with pytest.raises(PermissionDenied):
            services.report_file(
                report=report, by=user, reference="3186 (V) IDs", committee=committee
            )
    assert counts() == before


# --- the pages -------------------------------------------------------------------------------


def test_the_list_offers_a_new_report_and_lists_the_old_ones(
    client, site, editor, built, quick_build
):
    report = built()
    client.force_login(editor)
    response = client.get(reverse("monitoring:report_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="report-create"' in html
    assert f'action="{reverse("monitoring:report_request")}"' in html
    assert reverse("monitoring:report_detail", args=[report.pk]) in html
    assert list(response.context["reports"]) == [report]


def test_a_report_being_built_polls_with_htmx_and_refreshes_without_javascript(
    client, site, editor
):
    report = services.report_request(plan=site.plan, by=editor)  # queued: nothing commits
    client.force_login(editor)
    status_url = reverse("monitoring:report_status", args=[report.pk])
    page = client.get(reverse("monitoring:report_detail", args=[report.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'hx-get="{status_url}"' in html and 'hx-trigger="every 2s"' in html
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert "Waiting for the background worker" in html

    fragment = client.get(status_url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    text = fragment.content.decode()
    assert "<html" not in text and 'id="report-status"' in text
    assert 'hx-trigger="every 2s"' in text and 'value="0"' in text

    Report.objects.filter(pk=report.pk).update(
        state=Report.State.RUNNING, progress=40, step=Report.Step.CHARTS
    )
    text = client.get(status_url, headers={"HX-Request": "true"}).content.decode()
    assert 'value="40"' in text and "Charts drawn; writing the PDF" in text
    assert 'hx-trigger="every 2s"' in text


def test_a_finished_report_stops_polling_and_shows_download_and_form(
    client, site, editor, committee, built, quick_build
):
    report = built()
    client.force_login(editor)
    fragment = client.get(
        reverse("monitoring:report_status", args=[report.pk]), headers={"HX-Request": "true"}
    )
    text = fragment.content.decode()
    assert "hx-trigger" not in text and "hx-get" not in text
    assert reverse("monitoring:report_pdf", args=[report.pk]) in text
    assert 'value="3186 (V) IDs"' in text
    assert f'<option value="{committee.pk}" selected>' in text
    council = Organization.objects.get(name="Regionsversammlung")
    assert f'<option value="{council.pk}"' not in text  # only the body's committees
    page = client.get(reverse("monitoring:report_detail", args=[report.pk]))
    assert "http-equiv" not in page.content.decode()


def test_requesting_without_a_version_in_force_says_why(client, site, editor):
    from plan.models import PlanVersion

    PlanVersion.objects.filter(pk=site.adopted.pk).update(status=PlanVersion.Status.SUPERSEDED)
    client.force_login(editor)
    response = client.post(reverse("monitoring:report_request"), follow=True)
    assert "The plan has no version in force to report on." in response.content.decode()
    assert not Report.objects.exists()
