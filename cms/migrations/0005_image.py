"""The image library (cms/images.py): pictures with their alt text in each language,
required unless the image is decorative."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0004_document'),
    ]

    operations = [
        migrations.CreateModel(
            name='Image',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(help_text='How staff find the image in the library; visitors never see it.', max_length=200, verbose_name='title')),
                ('file', models.ImageField(height_field='height', help_text='A JPEG, PNG or WebP picture; location and camera data are removed.', max_length=200, upload_to='images/', verbose_name='file', width_field='width')),
                ('width', models.PositiveIntegerField(default=0, editable=False, verbose_name='width')),
                ('height', models.PositiveIntegerField(default=0, editable=False, verbose_name='height')),
                ('file_size', models.PositiveIntegerField(default=0, editable=False, verbose_name='size in bytes')),
                ('has_transparency', models.BooleanField(default=False, editable=False, verbose_name='has transparent parts')),
                ('alt_text', models.CharField(blank=True, help_text="What the image shows, in one sentence, for people who cannot see it; for a logo, the organisation's name.", max_length=300, verbose_name='alternative text')),
                ('alt_text_pl', models.CharField(blank=True, help_text="What the image shows, in one sentence, for people who cannot see it; for a logo, the organisation's name.", max_length=300, null=True, verbose_name='alternative text')),
                ('alt_text_en', models.CharField(blank=True, help_text="What the image shows, in one sentence, for people who cannot see it; for a logo, the organisation's name.", max_length=300, null=True, verbose_name='alternative text')),
                ('is_decorative', models.BooleanField(default=False, help_text='Tick only when the image adds nothing to the text beside it: screen readers then skip it.', verbose_name='decorative')),
                ('credit', models.CharField(blank=True, help_text='The author or source, when it must be named, e.g. Jan Kowalski.', max_length=200, verbose_name='credit')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='uploaded at')),
            ],
            options={
                'verbose_name': 'image',
                'verbose_name_plural': 'images',
                'ordering': ['title', 'pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('is_decorative', True), models.Q(models.Q(('alt_text_pl__gt', '')), models.Q(('alt_text_en__gt', ''))), _connector='OR'), name='image_alt_text_or_decorative', violation_error_message='An image needs its alternative text in every language, unless it is marked decorative.')],
            },
        ),
    ]
