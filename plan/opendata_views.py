"""Open data pages: the index of every file, datapackage.json, plan exports, the CSV import."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from core import opendata
from council.models import Body
from plan import exchange, policies, selectors, services
from plan.errors import PlanError, PlanImportRejected
from plan.models import Plan, PlanVersion

MAX_IMPORT_BYTES = 5 * 1024 * 1024


def _open(response: HttpResponse) -> HttpResponse:
    """Open data may be read by any web page (no cookies are involved)."""
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _licence(body: Body | None) -> opendata.Licence | None:
    return opendata.Licence.from_url(body.license) if body and body.license else None


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    groups: dict[str, list[opendata.Resource]] = {}
    for resource in opendata.resources(request):
        groups.setdefault(str(resource.group), []).append(resource)
    try:
        oparl = reverse("oparl:system")
    except NoReverseMatch:
        oparl = ""
    body = exchange.publisher()
    return render(
        request,
        "plan/opendata/index.html",
        {
            "groups": groups,
            "licence": _licence(body),
            "publisher": body,
            "oparl_url": oparl,
        },
    )


@require_safe
def datapackage(request: HttpRequest) -> HttpResponse:
    body = exchange.publisher()
    owner = (body.short_name or body.name) if body else ""
    licence = _licence(body)
    descriptor = opendata.datapackage(
        request,
        name=f"teilhabe-{owner}" if owner else "teilhabe",
        title=_("Open data of %(body)s") % {"body": owner} if owner else _("Open data"),
        description=_(
            "The integration plan and what belongs to it, as files free to reuse. "
            "Each file is listed with its address and, for tables, its columns."
        ),
        licences=[licence] if licence else [],
        homepage=request.build_absolute_uri(reverse("opendata:index")),
    )
    content = json.dumps(descriptor, ensure_ascii=False, indent=2)
    return _open(HttpResponse(content, content_type="application/json"))


def _plan(slug: str | None) -> Plan:
    plan = selectors.default_plan() if slug is None else selectors.plans().filter(slug=slug).first()
    if plan is None:
        raise Http404
    return plan


@require_safe
def plan_export(
    request: HttpRequest, version: str, fmt: str, slug: str | None = None
) -> HttpResponse:
    found = selectors.version_for(request.user, _plan(slug), version)
    export = exchange.version_export(found)
    if fmt == "csv":
        response = HttpResponse(exchange.csv_text(export), content_type="text/csv; charset=utf-8")
    else:
        document = exchange.json_document(export, absolute=request.build_absolute_uri)
        response = HttpResponse(
            json.dumps(document, ensure_ascii=False, indent=1),
            content_type="application/json",
        )
    response["Content-Disposition"] = f'inline; filename="{exchange.filename(found, fmt)}"'
    return _open(response)


class ImportForm(forms.Form):
    """A CSV file or pasted CSV text; ``clean`` leaves the text in ``cleaned_data["text"]``."""

    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        required=False,
        help_text=gettext_lazy("Saved as CSV in UTF-8, at most 5 MB."),
    )
    pasted = forms.CharField(
        label=gettext_lazy("Or paste the CSV text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        pasted = data.get("pasted") or ""
        if upload and pasted.strip():
            raise forms.ValidationError(
                _("Give either a file or pasted text, not both."), code="both"
            )
        if upload:
            if upload.size > MAX_IMPORT_BYTES:
                self.add_error(
                    "file",
                    _("The file is larger than 5 MB. Split it into several imports."),
                )
                return data
            try:
                data["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                self.add_error(
                    "file",
                    _(
                        "The file is not encoded in UTF-8. Save it again as “CSV UTF-8” "
                        "(Excel) or with the character set “Unicode (UTF-8)” (LibreOffice)."
                    ),
                )
        elif pasted.strip():
            data["text"] = pasted
        else:
            raise forms.ValidationError(_("Choose a CSV file or paste its content."), code="empty")
        return data


def _workspace_url(version: PlanVersion) -> str:
    """Where an editor goes after an import: the draft's workspace, else its page."""
    kwargs = {"slug": version.plan.slug, "number": version.number}
    try:
        return reverse("plan_edit:workspace", kwargs=kwargs)
    except NoReverseMatch:
        return exchange.version_url(version) or reverse("opendata:plan_import", kwargs=kwargs)


@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    plan = _plan(slug)
    if not policies.is_plan_editor(request.user):
        raise PermissionDenied
    version = selectors.version_for(request.user, plan, number)
    if not policies.can_edit_version(request.user, version):
        raise PermissionDenied
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.version_import_csv(
                version=version, text=form.cleaned_data["text"], by=request.user
            )
        except PlanImportRejected as exc:
            problems = exc.problems
        except PlanError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "Import finished: %(created)s created, %(changed)s changed, "
                    "%(unchanged)s unchanged."
                )
                % result.counts,
            )
            return redirect(_workspace_url(version))
    return render(
        request,
        "plan/opendata/import.html",
        {
            "plan": plan,
            "version": version,
            "form": form,
            "problems": problems,
            "columns": exchange.column_help(),
            "export_url": exchange.export_path(version, "csv"),
            "version_url": exchange.version_url(version),
            "max_megabytes": MAX_IMPORT_BYTES // (1024 * 1024),
        },
    )
