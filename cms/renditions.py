"""Renditions: the sizes and formats of a library image that visitors are sent.

django-imagekit makes each rendition the first time a page asks for its address and
keeps it in the storage under `renditions/` (IMAGEKIT_CACHEFILE_DIR). Its name is a
hash of the original's name, itself a hash of the original's content, and of how the
rendition is made (width, format, quality): a name never changes meaning, so browsers
and CDNs may keep a rendition forever, and a changed image gets new names.

Every use of an image names a preset: a `Box` for pictures shown at a fixed size (a
logo, a photo), offered at 1, 2 and 3 times that size for sharp screens; a `Fluid` for
pictures as wide as their column, offered in several widths with `sizes` saying how
wide the column is. Either way a browser picks the smallest file that is sharp on its
screen: a 390 px wide phone is never sent a desktop's file, nor anyone the original.
Each is WebP, with a JPEG (or, for an image with transparent parts, PNG) fallback.
"""

from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from imagekit import ImageSpec, register
from imagekit.cachefiles import ImageCacheFile
from imagekit.processors import ResizeToFit

from cms.translated import translated_text

ENCODING = {
    "WEBP": {"quality": 80},
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
}
# Link previews (Open Graph) want about 1200 px, in a format every reader knows.
SOCIAL_WIDTH = 1200


@dataclass(frozen=True)
class Box:
    """Shown whole within this many CSS pixels, whatever the screen."""

    width: int
    height: int


@dataclass(frozen=True)
class Fluid:
    """As wide as its column: `sizes` says how wide, `widths` are those offered."""

    widths: tuple[int, ...]
    sizes: str


# The column widths follow static/css/site.css: a text column of at most 42rem in a
# page with 1rem margins; cards in a grid of 17rem columns or more, 1.25rem padding.
PRESETS = {
    "logo": Box(240, 120),
    # The site's logo or crest in the header, beside its name.
    "crest": Box(200, 56),
    "small-logo": Box(160, 80),
    "photo": Box(96, 128),
    "thumbnail": Box(120, 80),
    "picture": Fluid(
        (360, 540, 720, 1080, 1440), "(min-width: 44rem) 42rem, calc(100vw - 2rem)"
    ),
    "card": Fluid(
        (320, 480, 640, 960),
        "(min-width: 72rem) 20rem, (min-width: 55rem) calc(33vw - 4rem), "
        "(min-width: 37rem) calc(50vw - 4rem), calc(100vw - 4.5rem)",
    ),
}


class Rendition(ImageSpec):
    """The image at most `width` pixels wide (never enlarged), in `format`."""

    def __init__(self, source, width: int, format: str):
        self.processors = [ResizeToFit(width=width, upscale=False)]
        self.format = format
        self.options = ENCODING[format]
        super().__init__(source)


# Registered, so that imagekit's strategy (IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY, just
# in time) makes a rendition when its address is first asked for.
register.generator("cms:rendition", Rendition)


def rendition(image, width: int, format: str) -> ImageCacheFile:
    return ImageCacheFile(Rendition(image.file, width, format))


def rendition_names(original) -> list[str]:
    """The names of the renditions made of a stored original (its folder under
    IMAGEKIT_CACHEFILE_DIR, as imagekit's `source_name_as_path` names them)."""
    folder = f"{settings.IMAGEKIT_CACHEFILE_DIR}/{PurePosixPath(original.name).with_suffix('')}"
    try:
        _folders, files = original.storage.listdir(folder)
    except FileNotFoundError:
        return []
    return [f"{folder}/{name}" for name in files]


def fallback_format(image) -> str:
    return "PNG" if image.has_transparency else "JPEG"


def height_at(image, width: int) -> int:
    """The height of a rendition `width` pixels wide, rounded as imagekit does."""
    return max(1, round(image.height * width / image.width))


@dataclass(frozen=True)
class Picture:
    """What a `<picture>` element needs: the srcsets, and the `<img>`'s attributes."""

    webp_srcset: str
    srcset: str
    src: str
    sizes: str
    width: int
    height: int
    alt: str
    alt_lang: str
    preset: str


def picture(image, preset: str) -> Picture:
    spec = PRESETS[preset]
    if isinstance(spec, Box):
        scale = min(spec.width / image.width, spec.height / image.height, 1)
        width = max(1, round(image.width * scale))
        height = max(1, round(image.height * scale))
        widths = sorted({min(width * density, image.width) for density in (1, 2, 3)})
        sizes = f"{width}px"
        shown = widths[0]
    else:
        widths = sorted({min(width, image.width) for width in spec.widths})
        width, height = widths[-1], height_at(image, widths[-1])
        sizes = spec.sizes
        shown = widths[len(widths) // 2]

    def srcset(format: str) -> str:
        return ", ".join(f"{rendition(image, w, format).url} {w}w" for w in widths)

    fallback = fallback_format(image)
    alt, alt_lang = alternative_text(image)
    return Picture(
        webp_srcset=srcset("WEBP"),
        srcset=srcset(fallback),
        src=rendition(image, shown, fallback).url,
        sizes=sizes,
        width=width,
        height=height,
        alt=alt,
        alt_lang=alt_lang,
        preset=preset,
    )


def alternative_text(image) -> tuple[str, str]:
    """The alt text and, when it is the other language's, its language ("" if not).

    The database requires both languages unless the image is decorative, so the
    other language's text is only a safeguard; `lang` on the `<img>` covers its
    `alt` attribute (the HTML standard: an element's language applies to its
    attributes' text), so a screen reader still reads it in the right voice.
    """
    if image.is_decorative:
        return "", ""
    text = translated_text(image, "alt_text")
    return text.text, text.lang if text.is_fallback else ""


@dataclass(frozen=True)
class SocialImage:
    url: str
    width: int
    height: int
    alt: str


def social_image(image) -> SocialImage:
    """The image for link previews and structured data, at an absolute address."""
    width = min(SOCIAL_WIDTH, image.width)
    url = rendition(image, width, fallback_format(image)).url
    if not url.startswith(("http://", "https://")):
        url = settings.SITE_URL + url
    return SocialImage(url, width, height_at(image, width), alternative_text(image)[0])
