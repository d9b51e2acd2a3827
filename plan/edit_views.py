"""Plan editors' pages (drafts, items, adoption) and the lead units' status reports.

Every page works as plain HTML forms (POST → redirect with a message, or the form
again with its errors); with htmx an item is edited in place in the workspace.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import PurePath
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.forms import add_service_errors
from core.http import is_htmx, posted
from plan import policies, selectors, services
from plan.edit_forms import (
    ITEM_FORMS,
    AdoptForm,
    MoveForm,
    StatusReportForm,
    VersionForm,
    VersionStartForm,
)
from plan.errors import AdoptionRefused, PlanError
from plan.models import FieldOfAction, Goal, Measure, Plan, PlanVersion, StatusReport
from plan.structure import FIELD, GOAL, INDICATOR, KIND_LABELS, MEASURE, MODELS

SAVED = {
    FIELD: gettext_lazy("Field of action saved."),
    GOAL: gettext_lazy("Goal saved."),
    MEASURE: gettext_lazy("Measure saved."),
    INDICATOR: gettext_lazy("Indicator saved."),
}
REMOVED = {
    FIELD: gettext_lazy("Field of action removed."),
    GOAL: gettext_lazy("Goal removed."),
    MEASURE: gettext_lazy("Measure removed."),
    INDICATOR: gettext_lazy("Indicator removed."),
}
MOVED = {GOAL: gettext_lazy("Goal moved."), MEASURE: gettext_lazy("Measure moved.")}
NEW_TITLES = {
    FIELD: gettext_lazy("New field of action"),
    GOAL: gettext_lazy("New goal"),
    MEASURE: gettext_lazy("New measure"),
    INDICATOR: gettext_lazy("New indicator"),
}
EDIT_TITLES = {
    FIELD: gettext_lazy("Edit field of action"),
    GOAL: gettext_lazy("Edit goal"),
    MEASURE: gettext_lazy("Edit measure"),
    INDICATOR: gettext_lazy("Edit indicator"),
}
REMOVE_TITLES = {
    FIELD: gettext_lazy("Remove this field of action?"),
    GOAL: gettext_lazy("Remove this goal?"),
    MEASURE: gettext_lazy("Remove this measure?"),
    INDICATOR: gettext_lazy("Remove this indicator?"),
}
MOVE_TITLES = {GOAL: gettext_lazy("Move this goal"), MEASURE: gettext_lazy("Move this measure")}
MOVABLE = (GOAL, MEASURE)


# --- helpers -----------------------------------------------------------------------


def _reverse_or_none(name: str, *args: Any) -> str | None:
    """The address of a page another part of the project provides, if it exists yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _plan_url(plan: Plan) -> str:
    return _reverse_or_none("plan:plan_detail", plan.slug) or reverse("home")


def _version_url(version: PlanVersion) -> str:
    return _reverse_or_none("plan:version_detail", version.plan.slug, version.number) or _plan_url(
        version.plan
    )


def _workspace_url(version: PlanVersion, item: Any = None) -> str:
    url = reverse("plan_edit:workspace", args=[version.plan.slug, version.number])
    return f"{url}#row-{item.uid}" if item is not None else url


def editor_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of an open version for plan editors; ``view`` gets the version.

    Anonymous users are sent to sign in, other users get 403. An adopted or superseded
    version is read-only for everyone, so editors get a 403 page that says so.
    """

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, slug: str, number: int, **kwargs: Any) -> HttpResponse:
        plan = get_object_or_404(Plan, slug=slug)
        if not policies.is_plan_editor(request.user):
            raise PermissionDenied
        version = get_object_or_404(PlanVersion, plan=plan, number=number)
        version.plan = plan
        if not policies.can_edit_version(request.user, version):
            return render(
                request,
                "plan/edit/locked.html",
                {
                    "plan": plan,
                    "version": version,
                    "open_version": services.open_version(plan),
                    "version_url": _version_url(version),
                },
                status=403,
            )
        return view(request, version, **kwargs)

    return wrapped


def _item(version: PlanVersion, kind: str, uid: UUID) -> Any:
    item = selectors.item_by_uid(MODELS[kind], version, uid)
    item.version = version
    return item


def _item_context(version: PlanVersion, kind: str, item: Any) -> dict[str, Any]:
    return {
        "plan": version.plan,
        "version": version,
        "kind": kind,
        "kind_label": KIND_LABELS[kind],
        "item": item,
        "movable": kind in MOVABLE,
    }


def _preselected(version: PlanVersion, kind: str, query: Any) -> dict[str, Any]:
    """Initial field and strategic goal of a new item from ``?field=<uid>&parent=<uid>``."""
    initial: dict[str, Any] = {}
    if kind not in (GOAL, MEASURE):
        return initial
    try:
        field_uid = UUID(query.get("field", ""))
    except ValueError:
        field_uid = None
    try:
        parent_uid = UUID(query.get("parent", ""))
    except ValueError:
        parent_uid = None
    if field_uid is not None:
        field = FieldOfAction.objects.filter(version=version, uid=field_uid).first()
        if field is not None:
            initial["field"] = field.pk
    if kind == GOAL and parent_uid is not None:
        parent = Goal.objects.filter(version=version, uid=parent_uid, parent=None).first()
        if parent is not None:
            initial["parent"] = parent.pk
            initial["field"] = parent.field_id
    return initial


# --- versions ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def version_start(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_object_or_404(Plan, slug=slug)
    if not policies.can_start_draft(request.user, plan):
        raise PermissionDenied
    form = VersionStartForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = services.version_start_draft(
                plan=plan,
                by=request.user,
                title=data["title"].strip(),
                summary=data["summary"].strip(),
                mandate=data["mandate"],
            )
        except PlanError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            version.plan = plan
            messages.success(
                request,
                _("Draft %(number)s started. It is internal until you publish it.")
                % {"number": version.number},
            )
            return redirect(_workspace_url(version))
    open_version = services.open_version(plan)
    return render(
        request,
        "plan/edit/version_start.html",
        {
            "plan": plan,
            "form": form,
            "open_version": open_version,
            "base": services.version_in_force(plan),
        },
        status=400 if request.method == "POST" else 200,
    )


@editor_page
@require_http_methods(["GET", "POST"])
def workspace(request: HttpRequest, version: PlanVersion) -> HttpResponse:
    form = VersionForm(posted(request), instance=version, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.version_update(
                version=version,
                by=request.user,
                title=data["title"].strip(),
                summary=data["summary"].strip(),
                mandate=data["mandate"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The details of the version were saved."))
            return redirect(_workspace_url(version))
    plan = version.plan
    if request.method == "POST":
        # The form changed the in-memory version while validating; show the saved one.
        version.refresh_from_db()
        version.plan = plan
    return render(
        request,
        "plan/edit/workspace.html",
        {
            "plan": plan,
            "version": version,
            "form": form,
            "tree": selectors.plan_tree(version),
            "indicators": selectors.indicators_of(version),
            "import_url": _reverse_or_none("opendata:plan_import", plan.slug, version.number),
            "compare_url": _compare_url(version),
            "version_url": _reverse_or_none("plan:version_detail", plan.slug, version.number),
        },
        status=400 if request.method == "POST" else 200,
    )


def _compare_url(version: PlanVersion) -> str | None:
    """The public comparison of this draft with the version it was copied from."""
    url = _reverse_or_none("plan:compare", version.plan.slug)
    if url is None or version.based_on_id is None:
        return None
    based_on = PlanVersion.objects.filter(pk=version.based_on_id).values_list("number", flat=True)
    return f"{url}?from={based_on.get()}&to={version.number}"


@editor_page
@require_POST
def version_publish(request: HttpRequest, version: PlanVersion) -> HttpResponse:
    try:
        services.version_submit_for_consultation(version=version, by=request.user)
    except PlanError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The draft is published for consultation: the public can now read it.")
        )
    return redirect(_workspace_url(version))


@editor_page
@require_http_methods(["GET", "POST"])
def version_discard(request: HttpRequest, version: PlanVersion) -> HttpResponse:
    if request.method == "POST":
        plan = version.plan
        number = version.number
        try:
            services.version_discard(version=version, by=request.user)
        except PlanError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(_workspace_url(version))
        messages.success(request, _("Draft %(number)s was discarded.") % {"number": number})
        return redirect(_plan_url(plan))
    counts = {
        "fields": FieldOfAction.objects.filter(version=version).count(),
        "goals": Goal.objects.filter(version=version).count(),
        "measures": Measure.objects.filter(version=version).count(),
    }
    return render(
        request,
        "plan/edit/version_discard.html",
        {"plan": version.plan, "version": version, "counts": counts},
    )


@editor_page
@require_http_methods(["GET", "POST"])
def version_adopt(request: HttpRequest, version: PlanVersion) -> HttpResponse:
    form = AdoptForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        paper = form.cleaned_data["paper"]
        try:
            adopted = services.version_adopt(
                version=version,
                paper=paper,
                by=request.user,
                valid_from=form.cleaned_data["valid_from"],
            )
        except AdoptionRefused as exc:
            form.add_error("paper", exc.messages)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            adopted.plan = version.plan
            messages.success(
                request,
                _("Version %(number)s is adopted by paper %(reference)s and now in force.")
                % {"number": adopted.number, "reference": paper.reference},
            )
            return redirect(_version_url(adopted))
    return render(
        request,
        "plan/edit/version_adopt.html",
        {"plan": version.plan, "version": version, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- items -------------------------------------------------------------------------


@editor_page
@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest, version: PlanVersion, kind: str) -> HttpResponse:
    form_class = ITEM_FORMS[kind]
    form = form_class(
        posted(request),
        instance=MODELS[kind](version=version),
        version=version,
        initial=_preselected(version, kind, request.GET),
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_save(item=form.instance, by=request.user, **form.relations())
        except ValidationError as exc:
            form.instance.pk = None
            add_service_errors(form, exc)
        else:
            messages.success(request, SAVED[kind])
            return redirect(_workspace_url(version, item))
    context = _item_context(version, kind, form.instance)
    context.update(form=form, heading=NEW_TITLES[kind])
    return render(
        request,
        "plan/edit/item_form.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@editor_page
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, version: PlanVersion, kind: str, uid: UUID) -> HttpResponse:
    """The item's form; with htmx the form or the item's row, for editing in place."""
    item = _item(version, kind, uid)
    htmx = is_htmx(request)
    if htmx and request.method == "GET" and request.GET.get("row"):
        return _row_response(request, version, kind, item)
    # Ids of its own, so the form can sit in the workspace next to other forms.
    form = ITEM_FORMS[kind](
        posted(request), instance=item, version=version, auto_id=f"id_{item.uid.hex}_%s"
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.item_save(item=form.instance, by=request.user, **form.relations())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if htmx:
                return _row_response(request, version, kind, item, saved=SAVED[kind])
            messages.success(request, SAVED[kind])
            return redirect(_workspace_url(version, item))
    context = _item_context(version, kind, item)
    context.update(form=form, heading=EDIT_TITLES[kind])
    if htmx:
        # htmx swaps only 2xx answers, so the form with its errors comes back as 200.
        response = render(request, "plan/edit/_item_form.html", context)
    else:
        response = render(
            request,
            "plan/edit/item_form.html",
            context,
            status=400 if request.method == "POST" else 200,
        )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _row_response(
    request: HttpRequest, version: PlanVersion, kind: str, item: Any, saved: Any = None
) -> HttpResponse:
    item = _item(version, kind, item.uid)
    context = _item_context(version, kind, item)
    context["saved"] = saved
    response = render(request, "plan/edit/_row.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@editor_page
@require_http_methods(["GET", "POST"])
def item_remove(request: HttpRequest, version: PlanVersion, kind: str, uid: UUID) -> HttpResponse:
    item = _item(version, kind, uid)
    if request.method == "POST":
        try:
            services.item_remove(item=item, by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(_workspace_url(version, item))
        messages.success(request, REMOVED[kind])
        return redirect(_workspace_url(version))
    goes_along: list[tuple[str, list[Any]]] = []
    loses_link: list[tuple[str, list[Any]]] = []
    if kind == FIELD:
        goes_along = [
            (_("Goals"), list(item.goals.order_by("parent_id", "position", "pk"))),
            (_("Measures"), list(item.measures.order_by("position", "pk"))),
        ]
    elif kind == GOAL:
        goes_along = [(_("Operational goals"), list(item.children.order_by("position", "pk")))]
        loses_link = [
            (_("Measures serving it"), list(item.measures.order_by("position", "pk"))),
            (_("Indicators measuring it"), list(item.indicators.order_by("position", "pk"))),
        ]
    elif kind == INDICATOR:
        loses_link = [(_("Measures using it"), list(item.measures.order_by("position", "pk")))]
    context = _item_context(version, kind, item)
    context.update(
        heading=REMOVE_TITLES[kind],
        goes_along=[(label, items) for label, items in goes_along if items],
        loses_link=[(label, items) for label, items in loses_link if items],
    )
    return render(request, "plan/edit/item_remove.html", context)


@editor_page
@require_http_methods(["GET", "POST"])
def item_move(request: HttpRequest, version: PlanVersion, kind: str, uid: UUID) -> HttpResponse:
    if kind not in MOVABLE:
        raise Http404
    item = _item(version, kind, uid)
    initial = {"field": item.field_id, "parent": getattr(item, "parent_id", None)}
    form = MoveForm(posted(request), item=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_move(
                item=item,
                by=request.user,
                field=form.cleaned_data["field"],
                parent=form.cleaned_data.get("parent"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MOVED[kind])
            return redirect(_workspace_url(version, item))
    context = _item_context(version, kind, item)
    context.update(form=form, heading=MOVE_TITLES[kind])
    return render(
        request,
        "plan/edit/item_move.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@editor_page
@require_POST
def item_place(request: HttpRequest, version: PlanVersion, kind: str, uid: UUID) -> HttpResponse:
    item = _item(version, kind, uid)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse(_("Choose up or down."), status=400, content_type="text/plain")
    try:
        services.item_shift(item=item, by=request.user, offset=-1 if direction == "up" else 1)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The order was changed."))
    return redirect(_workspace_url(version, item))


# --- status reports ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def status_report_create(request: HttpRequest, slug: str, number: int, uid: UUID) -> HttpResponse:
    """A member of the measure's lead unit reports on it (version in force or open ones)."""
    plan = get_object_or_404(Plan, slug=slug)
    version = get_object_or_404(
        PlanVersion.objects.exclude(status=PlanVersion.Status.SUPERSEDED),
        plan=plan,
        number=number,
    )
    if not policies.can_view_version(request.user, version):
        raise Http404
    version.plan = plan
    measure = _item(version, MEASURE, uid)
    if not policies.can_write_status_report(request.user, measure):
        raise PermissionDenied
    form = StatusReportForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.status_report_create(
                measure=measure,
                by=request.user,
                date=data["date"],
                status=data["status"],
                progress=data["progress"],
                text=data["text"],
                evidence=data["evidence"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Status report saved."))
            measure_url = _reverse_or_none(
                "plan:measure_detail", plan.slug, version.number, measure.uid
            )
            return redirect(measure_url or _version_url(version))
    return render(
        request,
        "plan/edit/status_report_form.html",
        {
            "plan": plan,
            "version": version,
            "measure": measure,
            "form": form,
            "measure_url": _reverse_or_none(
                "plan:measure_detail", plan.slug, version.number, measure.uid
            ),
            "reports": selectors.status_reports(plan.pk, measure.uid)[:5],
        },
        status=400 if request.method == "POST" else 200,
    )


@require_safe
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """A report's evidence file, for staff and the lead unit; 404 for everyone else."""
    report = StatusReport.objects.filter(pk=pk).first()
    if report is None or not report.evidence:
        raise Http404
    if not policies.can_download_evidence(request.user, report):
        raise Http404
    try:
        content = report.evidence.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(content, as_attachment=True, filename=PurePath(report.evidence.name).name)
