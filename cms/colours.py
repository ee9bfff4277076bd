"""The site's accent colour: how well it reads (WCAG 2.1 contrast), and the darker and
lighter shades the public pages derive from it (static/css/site.css `--brand…`)."""

import re

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
WHITE = "#ffffff"
# Where the accent meets other colours on the public pages: white text on it (the
# menu, buttons), and it as the colour of links and headings on the white page and
# the light grey panels (`--tint`).
BACKGROUNDS = {
    WHITE: pgettext_lazy("contrast against", "white"),
    "#f1f4f8": pgettext_lazy("contrast against", "the light grey of the panels"),
}
# Text of normal size (WCAG 2.1, 1.4.3).
MINIMUM_CONTRAST = 4.5


def channels(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def relative_luminance(colour: str) -> float:
    def linear(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = map(linear, channels(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted(map(relative_luminance, (first, second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(colour: str, other: str, share_of_other: float) -> str:
    """The colour with `share_of_other` of `other` mixed in."""
    mixed = (
        round(own + (their - own) * share_of_other)
        for own, their in zip(channels(colour), channels(other), strict=True)
    )
    return "#" + "".join(f"{value:02x}" for value in mixed)


def shades(accent: str) -> dict[str, str]:
    """The custom properties of static/css/site.css the accent sets: the header's
    darker shade and the hover's light tint."""
    accent = accent.lower()
    return {
        "--brand": accent,
        "--brand-dark": mix(accent, "#000000", 0.3),
        "--brand-tint": mix(accent, WHITE, 0.86),
    }


def validate_accent_colour(value: str) -> None:
    """A colour as `#rrggbb` that reads as text on the page and under white text."""
    if not HEX_COLOUR.fullmatch(value or ""):
        raise ValidationError(
            _("Enter the colour as # and six hexadecimal digits, e.g. #0b4a85."),
            code="invalid",
        )
    for background, name in BACKGROUNDS.items():
        ratio = contrast(value, background)
        if ratio < MINIMUM_CONTRAST:
            raise ValidationError(
                _(
                    "This colour reaches only %(ratio)s:1 against %(background)s; "
                    "text in it and white text on it need at least %(minimum)s:1. "
                    "Choose a darker shade."
                ),
                code="low_contrast",
                params={
                    # Rounded down: 4.49 must not read as the 4.5 it misses.
                    "ratio": number_format(int(ratio * 100) / 100, 2),
                    "background": name,
                    "minimum": number_format(MINIMUM_CONTRAST, 1),
                },
            )
