"""Indicator data imported from CSV and XLSX: preview, all or nothing, idempotent, audited."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from core.roles import Role
from monitoring import services, tables
from monitoring.models import Observation, ObservationImport


@pytest.fixture
def indicator(plan_demo):
    """I 3, participants of integration courses (a count, higher is better)."""
    return plan_demo.adopted.indicators.get(code="I 3")


@pytest.fixture
def editor(make_user):
    return make_user(Role.PLAN_EDITOR)


LONG = (
    "Gebiet;Jahr;Wert;Status\n"
    "Region Hannover;2022;6.120;endgültig\n"
    "03241001;2022;3.410;endgültig\n"
    "Garbsen;2022;402;endgültig\n"
    "Region Hannover;2023;6.305,5;vorläufig\n"
)


def upload(text: str | bytes, name: str = "kurse.csv") -> SimpleUploadedFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, data)


def _import(indicator, editor, text, name="kurse.csv"):
    record, shown = services.import_preview(
        indicator=indicator, upload=upload(text, name), by=editor
    )
    return record, shown


def test_a_long_table_is_previewed_then_committed_with_history(indicator, editor):
    record, shown = _import(indicator, editor, LONG)
    assert shown.ok and len(shown.added) == 4 and not shown.changed
    assert not Observation.objects.exists()  # a preview writes no observation
    services.import_commit(record=record, indicator=indicator, by=editor)
    region = Observation.objects.get(municipality=None, period="2023")
    assert region.value == Decimal("6305.5") and region.status == "provisional"
    assert region.source == indicator.source
    assert Observation.objects.get(municipality__key="03241005").value == 402
    assert Observation.history.filter(history_user=editor).count() == 4
    record.refresh_from_db()
    assert (record.state, record.added, record.changed) == ("committed", 4, 0)


def test_the_same_file_again_changes_nothing_and_a_new_value_is_shown_with_its_old(
    indicator, editor
):
    record, _shown = _import(indicator, editor, LONG)
    services.import_commit(record=record, indicator=indicator, by=editor)
    again, shown = _import(indicator, editor, LONG)
    assert (shown.added, shown.changed, shown.unchanged) == ([], [], 4)
    services.import_commit(record=again, indicator=indicator, by=editor)
    assert Observation.history.count() == 4
    changed, shown = _import(
        indicator, editor, LONG.replace("6.305,5;vorläufig", "6.320;endgültig")
    )
    assert [(c.period, c.before, c.value) for c in shown.changed] == [
        ("2023", Decimal("6305.5"), Decimal("6320"))
    ]
    services.import_commit(record=changed, indicator=indicator, by=editor)
    assert Observation.objects.get(municipality=None, period="2023").status == "final"


def test_a_wide_xlsx_with_a_title_row_and_a_breakdown(indicator, editor):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Teilnehmende an Integrationskursen nach Geschlecht"])
    sheet.append([])
    sheet.append(["Kommune", "Merkmal", "Ausprägung", "2021", "2022", "2023"])
    sheet.append(["Hannover", "Geschlecht", "weiblich", 1800, 1905, "–"])
    sheet.append(["Hannover", "Geschlecht", "männlich", 1500, 1505.5, 1490])
    data = io.BytesIO()
    book.save(data)
    record, shown = _import(indicator, editor, data.getvalue(), "kurse.xlsx")
    assert shown.ok, [str(p) for p in shown.problems]
    assert len(shown.added) == 5  # the dash is "no value"
    services.import_commit(record=record, indicator=indicator, by=editor)
    women = Observation.objects.filter(group="weiblich").order_by("year")
    assert [(o.year, o.value) for o in women] == [(2021, 1800), (2022, 1905)]
    assert Observation.objects.get(group="männlich", year=2022).value == Decimal("1505.5")


@pytest.mark.parametrize(
    ("text", "name", "messages"),
    [
        (
            "Gebiet;Jahr;Wert\nRegion Hannover;2022;6120\nAtlantis;2022;5\n"
            "Garbsen;2022;viele\nGarbsen;20x2;3\nRegion Hannover;2022;6121\n",
            "kurse.csv",
            [
                "Row 3, column “Gebiet”: “Atlantis” is no municipality of the register",
                "Row 4, column “Wert”: “viele” is not a number",
                "Row 5, column “Jahr”: “20x2” is no year or date",
                "Row 6, column “Wert”: the same area, period and breakdown as row 2",
            ],
        ),
        ("Ort;Zeit;Zahl\nGarbsen;2022;3\n", "kurse.csv", ["No column for the area"]),
        ("Gebiet;Bemerkung\nGarbsen;gut\n", "kurse.csv", ["The columns for the period"]),
        (b"PK\x03\x04 not really a workbook", "kurse.xlsx", ["not a readable XLSX"]),
        ("plain text", "kurse.xlsx", ["not a readable XLSX"]),
        ("Gebiet;Jahr;Wert\n", "kurse.csv", ["The file holds no values."]),
        ("Gebiet;Jahr;Wert;Status\nGarbsen;2022;3;geschätzt\n", "kurse.csv", ["neither"]),
    ],
)
def test_bad_files_are_refused_with_every_bad_row_and_nothing_is_imported(
    indicator, editor, text, name, messages
):
    record, shown = _import(indicator, editor, text, name)
    assert not shown.ok
    problems = [str(p) for p in shown.problems]
    for message in messages:
        assert any(message in p for p in problems), problems
    with pytest.raises(services.ImportRefused):
        services.import_commit(record=record, indicator=indicator, by=editor)
    assert not Observation.objects.exists()
    record.refresh_from_db()
    assert record.state == "previewed"


def test_only_plan_editors_import(indicator, make_user):
    for role in (Role.APPLICANT, Role.FUND_OFFICER, Role.COMMITTEE_MEMBER, Role.REVIEWER):
        with pytest.raises(PermissionDenied):
            services.import_preview(indicator=indicator, upload=upload(LONG), by=make_user(role))
    assert not ObservationImport.objects.exists()


def test_a_committed_file_is_not_committed_twice(indicator, editor):
    record, _shown = _import(indicator, editor, LONG)
    services.import_commit(record=record, indicator=indicator, by=editor)
    with pytest.raises(Exception, match="imported already"):
        services.import_commit(record=record, indicator=indicator, by=editor)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("12,5", "12.5"),
        ("7", "7"),
        ("-3,25", "-3.25"),
        ("45 %", "45"),
        ("nan", None),
        ("", None),
        ("1.2.3", None),
    ],
)
def test_numbers_as_statistics_offices_write_them(text, value):
    assert tables.number(text) == (None if value is None else Decimal(value))


def test_periods_are_years_or_days():
    assert tables.period("2024") == ("2024", 2024)
    assert tables.period("31.12.2023") == ("2023-12-31", 2023)
    assert tables.period("2023-02-30") is None
    assert tables.period("Q3") is None
