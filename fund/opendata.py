"""The fund's grants as open data: a 360Giving JSON package and a 360Giving flat CSV.

Only grants whose application is in a state of ``workflow.PUBLISHED`` are listed, and
no personal data: of the recipient only the organisation's name, seat (municipality)
and legal form; no users, contact persons, e-mail addresses or street addresses.

The identifiers are local identifiers, not registered on org-id.guide:
``DE-TEILHABE-<fund slug>-<grant pk>`` for a grant, ``DE-TEILHABE-ORG-<organisation pk>``
for a recipient organisation and ``DE-TEILHABE-<AGS or pk of the body>`` for the funder.
The municipalities served are given with their AGS as ``geoCode``; ``geoCodeType`` is left
out because the 360Giving code list only knows British area types.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from core.models import Organisation
from core.opendata import Resource
from council.models import Body
from fund import workflow
from fund.models import Fund, Grant

CURRENCY = "EUR"
COUNTRY = "DE"
PREFIX = "DE-TEILHABE"
SEPARATOR = " | "

# The 360Giving flat CSV headings, in the order of the file.
COLUMNS: tuple[str, ...] = (
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Applied For",
    "Amount Awarded",
    "Award Date",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:City",
    "Recipient Org:Country",
    "Recipient Org:Organisation Type",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "Beneficiary Location:Name",
    "Beneficiary Location:Geographic Code",
    "Beneficiary Location:Country Code",
    "From An Open Call?",
    "Last Modified",
    "Data Source",
)
COLUMN_DESCRIPTIONS: dict[str, Any] = {
    "Identifier": gettext_lazy("The grant's identifier (local to this installation)."),
    "Title": gettext_lazy("The project's title."),
    "Description": gettext_lazy("What the project does."),
    "Currency": gettext_lazy("The currency of the amounts."),
    "Amount Applied For": gettext_lazy("The amount the organisation requested."),
    "Amount Awarded": gettext_lazy("The amount granted."),
    "Award Date": gettext_lazy("The day the grant notice was issued."),
    "Planned Dates:Start Date": gettext_lazy("The start of the funded period."),
    "Planned Dates:End Date": gettext_lazy("The end of the funded period."),
    "Recipient Org:Identifier": gettext_lazy("The funded organisation's identifier."),
    "Recipient Org:Name": gettext_lazy("The funded organisation's name."),
    "Recipient Org:City": gettext_lazy("The municipality of the funded organisation's seat."),
    "Recipient Org:Country": gettext_lazy("The country of the funded organisation."),
    "Recipient Org:Organisation Type": gettext_lazy("The legal form of the funded organisation."),
    "Funding Org:Identifier": gettext_lazy("The funder's identifier."),
    "Funding Org:Name": gettext_lazy("The funder's name."),
    "Grant Programme:Code": gettext_lazy("The call's identifier."),
    "Grant Programme:Title": gettext_lazy("The call's title."),
    "Beneficiary Location:Name": gettext_lazy("The municipalities the project serves."),
    "Beneficiary Location:Geographic Code": gettext_lazy("Their official municipality keys (AGS)."),
    "Beneficiary Location:Country Code": gettext_lazy("The country of the places served."),
    "From An Open Call?": gettext_lazy("Whether the grant came from an open call."),
    "Last Modified": gettext_lazy("When the grant's data last changed."),
    "Data Source": gettext_lazy("Where the data is published."),
}
COLUMN_TYPES: dict[str, str] = {
    "Amount Applied For": "number",
    "Amount Awarded": "number",
    "Award Date": "date",
    "Planned Dates:Start Date": "date",
    "Planned Dates:End Date": "date",
    "Last Modified": "datetime",
}
LIST_COLUMNS = frozenset({"Beneficiary Location:Name", "Beneficiary Location:Geographic Code"})


def grant_id(grant: Grant) -> str:
    return f"{PREFIX}-{grant.application.call.fund.slug}-{grant.pk}"


def organisation_id(organisation: Organisation) -> str:
    return f"{PREFIX}-ORG-{organisation.pk}"


def body_id(body: Body) -> str:
    return f"{PREFIX}-{body.ags or body.pk}"


def published_grants() -> QuerySet[Grant]:
    """Every grant that may be published, by issue date."""
    return (
        Grant.objects.filter(application__state__in=workflow.PUBLISHED)
        .select_related(
            "application__organisation__municipality",
            "application__call__fund__body",
        )
        .prefetch_related("application__municipalities")
        .order_by("issued_at", "pk")
    )


def _amount(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _timestamp(value: dt.datetime) -> str:
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _recipient(organisation: Organisation) -> dict[str, Any]:
    result: dict[str, Any] = {"id": organisation_id(organisation), "name": organisation.name}
    if organisation.municipality is not None:
        result["addressLocality"] = organisation.municipality.name
    result["addressCountry"] = COUNTRY
    if organisation.legal_form:
        result["organisationType"] = organisation.legal_form
    return result


def grant_entry(grant: Grant, *, source: str) -> dict[str, Any]:
    """One grant as a 360Giving grant object."""
    application = grant.application
    call = application.call
    fund: Fund = call.fund
    body = fund.body
    entry: dict[str, Any] = {
        "id": grant_id(grant),
        "title": application.title,
        "description": application.summary.strip() or application.title,
        "currency": CURRENCY,
        "amountAppliedFor": _amount(application.requested_amount),
        "amountAwarded": _amount(grant.amount),
        "awardDate": timezone.localdate(grant.issued_at).isoformat(),
        "plannedDates": [{"startDate": grant.start.isoformat(), "endDate": grant.end.isoformat()}],
        "recipientOrganization": [_recipient(application.organisation)],
        "fundingOrganization": [{"id": body_id(body), "name": body.name}],
        "grantProgramme": [{"code": f"{PREFIX}-{fund.slug}-{call.year}", "title": call.title}],
        "fromOpenCall": "Yes",
    }
    locations = [
        {"name": m.name, "geoCode": m.key, "countryCode": COUNTRY}
        for m in sorted(application.municipalities.all(), key=lambda m: m.key)
    ]
    if locations:
        entry["beneficiaryLocation"] = locations
    entry["dateModified"] = _timestamp(max(grant.issued_at, application.modified))
    entry["dataSource"] = source
    return entry


def package(grants: Iterable[Grant], *, source: str) -> dict[str, Any]:
    """The 360Giving package ``{"grants": [...]}`` of ``grants``."""
    return {"grants": [grant_entry(grant, source=source) for grant in grants]}


def _row(entry: dict[str, Any]) -> dict[str, Any]:
    recipient = entry["recipientOrganization"][0]
    funder = entry["fundingOrganization"][0]
    programme = entry["grantProgramme"][0]
    dates = entry["plannedDates"][0]
    locations = entry.get("beneficiaryLocation", [])
    return {
        "Identifier": entry["id"],
        "Title": entry["title"],
        "Description": entry["description"],
        "Currency": entry["currency"],
        "Amount Applied For": entry["amountAppliedFor"],
        "Amount Awarded": entry["amountAwarded"],
        "Award Date": entry["awardDate"],
        "Planned Dates:Start Date": dates["startDate"],
        "Planned Dates:End Date": dates["endDate"],
        "Recipient Org:Identifier": recipient["id"],
        "Recipient Org:Name": recipient["name"],
        "Recipient Org:City": recipient.get("addressLocality", ""),
        "Recipient Org:Country": recipient.get("addressCountry", ""),
        "Recipient Org:Organisation Type": recipient.get("organisationType", ""),
        "Funding Org:Identifier": funder["id"],
        "Funding Org:Name": funder["name"],
        "Grant Programme:Code": programme["code"],
        "Grant Programme:Title": programme["title"],
        "Beneficiary Location:Name": SEPARATOR.join(loc["name"] for loc in locations),
        "Beneficiary Location:Geographic Code": SEPARATOR.join(loc["geoCode"] for loc in locations),
        "Beneficiary Location:Country Code": COUNTRY if locations else "",
        "From An Open Call?": entry["fromOpenCall"],
        "Last Modified": entry["dateModified"],
        "Data Source": entry["dataSource"],
    }


def csv_text(document: dict[str, Any]) -> str:
    """The package as a 360Giving flat CSV: a header of ``COLUMNS``, one row per grant."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for entry in document["grants"]:
        writer.writerow(_row(entry))
    return out.getvalue()


def table_schema() -> dict[str, Any]:
    """The Frictionless Table Schema of grants.csv."""
    fields: list[dict[str, Any]] = []
    for name in COLUMNS:
        field: dict[str, Any] = {
            "name": name,
            "type": COLUMN_TYPES.get(name, "string"),
            "description": str(COLUMN_DESCRIPTIONS[name]),
        }
        if name in LIST_COLUMNS:
            field["description"] += " " + _("One or more values, separated by “%(separator)s”.") % {
                "separator": SEPARATOR.strip()
            }
        if name == "Identifier":
            field["constraints"] = {"required": True, "unique": True}
        elif name == "Currency":
            field["constraints"] = {"enum": [CURRENCY]}
        fields.append(field)
    return {"fields": fields, "primaryKey": ["Identifier"], "missingValues": [""]}


def _source(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("fund_opendata:grants_json"))


def _open(response: HttpResponse, filename: str) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def grants_json(request: HttpRequest) -> HttpResponse:
    document = package(published_grants(), source=_source(request))
    content = json.dumps(document, ensure_ascii=False, indent=1)
    return _open(HttpResponse(content, content_type="application/json"), "360giving.json")


@require_safe
def grants_csv(request: HttpRequest) -> HttpResponse:
    document = package(published_grants(), source=_source(request))
    response = HttpResponse(csv_text(document), content_type="text/csv; charset=utf-8")
    return _open(response, "grants.csv")


def opendata_resources(request: HttpRequest) -> list[Resource]:
    """The grants of every fund, as a 360Giving JSON package and as a flat CSV."""
    group = _("Fund: grants")
    return [
        Resource(
            name="grants-360giving-json",
            title=_("Grants – 360Giving JSON"),
            description=_(
                "Every grant issued, as a package of the 360Giving Data Standard, without "
                "personal data."
            ),
            path=reverse("fund_opendata:grants_json"),
            format="json",
            group=group,
        ),
        Resource(
            name="grants-csv",
            title=_("Grants – CSV"),
            description=_(
                "One row per grant issued, with the column headings of the 360Giving flat "
                "format, without personal data."
            ),
            path=reverse("fund_opendata:grants_csv"),
            format="csv",
            schema=table_schema(),
            group=group,
        ),
    ]
