"""The plan's CSV/JSON export and the all-or-nothing CSV import into a draft."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.utils.translation import gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import services as core_services
from core.models import Municipality
from council.models import BudgetProduct, Organization
from plan import exchange, generate, services
from plan.errors import PlanImportRejected, VersionLocked
from plan.models import (
    FieldOfAction,
    Goal,
    ImplementationStatus,
    Indicator,
    Measure,
    MeasureState,
    PlanSearchEntry,
)
from plan.structure import ATTRIBUTES, FIELD, GOAL, INDICATOR, MEASURE, load_snapshot

Row = dict[str, str]
IMPORTED = "imported from a CSV file"


# --- helpers -------------------------------------------------------------------------


def export_text(version) -> str:
    return exchange.csv_text(exchange.version_export(version))


def read_rows(text: str) -> list[Row]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def write_rows(rows: list[Row], columns: list[str] | tuple[str, ...] = exchange.COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return out.getvalue()


def blank(kind: str, **cells: str) -> Row:
    row = dict.fromkeys(exchange.COLUMNS, "")
    row["kind"] = kind
    row.update(cells)
    return row


def history_total() -> int:
    """Every history record of the plan app, items, costs, milestones and links alike."""
    return sum(
        model.objects.count()
        for model in apps.get_app_config("plan").get_models()
        if model.__name__.startswith("Historical")
    )


def items_of(version) -> dict[str, tuple[Any, ...]]:
    """The snapshot without database keys: what the version says, item by item."""
    return {
        uid: (s.kind, s.parent, s.position, s.values)
        for uid, s in load_snapshot(version).items.items()
    }


def state(version) -> tuple[Any, ...]:
    return (history_total(), items_of(version), PlanSearchEntry.objects.count())


def first(rows: list[Row], kind: str, pred: Callable[[Row], bool] = lambda r: True) -> Row:
    return next(r for r in rows if r["kind"] == kind and pred(r))


def line_of(rows: list[Row], row: Row) -> int:
    """The row's line in the file: the header is line 1."""
    return rows.index(row) + 2


@pytest.fixture
def draft(small_plan, plan_editor):
    return services.version_start_draft(plan=small_plan.plan, by=plan_editor, title="Entwurf")


@pytest.fixture
def partners(db):
    return [
        core_services.organisation_create(name="Caritas; Region, e.V.", kind="welfare"),
        core_services.organisation_create(name="Haus der Kulturen", kind="association"),
    ]


@pytest.fixture
def rich_measure(draft, partners, plan_editor):
    """A measure of the draft with every kind of value filled in."""
    measure = Measure.objects.filter(version=draft).order_by("position", "pk").first()
    measure.description = "Zeile eins\nZeile zwei"
    measure.end = dt.date(2026, 12, 31)
    measure.funding_source = Measure.FundingSource.FUND
    measure.budget_product = BudgetProduct.objects.get(number="331111")
    measure.weight = Decimal("2.5")
    indicator = Indicator.objects.filter(version=draft).first()
    return services.item_save(
        item=measure,
        by=plan_editor,
        partners=partners,
        municipalities=Municipality.objects.filter(name__in=["Laatzen", "Hannover"]),
        indicators=[indicator],
        costs={2025: Decimal("10000"), 2026: Decimal("12000.5")},
        milestones=[(dt.date(2025, 6, 30), "Konzept liegt vor"), (dt.date(2026, 3, 1), "Start")],
    )


# --- export --------------------------------------------------------------------------


def test_export_columns_are_the_import_columns_and_cover_every_attribute():
    assert exchange.COLUMNS[:4] == ("id", "kind", "parent_id", "position")
    assert exchange.COLUMNS[-2:] == ("status", "progress")
    assert set(exchange.ATTRIBUTE_COLUMNS) == set().union(*ATTRIBUTES.values())
    assert len(set(exchange.COLUMNS)) == len(exchange.COLUMNS)
    schema = exchange.table_schema()
    assert [f["name"] for f in schema["fields"]] == list(exchange.COLUMNS)
    assert {f["type"] for f in schema["fields"]} <= {"string", "integer", "number", "date"}


def test_export_has_one_row_per_item_in_tree_order_parents_first(small_plan):
    text = export_text(small_plan.version)
    assert text.splitlines()[0] == ",".join(exchange.COLUMNS)
    rows = read_rows(text)
    snapshot = load_snapshot(small_plan.version)
    assert sorted(r["id"] for r in rows) == sorted(snapshot.items)
    seen: set[str] = set()
    for row in rows:
        assert not row["parent_id"] or row["parent_id"] in seen, row
        seen.add(row["id"])
    kinds = [r["kind"] for r in rows]
    assert kinds[0] == FIELD
    assert kinds[-3:] == [INDICATOR] * 3
    assert set(kinds[: kinds.index(INDICATOR)]) == {FIELD, GOAL, MEASURE}
    # The first field's goals and measures all come before the second field.
    second_field = [i for i, r in enumerate(rows) if r["kind"] == FIELD][1]
    assert not [r for r in rows[second_field:] if r["parent_id"] == rows[0]["id"]]
    for row in rows:
        if row["kind"] in (FIELD, INDICATOR):
            assert row["parent_id"] == ""


def test_export_cells_join_lists_and_give_status_and_progress(draft, rich_measure):
    MeasureState.objects.update_or_create(
        plan=draft.plan,
        measure_uid=rich_measure.uid,
        defaults={"status": ImplementationStatus.RUNNING, "progress": 40},
    )
    rows = read_rows(export_text(draft))
    row = first(rows, MEASURE, lambda r: r["id"] == str(rich_measure.uid))
    assert row["partners"] == "Caritas; Region, e.V. | Haus der Kulturen"
    assert row["municipalities"] == "Hannover | Laatzen"
    assert row["costs"] == "2025: 10000.00 | 2026: 12000.50"
    assert row["milestones"] == "2025-06-30: Konzept liegt vor | 2026-03-01: Start"
    assert row["description"] == "Zeile eins\nZeile zwei"
    assert row["lead_unit"] == "Koordinierungsstelle Migration und Teilhabe"
    assert row["budget_product"] == "331111"
    assert row["funding_source"] == "fund"
    assert row["weight"] == "2.50"
    assert row["end"] == "2026-12-31"
    assert row["parent_id"] == str(rich_measure.field.uid)
    assert row["goals"] == " | ".join(sorted(str(g.uid) for g in rich_measure.goals.all()))
    assert (row["status"], row["progress"]) == ("running", "40")
    field_row = first(rows, FIELD)
    assert field_row["status"] == field_row["progress"] == field_row["lead_unit"] == ""
    indicator = first(rows, INDICATOR)
    assert indicator["baseline_year"] == "2020"
    assert indicator["goals"]


def test_json_document_has_plan_version_and_items_with_arrays(draft, rich_measure):
    document = exchange.json_document(
        exchange.version_export(draft), absolute=lambda p: f"http://x{p}"
    )
    assert document["plan"]["slug"] == "klein"
    assert document["version"]["number"] == draft.number
    assert document["version"]["status"] == "draft"
    assert document["version"]["based_on"] == 1
    item = next(i for i in document["items"] if i["id"] == str(rich_measure.uid))
    assert item["costs"] == [{"year": 2025, "amount": 10000.0}, {"year": 2026, "amount": 12000.5}]
    assert item["milestones"][0] == {"due": "2025-06-30", "title": "Konzept liegt vor"}
    assert item["partners"] == ["Caritas; Region, e.V.", "Haus der Kulturen"]
    assert item["weight"] == 2.5
    assert item["start"] and item["status"] in ImplementationStatus.values
    assert isinstance(item["progress"], int)
    field_item = next(i for i in document["items"] if i["kind"] == FIELD)
    assert field_item["parent_id"] is None and "lead_unit" not in field_item
    indicator = next(i for i in document["items"] if i["kind"] == INDICATOR)
    assert isinstance(indicator["baseline_year"], int)
    assert isinstance(indicator["goals"], list)


# --- round trips ---------------------------------------------------------------------


def test_importing_a_drafts_own_export_changes_nothing(draft, rich_measure, plan_editor):
    text = export_text(draft)
    before = state(draft)
    result = services.version_import_csv(version=draft, text=text, by=plan_editor)
    assert result.counts == {"created": 0, "changed": 0, "unchanged": len(read_rows(text))}
    assert state(draft) == before


def test_a_pasted_export_with_windows_line_ends_changes_nothing(draft, rich_measure, plan_editor):
    text = export_text(draft).replace("\r\n", "\n").replace("\n", "\r\n")
    before = state(draft)
    result = services.version_import_csv(version=draft, text=text, by=plan_editor)
    assert result.counts["changed"] == result.counts["created"] == 0
    assert state(draft) == before


TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="|"),
    max_size=60,
).map(str.strip)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=TEXT.filter(bool), description=st.lists(TEXT, max_size=3).map("\n".join))
def test_any_text_survives_export_and_import(draft, plan_editor, title, description):
    measure = Measure.objects.filter(version=draft).order_by("pk").first()
    measure.title, measure.description = title, description.strip()
    services.item_save(item=measure, by=plan_editor)
    before = state(draft)
    result = services.version_import_csv(version=draft, text=export_text(draft), by=plan_editor)
    assert result.counts["changed"] == result.counts["created"] == 0
    assert state(draft) == before


def test_an_older_version_imported_into_a_fresh_draft_is_reproduced(small_plan, plan_editor):
    first_version = small_plan.version
    second = services.version_start_draft(plan=small_plan.plan, by=plan_editor)
    generate.random_edits(second, count=12, by=plan_editor)
    goal = Goal.objects.filter(version=second, parent__isnull=False).first()
    services.item_place(item=goal, by=plan_editor, index=5)
    indicator = Indicator.objects.filter(version=second).first()
    indicator.target_value = Decimal("99.5")
    services.item_save(item=indicator, by=plan_editor, goals=[])
    paper = generate.decided_paper(small_plan.plan.body, "2/klein BDs")
    services.version_adopt(version=second, paper=paper, by=plan_editor)
    third = services.version_start_draft(plan=small_plan.plan, by=plan_editor)
    wanted = items_of(first_version)
    assert {uid: items_of(third).get(uid) for uid in wanted} != wanted

    result = services.version_import_csv(
        version=third, text=export_text(first_version), by=plan_editor
    )

    reproduced = items_of(third)
    assert {uid: reproduced.get(uid) for uid in wanted} == wanted
    assert result.created and result.changed
    assert set(result.created) <= set(wanted)
    for uid in [*result.created, *result.changed]:
        model = {FIELD: FieldOfAction, GOAL: Goal, MEASURE: Measure, INDICATOR: Indicator}[
            wanted[uid][0]
        ]
        item = model.objects.get(version=third, uid=uid)
        assert item.history.filter(history_change_reason=gettext(IMPORTED)).exists()
    # Items added in the second version are still there: an import never deletes.
    added = set(items_of(second)) - set(wanted)
    assert added and added <= set(reproduced)


def test_import_creates_and_changes_items_in_any_row_order(draft, plan_editor):
    rows = read_rows(export_text(draft))
    lead_unit = Organization.objects.get(short_name="Koordinierungsstelle")
    field_id, goal_id, measure_id = (str(uuid.uuid4()) for _ in range(3))
    existing = first(rows, MEASURE)
    existing["title"] = "Neuer Titel"
    old_goal = first(rows, GOAL)
    new_rows = [
        # The goal comes before its field, the measure names a goal further down.
        blank(GOAL, id=goal_id, parent_id=field_id, title="Neues Leitziel", code="9.1"),
        blank(
            MEASURE,
            id=measure_id,
            parent_id=field_id,
            title="Neue Maßnahme",
            lead_unit=lead_unit.short_name,
            goals=f"{goal_id} | {old_goal['id']}",
            costs="2025: 1500,50",
            municipalities="03241001",
        ),
        blank(FIELD, id=field_id, title="Neues Handlungsfeld", code="9"),
        blank(FIELD, title="Ohne Id"),
    ]
    result = services.version_import_csv(
        version=draft, text=write_rows([existing, *new_rows]), by=plan_editor
    )
    assert result.counts == {"created": 4, "changed": 1, "unchanged": 0}
    assert Measure.objects.get(version=draft, uid=existing["id"]).title == "Neuer Titel"
    measure = Measure.objects.get(version=draft, uid=measure_id)
    assert measure.field.uid == uuid.UUID(field_id)
    assert {str(g.uid) for g in measure.goals.all()} == {goal_id, old_goal["id"]}
    assert [(c.year, c.amount) for c in measure.costs.all()] == [(2025, Decimal("1500.50"))]
    assert [m.name for m in measure.municipalities.all()] == ["Hannover"]
    assert measure.weight == Decimal("1") and measure.funding_source == "regular"
    goal = Goal.objects.get(version=draft, uid=goal_id)
    assert goal.field.uid == uuid.UUID(field_id) and goal.parent is None
    unnamed = FieldOfAction.objects.get(version=draft, title="Ohne Id")
    assert str(unnamed.uid) in result.created
    fields = FieldOfAction.objects.filter(version=draft).order_by("position")
    assert [f.title for f in fields][-2:] == ["Neues Handlungsfeld", "Ohne Id"]
    for item in (measure, goal, unnamed):
        assert item.history.filter(history_type="+").count() == 1
        assert PlanSearchEntry.objects.filter(version=draft, uid=item.uid).exists()


def test_missing_optional_columns_keep_their_values(draft, rich_measure, plan_editor):
    row = first(read_rows(export_text(draft)), MEASURE, lambda r: r["id"] == str(rich_measure.uid))
    row["title"] = "Nur der Titel"
    text = write_rows([row], columns=["id", "kind", "parent_id", "title"])
    before = items_of(draft)[row["id"]]
    services.version_import_csv(version=draft, text=text, by=plan_editor)
    after = items_of(draft)[row["id"]]
    assert after[3]["title"] == "Nur der Titel"
    assert {k: v for k, v in after[3].items() if k != "title"} == {
        k: v for k, v in before[3].items() if k != "title"
    }
    assert after[:3] == before[:3]


def test_german_numbers_dates_and_semicolons_are_read(draft, plan_editor):
    rows = read_rows(export_text(draft))
    row = first(rows, MEASURE)
    row.update(
        start="01.02.2025", end="2025-12-31", weight="1,50", costs="2025: 2000,5 | 2026: 7.000"
    )
    indicator = first(rows, INDICATOR)
    indicator.update(baseline_value="12,25", municipality="Laatzen")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(exchange.COLUMNS), delimiter=";")
    writer.writeheader()
    writer.writerows([row, indicator])
    services.version_import_csv(version=draft, text="\ufeff" + out.getvalue(), by=plan_editor)
    measure = Measure.objects.get(version=draft, uid=row["id"])
    assert (measure.start, measure.weight) == (dt.date(2025, 2, 1), Decimal("1.5"))
    # A point is always the decimal point: 7.000 is seven.
    assert [c.amount for c in measure.costs.all()] == [Decimal("2000.5"), Decimal("7")]
    saved = Indicator.objects.get(version=draft, uid=indicator["id"])
    assert saved.baseline_value == Decimal("12.25") and saved.municipality.name == "Laatzen"


def test_moving_a_strategic_goal_takes_its_operational_goals_along(draft, plan_editor):
    rows = read_rows(export_text(draft))
    fields = [r for r in rows if r["kind"] == FIELD]
    strategic = first(rows, GOAL, lambda r: r["parent_id"] == fields[0]["id"])
    strategic["parent_id"] = fields[1]["id"]
    result = services.version_import_csv(
        version=draft, text=write_rows([strategic]), by=plan_editor
    )
    goal = Goal.objects.get(version=draft, uid=strategic["id"])
    assert goal.field.uid == uuid.UUID(fields[1]["id"])
    children = list(goal.children.all())
    assert children and all(c.field_id == goal.field_id for c in children)
    assert set(result.changed) == {strategic["id"], *(str(c.uid) for c in children)}


# --- bad input -----------------------------------------------------------------------

# Each case changes an export of the draft and names the (row, column) of every problem;
# ``rows`` are the export's rows, the header is line 1.
Case = Callable[[list[Row]], tuple[str, set[tuple[int, str]]]]


def _unknown_column(rows):
    columns = [*exchange.COLUMNS, "colour"]
    return write_rows(rows, columns), {(1, "colour")}


def _missing_column(rows):
    columns = [c for c in exchange.COLUMNS if c != "title"]
    return write_rows(rows, columns), {(1, "title")}


def _unknown_kind(rows):
    row = first(rows, GOAL)
    row["kind"] = "project"
    return write_rows(rows), {(line_of(rows, row), "kind")}


def _bad_uid(rows):
    row = first(rows, MEASURE)
    row["id"] = "not-a-uuid"
    return write_rows(rows), {(line_of(rows, row), "id")}


def _duplicate_id(rows):
    row = first(rows, MEASURE)
    copy = dict(row, title="Doppelt")
    rows.append(copy)
    return write_rows(rows), {(line_of(rows, copy), "id")}


def _parent_missing(rows):
    row = first(rows, MEASURE)
    row["parent_id"] = str(uuid.uuid4())
    return write_rows(rows), {(line_of(rows, row), "parent_id")}


def _empty_parent(rows):
    row = first(rows, GOAL)
    row["parent_id"] = ""
    return write_rows(rows), {(line_of(rows, row), "parent_id")}


def _measure_under_goal(rows):
    row = first(rows, MEASURE)
    row["parent_id"] = first(rows, GOAL)["id"]
    return write_rows(rows), {(line_of(rows, row), "parent_id")}


def _goal_under_operational_goal(rows):
    fields = {r["id"] for r in rows if r["kind"] == FIELD}
    operational = first(rows, GOAL, lambda r: r["parent_id"] not in fields)
    other = first(rows, GOAL, lambda r: r["parent_id"] not in fields and r is not operational)
    other["parent_id"] = operational["id"]
    return write_rows(rows), {(line_of(rows, other), "parent_id")}


def _strategic_goal_with_children_under_a_goal(rows):
    fields = {r["id"] for r in rows if r["kind"] == FIELD}
    strategic = [r for r in rows if r["kind"] == GOAL and r["parent_id"] in fields]
    strategic[0]["parent_id"] = strategic[1]["id"]
    return write_rows(rows), {(line_of(rows, strategic[0]), "parent_id")}


def _id_of_another_kind(rows):
    row = first(rows, MEASURE)
    row["id"] = first(rows, GOAL)["id"]
    # The goal's own row goes, so only the kind is wrong.
    rows = [r for r in rows if not (r["kind"] == GOAL and r["id"] == row["id"])]
    return write_rows(rows), {(line_of(rows, row), "kind")}


def _unknown_goal(rows):
    row = first(rows, MEASURE)
    row["goals"] = f"{row['goals']} | {uuid.uuid4()}"
    return write_rows(rows), {(line_of(rows, row), "goals")}


def _indicator_listed_as_goal(rows):
    row = first(rows, MEASURE)
    row["goals"] = first(rows, INDICATOR)["id"]
    return write_rows(rows), {(line_of(rows, row), "goals")}


def _unknown_lead_unit(rows):
    row = first(rows, MEASURE)
    row["lead_unit"] = "Amt für Unbekanntes"
    return write_rows(rows), {(line_of(rows, row), "lead_unit")}


def _unknown_municipality(rows):
    row = first(rows, MEASURE)
    row["municipalities"] = "Hannover | Atlantis"
    return write_rows(rows), {(line_of(rows, row), "municipalities")}


def _unknown_partner(rows):
    row = first(rows, MEASURE)
    row["partners"] = "Verein, den es nicht gibt"
    return write_rows(rows), {(line_of(rows, row), "partners")}


def _bad_date(rows):
    row = first(rows, MEASURE)
    row["start"] = "2025-13-45"
    return write_rows(rows), {(line_of(rows, row), "start")}


def _end_before_start(rows):
    row = first(rows, MEASURE)
    row.update(start="2025-06-01", end="2025-01-31")
    return write_rows(rows), {(line_of(rows, row), "end")}


def _non_numeric_weight(rows):
    row = first(rows, MEASURE)
    row["weight"] = "schwer"
    return write_rows(rows), {(line_of(rows, row), "weight")}


def _zero_weight(rows):
    row = first(rows, MEASURE)
    row["weight"] = "0"
    return write_rows(rows), {(line_of(rows, row), "weight")}


def _non_numeric_cost(rows):
    row = first(rows, MEASURE)
    row["costs"] = "2025: viel"
    return write_rows(rows), {(line_of(rows, row), "costs")}


def _cost_without_year(rows):
    row = first(rows, MEASURE)
    row["costs"] = "2025: 100 | 2000"
    return write_rows(rows), {(line_of(rows, row), "costs")}


def _cost_year_twice(rows):
    row = first(rows, MEASURE)
    row["costs"] = "2025: 100 | 2025: 200"
    return write_rows(rows), {(line_of(rows, row), "costs")}


def _milestone_without_title(rows):
    row = first(rows, MEASURE)
    row["milestones"] = "2025-06-30"
    return write_rows(rows), {(line_of(rows, row), "milestones")}


def _unknown_funding_source(rows):
    row = first(rows, MEASURE)
    row["funding_source"] = "lottery"
    return write_rows(rows), {(line_of(rows, row), "funding_source")}


def _empty_title(rows):
    row = first(rows, FIELD)
    row["title"] = "  "
    return write_rows(rows), {(line_of(rows, row), "title")}


def _title_too_long(rows):
    row = first(rows, INDICATOR)
    row["title"] = "x" * 301
    return write_rows(rows), {(line_of(rows, row), "title")}


def _cell_that_the_kind_lacks(rows):
    row = first(rows, FIELD)
    row["lead_unit"] = "Koordinierungsstelle"
    return write_rows(rows), {(line_of(rows, row), "lead_unit")}


def _parent_of_a_field(rows):
    row = first(rows, FIELD)
    row["parent_id"] = rows[-1]["id"]
    return write_rows(rows), {(line_of(rows, row), "parent_id")}


def _target_before_baseline(rows):
    row = first(rows, INDICATOR)
    row["target_year"] = "2010"
    return write_rows(rows), {(line_of(rows, row), "target_year")}


def _bad_position(rows):
    row = first(rows, GOAL)
    row["position"] = "-1"
    return write_rows(rows), {(line_of(rows, row), "position")}


def _wrong_number_of_cells(rows):
    text = write_rows(rows)
    lines = text.split("\r\n")
    lines[3] += ",extra"
    return "\r\n".join(lines), {(4, "")}


def _new_measure_without_lead_unit(rows):
    columns = [c for c in exchange.COLUMNS if c != "lead_unit"]
    new = blank(MEASURE, parent_id=first(rows, FIELD)["id"], title="Neu")
    rows.append(new)
    return write_rows(rows, columns), {(line_of(rows, new), "lead_unit")}


def _many_problems_at_once(rows):
    measures = [r for r in rows if r["kind"] == MEASURE]
    measures[0]["weight"] = "x"
    measures[0]["start"] = "gestern"
    measures[2]["lead_unit"] = "?"
    return write_rows(rows), {
        (line_of(rows, measures[0]), "weight"),
        (line_of(rows, measures[0]), "start"),
        (line_of(rows, measures[2]), "lead_unit"),
    }


def _line_numbers_count_lines_of_multi_line_cells(rows):
    rows[0]["description"] = "eins\nzwei\ndrei"
    rows[1]["kind"] = "?"
    return write_rows(rows), {(5, "kind")}


def _header_only(rows):
    return write_rows([]), {(2, "")}


def _empty_file(rows):
    return "", {(1, "")}


BAD_INPUT: list[Case] = [
    _unknown_column,
    _missing_column,
    _unknown_kind,
    _bad_uid,
    _duplicate_id,
    _parent_missing,
    _empty_parent,
    _measure_under_goal,
    _goal_under_operational_goal,
    _strategic_goal_with_children_under_a_goal,
    _id_of_another_kind,
    _unknown_goal,
    _indicator_listed_as_goal,
    _unknown_lead_unit,
    _unknown_municipality,
    _unknown_partner,
    _bad_date,
    _end_before_start,
    _non_numeric_weight,
    _zero_weight,
    _non_numeric_cost,
    _cost_without_year,
    _cost_year_twice,
    _milestone_without_title,
    _unknown_funding_source,
    _empty_title,
    _title_too_long,
    _cell_that_the_kind_lacks,
    _parent_of_a_field,
    _target_before_baseline,
    _bad_position,
    _wrong_number_of_cells,
    _new_measure_without_lead_unit,
    _many_problems_at_once,
    _line_numbers_count_lines_of_multi_line_cells,
    _header_only,
    _empty_file,
]


@pytest.mark.parametrize("case", BAD_INPUT, ids=lambda c: c.__name__.strip("_"))
def test_bad_input_is_rejected_with_every_problem_and_nothing_written(draft, plan_editor, case):
    rows = read_rows(export_text(draft))
    # A change in a good row proves that nothing at all is written.
    good = first(rows, FIELD, lambda r: r is not rows[0])
    good["title"] = "Geändert"
    text, expected = case(rows)
    before = state(draft)
    with pytest.raises(PlanImportRejected) as caught:
        services.version_import_csv(version=draft, text=text, by=plan_editor)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == expected, caught.value.problems
    assert all(p.reason.strip() for p in caught.value.problems)
    assert state(draft) == before


def test_an_id_used_for_another_kind_in_an_earlier_version_is_refused(
    small_plan, draft, plan_editor
):
    goal = Goal.objects.filter(version=draft, parent__isnull=False).first()
    uid = str(goal.uid)
    services.item_remove(item=goal, by=plan_editor)
    field_id = str(FieldOfAction.objects.filter(version=draft).first().uid)
    text = write_rows(
        [blank(MEASURE, id=uid, parent_id=field_id, title="X", lead_unit="Koordinierungsstelle")]
    )
    with pytest.raises(PlanImportRejected) as caught:
        services.version_import_csv(version=draft, text=text, by=plan_editor)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "kind")]


def test_import_into_an_adopted_version_is_refused(small_plan, plan_editor):
    version = small_plan.version
    text = export_text(version).replace("Handlungsfeld 1", "Anders")
    before = state(version)
    with pytest.raises(VersionLocked):
        services.version_import_csv(version=version, text=text, by=plan_editor)
    assert state(version) == before


def test_problems_say_what_to_do_in_plain_words(draft, plan_editor):
    rows = read_rows(export_text(draft))
    row = first(rows, MEASURE)
    row["lead_unit"] = "Amt für Unbekanntes"
    with pytest.raises(PlanImportRejected) as caught:
        services.version_import_csv(version=draft, text=write_rows(rows), by=plan_editor)
    (problem,) = caught.value.problems
    assert "Amt für Unbekanntes" in problem.reason
    assert "Koordinierungsstelle Migration und Teilhabe" in problem.reason
