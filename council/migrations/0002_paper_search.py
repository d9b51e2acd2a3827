"""Full-text search structures, each in the database's own engine (see council/search.py)."""

from django.db import migrations

from core.search import search_index_operation


class Migration(migrations.Migration):
    dependencies = [("council", "0001_initial")]
    operations = [
        search_index_operation(
            entry_table="council_papersearchentry",
            entry_key="paper_id",
            fts_table="council_paper_fts",
        )
    ]
