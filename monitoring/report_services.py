"""Writes of the status report: request it, build it in the background, file it with the council.

``report_request`` (plan editors) records a queued ``Report`` and, once that is committed,
puts the task ``build_report`` on the queue (django-tasks; the database backend, run by
``manage.py db_worker``). The task builds the PDF from live data (``monitoring.report``)
step by step; each step moves ``progress`` and ``step`` forward in a small transaction of
its own, so the report's page sees it while the build goes on. Any error ends the report
``failed`` with the message and no PDF. ``report_file`` files a finished report as a new
council paper, a Mitteilung taken note of by the committee chosen, with the PDF as its main
file. Every write is audited.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from core.audit import acting_user, audited_save
from council.models import Body, Organization, Paper
from monitoring import figures, policies
from monitoring import report as renderer
from monitoring.models import Report
from plan.models import Plan

logger = logging.getLogger(__name__)

PAPER_TYPE = "Mitteilung"
CONSULTATION_ROLE = "Kenntnisnahme"


class ReportError(ValidationError):
    """A report action that cannot be done; the message says why."""


def _refuse_unless_editor(by: Any) -> None:
    if not policies.can_import(by):  # plan editors (and administrators)
        raise PermissionDenied(_("Only plan editors build and file status reports."))


def paper_name(report: Report) -> str:
    """The council paper's title: "Sachstandsbericht Integrationsplan 2026"."""
    return f"{renderer.TITLE} {timezone.localtime(report.created).year}"


def pdf_file_name(report: Report) -> str:
    """The PDF's name for readers: "sachstandsbericht-integrationsplan-2026.pdf"."""
    return f"{paper_name(report).lower().replace(' ', '-')}.pdf"


def committees(plan: Plan) -> Any:
    """The committees of the plan's body that may take note of a report (not dissolved)."""
    from django.db.models import Q

    today = timezone.localdate()
    return Organization.objects.filter(
        body=plan.body_id, kind=Organization.Kind.COMMITTEE, deleted=False
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=today))


@transaction.atomic
def report_request(*, plan: Plan, by: Any) -> Report:
    """Queue a new report of the plan's version in force; the worker builds it."""
    _refuse_unless_editor(by)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    version = figures.in_force(plan)
    if version is None:
        raise ReportError(_("The plan has no version in force to report on."))
    busy = Report.objects.filter(plan=plan, state__in=[Report.State.QUEUED, Report.State.RUNNING])
    for stopped in busy.filter(state=Report.State.RUNNING).select_for_update(of=("self",)):
        if stopped.is_stale:
            _fail(stopped, error=_("The build stopped without finishing (its worker ended)."))
    waiting = busy.first()
    if waiting is not None:
        if waiting.is_stale:
            raise ReportError(
                _(
                    "A report of this plan has waited for the background worker for more "
                    "than %(minutes)s minutes. Is the worker running (manage.py db_worker)?"
                )
                % {"minutes": int(Report.STALE_AFTER.total_seconds() // 60)}
            )
        raise ReportError(_("A report of this plan is being built; wait until it is done."))
    report = Report(
        plan=plan,
        version=version,
        state=Report.State.QUEUED,
        step=Report.Step.QUEUED,
        progress=0,
        created_by=acting_user(by),
    )
    audited_save(report, by=by, reason=_("report requested"))
    transaction.on_commit(lambda: build_report.enqueue(report.pk))
    return report


class _Abandoned(Exception):
    """The report being built was marked failed meanwhile (its build was taken for stopped)."""


def _update(report_id: int, *, reason: str, **fields: Any) -> Report:
    """One small transaction: lock the report, change ``fields``, save with history.

    Raises ``_Abandoned`` if the report is no longer being built."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.state != Report.State.RUNNING:
            raise _Abandoned
        for name, value in fields.items():
            setattr(report, name, value)
        audited_save(report, by=None, reason=reason)
    return report


def _fail(report: Report, *, error: str) -> Report:
    """Mark a locked report as failed with ``error`` (inside the caller's transaction)."""
    report.state = Report.State.FAILED
    report.step = Report.Step.FAILED
    report.error = error[:2000]
    report.finished = timezone.now()
    audited_save(report, by=None, reason=_("build failed"))
    return report


def report_build(report_id: int) -> Report:
    """Build a queued report's PDF (what the task runs). Never raises for a failed build."""
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("plan", "version")
            .get(pk=report_id)
        )
        if report.state != Report.State.QUEUED:
            return report  # already built, failed, or taken by another worker
        report.state = Report.State.RUNNING
        report.step = Report.Step.STARTED
        report.progress = 5
        report.started = timezone.now()
        audited_save(report, by=None, reason=_("build started"))

    def progress(percent: int, step: str) -> None:
        _update(report_id, reason=_("build progress"), progress=percent, step=step)

    try:
        pdf = renderer.build(
            report.plan, report.version, today=timezone.localdate(), progress=progress
        )
        if not pdf.startswith(b"%PDF"):
            raise RuntimeError(_("The PDF renderer returned no PDF."))
        with transaction.atomic():
            report = Report.objects.select_for_update().get(pk=report_id)
            if report.state != Report.State.RUNNING:
                raise _Abandoned
            name = f"sachstandsbericht-{report.plan.slug}-{timezone.localdate():%Y-%m-%d}.pdf"
            report.pdf.save(name, ContentFile(pdf), save=False)
            report.size = len(pdf)
            report.sha256 = hashlib.sha256(pdf).hexdigest()
            report.state = Report.State.DONE
            report.step = Report.Step.SAVED
            report.progress = 100
            report.finished = timezone.now()
            audited_save(report, by=None, reason=_("build finished"))
        return report
    except _Abandoned:
        logger.warning("Status report %s was marked failed while it was built", report_id)
        return Report.objects.get(pk=report_id)
    except Exception as exc:
        logger.exception("Status report %s failed", report_id)
        message = str(exc) or type(exc).__name__
        with transaction.atomic():
            report = Report.objects.select_for_update().get(pk=report_id)
            if report.is_finished:
                return report
            return _fail(report, error=f"{type(exc).__name__}: {message}")


@task()
def build_report(report_id: int) -> str:
    """The background task: build the report; its state is the result."""
    return report_build(report_id).state


@transaction.atomic
def report_file(
    *, report: Report, by: Any, reference: str, committee: Organization | None
) -> Report:
    """File a finished report as a new Mitteilung for ``committee`` to take note of.

    The paper gets the reference given (refused if the body has a paper with it), the
    date of today, one consultation ("Kenntnisnahme" at the committee) and the report's
    PDF as its main file; it is public, like the figures it reports.
    """
    from council import references
    from council import services as council_services

    _refuse_unless_editor(by)
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("plan__body", "paper")
        .get(pk=report.pk)
    )
    if report.paper_id is not None:
        raise ReportError(
            _("This report is already filed as %(reference)s.")
            % {"reference": report.paper.reference if report.paper else ""}
        )
    if report.state != Report.State.DONE or not report.pdf:
        raise ReportError(_("Only a finished report can be filed."))
    # The body's row serialises filings, so two cannot take the same reference at once.
    body = Body.objects.select_for_update().get(pk=report.plan.body_id)
    reference = (reference or "").strip()
    errors: dict[str, str] = {}
    if not reference:
        errors["reference"] = _("Enter the paper's reference, e.g. %(example)s.") % {
            "example": references.next_reference(body)
        }
    elif references.is_taken(body, reference):
        errors["reference"] = _(
            "The reference %(reference)s is taken by another paper; %(free)s is free."
        ) % {"reference": reference, "free": references.next_reference(body)}
    if committee is None:
        errors["committee"] = _("Choose the committee that takes note of the report.")
    elif not committees(report.plan).filter(pk=committee.pk).exists():
        errors["committee"] = _("Choose one of the body's committees.")
    if errors:
        raise ReportError(errors)
    assert committee is not None
    with report.pdf.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != report.sha256:
        raise ReportError(_("The stored PDF does not match its checksum; build the report anew."))
    name = paper_name(report)
    paper: Paper = council_services.paper_create(
        body=body,
        reference=reference,
        name=name,
        paper_type=PAPER_TYPE,
        date=timezone.localdate(),
        is_example=report.plan.is_example,
        consultations=[
            council_services.ConsultationSpec(organization=committee, role=CONSULTATION_ROLE)
        ],
        by=by,
    )
    council_services.file_attach(
        paper=paper,
        name=name,
        file_name=pdf_file_name(report),
        content=content,
        mime_type="application/pdf",
        by=by,
        is_main_file=True,
    )
    report.paper = paper
    audited_save(report, by=by, reason=_("filed as paper %(reference)s") % {"reference": reference})
    return report
