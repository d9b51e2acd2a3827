"""Pages of monitoring: importing an indicator's data (preview, then commit).

Only plan editors open the import pages. The upload is kept and previewed: what it adds,
what it changes (old and new value) and every bad row; the commit writes all of it or, if
any row is bad, nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.forms import add_service_errors
from core.http import posted
from monitoring import charts, policies, progress, selectors, services
from monitoring.forms import ImportForm
from monitoring.models import ObservationImport

_Response = TypeVar("_Response", bound=HttpResponseBase)

# Rows of added or changed observations shown in a preview (all are counted).
PREVIEW_ROWS = 200


def editor_page(view: Callable[..., _Response]) -> Callable[..., _Response]:
    """Only plan editors: others signed in get 403, visitors the sign-in page."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> _Response:
        if not policies.can_import(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _indicator(uid: Any) -> Any:
    indicator = selectors.public_indicator(uid)
    if indicator is None:
        raise Http404
    return indicator


@require_safe
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """The plan in force at a glance: measures, fund money, indicators."""
    from monitoring import figures
    from plan import selectors as plan_selectors

    plan = plan_selectors.default_plan()
    version = figures.in_force(plan)
    if version is None:
        raise Http404
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "plan": plan,
            "version": version,
            **figures.collect(version).context(),
            "can_report": policies.can_import(request.user),
        },
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@require_safe
def trace_page(request: HttpRequest) -> HttpResponse:
    """From the motion to goals, measures, funded projects, money and indicators, and back."""
    import uuid

    from monitoring.trace import trace
    from plan import selectors as plan_selectors

    plan = plan_selectors.default_plan()
    if plan is None:
        raise Http404
    versions = list(plan_selectors.versions_for(request.user, plan))
    number = _int(request.GET.get("fassung"))
    if number is not None:
        version = next((v for v in versions if v.number == number), None)
        if version is None:
            raise Http404
    else:
        # The newest public version the council mandated, else the one in force.
        mandated = [v for v in versions if v.mandate_id]
        in_force = [v for v in versions if v.status == "adopted"]
        candidates = mandated or in_force or versions
        if not candidates:
            raise Http404
        version = candidates[0]

    def uid(name: str) -> Any:
        try:
            return uuid.UUID(request.GET.get(name, ""))
        except ValueError:
            return None

    shown = trace(
        version,
        project=_int(request.GET.get("projekt")),
        measure_uid=uid("massnahme"),
        indicator_uid=uid("indikator"),
    )
    return render(
        request,
        "monitoring/trace.html",
        {"plan": plan, "trace": shown, "versions": versions, "version": version},
    )


@require_safe
def participants_page(request: HttpRequest) -> HttpResponse:
    """The participants the funded projects reached, fed in from the proofs of use."""
    from monitoring import reach

    figures = reach.reached()
    return render(
        request,
        "monitoring/participants.html",
        {
            "figures": figures,
            "charts": [
                reach.year_chart(figures),
                reach.municipality_chart(figures),
                reach.target_group_chart(figures),
            ]
            if figures.rows
            else [],
        },
    )


@require_safe
def indicator_page(request: HttpRequest, uid: Any) -> HttpResponse:
    """An indicator with its data: definition, trend, municipalities, target, table, CSV."""
    indicator = _indicator(uid)
    series = selectors.region_series(indicator.uid)
    newest = selectors.latest(series)
    areas_year = selectors.latest_municipal_year(indicator.uid)
    areas = selectors.municipalities_in(indicator.uid, areas_year) if areas_year else []
    groups = selectors.breakdowns(indicator.uid)
    return render(
        request,
        "monitoring/indicator.html",
        {
            "indicator": indicator,
            "assessment": progress.assess(indicator, newest),
            "trend": charts.trend(indicator, series) if series else None,
            "municipalities": charts.municipalities(indicator, areas, areas_year)
            if areas and areas_year
            else None,
            "breakdowns": charts.breakdowns(indicator, groups),
            "dated": any(o.period != str(o.year) for o in series),
            "goals": list(indicator.goals.all()),
            "can_import": policies.can_import(request.user),
        },
    )


@editor_page
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest, uid: Any) -> HttpResponse:
    indicator = _indicator(uid)
    form = ImportForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record, _preview = services.import_preview(
                indicator=indicator, upload=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("monitoring:import_preview", pk=record.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "monitoring/import_start.html",
        {
            "indicator": indicator,
            "form": form,
            "imports": ObservationImport.objects.filter(indicator_uid=indicator.uid)
            .select_related("created_by")
            .order_by("-created")[:10],
        },
        status=status,
    )


def _record(pk: int) -> tuple[ObservationImport, Any]:
    record = get_object_or_404(ObservationImport, pk=pk)
    return record, _indicator(record.indicator_uid)


def _preview_page(
    request: HttpRequest, record: ObservationImport, indicator: Any, status: int = 200
) -> HttpResponse:
    with record.file.open("rb") as handle:
        preview = services.preview(indicator, record.file_name, handle.read())
    return render(
        request,
        "monitoring/import_preview.html",
        {
            "indicator": indicator,
            "record": record,
            "preview": preview,
            "added": preview.added[:PREVIEW_ROWS],
            "changed": preview.changed[:PREVIEW_ROWS],
            "limit": PREVIEW_ROWS,
        },
        status=status,
    )


@editor_page
@require_safe
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    record, indicator = _record(pk)
    return _preview_page(request, record, indicator)


@editor_page
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    record, indicator = _record(pk)
    try:
        record = services.import_commit(record=record, indicator=indicator, by=request.user)
    except ValidationError as exc:
        for message in exc.messages[:20]:
            messages.error(request, message)
        return _preview_page(request, record, indicator, status=400)
    messages.success(
        request,
        _("Imported: %(added)s added, %(changed)s changed, %(unchanged)s unchanged.")
        % {"added": record.added, "changed": record.changed, "unchanged": record.unchanged},
    )
    return redirect("monitoring:import_start", uid=indicator.uid)
