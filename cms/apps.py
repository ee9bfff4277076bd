from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    default = True  # ContentAppConfig below is for the content apps
    name = "cms"
    verbose_name = _("Content management")

    def ready(self):
        from cms import signals  # noqa: F401 (connects the receiver)


class ContentAppConfig(AppConfig):
    """The base of every content app's config: how the machinery finds the apps whose
    records are content (cached pages, the dashboard's changes, backups)."""


def content_app_labels() -> set[str]:
    return {
        config.label
        for config in apps.get_app_configs()
        if isinstance(config, ContentAppConfig)
    }
