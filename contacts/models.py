from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms import phones
from cms.images import image_field
from cms.publishing import Keyed, Publishable, Versioned, schedule_in_order
from cms.revisions import revisions_of
from cms.rich_text import RichTextField, plain_text
from cms.translation_marks import TranslationMarked


class Unit(Keyed, Versioned, TranslationMarked):
    """A unit of the City Office, e.g. the business relations section."""

    name = models.CharField(_("name"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.TextField(
        _("address"),
        blank=True,
        help_text=_("Street, building and room, postcode and town; one per line."),
    )
    office_hours = models.TextField(
        _("office hours"),
        blank=True,
        help_text=_("When visitors and callers are served, e.g. the days and hours."),
    )

    class Meta:
        ordering = ["key"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        permissions = [("publish_unit", _("Can publish units"))]

    def __str__(self):
        return self.name or self.key

    @property
    def map_url(self) -> str:
        """A search for the address on OpenStreetMap: a plain link, no embedded map
        (nothing loaded from another site, no cookies)."""
        address = " ".join((self.address_pl or self.address or "").split())
        if not address:
            return ""
        return "https://www.openstreetmap.org/search?" + urlencode({"query": address})


class Team(Keyed, Versioned, TranslationMarked):
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), related_name="teams", on_delete=models.PROTECT
    )
    name = models.CharField(_("name"), max_length=300, blank=True)
    description = RichTextField(_("description"), blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        permissions = [("publish_team", _("Can publish teams"))]

    def __str__(self):
        return self.name or self.key

    def get_absolute_url(self):
        return reverse("contacts:team")


class TeamMemberQuerySet(models.QuerySet):
    def get_by_natural_key(self, team_key, name):
        return self.get(team__key=team_key, name=name)


class TeamMember(Versioned, TranslationMarked):
    team = models.ForeignKey(
        Team, verbose_name=_("team"), related_name="members", on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    phone = phones.phone_field()
    email = models.EmailField(_("e-mail"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    photo = image_field(_("photo"), "team_member_photos")

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        ordering = ["team", "order", "name"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "name"], name="one_member_per_team_and_name"
            )
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.team.key, self.name)

    natural_key.dependencies = ["contacts.team"]


class AccessibilityStatement(Publishable, TranslationMarked):
    """The accessibility statement, in the layout of the Polish template for public
    bodies (ustawa z dnia 4 kwietnia 2019 r. o dostępności cyfrowej stron
    internetowych i aplikacji mobilnych podmiotów publicznych).

    A draft until staff fill in what the template requires: it cannot be published
    with any of it empty (`clean`, and a check in the database). Its publication and
    update dates are kept by the system, never typed (`edit_published`).
    """

    class Status(models.TextChoices):
        # The act's three values (art. 10), as the statement's template words them.
        COMPLIANT = "compliant", _("fully compliant")
        PARTIALLY_COMPLIANT = "partially", _("partially compliant")
        NOT_COMPLIANT = "not_compliant", _("non-compliant")

    # Publishable's, but empty allowed: a backup made before the statement was
    # publishable (cms/management/commands/restore_content.py) has none to give.
    updated_at = models.DateTimeField(_("last updated"), auto_now=True, null=True)
    entity = models.CharField(_("public body"), max_length=300, blank=True)
    site_name = models.CharField(_("website name"), max_length=300, blank=True)
    published_on = models.DateField(
        _("website published on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the statement is first published."),
    )
    updated_on = models.DateField(
        _("last major update on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set whenever a change to the statement is published."),
    )
    status = models.CharField(
        _("compliance status"), max_length=20, choices=Status, blank=True
    )
    # Shown under its own h3.
    non_accessible_content = RichTextField(
        _("content that is not accessible"),
        blank=True,
        heading_levels=(4,),
        help_text=_(
            "Required unless the website is fully compliant: what is not accessible "
            "and why."
        ),
    )
    prepared_on = models.DateField(_("statement prepared on"), null=True, blank=True)
    reviewed_on = models.DateField(
        _("statement last reviewed on"), null=True, blank=True
    )
    assessment_method = RichTextField(_("how the statement was prepared"), blank=True)
    contact_team = models.ForeignKey(
        Team,
        verbose_name=_("contact point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_(
            "Its unit's e-mail, or else its first member's with one, is the "
            "statement's e-mail."
        ),
    )
    procedure = RichTextField(_("requests and complaints procedure"), blank=True)
    architecture = RichTextField(_("architectural accessibility"), blank=True)
    mobile_apps = RichTextField(_("mobile applications"), blank=True)

    class Meta:
        verbose_name = _("accessibility statement")
        verbose_name_plural = _("accessibility statements")
        permissions = [
            (
                "publish_accessibilitystatement",
                _("Can publish accessibility statements"),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_published=False)
                | (
                    ~Q(status="")
                    & Q(prepared_on__isnull=False)
                    & Q(contact_team__isnull=False)
                    & Q(procedure_pl__gt="")
                    & Q(architecture_pl__gt="")
                    & Q(mobile_apps_pl__gt="")
                    & (Q(status="compliant") | Q(non_accessible_content_pl__gt=""))
                ),
                name="statement_complete_when_published",
                violation_error_message=_(
                    "The accessibility statement cannot be published while a "
                    "required field is empty."
                ),
            ),
            schedule_in_order("statement"),
        ]

    def __str__(self):
        return self.site_name or self.key

    def get_absolute_url(self):
        return reverse("contacts:accessibility")

    def clean(self):
        super().clean()
        missing = self.missing_for_publication() if self.is_published else []
        if missing:
            raise ValidationError(
                _(
                    "The accessibility statement cannot be published while these "
                    "are empty: %(fields)s. Fill them in, or keep it unpublished."
                ),
                code="incomplete",
                params={"fields": ", ".join(str(label) for label in missing)},
            )

    def validate_constraints(self, exclude=None):
        # Completeness is `clean()`'s to report, naming what is missing; the
        # database's check of it stays as the backstop.
        super().validate_constraints(exclude={*(exclude or ()), "is_published"})

    @classmethod
    def edit_published(cls, pk) -> None:
        """The dates the template asks for, kept by the system: published on = the
        day the statement was first published, updated on = the day of its latest
        published change. Both are worked out again from the revisions, as a draft
        written back into the tables does not carry them."""
        statement = cls._base_manager.filter(pk=pk).first()
        if statement is None:
            return
        today = timezone.localdate()
        first_public = (
            revisions_of(cls, pk)
            .filter(published_at__isnull=False, content__fields__is_published=True)
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        known = [statement.published_on]
        known.append(first_public and timezone.localdate(first_public))
        known.append(today if statement.is_published else None)
        known = [day for day in known if day]
        cls._base_manager.filter(pk=pk).update(
            published_on=min(known) if known else None, updated_on=today
        )

    def contact_email(self) -> str:
        """The contact point's e-mail: its unit's, else its first member's."""
        team = self.contact_team
        if team is None:
            return ""
        if team.unit.email:
            return team.unit.email
        return next((m.email for m in team.members.all() if m.email), "")

    def missing_for_publication(self) -> list:
        """What the statement's template requires and is still empty, by name."""
        fields = self._meta
        language = settings.LANGUAGE_CODE
        missing = []
        if not self.status:
            missing.append(fields.get_field("status").verbose_name)
        if self.prepared_on is None:
            missing.append(fields.get_field("prepared_on").verbose_name)
        if self.contact_team is None:
            missing.append(fields.get_field("contact_team").verbose_name)
        elif not self.contact_email():
            missing.append(_("the contact point's e-mail"))
        texts = ["procedure", "architecture", "mobile_apps"]
        if self.status and self.status != self.Status.COMPLIANT:
            texts.insert(0, "non_accessible_content")
        for name in texts:
            if not plain_text(getattr(self, f"{name}_{language}") or "").strip():
                missing.append(fields.get_field(name).verbose_name)
        return missing
