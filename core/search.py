"""Text preparation for full-text search, shared by every app that indexes German text.

Both engines get the same words: FTS5 on SQLite indexes Snowball stems computed here;
PostgreSQL's ``to_tsvector('german', …)`` stems the normalised text itself.
"""

from __future__ import annotations

import re
from typing import Any

import snowballstemmer
from django.db import connection
from django.db.models import FloatField, QuerySet
from django.db.models.expressions import RawSQL

_WORD = re.compile(r"\w+", re.UNICODE)
# Gender-inclusive spellings ("Bürger:innen", "Lehrer*innen", "Kolleg_innen") are
# joined into one word, so they match "Bürgerinnen" in either engine.
_GENDER_MARK = re.compile(r"(\w)[:*_/]((?:in|innen)\b)", re.UNICODE)
STEMMER = snowballstemmer.stemmer("german")
MAX_QUERY_WORDS = 12


def normalise(text: str) -> str:
    return _GENDER_MARK.sub(r"\1\2", text)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(normalise(text))]


def stem_text(text: str) -> str:
    return " ".join(STEMMER.stemWords(words(text)))


def normalise_query(query: str) -> list[str]:
    return words(query)[:MAX_QUERY_WORDS]


def ranked_matches(
    queryset: QuerySet,
    query: str,
    *,
    entry_table: str,
    entry_key: str,
    fts_table: str,
    then_by: tuple[str, ...] = ("-pk",),
) -> QuerySet:
    """Rows of ``queryset`` whose search entry holds every word of ``query``, best first.

    ``entry_table`` holds one row of searchable ``text`` per object, pointing at it by
    ``entry_key``; on SQLite the FTS5 table ``fts_table`` holds the stems with the
    object's id as its rowid. An empty query (no word characters) matches nothing.
    """
    terms = normalise_query(query)
    if not terms:
        return queryset.none()
    table = queryset.model._meta.db_table
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"'{t}'" for t in terms)
        match = RawSQL(
            f"SELECT {entry_key} FROM {entry_table} "
            "WHERE to_tsvector('german', text) @@ to_tsquery('german', %s)",
            [tsquery],
        )
        rank = RawSQL(
            "SELECT ts_rank(to_tsvector('german', e.text), to_tsquery('german', %s)) "
            f"FROM {entry_table} e WHERE e.{entry_key} = {table}.id",
            [tsquery],
            output_field=FloatField(),
        )
        return (
            queryset.filter(pk__in=match)
            .annotate(search_rank=rank)
            .order_by("-search_rank", *then_by)
        )
    fts = " ".join('"' + s + '"' for s in STEMMER.stemWords(terms))
    match = RawSQL(f"SELECT rowid FROM {fts_table} WHERE {fts_table} MATCH %s", [fts])
    # FTS5's rank is bm25, where smaller is better.
    rank = RawSQL(
        f"SELECT f.rank FROM {fts_table} f WHERE f.{fts_table} MATCH %s AND f.rowid = {table}.id",
        [fts],
        output_field=FloatField(),
    )
    return (
        queryset.filter(pk__in=match).annotate(search_rank=rank).order_by("search_rank", *then_by)
    )


def search_index_operation(*, entry_table: str, entry_key: str, fts_table: str) -> Any:
    """A migration operation that builds the search structures for ``entry_table``.

    SQLite: an FTS5 table of stems with the entry's ``entry_key`` as rowid, kept in
    step by triggers. PostgreSQL: a GIN index on ``to_tsvector('german', text)``.
    """
    from django.db import migrations

    sqlite_forward = [
        f"CREATE VIRTUAL TABLE {fts_table} USING fts5("
        "stems, tokenize = 'unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {fts_table}_insert AFTER INSERT ON {entry_table} BEGIN "
        f"INSERT INTO {fts_table}(rowid, stems) VALUES (new.{entry_key}, new.stems); END",
        f"CREATE TRIGGER {fts_table}_update AFTER UPDATE ON {entry_table} BEGIN "
        f"DELETE FROM {fts_table} WHERE rowid = old.{entry_key}; "
        f"INSERT INTO {fts_table}(rowid, stems) VALUES (new.{entry_key}, new.stems); END",
        f"CREATE TRIGGER {fts_table}_delete AFTER DELETE ON {entry_table} BEGIN "
        f"DELETE FROM {fts_table} WHERE rowid = old.{entry_key}; END",
    ]
    sqlite_backward = [
        f"DROP TRIGGER IF EXISTS {fts_table}_delete",
        f"DROP TRIGGER IF EXISTS {fts_table}_update",
        f"DROP TRIGGER IF EXISTS {fts_table}_insert",
        f"DROP TABLE IF EXISTS {fts_table}",
    ]
    postgres_forward = [
        f"CREATE INDEX {entry_table}_german ON {entry_table} "
        "USING GIN (to_tsvector('german', text))",
    ]
    postgres_backward = [f"DROP INDEX IF EXISTS {entry_table}_german"]

    def run(statements: dict[str, list[str]]) -> Any:
        def apply(apps: Any, schema_editor: Any) -> None:
            for sql in statements.get(schema_editor.connection.vendor, []):
                schema_editor.execute(sql)

        return apply

    return migrations.RunPython(
        run({"sqlite": sqlite_forward, "postgresql": postgres_forward}),
        run({"sqlite": sqlite_backward, "postgresql": postgres_backward}),
    )
