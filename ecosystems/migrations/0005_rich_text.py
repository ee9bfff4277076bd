
"""Long texts take links and simple formatting: the plain texts become HTML (a blank
line a paragraph, a newline a line break, web and e-mail addresses links)."""

from django.db import migrations, models

from cms import rich_text


def to_html(apps, schema_editor):
    rich_text.plain_texts_to_html(apps.get_model("ecosystems", "Highland"), "body")


def to_plain_text(apps, schema_editor):
    rich_text.html_to_plain_texts(apps.get_model("ecosystems", "Highland"), "body")


class Migration(migrations.Migration):

    dependencies = [
        ('ecosystems', '0004_highland_image'),
    ]

    operations = [
        migrations.AlterField(
            model_name='highland',
            name='body',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', verbose_name='body'),
        ),
        migrations.AlterField(
            model_name='highland',
            name='body_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='body'),
        ),
        migrations.AlterField(
            model_name='highland',
            name='body_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='body'),
        ),
        migrations.AlterField(
            model_name='historicalhighland',
            name='body_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='body'),
        ),
        migrations.AlterField(
            model_name='historicalhighland',
            name='body_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='body'),
        ),
        migrations.RunPython(to_html, to_plain_text),
    ]
