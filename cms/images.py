"""The image library: pictures staff upload once and pick for any record (a cluster's
logo, a Highland's picture, a team member's photo).

An upload is checked before anything is stored (`checked_image`): within the byte and
pixel limits, read from its header before it is decoded; a real JPEG, PNG or WebP,
verified and decoded whole by Pillow; SVG refused, since it may carry scripts. What is
stored is not the file sent but the picture drawn again: turned upright by its EXIF
orientation, converted to sRGB, and saved afresh without EXIF (GPS location, camera),
XMP, comments or colour profiles. Visitors are only ever sent renditions
(cms/renditions.py), never the stored original.
"""

import hashlib
import warnings
from io import BytesIO

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image as PillowImage
from PIL import ImageCms, ImageOps, UnidentifiedImageError

# The formats accepted, each stored as it came: {Pillow's name: extension}. GIF is
# left out: its 256 colours suit neither photos nor logos, which PNG keeps better.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ENCODING = {
    "JPEG": {"quality": 90, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 90, "method": 4},
}
SRGB = ImageCms.createProfile("sRGB")
# The help under every field that picks an image.
CHOSEN_FROM_LIBRARY = _("Chosen from the image library, or added to it with “+”.")
ACCEPTED_TYPES = "image/jpeg,image/png,image/webp"
# The longer side of a stored original, twice the widest rendition.
MAX_STORED_SIDE = 3000
ALT_TEXT_MISSING = _(
    "Describe the image in this language for people who cannot see it, or tick "
    "“decorative” if it adds nothing to the text beside it."
)


def image_field(verbose_name, related_name: str) -> models.ForeignKey:
    """An optional image of a record, picked from the library (a logo, a photo): an
    image in use cannot be deleted."""
    return models.ForeignKey(
        "cms.Image",
        verbose_name=verbose_name,
        related_name=related_name,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=CHOSEN_FROM_LIBRARY,
    )


class Image(models.Model):
    """A picture of the library, with what it shows in words (its alt text)."""

    is_shared_content = True

    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("How staff find the image in the library; visitors never see it."),
    )
    file = models.ImageField(
        _("file"),
        upload_to="images/",
        width_field="width",
        height_field="height",
        max_length=200,
        help_text=_(
            "A JPEG, PNG or WebP picture; location and camera data are removed."
        ),
    )
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    file_size = models.PositiveIntegerField(
        _("size in bytes"), editable=False, default=0
    )
    has_transparency = models.BooleanField(
        _("has transparent parts"), editable=False, default=False
    )
    alt_text = models.CharField(
        _("alternative text"),
        max_length=300,
        blank=True,
        help_text=_(
            "What the image shows, in one sentence, for people who cannot see it; "
            "for a logo, the organisation's name."
        ),
    )
    is_decorative = models.BooleanField(
        _("decorative"),
        default=False,
        help_text=_(
            "Tick only when the image adds nothing to the text beside it: screen "
            "readers then skip it."
        ),
    )
    credit = models.CharField(
        _("credit"),
        max_length=200,
        blank=True,
        help_text=_("The author or source, when it must be named, e.g. Jan Kowalski."),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("image")
        verbose_name_plural = _("images")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_decorative=True)
                | Q(
                    *(
                        Q(**{f"alt_text_{code}__gt": ""})
                        for code, _name in settings.LANGUAGES
                    )
                ),
                name="image_alt_text_or_decorative",
                violation_error_message=_(
                    "An image needs its alternative text in every language, unless "
                    "it is marked decorative."
                ),
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.file:
            self.file_size = self.file.size
        super().save(*args, **kwargs)


class CheckedImage(ContentFile):
    """An upload that passed the checks, drawn again and ready to be stored."""

    def __init__(self, content: bytes, name: str, has_transparency: bool):
        super().__init__(content, name=name)
        self.has_transparency = has_transparency


def checked_image(upload) -> CheckedImage:
    """The upload as it will be stored, or a ValidationError saying what to do."""
    limit = settings.IMAGE_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _(
                "The file is %(size)s; images may be at most %(limit)s. Save it "
                "smaller (fewer pixels or a lower quality) and upload it again."
            ),
            code="too_large",
            params={
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
        )
    upload.seek(0)
    if looks_like_svg(upload.name or "", upload.read(1024)):
        raise ValidationError(
            _(
                "SVG drawings are not accepted: they can carry scripts. Export the "
                "drawing as PNG (it keeps transparency, e.g. for a logo) and upload "
                "that."
            ),
            code="svg",
        )
    upload.seek(0)
    with warnings.catch_warnings():
        # Pillow only warns below twice its own limit: refused as beyond ours.
        warnings.simplefilter("error", PillowImage.DecompressionBombWarning)
        try:
            image = PillowImage.open(upload)
            check_pixels(image.width * image.height)
            check_format(stored_format(image))
            image.verify()
            # verify() leaves the image unusable: opened again to be decoded whole.
            upload.seek(0)
            image = PillowImage.open(upload)
            image.load()
        except (
            PillowImage.DecompressionBombError,
            PillowImage.DecompressionBombWarning,
        ):
            check_pixels(None)
        except UnidentifiedImageError:
            raise ValidationError(
                _(
                    "The file is not an image this site can read. Upload a JPEG, "
                    "PNG or WebP picture."
                ),
                code="not_an_image",
            ) from None
        except ValidationError:
            raise
        except Exception:  # Pillow raises many kinds for a truncated or damaged file
            raise ValidationError(
                _(
                    "The image is damaged or incomplete. Open it in an image editor, "
                    "save it again as JPEG, PNG or WebP and upload it again."
                ),
                code="damaged",
            ) from None
    return redrawn(image)


def looks_like_svg(name: str, start: bytes) -> bool:
    """An SVG by its name, or a text file starting with markup (SVG is XML)."""
    text = start.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return name.lower().endswith((".svg", ".svgz")) or text.startswith(b"<")


def check_pixels(pixels: int | None) -> None:
    """Refuses an image of more pixels than the limit (`None`: so many that Pillow
    refused to open it)."""
    limit = settings.IMAGE_UPLOAD_MAX_PIXELS
    if pixels is None or pixels > limit:
        raise ValidationError(
            _(
                "The image has too many pixels: at most %(limit)s megapixels are "
                "accepted. Scale it down, e.g. to 4000 pixels on its longer side, "
                "and upload it again."
            ),
            code="too_many_pixels",
            params={"limit": limit // 1_000_000},
        )


def stored_format(image: PillowImage.Image) -> str | None:
    """The format the image is kept in. Phones write JPEGs with extra frames (a
    depth map, an HDR gain map) that Pillow reads as "MPO": the photo is the first
    frame, kept as a JPEG."""
    return "JPEG" if image.format == "MPO" else image.format


def check_format(name: str | None) -> None:
    if name not in FORMATS:
        raise ValidationError(
            _(
                "Images in the %(format)s format are not accepted. Upload a JPEG "
                "(photos), PNG (logos and drawings) or WebP picture."
            ),
            code="format",
            params={"format": name or "?"},
        )


def redrawn(image: PillowImage.Image) -> CheckedImage:
    """The image upright, in sRGB, at most `MAX_STORED_SIDE` px, saved afresh in its
    format with no metadata; named
    by its content, so a changed image gets a new name (and new renditions)."""
    format = stored_format(image)
    upright = ImageOps.exif_transpose(image)
    clean = in_srgb(upright)
    # Pages show at most 1,440 px; more pixels would only make a larger file and a
    # slower upload (a 40-megapixel PNG takes many seconds to encode).
    clean.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE))
    # Nothing of the upload's metadata is passed on: the encoders only write what is
    # in `info` or given to them.
    clean.info = {}
    buffer = BytesIO()
    clean.save(buffer, format, **ENCODING[format])
    content = buffer.getvalue()
    digest = hashlib.sha256(content).hexdigest()[:24]
    return CheckedImage(
        content,
        name=f"{digest}.{FORMATS[format]}",
        has_transparency=clean.mode == "RGBA",
    )


def in_srgb(image: PillowImage.Image) -> PillowImage.Image:
    """RGB, or RGBA when some part is see-through, with colours converted to sRGB
    from the image's own profile (a phone's Display P3, a print CMYK), since the
    profile itself is not kept."""
    see_through = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    mode = "RGBA" if see_through else "RGB"
    profile = image.info.get("icc_profile")
    if profile and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            image = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(BytesIO(profile)),
                SRGB,
                outputMode="RGBA" if image.mode == "RGBA" else "RGB",
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the colours as they are
    if image.mode != mode:
        image = image.convert(mode)
    if mode == "RGBA" and image.getchannel("A").getextrema()[0] == 255:
        image = image.convert("RGB")  # an alpha channel nothing uses
    return image


class ImageUploadField(forms.FileField):
    """A file field that keeps only uploads passing `checked_image`, as redrawn."""

    # No link to the stored original (visitors and staff see renditions only) and no
    # "clear": an image is its file.
    widget = forms.FileInput(attrs={"accept": ACCEPTED_TYPES})

    def to_python(self, data):
        upload = super().to_python(data)
        return None if upload is None else checked_image(upload)


class ImageForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["title", "file", "alt_text", "is_decorative", "credit"]
        field_classes = {"file": ImageUploadField}

    def clean_file(self):
        file = self.cleaned_data["file"]
        if isinstance(file, CheckedImage):
            self.instance.has_transparency = file.has_transparency
        return file

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("is_decorative"):
            for code, _name in settings.LANGUAGES:
                name = f"alt_text_{code}"
                if name in self.fields and not cleaned.get(name):
                    self.add_error(name, ALT_TEXT_MISSING)
        return cleaned
