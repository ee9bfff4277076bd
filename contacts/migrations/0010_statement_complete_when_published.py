# The check apart from the data migration before it: PostgreSQL alters no table
# with row changes of the same transaction still pending.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("contacts", "0009_statement_publication")]

    operations = [
        migrations.AddConstraint(
            model_name='accessibilitystatement',
            constraint=models.CheckConstraint(condition=models.Q(('is_published', False), models.Q(models.Q(('status', ''), _negated=True), ('prepared_on__isnull', False), ('contact_team__isnull', False), ('procedure_pl__gt', ''), ('architecture_pl__gt', ''), ('mobile_apps_pl__gt', ''), models.Q(('status', 'compliant'), ('non_accessible_content_pl__gt', ''), _connector='OR')), _connector='OR'), name='statement_complete_when_published', violation_error_message='The accessibility statement cannot be published while a required field is empty.'),
        ),
        migrations.AddConstraint(
            model_name='accessibilitystatement',
            constraint=models.CheckConstraint(condition=models.Q(('publish_from__isnull', True), ('publish_until__isnull', True), ('publish_until__gt', models.F('publish_from')), _connector='OR'), name='statement_schedule_in_order', violation_error_message='“Publish until” must be later than “publish from”.'),
        ),
    ]
