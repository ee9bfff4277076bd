"""Publish permissions for the team, the unit and the statement: their edits are drafts
until a publisher publishes them; the publishers group gets them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PUBLISH_PERMISSIONS = [
    "publish_unit",
    "publish_team",
    "publish_accessibilitystatement",
]


def grant_to_publishers(apps, schema_editor):
    config = apps.get_app_config("contacts")
    config.models_module = True
    create_permissions(config, verbosity=0)
    config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    publishers = Group.objects.filter(name="publishers").first()
    if publishers is not None:
        publishers.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="contacts", codename__in=PUBLISH_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("clusters", "0002_staff_groups"),
        ("contacts", "0002_version_on_every_edited_record"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="accessibilitystatement",
            options={
                "permissions": [
                    (
                        "publish_accessibilitystatement",
                        "Can publish accessibility statements",
                    )
                ],
                "verbose_name": "accessibility statement",
                "verbose_name_plural": "accessibility statements",
            },
        ),
        migrations.AlterModelOptions(
            name="team",
            options={
                "ordering": ["key"],
                "permissions": [("publish_team", "Can publish teams")],
                "verbose_name": "team",
                "verbose_name_plural": "teams",
            },
        ),
        migrations.AlterModelOptions(
            name="unit",
            options={
                "ordering": ["key"],
                "permissions": [("publish_unit", "Can publish units")],
                "verbose_name": "unit",
                "verbose_name_plural": "units",
            },
        ),
        migrations.RunPython(grant_to_publishers, migrations.RunPython.noop),
    ]
