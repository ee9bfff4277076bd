"""The search stores words and their forms (cms/search.py): every cluster's search
fields are derived again; on PostgreSQL each stored text the search matches gets a
column of its words beside it (`<text>_words`, generated, unknown to the model),
the whole text's with an index in place of its trigram index."""

from django.db import migrations

from clusters.models import SEARCHED_RELATIONS, search_fields


def reindex(apps, schema_editor):
    Cluster = apps.get_model("clusters", "Cluster")
    for cluster in Cluster.objects.prefetch_related(*SEARCHED_RELATIONS):
        Cluster.objects.filter(pk=cluster.pk).update(**search_fields(cluster))


# Each stored text the search matches, with its words beside it (cms/search.py
# `HoldsWords`); only the whole text's words are searched across every cluster.
WORDS = {
    "search_text": True,
    "search_name_forms": False,
    "search_description": False,
}


def add_words(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS clusters_cluster_search_text_trgm")
    for column, indexed in WORDS.items():
        schema_editor.execute(
            f"ALTER TABLE clusters_cluster ADD COLUMN IF NOT EXISTS {column}_words "
            f"tsvector GENERATED ALWAYS AS (to_tsvector('simple', {column})) STORED"
        )
        if indexed:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS clusters_cluster_{column}_words "
                f"ON clusters_cluster USING gin ({column}_words)"
            )


def drop_words(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in WORDS:
        schema_editor.execute(
            f"ALTER TABLE clusters_cluster DROP COLUMN IF EXISTS {column}_words"
        )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS clusters_cluster_search_text_trgm "
        "ON clusters_cluster USING gin (search_text gin_trgm_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("clusters", "0010_search_words_and_synonyms")]

    operations = [
        migrations.RunPython(reindex, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(add_words, drop_words, elidable=False),
    ]
