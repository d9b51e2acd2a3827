"""Full-text search over papers with German stemming, in the database's own engine.

SQLite: an FTS5 table over Snowball-stemmed words (``council_paper_fts``), kept in step
with ``PaperSearchEntry`` by triggers. PostgreSQL: a GIN index on
``to_tsvector('german', text)``. Both are created by migration 0002.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from core.search import normalise, ranked_matches, stem_text
from council.models import Paper, PaperSearchEntry


def paper_document(paper: Paper) -> str:
    originators = " ".join(o.name for o in paper.originator_organizations.all())
    return normalise(
        "\n".join(
            part
            for part in (
                paper.reference,
                paper.name,
                paper.paper_type,
                originators,
                paper.resolution_proposal,
                paper.rationale,
            )
            if part
        )
    )


def index_paper(paper: Paper) -> None:
    """Refresh the paper's search entry; call inside the writing service's transaction."""
    text = paper_document(paper)
    PaperSearchEntry.objects.update_or_create(
        paper=paper, defaults={"text": text, "stems": stem_text(text)}
    )


def index_papers(papers: Iterable[Paper], batch_size: int = 2000) -> int:
    """Bulk (re)index papers, e.g. after a generated or synchronised load."""
    count = 0
    batch: list[PaperSearchEntry] = []
    for paper in papers:
        text = paper_document(paper)
        batch.append(PaperSearchEntry(paper=paper, text=text, stems=stem_text(text)))
        if len(batch) >= batch_size:
            count += _flush(batch)
            batch = []
    if batch:
        count += _flush(batch)
    return count


def _flush(batch: list[PaperSearchEntry]) -> int:
    PaperSearchEntry.objects.filter(paper_id__in=[e.paper_id for e in batch]).delete()
    PaperSearchEntry.objects.bulk_create(batch)
    return len(batch)


def search_papers(papers: QuerySet[Paper], query: str) -> QuerySet[Paper]:
    """Papers matching every word of ``query`` (stemmed), best match first.

    An empty query (no word characters) matches nothing.
    """
    return ranked_matches(
        papers,
        query,
        entry_table="council_papersearchentry",
        entry_key="paper_id",
        fts_table="council_paper_fts",
        then_by=("-date", "-pk"),
    )
