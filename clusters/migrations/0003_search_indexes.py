"""Trigram indexes for the directory search on PostgreSQL; nothing on SQLite.

`search_name` and `search_text` are normalised in Python (lower case, no diacritics), so
`LIKE '%word%'` needs no unaccent at query time and is answered from these GIN indexes;
`unaccent` is installed for the typo-tolerant fallback (similarity on unaccented input).
"""

from django.db import migrations

INDEXES = {
    "clusters_cluster_search_name_trgm": "search_name",
    "clusters_cluster_search_text_trgm": "search_text",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON clusters_cluster "
            f"USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("clusters", "0002_staff_groups")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
