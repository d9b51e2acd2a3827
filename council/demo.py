"""Loads a body's demo data (by default the Region Hannover) through the services.

The data lives in a JSON file, so another Kreis or city can load its own. Objects
marked ``"example": true`` there are invented and carry ``is_example`` so the pages
say so.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import services as core_services
from core.roles import Role
from council import services
from council.models import Body, Meeting, Organization, Paper

DEFAULT_DEMO = Path(__file__).resolve().parent / "data" / "demo-region-hannover.json"
DEMO_PASSWORD = "teilhabe-demo"  # noqa: S105 - documented demo login, local use only


@dataclass
class Demo:
    body: Body
    seed_paper: Paper
    committees: dict[str, Organization] = field(default_factory=dict)
    meetings: list[Meeting] = field(default_factory=list)
    nonpublic_paper: Paper | None = None
    created: bool = True


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    return timezone.make_aware(dt.datetime.fromisoformat(value))


def _existing(body: Body, data: dict[str, Any]) -> Demo:
    papers = list(Paper.objects.filter(body=body).order_by("pk"))
    return Demo(
        body=body,
        seed_paper=papers[0],
        committees={
            o.name: o
            for o in Organization.objects.filter(
                body=body, kind__in=[Organization.Kind.COMMITTEE, Organization.Kind.COUNCIL]
            )
        },
        meetings=list(Meeting.objects.filter(body=body).order_by("start")),
        nonpublic_paper=next((p for p in papers if not p.public), None),
        created=False,
    )


@transaction.atomic
def load_demo(path: Path = DEFAULT_DEMO) -> Demo:
    """Load the demo once; a second call finds the body and changes nothing."""
    data = json.loads(path.read_text(encoding="utf-8"))
    existing = Body.objects.filter(name=data["body"]["name"]).first()
    if existing is not None:
        return _existing(existing, data)

    municipalities = data.get("municipalities")
    if municipalities:
        core_services.municipalities_import(
            text=(settings.BASE_DIR / municipalities).read_text(encoding="utf-8")
        )

    body = services.body_create(**data["body"])
    for term in data.get("legislative_terms", []):
        services.legislative_term_create(
            body=body,
            name=term["name"],
            start_date=_date(term.get("start_date")),
            end_date=_date(term.get("end_date")),
        )
    locations = {
        loc["key"]: services.location_create(
            body=body,
            is_example=loc.get("example", False),
            **{k: v for k, v in loc.items() if k not in {"key", "example"}},
        )
        for loc in data.get("locations", [])
    }
    organizations = {
        org["key"]: services.organization_create(
            body=body,
            is_example=org.get("example", False),
            **{k: v for k, v in org.items() if k not in {"key", "example"}},
        )
        for org in data.get("organizations", [])
    }
    areas = {}
    products = {}
    for area_data in data.get("budget_areas", []):
        area = services.budget_area_create(
            body=body, number=area_data["number"], name=area_data["name"]
        )
        areas[area.number] = area
        for product in area_data.get("products", []):
            products[product["number"]] = services.budget_product_create(
                area=area, number=product["number"], name=product["name"]
            )
    meetings = {}
    for m in data.get("meetings", []):
        meetings[m["key"]] = services.meeting_create(
            body=body,
            name=m["name"],
            start=timezone.make_aware(dt.datetime.fromisoformat(m["start"])),
            end=_datetime(m.get("end")),
            organizations=[organizations[k] for k in m["organizations"]],
            location=locations.get(m.get("location", "")),
            state=m.get("state", Meeting.State.PLANNED),
            is_example=m.get("example", False),
        )
    persons = {}
    for p in data.get("persons", []):
        person = services.person_create(
            body=body,
            family_name=p["family_name"],
            given_name=p.get("given_name", ""),
            form_of_address=p.get("form_of_address", ""),
            is_example=True,
        )
        persons[p["key"]] = person
        for org_key, faction_key, role in p.get("memberships", []):
            services.membership_create(
                person=person,
                organization=organizations[org_key],
                on_behalf_of=organizations.get(faction_key),
                role=role,
                start_date=dt.date(2021, 11, 1),
                is_example=True,
            )
    papers = []
    for p in data["papers"]:
        paper = services.paper_create(
            body=body,
            reference=p["reference"],
            name=p["name"],
            paper_type=p["paper_type"],
            public=p.get("public", True),
            date=_date(p.get("date")),
            submission_date=_date(p.get("submission_date")),
            proposal_heading=p.get("proposal_heading", ""),
            resolution_proposal=p.get("resolution_proposal", ""),
            rationale=p.get("rationale", ""),
            is_example=p.get("example", False),
            originators=[organizations[k] for k in p.get("originators", [])],
            consultations=[
                services.ConsultationSpec(
                    organization=organizations[c["organization"]],
                    role=c["role"],
                    planned_date=_date(c.get("planned_date")),
                    meeting=meetings.get(c.get("meeting", "")),
                    leading=c.get("leading", False),
                    authoritative=c.get("authoritative", False),
                )
                for c in p.get("consultations", [])
            ],
            budget_references=[
                services.BudgetReferenceSpec(
                    area=areas[b["area"]],
                    draft_page=b.get("draft_page", ""),
                    product=products.get(b.get("product", "")),
                )
                for b in p.get("budget_references", [])
            ],
        )
        papers.append(paper)
    # Each consultation with a meeting becomes an agenda item of that meeting.
    orders: dict[int, int] = {}
    for paper in papers:
        for consultation in paper.consultations.select_related("meeting").order_by("position"):
            if consultation.meeting is None:
                continue
            order = orders.get(consultation.meeting.pk, 0) + 1
            orders[consultation.meeting.pk] = order
            services.agenda_item_create(
                meeting=consultation.meeting,
                order=order,
                number=f"{order}.",
                name=f"{paper.name} ({paper.reference})",
                public=paper.public,
                consultation=consultation,
                is_example=True,
            )
    for u in data.get("users", []):
        user = core_services.user_create(
            email=u["email"],
            password=DEMO_PASSWORD,
            name=u.get("name", ""),
            roles=[Role(r) for r in u.get("roles", [])],
            is_staff=u.get("superuser", False),
            is_superuser=u.get("superuser", False),
        )
        if u.get("person"):
            services.person_link_user(person=persons[u["person"]], user=user)
    return Demo(
        body=body,
        seed_paper=papers[0],
        committees={
            o.name: o
            for o in organizations.values()
            if o.kind in {Organization.Kind.COMMITTEE, Organization.Kind.COUNCIL}
        },
        meetings=sorted(meetings.values(), key=lambda m: m.start),
        nonpublic_paper=next((p for p in papers if not p.public), None),
    )
