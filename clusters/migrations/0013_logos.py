"""A logo for each cluster and coordinator, from the image library; the staff groups
get the library's permissions."""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def grant_image_permissions(apps, schema_editor):
    """The image library to the staff groups (made in 0002_staff_groups), as content:
    editors add and change images, publishers may delete them too."""
    config = apps.get_app_config("cms")
    config.models_module = True
    create_permissions(config, verbosity=0)
    config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    images = Permission.objects.filter(
        content_type__app_label="cms", content_type__model="image"
    )
    for name, pattern in [
        ("editors", r"^(add|change|view)_"),
        ("publishers", r"^(add|change|delete|view)_"),
    ]:
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*images.filter(codename__regex=pattern))


class Migration(migrations.Migration):

    dependencies = [
        ('clusters', '0012_report_document'),
        ('cms', '0005_image'),
        ('clusters', '0002_staff_groups'),
    ]

    operations = [
        migrations.AddField(
            model_name='cluster',
            name='logo',
            field=models.ForeignKey(blank=True, help_text='Chosen from the image library, or added to it with “+”.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cluster_logos', to='cms.image', verbose_name='logo'),
        ),
        migrations.AddField(
            model_name='coordinator',
            name='logo',
            field=models.ForeignKey(blank=True, help_text='Chosen from the image library, or added to it with “+”.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='coordinator_logos', to='cms.image', verbose_name='logo'),
        ),
        migrations.AddField(
            model_name='historicalcluster',
            name='logo',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='Chosen from the image library, or added to it with “+”.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cms.image', verbose_name='logo'),
        ),
        migrations.AddField(
            model_name='historicalcoordinator',
            name='logo',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='Chosen from the image library, or added to it with “+”.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cms.image', verbose_name='logo'),
        ),
        migrations.RunPython(grant_image_permissions, migrations.RunPython.noop),
    ]
