
"""Long texts take links and simple formatting: the plain texts become HTML (a blank
line a paragraph, a newline a line break, web and e-mail addresses links)."""

from django.db import migrations, models

from cms import rich_text


def to_html(apps, schema_editor):
    rich_text.plain_texts_to_html(apps.get_model("contacts", "Team"), "description")
    rich_text.plain_texts_to_html(apps.get_model("contacts", "AccessibilityStatement"), "non_accessible_content", "assessment_method", "procedure", "architecture", "mobile_apps")


def to_plain_text(apps, schema_editor):
    rich_text.html_to_plain_texts(apps.get_model("contacts", "Team"), "description")
    rich_text.html_to_plain_texts(apps.get_model("contacts", "AccessibilityStatement"), "non_accessible_content", "assessment_method", "procedure", "architecture", "mobile_apps")


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0005_teammember_photo'),
    ]

    operations = [
        migrations.AlterField(
            model_name='accessibilitystatement',
            name='architecture',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', verbose_name='architectural accessibility'),
        ),
        migrations.AlterField(
            model_name='accessibilitystatement',
            name='architecture_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='architectural accessibility'),
        ),
        migrations.AlterField(
            model_name='accessibilitystatement',
            name='architecture_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='architectural accessibility'),
        ),
        migrations.AlterField(
            model_name='accessibilitystatement',
            name='assessment_method',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', verbose_name='how the statement was prepared'),
        ),
        migrations.AlterField(
            model_name='accessibilitystatement',
            name='assessment_method_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='how the statement was prepared'),
        ),
        migrations.AlterField(
            model_name='accessibilitystatement',
            name='assessment_method_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='how the statement was prepared'),
        ),
        migrations.AlterField(
            model_name='accessibilitystatement',
            name='mobile_apps',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', verbose_name='mobile applications'),
        ),
        migrations.AlterField(
            model_name='accessibilitystatement',
            name='mobile_apps_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='mobile applications'),
        ),
        migrations.AlterField(
            model_name='accessibilitystatement',
            name='mobile_apps_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='mobile applications'),
        ),
        migrations.AlterField(
            model_name='accessibilitystatement',
            name='non_accessible_content',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', verbose_name='content that is not accessible'),
        ),
        migrations.AlterField(
            model_name='accessibilitystatement',
            name='non_accessible_content_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='content that is not accessible'),
        ),
        migrations.AlterField(
            model_name='accessibilitystatement',
            name='non_accessible_content_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='content that is not accessible'),
        ),
        migrations.AlterField(
            model_name='accessibilitystatement',
            name='procedure',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', verbose_name='requests and complaints procedure'),
        ),
        migrations.AlterField(
            model_name='accessibilitystatement',
            name='procedure_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='requests and complaints procedure'),
        ),
        migrations.AlterField(
            model_name='accessibilitystatement',
            name='procedure_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='requests and complaints procedure'),
        ),
        migrations.AlterField(
            model_name='historicalaccessibilitystatement',
            name='architecture_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='architectural accessibility'),
        ),
        migrations.AlterField(
            model_name='historicalaccessibilitystatement',
            name='architecture_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='architectural accessibility'),
        ),
        migrations.AlterField(
            model_name='historicalaccessibilitystatement',
            name='assessment_method_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='how the statement was prepared'),
        ),
        migrations.AlterField(
            model_name='historicalaccessibilitystatement',
            name='assessment_method_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='how the statement was prepared'),
        ),
        migrations.AlterField(
            model_name='historicalaccessibilitystatement',
            name='mobile_apps_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='mobile applications'),
        ),
        migrations.AlterField(
            model_name='historicalaccessibilitystatement',
            name='mobile_apps_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='mobile applications'),
        ),
        migrations.AlterField(
            model_name='historicalaccessibilitystatement',
            name='non_accessible_content_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='content that is not accessible'),
        ),
        migrations.AlterField(
            model_name='historicalaccessibilitystatement',
            name='non_accessible_content_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='content that is not accessible'),
        ),
        migrations.AlterField(
            model_name='historicalaccessibilitystatement',
            name='procedure_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='requests and complaints procedure'),
        ),
        migrations.AlterField(
            model_name='historicalaccessibilitystatement',
            name='procedure_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='requests and complaints procedure'),
        ),
        migrations.AlterField(
            model_name='historicalteam',
            name='description_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='historicalteam',
            name='description_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='team',
            name='description',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='team',
            name='description_en',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='team',
            name='description_pl',
            field=models.TextField(blank=True, help_text='Use the toolbar for bold, italics, bullet and numbered lists, subheadings and links (web, e-mail and telephone addresses). Enter starts a new paragraph; Shift+Enter breaks the line.', null=True, verbose_name='description'),
        ),
        migrations.RunPython(to_html, to_plain_text),
    ]
