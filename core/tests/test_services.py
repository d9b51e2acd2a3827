"""Unit tests of the core services: users, roles, municipalities, the audit trail."""

import io

import pytest
from django.core.exceptions import ValidationError

from core import services
from core.audit import history_entries
from core.errors import ImportRejected
from core.models import Municipality, User
from core.roles import Role

CSV_HEADER = "key,name,kind,district_key,district_name\n"


def test_user_logs_in_by_email_case_insensitively(db, client):
    services.user_create(email="Clerk@Example.org", password="s3cret-passphrase", roles=[])
    assert client.login(username="clerk@example.org", password="s3cret-passphrase")
    assert User.objects.get().email == "clerk@example.org"


def test_duplicate_email_is_refused_and_nothing_written(db):
    services.user_create(email="a@example.org", password="pw-123456789", roles=[])
    with pytest.raises(ValidationError):
        services.user_create(email="A@example.org", password="pw-123456789", roles=[])
    assert User.objects.count() == 1


def test_every_role_has_a_group(db):
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


def test_roles_are_replaced_and_audited(db, make_user):
    admin = make_user(Role.ADMIN)
    user = make_user(Role.APPLICANT)
    services.user_set_roles(user=user, roles=[Role.REVIEWER], by=admin)
    user = User.objects.get(pk=user.pk)
    assert user.has_role(Role.REVIEWER)
    assert not user.has_role(Role.APPLICANT)
    latest = user.history.first()
    assert latest.history_user == admin
    assert "reviewer" in latest.history_change_reason


def test_admin_role_implies_every_role(db, make_user):
    admin = make_user(Role.ADMIN)
    assert admin.has_role(Role.COUNCIL_OFFICE)


def test_inactive_user_holds_no_role(db, make_user):
    user = make_user(Role.COUNCIL_OFFICE)
    user.is_active = False
    assert not user.has_role(Role.COUNCIL_OFFICE)


def test_municipality_register_of_the_region_hannover(db):
    from django.conf import settings

    text = (settings.BASE_DIR / "core/data/municipalities-region-hannover.csv").read_text()
    saved = services.municipalities_import(text=text)
    assert len(saved) == 21
    assert Municipality.objects.get(key="03241001").name == "Hannover"
    assert Municipality.objects.get(key="03241020").name == "Wennigsen (Deister)"
    assert all(m.key.startswith("03241") for m in Municipality.objects.all())


def test_bad_municipality_import_writes_nothing_and_names_every_bad_row(db):
    text = CSV_HEADER + (
        "03241001,Hannover,capital,03241,Region Hannover\n"
        "0324100X,Barsinghausen,town,03241,Region Hannover\n"
        "03241003,Burgdorf,village,03241,Region Hannover\n"
        "03241001,Hannover,capital,03241,Region Hannover\n"
    )
    with pytest.raises(ImportRejected) as excinfo:
        services.municipalities_import(text=text)
    assert set(excinfo.value.rows) == {3, 4, 5}
    assert Municipality.objects.count() == 0


def test_municipality_import_without_required_columns_is_refused(db):
    with pytest.raises(ImportRejected) as excinfo:
        services.municipalities_import(text="key,name\n03241001,Hannover\n")
    assert "kind" in excinfo.value.rows[1][0]
    assert Municipality.objects.count() == 0


def test_history_entry_names_who_and_before_after(db, make_user):
    admin = make_user(Role.ADMIN)
    org = services.organisation_create(name="Verein A", kind="association", by=admin)
    org.name = "Verein B"
    from core.audit import audited_save

    audited_save(org, by=admin)
    entries = history_entries(org)
    assert entries[0].who == str(admin)
    change = next(c for c in entries[0].changes if c.field == "name")
    assert (change.before, change.after) == ("Verein A", "Verein B")
    assert entries[-1].kind  # the creation entry comes last


def test_the_register_carries_population_and_refuses_a_bad_one(db, tmp_path):
    from django.conf import settings
    from django.core.management import CommandError, call_command
    from django.utils import translation

    register = settings.BASE_DIR / "core/data/municipalities-region-hannover.csv"
    call_command("import_municipalities", str(register), stdout=io.StringIO())
    assert Municipality.objects.get(key="03241001").population > 500_000
    assert sum(Municipality.objects.values_list("population", flat=True)) > 1_100_000
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "key,name,kind,district_key,district_name,population\n"
        "03241001,Hannover,capital,03241,Region Hannover,viele\n",
        encoding="utf-8",
    )
    before = Municipality.objects.get(key="03241001").population
    with (
        translation.override("en"),
        pytest.raises(CommandError, match="2: the population must be a whole number"),
    ):
        call_command("import_municipalities", str(bad))
    assert Municipality.objects.get(key="03241001").population == before
