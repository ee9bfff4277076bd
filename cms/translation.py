from modeltranslation.translator import TranslationOptions, register

from cms.identity import TRANSLATED_FIELDS, SiteIdentity
from cms.images import Image


@register(Image)
class ImageTranslationOptions(TranslationOptions):
    fields = ("alt_text",)


@register(SiteIdentity)
class SiteIdentityTranslationOptions(TranslationOptions):
    fields = TRANSLATED_FIELDS
    # Names shown on every page: never one language short.
    required_languages = ("pl", "en")
