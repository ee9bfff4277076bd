from django.utils.translation import gettext_lazy as _

from cms.apps import ContentAppConfig


class EcosystemsConfig(ContentAppConfig):
    default = True  # apps.py also holds the imported ContentAppConfig
    name = "ecosystems"
    verbose_name = _("Lublin Economic Highlands")

    def ready(self):
        from cms import history

        history.register_models(
            "Highland", app_label=self.label, m2m_fields=["cooperates_with"]
        )
