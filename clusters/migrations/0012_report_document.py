"""Reports and pages link files of the documents library; the staff groups may use
the library as they use content: editors add and change documents, publishers also
delete them."""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def grant_documents(apps, schema_editor):
    config = apps.get_app_config("cms")
    config.models_module = True
    create_permissions(config, verbosity=0)
    config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    documents = Permission.objects.filter(
        content_type__app_label="cms", content_type__model="document"
    )
    for name, actions in [
        ("editors", ("add", "change", "view")),
        ("publishers", ("add", "change", "delete", "view")),
    ]:
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *documents.filter(codename__in=[f"{a}_document" for a in actions])
            )


class Migration(migrations.Migration):

    dependencies = [
        ('clusters', '0011_search_words_index'),
        ('cms', '0004_document'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalreport',
            name='document',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text="The report's file from the documents library; linked instead of the address when given.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cms.document', verbose_name='document'),
        ),
        migrations.AddField(
            model_name='page',
            name='documents',
            field=models.ManyToManyField(blank=True, help_text='Files from the documents library listed under the text.', related_name='pages', to='cms.document', verbose_name='downloads'),
        ),
        migrations.AddField(
            model_name='report',
            name='document',
            field=models.ForeignKey(blank=True, help_text="The report's file from the documents library; linked instead of the address when given.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='cms.document', verbose_name='document'),
        ),
        migrations.RunPython(grant_documents, migrations.RunPython.noop),
    ]
