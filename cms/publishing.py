"""What every record visitors can see shares: a stable key and a publication state."""

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class KeyedQuerySet(models.QuerySet):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class PublishableQuerySet(KeyedQuerySet):
    def published(self, at=None):
        """Records visitors see at `at` (now): published, and within their schedule.

        The schedule is checked on every query, so nothing waits for a cron job.
        """
        at = at or timezone.now()
        return self.filter(
            Q(publish_from__isnull=True) | Q(publish_from__lte=at),
            Q(publish_until__isnull=True) | Q(publish_until__gt=at),
            is_published=True,
        )


class Keyed(models.Model):
    key = models.SlugField(
        _("key"),
        max_length=100,
        unique=True,
        help_text=_(
            "Stable, language-neutral identifier used in exports and fixtures."
        ),
    )

    objects = KeyedQuerySet.as_manager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (self.key,)


class Versioned(models.Model):
    """A record staff edit: the admin refuses a save based on an older copy."""

    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Counts saves, so that a save based on an older copy is refused."),
    )

    class Meta:
        abstract = True


SOURCE_DATE_FIELDS = ("source_year", "source_year_is_earliest")


class Publishable(Keyed, Versioned):
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Only published records are shown to visitors."),
    )
    publish_from = models.DateTimeField(
        _("publish from"),
        null=True,
        blank=True,
        help_text=_("Empty: as soon as it is published."),
    )
    publish_until = models.DateTimeField(
        _("publish until"),
        null=True,
        blank=True,
        help_text=_("Empty: with no end."),
    )
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    # What visitors read as "last updated": set when an edit is published
    # (mark_edited), never by loading or deriving.
    edited_at = models.DateTimeField(
        _("last editorial change"), null=True, blank=True, editable=False
    )
    # Starter content not edited since: the date of the source it comes from, as
    # precise as the source (an undated page gives the earliest year it can be).
    source_year = models.PositiveSmallIntegerField(
        _("year of the source"), null=True, blank=True, editable=False
    )
    source_year_is_earliest = models.BooleanField(
        _("the source is undated: its year or later"), default=False, editable=False
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def edit_published(cls, pk) -> None:
        """Called once an edit of record `pk` is what visitors see (`mark_edited`):
        for what a type keeps about its publication besides `edited_at`."""

    def is_public(self) -> bool:
        """What `published()` checks, for a record already loaded (a parent, say)."""
        now = timezone.now()
        return (
            self.is_published
            and (self.publish_from is None or self.publish_from <= now)
            and (self.publish_until is None or self.publish_until > now)
        )


def mark_edited(model, pk) -> None:
    """Records that an edit of the record just became what visitors see."""
    if issubclass(model, Publishable):
        model._base_manager.filter(pk=pk).update(edited_at=timezone.now())
        model.edit_published(pk)


def publish_permission(model) -> str:
    """The permission that makes a model's content public: publishing, scheduling,
    deleting, restoring."""
    opts = model._meta
    return f"{opts.app_label}.publish_{opts.model_name}"


def publishable_models() -> list[type[Publishable]]:
    """Every concrete model visitors see by its publication state."""
    return [model for model in apps.get_models() if issubclass(model, Publishable)]


def unique_per_language(field: str, prefix: str) -> list[models.UniqueConstraint]:
    """One constraint per language column of a translated field.

    Declared as constraints rather than `unique=True`, which simple-history would copy
    into the per-language columns of the history tables.
    """
    return [
        models.UniqueConstraint(
            fields=[f"{field}_{code}"],
            name=f"{prefix}_unique_{field}_{code}",
            violation_error_message=_("Another record already uses this address."),
        )
        for code, _name in settings.LANGUAGES
    ]


def schedule_in_order(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(publish_from__isnull=True)
        | Q(publish_until__isnull=True)
        | Q(publish_until__gt=F("publish_from")),
        name=f"{prefix}_schedule_in_order",
        violation_error_message=_("“Publish until” must be later than “publish from”."),
    )
