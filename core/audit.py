"""The audit trail: every service saves through here so history records who changed what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.utils import get_m2m_reverse_field_name


def acting_user(by: Any) -> Any:
    """The signed-in user who acts, or None when the system acts (``by`` None or anonymous)."""
    return by if getattr(by, "is_authenticated", False) else None


def audited_save(instance: models.Model, *, by: Any, reason: str = "") -> models.Model:
    """Validate and save ``instance``, recording ``by`` as the author of the history entry.

    ``by`` may be None for system actions (imports, migrations); the history then
    names no user. Call inside the service's transaction.
    """
    instance.full_clean()
    instance._history_user = acting_user(by)  # type: ignore[attr-defined]
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]
    instance.save()
    return instance


def audited_delete(instance: models.Model, *, by: Any, reason: str = "") -> None:
    """Hard-delete ``instance``; its history keeps a final "deleted" record."""
    instance._history_user = acting_user(by)  # type: ignore[attr-defined]
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]
    instance.delete()


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    kind: str
    reason: str
    changes: list[FieldChange]


def _m2m_value(record: Any, field: Any) -> str:
    """The related objects a historical record remembers for one many-to-many field."""
    target = get_m2m_reverse_field_name(field)
    rows = getattr(record, field.name).select_related(target)
    return ", ".join(sorted(str(getattr(row, target)) for row in rows))


KIND_LABELS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


def history_entries(obj: models.Model) -> list[HistoryEntry]:
    """The object's history, newest first, each entry with its field-by-field changes."""
    history = obj.history  # type: ignore[attr-defined]
    records = list(history.select_related("history_user").order_by("-history_date", "-history_id"))
    entries = []
    fields = [f for f in type(obj)._meta.concrete_fields if f.name != "id"]
    m2m_fields = list(getattr(records[0], "_history_m2m_fields", [])) if records else []
    m2m_values = [{f.name: _m2m_value(record, f) for f in m2m_fields} for record in records]
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes: list[FieldChange] = []
        for m2m in m2m_fields:
            related_after = m2m_values[index][m2m.name]
            related_before = m2m_values[index + 1][m2m.name] if previous else ""
            if related_before != related_after:
                changes.append(
                    FieldChange(
                        field=m2m.name,
                        label=str(m2m.verbose_name),
                        before=related_before,
                        after=related_after,
                    )
                )
        for field in fields:
            after = getattr(record, field.attname, None)
            before = getattr(previous, field.attname, None) if previous else None
            if previous is None and record.history_type == "+":
                if after in (None, ""):
                    continue
            elif before == after:
                continue
            changes.append(
                FieldChange(
                    field=field.name,
                    label=str(field.verbose_name),
                    before=before,
                    after=after,
                )
            )
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=str(record.history_user) if record.history_user else str(_("system")),
                kind=str(KIND_LABELS.get(record.history_type, record.history_type)),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries
