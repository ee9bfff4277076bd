
"""Long texts take links and simple formatting: the plain texts become HTML (a blank
line a paragraph, a newline a line break, web and e-mail addresses links)."""

from django.db import migrations, models

from cms import rich_text


def to_html(apps, schema_editor):
    rich_text.plain_texts_to_html(apps.get_model("clusters", "Coordinator"), "description")
    rich_text.plain_texts_to_html(apps.get_model("clusters", "Cluster"), "characteristics", "membership_conditions")
    rich_text.plain_texts_to_html(apps.get_model("clusters", "Page"), "body")


def to_plain_text(apps, schema_editor):
    rich_text.html_to_plain_texts(apps.get_model("clusters", "Coordinator"), "description")
    rich_text.html_to_plain_texts(apps.get_model("clusters", "Cluster"), "characteristics", "membership_conditions")
    rich_text.html_to_plain_texts(apps.get_model("clusters", "Page"), "body")


class Migration(migrations.Migration):

    dependencies = [
        ('clusters', '0013_logos'),
    ]

    operations = [
        migrations.AlterField(
            model_name='cluster',
            name='characteristics',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', verbose_name='characteristics'),
        ),
        migrations.AlterField(
            model_name='cluster',
            name='characteristics_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='characteristics'),
        ),
        migrations.AlterField(
            model_name='cluster',
            name='characteristics_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='characteristics'),
        ),
        migrations.AlterField(
            model_name='cluster',
            name='membership_conditions',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', verbose_name='membership conditions'),
        ),
        migrations.AlterField(
            model_name='cluster',
            name='membership_conditions_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='membership conditions'),
        ),
        migrations.AlterField(
            model_name='cluster',
            name='membership_conditions_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='membership conditions'),
        ),
        migrations.AlterField(
            model_name='coordinator',
            name='description',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='coordinator',
            name='description_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='coordinator',
            name='description_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='historicalcluster',
            name='characteristics_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='characteristics'),
        ),
        migrations.AlterField(
            model_name='historicalcluster',
            name='characteristics_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='characteristics'),
        ),
        migrations.AlterField(
            model_name='historicalcluster',
            name='membership_conditions_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='membership conditions'),
        ),
        migrations.AlterField(
            model_name='historicalcluster',
            name='membership_conditions_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='membership conditions'),
        ),
        migrations.AlterField(
            model_name='historicalcoordinator',
            name='description_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='historicalcoordinator',
            name='description_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='historicalpage',
            name='body_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='body'),
        ),
        migrations.AlterField(
            model_name='historicalpage',
            name='body_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='body'),
        ),
        migrations.AlterField(
            model_name='page',
            name='body',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', verbose_name='body'),
        ),
        migrations.AlterField(
            model_name='page',
            name='body_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='body'),
        ),
        migrations.AlterField(
            model_name='page',
            name='body_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='body'),
        ),
        migrations.RunPython(to_html, to_plain_text),
    ]
