"""Full-text search over papers with German stemming, in the database's own engine.

SQLite: an FTS5 table over Snowball-stemmed words (``council_paper_fts``), kept in step
with ``PaperSearchEntry`` by triggers. PostgreSQL: a GIN index on
``to_tsvector('german', text)``. Both are created by migration 0002.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import snowballstemmer
from django.db import connection
from django.db.models import FloatField, QuerySet
from django.db.models.expressions import RawSQL

from council.models import Paper, PaperSearchEntry

_WORD = re.compile(r"\w+", re.UNICODE)
# Gender-inclusive spellings ("Bürger:innen", "Lehrer*innen", "Kolleg_innen") are
# joined into one word, so they match "Bürgerinnen" in either engine.
_GENDER_MARK = re.compile(r"(\w)[:*_/]((?:in|innen)\b)", re.UNICODE)
_STEMMER = snowballstemmer.stemmer("german")
MAX_QUERY_WORDS = 12


def normalise(text: str) -> str:
    return _GENDER_MARK.sub(r"\1\2", text)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(normalise(text))]


def stem_text(text: str) -> str:
    return " ".join(_STEMMER.stemWords(words(text)))


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


def normalise_query(query: str) -> list[str]:
    return words(query)[:MAX_QUERY_WORDS]


def search_papers(papers: QuerySet[Paper], query: str) -> QuerySet[Paper]:
    """Papers matching every word of ``query`` (stemmed), best match first.

    An empty query (no word characters) matches nothing.
    """
    terms = normalise_query(query)
    if not terms:
        return papers.none()
    table = Paper._meta.db_table
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"'{t}'" for t in terms)
        match = RawSQL(
            "SELECT paper_id FROM council_papersearchentry "
            "WHERE to_tsvector('german', text) @@ to_tsquery('german', %s)",
            [tsquery],
        )
        rank = RawSQL(
            "SELECT ts_rank(to_tsvector('german', e.text), to_tsquery('german', %s)) "
            f"FROM council_papersearchentry e WHERE e.paper_id = {table}.id",
            [tsquery],
            output_field=FloatField(),
        )
        return (
            papers.filter(pk__in=match)
            .annotate(search_rank=rank)
            .order_by("-search_rank", "-date", "-pk")
        )
    fts = " ".join('"' + s + '"' for s in _STEMMER.stemWords(terms))
    match = RawSQL("SELECT rowid FROM council_paper_fts WHERE council_paper_fts MATCH %s", [fts])
    # FTS5's rank is bm25, where smaller is better.
    rank = RawSQL(
        "SELECT f.rank FROM council_paper_fts f "
        f"WHERE f.council_paper_fts MATCH %s AND f.rowid = {table}.id",
        [fts],
        output_field=FloatField(),
    )
    return (
        papers.filter(pk__in=match)
        .annotate(search_rank=rank)
        .order_by("search_rank", "-date", "-pk")
    )
