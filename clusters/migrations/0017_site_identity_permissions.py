"""The site's identity (cms 0006) to the staff groups: publishers change it (a save is
public at once, as publishing is), editors see it."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant_identity_permissions(apps, schema_editor):
    config = apps.get_app_config("cms")
    config.models_module = True
    create_permissions(config, verbosity=0)
    config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    identity = Permission.objects.filter(
        content_type__app_label="cms", content_type__model="siteidentity"
    )
    for name, codenames in [
        ("editors", ["view_siteidentity"]),
        ("publishers", ["change_siteidentity", "view_siteidentity"]),
    ]:
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*identity.filter(codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0016_cluster_summary"),
        ("clusters", "0002_staff_groups"),
        ("cms", "0006_site_identity"),
    ]

    operations = [
        migrations.RunPython(grant_identity_permissions, migrations.RunPython.noop)
    ]
