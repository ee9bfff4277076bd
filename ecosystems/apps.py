from django.utils.translation import gettext_lazy as _

from cms import content_apps


class EcosystemsConfig(content_apps.ContentAppConfig):
    name = "ecosystems"
    verbose_name = _("Lublin Economic Highlands")

    def ready(self):
        from cms import history, revisions

        history.register_models(
            "Highland", app_label=self.label, m2m_fields=["cooperates_with"]
        )
        revisions.register("Highland", app_label=self.label)
