"""The reviewers' pages (Fachbeirat): their assignments, the declaration, the scores.

A reviewer sees only their own reviews, and none they declared a conflict for (404, so
that nothing tells whether the review exists). A review goes in two steps, each a plain
POST form: first the declaration of conflicts of interest, which alone shows the title
(and, unless the call is reviewed blind, the organisation); then the submitted
application with the scoring form. In a blind review the organisation is never put into
the page's context.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.policies import has_role
from core.roles import Role
from fund import selectors, services
from fund.models import Review, Score
from fund.review_forms import DeclarationForm, ScoreForm


def reviewer_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous users are sent to sign in; users without the reviewer role get 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not has_role(request.user, Role.REVIEWER):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _my_review(request: HttpRequest, pk: int) -> Review:
    return get_object_or_404(selectors.reviews_of(request.user), pk=pk)


def _detail_url(review: Review) -> str:
    return reverse("fund_review:review_detail", args=[review.pk])


def _download_url(attachment_pk: int) -> str | None:
    """The address of an attachment's file; the fund's public pages provide it."""
    try:
        return reverse("fund:attachment_download", args=[attachment_pk])
    except NoReverseMatch:
        return None


def _render_detail(
    request: HttpRequest,
    review: Review,
    *,
    declaration_form: DeclarationForm | None = None,
    score_form: ScoreForm | None = None,
) -> HttpResponse:
    application = review.application
    call = application.call
    context: dict[str, Any] = {
        "review": review,
        "application": application,
        "call": call,
        "blind": call.blind_review,
        # Not even handed to the templates in a blind review.
        "organisation": None if call.blind_review else application.organisation,
    }
    if review.state == Review.State.ASSIGNED:
        context["declaration_form"] = declaration_form or DeclarationForm()
        return render(request, "fund/review/detail.html", context)
    context["revision"] = application.revisions.order_by("-number").first()
    context["attachments"] = [
        (attachment, _download_url(attachment.pk))
        for attachment in application.attachments.only("pk", "name", "kind", "size")
    ]
    if review.state == Review.State.DECLARED:
        context["score_form"] = score_form or ScoreForm(criteria=call.criteria.all())
    else:
        scores = list(
            review.scores.select_related("criterion").order_by(
                "criterion__position", "criterion__pk"
            )
        )
        context["scores"] = scores
        context["percent"] = review.percent = selectors.review_score(scores)  # type: ignore[attr-defined]
    return render(request, "fund/review/detail.html", context)


@reviewer_page
@require_safe
def review_list(request: HttpRequest) -> HttpResponse:
    reviews = list(
        selectors.reviews_of(request.user)
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .order_by(
            "-application__call__year", "application__call__title", "application__title", "pk"
        )
    )
    done = [r for r in reviews if r.state == Review.State.SUBMITTED]
    for review in done:
        review.percent = selectors.review_score(list(review.scores.all()))  # type: ignore[attr-defined]
    return render(
        request,
        "fund/review/list.html",
        {"open_reviews": [r for r in reviews if r.state != Review.State.SUBMITTED], "done": done},
    )


@reviewer_page
@require_safe
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _my_review(request, pk))


@reviewer_page
@require_POST
def review_declare(request: HttpRequest, pk: int) -> HttpResponse:
    review = _my_review(request, pk)
    form = DeclarationForm(request.POST)
    if not form.is_valid():
        if review.state == Review.State.ASSIGNED:
            return _render_detail(request, review, declaration_form=form)
        messages.error(request, _("The declaration has already been made."))
        return redirect(_detail_url(review))
    try:
        services.review_declare(review=review, no_conflict=form.no_conflict, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(_detail_url(review))
    if form.no_conflict:
        messages.success(
            request,
            _("Thank you for your declaration. You can now read and score the application."),
        )
        return redirect(_detail_url(review))
    messages.success(
        request,
        _(
            "You declared a conflict of interest and are no longer assigned to this application. "
            "The fund office will ask someone else to review it."
        ),
    )
    return redirect("fund_review:review_list")


@reviewer_page
@require_POST
def review_submit(request: HttpRequest, pk: int) -> HttpResponse:
    review = _my_review(request, pk)
    form = ScoreForm(request.POST, criteria=review.application.call.criteria.all())
    if form.is_valid():
        try:
            services.review_submit(
                review=review,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except ValidationError as exc:
            if review.state != Review.State.DECLARED:
                for message in exc.messages:
                    messages.error(request, message)
                return redirect(_detail_url(review))
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Your review was submitted. Thank you."))
            return redirect(_detail_url(review))
    elif review.state != Review.State.DECLARED:
        # The scoring form is not on the page in this step; say what to do instead.
        messages.error(
            request,
            _("Declare that you have no conflict of interest before you score.")
            if review.state == Review.State.ASSIGNED
            else _("This review can no longer be changed."),
        )
        return redirect(_detail_url(review))
    return _render_detail(request, review, score_form=form)
