"""The import pages through the test client: upload, preview, commit, bad rows, who may."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.roles import Role
from monitoring.models import Observation, ObservationImport

GOOD = "Gebiet;Jahr;Wert\nRegion Hannover;2022;6120\nGarbsen;2022;402\n"
BAD = "Gebiet;Jahr;Wert\nRegion Hannover;2022;6120\nGarbsen;2022;vierhundert\n"


@pytest.fixture
def indicator(plan_demo):
    return plan_demo.adopted.indicators.get(code="I 3")


@pytest.fixture
def editor_client(client, make_user):
    client.force_login(make_user(Role.PLAN_EDITOR))
    return client


def _upload(client, indicator, text):
    return client.post(
        reverse("monitoring:import_start", args=[indicator.uid]),
        {"file": SimpleUploadedFile("kurse.csv", text.encode())},
    )


def test_upload_preview_and_commit(editor_client, indicator):
    page = editor_client.get(reverse("monitoring:import_start", args=[indicator.uid]))
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()
    response = _upload(editor_client, indicator, GOOD)
    record = ObservationImport.objects.get()
    assert response["Location"] == reverse("monitoring:import_preview", args=[record.pk])
    preview = editor_client.get(response["Location"])
    assert preview.context["preview"].ok and len(preview.context["added"]) == 2
    assert not Observation.objects.exists()
    done = editor_client.post(reverse("monitoring:import_commit", args=[record.pk]), follow=True)
    assert "Imported: 2 added, 0 changed, 0 unchanged." in done.content.decode()
    assert Observation.objects.count() == 2


def test_bad_rows_are_listed_and_nothing_is_imported(editor_client, indicator):
    _upload(editor_client, indicator, BAD)
    record = ObservationImport.objects.get()
    preview = editor_client.get(reverse("monitoring:import_preview", args=[record.pk]))
    text = preview.content.decode()
    assert "“vierhundert” is not a number" in text and 'id="problems"' in text
    assert f"import/{record.pk}/uebernehmen/" not in text  # no commit button
    response = editor_client.post(reverse("monitoring:import_commit", args=[record.pk]))
    assert response.status_code == 400
    assert not Observation.objects.exists()


def test_no_file_and_an_oversized_file_are_refused(editor_client, indicator, settings):
    response = editor_client.post(reverse("monitoring:import_start", args=[indicator.uid]), {})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    from monitoring import services

    services_max = services.MAX_IMPORT_BYTES
    services.MAX_IMPORT_BYTES = 10
    try:
        response = _upload(editor_client, indicator, GOOD)
    finally:
        services.MAX_IMPORT_BYTES = services_max
    assert response.status_code == 400 and "larger than" in response.content.decode()
    assert not ObservationImport.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.APPLICANT, Role.FUND_OFFICER, Role.REVIEWER, Role.COMMITTEE_MEMBER]
)
def test_only_plan_editors_open_the_import(client, make_user, indicator, role):
    record = ObservationImport.objects.create(
        indicator_uid=indicator.uid, file_name="x.csv", sha256="0" * 64, file="x.csv"
    )
    addresses = [
        ("get", reverse("monitoring:import_start", args=[indicator.uid])),
        ("post", reverse("monitoring:import_start", args=[indicator.uid])),
        ("get", reverse("monitoring:import_preview", args=[record.pk])),
        ("post", reverse("monitoring:import_commit", args=[record.pk])),
    ]
    for method, address in addresses:
        response = getattr(client, method)(address)
        assert response.status_code == 302 and "?next=" in response["Location"], address
    client.force_login(make_user(role))
    for method, address in addresses:
        assert getattr(client, method)(address).status_code == 403, address
    assert not Observation.objects.exists()


def test_an_unknown_indicator_is_not_found(editor_client):
    import uuid

    address = reverse("monitoring:import_start", args=[uuid.uuid4()])
    assert editor_client.get(address).status_code == 404
