"""Team members' phones, typed as they were to be shown ("81 466 25 07",
"+48 81 466 2525"), stored in E.164 ("+48814662507") before the column becomes a
phone number field. A phone that cannot be read stops the migration, naming the
record, and nothing is changed: correct it, then migrate again.

Past versions in the edit history are converted where they can be read and kept as
they were otherwise: they are a record of what was typed.
"""

import phonenumbers
from django.db import migrations

REGION = "PL"


def e164(value: str) -> str | None:
    try:
        number = phonenumbers.parse(value, REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def to_e164(apps, schema_editor):
    TeamMember = apps.get_model("contacts", "TeamMember")
    for member in TeamMember.objects.select_related("team").exclude(phone=""):
        number = e164(member.phone)
        if number is None:
            raise ValueError(
                f"Team member {member.name!r} (id {member.pk}, team "
                f"{member.team.key!r}): the phone {member.phone!r} is not a phone "
                "number that can be read. Nothing was changed. Correct it in the "
                "admin (Teams, the team's members) or the database, e.g. "
                "'81 466 25 07' or '+48 81 466 25 07', and migrate again."
            )
        if number != member.phone:
            TeamMember.objects.filter(pk=member.pk).update(phone=number)
    HistoricalTeamMember = apps.get_model("contacts", "HistoricalTeamMember")
    for entry in HistoricalTeamMember.objects.exclude(phone=""):
        number = e164(entry.phone)
        if number is not None and number != entry.phone:
            HistoricalTeamMember.objects.filter(pk=entry.pk).update(phone=number)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0006_rich_text")]

    # E.164 is a valid value of the former text column: nothing to undo.
    operations = [migrations.RunPython(to_e164, migrations.RunPython.noop)]
