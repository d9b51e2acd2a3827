"""Loads the demo integration plan (an adopted version and its Fortschreibung) through the services.

The plan lives in a JSON file (``plan/data/demo-plan-region-hannover.json``); all of it
is invented example content. The first version is adopted by an example council paper
whose decision is recorded; the Fortschreibung is a draft copied from it with the
changes listed in the file, mandated by the seed motion, and a pending paper that
would adopt it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from core import services as core_services
from core.models import Municipality, Organisation
from core.roles import Role
from council import services as council_services
from council.demo import DEFAULT_DEMO, DEMO_PASSWORD, Demo
from council.models import BudgetProduct, Organization, Paper
from plan import services
from plan.models import FieldOfAction, Goal, Indicator, Measure, Plan, PlanVersion

DEFAULT_PLAN_DEMO = Path(__file__).resolve().parent / "data" / "demo-plan-region-hannover.json"


@dataclass
class PlanDemo:
    plan: Plan
    adopted: PlanVersion
    draft: PlanVersion
    adoption_paper: Paper
    pending_paper: Paper
    created: bool = True


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


class _Loader:
    """Keeps the keys of the file resolved to objects while the plan is built."""

    def __init__(self, council: Demo, data: dict[str, Any]):
        self.council = council
        self.body = council.body
        self.data = data
        self.units: dict[str, Organization] = {}
        self.partners: dict[str, Organisation] = {}
        self.items: dict[str, Any] = {}
        self.municipalities = {m.key: m for m in Municipality.objects.all()}
        self.products = {p.number: p for p in BudgetProduct.objects.filter(area__body=self.body)}
        # The council demo file names its organisations by key (G, RA, RV, KMT, ...).
        council_data = json.loads(DEFAULT_DEMO.read_text(encoding="utf-8"))
        names = {o["key"]: o["name"] for o in council_data["organizations"]}
        by_name = {o.name: o for o in Organization.objects.filter(body=self.body, deleted=False)}
        self.council_organizations = {
            key: by_name[name] for key, name in names.items() if name in by_name
        }

    def organisations(self) -> None:
        for unit in self.data["lead_units"]:
            self.units[unit["key"]] = self.council_organizations.get(
                unit["key"]
            ) or council_services.organization_create(
                body=self.body,
                name=unit["name"],
                short_name=unit.get("short_name", ""),
                classification=unit.get("classification", ""),
                kind=Organization.Kind.ADMINISTRATION,
                is_example=True,
            )
        for partner in self.data["partners"]:
            self.partners[partner["key"]] = core_services.organisation_create(
                name=partner["name"],
                kind=partner["kind"],
                municipality=self.municipalities.get(partner.get("municipality") or ""),
                is_example=True,
            )

    def paper(self, spec: dict[str, Any]) -> Paper:
        """An example council paper; consultations with a "vote" get it recorded."""
        paper = council_services.paper_create(
            body=self.body,
            reference=spec["reference"],
            name=spec["name"],
            paper_type=spec["paper_type"],
            date=_date(spec.get("date")),
            proposal_heading="Beschlussvorschlag",
            resolution_proposal=spec.get("resolution_proposal", ""),
            rationale=spec.get("rationale", ""),
            is_example=True,
            originators=[u for u in [self.units.get("KMT")] if u],
            consultations=[
                council_services.ConsultationSpec(
                    organization=self.council_organizations[c["organization"]],
                    role=c["role"],
                    planned_date=_date(c.get("planned_date")),
                    authoritative=c.get("authoritative", False),
                )
                for c in spec["consultations"]
            ],
        )
        for consultation, c in zip(
            paper.consultations.order_by("position"), spec["consultations"], strict=True
        ):
            vote = c.get("vote")
            if vote:
                council_services.consultation_record_vote(
                    consultation=consultation,
                    as_proposed=vote["as_proposed"],
                    votes_yes=vote.get("yes"),
                    votes_no=vote.get("no"),
                    votes_abstention=vote.get("abstention"),
                    result=vote["result"],
                    by=None,
                )
        return paper

    # --- items --------------------------------------------------------------------

    def field(self, version: PlanVersion, spec: dict[str, Any]) -> FieldOfAction:
        field = FieldOfAction(
            version=version, code=spec["code"], title=spec["title"], description=spec["description"]
        )
        services.item_save(item=field, by=None)
        self.items[spec["key"]] = field
        for goal in spec.get("goals", []):
            self.goal(version, field, None, goal)
        for measure in spec.get("measures", []):
            self.pending_measures.append((field, measure))
        return field

    def goal(
        self, version: PlanVersion, field: FieldOfAction, parent: Goal | None, spec: dict[str, Any]
    ) -> Goal:
        goal = Goal(
            version=version,
            field=field,
            parent=parent,
            code=spec["code"],
            title=spec["title"],
            description=spec.get("description", ""),
        )
        services.item_save(item=goal, by=None)
        self.items[spec["key"]] = goal
        for child in spec.get("goals", []):
            self.goal(version, field, goal, child)
        return goal

    def indicator(self, version: PlanVersion, spec: dict[str, Any]) -> Indicator:
        indicator = Indicator(
            version=version,
            code=spec["code"],
            name=spec["name"],
            definition=spec.get("definition", ""),
            unit=spec.get("unit", ""),
            source=spec.get("source", ""),
            direction=spec.get("direction", Indicator.Direction.HIGHER),
            municipality=self.municipalities.get(spec.get("municipality") or ""),
        )
        self._indicator_values(indicator, spec)
        services.item_save(
            item=indicator, goals=[self.items[k] for k in spec.get("goals", [])], by=None
        )
        self.items[spec["key"]] = indicator
        return indicator

    @staticmethod
    def _indicator_values(indicator: Indicator, spec: dict[str, Any]) -> None:
        for name in ("baseline", "target"):
            if name in spec and spec[name]:
                value = spec[name].get("value")
                setattr(
                    indicator, f"{name}_value", Decimal(str(value)) if value is not None else None
                )
                setattr(indicator, f"{name}_year", spec[name].get("year"))

    def measure(self, version: PlanVersion, field: FieldOfAction, spec: dict[str, Any]) -> Measure:
        measure = Measure(version=version, field=field, code=spec["code"])
        self._measure_values(measure, spec)
        services.item_save(item=measure, by=None, **self._measure_relations(spec))
        self.items[spec["key"]] = measure
        return measure

    def _measure_values(self, measure: Measure, spec: dict[str, Any]) -> None:
        simple = {"code", "title", "description", "funding_source"}
        for name in simple & set(spec):
            setattr(measure, name, spec[name] or "")
        if "lead_unit" in spec:
            measure.lead_unit = self.units[spec["lead_unit"]]
        for name in ("start", "end"):
            if name in spec:
                setattr(measure, name, _date(spec[name]))
        if "budget_product" in spec:
            measure.budget_product = self.products.get(spec["budget_product"] or "")
        if "weight" in spec:
            measure.weight = Decimal(str(spec["weight"] or 1))

    def _measure_relations(self, spec: dict[str, Any]) -> dict[str, Any]:
        relations: dict[str, Any] = {}
        if "goals" in spec:
            relations["goals"] = [self.items[k] for k in spec["goals"]]
        if "indicators" in spec:
            relations["indicators"] = [self.items[k] for k in spec["indicators"]]
        if "partners" in spec:
            relations["partners"] = [self.partners[k] for k in spec["partners"]]
        if "municipalities" in spec:
            relations["municipalities"] = [self.municipalities[k] for k in spec["municipalities"]]
        if "costs" in spec:
            relations["costs"] = {int(y): Decimal(str(a)) for y, a in spec["costs"].items()}
        if "milestones" in spec:
            relations["milestones"] = [
                (dt.date.fromisoformat(m["due"]), m["title"]) for m in spec["milestones"]
            ]
        return relations

    def build(self, version: PlanVersion, spec: dict[str, Any]) -> None:
        """Fields and goals first, then indicators, then measures (which refer to both)."""
        self.pending_measures: list[tuple[FieldOfAction, dict[str, Any]]] = []
        for field in spec["fields"]:
            self.field(version, field)
        for indicator in spec["indicators"]:
            self.indicator(version, indicator)
        self.flush_measures(version)

    def flush_measures(self, version: PlanVersion) -> None:
        for field, measure in self.pending_measures:
            self.measure(version, field, measure)
        self.pending_measures = []

    # --- the Fortschreibung -------------------------------------------------------

    def rebind(self, version: PlanVersion) -> None:
        """Point every key at the copy of its item in ``version`` (same uid)."""
        for key, item in list(self.items.items()):
            self.items[key] = type(item).objects.get(version=version, uid=item.uid)

    def apply(self, version: PlanVersion, change: dict[str, Any]) -> None:
        op = change["op"]
        self.pending_measures = []
        if op == "add_field":
            self.field(version, change["field"])
            self.flush_measures(version)
        elif op == "add_goal":
            parent = self.items[change["parent"]] if change.get("parent") else None
            self.goal(version, self.items[change["field"]], parent, change["goal"])
        elif op == "add_measure":
            self.measure(version, self.items[change["field"]], change["measure"])
        elif op == "add_indicator":
            self.indicator(version, change["indicator"])
        elif op == "remove":
            services.item_remove(item=self.items.pop(change["item"]), by=None)
        elif op == "move":
            services.item_move(
                item=self.items[change["item"]], field=self.items[change["field"]], by=None
            )
        elif op == "change":
            self.change(self.items[change["item"]], change["fields"])
        else:
            raise ValueError(f"unknown change {op!r}")

    def change(self, item: Any, fields: dict[str, Any]) -> None:
        relations: dict[str, Any] = {}
        if isinstance(item, Measure):
            self._measure_values(item, fields)
            relations = self._measure_relations(fields)
        elif isinstance(item, Indicator):
            for name in ("name", "definition", "unit", "source", "direction", "code"):
                if name in fields:
                    setattr(item, name, fields[name])
            self._indicator_values(item, fields)
            if "goals" in fields:
                relations["goals"] = [self.items[k] for k in fields["goals"]]
        else:
            for name in ("code", "title", "description"):
                if name in fields:
                    setattr(item, name, fields[name])
        services.item_save(item=item, by=None, reason="Fortschreibung", **relations)


@transaction.atomic
def load_plan_demo(council: Demo, path: Path = DEFAULT_PLAN_DEMO) -> PlanDemo:
    """Load the demo plan once; a second call finds it and changes nothing."""
    data = json.loads(path.read_text(encoding="utf-8"))
    existing = Plan.objects.filter(slug=data["plan"]["slug"]).first()
    if existing is not None:
        versions = existing.versions.order_by("number")
        adopted, draft = versions[0], versions.last()
        assert draft is not None and adopted.adoption_paper is not None
        pending = Paper.objects.get(
            body=council.body, reference=data["update"]["adoption_paper"]["reference"]
        )
        return PlanDemo(existing, adopted, draft, adopted.adoption_paper, pending, created=False)

    loader = _Loader(council, data)
    loader.organisations()
    plan = services.plan_create(
        body=council.body,
        name=data["plan"]["name"],
        slug=data["plan"]["slug"],
        description=data["plan"].get("description", ""),
        is_example=True,
        by=None,
    )
    spec = data["version"]
    first = services.version_start_draft(
        plan=plan, by=None, title=spec["title"], summary=spec.get("summary", ""), is_example=True
    )
    loader.build(first, spec)
    adoption_paper = loader.paper(data["adoption_paper"])
    first = services.version_adopt(
        version=first, paper=adoption_paper, by=None, valid_from=_date(spec.get("valid_from"))
    )
    for report in sorted(data.get("status_reports", []), key=lambda r: r["date"]):
        services.status_report_create(
            measure=loader.items[report["measure"]],
            by=None,
            date=dt.date.fromisoformat(report["date"]),
            status=report["status"],
            progress=report["progress"],
            text=report["text"],
            is_example=True,
        )

    update = data["update"]
    draft = services.version_start_draft(
        plan=plan,
        by=None,
        title=update["title"],
        summary=update.get("summary", ""),
        mandate=council.seed_paper,
        is_example=True,
    )
    loader.rebind(draft)
    for change in update["changes"]:
        loader.apply(draft, change)
    if update.get("consultation"):
        draft = services.version_submit_for_consultation(version=draft, by=None)
    pending_paper = loader.paper(update["adoption_paper"])
    _demo_users(data, loader)
    return PlanDemo(plan, first, draft, adoption_paper, pending_paper)


def _demo_users(data: dict[str, Any], loader: _Loader) -> None:
    """Demo logins of the plan: an editor, and a lead unit's staff member who reports."""
    for spec in data.get("users", []):
        user = core_services.user_create(
            email=spec["email"],
            password=DEMO_PASSWORD,
            name=spec.get("name", ""),
            roles=[Role(r) for r in spec.get("roles", [])],
        )
        unit = loader.units.get(spec.get("lead_unit") or "")
        if unit is not None:
            person = council_services.person_create(
                body=loader.body,
                family_name=spec.get("family_name", spec.get("name", "")),
                given_name=spec.get("given_name", ""),
                is_example=True,
            )
            council_services.membership_create(
                person=person,
                organization=unit,
                role=spec.get("function", ""),
                start_date=dt.date(2019, 1, 1),
                is_example=True,
            )
            council_services.person_link_user(person=person, user=user)
