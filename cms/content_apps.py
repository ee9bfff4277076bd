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


def shared_content_models() -> list:
    """The machinery's own models that are content too: the image and document
    libraries every content app picks from (`is_shared_content = True`)."""
    return [
        model
        for model in apps.get_app_config("cms").get_models()
        if getattr(model, "is_shared_content", False)
    ]


def is_content_model(model) -> bool:
    """Whether a change to the model's records changes what visitors see."""
    return model._meta.app_label in content_app_labels() or getattr(
        model, "is_shared_content", False
    )
