"""The plan as open data: CSV and JSON of a version, and reading such a CSV back into a draft.

Both exports are written from the version's snapshot (``plan.structure.load_snapshot``),
so they cost the same few queries however many items the version has. Rows come in
tree order: each field of action, then its strategic goals each followed by their
operational goals, then the field's measures; the indicators come last. So every
parent stands before its children.

The CSV import reads the export's own columns back (Decidim's habit: export columns
equal import columns) and checks the whole file before anything is written;
``prepare_import`` returns what to write or raises ``PlanImportRejected`` with every
bad row. The writing itself is ``plan.services.version_import_csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import Municipality, Organisation
from core.opendata import Resource, package_name
from council.models import Body, BudgetProduct, Organization, Paper
from plan import selectors
from plan.errors import PlanImportRejected, RowProblem
from plan.models import (
    FieldOfAction,
    Goal,
    ImplementationStatus,
    Indicator,
    Measure,
    MeasureCost,
    Milestone,
    PlanVersion,
)
from plan.structure import (
    ATTRIBUTES,
    FIELD,
    GOAL,
    INDICATOR,
    KINDS,
    MEASURE,
    MODELS,
    ItemState,
    Snapshot,
    Value,
    load_snapshot,
)

# --- columns -----------------------------------------------------------------------

SEPARATOR = " | "
LEAD_COLUMNS = ("id", "kind", "parent_id", "position")
# Every attribute of every kind, once, in the order the kinds list them.
ATTRIBUTE_COLUMNS = tuple(dict.fromkeys(a for kind in KINDS for a in ATTRIBUTES[kind]))
EXPORT_ONLY_COLUMNS = ("status", "progress")
COLUMNS = (*LEAD_COLUMNS, *ATTRIBUTE_COLUMNS, *EXPORT_ONLY_COLUMNS)
REQUIRED_COLUMNS = ("id", "kind", "parent_id", "title")
LIST_COLUMNS = frozenset(
    {"partners", "municipalities", "goals", "indicators", "costs", "milestones"}
)
TEXT_COLUMNS = ("code", "title", "description", "definition", "unit", "source")

# Table Schema types of the columns (https://specs.frictionlessdata.io/table-schema/).
COLUMN_TYPES: dict[str, str] = {
    "position": "integer",
    "start": "date",
    "end": "date",
    "weight": "number",
    "baseline_value": "number",
    "baseline_year": "integer",
    "target_value": "number",
    "target_year": "integer",
    "progress": "integer",
}
COLUMN_ENUMS: dict[str, tuple[str, ...]] = {
    "kind": KINDS,
    "funding_source": tuple(Measure.FundingSource.values),
    "direction": tuple(Indicator.Direction.values),
    "status": tuple(ImplementationStatus.values),
}
COLUMN_DESCRIPTIONS = {
    "id": gettext_lazy(
        "The item's id. It stays the same in every version of the plan. Empty in an import: "
        "a new item."
    ),
    "kind": gettext_lazy("field (field of action), goal, measure or indicator."),
    "parent_id": gettext_lazy(
        "The id of the field of action a strategic goal or a measure belongs to, or of the "
        "strategic goal an operational goal belongs to. Empty for fields and indicators."
    ),
    "position": gettext_lazy("The place among the items with the same parent, from 0."),
    "code": gettext_lazy("The number shown with the item, e.g. 1.2 or M 3.4."),
    "title": gettext_lazy("The title (of an indicator: its name)."),
    "description": gettext_lazy("Description of a field, goal or measure."),
    "lead_unit": gettext_lazy("Measures: the administration unit in charge (name or short name)."),
    "partners": gettext_lazy("Measures: partner organisations, by name, separated by “ | ”."),
    "municipalities": gettext_lazy(
        "Measures: municipalities served, by name or 8-digit official key (AGS), separated by "
        "“ | ”. Empty: the whole region."
    ),
    "start": gettext_lazy("Measures: start date (YYYY-MM-DD)."),
    "end": gettext_lazy("Measures: end date (YYYY-MM-DD)."),
    "funding_source": gettext_lazy(
        "Measures: regular (regular budget), fund, third_party or none (no extra cost)."
    ),
    "budget_product": gettext_lazy("Measures: number of the budget product."),
    "weight": gettext_lazy("Measures: weight in the progress of its goals (default 1)."),
    "goals": gettext_lazy(
        "Measures and indicators: ids of the goals served or measured, separated by “ | ”."
    ),
    "indicators": gettext_lazy("Measures: ids of its indicators, separated by “ | ”."),
    "costs": gettext_lazy(
        "Measures: estimated cost per budget year in euros, e.g. “2025: 10000.00 | 2026: 12000.00”."
    ),
    "milestones": gettext_lazy(
        "Measures: dated steps, e.g. “2025-06-30: Konzept liegt vor”, separated by “ | ”."
    ),
    "definition": gettext_lazy("Indicators: what exactly is counted or measured."),
    "unit": gettext_lazy("Indicators: unit, e.g. % or persons."),
    "source": gettext_lazy("Indicators: where the figures come from."),
    "direction": gettext_lazy("Indicators: higher or lower (which is better)."),
    "baseline_value": gettext_lazy("Indicators: value at the start."),
    "baseline_year": gettext_lazy("Indicators: year of the baseline value."),
    "target_value": gettext_lazy("Indicators: value aimed for."),
    "target_year": gettext_lazy("Indicators: year by which the target should be reached."),
    "municipality": gettext_lazy(
        "Indicators: the municipality measured (name or AGS). Empty: the whole region."
    ),
    "status": gettext_lazy(
        "Measures: state of implementation (planned, running, done, paused, dropped) from the "
        "latest status report. Export only; an import ignores it."
    ),
    "progress": gettext_lazy(
        "Measures: progress in percent from the latest status report. Export only; an import "
        "ignores it."
    ),
}


def table_schema() -> dict[str, Any]:
    """The Frictionless Table Schema of the plan CSV (export and import alike)."""
    fields: list[dict[str, Any]] = []
    for name in COLUMNS:
        entry: dict[str, Any] = {
            "name": name,
            "type": COLUMN_TYPES.get(name, "string"),
            "description": str(COLUMN_DESCRIPTIONS[name]),
        }
        if name in ("id", "parent_id"):
            entry["format"] = "uuid"
        constraints: dict[str, Any] = {}
        if name in ("id", "kind", "title"):
            constraints["required"] = True
        if name == "id":
            constraints["unique"] = True
        if name in COLUMN_ENUMS:
            constraints["enum"] = list(COLUMN_ENUMS[name])
        if name == "progress":
            constraints.update(minimum=0, maximum=100)
        if constraints:
            entry["constraints"] = constraints
        fields.append(entry)
    return {"fields": fields, "primaryKey": ["id"], "missingValues": [""]}


def column_help() -> list[tuple[str, str, bool]]:
    """(column, description, required in an import) for the import page."""
    return [
        (name, str(COLUMN_DESCRIPTIONS[name]), name in REQUIRED_COLUMNS)
        for name in COLUMNS
        if name not in EXPORT_ONLY_COLUMNS
    ]


# --- export ------------------------------------------------------------------------


def ordered_items(snapshot: Snapshot) -> list[ItemState]:
    """Items in the order the plan reads: field, its goals (each with its operational
    goals), its measures; then the indicators."""
    children: dict[tuple[str, str], list[ItemState]] = defaultdict(list)
    for item in snapshot.items.values():
        if item.parent is not None:
            children[(item.kind, item.parent)].append(item)
    for group in children.values():
        group.sort(key=lambda i: (i.position, i.pk))
    result: list[ItemState] = []
    for field_item in snapshot.of_kind(FIELD):
        result.append(field_item)
        for goal in children[(GOAL, field_item.uid)]:
            result.append(goal)
            result.extend(children[(GOAL, goal.uid)])
        result.extend(children[(MEASURE, field_item.uid)])
    result.extend(snapshot.of_kind(INDICATOR))
    return result


@dataclass
class VersionExport:
    version: PlanVersion
    items: list[ItemState]
    states: dict[str, tuple[str, int]]


def version_export(version: PlanVersion) -> VersionExport:
    """The version's items in tree order, with each measure's status and progress.

    Twelve queries, whatever the number of items.
    """
    snapshot = load_snapshot(version)
    measures = [
        Measure(uid=uuid.UUID(item.uid)) for item in snapshot.items.values() if item.kind == MEASURE
    ]
    selectors.attach_states(version.plan_id, measures)
    states = {
        str(m.uid): (m.state_status, m.state_progress)  # type: ignore[attr-defined]
        for m in measures
    }
    return VersionExport(version=version, items=ordered_items(snapshot), states=states)


def _cell(item: ItemState, column: str, states: dict[str, tuple[str, int]]) -> str:
    if column == "id":
        return item.uid
    if column == "kind":
        return item.kind
    if column == "parent_id":
        return item.parent or ""
    if column == "position":
        return str(item.position)
    if column in EXPORT_ONLY_COLUMNS:
        if item.kind != MEASURE:
            return ""
        status, progress = states[item.uid]
        return status if column == "status" else str(progress)
    if column not in ATTRIBUTES[item.kind]:
        return ""
    value = item.values[column]
    return SEPARATOR.join(value) if isinstance(value, tuple) else value


def csv_text(export: VersionExport) -> str:
    """The version as CSV: a header of ``COLUMNS``, one row per item, UTF-8 without BOM."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for item in export.items:
        writer.writerow([_cell(item, column, export.states) for column in COLUMNS])
    return out.getvalue()


def _number(value: str) -> float | None:
    return float(value) if value else None


def _integer(value: str) -> int | None:
    return int(value) if value else None


def _json_value(column: str, value: Value) -> Any:
    if column == "costs":
        pairs = (part.split(": ", 1) for part in value)
        return [{"year": int(year), "amount": float(amount)} for year, amount in pairs]
    if column == "milestones":
        pairs = (part.split(": ", 1) for part in value)
        return [{"due": due, "title": title} for due, title in pairs]
    if isinstance(value, tuple):
        return list(value)
    kind = COLUMN_TYPES.get(column, "string")
    if kind == "number":
        return _number(value)
    if kind == "integer":
        return _integer(value)
    if kind == "date":
        return value or None
    return value


def _json_item(item: ItemState, states: dict[str, tuple[str, int]]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": item.uid,
        "kind": item.kind,
        "parent_id": item.parent,
        "position": item.position,
    }
    for column in ATTRIBUTES[item.kind]:
        result[column] = _json_value(column, item.values[column])
    if item.kind == MEASURE:
        status, progress = states[item.uid]
        result["status"] = status
        result["progress"] = progress
    return result


def _first_url(name: str, *candidates: dict[str, Any]) -> str | None:
    """The first address of ``name`` that the given kwargs resolve, or None."""
    for kwargs in candidates:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


def version_url(version: PlanVersion) -> str | None:
    """The public page of the version, if the plan pages are installed."""
    slug, number = version.plan.slug, version.number
    return _first_url("plan:version_detail", {"slug": slug, "number": number})


def _paper(paper: Paper | None, absolute: Callable[[str], str]) -> dict[str, Any] | None:
    """A council paper as reference, title and addresses; nothing for a non-public paper."""
    if paper is None or not paper.public or paper.deleted:
        return None
    result: dict[str, Any] = {"reference": paper.reference, "name": paper.name}
    oparl = _first_url("oparl:paper", {"pk": paper.pk})
    if oparl:
        result["oparl"] = absolute(oparl)
    web = _first_url("council:paper_detail", {"pk": paper.pk})
    if web:
        result["web"] = absolute(web)
    return result


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def json_document(export: VersionExport, *, absolute: Callable[[str], str]) -> dict[str, Any]:
    """The version as JSON: the plan, the version with its papers, every item."""
    version = export.version
    plan = version.plan
    page = version_url(version)
    return {
        "plan": {
            "name": plan.name,
            "slug": plan.slug,
            "description": plan.description,
            "body": plan.body.name,
            "is_example": plan.is_example,
        },
        "version": {
            "number": version.number,
            "title": version.title,
            "summary": version.summary,
            "status": version.status,
            "based_on": version.based_on.number if version.based_on else None,
            "adopted_on": _iso(version.adopted_on),
            "valid_from": _iso(version.valid_from),
            "adoption_paper": _paper(version.adoption_paper, absolute),
            "mandate": _paper(version.mandate, absolute),
            "url": absolute(page) if page else None,
            "is_example": version.is_example,
        },
        "items": [_json_item(item, export.states) for item in export.items],
    }


def filename(version: PlanVersion, fmt: str) -> str:
    """E.g. ``integrationsplan-der-region-hannover-v2.csv``."""
    return f"{slugify(version.plan.name) or version.plan.slug}-v{version.number}.{fmt}"


def publisher() -> Body | None:
    """The body whose data the open data files are: the default plan's, else the first."""
    plan = selectors.default_plan()
    if plan is not None:
        return plan.body
    return Body.objects.filter(deleted=False).order_by("pk").first()


# --- the plan's entries in the open data index -------------------------------------


def export_path(version: PlanVersion, fmt: str, *, key: str = "", default: bool = False) -> str:
    """The address of a version's export; ``key`` "current" for the version in force."""
    kwargs = {"version": key or str(version.number), "fmt": fmt}
    if default:
        return reverse("opendata:plan_export", kwargs=kwargs)
    return reverse("opendata:plan_export_of", kwargs={**kwargs, "slug": version.plan.slug})


def opendata_resources(request: HttpRequest) -> list[Resource]:
    """One CSV and one JSON file per public version of every plan, and for the one in force.

    Drafts are never listed: the index shows what everyone may download.
    """
    default = selectors.default_plan()
    schema = table_schema()
    result: list[Resource] = []
    for plan in selectors.plans():
        is_default = default is not None and plan.pk == default.pk
        prefix = "plan" if is_default else f"plan-{package_name(plan.slug)}"
        versions = list(selectors.versions_for(AnonymousUser(), plan))
        entries = [("current", v) for v in versions if v.is_in_force] + [("", v) for v in versions]
        for key, version in entries:
            version.plan = plan
            label = (
                _("the version in force, now version %(number)s") % {"number": version.number}
                if key
                else _("version %(number)s “%(title)s”, %(status)s")
                % {
                    "number": version.number,
                    "title": version.title,
                    "status": version.get_status_display(),
                }
            )
            name = f"{prefix}-{key or f'v{version.number}'}"
            result.append(
                Resource(
                    name=f"{name}-csv",
                    title=f"{plan.name}: {label} – CSV",
                    description=_(
                        "One row per field of action, goal, measure and indicator, parents "
                        "before children; the same columns can be imported into a draft."
                    ),
                    path=export_path(version, "csv", key=key, default=is_default),
                    format="csv",
                    schema=schema,
                    group=plan.name,
                )
            )
            result.append(
                Resource(
                    name=f"{name}-json",
                    title=f"{plan.name}: {label} – JSON",
                    description=_(
                        "The version with its adoption paper and mandate, and every item with "
                        "lists as arrays."
                    ),
                    path=export_path(version, "json", key=key, default=is_default),
                    format="json",
                    group=plan.name,
                )
            )
    return result


# --- import: reading and checking ----------------------------------------------------


@dataclass
class ImportResult:
    """What an import did, by item id."""

    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
        }


CREATE, CHANGE, KEEP = "create", "change", "keep"


@dataclass
class ImportRow:
    """One checked row: the item it creates or changes and what to set."""

    line: int
    uid: str
    kind: str
    parent: str | None
    position: int | None
    values: dict[str, Value] = field(default_factory=dict)
    relations: dict[str, Any] = field(default_factory=dict)
    action: str = KEEP
    # Filled once the whole file is checked: where the item goes.
    field_uid: str | None = None
    goal_parent_uid: str | None = None


@dataclass
class PreparedImport:
    """A checked import: rows in writing order (parents first) and the items they touch."""

    version: PlanVersion
    rows: list[ImportRow]
    instances: dict[str, Any]
    # Operational goals outside the file whose strategic goal moved to another field:
    # goal uid -> (field uid, strategic goal uid).
    followers: dict[str, tuple[str, str]] = field(default_factory=dict)


class _Bad(Exception):
    """A cell that cannot be read; the message says what to write instead."""


def _uuid(raw: str) -> str:
    try:
        return str(uuid.UUID(raw.strip()))
    except ValueError:
        raise _Bad(
            _(
                "“%(value)s” is not a valid id. Copy the id from an export of this plan, or "
                "leave the cell empty for a new item."
            )
            % {"value": raw.strip()}
        ) from None


def _split(raw: str) -> list[str]:
    return [part.strip() for part in raw.split("|") if part.strip()]


def _decimal(raw: str) -> Decimal:
    text = raw.strip().replace("\u00a0", "").replace(" ", "")
    bad = _Bad(
        _("“%(value)s” is not a number. Write it like 1500.50 or 1500,50, without thousands marks.")
        % {"value": raw.strip()}
    )
    if "," in text and "." in text:
        raise bad
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise bad from None
    if not value.is_finite() or value.adjusted() > 15:
        raise bad
    # Trailing zeros after the point say nothing: 7.000 is 7, 1.50 is 1.5.
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _integer_cell(raw: str, what: str) -> int:
    text = raw.strip()
    if not (text.isascii() and text.isdigit()):
        raise _Bad(_("“%(value)s” is not %(what)s.") % {"value": text, "what": what})
    return int(text)


def _date(raw: str) -> dt.date:
    text = raw.strip()
    for parse in (dt.date.fromisoformat, lambda t: dt.datetime.strptime(t, "%d.%m.%Y").date()):
        try:
            return parse(text)
        except ValueError:
            continue
    raise _Bad(
        _("“%(value)s” is not a date. Write it as YYYY-MM-DD, e.g. 2025-06-30.") % {"value": text}
    )


def _same_text(a: str, b: str) -> bool:
    return a.replace("\r\n", "\n") == b.replace("\r\n", "\n")


def _choice(raw: str, choices: Iterable[str], default: str) -> str:
    text = raw.strip().lower()
    if not text:
        return default
    options = list(choices)
    if text not in options:
        raise _Bad(
            _("Unknown value “%(value)s”. Use one of: %(options)s.")
            % {"value": raw.strip(), "options": ", ".join(options)}
        )
    return text


def _first_message(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


class _References:
    """Everything rows may name, loaded in a fixed number of queries."""

    def __init__(self, body: Body, records: list[tuple[int, dict[str, str]]]):
        self.units = list(
            Organization.objects.filter(
                body=body, kind=Organization.Kind.ADMINISTRATION, deleted=False
            ).order_by("name")
        )
        self.products: dict[str, list[BudgetProduct]] = defaultdict(list)
        for product in BudgetProduct.objects.filter(area__body=body, deleted=False):
            self.products[product.number].append(product)
        partner_names: set[str] = set()
        place_names: set[str] = set()
        for _line, cells in records:
            partner_names.update(_split(cells.get("partners", "")))
            place_names.update(_split(cells.get("municipalities", "")))
            place_names.update(_split(cells.get("municipality", "")))
        self.organisations: dict[str, list[Organisation]] = defaultdict(list)
        for organisation in Organisation.objects.filter(name__in=partner_names):
            self.organisations[organisation.name].append(organisation)
        self.places_by_key: dict[str, Municipality] = {}
        self.places_by_name: dict[str, list[Municipality]] = defaultdict(list)
        keys = {n for n in place_names if n.isascii() and n.isdigit()}
        for place in Municipality.objects.filter(Q(key__in=keys) | Q(name__in=place_names)):
            self.places_by_key[place.key] = place
            self.places_by_name[place.name].append(place)
        self.district = body.ags

    def unit(self, raw: str) -> Organization:
        text = raw.strip()
        found = [u for u in self.units if text in (u.name, u.short_name)]
        if not found:
            folded = text.casefold()
            found = [
                u for u in self.units if folded in (u.name.casefold(), u.short_name.casefold())
            ]
        if len(found) > 1:
            exact = [u for u in found if u.name == text]
            if len(exact) != 1:
                raise _Bad(
                    _("Several administration units are called “%(value)s”; write the full name.")
                    % {"value": text}
                )
            found = exact
        if not found:
            names = ", ".join(u.name for u in self.units[:12])
            raise _Bad(
                _(
                    "There is no administration unit “%(value)s”. Use the name or short name "
                    "of one of: %(names)s."
                )
                % {"value": text, "names": names or "–"}
            )
        return found[0]

    def product(self, raw: str) -> BudgetProduct:
        text = raw.strip()
        found = self.products.get(text, [])
        if len(found) != 1:
            raise _Bad(
                _(
                    "There is no budget product number “%(value)s”. "
                    "Use a product number, e.g. 331111."
                )
                % {"value": text}
                if not found
                else _("Several budget products have the number “%(value)s”.") % {"value": text}
            )
        return found[0]

    def organisation(self, name: str) -> Organisation:
        found = self.organisations.get(name, [])
        if not found:
            raise _Bad(
                _(
                    "There is no organisation called exactly “%(value)s”. Check the spelling, or "
                    "ask an administrator to register the organisation first."
                )
                % {"value": name}
            )
        if len(found) > 1:
            raise _Bad(
                _(
                    "Several organisations are called “%(value)s”; "
                    "ask an administrator to tell them apart."
                )
                % {"value": name}
            )
        return found[0]

    def place(self, token: str) -> Municipality:
        if token.isascii() and token.isdigit():
            place = self.places_by_key.get(token)
            if place is None:
                raise _Bad(
                    _("There is no municipality with the official key “%(value)s”.")
                    % {"value": token}
                )
            return place
        found = self.places_by_name.get(token, [])
        if len(found) > 1 and self.district:
            found = [p for p in found if p.key.startswith(self.district)] or found
        if not found:
            raise _Bad(
                _(
                    "There is no municipality “%(value)s”. Write its name as in the plan, or its "
                    "8-digit official key (AGS)."
                )
                % {"value": token}
            )
        if len(found) > 1:
            raise _Bad(
                _("Several municipalities are called “%(value)s”; write the 8-digit key instead.")
                % {"value": token}
            )
        return found[0]


# Model attribute of each column where it differs from the column's name.
MODEL_ATTRIBUTE = {(INDICATOR, "title"): "name"}
RELATION_COLUMNS = frozenset(
    {"partners", "municipalities", "goals", "indicators", "costs", "milestones"}
)
DEFAULT_CODES = {"funding_source": "regular", "direction": "higher"}
DEFAULT_WEIGHT = Decimal("1")
# A cell that names the reference the item already has: leave it as it is.
_KEEP = object()
# Model fields checked by the cross-row rules instead of ``clean_fields``.
UNCHECKED_FIELDS = [
    "id",
    "version",
    "field",
    "parent",
    "lead_unit",
    "budget_product",
    "municipality",
]


def _read(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and records (with the line each starts on); raises on a broken file."""
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise PlanImportRejected(
                [RowProblem(1, "", _("The file is empty. Start from an export of this version."))]
            )
        start = reader.line_num + 1
        for record in reader:
            line, start = start, reader.line_num + 1
            if any(cell.strip() for cell in record):
                records.append((line, record))
    except csv.Error as exc:
        raise PlanImportRejected(
            [
                RowProblem(
                    reader.line_num,
                    "",
                    _("The file cannot be read as CSV here (%(error)s). Check the quotes.")
                    % {"error": exc},
                )
            ]
        ) from None
    return [cell.strip().lower() for cell in header], records


def _check_header(header: list[str]) -> list[RowProblem]:
    problems = []
    seen: set[str] = set()
    for name in header:
        if name not in COLUMNS:
            problems.append(
                RowProblem(
                    1,
                    name,
                    _("Unknown column “%(name)s”. Remove it, or name it as in an export.")
                    % {"name": name}
                    if name
                    else _("A column has no name. Remove the empty column."),
                )
            )
        elif name in seen:
            problems.append(
                RowProblem(
                    1, name, _("The column “%(name)s” appears twice; keep one.") % {"name": name}
                )
            )
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            problems.append(
                RowProblem(1, name, _("The column “%(name)s” is missing; add it.") % {"name": name})
            )
    return problems


class _Checker:
    """Checks every row of one import against the draft and the rest of the file."""

    def __init__(
        self, version: PlanVersion, header: list[str], records: list[tuple[int, list[str]]]
    ):
        self.version = version
        self.header = header
        self.problems: list[RowProblem] = []
        self.cells: list[tuple[int, dict[str, str]]] = []
        for line, record in records:
            if len(record) != len(header):
                self.problem(
                    line,
                    "",
                    _(
                        "This row has %(cells)s cells but the header has %(columns)s columns. "
                        "Check for a missing or extra separator."
                    )
                    % {"cells": len(record), "columns": len(header)},
                )
                continue
            self.cells.append((line, dict(zip(header, record, strict=True))))
        self.snapshot = load_snapshot(version)
        self.instances: dict[str, Any] = {}
        for model in (FieldOfAction, Goal, Indicator, Measure):
            for item in model.objects.filter(version=version):
                self.instances[str(item.uid)] = item
        self.refs = _References(version.plan.body, self.cells)

    def problem(self, line: int, column: str, reason: str) -> None:
        self.problems.append(RowProblem(line, column, reason))

    # one row --------------------------------------------------------------------

    def row(self, line: int, cells: dict[str, str], seen: dict[str, int]) -> ImportRow | None:
        ok = True
        kind = cells["kind"].strip().lower()
        if kind not in KINDS:
            self.problem(
                line,
                "kind",
                _("Unknown kind “%(value)s”. Use field, goal, measure or indicator.")
                % {"value": cells["kind"].strip()},
            )
            return None
        raw_id = cells["id"].strip()
        uid = str(uuid.uuid4())
        if raw_id:
            try:
                uid = _uuid(raw_id)
            except _Bad as exc:
                self.problem(line, "id", str(exc))
                ok = False
        if raw_id and ok:
            if uid in seen:
                self.problem(
                    line,
                    "id",
                    _("This id already appears in row %(row)s. Each item may appear only once.")
                    % {"row": seen[uid]},
                )
                ok = False
            else:
                seen[uid] = line
        state = self.snapshot.items.get(uid) if ok else None
        if state is not None and state.kind != kind:
            self.problem(
                line,
                "kind",
                _(
                    "In this version the item with this id is of kind “%(code)s”. An item keeps "
                    "its kind: write “%(code)s”, or leave the id empty to create a new item."
                )
                % {"code": state.kind},
            )
            ok = False
            state = None
        parent = self._parent(line, kind, cells["parent_id"])
        position = None
        if cells.get("position", "").strip():
            try:
                position = _integer_cell(cells["position"], _("a whole number from 0 upwards"))
            except _Bad as exc:
                self.problem(line, "position", str(exc))
        item = self.instances[uid] if state is not None else MODELS[kind](version=self.version)
        if state is None and ok:
            item.uid = uuid.UUID(uid)
        row = ImportRow(line=line, uid=uid, kind=kind, parent=parent, position=position)
        row.action = CHANGE if state is not None else CREATE
        self._attributes(row, cells, item, state)
        if not ok:
            return None
        self.instances[uid] = item
        return row

    def _parent(self, line: int, kind: str, raw: str) -> str | None:
        text = raw.strip()
        if kind in (FIELD, INDICATOR):
            if text:
                self.problem(
                    line,
                    "parent_id",
                    _("Rows of kind “%(kind)s” have no parent; leave the cell empty.")
                    % {"kind": kind},
                )
            return None
        if not text:
            self.problem(
                line,
                "parent_id",
                _("A goal needs the id of its field of action or strategic goal.")
                if kind == GOAL
                else _("A measure needs the id of its field of action."),
            )
            return None
        try:
            return _uuid(text)
        except _Bad as exc:
            self.problem(line, "parent_id", str(exc))
            return None

    def _attributes(
        self, row: ImportRow, cells: dict[str, str], item: Any, state: ItemState | None
    ) -> None:
        line, kind = row.line, row.kind
        failed: set[str] = set()
        for column in ATTRIBUTE_COLUMNS:
            if column not in cells:
                continue
            raw = cells[column]
            if column not in ATTRIBUTES[kind]:
                if raw.strip():
                    self.problem(
                        line,
                        column,
                        _("Rows of kind “%(kind)s” have no %(column)s; leave this cell empty.")
                        % {"kind": kind, "column": column},
                    )
                continue
            try:
                value, parsed = self._cell(column, raw, item, state)
            except _Bad as exc:
                self.problem(line, column, str(exc))
                failed.add(column)
                continue
            if column in TEXT_COLUMNS and state is not None:
                before = state.values[column]
                if isinstance(before, str) and _same_text(before, str(value)):
                    value = parsed = before
            row.values[column] = value
            if parsed is _KEEP:
                continue
            if column in RELATION_COLUMNS:
                row.relations[column] = parsed
            else:
                setattr(item, MODEL_ATTRIBUTE.get((kind, column), column), parsed)
        if kind == MEASURE and state is None and "lead_unit" not in cells:
            self.problem(
                line,
                "lead_unit",
                _("A new measure needs a lead unit; add the column lead_unit."),
            )
            failed.add("lead_unit")
        if kind == MEASURE and not failed & {"start", "end"}:
            if item.start and item.end and item.end < item.start:
                self.problem(
                    line,
                    "end",
                    _("The end (%(end)s) lies before the start (%(start)s). Correct one of them.")
                    % {"end": item.end.isoformat(), "start": item.start.isoformat()},
                )
                failed.add("end")
        if kind == INDICATOR and not failed & {"baseline_year", "target_year"}:
            if item.baseline_year and item.target_year and item.target_year < item.baseline_year:
                self.problem(
                    line,
                    "target_year",
                    _("The target year lies before the baseline year. Correct one of them."),
                )
                failed.add("target_year")
        if row.position is not None:
            item.position = row.position
        try:
            item.clean_fields(exclude=UNCHECKED_FIELDS)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = "title" if name == "name" else name
                if column in failed:
                    continue
                self.problem(line, column, " ".join(messages))

    def _cell(self, column: str, raw: str, item: Any, state: ItemState | None) -> tuple[Value, Any]:
        """(the value as the snapshot holds it, the value to set) of one cell."""
        text = raw.strip()
        if column in TEXT_COLUMNS:
            if column == "title" and not text:
                raise _Bad(_("Give a title."))
            return text, text
        if column in ("start", "end"):
            day = _date(text) if text else None
            return (day.isoformat() if day else ""), day
        if column in ("funding_source", "direction"):
            code = _choice(text, COLUMN_ENUMS[column], DEFAULT_CODES[column])
            return code, code
        if column == "weight":
            weight = _decimal(text) if text else DEFAULT_WEIGHT
            return f"{weight:.2f}", weight
        if column in ("baseline_value", "target_value"):
            if not text:
                return "", None
            number = _decimal(text)
            return str(number.quantize(Decimal("0.001"))), number
        if column in ("baseline_year", "target_year"):
            year = _integer_cell(text, _("a year")) if text else None
            return (str(year) if year is not None else ""), year
        if column == "lead_unit":
            if not text:
                raise _Bad(_("A measure needs a lead unit: the name or short name of a unit."))
            if state is not None and text == state.values["lead_unit"]:
                return text, _KEEP
            unit = self.refs.unit(text)
            return unit.name, unit
        if column == "budget_product":
            if not text:
                return "", None
            if state is not None and text == state.values["budget_product"]:
                return text, _KEEP
            product = self.refs.product(text)
            return product.number, product
        if column == "municipality":
            if not text:
                return "", None
            if state is not None and text == state.values["municipality"]:
                return text, _KEEP
            place = self.refs.place(text)
            return place.name, place
        if column in ("partners", "municipalities"):
            names = tuple(sorted(set(_split(text))))
            if state is not None and names == state.values[column]:
                return names, _KEEP
            lookup: Callable[[str], Any] = (
                self.refs.organisation if column == "partners" else self.refs.place
            )
            found = {o.pk: o for o in map(lookup, _split(text))}
            return tuple(sorted(o.name for o in found.values())), list(found.values())
        if column in ("goals", "indicators"):
            uids = sorted({_uuid(part) for part in _split(text)})
            return tuple(uids), uids
        if column == "costs":
            costs = _costs(text)
            return tuple(f"{year}: {amount:.2f}" for year, amount in sorted(costs.items())), costs
        if column == "milestones":
            steps = _milestones(text)
            return tuple(f"{due.isoformat()}: {title}" for due, title in steps), steps
        raise AssertionError(column)  # pragma: no cover

    # the whole file -------------------------------------------------------------

    def check(self) -> PreparedImport:
        seen: dict[str, int] = {}
        rows = [r for r in (self.row(line, cells, seen) for line, cells in self.cells) if r]
        self._check_other_versions(rows)
        kinds = {uid: s.kind for uid, s in self.snapshot.items.items()}
        parents = {uid: s.parent for uid, s in self.snapshot.items.items()}
        for row in rows:
            kinds[row.uid] = row.kind
            if row.kind in (GOAL, MEASURE) and row.parent is not None:
                parents[row.uid] = row.parent
        misplaced = self._misplaced_strategic_goals(rows, kinds, parents)
        for row in rows:
            self._check_place(row, kinds, parents, misplaced)
            self._check_references(row, kinds)
        if self.problems:
            raise PlanImportRejected(self.problems)
        return self._plan_writes(rows, kinds, parents)

    def _check_other_versions(self, rows: list[ImportRow]) -> None:
        """An id new to the draft but used in another version must keep that kind."""
        new = {row.uid: row for row in rows if row.action == CREATE}
        if not new:
            return
        for kind, model in MODELS.items():
            used = (
                model.objects.filter(version__plan_id=self.version.plan_id, uid__in=list(new))
                .exclude(version=self.version)
                .values_list("uid", "version__number")
                .distinct()
            )
            for uid, number in used:
                row = new.get(str(uid))
                if row is not None and row.kind != kind:
                    self.problem(
                        row.line,
                        "kind",
                        _(
                            "In version %(number)s the item with this id is of kind “%(code)s”. "
                            "An item keeps its kind: write “%(code)s”, or leave the id empty to "
                            "create a new item."
                        )
                        % {"number": number, "code": kind},
                    )
                    new.pop(str(uid))

    def _label(self, uid: str) -> str:
        return self.snapshot.label(uid) if uid in self.snapshot.items else uid

    def _describe(self, uid: str, kinds: dict[str, str]) -> str:
        return _("“%(label)s” (kind “%(kind)s”)") % {"label": self._label(uid), "kind": kinds[uid]}

    def _misplaced_strategic_goals(
        self, rows: list[ImportRow], kinds: dict[str, str], parents: dict[str, str | None]
    ) -> dict[str, list[str]]:
        """Goals the file puts under a goal although goals sit under them: uid -> children.

        Only goals the file moves (or creates) count; for a goal that stays where it is,
        the row that puts a goal under it is the wrong one.
        """
        children: dict[str, list[str]] = defaultdict(list)
        for uid, parent in parents.items():
            if parent is not None and kinds[uid] == GOAL and kinds.get(parent) == GOAL:
                children[parent].append(uid)
        result = {}
        for row in rows:
            if row.kind != GOAL or row.parent is None or kinds.get(row.parent) != GOAL:
                continue
            state = self.snapshot.items.get(row.uid)
            if children.get(row.uid) and (state is None or state.parent != row.parent):
                result[row.uid] = children[row.uid]
        return result

    def _check_place(
        self,
        row: ImportRow,
        kinds: dict[str, str],
        parents: dict[str, str | None],
        misplaced: dict[str, list[str]],
    ) -> None:
        parent = row.parent
        if parent is None or row.kind in (FIELD, INDICATOR):
            return
        if parent not in kinds:
            self.problem(
                row.line,
                "parent_id",
                _(
                    "There is no item with the id %(id)s in this version or in the file. Give the "
                    "id of an existing field of action%(goal)s."
                )
                % {"id": parent, "goal": _(" or strategic goal") if row.kind == GOAL else ""},
            )
            return
        if row.kind == MEASURE and kinds[parent] != FIELD:
            self.problem(
                row.line,
                "parent_id",
                _(
                    "%(parent)s cannot hold a measure: a measure sits directly under a field of "
                    "action. Give the field's id here and list the goals it serves under goals."
                )
                % {"parent": self._describe(parent, kinds)},
            )
            return
        if row.kind != GOAL:
            return
        if parent == row.uid:
            self.problem(row.line, "parent_id", _("A goal cannot sit under itself."))
            return
        if kinds[parent] == FIELD:
            return
        if row.uid in misplaced:
            self.problem(
                row.line,
                "parent_id",
                _(
                    "This goal has operational goals under it (%(children)s), so it must stay "
                    "directly under a field of action. Move those goals first."
                )
                % {"children": ", ".join(self._label(u) for u in misplaced[row.uid][:5])},
            )
            return
        if parent in misplaced:
            return  # the parent's row says what is wrong
        grand = parents.get(parent)
        if kinds[parent] != GOAL or grand is None or kinds.get(grand) != FIELD:
            self.problem(
                row.line,
                "parent_id",
                _(
                    "%(parent)s cannot hold a goal. A goal sits under a field of action, or under "
                    "a strategic goal (a goal directly under a field)."
                )
                % {"parent": self._describe(parent, kinds)},
            )

    def _check_references(self, row: ImportRow, kinds: dict[str, str]) -> None:
        for column, wanted in (("goals", GOAL), ("indicators", INDICATOR)):
            for uid in row.relations.get(column, ()):
                if uid not in kinds:
                    self.problem(
                        row.line,
                        column,
                        _(
                            "There is no item with the id %(id)s in this version or in the file. "
                            "Use ids of rows of kind “%(kind)s” from an export, or remove it."
                        )
                        % {"kind": wanted, "id": uid},
                    )
                    break
                if kinds[uid] != wanted:
                    self.problem(
                        row.line,
                        column,
                        _("%(item)s cannot be listed here; list only ids of kind “%(kind)s”.")
                        % {"item": self._describe(uid, kinds), "kind": wanted},
                    )
                    break

    # what to write --------------------------------------------------------------

    def _plan_writes(
        self, rows: list[ImportRow], kinds: dict[str, str], parents: dict[str, str | None]
    ) -> PreparedImport:
        def field_of(uid: str) -> str | None:
            parent = parents.get(uid)
            if parent is None:
                return None
            return parent if kinds[parent] == FIELD else parents.get(parent)

        positions: dict[str, int] = {u: s.position for u, s in self.snapshot.items.items()}
        appended: list[ImportRow] = []
        for row in rows:
            state = self.snapshot.items.get(row.uid)
            if row.kind == GOAL:
                row.field_uid = field_of(row.uid)
                row.goal_parent_uid = row.parent if row.parent != row.field_uid else None
            elif row.kind == MEASURE:
                row.field_uid = row.parent
            moved = state is not None and state.parent != row.parent
            if row.position is None and (state is None or moved):
                appended.append(row)
                positions.pop(row.uid, None)
            elif row.position is not None:
                positions[row.uid] = row.position
            if state is not None and not moved and row.position in (None, state.position):
                if all(state.values[c] == v for c, v in row.values.items()):
                    row.action = KEEP
        last: dict[tuple[str, str | None], int] = {}
        for uid, position in positions.items():
            key = (kinds[uid], parents.get(uid))
            last[key] = max(last.get(key, -1), position)
        for row in appended:
            key = (row.kind, row.parent)
            row.position = last[key] = last.get(key, -1) + 1
            self.instances[row.uid].position = row.position
        in_file = {row.uid for row in rows}
        followers: dict[str, tuple[str, str]] = {}
        for uid, state in self.snapshot.items.items():
            if state.kind == GOAL and uid not in in_file and state.parent:
                if kinds[state.parent] == GOAL:
                    new_field = field_of(uid)
                    old_field = self.snapshot.items[state.parent].parent
                    if new_field and new_field != old_field:
                        followers[uid] = (new_field, state.parent)

        def order(row: ImportRow) -> int:
            if row.kind == GOAL:
                return 1 if row.goal_parent_uid is None else 2
            return {FIELD: 0, INDICATOR: 3, MEASURE: 4}[row.kind]

        return PreparedImport(
            version=self.version,
            rows=sorted(rows, key=order),
            instances=self.instances,
            followers=followers,
        )


def _costs(text: str) -> dict[int, Decimal]:
    costs: dict[int, Decimal] = {}
    for part in _split(text):
        if ":" not in part:
            raise _Bad(
                _(
                    "“%(value)s” has no year. Write each cost as “year: amount”, e.g. "
                    "“2025: 10000.00 | 2026: 12000.00”."
                )
                % {"value": part}
            )
        year_text, amount_text = part.split(":", 1)
        year = _integer_cell(year_text, _("a year"))
        if year in costs:
            raise _Bad(
                _("The year %(year)s appears twice; give one amount per year.") % {"year": year}
            )
        amount = _decimal(amount_text)
        try:
            MeasureCost(year=year, amount=amount).clean_fields(exclude=["measure"])
        except ValidationError as exc:
            raise _Bad(f"{part}: {_first_message(exc)}") from None
        costs[year] = amount
    return costs


def _milestones(text: str) -> list[tuple[dt.date, str]]:
    steps: list[tuple[dt.date, str]] = []
    for part in _split(text):
        due_text, _sep, title = part.partition(":")
        title = title.strip()
        if not title:
            raise _Bad(
                _(
                    "“%(value)s” needs a date and a title, e.g. “2025-06-30: Konzept liegt vor”; "
                    "separate milestones with “ | ”."
                )
                % {"value": part}
            )
        due = _date(due_text)
        try:
            Milestone(due=due, title=title).clean_fields(exclude=["measure"])
        except ValidationError as exc:
            raise _Bad(f"{part}: {_first_message(exc)}") from None
        steps.append((due, title))
    # Milestones are kept in date order; equal dates keep the order of the file.
    return sorted(steps, key=lambda step: step[0])


def prepare_import(*, version: PlanVersion, text: str) -> PreparedImport:
    """Read and check a CSV for ``version``; raise ``PlanImportRejected`` with every problem.

    Writes nothing. Call inside the import's transaction with the version locked, so
    the draft cannot change between the check and the writing.
    """
    header, records = _read(text)
    problems = _check_header(header)
    if not problems and not records:
        problems.append(
            RowProblem(2, "", _("The file has no rows below the header; add one row per item."))
        )
    if problems:
        raise PlanImportRejected(problems)
    checker = _Checker(version, header, records)
    return checker.check()
