"""Full-text search structures, each in the database's own engine (see council/search.py)."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE council_paper_fts USING fts5("
    "stems, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER council_paper_fts_insert AFTER INSERT ON council_papersearchentry BEGIN "
    "INSERT INTO council_paper_fts(rowid, stems) VALUES (new.paper_id, new.stems); END",
    "CREATE TRIGGER council_paper_fts_update AFTER UPDATE ON council_papersearchentry BEGIN "
    "DELETE FROM council_paper_fts WHERE rowid = old.paper_id; "
    "INSERT INTO council_paper_fts(rowid, stems) VALUES (new.paper_id, new.stems); END",
    "CREATE TRIGGER council_paper_fts_delete AFTER DELETE ON council_papersearchentry BEGIN "
    "DELETE FROM council_paper_fts WHERE rowid = old.paper_id; END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS council_paper_fts_delete",
    "DROP TRIGGER IF EXISTS council_paper_fts_update",
    "DROP TRIGGER IF EXISTS council_paper_fts_insert",
    "DROP TABLE IF EXISTS council_paper_fts",
]
POSTGRES_FORWARD = [
    "CREATE INDEX council_papersearchentry_german ON council_papersearchentry "
    "USING GIN (to_tsvector('german', text))",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS council_papersearchentry_german"]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("council", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
