"""Walks the whole OParl API like a harvesting client and checks every object it finds.

From the System object, every list page (following ``links.next``), every object at its
own URL and every URL into the API found anywhere is fetched. Each object, whether a
list item, embedded or served alone, is validated against the OParl 1.1 JSON schemas
(the draft-7 branch, whose ``$ref``s reach embedded objects) and checked for the rules
the schemas do not express: ``created``/``modified`` everywhere, no null, "" or [],
no deleted object embedded, no back-reference inside an embedded object.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft7Validator
from referencing import Registry
from referencing.jsonschema import DRAFT7

from council import services
from council.generate import Size, generate_council
from council.models import AgendaItem, Consultation, File, Organization, Paper, PaperDocument

API = "http://testserver/oparl/v1.1/"
SCHEMA = "https://schema.oparl.org/1.1/"
SCHEMA_DIR = settings.TEILHABE_REFERENCE_DIR / "oparl" / "spec-1.1-draft7-branch" / "schema"
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
# Lists that must be written even when empty (OParl 2-04): the schema's required arrays.
MANDATORY_LISTS = {("Body", "legislativeTerm")}
# Properties holding embedded objects, and the back-reference they must leave out.
EMBEDDED = {
    ("Body", "legislativeTerm"): "body",
    ("Body", "location"): "bodies",
    ("Person", "membership"): "person",
    ("Meeting", "agendaItem"): "meeting",
    ("Meeting", "location"): "meetings",
    ("Meeting", "auxiliaryFile"): "meeting",
    ("AgendaItem", "auxiliaryFile"): "agendaItem",
    ("Paper", "consultation"): "paper",
    ("Paper", "mainFile"): "paper",
    ("Paper", "auxiliaryFile"): "paper",
    ("Paper", "location"): "papers",
    ("Organization", "location"): "organizations",
}
DATE_PROPERTIES = {"date", "startDate", "endDate", "teilhabe:submissionDate"}
TIME_PROPERTIES = {"created", "modified", "start", "end"}


@cache
def validators() -> dict[str, Draft7Validator]:
    """One validator per OParl type, with every schema registered under both URIs."""
    schemas = {}
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        if path.stem == "Body":
            # Upstream quirk: "$ref": "Organization" next to "type": "string".
            schema["properties"]["mainOrganization"].pop("$ref", None)
        schemas[path.stem] = schema
    assert len(schemas) == 12, f"expected the 12 OParl 1.1 schemas in {SCHEMA_DIR}"
    registry = Registry().with_resources(
        (uri, DRAFT7.create_resource(schema))
        for name, schema in schemas.items()
        for uri in (f"{SCHEMA}{name}", f"{SCHEMA}{name}.json")
    )
    return {name: Draft7Validator(schema, registry=registry) for name, schema in schemas.items()}


def type_name(obj: dict[str, Any]) -> str:
    return obj["type"].removeprefix(SCHEMA)


@dataclass
class Walk:
    """What a walk saw: every URL with its JSON, problems found, objects per type."""

    client: Any
    fetched: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    types: Counter = field(default_factory=Counter)
    listed: dict[str, list[str]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def get(self, url: str) -> Any:
        response = self.client.get(url)
        if response.status_code != 200:
            self.problem(url, f"HTTP {response.status_code}")
            return None
        if response["Content-Type"] != "application/json; charset=utf-8":
            self.problem(url, f"content type {response['Content-Type']}")
        if response.get("Access-Control-Allow-Origin") != "*":
            self.problem(url, "no CORS header")
        return response.json()

    def run(self, start: str = API) -> Walk:
        queue = [start]
        while queue:
            url = queue.pop()
            if url in self.fetched:
                continue
            data = self.fetched[url] = self.get(url)
            if data is None:
                continue
            if "data" in data and "links" in data:
                queue.extend(self.check_list(url, data))
            else:
                queue.extend(self.check_object(url, data, alone=True))
        return self

    def check_list(self, url: str, page: dict[str, Any]) -> list[str]:
        """A list, from its first page to its last; returns the URLs found in it."""
        found: list[str] = []
        if "pagination" not in page:
            self.problem(url, "list page without pagination")
        items: list[str] = []
        while True:
            for item in page["data"]:
                found.extend(self.check_object(url, item, alone=True))
                items.append(item["id"])
            following = page["links"].get("next")
            if not following:
                break
            if following in self.fetched:
                self.problem(url, f"links.next loops back to {following}")
                break
            page = self.fetched[following] = self.get(following)
            if page is None:
                break
        self.listed[url] = items
        if len(set(items)) != len(items):
            self.problem(url, "an object is listed twice")
        numbers = [int(i.rsplit("/", 1)[1]) for i in items]
        if numbers != sorted(numbers):
            self.problem(url, "the list is not in a stable (id) order")
        return found

    def check_object(self, where: str, obj: dict[str, Any], *, alone: bool) -> list[str]:
        """Validate one object and everything embedded in it; return the API URLs in it."""
        name = type_name(obj)
        label = f"{where} -> {obj.get('id')}"
        validator = validators().get(name)
        if validator is None:
            self.problem(label, f"unknown type {obj.get('type')}")
            return []
        for error in validator.iter_errors(obj):
            path = "/".join(str(p) for p in error.absolute_path)
            self.problem(label, f"schema: {path}: {error.message[:200]}")
        self.types[name] += 1
        for key in ("created", "modified"):
            if key not in obj:
                self.problem(label, f"no {key}")
        if obj.get("deleted"):
            self.deleted.add(obj["id"])
            if not alone:
                self.problem(label, "a deleted object is embedded")
        found = []
        for key, value in obj.items():
            if value is None or value == "" or (value == [] and (name, key) not in MANDATORY_LISTS):
                self.problem(label, f"{key} is {value!r}; leave out what has no data")
            if key in TIME_PROPERTIES and not TIME.match(str(value)):
                self.problem(label, f"{key}={value!r} is not yyyy-mm-ddThh:mm:ss±hh:mm")
            if key in DATE_PROPERTIES and not DATE.match(str(value)):
                self.problem(label, f"{key}={value!r} is not yyyy-mm-dd")
            back_reference = EMBEDDED.get((name, key))
            children = value if isinstance(value, list) else [value]
            for child in children:
                if isinstance(child, dict) and "type" in child:
                    if back_reference and back_reference in child:
                        self.problem(label, f"embedded {key} carries the back-reference")
                    found.extend(self.check_object(label, child, alone=False))
                elif isinstance(child, dict):
                    continue  # a vendor extension's value, not an OParl object
                elif isinstance(child, str) and child.startswith(API) and key != "id":
                    found.append(child)
        if obj.get("id", "").startswith(API):
            found.append(obj["id"])
        return found


def assert_complete(walk: Walk, *, without: set[str] = frozenset()) -> None:
    assert not walk.problems, "\n".join(walk.problems[:50])
    every_type = {
        "System",
        "Body",
        "LegislativeTerm",
        "Organization",
        "Person",
        "Membership",
        "Meeting",
        "AgendaItem",
        "Paper",
        "Consultation",
        "File",
        "Location",
    } - without
    assert every_type <= set(walk.types), f"never seen: {every_type - set(walk.types)}"
    for url, data in walk.fetched.items():
        if data is not None and "data" not in data:
            assert data["id"] == url, f"{url} serves the object {data['id']}"


def assert_non_public_never_served(walk: Walk, body_id: int) -> None:
    secret = Paper.objects.filter(body_id=body_id, public=False)
    assert secret.exists(), "the data should contain non-public papers"
    urls = {f"{API}paper/{pk}" for pk in secret.values_list("pk", flat=True)}
    urls |= {
        f"{API}consultation/{pk}"
        for pk in Consultation.objects.filter(paper__in=secret).values_list("pk", flat=True)
    }
    urls |= {
        f"{API}file/{pk}"
        for pk in File.objects.filter(paper__in=secret).values_list("pk", flat=True)
    }
    urls |= {
        f"{API}agendaitem/{pk}"
        for pk in AgendaItem.objects.filter(meeting__body_id=body_id, public=False).values_list(
            "pk", flat=True
        )
    }
    text = json.dumps([d for d in walk.fetched.values() if d is not None])
    leaked = [u for u in urls if f'"{u}"' in text]
    assert not leaked, leaked[:10]


def walk_synchronising(client, walk: Walk) -> Walk:
    """The body's lists again as an updating client reads them: deleted objects included."""
    again = Walk(client)
    for body in walk.fetched[f"{API}body"]["data"]:
        for key in (
            "organization",
            "person",
            "meeting",
            "paper",
            "legislativeTermList",
            "agendaItem",
            "consultation",
            "file",
            "locationList",
            "membership",
        ):
            url = f"{body[key]}?modified_since=2000-01-01T00%3A00%3A00%2B01%3A00"
            again.fetched[url] = page = again.get(url)
            if page is not None:
                again.check_list(url, page)
    return again


@pytest.fixture
def generated(db):
    # Big enough to contain a deleted committee, meeting and person, small enough to be quick.
    return generate_council(
        size=Size(papers=90, meetings=36, persons=24, committees=7, factions=3, seed=7)
    )


def test_walk_of_a_generated_council(client, generated):
    # The generator stores the papers' documents, so the walk reads the list from them.
    documents = PaperDocument.objects.filter(paper__body=generated.body)
    assert documents.count() == generated.counts["paper_document"] > 0
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{API}body/{generated.body.pk}/paper").status_code == 200
    assert len(queries) == 1  # the page with its documents: none rendered anew
    walk = Walk(client).run()
    assert_complete(walk)
    assert walk.types["Paper"] >= 80
    assert_non_public_never_served(walk, generated.body.pk)
    # Deleted objects are served at their URLs, and listed only with modified_since.
    again = walk_synchronising(client, walk)
    assert not again.problems, "\n".join(again.problems[:50])
    assert again.deleted, "the generated data should contain deleted objects"
    for url, items in walk.listed.items():
        assert not walk.deleted & set(items), f"{url} lists deleted objects"
    for url in again.deleted:
        assert client.get(url).status_code == 200


def test_walk_of_the_demo(client, demo):
    walk = Walk(client).run()
    assert_complete(walk, without=set() if File.objects.exists() else {"File"})
    assert f"{API}paper/{demo.seed_paper.pk}" in walk.fetched
    assert_non_public_never_served(walk, demo.body.pk)
    again = walk_synchronising(client, walk)
    assert not again.problems, "\n".join(again.problems[:50])


def test_the_schemas_catch_what_they_should(db):
    """The validators are live: a Meeting embedding an agenda item without order fails."""
    meeting = {
        "id": f"{API}meeting/1",
        "type": f"{SCHEMA}Meeting",
        "agendaItem": [{"id": f"{API}agendaitem/1", "type": f"{SCHEMA}AgendaItem"}],
    }
    errors = list(validators()["Meeting"].iter_errors(meeting))
    assert any("order" in e.message for e in errors)


def test_services_write_after_a_generated_load(generated):
    """The generator picks ids itself; afterwards the database hands out new ones again."""
    committee = Organization.objects.filter(
        body=generated.body, kind=Organization.Kind.COMMITTEE, deleted=False
    ).first()
    paper = services.paper_create(
        body=generated.body,
        reference="9999/25",
        name="Nachtrag",
        paper_type="Antrag",
        consultations=[services.ConsultationSpec(organization=committee, role="Vorberatung")],
    )
    assert paper.pk > Paper.objects.exclude(pk=paper.pk).order_by("-pk").first().pk
    assert paper.consultations.count() == 1


def test_the_generator_repeats_itself_for_a_seed(db):
    def signature(body_id: int) -> list[tuple]:
        return list(
            Consultation.objects.filter(paper__body_id=body_id)
            .order_by("pk")
            .values_list(
                "paper__reference",
                "paper__name",
                "paper__public",
                "paper__deleted",
                "paper__created",
                "paper__modified",
                "position",
                "organization__name",
                "meeting__start",
                "votes_yes",
                "result",
            )
        )

    size = Size(papers=30, meetings=12, persons=10, seed=3)
    first = generate_council(size=size, index_search=False)
    second = generate_council(size=size, index_search=False)
    other = generate_council(size=Size(papers=30, meetings=12, persons=10, seed=4))
    assert signature(first.body.pk) == signature(second.body.pk)
    assert signature(first.body.pk) != signature(other.body.pk)
    assert first.counts == second.counts
    assert Paper.objects.filter(body=first.body, is_example=False).count() == 0
