"""Full-text search over the texts of a plan version, in the database's own engine.

One ``PlanSearchEntry`` per item and version; on SQLite the FTS5 table ``plan_item_fts``
holds its stems (rowid = entry id), on PostgreSQL a GIN index on
``to_tsvector('german', text)`` serves (both made by migration 0002).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.search import normalise, ranked_matches, stem_text
from plan.models import FieldOfAction, Goal, Indicator, Measure, PlanSearchEntry, PlanVersion

TEXT_ATTRIBUTES: dict[type[Any], tuple[str, tuple[str, ...]]] = {
    FieldOfAction: ("field", ("code", "title", "description")),
    Goal: ("goal", ("code", "title", "description")),
    Measure: ("measure", ("code", "title", "description")),
    Indicator: ("indicator", ("code", "name", "definition", "source", "unit")),
}


def _entry(item: Any) -> PlanSearchEntry:
    kind, attributes = TEXT_ATTRIBUTES[type(item)]
    text = normalise("\n".join(str(getattr(item, a)) for a in attributes if getattr(item, a)))
    title = getattr(item, "title", "") or getattr(item, "name", "")
    return PlanSearchEntry(
        version_id=item.version_id,
        kind=kind,
        item_id=item.pk,
        uid=item.uid,
        title=title[:500],
        text=text,
        stems=stem_text(text),
    )


def index_item(item: Any) -> None:
    """Refresh one item's entry; call inside the writing service's transaction."""
    entry = _entry(item)
    PlanSearchEntry.objects.filter(
        version_id=entry.version_id, kind=entry.kind, item_id=entry.item_id
    ).delete()
    entry.save()


def unindex_item(item: Any) -> None:
    kind, _attributes = TEXT_ATTRIBUTES[type(item)]
    PlanSearchEntry.objects.filter(version_id=item.version_id, kind=kind, item_id=item.pk).delete()


def index_version(version: PlanVersion, batch_size: int = 2000) -> int:
    """(Re)build the entries of every item of a version, e.g. after copying it."""
    PlanSearchEntry.objects.filter(version=version).delete()
    entries: list[PlanSearchEntry] = []
    for model in TEXT_ATTRIBUTES:
        entries.extend(_entry(item) for item in model.objects.filter(version=version))
    PlanSearchEntry.objects.bulk_create(entries, batch_size=batch_size)
    return len(entries)


def copy_index(
    *, source: PlanVersion, target: PlanVersion, copies: dict[type[Any], dict[int, int]]
) -> int:
    """Give a copied version the entries of its source, re-pointed at the copied items.

    The texts are the same, so nothing is stemmed again (stemming is the slow part).
    """
    new_ids = {TEXT_ATTRIBUTES[model][0]: mapping for model, mapping in copies.items()}
    entries = [
        PlanSearchEntry(
            version=target,
            kind=entry.kind,
            item_id=new_ids[entry.kind][entry.item_id],
            uid=entry.uid,
            title=entry.title,
            text=entry.text,
            stems=entry.stems,
        )
        for entry in PlanSearchEntry.objects.filter(version=source)
        if entry.item_id in new_ids.get(entry.kind, {})
    ]
    PlanSearchEntry.objects.bulk_create(entries, batch_size=2000)
    return len(entries)


def search_version(version: PlanVersion, query: str) -> QuerySet[PlanSearchEntry]:
    """Entries of the version matching every word of ``query`` (stemmed), best first."""
    return ranked_matches(
        PlanSearchEntry.objects.filter(version=version),
        query,
        entry_table="plan_plansearchentry",
        entry_key="id",
        fts_table="plan_item_fts",
        then_by=("kind", "pk"),
    )
