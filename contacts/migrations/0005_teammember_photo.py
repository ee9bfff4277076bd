"""An optional photo for each team member, from the image library."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0005_image'),
        ('contacts', '0004_translation_marks_and_source_dates'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalteammember',
            name='photo',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='Chosen from the image library, or added to it with “+”.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cms.image', verbose_name='photo'),
        ),
        migrations.AddField(
            model_name='teammember',
            name='photo',
            field=models.ForeignKey(blank=True, help_text='Chosen from the image library, or added to it with “+”.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='team_member_photos', to='cms.image', verbose_name='photo'),
        ),
    ]
