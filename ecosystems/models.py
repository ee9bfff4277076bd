from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cms.images import image_field
from cms.publishing import Publishable, schedule_in_order, unique_per_language
from cms.rich_text import RichTextField
from cms.translation_marks import TranslationMarked


class Highland(Publishable, TranslationMarked):
    """One of the five Lublin Economic Highlands ecosystems."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    # Shown right under the page's h1.
    body = RichTextField(_("body"), blank=True, heading_levels=(2, 3))
    image = image_field(_("picture"), "highland_images")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    cooperates_with = models.ManyToManyField(
        "self", verbose_name=_("cooperates with"), blank=True, symmetrical=True
    )

    class Meta:
        ordering = ["order", "key"]
        verbose_name = _("Highland")
        verbose_name_plural = _("Highlands")
        permissions = [("publish_highland", _("Can publish Highlands"))]
        constraints = [
            *unique_per_language("slug", "highland"),
            schedule_in_order("highland"),
        ]

    def __str__(self):
        return self.name or self.key

    def get_absolute_url(self):
        return reverse("ecosystems:detail", kwargs={"slug": self.slug})
