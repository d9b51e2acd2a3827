"""Core pages: health check, start page, an object's audit history."""

from __future__ import annotations

from django.apps import apps
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core import policies
from core.audit import history_entries
from council import selectors as council_selectors


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the app and its database answer; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "unhealthy"
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    from council import policies as council_policies
    from plan import selectors as plan_selectors

    papers = council_policies.visible_papers(request.user).order_by("-date", "-pk")[:5]
    return render(
        request,
        "core/home.html",
        {
            "papers": papers,
            "meetings": council_selectors.upcoming_meetings(),
            "plans": plan_selectors.plans_in_force(),
        },
    )


@require_safe
def object_history(request: HttpRequest, app_label: str, model_name: str, pk: int) -> HttpResponse:
    """Staff page: every recorded change of one object, who made it, before and after."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404 from exc
    if not hasattr(model, "history"):
        raise Http404
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None or not policies.can_view_history(request.user, obj):
        raise Http404
    return render(
        request,
        "core/object_history.html",
        {"object": obj, "model_name": model._meta.verbose_name, "entries": history_entries(obj)},
    )
