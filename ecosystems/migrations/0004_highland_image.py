"""A picture for each Highland, from the image library."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0005_image'),
        ('ecosystems', '0003_translation_marks_and_source_dates'),
    ]

    operations = [
        migrations.AddField(
            model_name='highland',
            name='image',
            field=models.ForeignKey(blank=True, help_text='Chosen from the image library, or added to it with “+”.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='highland_images', to='cms.image', verbose_name='picture'),
        ),
        migrations.AddField(
            model_name='historicalhighland',
            name='image',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='Chosen from the image library, or added to it with “+”.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cms.image', verbose_name='picture'),
        ),
    ]
