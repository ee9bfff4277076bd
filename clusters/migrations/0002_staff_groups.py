"""The two staff groups: editors (add and change content) and publishers (everything,
including publishing and deleting). Neither manages users."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_APPS = ["clusters", "ecosystems", "contacts"]
PUBLISH_PERMISSIONS = ["publish_cluster", "publish_highland", "publish_page"]


def create_groups(apps, schema_editor):
    # On a fresh `migrate` permissions are only created after all migrations: create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # History rows are written by the application and reverted through the model itself.
    content = Permission.objects.filter(content_type__app_label__in=CONTENT_APPS).exclude(
        codename__regex=r"^(add|change|delete)_historical"
    )
    editing = content.filter(codename__regex=r"^(add|change|view)_")
    editors, _ = Group.objects.get_or_create(name="editors")
    editors.permissions.set(editing)
    publishers, _ = Group.objects.get_or_create(name="publishers")
    publishers.permissions.set(
        content.filter(codename__regex=r"^(add|change|delete|view)_")
        | content.filter(codename__in=PUBLISH_PERMISSIONS)
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["editors", "publishers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clusters", "0001_initial"),
        ("ecosystems", "0001_initial"),
        ("contacts", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
