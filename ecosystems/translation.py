from modeltranslation.translator import TranslationOptions, register

from ecosystems.models import Highland


@register(Highland)
class HighlandTranslationOptions(TranslationOptions):
    fields = ("name", "slug", "summary", "body")
