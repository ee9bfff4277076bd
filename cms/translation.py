from modeltranslation.translator import TranslationOptions, register

from cms.images import Image


@register(Image)
class ImageTranslationOptions(TranslationOptions):
    fields = ("alt_text",)
