"""The site's identity: the names it goes by, its logo or crest, its accent colour and
the terms of its open data, in one record publishers edit in the admin
("Identyfikacja serwisu").

A new instance gets its values from a JSON file (`setup_instance`, by default
`fixtures/identity.json`, Lublin's); until that record exists the pages show the
file's values. Pages read it through cms/site_identity.py.
"""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cms.colours import HEX_COLOUR, shades, validate_accent_colour
from cms.images import image_field

# The fields a JSON file for `setup_instance --identity` gives: every text in both
# languages (`site_name_pl`, `site_name_en`…), the others once.
TRANSLATED_FIELDS = ("site_name", "city_name", "publisher_name")
FILE_FIELDS = (
    *(
        f"{name}_{code}"
        for name in TRANSLATED_FIELDS
        for code, _name in settings.LANGUAGES
    ),
    "accent_colour",
    "licence_name",
    "licence_url",
    "attribution",
)


class SiteIdentity(models.Model):
    """The one record of the site's identity (its id is always 1)."""

    # Visitors see it on every page: saving it makes cached pages stale.
    is_shared_content = True

    site_name = models.CharField(
        _("site name"),
        max_length=100,
        help_text=_(
            "The site's name at the top of every page, in browser tabs and in "
            "search results, e.g. “Klastry w Lublinie”."
        ),
    )
    city_name = models.CharField(
        _("city"),
        max_length=100,
        help_text=_("The city the directory covers, e.g. “Lublin”."),
    )
    publisher_name = models.CharField(
        _("publisher"),
        max_length=200,
        help_text=_(
            "The city, or the department of its office, that publishes the site, "
            "shown above its name and in the footer, e.g. “Urząd Miasta Lublin”."
        ),
    )
    logo = image_field(_("logo or crest"), related_name="site_identities")
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        validators=[validate_accent_colour],
        help_text=_(
            "The colour of the menu, buttons and links, as # and six hexadecimal "
            "digits, e.g. #0b4a85. It must be dark enough for white text on it and "
            "for text in it on the page (4.5:1)."
        ),
    )
    licence_name = models.CharField(
        _("open data licence"),
        max_length=100,
        help_text=_("The licence the open data is published under, e.g. “CC BY 4.0”."),
    )
    licence_url = models.URLField(
        _("licence address"), help_text=_("The address of the licence's text.")
    )
    attribution = models.CharField(
        _("attribution"),
        max_length=300,
        help_text=_(
            "How those who reuse the open data credit its source, e.g. "
            "“Urząd Miasta Lublin (City of Lublin)”."
        ),
    )

    class Meta:
        verbose_name = _("site identity")
        verbose_name_plural = _("site identity")

    def __str__(self):
        return str(self._meta.verbose_name).capitalize()

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @property
    def theme(self) -> str:
        """The stylesheet of the accent colour (/theme.css). A colour that is not
        `#rrggbb` (written past the form's check, by a load or the shell) is never
        written into it: the site's own colours stay."""
        if not HEX_COLOUR.fullmatch(self.accent_colour or ""):
            return ""
        lines = [
            f"  {name}: {value};" for name, value in shades(self.accent_colour).items()
        ]
        return ":root {\n" + "\n".join(lines) + "\n}\n"

    @property
    def theme_version(self) -> str:
        """Changes whenever the stylesheet does (a new colour, or new shades)."""
        return hashlib.sha256(self.theme.encode()).hexdigest()[:12]

    @property
    def licence(self) -> dict[str, str]:
        """The licence as the exports and the open data page name it."""
        return {
            "name": self.licence_name,
            "url": self.licence_url,
            "attribution": self.attribution,
        }


def identity_from_file(path: Path | str) -> SiteIdentity:
    """An unsaved identity with the values of a JSON file; ValidationError names
    what is unreadable, missing, unknown or invalid."""
    try:
        values = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise ValidationError(str(error)) from error
    if not isinstance(values, dict):
        raise ValidationError("expected an object of fields and values.")
    unknown = sorted(set(values) - set(FILE_FIELDS))
    if unknown:
        raise ValidationError(
            f"unknown fields: {', '.join(unknown)}; "
            f"the fields are {', '.join(FILE_FIELDS)}."
        )
    missing = [name for name in FILE_FIELDS if not values.get(name)]
    if missing:
        raise ValidationError(f"missing or empty: {', '.join(missing)}.")
    identity = SiteIdentity(pk=1, **values)
    try:
        # The record may exist already: it is the one the file's values replace.
        identity.full_clean(validate_unique=False)
    except ValidationError as error:
        raise ValidationError(
            [
                f"{name}: {message}"
                for name, messages in error.message_dict.items()
                for message in messages
            ]
        ) from error
    return identity


def starter_identity() -> SiteIdentity:
    """The identity of the starter file: what pages show until the record exists."""
    return identity_from_file(settings.SITE_IDENTITY_FILE)


@checks.register()
def check_identity_file(app_configs, **kwargs) -> list[checks.Error]:
    """`manage.py check` (and every start) names a starter identity file that pages
    could not show, before any page needs it."""
    try:
        with translation.override("en"):  # as the rest of the command line
            starter_identity()
    except ValidationError as error:
        return [
            checks.Error(
                f"{settings.SITE_IDENTITY_FILE}: {'; '.join(error.messages)}",
                hint="Give every field of fixtures/identity.json a valid value, or "
                "point DJANGO_SITE_IDENTITY_FILE at a file that does.",
                id="cms.E001",
            )
        ]
    return []
