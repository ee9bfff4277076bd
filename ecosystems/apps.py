from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EcosystemsConfig(AppConfig):
    name = "ecosystems"
    verbose_name = _("Lublin Economic Highlands")

    def ready(self):
        from clusters import history

        history.register_models(
            "Highland", app_label=self.label, m2m_fields=["cooperates_with"]
        )
