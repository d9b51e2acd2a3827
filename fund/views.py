"""Public and applicants' pages of the fund: calls, sign-up, applications, money steps.

Every form is a plain HTML form (POST → redirect with a message, or the form again with
its errors); nothing needs JavaScript. Writes go through ``fund.services``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import services as core_services
from core.forms import add_service_errors
from core.http import posted
from core.models import Organisation
from fund import notice, policies, selectors, services, workflow
from fund.forms import (
    AccountForm,
    AnswersForm,
    ApplicationForm,
    AttachmentForm,
    CostLineFormSet,
    MemberForm,
    NewApplicationForm,
    NoteForm,
    OrganisationForm,
    PaymentRequestForm,
    ProofForm,
    cost_specs,
    reach_formset,
)
from fund.models import Application, Attachment, Call, CostLine, Fund, Grant, Inquiry
from fund.workflow import Actor, State


def _files(request: HttpRequest) -> Any:
    return request.FILES if request.method == "POST" else None


def _detail_url(application: Application) -> str:
    return reverse("fund:application_detail", args=[application.pk])


# --- public ----------------------------------------------------------------------


@require_safe
def call_list(request: HttpRequest) -> HttpResponse:
    """The funds and their calls: open now, coming, closed."""
    now = timezone.now()
    calls = list(Call.objects.select_related("fund").order_by("-deadline"))
    funds = Fund.objects.select_related("budget_product").order_by("name")
    return render(
        request,
        "fund/call_list.html",
        {
            "funds": funds,
            "open_calls": [c for c in calls if c.opens_at <= now <= c.deadline],
            "coming_calls": [c for c in calls if now < c.opens_at],
            "closed_calls": [c for c in calls if c.deadline < now],
        },
    )


def _published(qs: Any) -> Any:
    return qs.filter(state__in=workflow.PUBLISHED)


@require_safe
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(
        Call.objects.select_related("fund__budget_product").prefetch_related(
            "criteria", "questions"
        ),
        pk=pk,
    )
    now = timezone.now()
    counts = call.applications.exclude(state=State.DRAFT).aggregate(
        received=Count("pk"), funded=Count("pk", filter=Q(state__in=workflow.PUBLISHED))
    )
    granted = _published(call.applications).aggregate(s=Sum("decided_amount"))["s"]
    return render(
        request,
        "fund/call_detail.html",
        {
            "call": call,
            "is_open": call.opens_at <= now <= call.deadline,
            "plan_items": selectors.call_plan_items(call),
            "financing_types": [
                label
                for value, label in Grant._meta.get_field("financing_type").choices or []
                if value in (call.financing_types or [])
            ],
            "counts": counts,
            "granted": granted or Decimal(0),
            "grants": _published(call.applications)
            .select_related("organisation")
            .prefetch_related("municipalities")
            .order_by("organisation__name", "title"),
            "small_grant_limit": call.fund.small_grant_limit,
        },
    )


@require_safe
def grant_list(request: HttpRequest) -> HttpResponse:
    """Every published grant: organisation, project, amount, call, place (no personal data)."""
    grants = (
        _published(Application.objects.all())
        .select_related("organisation", "call")
        .prefetch_related("municipalities")
        .order_by("-call__year", "organisation__name", "title")
    )
    return render(request, "fund/grant_list.html", {"grants": grants})


# --- sign-up and organisations ------------------------------------------------------


@require_http_methods(["GET", "POST"])
def organisation_register(request: HttpRequest) -> HttpResponse:
    """Register an organisation; a visitor without an account creates one at once."""
    signed_in = request.user.is_authenticated
    form = OrganisationForm(posted(request), prefix="org")
    account = None if signed_in else AccountForm(posted(request), prefix="account")
    if request.method == "POST" and form.is_valid() and (account is None or account.is_valid()):
        details = {k: v for k, v in form.cleaned_data.items()}
        try:
            if account is None:
                organisation = core_services.organisation_register(user=request.user, **details)  # type: ignore[arg-type]
            else:
                user, organisation = core_services.applicant_register(
                    email=account.cleaned_data["email"],
                    password=account.cleaned_data["password"],
                    name=account.cleaned_data["name"],
                    organisation=details,
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "%(name)s is registered. You can write applications now; the fund office "
                    "checks the organisation's details before an application is found eligible."
                )
                % {"name": organisation.name},
            )
            return redirect("fund:my_applications")
    return render(request, "fund/organisation_register.html", {"form": form, "account": account})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_members(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisation's members; its representatives add people who have an account."""
    organisation = get_object_or_404(
        Organisation.objects.filter(memberships__user=request.user.pk).distinct(), pk=pk
    )
    may_add = core_services.is_representative(request.user, organisation)
    form = MemberForm(posted(request))
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied
        if form.is_valid():
            try:
                core_services.organisation_member_invite(
                    organisation=organisation,
                    email=form.cleaned_data["email"],
                    function=form.cleaned_data["function"],
                    by=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The person is now a member."))
                return redirect("fund:organisation_members", pk=organisation.pk)
    return render(
        request,
        "fund/organisation_members.html",
        {
            "organisation": organisation,
            "members": organisation.memberships.select_related("user").order_by("user__email"),
            "form": form if may_add else None,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- the applicant's applications ----------------------------------------------------


@login_required
@require_safe
def my_applications(request: HttpRequest) -> HttpResponse:
    organisations = (
        Organisation.objects.filter(memberships__user=request.user.pk)
        .prefetch_related(
            Prefetch(
                "applications",
                queryset=Application.objects.select_related("call").order_by("-created"),
            )
        )
        .order_by("name")
    )
    now = timezone.now()
    open_calls = Call.objects.filter(opens_at__lte=now, deadline__gte=now).order_by("deadline")
    return render(
        request,
        "fund/my_applications.html",
        {
            "organisations": organisations,
            "open_calls": open_calls,
            "is_officer": policies.is_officer(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_new(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)
    form = NewApplicationForm(posted(request), user=request.user)
    if not form.fields["organisation"].queryset.exists():  # type: ignore[attr-defined]
        messages.info(request, _("Register your organisation first; then you can apply."))
        return redirect("fund:organisation_register")
    if timezone.now() > call.deadline:
        messages.error(request, _("The deadline of this call has passed."))
        return redirect("fund:call_detail", pk=call.pk)
    if request.method == "POST" and form.is_valid():
        application = services.application_create(
            call=call,
            organisation=form.cleaned_data["organisation"],
            by=request.user,
            title=form.cleaned_data["title"].strip(),
        )
        messages.success(request, _("The draft is saved. Fill in the application."))
        return redirect("fund:application_edit", pk=application.pk)
    return render(request, "fund/application_new.html", {"call": call, "form": form})


def application_page(
    *, act: bool = False
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A page of one application: members of the organisation (``act``: only they) and,
    to read, the fund office. Others get 404, so the page does not reveal the application.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
            application = get_object_or_404(
                Application.objects.select_related("call__fund", "organisation"), pk=pk
            )
            allowed = (
                policies.can_act_for(request.user, application)
                if act
                else policies.can_view_application(request.user, application)
            )
            if not allowed:
                if policies.can_view_application(request.user, application):
                    raise PermissionDenied
                raise Http404
            return view(request, application, **kwargs)

        return wrapped

    return decorate


@application_page()
@require_safe
def application_detail(request: HttpRequest, application: Application) -> HttpResponse:
    acts = policies.can_act_for(request.user, application)
    grant = Grant.objects.filter(application=application).first()
    steps = {t.name for t in workflow.available(application.state, Actor.APPLICANT)}
    return render(
        request,
        "fund/application_detail.html",
        {
            "application": application,
            "acts": acts,
            "is_officer": policies.is_officer(request.user),
            "editable": acts and application.state in workflow.EDITABLE,
            "can_withdraw": acts and "withdraw" in steps,
            "can_prove": acts and "submit_proof" in steps and grant is not None,
            "can_request_payment": acts
            and grant is not None
            and application.state in (State.GRANTED, State.RUNNING),
            "revision": application.revisions.order_by("-number").first(),
            "costs": list(application.costs.all()),
            "attachments": list(application.attachments.all()),
            "inquiries": list(application.inquiries.all()),
            "answer_form": NoteForm(prefix="inquiry"),
            "events": application.events.select_related("by"),
            "grant": grant,
            "payments": list(grant.payments.all()) if grant else [],
            "paid": services.paid_amount(grant) if grant else None,
            "proof": getattr(grant, "proof", None) if grant else None,
            "problems": services.submission_problems(application)
            if application.state == State.DRAFT
            else [],
        },
    )


def _answers(application: Application) -> dict[int, Any]:
    return {a.question_id: a for a in application.answers.all()}


@application_page(act=True)
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, application: Application) -> HttpResponse:
    if application.state not in workflow.EDITABLE:
        messages.error(request, _("A submitted application can no longer be changed."))
        return redirect(_detail_url(application))
    call = application.call
    goals = selectors.call_plan_items(call).goals
    form = ApplicationForm(posted(request), instance=application, goals=goals)
    initial_costs = [
        {"category": c.category, "description": c.description, "amount": c.amount}
        for c in application.costs.all()
    ]
    costs = CostLineFormSet(posted(request), initial=initial_costs, prefix="costs")
    questions = list(call.questions.all())
    answers = AnswersForm(
        posted(request),
        _files(request),
        questions=questions,
        answers=_answers(application),
        prefix="answers",
    )
    if request.method == "POST" and all(f.is_valid() for f in (form, costs, answers)):
        try:
            services.application_save_draft(
                application=application,
                by=request.user,
                costs=cost_specs(costs),
                municipalities=form.cleaned_data["municipalities"],
                answers=answers.values(),
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The draft is saved."))
            if "submit" in request.POST:
                return redirect("fund:application_submit", pk=application.pk)
            return redirect("fund:application_edit", pk=application.pk)
        application.refresh_from_db()
    expenses = sum((c.amount for c in application.costs.all()), Decimal(0))
    return render(
        request,
        "fund/application_edit.html",
        {
            "application": application,
            "call": call,
            "form": form,
            "costs": costs,
            "answers": answers,
            "expenses": expenses,
            "income": application.own_contribution
            + application.third_party_funds
            + application.requested_amount,
        },
        status=400 if request.method == "POST" else 200,
    )


@application_page(act=True)
@require_http_methods(["GET", "POST"])
def application_attachments(request: HttpRequest, application: Application) -> HttpResponse:
    editable = application.state in workflow.EDITABLE
    form = AttachmentForm(posted(request), _files(request))
    if request.method == "POST" and editable and form.is_valid():
        try:
            services.attachment_add(
                application=application,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The file is attached."))
            return redirect("fund:application_attachments", pk=application.pk)
    return render(
        request,
        "fund/application_attachments.html",
        {
            "application": application,
            "form": form,
            "editable": editable,
            "attachments": application.attachments.all(),
        },
        status=400 if request.method == "POST" else 200,
    )


@application_page(act=True)
@require_POST
def attachment_remove(
    request: HttpRequest, application: Application, attachment: int
) -> HttpResponse:
    item = get_object_or_404(Attachment, pk=attachment, application=application)
    try:
        services.attachment_remove(attachment=item, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The file “%(name)s” is removed.") % {"name": item.name})
    return redirect("fund:application_attachments", pk=application.pk)


def _transition_page(
    request: HttpRequest, application: Application, name: str, template: str, done: str
) -> HttpResponse:
    """Confirm a step of the applicant (submit, withdraw); POST takes it."""
    problems: list[str] = []
    if name == "submit" and application.state == State.DRAFT:
        problems = services.submission_problems(application)
    if request.method == "POST":
        try:
            services.application_transition(application=application, name=name, by=request.user)
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, done)
            return redirect(_detail_url(application))
    possible = name in {t.name for t in workflow.available(application.state, Actor.APPLICANT)}
    return render(
        request,
        template,
        {"application": application, "problems": problems, "possible": possible},
        status=400 if request.method == "POST" else 200,
    )


@application_page(act=True)
@require_http_methods(["GET", "POST"])
def application_submit(request: HttpRequest, application: Application) -> HttpResponse:
    return _transition_page(
        request,
        application,
        "submit",
        "fund/application_submit.html",
        _("The application is submitted. You will receive an e-mail about each next step."),
    )


@application_page(act=True)
@require_http_methods(["GET", "POST"])
def application_withdraw(request: HttpRequest, application: Application) -> HttpResponse:
    return _transition_page(
        request,
        application,
        "withdraw",
        "fund/application_withdraw.html",
        _("The application is withdrawn."),
    )


@application_page(act=True)
@require_POST
def inquiry_answer(request: HttpRequest, application: Application, inquiry: int) -> HttpResponse:
    item = get_object_or_404(Inquiry, pk=inquiry, application=application)
    form = NoteForm(request.POST, prefix="inquiry")
    if form.is_valid():
        try:
            services.inquiry_answer(inquiry=item, answer=form.cleaned_data["text"], by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your answer is sent to the fund office."))
    else:
        messages.error(request, _("Write the answer."))
    return redirect(f"{_detail_url(application)}#inquiry-{item.pk}")


def _grant(application: Application) -> Grant:
    grant = Grant.objects.filter(application=application).first()
    if grant is None:
        raise Http404
    return grant


@application_page(act=True)
@require_http_methods(["GET", "POST"])
def payment_request(request: HttpRequest, application: Application) -> HttpResponse:
    grant = _grant(application)
    form = PaymentRequestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_request(
                grant=grant,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The payment is requested."))
            return redirect(_detail_url(application))
    requested = grant.payments.exclude(state="refused").aggregate(s=Sum("amount"))["s"] or 0
    return render(
        request,
        "fund/payment_request.html",
        {
            "application": application,
            "grant": grant,
            "form": form,
            "requested": requested,
            "left": grant.amount - requested,
        },
        status=400 if request.method == "POST" else 200,
    )


def _categories(application: Application) -> list[tuple[str, Any, Decimal]]:
    planned = services.planned_expenses(application)
    return [
        (code, label, planned[code]) for code, label in CostLine.Category.choices if code in planned
    ]


@application_page(act=True)
@require_http_methods(["GET", "POST"])
def proof_submit(request: HttpRequest, application: Application) -> HttpResponse:
    grant = _grant(application)
    form = ProofForm(posted(request), categories=_categories(application))
    reach = reach_formset(posted(request), application=application)
    reach_valid = reach.is_valid() if reach.is_bound else True
    if request.method == "POST" and form.is_valid() and reach_valid:
        try:
            services.proof_submit(
                grant=grant,
                by=request.user,
                narrative=form.cleaned_data["narrative"],
                actual_costs=form.actual_costs(),
                actual_own_contribution=form.cleaned_data["actual_own_contribution"],
                actual_third_party_funds=form.cleaned_data["actual_third_party_funds"],
                reach=reach.specs() if reach.is_bound else (),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The proof of use is submitted."))
            return redirect(_detail_url(application))
    return render(
        request,
        "fund/proof_submit.html",
        {"application": application, "grant": grant, "form": form, "reach": reach},
        status=400 if request.method == "POST" else 200,
    )


@application_page()
@require_safe
def notice_pdf(request: HttpRequest, application: Application) -> HttpResponse:
    grant = _grant(application)
    response = HttpResponse(notice.notice_pdf(grant), content_type="application/pdf")
    name = f"zuwendungsbescheid-{application.pk}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
@require_safe
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("application"), pk=pk)
    if not policies.can_download(request.user, attachment):
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
