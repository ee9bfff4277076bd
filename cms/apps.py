from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Content management")

    def ready(self):
        from cms import boolean_icons, signals  # noqa: F401 (connects the receiver)

        boolean_icons.install()
