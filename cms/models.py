"""Revisions: every saved state of a record, whole (cms/revisions.py)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from cms.images import Image  # noqa: F401 (the image library: a model of this app)


class RevisionQuerySet(models.QuerySet):
    def of(self, model, pk):
        return self.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=str(pk)
        )

    def drafts(self):
        return self.filter(published_at__isnull=True)

    def waiting(self):
        """Drafts submitted for review and not sent back since."""
        return self.drafts().filter(submitted_at__isnull=False)

    def current(self):
        """Each record's latest revision only: an older draft was superseded by the
        save after it, and its review state with it."""
        later = self.model.objects.filter(
            content_type=models.OuterRef("content_type"),
            object_id=models.OuterRef("object_id"),
        ).filter(
            models.Q(created_at__gt=models.OuterRef("created_at"))
            | models.Q(
                created_at=models.OuterRef("created_at"), pk__gt=models.OuterRef("pk")
            )
        )
        return self.filter(~models.Exists(later))

    def scheduled(self):
        """Drafts a publisher set to go live at a time (cms/review.py)."""
        return self.drafts().current().filter(go_live_at__isnull=False)


class Revision(models.Model):
    """One saved state of a record: its fields in every language, its many-to-many
    relations and the rows it owns (`content`, see cms/revisions.py), with who saved
    it, when and why. The live tables hold what visitors see; a revision newer than
    the one published last is the record's draft."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("content type"), on_delete=models.CASCADE
    )
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=300)
    content = models.JSONField(_("content"), encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("saved at"), db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted for review at"), null=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("sent back at"), null=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent back by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    return_comment = models.TextField(_("why it was sent back"), blank=True)
    go_live_at = models.DateTimeField(_("to be published at"), null=True)
    published_at = models.DateTimeField(_("published at"), null=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    # Set on the revision kept when its record was deleted (cms/recovery.py).
    deleted_at = models.DateTimeField(_("deleted at"), null=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "-created_at"],
                name="revision_of_record",
            )
        ]

    def __str__(self):
        return self.object_repr

    @property
    def model(self):
        return self.content_type.model_class()


# The shared libraries' models live in modules of their own; imported here so that
# Django finds them.
from cms.documents import Document  # noqa: E402, F401
from cms.identity import SiteIdentity  # noqa: E402, F401
