"""Each cluster's current figures stored on it, and indexes for the directory.

- The current figures are filled from each cluster's latest snapshot, with the UPDATE
  of `ClusterQuerySet.refresh_current_figures()` on the historical models.
- `cluster_counted_columns` holds every column the directory's counts and the home
  page's figures read, so they scan it rather than the wide rows.
- On PostgreSQL, an index per language on the name as the directory sorts it (the
  expression of `clusters.filters.name_as_shown`, in its ICU collation) with the
  publication columns: a page's keys come from it without reading any row.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

FIGURES = {
    "current_year": "year",
    "current_members": "members",
    "current_enterprises": "enterprises",
    "current_business_environment_institutions": "business_environment_institutions",
    "current_universities": "universities",
}
# {index: (language, other language, collation)}: as in clusters.filters.
NAME_INDEXES = {
    "clusters_cluster_name_pl_order": ("pl", "en", "pl-x-icu"),
    "clusters_cluster_name_en_order": ("en", "pl", "und-x-icu"),
}


def fill(apps, schema_editor):
    Cluster = apps.get_model("clusters", "Cluster")
    MembershipSnapshot = apps.get_model("clusters", "MembershipSnapshot")
    latest = MembershipSnapshot.objects.filter(cluster=OuterRef("pk")).order_by("-year")
    Cluster.objects.update(
        **{name: Subquery(latest.values(field)[:1]) for name, field in FIGURES.items()}
    )


def create_name_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, (language, other, collation) in NAME_INDEXES.items():
            cursor.execute("SELECT 1 FROM pg_collation WHERE collname = %s", [collation])
            if cursor.fetchone() is None:
                continue  # PostgreSQL without ICU: the directory sorts without it
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON clusters_cluster "
                f"((COALESCE(NULLIF(name_{language}, ''), NULLIF(name_{other}, ''), '')"
                f' COLLATE "{collation}"), key) '
                # The names too: the planner reads an expression from the index only
                # when the columns it is made of are there.
                "INCLUDE (id, name_pl, name_en, is_published, publish_from, publish_until)"
            )


def drop_name_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in NAME_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ('clusters', '0004_publication_schedule_and_version'),
        ('ecosystems', '0002_publication_schedule_and_version'),
    ]

    operations = [
        migrations.AddField(
            model_name='cluster',
            name='current_business_environment_institutions',
            field=models.PositiveIntegerField(editable=False, null=True, verbose_name='business environment institutions'),
        ),
        migrations.AddField(
            model_name='cluster',
            name='current_enterprises',
            field=models.PositiveIntegerField(editable=False, null=True, verbose_name='enterprises'),
        ),
        migrations.AddField(
            model_name='cluster',
            name='current_members',
            field=models.PositiveIntegerField(editable=False, null=True, verbose_name='members'),
        ),
        migrations.AddField(
            model_name='cluster',
            name='current_universities',
            field=models.PositiveIntegerField(editable=False, null=True, verbose_name='universities'),
        ),
        migrations.AddField(
            model_name='cluster',
            name='current_year',
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name='year'),
        ),
        migrations.AddIndex(
            model_name='cluster',
            index=models.Index(fields=['is_published', 'publish_from', 'publish_until', 'status', 'year_established', 'parent', 'current_year', 'current_members', 'current_enterprises', 'current_universities', 'id'], name='cluster_counted_columns'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_name_indexes, drop_name_indexes, elidable=False),
    ]
