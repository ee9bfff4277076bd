from django.utils.translation import gettext_lazy as _

from cms import content_apps


class ContactsConfig(content_apps.ContentAppConfig):
    name = "contacts"
    verbose_name = _("Contacts and pages")

    def ready(self):
        from cms import history, revisions

        history.register_models(
            "Unit", "Team", "TeamMember", "AccessibilityStatement", app_label=self.label
        )
        revisions.register("Unit", app_label=self.label)
        revisions.register("Team", app_label=self.label, children=("members",))
        revisions.register("AccessibilityStatement", app_label=self.label)
