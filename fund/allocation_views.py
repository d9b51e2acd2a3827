"""The fund office's allocation pages: the best portfolio for a call's money, explained.

The page solves the call's allocation as it stands for the settings in its form (a GET:
nothing is written) and shows the optimal portfolio beside the funding line. With htmx a
changed setting re-solves and swaps only the result. Saving writes an allocation run with
its settings, instance and result; a run that is still up to date can become the call's
recommendation list, which the decision paper then proposes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.http import is_htmx
from fund import services
from fund.allocation_report import Names, report
from fund.models import AllocationRun, Application, Call
from fund.office_forms import AllocationForm
from fund.office_views import office_page


def _call(pk: int) -> Call:
    return get_object_or_404(Call.objects.select_related("fund"), pk=pk)


class _Setup:
    """What the page needs before solving: candidates, their fields and municipalities.

    ``pool`` is read once here and handed on to the solve, which then reads nothing again.
    """

    def __init__(self, call: Call) -> None:
        self.call = call
        self.pool = services.allocation_pool(call)
        self.applications: list[Application] = self.pool.applications
        self.fields = self.pool.fields
        # The candidates come with their municipalities: no query for the form's list.
        served = {m.key: m for a in self.applications for m in a.municipalities.all()}
        self.municipalities = sorted(served.values(), key=lambda m: m.name)
        self.names = Names(
            applications={str(a.pk): a.title for a in self.applications},
            municipalities={m.key: m.name for m in self.municipalities},
            organisations={str(a.organisation_id): a.organisation.name for a in self.applications},
        )
        self.left = self.pool.left

    def form(self, data: Any = None) -> AllocationForm:
        return AllocationForm(
            data,
            initial={"budget": self.left, "objective": "score"},
            fields=self.fields,
            municipalities=self.municipalities,
            applications=self.applications,
        )

    def query(self, settings: services.AllocationSettings) -> str:
        data = AllocationForm.data_from(
            settings, fields=self.fields, applications=self.applications
        )
        return urlencode({k: v for k, v in data.items() if v not in ("", None)})


@office_page
@require_safe
def allocation(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(pk)
    setup = _Setup(call)
    form = setup.form(request.GET if "budget" in request.GET else None)
    context: dict[str, Any] = {"call": call, "form": form, "setup": setup}
    if not form.is_bound or form.is_valid():
        settings = (
            form.settings() if form.is_bound else services.AllocationSettings(budget=setup.left)
        )
        inputs, result = services.allocation_solve(call, settings, pool=setup.pool)
        context["report"] = report(inputs, result, setup.names)
        context["query"] = setup.query(settings)
    template = "fund/office/_allocation.html" if is_htmx(request) else None
    if template is None:
        context["runs"] = call.allocation_runs.select_related("created_by", "applied_by")[:10]
    response = render(request, template or "fund/office/allocation.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@office_page
@require_POST
def allocation_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the result shown: the settings come as the page's query string."""
    call = _call(pk)
    setup = _Setup(call)
    form = setup.form(QueryDict(request.POST.get("query", "")))
    back = reverse("fund_office:allocation", args=[call.pk])
    if not form.is_valid():
        messages.error(request, _("The settings could not be read; calculate again."))
        return redirect(back)
    try:
        run = services.allocation_run_create(call=call, by=request.user, settings=form.settings())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(request, _("The allocation run was saved."))
    return redirect("fund_office:allocation_run", pk=call.pk, run=run.pk)


def _run(call: Call, run: int) -> AllocationRun:
    return get_object_or_404(
        AllocationRun.objects.select_related("created_by", "applied_by"), call=call, pk=run
    )


@office_page
@require_safe
def allocation_run(request: HttpRequest, pk: int, run: int) -> HttpResponse:
    call = _call(pk)
    saved = _run(call, run)
    setup = _Setup(call)
    settings = services.AllocationSettings.from_json(saved.options)
    return render(
        request,
        "fund/office/allocation_run.html",
        {
            "call": call,
            "run": saved,
            "report": report(saved.inputs, saved.result, setup.names),
            "problems": services.allocation_run_problems(saved, pool=setup.pool),
            "query": setup.query(settings),
        },
    )


@office_page
@require_POST
def allocation_run_apply(request: HttpRequest, pk: int, run: int) -> HttpResponse:
    call = _call(pk)
    saved = _run(call, run)
    try:
        services.allocation_run_apply(run=saved, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("fund_office:allocation_run", pk=call.pk, run=saved.pk)
    messages.success(
        request,
        _(
            "The run is the recommendation list now: its projects are recommended, the "
            "others not; the decision paper proposes its amounts."
        ),
    )
    return redirect("fund_office:call_detail", pk=call.pk)
