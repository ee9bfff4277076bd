"""Test data helpers: `make_<model>(**overrides)` returns a saved, published record."""

from datetime import date
from io import BytesIO
from itertools import count

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PillowImage

from clusters.models import (
    Cluster,
    ClusterItem,
    Coordinator,
    MembershipSnapshot,
    Organisation,
    Page,
    Project,
    Report,
)
from cms.documents import Document
from cms.images import Image, checked_image
from contacts.models import AccessibilityStatement, Team, TeamMember, Unit
from ecosystems.models import Highland
from tests import sample_files

_sequence = count(1)


def make_highland(**overrides) -> Highland:
    n = next(_sequence)
    values = {
        "key": f"highland-{n}",
        "name_pl": f"Wyżyna {n}",
        "name_en": f"Highland {n}",
        "slug_pl": f"wyzyna-{n}",
        "slug_en": f"highland-{n}",
        "is_published": True,
        "order": n,
    }
    return Highland.objects.create(**values | overrides)


def make_coordinator(**overrides) -> Coordinator:
    n = next(_sequence)
    values = {
        "key": f"coordinator-{n}",
        "name_pl": f"Koordynator {n}",
        "name_en": f"Coordinator {n}",
    }
    return Coordinator.objects.create(**values | overrides)


def make_cluster(*, highlands=(), coordinators=(), **overrides) -> Cluster:
    n = next(_sequence)
    values = {
        "key": f"cluster-{n}",
        "name_pl": f"Klaster {n}",
        "name_en": f"Cluster {n}",
        "slug_pl": f"klaster-{n}",
        "slug_en": f"cluster-{n}",
        "year_established": 2010,
        "is_published": True,
    }
    cluster = Cluster.objects.create(**values | overrides)
    cluster.highlands.set(highlands)
    if coordinators:
        cluster.coordinators.set(coordinators)
        cluster.save()
    return cluster


def make_snapshot(cluster: Cluster, **overrides) -> MembershipSnapshot:
    """A snapshot, with the cluster's current figures refreshed as the admin does."""
    values = {"year": 2024, "members": 10, "enterprises": 8}
    snapshot = MembershipSnapshot.objects.create(cluster=cluster, **values | overrides)
    Cluster.objects.filter(pk=cluster.pk).refresh_current_figures()
    return snapshot


def make_team_member(**overrides) -> TeamMember:
    n = next(_sequence)
    team = overrides.pop("team", None)
    if team is None:
        unit = Unit.objects.create(key=f"unit-{n}", name_pl=f"Referat {n}")
        team = Team.objects.create(key=f"team-{n}", unit=unit, name_pl=f"Zespół {n}")
    values = {
        "name": f"Osoba {n}",
        "position_pl": "Specjalista",
        "phone": "81 466 25 05",
    }
    return TeamMember.objects.create(team=team, **values | overrides)


def make_page(**overrides) -> Page:
    n = next(_sequence)
    values = {
        "key": f"page-{n}",
        "title_pl": f"Strona {n}",
        "title_en": f"Page {n}",
        "slug_pl": f"strona-{n}",
        "slug_en": f"page-{n}",
        "is_published": True,
    }
    return Page.objects.create(**values | overrides)


def make_organisation(**overrides) -> Organisation:
    n = next(_sequence)
    values = {"name": f"Organizacja {n} sp. z o.o.", "kind": "enterprise"}
    return Organisation.objects.create(**values | overrides)


def make_item(cluster: Cluster, **overrides) -> ClusterItem:
    n = next(_sequence)
    values = {"kind": "goal", "text_pl": f"Cel {n}", "text_en": f"Goal {n}", "order": n}
    return ClusterItem.objects.create(cluster=cluster, **values | overrides)


def make_project(cluster: Cluster, **overrides) -> Project:
    n = next(_sequence)
    values = {"title_pl": f"Projekt {n}", "title_en": f"Project {n}", "order": n}
    return Project.objects.create(cluster=cluster, **values | overrides)


def make_report(**overrides) -> Report:
    n = next(_sequence)
    values = {
        "key": f"report-{n}",
        "title_pl": f"Raport {n}",
        "source_pl": "PARP",
        "url": f"https://example.org/raport-{n}.pdf",
        "year": 2015,
        "order": n,
    }
    return Report.objects.create(**values | overrides)


def make_statement(**overrides) -> AccessibilityStatement:
    """A published statement with everything its template requires; its contact
    point a team with an e-mail, unless one is given."""
    n = next(_sequence)
    if "contact_team" not in overrides:
        overrides["contact_team"] = make_team_member(email=f"osoba{n}@lublin.eu").team
    values = {
        "key": f"statement-{n}",
        "entity_pl": "Urząd Miasta Lublin",
        "entity_en": "Lublin City Office",
        "site_name_pl": "Klastry w Lublinie",
        "site_name_en": "Clusters in Lublin",
        "status": "partially",
        "non_accessible_content_pl": "<p>Niektóre dokumenty PDF.</p>",
        "non_accessible_content_en": "<p>Some PDF documents.</p>",
        "prepared_on": date(2026, 1, 10),
        "published_on": date(2026, 1, 15),
        "updated_on": date(2026, 2, 1),
        "procedure_pl": "<p>Wniosek można złożyć.</p>",
        "procedure_en": "<p>A request may be made.</p>",
        "architecture_pl": "<p>Budynek ma windę.</p>",
        "architecture_en": "<p>The building has a lift.</p>",
        "mobile_apps_pl": "<p>Urząd nie ma aplikacji mobilnych.</p>",
        "mobile_apps_en": "<p>The office has no mobile applications.</p>",
        "is_published": True,
    }
    return AccessibilityStatement.objects.create(**values | overrides)


def make_document(
    content: bytes | None = None, name: str = "", **overrides
) -> Document:
    """A document uploaded as staff upload one: its type and size read from it."""
    n = next(_sequence)
    document = Document(
        **{"title": f"Raport {n}", "language": "pl"} | overrides,
        file=SimpleUploadedFile(
            name or f"raport-{n}.pdf",
            sample_files.pdf() if content is None else content,
        ),
    )
    document.full_clean()
    document.save()
    return document


def image_bytes(
    size=(800, 600), format="JPEG", mode="RGB", color=(180, 40, 40), **save
) -> bytes:
    """A real picture made by Pillow; `save` options go to its encoder (exif=...)."""
    buffer = BytesIO()
    PillowImage.new(mode, size, color).save(buffer, format, **save)
    return buffer.getvalue()


def make_image(*, size=(800, 600), format="JPEG", mode="RGB", **overrides) -> Image:
    """A library image, stored as an upload through the admin would be; `file` may
    be a `checked_image` of other content."""
    n = next(_sequence)
    color = (n * 37 % 256, 90, 200) + ((128,) if mode == "RGBA" else ())
    checked = overrides.pop("file", None) or checked_image(
        SimpleUploadedFile(
            f"picture-{n}.{format.lower()}", image_bytes(size, format, mode, color)
        )
    )
    values = {
        "title": f"Obraz {n}",
        "alt_text_pl": f"Opis obrazu {n}",
        "alt_text_en": f"Description of image {n}",
        "has_transparency": checked.has_transparency,
    }
    return Image.objects.create(file=checked, **values | overrides)
