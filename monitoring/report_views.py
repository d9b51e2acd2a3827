"""Pages of the status report, for plan editors: request it, watch it being built, file it.

The report's page shows the build's progress. While the report is queued or being built,
htmx fetches the status fragment every 2 seconds and swaps it in (polling stops with the
fragment of a finished report); without JavaScript the page reloads itself every 3
seconds (a ``<meta http-equiv="refresh">`` inside ``<noscript>``, only while not
finished). A finished report offers its PDF and the form that files it as a council paper;
once filed, the page links to the paper, where the public reaches the PDF.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.forms import add_service_errors
from monitoring import figures
from monitoring import report_services as services
from monitoring.models import Report
from monitoring.report_forms import FileReportForm
from monitoring.views import editor_page
from plan import selectors as plan_selectors
from plan.models import Plan

POLL_SECONDS = 2  # htmx
REFRESH_SECONDS = 3  # without JavaScript


def _plan() -> Plan:
    plan = plan_selectors.default_plan()
    if plan is None:
        raise Http404
    return plan


def _report(pk: int) -> Report:
    return get_object_or_404(
        Report.objects.select_related(
            "plan__body", "version", "created_by", "paper", "version__adoption_paper"
        ),
        pk=pk,
    )


def _suggested_committee(report: Report) -> Any:
    """The committee the last filed report went to, else the first committee that prepared
    the adoption of the version reported on; None when neither is one of the body's."""
    available = services.committees(report.plan)
    earlier = (
        Report.objects.filter(plan=report.plan, paper__isnull=False)
        .exclude(pk=report.pk)
        .order_by("-created")
        .values_list("paper__consultations__organization", flat=True)
        .first()
    )
    if earlier is not None and available.filter(pk=earlier).exists():
        return earlier
    paper = report.version.adoption_paper
    if paper is not None:
        consulted = paper.consultations.filter(deleted=False, organization__in=available)
        return consulted.order_by("position").values_list("organization", flat=True).first()
    return None


def _form(report: Report, data: Any = None) -> FileReportForm:
    from council.references import next_reference

    return FileReportForm(
        data,
        committees=services.committees(report.plan),
        initial={
            "reference": next_reference(report.plan.body),
            "committee": _suggested_committee(report),
        },
    )


def _context(report: Report, form: FileReportForm | None = None) -> dict[str, Any]:
    if form is None and report.is_done and report.paper_id is None:
        form = _form(report)
    return {
        "plan": report.plan,
        "report": report,
        "form": form,
        "poll_seconds": POLL_SECONDS,
        "refresh_seconds": REFRESH_SECONDS,
    }


@editor_page
@require_safe
def report_list(request: HttpRequest) -> HttpResponse:
    """The plan's reports, newest first, and the button that requests a new one."""
    plan = _plan()
    reports = Report.objects.filter(plan=plan).select_related("version", "created_by", "paper")
    return render(
        request,
        "monitoring/report_list.html",
        {
            "plan": plan,
            "version": figures.in_force(plan),
            "reports": reports.order_by("-created", "-pk")[:50],
        },
    )


@editor_page
@require_POST
def report_request(request: HttpRequest) -> HttpResponse:
    plan = _plan()
    try:
        report = services.report_request(plan=plan, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("monitoring:report_list")
    messages.success(request, _("The report is queued; this page shows how it is getting on."))
    return redirect("monitoring:report_detail", pk=report.pk)


@editor_page
@require_safe
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(pk)
    return render(request, "monitoring/report_detail.html", _context(report))


@editor_page
@require_safe
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status part of the report's page, which htmx fetches while the report is built."""
    report = _report(pk)
    return render(request, "monitoring/_report_status.html", _context(report))


@editor_page
@require_safe
def report_pdf(request: HttpRequest, pk: int) -> FileResponse:
    report = _report(pk)
    if not report.is_done or not report.pdf:
        raise Http404
    return FileResponse(
        report.pdf.open("rb"),
        as_attachment=False,
        filename=services.pdf_file_name(report),
        content_type="application/pdf",
    )


@editor_page
@require_POST
def report_file(request: HttpRequest, pk: int) -> HttpResponse:
    """File the finished report as a Mitteilung for the committee chosen."""
    report = _report(pk)
    form = _form(report, request.POST)
    if form.is_valid():
        try:
            report = services.report_file(
                report=report,
                by=request.user,
                reference=form.cleaned_data["reference"],
                committee=form.cleaned_data["committee"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The report is filed as paper %(reference)s.")
                % {"reference": report.paper.reference if report.paper else ""},
            )
            return redirect("monitoring:report_detail", pk=report.pk)
    return render(request, "monitoring/report_detail.html", _context(report, form=form), status=400)
