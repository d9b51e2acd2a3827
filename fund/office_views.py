"""The fund office's pages (Förderverwaltung): calls, applications, decisions, organisations.

Only fund officers open them. Every write goes through ``fund.services`` (or
``core.services`` for organisations); a refused write shows its reason with the form
again, and nothing is half-written because each service is one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import services as core_services
from core.forms import add_service_errors
from core.http import posted
from core.models import Organisation, OrganisationMembership
from council.models import Consultation
from fund import policies, selectors, services, workflow
from fund.models import (
    Application,
    Call,
    CostLine,
    DecisionPaper,
    Fund,
    Grant,
    PaymentRequest,
    ProofOfUse,
    Review,
    Score,
)
from fund.office_forms import (
    CallForm,
    CriteriaFormSet,
    CriterionFormSet,
    DecisionPaperForm,
    GrantForm,
    InquiryForm,
    ProofCheckForm,
    QuestionFormSet,
    QuestionsFormSet,
    ReviewerForm,
    StateFilterForm,
    StepForm,
)
from fund.workflow import Actor, State

# Officer steps that have a form of their own on the application page.
OWN_FORMS = ("issue_grant", "check_proof")
BOARD_DECIDES = (State.RECOMMENDED, State.NOT_RECOMMENDED)


# --- helpers -----------------------------------------------------------------------


def office_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of the fund office: anonymous users sign in, everyone but officers gets 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.is_officer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _reverse_or_none(name: str, *args: Any) -> str | None:
    """The address of a page another part of the project provides, if it exists yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _application_url(application: Application, anchor: str = "") -> str:
    url = reverse("fund_office:application_detail", args=[application.pk])
    return f"{url}#{anchor}" if anchor else url


def _application(pk: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("call__fund", "organisation"), pk=pk
    )


def _board_decides(application: Application) -> bool:
    """A small grant: the fund's board decides, a fund officer records the decision."""
    return services.is_small_grant(application) and application.state in BOARD_DECIDES


# --- dashboard ---------------------------------------------------------------------


def _state_counts() -> dict[int, dict[str, int]]:
    """Applications per call and state (one query)."""
    counts: dict[int, dict[str, int]] = {}
    rows = Application.objects.values("call_id", "state").annotate(n=Count("pk")).order_by()
    for row in rows:
        counts.setdefault(row["call_id"], {})[row["state"]] = row["n"]
    return counts


def _labelled(counts: dict[str, int]) -> list[tuple[str, Any, int]]:
    return [(value, label, counts[value]) for value, label in State.choices if value in counts]


@office_page
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    counts = _state_counts()
    calls = Call.objects.annotate(
        committed_sum=Sum(
            "applications__decided_amount",
            filter=Q(applications__state__in=workflow.COMMITTED),
        )
    ).order_by("-year", "title")
    by_fund: dict[int, list[Call]] = {}
    for call in calls:
        call.state_counts = _labelled(counts.get(call.pk, {}))  # type: ignore[attr-defined]
        by_fund.setdefault(call.fund_id, []).append(call)
    totals: dict[str, int] = {}
    for per_call in counts.values():
        for state, n in per_call.items():
            totals[state] = totals.get(state, 0) + n
    return render(
        request,
        "fund/office/dashboard.html",
        {
            "funds": [(fund, by_fund.get(fund.pk, [])) for fund in Fund.objects.all()],
            "budget_lines": selectors.budget_lines(),
            "unverified": Organisation.objects.filter(verified_at=None).count(),
            "to_check": totals.get(State.SUBMITTED, 0),
            "proofs_to_check": totals.get(State.PROOF_SUBMITTED, 0),
            "payments_to_decide": PaymentRequest.objects.filter(
                state=PaymentRequest.State.REQUESTED
            ).count(),
        },
    )


# --- calls -------------------------------------------------------------------------


@office_page
@require_http_methods(["GET", "POST"])
def call_create(request: HttpRequest) -> HttpResponse:
    data = posted(request)
    funds = list(Fund.objects.all()[:2])
    initial = {"fund": funds[0].pk} if len(funds) == 1 else {}
    form = CallForm(data, initial=initial)
    criteria = cast(CriterionFormSet, CriteriaFormSet(data, prefix="criteria"))
    questions = cast(QuestionFormSet, QuestionsFormSet(data, prefix="questions"))
    if request.method == "POST" and all(
        [form.is_valid(), criteria.is_valid(), questions.is_valid()]
    ):
        try:
            call = services.call_create(
                fund=form.cleaned_data["fund"],
                by=request.user,
                criteria=criteria.specs(),
                questions=questions.specs(),
                targets=form.targets(),
                **form.call_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The call “%(title)s” was created.") % {"title": call})
            return redirect("fund_office:call_detail", call.pk)
    return render(
        request,
        "fund/office/call_form.html",
        {"form": form, "criteria": criteria, "questions": questions},
    )


@office_page
@require_safe
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call.objects.select_related("fund"), pk=pk)
    counts = _state_counts_of(call)
    filter_form = StateFilterForm(request.GET or None, counts=counts)
    applications = call.applications.select_related("organisation").order_by("title", "pk")
    if filter_form.is_valid() and filter_form.cleaned_data["state"]:
        applications = applications.filter(state=filter_form.cleaned_data["state"])
    rows = list(applications)
    summaries = selectors.review_summaries(applications.values("pk"))
    committed = services.committed(call)
    return render(
        request,
        "fund/office/call_detail.html",
        {
            "call": call,
            "filter_form": filter_form,
            "rows": [(a, summaries.get(a.pk)) for a in rows],
            "state_counts": _labelled(counts),
            "committed": committed,
            "left": call.budget - committed,
            "requested": sum((a.requested_amount for a in rows), Decimal(0)),
            "paper_due": services.paper_candidates(call).exists(),
        },
    )


def _state_counts_of(call: Call) -> dict[str, int]:
    rows = call.applications.values("state").annotate(n=Count("pk")).order_by()
    return {row["state"]: row["n"] for row in rows}


# --- one application ---------------------------------------------------------------


@dataclass(frozen=True)
class CriterionScores:
    """The submitted scores of one criterion, with their mean."""

    criterion: Any
    mean: Decimal
    scores: list[Score]


def _criterion_scores(application: Application) -> list[CriterionScores]:
    scores = (
        Score.objects.filter(review__application=application, review__state=Review.State.SUBMITTED)
        .select_related("criterion", "review__reviewer")
        .order_by("criterion__position", "criterion_id", "review_id")
    )
    grouped: dict[int, list[Score]] = {}
    for score in scores:
        grouped.setdefault(score.criterion_id, []).append(score)
    return [
        CriterionScores(
            criterion=items[0].criterion,
            mean=(Decimal(sum(s.value for s in items)) / len(items)).quantize(Decimal("0.1")),
            scores=items,
        )
        for items in grouped.values()
    ]


def _step_forms(application: Application, actor: Actor, bound: Any) -> list[StepForm]:
    steps = [t for t in workflow.available(application.state, actor) if t.name not in OWN_FORMS]
    return [
        bound if bound is not None and bound.transition == t else StepForm(transition=t)
        for t in steps
    ]


def _proof_context(grant: Grant | None, application: Application) -> dict[str, Any]:
    """The proof of use: actual against planned figures per cost category, and the reach."""
    proof = ProofOfUse.objects.filter(grant=grant).first() if grant else None
    if proof is None:
        return {"proof": None}
    planned: dict[str, Decimal] = {}
    for line in application.costs.all():
        planned[line.category] = planned.get(line.category, Decimal(0)) + line.amount
    actual = {a.category: a.amount for a in proof.actuals.all()}
    lines = [
        (label, planned.get(value), actual.get(value))
        for value, label in CostLine.Category.choices
        if value in planned or value in actual
    ]
    reach = list(
        proof.reach.select_related("municipality").order_by("municipality__name", "target_group")
    )
    return {
        "proof": proof,
        "proof_lines": lines,
        "planned_total": sum(planned.values(), Decimal(0)),
        "actual_total": sum(actual.values(), Decimal(0)),
        "reach": reach,
        "reach_total": sum(r.participants for r in reach),
    }


def _application_page(request: HttpRequest, application: Application, **bound: Any) -> HttpResponse:
    """The application's page; ``bound`` holds a submitted form to show with its errors."""
    call = application.call
    grant = Grant.objects.filter(application=application).first()
    reviewable = application.state in services.REVIEWABLE
    decided = application.state in (State.APPROVED, State.PARTLY_APPROVED) and grant is None
    reviews = list(application.reviews.select_related("reviewer").order_by("pk"))
    context = {
        "application": application,
        "call": call,
        "revision": application.revisions.order_by("-number").first(),
        "answers": application.answers.select_related("question").order_by(
            "question__position", "question_id"
        ),
        "attachments": application.attachments.all(),
        "officer_steps": _step_forms(application, Actor.OFFICER, bound.get("step")),
        "board_steps": _step_forms(application, Actor.DECISION, bound.get("step"))
        if _board_decides(application)
        else [],
        "awaits_council": application.state == State.RECOMMENDED
        and not _board_decides(application),
        "decision_items": application.decision_items.select_related("decision__paper"),
        "inquiries": application.inquiries.select_related("asked_by", "answered_by"),
        "inquiry_form": (bound.get("inquiry") or InquiryForm())
        if application.state in services.INQUIRABLE
        else None,
        "reviews": reviews,
        "review_comments": [r for r in reviews if r.state == Review.State.SUBMITTED and r.comment],
        "reviewer_form": (bound.get("reviewer") or ReviewerForm(application=application))
        if reviewable
        else None,
        "summary": selectors.review_summary(application),
        "criterion_scores": _criterion_scores(application),
        "grant": grant,
        "grant_form": (bound.get("grant") or _grant_form(application)) if decided else None,
        "payments": grant.payments.all() if grant else [],
        "paid": services.paid_amount(grant) if grant else None,
        "proof_form": (bound.get("proof") or ProofCheckForm())
        if application.state == State.PROOF_SUBMITTED
        else None,
        "events": application.events.select_related("by"),
        "notice_url": _reverse_or_none("fund:notice_pdf", application.pk) if grant else None,
        **_proof_context(grant, application),
    }
    context["refused"] = _refused_section(request, bound.values(), context)
    return render(request, "fund/office/application_detail.html", context)


# Where each form of the application page sits (the id of its section).
FORM_SECTIONS = {
    "officer_steps": "steps",
    "board_steps": "board",
    "inquiry_form": "inquiries",
    "reviewer_form": "reviews",
    "grant_form": "grant",
    "proof_form": "proof",
}


def _refused_section(request: HttpRequest, forms: Any, context: dict[str, Any]) -> str | None:
    """The section of the refused form, for a notice at the top that links to it.

    A refused form the page no longer offers (the state moved on meanwhile) says why
    as a message instead.
    """
    placed = {}
    for key, section in FORM_SECTIONS.items():
        shown = context[key] if isinstance(context[key], list) else [context[key]]
        placed.update({id(form): section for form in shown if form is not None})
    refused = None
    for form in forms:
        if id(form) in placed:
            refused = placed[id(form)]
            continue
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return refused


def _grant_form(application: Application) -> GrantForm:
    return GrantForm(
        call=application.call, initial={"start": application.start, "end": application.end}
    )


@office_page
@require_safe
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _application_page(request, _application(pk))


@office_page
@require_POST
def application_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Take one workflow step: the office's own, or the board's decision on a small grant."""
    application = _application(pk)
    transition = workflow.BY_NAME.get(name)
    if (
        transition is None
        or transition.actor not in (Actor.OFFICER, Actor.DECISION)
        or name in OWN_FORMS
    ):
        raise Http404
    form = StepForm(request.POST, transition=transition)
    if form.is_valid():
        try:
            services.application_transition(
                application=application,
                name=name,
                by=request.user,
                note=form.cleaned_data["note"],
                amount=form.cleaned_data.get("amount"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Step taken: %(step)s.") % {"step": transition.public_label}
            )
            return redirect(_application_url(application))
    return _application_page(request, application, step=form)


@office_page
@require_POST
def inquiry_ask(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(pk)
    form = InquiryForm(request.POST)
    if form.is_valid():
        try:
            services.inquiry_ask(
                application=application, question=form.cleaned_data["question"], by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The question was sent to the applicant."))
            return redirect(_application_url(application, "inquiries"))
    return _application_page(request, application, inquiry=form)


@office_page
@require_POST
def review_assign(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(pk)
    form = ReviewerForm(request.POST, application=application)
    if form.is_valid():
        reviewer = form.cleaned_data["reviewer"]
        try:
            services.review_assign(application=application, reviewer=reviewer, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(name)s reviews this application now.") % {"name": reviewer}
            )
            return redirect(_application_url(application, "reviews"))
    return _application_page(request, application, reviewer=form)


@office_page
@require_POST
def grant_issue(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(pk)
    form = GrantForm(request.POST, call=application.call)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.grant_issue(
                application=application,
                by=request.user,
                financing_type=data["financing_type"],
                share_percent=data["share_percent"],
                start=data["start"],
                end=data["end"],
                conditions=data["conditions"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The grant notice was issued."))
            return redirect(_application_url(application, "grant"))
    return _application_page(request, application, grant=form)


PAYMENT_DONE = {
    "approve": gettext_lazy("The payment was approved."),
    "refuse": gettext_lazy("The payment was refused."),
    "paid": gettext_lazy("The payment is marked as paid."),
}


@office_page
@require_POST
def payment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or refuse a payment request, or mark an approved one as paid."""
    payment = get_object_or_404(PaymentRequest.objects.select_related("grant__application"), pk=pk)
    action = request.POST.get("action", "")
    try:
        if action == "paid":
            services.payment_mark_paid(payment=payment, by=request.user)
        elif action in PAYMENT_DONE:
            services.payment_decide(payment=payment, by=request.user, approve=action == "approve")
        else:
            raise ValidationError(_("Choose approve, refuse or paid."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, PAYMENT_DONE[action])
    return redirect(_application_url(payment.grant.application, "payments"))


@office_page
@require_POST
def proof_check(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(pk)
    proof = get_object_or_404(ProofOfUse, grant__application=application)
    form = ProofCheckForm(request.POST)
    if form.is_valid():
        try:
            checked = services.proof_check(
                proof=proof,
                purpose_achieved=form.cleaned_data["purpose_achieved"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The proof of use was checked: eligible grant %(eligible)s €, "
                    "repayment %(repayment)s €."
                )
                % {"eligible": checked.eligible_grant, "repayment": checked.repayment},
            )
            return redirect(_application_url(application, "proof"))
    return _application_page(request, application, proof=form)


# --- decision papers ---------------------------------------------------------------


def _decision_papers(call: Call) -> list[DecisionPaper]:
    """The call's decision papers, each with its deciding consultation and its sum."""
    deciding = Prefetch(
        "paper__consultations",
        queryset=Consultation.objects.filter(authoritative=True, deleted=False).select_related(
            "organization"
        ),
        to_attr="deciding",
    )
    return list(
        call.decision_papers.select_related("paper")
        .prefetch_related(deciding)
        .annotate(item_count=Count("items"), total=Sum("items__proposed_amount"))
        .order_by("-pk")
    )


@office_page
@require_http_methods(["GET", "POST"])
def decision_paper(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call.objects.select_related("fund"), pk=pk)
    candidates = list(services.paper_candidates(call).select_related("organisation"))
    form = DecisionPaperForm(
        posted(request),
        call=call,
        applications=candidates,
        proposed=services.recommended_amounts(call),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.decision_paper_create(
                call=call,
                by=request.user,
                reference=data["reference"],
                deciding_body=data["deciding_body"],
                planned_date=data["planned_date"],
                preparing_bodies=list(data["preparing_bodies"]),
                amounts=form.amounts(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Decision paper %(reference)s was written with %(count)s applications; "
                    "its vote decides them."
                )
                % {"reference": decision.paper.reference, "count": len(candidates)},
            )
            url = _reverse_or_none("council:paper_detail", decision.paper_id)
            return redirect(url or reverse("fund_office:call_detail", args=[call.pk]))
    return render(
        request,
        "fund/office/decision_paper.html",
        {"call": call, "form": form, "papers": _decision_papers(call)},
    )


# --- organisations -----------------------------------------------------------------


@office_page
@require_safe
def organisations(request: HttpRequest) -> HttpResponse:
    members = Prefetch(
        "memberships", queryset=OrganisationMembership.objects.select_related("user")
    )
    qs = (
        Organisation.objects.select_related("municipality")
        .prefetch_related(members)
        .order_by(F("verified_at").asc(nulls_first=True), "name", "pk")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "fund/office/organisations.html",
        {"page": page, "unverified": Organisation.objects.filter(verified_at=None).count()},
    )


@office_page
@require_POST
def organisation_verify(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    if organisation.verified_at is not None:
        messages.info(request, _("%(name)s was verified already.") % {"name": organisation.name})
    else:
        officer: Any = request.user  # signed in: office_page let them through
        core_services.organisation_verify(organisation=organisation, by=officer)
        messages.success(request, _("%(name)s is verified.") % {"name": organisation.name})
    return redirect(f"{reverse('fund_office:organisations')}#organisation-{organisation.pk}")
