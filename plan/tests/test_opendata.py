"""Request tests of /opendata/: index, datapackage.json, plan exports and the import page."""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from core import opendata
from core.roles import Role
from plan import exchange, services
from plan.generate import generate_plan
from plan.models import FieldOfAction, Measure
from plan.structure import load_snapshot

NAME = re.compile(r"^[a-z0-9._-]+$")
TABLE_SCHEMA_TYPES = {
    # The field types of the Frictionless Table Schema.
    "string",
    "number",
    "integer",
    "boolean",
    "object",
    "array",
    "date",
    "time",
    "datetime",
    "year",
    "yearmonth",
    "duration",
    "geopoint",
    "geojson",
    "any",
}


def export_url(version: str, fmt: str, slug: str | None = None) -> str:
    if slug is None:
        return reverse("opendata:plan_export", kwargs={"version": version, "fmt": fmt})
    return reverse("opendata:plan_export_of", kwargs={"slug": slug, "version": version, "fmt": fmt})


def import_url(version) -> str:
    return reverse("opendata:plan_import", args=[version.plan.slug, version.number])


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"), newline="")))


def mediatype(response) -> str:
    return response["Content-Type"].split(";")[0].strip()


@pytest.fixture
def draft(small_plan, plan_editor):
    return services.version_start_draft(plan=small_plan.plan, by=plan_editor, title="Entwurf")


# --- the addresses of DESIGN.md ------------------------------------------------------


def test_the_stable_addresses_resolve():
    assert reverse("opendata:index") == "/opendata/"
    assert reverse("opendata:datapackage") == "/opendata/datapackage.json"
    assert export_url("current", "json") == "/opendata/plan/current.json"
    assert export_url("2", "csv") == "/opendata/plan/2.csv"
    assert export_url("2", "csv", "klein") == "/opendata/plan/klein/2.csv"
    assert reverse("opendata:plan_import", args=["klein", 2]) == "/opendata/plan/klein/2/import/"


# --- index and datapackage -----------------------------------------------------------


def test_index_lists_every_file_with_the_licence(small_plan, client):
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/opendata/datapackage.json"' in page
    assert "CC-BY-4.0" in page and "https://creativecommons.org/licenses/by/4.0/" in page
    for resource in opendata.resources(response.wsgi_request):
        assert resource.path in page
        assert str(resource.title) in page
    assert 'href="/opendata/plan/current.csv"' in page
    assert 'href="/opendata/plan/1.json"' in page
    assert "style=" not in page and "<script>" not in page


def test_index_answers_without_any_plan(demo, client):
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    assert "CC-BY-4.0" in response.content.decode()


def test_datapackage_is_a_valid_descriptor_whose_files_answer(small_plan, draft, client):
    second = generate_plan(small_plan.plan.body, measures=4, fields=2, slug="zweiter", seed=3)
    assert second.version.is_in_force
    response = client.get(reverse("opendata:datapackage"))
    assert response.status_code == 200
    assert mediatype(response) == "application/json"
    package = json.loads(response.content)

    assert package["profile"] == "data-package"
    assert NAME.match(package["name"])
    assert package["title"]
    (licence,) = package["licenses"]
    assert licence["name"] == "CC-BY-4.0"
    assert licence["path"] == "https://creativecommons.org/licenses/by/4.0/"
    resources = package["resources"]
    assert resources
    names = [r["name"] for r in resources]
    assert len(names) == len(set(names))
    paths = set()
    for resource in resources:
        for key in ("name", "path", "format", "mediatype", "title"):
            assert resource[key], (key, resource)
        assert NAME.match(resource["name"]), resource["name"]
        url = urlparse(resource["path"])
        assert (url.scheme, url.netloc) == ("http", "testserver")
        paths.add(url.path)
        answer = client.get(url.path)
        assert answer.status_code == 200, url.path
        assert mediatype(answer) == resource["mediatype"]
        if resource["format"] == "csv":
            assert resource["profile"] == "tabular-data-resource"
            fields = resource["schema"]["fields"]
            for field in fields:
                assert field["name"] and field["description"]
                assert field["type"] in TABLE_SCHEMA_TYPES
            assert csv_rows(answer)[0] == [f["name"] for f in fields]
        else:
            assert resource["format"] == "json"
            json.loads(answer.content)
    # The default plan by its short addresses, the other by its slug; drafts never.
    assert "/opendata/plan/current.csv" in paths
    assert f"/opendata/plan/zweiter/{second.version.number}.json" in paths
    assert "/opendata/plan/zweiter/current.csv" in paths
    assert not [p for p in paths if p.endswith(f"/{draft.number}.csv")]


def test_a_plan_without_public_versions_lists_nothing_of_it(demo, client, plan_editor):
    generate_plan(demo.body, measures=2, fields=1, slug="leer", adopt=False)
    package = json.loads(client.get(reverse("opendata:datapackage")).content)
    assert not [r for r in package["resources"] if r["name"].startswith("plan")]


def test_registry_keeps_names_unique_and_checks_them(db, rf):
    with pytest.raises(ValueError):
        opendata.Resource(name="Kein Name", title="", description="", path="/", format="csv")
    one = opendata.Resource(name="doppelt", title="A", description="", path="/a", format="csv")
    two = opendata.Resource(name="doppelt", title="B", description="", path="/b", format="json")
    opendata.register(one, key="test-one")
    opendata.register(lambda request: [two], key="test-two")
    try:
        names = [r.name for r in opendata.resources(rf.get("/"))]
    finally:
        opendata.unregister("test-one")
        opendata.unregister("test-two")
    assert "doppelt" in names and "doppelt-2" in names
    assert two.mediatype == "application/json"


# --- exports -------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1", "current"])
def test_csv_export_of_the_default_plan(small_plan, client, version):
    response = client.get(export_url(version, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == ('inline; filename="integrationsplan-klein-v1.csv"')
    assert not response.content.startswith(b"\xef\xbb\xbf")
    rows = csv_rows(response)
    assert rows[0] == list(exchange.COLUMNS)
    assert len(rows) - 1 == len(load_snapshot(small_plan.version).items)


@pytest.mark.parametrize("slug", [None, "klein"])
def test_json_export_names_the_adoption_paper(small_plan, client, slug):
    response = client.get(export_url("current", "json", slug))
    assert response.status_code == 200
    assert mediatype(response) == "application/json"
    assert response["Content-Disposition"] == 'inline; filename="integrationsplan-klein-v1.json"'
    document = json.loads(response.content)
    assert document["plan"]["name"] == "Integrationsplan klein"
    version = document["version"]
    assert version["number"] == 1 and version["status"] == "adopted"
    assert version["adopted_on"] and version["valid_from"]
    paper = version["adoption_paper"]
    assert paper["reference"] == "1/klein BDs"
    assert client.get(urlparse(paper["oparl"]).path).status_code == 200
    assert len(document["items"]) == len(load_snapshot(small_plan.version).items)


def test_a_draft_is_hidden_from_the_public_and_open_to_plan_editors(
    draft, client, plan_editor, make_user
):
    for fmt in ("csv", "json"):
        assert client.get(export_url(str(draft.number), fmt)).status_code == 404
    client.force_login(make_user(Role.APPLICANT))
    assert client.get(export_url(str(draft.number), "csv")).status_code == 404
    client.force_login(plan_editor)
    for fmt in ("csv", "json"):
        response = client.get(export_url(str(draft.number), fmt, "klein"))
        assert response.status_code == 200
    assert json.loads(response.content)["version"]["status"] == "draft"


@pytest.mark.parametrize(
    "url",
    [
        "/opendata/plan/7.csv",
        "/opendata/plan/unbekannt/1.csv",
        "/opendata/plan/klein/7.json",
        "/opendata/plan/eins.csv",
        "/opendata/plan/1.xml",
    ],
)
def test_unknown_versions_and_formats_are_404(small_plan, client, url):
    assert client.get(url).status_code == 404


def test_exports_answer_404_when_there_is_no_plan(demo, client):
    assert client.get("/opendata/plan/current.csv").status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_query_count_does_not_grow_with_the_items(small_plan, client, fmt):
    generate_plan(small_plan.plan.body, measures=60, fields=6, slug="gross", seed=5)

    def queries(slug: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(export_url("1", fmt, slug)).status_code == 200
        return len(captured)

    assert queries("klein") == queries("gross")


# --- the import page -----------------------------------------------------------------


def test_import_page_asks_anonymous_users_to_sign_in(draft, client):
    response = client.get(import_url(draft))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", list(Role))
def test_import_page_is_for_plan_editors_only(draft, client, make_user, role):
    client.force_login(make_user(role))
    allowed = role in (Role.PLAN_EDITOR, Role.ADMIN)
    assert client.get(import_url(draft)).status_code == (200 if allowed else 403)
    response = client.post(import_url(draft), {"pasted": "id,kind,parent_id,title\n"})
    assert response.status_code == (200 if allowed else 403)


def test_import_page_refuses_a_user_without_roles(draft, client, make_user):
    client.force_login(make_user())
    assert client.get(import_url(draft)).status_code == 403


def test_import_page_refuses_an_adopted_version(small_plan, client, plan_editor):
    client.force_login(plan_editor)
    assert client.get(import_url(small_plan.version)).status_code == 403


def test_import_page_explains_the_rules_and_links_the_export(draft, client, plan_editor):
    client.force_login(plan_editor)
    page = client.get(import_url(draft)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert export_url(str(draft.number), "csv", "klein") in page
    for column in exchange.REQUIRED_COLUMNS:
        assert f"<code>{column}</code>" in page
    assert "style=" not in page and "<script>" not in page


def test_an_uploaded_file_is_imported_and_the_editor_sent_to_the_workspace(
    draft, client, plan_editor
):
    client.force_login(plan_editor)
    client.cookies["django_language"] = "en"
    text = client.get(export_url(str(draft.number), "csv", "klein")).content.decode()
    field = FieldOfAction.objects.filter(version=draft).order_by("position").first()
    changed = text.replace(field.title, "Handlungsfeld Sprache", 1)
    upload = SimpleUploadedFile("plan.csv", changed.encode("utf-8"), content_type="text/csv")
    response = client.post(import_url(draft), {"file": upload})
    assert response.status_code == 302
    try:
        assert response["Location"] == reverse("plan_edit:workspace", args=["klein", draft.number])
    except NoReverseMatch:
        pass  # the editors' pages are not there; the version page or this page serves
    field.refresh_from_db()
    assert field.title == "Handlungsfeld Sprache"
    page = client.get(response["Location"]).content.decode()
    rows = len(load_snapshot(draft).items)
    assert f"Import finished: 0 created, 1 changed, {rows - 1} unchanged." in page


def test_pasted_text_is_imported(draft, client, plan_editor):
    client.force_login(plan_editor)
    measure = Measure.objects.filter(version=draft).first()
    text = (
        "id,kind,parent_id,title\r\n"
        f"{measure.uid},measure,{measure.field.uid},Eingefügter Titel\r\n"
    )
    response = client.post(import_url(draft), {"pasted": text})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.title == "Eingefügter Titel"


def test_a_bad_file_shows_every_problem_and_changes_nothing(draft, client, plan_editor):
    client.force_login(plan_editor)
    rows = csv_rows(client.get(export_url(str(draft.number), "csv", "klein")))
    header = rows[0]
    kind, weight, title = header.index("kind"), header.index("weight"), header.index("title")
    rows[1][title] = "Neu"
    rows[2][kind] = "projekt"
    measure_line = next(i for i, r in enumerate(rows) if r[kind] == "measure")
    rows[measure_line][weight] = "schwer"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    before = load_snapshot(draft).items
    response = client.post(import_url(draft), {"pasted": out.getvalue()})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="problem-table"' in page
    assert "<code>kind</code>" in page and "<code>weight</code>" in page
    assert f'<td class="kern-table__cell kern-table__cell--numeric">{measure_line + 1}</td>' in page
    assert load_snapshot(draft).items == before


def test_a_file_in_another_encoding_is_refused_with_a_clear_message(draft, client, plan_editor):
    client.force_login(plan_editor)
    text = "id,kind,parent_id,title\n,field,,Übergänge\n"
    upload = SimpleUploadedFile("plan.csv", text.encode("cp1252"), content_type="text/csv")
    fields = FieldOfAction.objects.filter(version=draft).count()
    response = client.post(import_url(draft), {"file": upload})
    assert response.status_code == 200
    assert "UTF-8" in response.content.decode()
    assert FieldOfAction.objects.filter(version=draft).count() == fields


@pytest.mark.parametrize("data", [{}, {"pasted": "   "}])
def test_the_import_form_wants_a_file_or_text(draft, client, plan_editor, data):
    client.force_login(plan_editor)
    response = client.post(import_url(draft), data)
    assert response.status_code == 200
    assert "kern-alert--danger" in response.content.decode()


def test_a_file_larger_than_five_megabytes_is_refused(draft, client, plan_editor):
    client.force_login(plan_editor)
    upload = SimpleUploadedFile("plan.csv", b"a" * (5 * 1024 * 1024 + 1), content_type="text/csv")
    response = client.post(import_url(draft), {"file": upload})
    assert response.status_code == 200
    assert "5 MB" in response.content.decode()
