"""The image library (issue 18): uploads checked and stripped, alt text required,
renditions instead of originals, images kept by the records that use them."""

import json
import re
import struct
import zlib
from http import HTTPStatus
from io import BytesIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import translation
from PIL import Image as PillowImage
from PIL import ImageCms

from cms import revisions
from cms.images import Image, checked_image
from cms.renditions import PRESETS, Rendition, picture, social_image
from tests.admin_forms import change_url, open_form
from tests.factories import (
    image_bytes,
    make_cluster,
    make_coordinator,
    make_highland,
    make_image,
    make_team_member,
)

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
CAMERA_MODEL = 0x0110
ORIENTATION = 0x0112


@pytest.fixture(autouse=True)
def polish():
    """Polish pages, whatever an earlier test left active."""
    with translation.override("pl"):
        yield


def upload(content: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refusal(content: bytes, name: str = "photo.jpg") -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        checked_image(upload(content, name))
    return refused.value


def png_declaring(width: int, height: int) -> bytes:
    """A 1×1 PNG whose header claims another size: a decompression bomb, tiny on disk."""
    data = bytearray(image_bytes((1, 1), "PNG"))
    # The IHDR chunk: its type at 12, width and height at 16, its CRC at 29.
    struct.pack_into(">II", data, 16, width, height)
    struct.pack_into(">I", data, 29, zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def stored(image: Image) -> PillowImage.Image:
    with default_storage.open(image.file.name) as file:
        opened = PillowImage.open(BytesIO(file.read()))
        opened.load()
        return opened


# Upload checks: each refusal says what is wrong


def test_a_text_file_renamed_jpg_is_refused_as_not_an_image():
    error = refusal(b"Quarterly report\n" * 50, "report.jpg")
    assert error.code == "not_an_image"
    assert "WebP" in error.messages[0]


def test_an_svg_with_a_script_is_refused_saying_to_upload_png():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for name in ("logo.svg", "logo.png"):  # refused by its content, not its name
        error = refusal(svg, name)
        assert error.code == "svg"
        assert "PNG" in error.messages[0]


def test_a_png_declaring_30000_by_30000_pixels_is_refused_as_a_bomb():
    content = png_declaring(30_000, 30_000)
    assert len(content) < 100
    error = refusal(content, "tiny.png")
    assert error.code == "too_many_pixels"
    assert "40" in error.messages[0]


def test_pixels_over_the_limit_are_refused_from_the_header_before_decoding():
    # 49 megapixels: under Pillow's own limit, over ours. The data is a single pixel,
    # so decoding would fail as "damaged": the refusal came first, from the header.
    error = refusal(png_declaring(7_000, 7_000), "large.png")
    assert error.code == "too_many_pixels"


def test_the_pixel_limit_is_a_setting(settings):
    settings.IMAGE_UPLOAD_MAX_PIXELS = 100 * 100
    assert refusal(image_bytes((101, 100))).code == "too_many_pixels"
    assert checked_image(upload(image_bytes((100, 100))))


def test_a_file_over_the_byte_limit_is_refused_naming_both_sizes(settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 1_000
    error = refusal(image_bytes() + b"\0" * 2_000)
    assert error.code == "too_large"
    assert "1000" in error.messages[0].replace("\xa0", "")


def test_formats_other_than_jpeg_png_and_webp_are_refused():
    for format in ("GIF", "BMP", "TIFF"):
        error = refusal(image_bytes((20, 20), format), f"picture.{format.lower()}")
        assert error.code == "format"
        assert format in error.messages[0]


def test_a_truncated_image_is_refused_as_damaged():
    content = image_bytes((400, 300), "JPEG")
    error = refusal(content[: len(content) // 2])
    assert error.code == "damaged"


@pytest.mark.parametrize("format", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_are_accepted_and_kept_in_their_format(format):
    checked = checked_image(upload(image_bytes((30, 20), format), "a.bin"))
    assert PillowImage.open(checked).format == format
    assert checked.name.endswith(
        {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}[format]
    )


# What is stored: drawn again, without metadata


def camera_exif() -> PillowImage.Exif:
    exif = PillowImage.Exif()
    exif[CAMERA_MODEL] = "Secret Camera 3000"
    exif[GPS_IFD] = {1: "N", 2: (51.0, 14.0, 52.0), 3: "E", 4: (22.0, 34.0, 6.0)}
    return exif


def test_exif_location_and_camera_are_stripped():
    exif = camera_exif()
    original = image_bytes((64, 48), "JPEG", exif=exif.tobytes())
    assert PillowImage.open(BytesIO(original)).getexif().get_ifd(GPS_IFD)  # in it

    image = make_image(file=checked_image(upload(original)))

    with default_storage.open(image.file.name) as file:
        raw = file.read()
    assert b"Secret Camera" not in raw
    assert b"Exif" not in raw
    kept = PillowImage.open(BytesIO(raw))
    assert dict(kept.getexif()) == {}
    assert kept.getexif().get_ifd(GPS_IFD) == {}


def test_xmp_comments_and_colour_profiles_are_not_kept():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = image_bytes(
        (64, 48),
        "JPEG",
        comment=b"shot at home",
        icc_profile=profile,
        xmp=b"<x:xmpmeta>Jan Kowalski</x:xmpmeta>",
    )
    kept = PillowImage.open(checked_image(upload(original)))
    assert not {"comment", "icc_profile", "xmp"} & kept.info.keys()
    assert b"Jan Kowalski" not in checked_image(upload(original)).read()


def test_the_exif_orientation_is_applied_before_it_is_removed():
    exif = PillowImage.Exif()
    exif[ORIENTATION] = 6  # the camera was turned: shown rotated by 90°
    original = image_bytes((40, 20), "JPEG", exif=exif.tobytes())

    image = make_image(file=checked_image(upload(original)))

    assert (image.width, image.height) == (20, 40)
    assert stored(image).size == (20, 40)


def test_the_stored_name_is_new_for_new_content_and_records_size_and_bytes():
    first = make_image(size=(300, 200))
    second = make_image(size=(300, 200))  # another colour: other content
    assert first.file.name.startswith("images/")
    assert first.file.name != second.file.name
    assert (first.width, first.height) == (300, 200)
    assert first.file_size == default_storage.size(first.file.name)


def test_transparency_is_kept_and_an_unused_alpha_channel_dropped():
    see_through = make_image(format="PNG", mode="RGBA")
    assert see_through.has_transparency
    assert stored(see_through).mode == "RGBA"
    opaque = image_bytes((20, 20), "PNG", mode="RGBA", color=(10, 20, 30, 255))
    checked = checked_image(upload(opaque, "opaque.png"))
    assert not checked.has_transparency
    assert PillowImage.open(checked).mode == "RGB"


# Alt text: in both languages, or the image is decorative


def test_the_database_refuses_an_image_without_alt_text_unless_decorative():
    file = checked_image(upload(image_bytes()))
    with pytest.raises(IntegrityError), transaction.atomic():
        Image.objects.create(title="x", file=file, alt_text_pl="Logo", alt_text_en="")
    assert Image.objects.create(title="x", file=file, is_decorative=True).pk


# The admin, as an editor


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def add_image(client, content: bytes, name: str = "logo.png", **fields):
    values = {
        "title": "Logo klastra",
        "alt_text_pl": "Logo Klastra Testowego",
        "alt_text_en": "Logo of the Test Cluster",
        "credit": "",
    } | fields
    return client.post(
        reverse("admin:cms_image_add"), {**values, "file": upload(content, name)}
    )


def test_editors_may_add_and_change_images_but_not_delete_them(editor):
    assert editor.has_perms(["cms.add_image", "cms.change_image", "cms.view_image"])
    assert not editor.has_perm("cms.delete_image")


def test_an_editor_uploads_an_image_in_the_admin_stripped_of_its_location(
    editor_client,
):
    original = image_bytes((640, 480), "JPEG", exif=camera_exif().tobytes())

    response = add_image(editor_client, original, "photo.jpg")

    assert response.status_code == HTTPStatus.FOUND
    image = Image.objects.get()
    assert image.alt_text_en == "Logo of the Test Cluster"
    assert (image.width, image.height) == (640, 480)
    assert dict(stored(image).getexif()) == {}


def test_the_admin_refuses_an_svg_in_polish_keeping_what_was_typed(editor_client):
    svg = b'<?xml version="1.0"?><svg><script>alert(1)</script></svg>'
    response = add_image(editor_client, svg, "logo.svg")

    assert response.status_code == HTTPStatus.OK
    form = response.context["adminform"].form
    assert form.errors.as_data()["file"][0].code == "svg"
    assert "Rysunki SVG nie są przyjmowane" in response.content.decode()
    assert form["alt_text_en"].value() == "Logo of the Test Cluster"
    assert not Image.objects.exists()


def test_the_admin_asks_for_alt_text_in_each_language_or_decorative(editor_client):
    response = add_image(editor_client, image_bytes(), alt_text_en="")

    assert response.status_code == HTTPStatus.OK
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["alt_text_en"]
    assert not Image.objects.exists()

    response = add_image(
        editor_client, image_bytes(), alt_text_pl="", alt_text_en="", is_decorative="on"
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Image.objects.get().is_decorative


def test_the_image_list_shows_renditions_and_never_the_original(editor_client):
    image = make_image()
    response = editor_client.get(reverse("admin:cms_image_changelist"))
    html = response.content.decode()
    assert "<picture" in html
    assert image.file.url not in html


def test_the_change_page_says_which_records_use_the_image(editor_client):
    image = make_image()
    cluster = make_cluster(name_pl="Klaster Logo", logo=image)
    member = make_team_member(name="Anna Nowak", photo=image)

    response = editor_client.get(reverse("admin:cms_image_change", args=[image.pk]))

    html = response.content.decode()
    assert reverse("admin:clusters_cluster_change", args=[cluster.pk]) in html
    # A team member is edited in its team's form: the link goes there.
    assert reverse("admin:contacts_team_change", args=[member.team.pk]) in html
    assert "Anna Nowak" in html


def test_a_cluster_form_picks_a_logo_from_the_library_and_previews_it(
    editor_client,
):
    image = make_image()
    cluster = make_cluster(logo=image)
    response = editor_client.get(
        reverse("admin:clusters_cluster_change", args=[cluster.pk])
    )
    html = response.content.decode()
    assert 'name="logo"' in html
    assert reverse("admin:cms_image_add") in html  # the "+" that adds one
    assert "picture-thumbnail" in html
    assert image.file.url not in html


# Used images are kept


def test_an_image_in_use_cannot_be_deleted_and_the_admin_says_where(admin_client):
    image = make_image(title="Logo w użyciu")
    make_cluster(name_pl="Klaster Chroniony", logo=image)
    with pytest.raises(ProtectedError):
        image.delete()

    url = reverse("admin:cms_image_delete", args=[image.pk])
    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == HTTPStatus.OK
    assert "Klaster Chroniony" in response.content.decode()
    assert Image.objects.filter(pk=image.pk).exists()


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (make_cluster, "logo"),
        (make_coordinator, "logo"),
        (make_highland, "image"),
        (make_team_member, "photo"),
    ],
)
def test_every_record_that_shows_an_image_protects_it(factory, field):
    image = make_image()
    factory(**{field: image})
    with pytest.raises(ProtectedError):
        image.delete()


def test_an_editors_new_logo_is_a_draft_shown_in_the_preview_only(
    editor_client, editor
):
    logo = make_image(alt_text_pl="Nowe logo")
    cluster = make_cluster()
    revisions.ensure_live_revision(cluster)
    values = open_form(editor_client, cluster) | {"logo": [str(logo.pk)]}

    response = editor_client.post(change_url(cluster), values)

    assert response.status_code == HTTPStatus.FOUND
    draft = revisions.draft_of(type(cluster), cluster.pk)
    assert draft.content["fields"]["logo"] == logo.pk
    cluster.refresh_from_db()
    assert cluster.logo is None
    assert (
        'alt="Nowe logo"'
        not in editor_client.get(cluster.get_absolute_url()).content.decode()
    )
    preview = reverse("admin:clusters_cluster_preview", args=[cluster.pk, "pl"])
    assert 'alt="Nowe logo"' in editor_client.get(preview).content.decode()
    # The form opens on the draft, its preview showing the logo chosen.
    form = editor_client.get(change_url(cluster)).content.decode()
    assert 'alt="Nowe logo"' in form


def test_a_revision_keeps_the_logo_and_a_restore_brings_it_back():
    first, second = make_image(), make_image()
    cluster = make_cluster(logo=first)
    revisions.ensure_live_revision(cluster)
    kept = revisions.latest(type(cluster), cluster.pk)
    assert kept.content["fields"]["logo"] == first.pk

    cluster.logo = second
    cluster.save()
    revisions.restore(type(cluster), kept.content)

    cluster.refresh_from_db()
    assert cluster.logo == first


# Renditions


def srcset_widths(srcset: str) -> list[int]:
    return [int(width) for width in re.findall(r" (\d+)w", srcset)]


def test_renditions_come_in_several_widths_webp_and_a_jpeg_fallback():
    image = make_image(size=(2000, 1500))
    shown = picture(image, "picture")

    assert srcset_widths(shown.webp_srcset) == list(PRESETS["picture"].widths)
    assert srcset_widths(shown.srcset) == list(PRESETS["picture"].widths)
    assert (shown.width, shown.height) == (1440, 1080)
    webp = shown.webp_srcset.split()[0].removeprefix("/media/")
    jpeg = shown.srcset.split()[0].removeprefix("/media/")
    assert webp.startswith("renditions/") and jpeg.startswith("renditions/")
    with default_storage.open(webp) as file:
        assert PillowImage.open(file).format == "WEBP"
    with default_storage.open(jpeg) as file:
        rendition = PillowImage.open(file)
        assert (rendition.format, rendition.size) == ("JPEG", (360, 270))


def test_no_rendition_is_wider_than_the_original():
    image = make_image(size=(500, 250))
    assert srcset_widths(picture(image, "picture").srcset) == [360, 500]
    assert srcset_widths(picture(image, "logo").srcset) == [240, 480, 500]
    assert social_image(image).width == 500


def test_a_logo_is_offered_at_its_shown_size_for_one_two_and_three_x_screens():
    shown = picture(make_image(size=(1000, 1000)), "logo")
    assert (shown.width, shown.height, shown.sizes) == (120, 120, "120px")
    assert srcset_widths(shown.srcset) == [120, 240, 360]


def test_an_image_with_transparency_falls_back_to_png():
    shown = picture(make_image(format="PNG", mode="RGBA"), "logo")
    fallback = shown.srcset.split()[0].removeprefix("/media/")
    with default_storage.open(fallback) as file:
        rendition = PillowImage.open(file)
        assert (rendition.format, rendition.mode) == ("PNG", "RGBA")


def test_a_rendition_is_made_once(monkeypatch):
    image = make_image()
    picture(image, "logo")
    made = []
    generate = Rendition.generate
    monkeypatch.setattr(
        Rendition, "generate", lambda spec: made.append(spec) or generate(spec)
    )

    picture(image, "logo")

    assert made == []


def test_a_new_file_gets_new_rendition_names():
    image = make_image(size=(800, 600))
    before = picture(image, "picture").srcset
    image.file = checked_image(upload(image_bytes((800, 600), color=(1, 2, 3))))
    image.save()
    after = picture(image, "picture").srcset
    assert set(before.split(", ")).isdisjoint(after.split(", "))


def test_a_390_px_phone_is_offered_a_small_file_at_any_density():
    """What a browser picks from `sizes` at 390 CSS px (a text column 358 px wide):
    the smallest rendition at least as wide as it needs."""
    image = make_image(size=(4000, 3000))
    widths = srcset_widths(picture(image, "picture").srcset)
    for density in (1, 2, 3):
        needed = (390 - 32) * density
        chosen = min(width for width in widths if width >= needed)
        assert chosen < 1.1 * needed
    assert max(widths) < image.width


# Public pages


def test_the_cluster_page_shows_logos_as_renditions_never_the_original(client):
    logo, coordinator_logo = make_image(size=(1200, 600)), make_image()
    cluster = make_cluster(
        logo=logo, coordinators=[make_coordinator(logo=coordinator_logo)]
    )

    html = client.get(cluster.get_absolute_url()).content.decode()

    assert html.count("<picture") == 2
    assert '<source type="image/webp"' in html
    assert 'width="240" height="120" alt="Opis obrazu' in html
    for image in (logo, coordinator_logo):
        assert image.file.url not in html
    assert "/media/images/" not in html


def test_alt_text_is_in_the_pages_language_and_empty_for_decorative_images(client):
    cluster = make_cluster(
        logo=make_image(alt_text_pl="Logo po polsku", alt_text_en="Logo in English")
    )
    with translation.override("en"):
        english = client.get(cluster.get_absolute_url()).content.decode()
    assert 'alt="Logo in English"' in english

    highland = make_highland(image=make_image(is_decorative=True))
    html = client.get(highland.get_absolute_url()).content.decode()
    assert 'alt=""' in html


def test_highland_page_cards_and_team_show_their_pictures(client):
    highland = make_highland(image=make_image(credit="Jan Kowalski"))
    member = make_team_member(photo=make_image(size=(300, 400)))

    page = client.get(highland.get_absolute_url()).content.decode()
    cards = client.get(reverse("ecosystems:list")).content.decode()
    home = client.get(reverse("home")).content.decode()
    team = client.get(reverse("contacts:team")).content.decode()

    assert "picture-picture" in page and "Jan Kowalski" in page
    assert "picture-card" in cards and "picture-card" in home
    assert 'class="picture picture-photo"' in team
    assert 'width="96" height="128"' in team
    assert member.photo.file.url not in team


def meta(html: str, name: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{name}" content="([^"]*)"', html)
    return found.group(1) if found else ""


def json_ld(html: str) -> dict:
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block.group(1))


def test_link_previews_and_structured_data_use_the_logo(client, settings):
    settings.SITE_URL = "https://klastry.lublin.eu"
    cluster = make_cluster(logo=make_image(size=(1600, 800)))

    html = client.get(cluster.get_absolute_url()).content.decode()

    image = meta(html, "og:image")
    assert image.startswith("https://klastry.lublin.eu/media/renditions/")
    assert (meta(html, "og:image:width"), meta(html, "og:image:height")) == (
        "1200",
        "600",
    )
    assert meta(html, "og:image:alt").startswith("Opis obrazu")
    assert meta(html, "twitter:card") == "summary_large_image"
    organization = next(
        node for node in json_ld(html)["@graph"] if node["@type"] == "Organization"
    )
    assert organization["logo"]["url"] == image
    assert organization["logo"]["width"] == 1200


def test_a_page_without_an_image_keeps_the_small_card(client):
    html = client.get(make_cluster().get_absolute_url()).content.decode()
    assert meta(html, "twitter:card") == "summary"
    assert "og:image" not in html


def test_the_highland_structured_data_has_its_image(client):
    highland = make_highland(image=make_image(credit="Urząd Miasta Lublin"))
    html = client.get(highland.get_absolute_url()).content.decode()
    node = next(
        node for node in json_ld(html)["@graph"] if node["@type"] == "Organization"
    )
    assert node["image"]["@type"] == "ImageObject"
    assert node["image"]["creditText"] == "Urząd Miasta Lublin"
    assert meta(html, "og:image") == node["image"]["url"]


@pytest.mark.django_db(transaction=True)  # pages are only cached once committed
def test_a_cached_page_shows_the_new_alt_text_once_the_image_is_edited(
    client, settings, tmp_path
):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": tmp_path / "cache",
        },
    }
    image = make_image(alt_text_pl="Stary opis")
    with translation.override("pl"):
        url = make_cluster(logo=image).get_absolute_url()
    assert 'alt="Stary opis"' in client.get(url).content.decode()
    # A change that tells no one (no signal): the page comes from the cache.
    Image.objects.filter(pk=image.pk).update(alt_text_pl="Niewidoczny")
    assert 'alt="Stary opis"' in client.get(url).content.decode()

    image.alt_text_pl = "Nowy opis"
    image.save()

    assert 'alt="Nowy opis"' in client.get(url).content.decode()


# Files go with their image


def stored_files(storage_root) -> set[str]:
    return {
        str(path.relative_to(storage_root))
        for path in storage_root.rglob("*")
        if path.is_file()
    }


def test_a_deleted_image_takes_its_original_and_renditions_with_it(
    admin_client, settings, django_capture_on_commit_callbacks
):
    image = make_image(title="Zdjęcie do usunięcia")
    picture(image, "picture")  # its renditions made, as a page view makes them
    root = Path(settings.MEDIA_ROOT)
    own = {name for name in stored_files(root) if Path(image.file.name).stem in name}
    assert image.file.name in own and len(own) > 2

    url = reverse("admin:cms_image_delete", args=[image.pk])
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {"post": "yes"})

    assert not Image.objects.filter(pk=image.pk).exists()
    assert own.isdisjoint(stored_files(root))


def test_a_replaced_file_takes_the_old_original_and_renditions_with_it(
    admin_client, settings, django_capture_on_commit_callbacks
):
    image = make_image(title="Zdjęcie do wymiany")
    picture(image, "logo")
    root = Path(settings.MEDIA_ROOT)
    old = {name for name in stored_files(root) if Path(image.file.name).stem in name}
    url = reverse("admin:cms_image_change", args=[image.pk])
    values = {
        "title": image.title,
        "alt_text_pl": image.alt_text_pl,
        "alt_text_en": image.alt_text_en,
        "credit": "",
        "file": upload(image_bytes((640, 480), color=(9, 9, 9))),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, values)

    assert response.status_code == HTTPStatus.FOUND
    image.refresh_from_db()
    assert old.isdisjoint(stored_files(root))
    assert image.file.name in stored_files(root)


def test_a_phones_photo_with_extra_frames_is_kept_as_a_jpeg():
    """Phones save JPEGs with a depth or gain map as a second frame (MPO)."""
    buffer = BytesIO()
    first = PillowImage.new("RGB", (400, 300), (200, 30, 30))
    first.save(
        buffer, "MPO", save_all=True, append_images=[PillowImage.new("RGB", (400, 300))]
    )
    assert PillowImage.open(BytesIO(buffer.getvalue())).format == "MPO"
    checked = checked_image(upload(buffer.getvalue(), "telefon.jpg"))
    assert checked.name.endswith(".jpg")
    assert PillowImage.open(checked).format == "JPEG"


def test_a_very_large_picture_is_stored_at_most_3000_px_on_its_longer_side():
    checked = checked_image(upload(image_bytes((4000, 2000), "PNG"), "duze.png"))
    assert PillowImage.open(checked).size == (3000, 1500)
