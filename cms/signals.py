"""The one sanctioned signal receiver: any change of content makes cached pages stale.

Connected for every model of the content apps (`cms.apps.ContentAppConfig`,
historical records included) and the shared image and document libraries, so admin
saves and deletes, inline and many-to-many edits, `loaddata` (raw saves) and imports
all bump the content version that `cms.caching` keys pages by. Writes that send no
signals (`QuerySet.update()`, `bulk_create()`) call `bump_content_version()` themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from cms.caching import bump_content_version
from cms.content_apps import content_app_labels, is_content_model


@receiver(post_save, dispatch_uid="content_changed_on_save")
@receiver(post_delete, dispatch_uid="content_changed_on_delete")
@receiver(m2m_changed, dispatch_uid="content_changed_on_m2m")
def content_changed(sender, action="post", **kwargs):
    # m2m_changed also announces each change before it happens ("pre_add"...).
    if action.startswith("post") and is_content_model(sender):
        bump_content_version()


@receiver(post_migrate, dispatch_uid="content_changed_on_migrate")
def content_migrated(sender, **kwargs):
    # Data migrations and `flush` change content without model signals.
    if sender.label in content_app_labels() or sender.label == "cms":
        bump_content_version()
