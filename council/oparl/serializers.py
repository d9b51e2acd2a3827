"""OParl 1.1 JSON of each object type, built as plain dicts from the selectors' rows.

Rules of the spec followed here (chapters 2-04, 2-08, 3-00, 3-01):

* properties without data are left out: no null, "" or []; mandatory lists stay;
* every object, embedded ones too, carries ``created`` and ``modified``
  (``yyyy-mm-ddThh:mm:ss±hh:mm``, in the body's local time);
* an embedded object leaves out the back-reference to its parent, which it carries
  when served on its own (``Consultation.paper``, ``AgendaItem.meeting`` ...);
* a deleted object keeps id, type, created and modified plus ``deleted: true`` (and the
  few properties the schema requires, such as ``AgendaItem.order``), and is never embedded.

What OParl has no field for goes into vendor properties prefixed ``teilhabe:``:
a consultation's vote (``teilhabe:vote``), a paper's budget table
(``teilhabe:budgetReference``) and its submission date (``teilhabe:submissionDate``),
and the planned date of a consultation (``teilhabe:plannedDate``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from council.models import Meeting, Organization

SCHEMA = "https://schema.oparl.org/1.1/"
OPARL_VERSION = "https://schema.oparl.org/1.1/"
VENDOR = "teilhabe:"

T_SYSTEM = SCHEMA + "System"
T_BODY = SCHEMA + "Body"
T_TERM = SCHEMA + "LegislativeTerm"
T_ORGANIZATION = SCHEMA + "Organization"
T_PERSON = SCHEMA + "Person"
T_MEMBERSHIP = SCHEMA + "Membership"
T_MEETING = SCHEMA + "Meeting"
T_AGENDA_ITEM = SCHEMA + "AgendaItem"
T_PAPER = SCHEMA + "Paper"
T_CONSULTATION = SCHEMA + "Consultation"
T_FILE = SCHEMA + "File"
T_LOCATION = SCHEMA + "Location"

# OParl's meetingState is free text; these are the words German systems use.
MEETING_STATES = {
    Meeting.State.PLANNED: "terminiert",
    Meeting.State.INVITED: "eingeladen",
    Meeting.State.HELD: "durchgeführt",
}
_SENTINEL = 987654321  # stands for the pk while a page URL is reversed once per process


_PATHS: dict[tuple[str | None, str, str], Any] = {}


def _path(url_name: str) -> str:
    """A URL path without arguments, reversed once per URL configuration."""
    key = (get_urlconf(), get_script_prefix(), url_name)
    path = _PATHS.get(key)
    if path is None:
        path = _PATHS[key] = reverse(url_name)
    return path


def _page_path(url_name: str) -> tuple[str, str]:
    """The path of an HTML page around its pk, reversed once per URL configuration."""
    key = (get_urlconf(), get_script_prefix(), url_name + "#pk")
    parts = _PATHS.get(key)
    if parts is None:
        path = reverse(url_name, kwargs={"pk": _SENTINEL})
        head, _, tail = path.partition(str(_SENTINEL))
        parts = _PATHS[key] = (head, tail)
    return parts


class Output:
    """Everything one response needs to build URLs and times, computed once per request."""

    def __init__(
        self, request: HttpRequest | None, *, omit_internal: bool = False, site: str = ""
    ) -> None:
        # ``site`` instead of a request renders for another address (council.oparl.documents).
        self.site = request.build_absolute_uri("/") if request is not None else site
        self.api = self.site[:-1] + _path("oparl:system")
        self.omit_internal = omit_internal
        self.tz = timezone.get_default_timezone()
        self._pages: dict[str, tuple[str, str]] = {}
        # Objects created together share their times; each is formatted once.
        self._times: dict[dt.datetime, str] = {}

    def web(self, url_name: str, pk: int) -> str:
        """The absolute URL of an HTML page that takes the object's pk."""
        parts = self._pages.get(url_name)
        if parts is None:
            head, tail = _page_path(url_name)
            parts = self._pages[url_name] = (self.site[:-1] + head, tail)
        return f"{parts[0]}{pk}{parts[1]}"

    def time(self, moment: dt.datetime) -> str:
        """``yyyy-mm-ddThh:mm:ss±hh:mm``; a naive value is UTC (SQLite's raw rows)."""
        text = self._times.get(moment)
        if text is None:
            aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
            text = self._times[moment] = aware.astimezone(self.tz).isoformat(timespec="seconds")
        return text


def _deleted(out: Output, path: str, type_: str, row: dict[str, Any]) -> dict[str, Any]:
    """A deleted object as OParl 2-08 serves it."""
    return {
        "id": f"{out.api}{path}/{row['id']}",
        "type": type_,
        "created": out.time(row["created"]),
        "modified": out.time(row["modified"]),
        "deleted": True,
    }


def _stamp(d: dict[str, Any], row: dict[str, Any], out: Output) -> dict[str, Any]:
    d["created"] = out.time(row["created"])
    d["modified"] = out.time(row["modified"])
    return d


def _urls(out: Output, path: str, ids: list[int]) -> list[str]:
    prefix = f"{out.api}{path}/"
    return [f"{prefix}{pk}" for pk in ids]


# -- System and Body -------------------------------------------------------------------


def system(out: Output, times: dict[str, Any]) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": out.api,
        "type": T_SYSTEM,
        "oparlVersion": OPARL_VERSION,
        "name": "Teilhabe",
        "body": f"{out.api}body",
        "website": out.site,
        "web": out.site,
    }
    if times.get("created"):
        d["created"] = out.time(times["created"])
        d["modified"] = out.time(times["modified"])
    return d


def body(row: dict[str, Any], out: Output) -> dict[str, Any]:
    pk = row["id"]
    base = f"{out.api}body/{pk}"
    lists = {
        "organization": f"{base}/organization",
        "person": f"{base}/person",
        "meeting": f"{base}/meeting",
        "paper": f"{base}/paper",
    }
    if row["deleted"]:
        # A deleted Body still needs the properties its schema requires.
        d = _deleted(out, "body", T_BODY, row)
        return {**d, "name": row["name"], **lists, "legislativeTerm": []}
    d: dict[str, Any] = {"id": base, "type": T_BODY, "system": out.api, "name": row["name"]}
    for key, field in (
        ("shortName", "short_name"),
        ("website", "website"),
        ("license", "license"),
        ("ags", "ags"),
        ("classification", "classification"),
        ("contactEmail", "contact_email"),
        ("contactName", "contact_name"),
    ):
        if row[field]:
            d[key] = row[field]
    d.update(lists)
    d["legislativeTerm"] = [legislative_term(t, out, embedded=True) for t in row.get("terms", [])]
    d["legislativeTermList"] = f"{base}/legislativeterm"
    d["agendaItem"] = f"{base}/agendaitem"
    d["consultation"] = f"{base}/consultation"
    d["file"] = f"{base}/file"
    d["locationList"] = f"{base}/location"
    d["membership"] = f"{base}/membership"
    d["web"] = out.site
    return _stamp(d, row, out)


def legislative_term(row: dict[str, Any], out: Output, *, embedded: bool = False) -> dict:
    if row["deleted"]:
        return _deleted(out, "legislativeterm", T_TERM, row)
    d: dict[str, Any] = {"id": f"{out.api}legislativeterm/{row['id']}", "type": T_TERM}
    if not embedded:
        d["body"] = f"{out.api}body/{row['body_id']}"
    if row["name"]:
        d["name"] = row["name"]
    if row["start_date"]:
        d["startDate"] = row["start_date"].isoformat()
    if row["end_date"]:
        d["endDate"] = row["end_date"].isoformat()
    return _stamp(d, row, out)


# -- Location, Organization, Person, Membership ------------------------------------------


def location(row: dict[str, Any], out: Output, *, embedded: bool = False) -> dict[str, Any]:
    if row["deleted"]:
        return _deleted(out, "location", T_LOCATION, row)
    d: dict[str, Any] = {"id": f"{out.api}location/{row['id']}", "type": T_LOCATION}
    for key, field in (
        ("description", "description"),
        ("streetAddress", "street_address"),
        ("room", "room"),
        ("postalCode", "postal_code"),
        ("locality", "locality"),
    ):
        if row[field]:
            d[key] = row[field]
    if not embedded:
        if row.get("organization_ids"):
            d["organizations"] = _urls(out, "organization", row["organization_ids"])
        if row.get("meeting_ids"):
            d["meetings"] = _urls(out, "meeting", row["meeting_ids"])
    return _stamp(d, row, out)


def organization(row: dict[str, Any], out: Output) -> dict[str, Any]:
    pk = row["id"]
    if row["deleted"]:
        return _deleted(out, "organization", T_ORGANIZATION, row)
    base = f"{out.api}organization/{pk}"
    d: dict[str, Any] = {
        "id": base,
        "type": T_ORGANIZATION,
        "body": f"{out.api}body/{row['body_id']}",
        "name": row["name"],
    }
    if row["short_name"]:
        d["shortName"] = row["short_name"]
    if row.get("membership_ids"):
        d["membership"] = _urls(out, "membership", row["membership_ids"])
    d["meeting"] = f"{base}/meeting"
    d["consultation"] = f"{base}/consultation"
    d["organizationType"] = Organization.OPARL_TYPES.get(row["kind"], "Sonstiges")
    if row["classification"]:
        d["classification"] = row["classification"]
    if row["start_date"]:
        d["startDate"] = row["start_date"].isoformat()
    if row["end_date"]:
        d["endDate"] = row["end_date"].isoformat()
    if row["website"]:
        d["website"] = row["website"]
    if row.get("location"):
        d["location"] = location(row["location"], out, embedded=True)
    d["web"] = out.web("council:organization_detail", pk)
    return _stamp(d, row, out)


def person(row: dict[str, Any], out: Output) -> dict[str, Any]:
    pk = row["id"]
    if row["deleted"]:
        return _deleted(out, "person", T_PERSON, row)
    names = (row["title"], row["given_name"], row["family_name"])
    d: dict[str, Any] = {
        "id": f"{out.api}person/{pk}",
        "type": T_PERSON,
        "body": f"{out.api}body/{row['body_id']}",
        "name": " ".join(n for n in names if n),
    }
    if row["family_name"]:
        d["familyName"] = row["family_name"]
    if row["given_name"]:
        d["givenName"] = row["given_name"]
    if row["form_of_address"]:
        d["formOfAddress"] = row["form_of_address"]
    if row["title"]:
        d["title"] = [row["title"]]
    if row["status"]:
        d["status"] = [row["status"]]
    if row.get("memberships") and not out.omit_internal:
        d["membership"] = [membership(m, out, embedded=True) for m in row["memberships"]]
    d["web"] = out.web("council:person_detail", pk)
    return _stamp(d, row, out)


def membership(row: dict[str, Any], out: Output, *, embedded: bool = False) -> dict[str, Any]:
    if row["deleted"]:
        return _deleted(out, "membership", T_MEMBERSHIP, row)
    d: dict[str, Any] = {"id": f"{out.api}membership/{row['id']}", "type": T_MEMBERSHIP}
    if not embedded:
        d["person"] = f"{out.api}person/{row['person_id']}"
    d["organization"] = f"{out.api}organization/{row['organization_id']}"
    if row["role"]:
        d["role"] = row["role"]
    d["votingRight"] = row["voting_right"]
    if row["start_date"]:
        d["startDate"] = row["start_date"].isoformat()
    if row["end_date"]:
        d["endDate"] = row["end_date"].isoformat()
    if row["on_behalf_of_id"]:
        d["onBehalfOf"] = f"{out.api}organization/{row['on_behalf_of_id']}"
    return _stamp(d, row, out)


# -- Meeting, AgendaItem, File ---------------------------------------------------------------


def meeting(row: dict[str, Any], out: Output) -> dict[str, Any]:
    pk = row["id"]
    if row["deleted"]:
        return _deleted(out, "meeting", T_MEETING, row)
    d: dict[str, Any] = {"id": f"{out.api}meeting/{pk}", "type": T_MEETING, "name": row["name"]}
    state = MEETING_STATES.get(row["state"])
    if state:
        d["meetingState"] = state
    d["cancelled"] = row["cancelled"]
    d["start"] = out.time(row["start"])
    if row["end"]:
        d["end"] = out.time(row["end"])
    if row.get("location"):
        d["location"] = location(row["location"], out, embedded=True)
    if row.get("organization_ids"):
        d["organization"] = _urls(out, "organization", row["organization_ids"])
    if row.get("items") and not out.omit_internal:
        d["agendaItem"] = [agenda_item(i, out, embedded=True) for i in row["items"]]
    if row.get("files") and not out.omit_internal:
        d["auxiliaryFile"] = [file(f, out, embedded=True) for f in row["files"]]
    d["web"] = out.web("council:meeting_detail", pk)
    return _stamp(d, row, out)


def agenda_item(row: dict[str, Any], out: Output, *, embedded: bool = False) -> dict[str, Any]:
    if row["deleted"]:
        # ``order`` is required by the AgendaItem schema even for a deleted item.
        return {**_deleted(out, "agendaitem", T_AGENDA_ITEM, row), "order": row["order"]}
    d: dict[str, Any] = {"id": f"{out.api}agendaitem/{row['id']}", "type": T_AGENDA_ITEM}
    if not embedded:
        d["meeting"] = f"{out.api}meeting/{row['meeting_id']}"
    if row["number"]:
        d["number"] = row["number"]
    d["order"] = row["order"]
    if row["name"]:
        d["name"] = row["name"]
    d["public"] = row["public"]
    if row["consultation_id"] and row["consultation_public"]:
        d["consultation"] = f"{out.api}consultation/{row['consultation_id']}"
    if row["result"]:
        d["result"] = row["result"]
    if row["resolution_text"]:
        d["resolutionText"] = row["resolution_text"]
    if row.get("files") and not out.omit_internal:
        d["auxiliaryFile"] = [file(f, out, embedded=True) for f in row["files"]]
    return _stamp(d, row, out)


def file(row: dict[str, Any], out: Output, *, embedded: bool = False) -> dict[str, Any]:
    """A File; the full text and the back-references only when served on its own."""
    pk = row["id"]
    access = out.web("council:file_download", pk)
    if row["deleted"]:
        # ``accessUrl`` is required by the File schema even for a deleted file.
        return {**_deleted(out, "file", T_FILE, row), "accessUrl": access}
    d: dict[str, Any] = {"id": f"{out.api}file/{pk}", "type": T_FILE}
    if row["name"]:
        d["name"] = row["name"]
    if row["file_name"]:
        d["fileName"] = row["file_name"]
    if row["mime_type"]:
        d["mimeType"] = row["mime_type"]
    if row["date"]:
        d["date"] = row["date"].isoformat()
    if row["size"]:
        d["size"] = row["size"]
    if row["sha512"]:
        d["sha512Checksum"] = row["sha512"]
    if not embedded and row.get("text"):
        d["text"] = row["text"]
    d["accessUrl"] = access
    d["downloadUrl"] = out.web("council:file_attachment", pk)
    if not embedded:
        if row["paper_id"]:
            d["paper"] = [f"{out.api}paper/{row['paper_id']}"]
        if row["meeting_id"]:
            d["meeting"] = [f"{out.api}meeting/{row['meeting_id']}"]
        if row["agenda_item_id"]:
            d["agendaItem"] = [f"{out.api}agendaitem/{row['agenda_item_id']}"]
    return _stamp(d, row, out)


# -- Paper and Consultation ------------------------------------------------------------------


def paper(row: dict[str, Any], out: Output) -> dict[str, Any]:
    pk = row["id"]
    if row["deleted"]:
        return _deleted(out, "paper", T_PAPER, row)
    api = out.api
    d: dict[str, Any] = {
        "id": f"{api}paper/{pk}",
        "type": T_PAPER,
        "body": f"{api}body/{row['body_id']}",
        "name": row["name"],
    }
    if row["reference"]:
        d["reference"] = row["reference"]
    if row["date"]:
        d["date"] = row["date"].isoformat()
    if row["paper_type"]:
        d["paperType"] = row["paper_type"]
    if row.get("related_ids"):
        d["relatedPaper"] = _urls(out, "paper", row["related_ids"])
    if row["superordinated_paper_id"] and row["superordinated_public"]:
        d["superordinatedPaper"] = [f"{api}paper/{row['superordinated_paper_id']}"]
    if row.get("subordinated_ids"):
        d["subordinatedPaper"] = _urls(out, "paper", row["subordinated_ids"])
    main = None
    auxiliary = []
    for f in row.get("files", ()):
        if main is None and f["is_main_file"]:
            main = f
        else:
            auxiliary.append(f)
    if main is not None:
        d["mainFile"] = file(main, out, embedded=True)
    if auxiliary and not out.omit_internal:
        d["auxiliaryFile"] = [file(f, out, embedded=True) for f in auxiliary]
    if row.get("originator_ids"):
        d["originatorOrganization"] = _urls(out, "organization", row["originator_ids"])
    steps = row.get("consultations", ())
    leading = []
    for c in steps:
        if c["leading"] and c["organization_id"] not in leading:
            leading.append(c["organization_id"])
    if leading:
        d["underDirectionOf"] = _urls(out, "organization", leading)
    if steps:
        d["consultation"] = [consultation(c, out, embedded=True) for c in steps]
    if row["submission_date"]:
        d[VENDOR + "submissionDate"] = row["submission_date"].isoformat()
    if row.get("budget"):
        d[VENDOR + "budgetReference"] = [budget_reference(b) for b in row["budget"]]
    d["web"] = out.web("council:paper_detail", pk)
    return _stamp(d, row, out)


def budget_reference(row: dict[str, Any]) -> dict[str, Any]:
    """One row of a paper's budget table (a vendor extension: OParl has no budget fields)."""
    d: dict[str, Any] = {}
    if row["draft_page"]:
        d["draftPage"] = row["draft_page"]
    area = {"number": row["area__number"], "name": row["area__name"]}
    d["budgetArea"] = {k: v for k, v in area.items() if v}
    if row["product__number"] or row["product__name"]:
        product = {"number": row["product__number"], "name": row["product__name"]}
        d["product"] = {k: v for k, v in product.items() if v}
    return d


def vote(row: dict[str, Any]) -> dict[str, Any]:
    """The recorded vote of a consultation (vendor extension; call once it is recorded)."""
    d: dict[str, Any] = {"asProposed": row["as_proposed"]}
    if row["votes_yes"] is not None:
        d["yes"] = row["votes_yes"]
    if row["votes_no"] is not None:
        d["no"] = row["votes_no"]
    if row["votes_abstention"] is not None:
        d["abstention"] = row["votes_abstention"]
    if row["result"]:
        d["result"] = row["result"]
    return d


def consultation(row: dict[str, Any], out: Output, *, embedded: bool = False) -> dict[str, Any]:
    if row["deleted"]:
        return _deleted(out, "consultation", T_CONSULTATION, row)
    api = out.api
    d: dict[str, Any] = {"id": f"{api}consultation/{row['id']}", "type": T_CONSULTATION}
    if not embedded:
        d["paper"] = f"{api}paper/{row['paper_id']}"
    if row["item_id"] and row["item_public"]:
        d["agendaItem"] = f"{api}agendaitem/{row['item_id']}"
    if row["meeting_id"]:
        d["meeting"] = f"{api}meeting/{row['meeting_id']}"
    d["organization"] = [f"{api}organization/{row['organization_id']}"]
    d["authoritative"] = row["authoritative"]
    if row["role"]:
        d["role"] = row["role"]
    if row["planned_date"]:
        d[VENDOR + "plannedDate"] = row["planned_date"].isoformat()
    if row["as_proposed"] is not None:
        d[VENDOR + "vote"] = vote(row)
    d["created"] = out.time(row["created"])
    d["modified"] = out.time(row["modified"])
    return d
