"""Writes of monitoring: indicator observations, imported all or nothing, audited.

An import is two steps. ``import_preview`` keeps the file and says what it would change:
the observations it adds, those whose value, status or source it changes, how many stay
as they are, and every bad row (row, column, reason). ``import_commit`` reads the kept file
again and, only if no row is bad, writes every change in one transaction with a history
record per observation (who, when, before, after). The same file imported again changes
nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.audit import acting_user, audited_save
from core.models import Municipality
from monitoring import policies, tables
from monitoring.models import Observation, ObservationImport

MAX_IMPORT_BYTES = 20 * 1024 * 1024
REGION_WORDS = {"", "region", "regionhannover", "insgesamt", "gesamt", "total", "alle"}
STATUS_WORDS = {
    "": Observation.Status.FINAL,
    "final": Observation.Status.FINAL,
    "endgültig": Observation.Status.FINAL,
    "e": Observation.Status.FINAL,
    "provisional": Observation.Status.PROVISIONAL,
    "vorläufig": Observation.Status.PROVISIONAL,
    "p": Observation.Status.PROVISIONAL,
    "v": Observation.Status.PROVISIONAL,
}

# An observation's identity within its indicator: area key ("" = region), period, breakdown.
Key = tuple[str, str, str, str]


class ImportRefused(ValidationError):
    """The file cannot be imported; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__([str(p) for p in problems])


@dataclass(frozen=True)
class Problem:
    row: int  # 0: the file as a whole
    column: str
    reason: str

    def __str__(self) -> str:
        if not self.row:
            return self.reason
        if self.column:
            return _("Row %(row)s, column “%(column)s”: %(reason)s") % {
                "row": self.row,
                "column": self.column,
                "reason": self.reason,
            }
        return _("Row %(row)s: %(reason)s") % {"row": self.row, "reason": self.reason}


@dataclass(frozen=True)
class Change:
    key: Key
    area: str  # the municipality's name, or "" for the region
    period: str
    year: int
    dimension: str
    group: str
    value: Decimal
    status: str
    source: str
    before: Decimal | None = None  # None: a new observation
    # The stored observation a change applies to, as the preview read it (None: a new one).
    stored: Observation | None = field(default=None, compare=False, repr=False)


@dataclass
class Preview:
    added: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _area_key(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


class _Areas:
    """Municipalities by official key (also without the leading zero) and by name."""

    def __init__(self) -> None:
        self.by_key: dict[str, Municipality] = {}
        self.by_name: dict[str, Municipality] = {}
        for municipality in Municipality.objects.all():
            self.by_key[municipality.key] = municipality
            self.by_key[municipality.key.lstrip("0")] = municipality
            self.by_name[_area_key(municipality.name)] = municipality

    def find(self, text: str) -> tuple[bool, Municipality | None]:
        """(found, municipality): found with None is the whole region."""
        if _area_key(text) in REGION_WORDS:
            return True, None
        digits = text.replace(" ", "")
        if digits.isdigit():
            municipality = self.by_key.get(digits) or self.by_key.get(digits.lstrip("0"))
            return municipality is not None, municipality
        municipality = self.by_name.get(_area_key(text))
        return municipality is not None, municipality


def _key_of(observation: Observation) -> Key:
    area = observation.municipality.key if observation.municipality else ""
    return (area, observation.period, observation.dimension, observation.group)


def preview(indicator: Any, name: str, data: bytes) -> Preview:
    """What importing the file for ``indicator`` would change; writes nothing."""
    result = Preview()
    try:
        records = tables.read(name, data)
    except tables.TableError as exc:
        result.problems.append(Problem(0, "", str(exc)))
        return result
    if not records:
        result.problems.append(Problem(0, "", _("The file holds no values.")))
        return result
    areas = _Areas()
    existing = {
        _key_of(o): o
        for o in Observation.objects.filter(indicator_uid=indicator.uid).select_related(
            "municipality"
        )
    }
    seen: dict[Key, int] = {}
    for record in records:
        problems, read = _check(record, areas)
        if read is None:
            result.problems.extend(problems)
            continue
        municipality, stored, year, value = read
        key: Key = (
            municipality.key if municipality else "",
            stored,
            record.dimension,
            record.group,
        )
        if key in seen:
            result.problems.append(
                Problem(
                    record.row,
                    record.value.column,
                    _("the same area, period and breakdown as row %(row)s") % {"row": seen[key]},
                )
            )
            continue
        seen[key] = record.row
        change = Change(
            key=key,
            area=municipality.name if municipality else "",
            period=stored,
            year=year,
            dimension=record.dimension,
            group=record.group,
            value=value,
            status=STATUS_WORDS[record.status.lower()],
            source=record.source or indicator.source,
        )
        before = existing.get(key)
        if before is None:
            result.added.append(change)
        elif (before.value, before.status, before.source) != (
            change.value,
            change.status,
            change.source,
        ):
            result.changed.append(replace(change, before=before.value, stored=before))
        else:
            result.unchanged += 1
    return result


# What a good row says: municipality (None: the region), period as stored, year, value.
Read = tuple[Municipality | None, str, int, Decimal]


def _check(record: tables.Record, areas: _Areas) -> tuple[list[Problem], Read | None]:
    """Every problem of the row, and what it says when it has none."""
    problems = []
    found, municipality = areas.find(record.area.text)
    if not found:
        problems.append(
            Problem(
                record.row,
                record.area.column,
                _("“%(area)s” is no municipality of the register") % {"area": record.area.text},
            )
        )
    period = tables.period(record.period.text)
    if period is None:
        problems.append(
            Problem(
                record.row,
                record.period.column,
                _("“%(period)s” is no year or date") % {"period": record.period.text},
            )
        )
    value = tables.number(record.value.text)
    if value is None:
        problems.append(
            Problem(
                record.row,
                record.value.column,
                _("“%(value)s” is not a number") % {"value": record.value.text}
                if record.value.text
                else _("the value is missing"),
            )
        )
    elif abs(value) >= Decimal("1e12"):
        problems.append(Problem(record.row, record.value.column, _("the number is too large")))
    if record.status.lower() not in STATUS_WORDS:
        problems.append(
            Problem(
                record.row,
                "status",
                _("“%(status)s” is neither “vorläufig” nor “endgültig”")
                % {"status": record.status},
            )
        )
    for text, limit, column in (
        (record.dimension, 100, "dimension"),
        (record.group, 100, "group"),
        (record.source, 300, "source"),
    ):
        if len(text) > limit:
            problems.append(
                Problem(
                    record.row,
                    column,
                    _("longer than %(limit)s characters") % {"limit": limit},
                )
            )
    if problems or period is None or value is None:
        return problems, None
    return problems, (municipality, period[0], period[1], value)


def _refuse_unless_editor(by: Any) -> None:
    if not policies.can_import(by):
        raise PermissionDenied(_("Only plan editors import indicator data."))


@transaction.atomic
def import_preview(*, indicator: Any, upload: Any, by: Any) -> tuple[ObservationImport, Preview]:
    """Keep the uploaded file for ``indicator`` and say what it would change."""
    _refuse_unless_editor(by)
    if upload.size > MAX_IMPORT_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}
        )
    data = upload.read()
    record = ObservationImport(
        indicator_uid=indicator.uid,
        file_name=upload.name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        created_by=acting_user(by),
    )
    record.file.save(upload.name, ContentFile(data), save=False)
    audited_save(record, by=by)
    return record, preview(indicator, record.file_name, data)


@transaction.atomic
def import_commit(*, record: ObservationImport, indicator: Any, by: Any) -> ObservationImport:
    """Write what the kept file changes, all or nothing; refused if any row is bad."""
    _refuse_unless_editor(by)
    record = ObservationImport.objects.select_for_update().get(pk=record.pk)
    if record.state == ObservationImport.State.COMMITTED:
        raise ValidationError(_("This file was imported already."))
    if record.indicator_uid != indicator.uid:
        raise ValidationError(_("This file was read for another indicator."))
    with record.file.open("rb") as handle:
        data = handle.read()
    result = preview(indicator, record.file_name, data)
    if not result.ok:
        raise ImportRefused(result.problems)
    user = acting_user(by)
    reason = _("Import of %(file)s") % {"file": record.file_name}
    areas = {m.key: m for m in Municipality.objects.all()}
    new = [
        Observation(
            indicator_uid=indicator.uid,
            municipality=areas.get(change.key[0]),
            period=change.period,
            year=change.year,
            dimension=change.dimension,
            group=change.group,
            value=change.value,
            status=change.status,
            source=change.source,
            imported_by=record,
        )
        for change in result.added
    ]
    bulk_create_with_history(
        new, Observation, batch_size=1000, default_user=user, default_change_reason=reason
    )
    if result.changed:
        # The observations as the preview read them, inside this transaction.
        updated = []
        for change in result.changed:
            observation = change.stored
            assert observation is not None
            observation.value = change.value
            observation.status = change.status
            observation.source = change.source
            observation.imported_by = record
            updated.append(observation)
        bulk_update_with_history(
            updated,
            Observation,
            ["value", "status", "source", "imported_by"],
            batch_size=1000,
            default_user=user,
            default_change_reason=reason,
        )
    record.state = ObservationImport.State.COMMITTED
    record.committed_at = timezone.now()
    record.added, record.changed, record.unchanged = (
        len(result.added),
        len(result.changed),
        result.unchanged,
    )
    return audited_save(record, by=by)  # type: ignore[return-value]


def observations_create(
    *, indicator: Any, values: Iterable[dict[str, Any]], by: Any = None, is_example: bool = False
) -> int:
    """Add observations directly (the demo's example series); returns how many."""
    areas = {m.key: m for m in Municipality.objects.all()}
    new = [
        Observation(
            indicator_uid=indicator.uid,
            municipality=areas.get(v.get("area") or ""),
            period=str(v["period"]),
            year=int(str(v["period"])[:4]),
            dimension=v.get("dimension", ""),
            group=v.get("group", ""),
            value=Decimal(str(v["value"])),
            status=v.get("status", Observation.Status.FINAL),
            source=v.get("source") or indicator.source,
            is_example=is_example,
        )
        for v in values
    ]
    with transaction.atomic():
        bulk_create_with_history(
            new,
            Observation,
            batch_size=1000,
            default_user=acting_user(by),
        )
    return len(new)
