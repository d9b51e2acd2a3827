"""Council pages: papers, meetings, bodies, persons, and recording a vote."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from council import policies, selectors, services
from council.forms import MeetingFilterForm, PaperFilterForm, VoteForm
from council.models import Consultation, File, Organization

PAPERS_PER_PAGE = 20


@require_safe
def paper_list(request: HttpRequest) -> HttpResponse:
    form = PaperFilterForm(request.GET or None)
    filters = form.to_filter()
    papers = selectors.paper_list(user=request.user, filters=filters)
    page = Paginator(papers, PAPERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = (
        "council/_paper_results.html"
        if request.headers.get("HX-Request")
        else "council/paper_list.html"
    )
    return render(
        request,
        template,
        {"form": form, "page": page, "query": query.urlencode(), "filters": filters},
    )


def _join_names(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C" in the current language."""
    if len(names) < 2:
        return "".join(names)
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


@require_safe
def paper_detail(request: HttpRequest, pk: int) -> HttpResponse:
    paper = selectors.paper_detail(user=request.user, pk=pk)
    if paper is None:
        raise Http404
    consultations = list(paper.consultations.all())
    originators = list(paper.originator_organizations.all())
    return render(
        request,
        "council/paper_detail.html",
        {
            "paper": paper,
            "consultations": consultations,
            "may_record_votes": policies.sees_all_papers(request.user),
            "budget_references": list(paper.budget_references.all()),
            "files": list(paper.files.all()),
            "originators": originators,
            "originator_names": _join_names([o.short_name or o.name for o in originators]),
            "originators_are_factions": all(
                o.kind == Organization.Kind.FACTION for o in originators
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def consultation_vote(request: HttpRequest, pk: int, consultation_pk: int) -> HttpResponse:
    paper = selectors.paper_detail(user=request.user, pk=pk)
    if paper is None:
        raise Http404
    consultation = (
        Consultation.objects.filter(pk=consultation_pk, paper=paper, deleted=False)
        .select_related("organization", "paper")
        .first()
    )
    if consultation is None:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not policies.can_record_vote(request.user, consultation):
        raise PermissionDenied
    initial = {}
    if consultation.is_voted:
        initial = {
            "outcome": "proposed" if consultation.as_proposed else "deviating",
            "votes_yes": consultation.votes_yes,
            "votes_no": consultation.votes_no,
            "votes_abstention": consultation.votes_abstention,
            "result": consultation.result,
        }
    form = VoteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consultation_record_vote(
                consultation=consultation,
                as_proposed=data["outcome"] == "proposed",
                votes_yes=data["votes_yes"],
                votes_no=data["votes_no"],
                votes_abstention=data["votes_abstention"],
                result=data["result"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The vote of %(body)s was recorded.") % {"body": consultation.organization.name},
            )
            return redirect("council:paper_detail", pk=paper.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "council/consultation_vote.html",
        {"paper": paper, "consultation": consultation, "form": form},
        status=status,
    )


@require_safe
def file_download(request: HttpRequest, pk: int, as_attachment: bool = False) -> FileResponse:
    """A file's content: shown in the browser where it can (OParl ``accessUrl``), or, at
    ``…/download/``, saved under its file name (OParl ``downloadUrl``)."""
    file = File.objects.filter(pk=pk).select_related("paper", "agenda_item").first()
    if file is None or not policies.can_view_file(request.user, file) or not file.content:
        raise Http404
    return FileResponse(
        file.content.open("rb"),
        as_attachment=as_attachment,
        filename=file.file_name,
        content_type=file.mime_type,
    )


@require_safe
def meeting_list(request: HttpRequest) -> HttpResponse:
    form = MeetingFilterForm(request.GET or None)
    organization = None
    year = None
    if form.is_valid():
        organization = form.cleaned_data["organization"]
        year = form.cleaned_data["year"]
    start = dt.date(year, 1, 1) if year else None
    end = dt.date(year, 12, 31) if year else None
    meetings = selectors.meeting_list(organization=organization, start=start, end=end)
    page = Paginator(meetings, 50).get_page(request.GET.get("page"))
    months: dict[dt.date, list] = {}
    for meeting in page.object_list:
        local = timezone.localtime(meeting.start)
        months.setdefault(local.date().replace(day=1), []).append(meeting)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "council/meeting_list.html",
        {
            "form": form,
            "page": page,
            "months": sorted(months.items()),
            "organization": organization,
            "query": query.urlencode(),
        },
    )


@require_safe
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.meeting_detail(user=request.user, pk=pk)
    if found is None:
        raise Http404
    meeting, items = found
    return render(
        request,
        "council/meeting_detail.html",
        {"meeting": meeting, "agenda_items": items},
    )


@require_safe
def organization_list(request: HttpRequest) -> HttpResponse:
    groups: dict[str, list] = {}
    for organization in selectors.organization_list():
        groups.setdefault(organization.get_kind_display(), []).append(organization)
    return render(request, "council/organization_list.html", {"groups": groups.items()})


@require_safe
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = selectors.organization_detail(user=request.user, pk=pk)
    if context is None:
        raise Http404
    return render(request, "council/organization_detail.html", context)


@require_safe
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_detail(pk=pk)
    if person is None:
        raise Http404
    return render(request, "council/person_detail.html", {"person": person})
