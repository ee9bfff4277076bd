"""Phone numbers: stored once in E.164 (django-phonenumber-field), read from the forms
people type and shown as callers in each language expect.

A Polish page shows a Polish number as it is dialled within Poland ("81 466 25 07");
an English page, and any foreign number, in international form ("+48 81 466 25 07"),
so that a caller from abroad has the country code. Every link dials E.164.
"""

from django.conf import settings
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from phonenumber_field.phonenumber import PhoneNumber, to_python
from phonenumber_field.widgets import RegionalPhoneNumberWidget
from phonenumbers import region_code_for_number

# The admin's message for what is not a phone number, in each phone field's form.
INVALID_MESSAGE = _(
    "Enter a valid phone number, e.g. 81 466 25 07 or +48 81 466 25 07."
)
ERROR_MESSAGES = {"invalid": INVALID_MESSAGE, "invalid_phone_number": INVALID_MESSAGE}
HELP_TEXT = _(
    "As people write it, e.g. 81 466 25 07 or +48 81 466 25 07; stored with "
    "the country code and shown in each language's usual form."
)


LABEL = _("phone")


def phone_field(verbose_name=LABEL, **kwargs) -> PhoneNumberField:
    """An optional phone number of a record, read, stored and refused as every
    phone of the site is (a team member's, a cluster's, a coordinator's)."""
    options = {"blank": True, "error_messages": ERROR_MESSAGES, "help_text": HELP_TEXT}
    return PhoneNumberField(verbose_name, **options | kwargs)


def parsed(value) -> PhoneNumber | None:
    """`value` (a stored number or a typed one) as a valid number, or None."""
    if not value:
        return None
    number = (
        value
        if isinstance(value, PhoneNumber)
        else to_python(value, settings.PHONENUMBER_DEFAULT_REGION)
    )
    if not isinstance(number, PhoneNumber) or not number.is_valid():
        return None
    return number


def shown(value, language: str | None = None) -> str:
    """The number as callers read it in `language` (the active one); an unreadable
    value as it was stored."""
    number = parsed(value)
    if number is None:
        return str(value or "")
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    home = region_code_for_number(number) == settings.PHONENUMBER_DEFAULT_REGION
    if language == settings.LANGUAGE_CODE and home:
        return number.as_national
    return number.as_international


def e164(value) -> str:
    """The number in E.164 ("+48814662507"), or "" when it cannot be read."""
    number = parsed(value)
    return number.as_e164 if number else ""


def link(value) -> SafeString:
    """The number, shown for the active language, as a link that dials it."""
    number = e164(value)
    if not number:
        return format_html("{}", shown(value))
    return format_html('<a href="tel:{}">{}</a>', number, shown(value))


class PhoneInput(RegionalPhoneNumberWidget):
    """The admin's text box for a phone: a home number as it is written at home
    ("81 466 25 07"), a foreign one with its country code."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "vTextField", **(attrs or {})})


# For the admin's `formfield_overrides` (its default text box would show E.164).
ADMIN_FORMFIELD_OVERRIDES = {PhoneNumberField: {"widget": PhoneInput}}
