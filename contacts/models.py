from urllib.parse import urlencode

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cms import phones
from cms.images import CHOSEN_FROM_LIBRARY
from cms.publishing import Keyed, Versioned
from cms.rich_text import RichTextField
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
    photo = models.ForeignKey(
        "cms.Image",
        verbose_name=_("photo"),
        related_name="team_member_photos",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=CHOSEN_FROM_LIBRARY,
    )

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


class AccessibilityStatement(Keyed, Versioned, TranslationMarked):
    """The accessibility statement, in the layout of the Polish template for public bodies."""

    class Status(models.TextChoices):
        COMPLIANT = "compliant", _("fully compliant")
        PARTIALLY_COMPLIANT = "partially", _("partially compliant")
        NOT_COMPLIANT = "not_compliant", _("not compliant")

    entity = models.CharField(_("public body"), max_length=300, blank=True)
    site_name = models.CharField(_("website name"), max_length=300, blank=True)
    published_on = models.DateField(_("website published on"), null=True, blank=True)
    updated_on = models.DateField(_("last major update on"), null=True, blank=True)
    status = models.CharField(
        _("compliance status"), max_length=20, choices=Status, blank=True
    )
    # Shown under its own h3.
    non_accessible_content = RichTextField(
        _("content that is not accessible"), blank=True, heading_levels=(4,)
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

    def __str__(self):
        return self.site_name or self.key

    def get_absolute_url(self):
        return reverse("contacts:accessibility")
