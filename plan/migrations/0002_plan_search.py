"""Full-text search over plan texts, in the database's own engine (see plan/search.py)."""

from django.db import migrations

from core.search import search_index_operation


class Migration(migrations.Migration):
    dependencies = [("plan", "0001_initial")]
    operations = [
        search_index_operation(
            entry_table="plan_plansearchentry", entry_key="id", fts_table="plan_item_fts"
        )
    ]
