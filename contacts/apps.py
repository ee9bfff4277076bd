from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = _("Contacts and pages")

    def ready(self):
        from clusters import history

        history.register_models(
            "Unit", "Team", "TeamMember", "AccessibilityStatement", app_label=self.label
        )
