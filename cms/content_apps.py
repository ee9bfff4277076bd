"""How the machinery finds the content apps without importing them: each content
app's config is a `ContentAppConfig`."""

from django.apps import AppConfig, apps


class ContentAppConfig(AppConfig):
    """The base of every content app's config: how the machinery finds the apps whose
    records are content (cached pages, history on the dashboard, starter content,
    backups), without importing them. A content app's starter content is
    `fixtures/<label>.json`."""

    def content_loaded(self) -> None:
        """Called after `setup_instance` loaded the starter content, in its
        transaction: derive what the raw load skipped."""


def content_apps() -> list[ContentAppConfig]:
    """The content apps, in INSTALLED_APPS order: each may refer to the ones before."""
    return [
        config
        for config in apps.get_app_configs()
        if isinstance(config, ContentAppConfig)
    ]


def content_app_labels() -> set[str]:
    return {config.label for config in content_apps()}
