"""Scheduled publishing: records appear and disappear at the second they are due.

The schedule is checked when a request arrives (`published()` compares with the
current time), so nothing waits for a cron job; cached pages never outlive the next
boundary. Times are set in Europe/Warsaw, across both changes of the clocks in 2026.
"""

from contextlib import contextmanager
from datetime import datetime, timedelta
from http import HTTPStatus
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from clusters.models import Cluster, Page
from cms import caching
from ecosystems.models import Highland
from tests.admin_forms import form_values
from tests.factories import make_cluster, make_highland, make_page

pytestmark = pytest.mark.django_db

WARSAW = ZoneInfo("Europe/Warsaw")
UTC = ZoneInfo("UTC")
SECOND = timedelta(seconds=1)


def warsaw(*parts, fold=0) -> datetime:
    """The instant a Warsaw wall clock shows, in UTC.

    In UTC, because Python adds and subtracts times of one zone on the wall clock:
    03:00 CEST on 2026-03-29 minus one second would be 02:59:59, which never
    happened in Warsaw.
    """
    return datetime(*parts, tzinfo=WARSAW, fold=fold).astimezone(UTC)


@contextmanager
def clock(moment: datetime):
    """Every `timezone.now()` (views, querysets, the page cache) returns `moment`."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture(autouse=True)
def own_cache(settings, request):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }
    cache.clear()


@pytest.fixture
def visitor() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


# Boundaries, each with the moments just before, exactly at and just after it.
# 2026-03-29: at 02:00 CET the clocks go to 03:00 CEST (01:00 UTC).
# 2026-10-25: at 03:00 CEST the clocks go back to 02:00 CET (01:00 UTC); 02:30
# happens twice, and `fold=1` is the second time (CET, 01:30 UTC).
BOUNDARIES = {
    "ordinary day": warsaw(2026, 5, 4, 9, 0),
    "first hour of summer time": warsaw(2026, 3, 29, 3, 0),
    "last second of winter time": warsaw(2026, 3, 29, 1, 59, 59),
    "repeated hour, first time": warsaw(2026, 10, 25, 2, 30, fold=0),
    "repeated hour, second time": warsaw(2026, 10, 25, 2, 30, fold=1),
}


def moments(boundary: datetime) -> dict[str, datetime]:
    return {
        "before": boundary - SECOND,
        "at": boundary,
        "after": boundary + SECOND,
    }


def test_the_dst_boundaries_are_the_instants_they_claim():
    assert BOUNDARIES["first hour of summer time"].hour == 1  # UTC
    assert (
        BOUNDARIES["first hour of summer time"]
        - BOUNDARIES["last second of winter time"]
    ) == SECOND
    fall_first = BOUNDARIES["repeated hour, first time"]
    fall_second = BOUNDARIES["repeated hour, second time"]
    assert fall_second - fall_first == timedelta(hours=1)
    assert fall_first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert fall_second.astimezone(WARSAW).strftime("%H:%M %Z") == "02:30 CET"


@pytest.mark.parametrize("model", [Cluster, Highland, Page])
@pytest.mark.parametrize("boundary", BOUNDARIES.values(), ids=BOUNDARIES.keys())
def test_published_follows_publish_from_and_until(model, boundary):
    make = {Cluster: make_cluster, Highland: make_highland, Page: make_page}[model]
    starting = make(publish_from=boundary)
    ending = make(publish_until=boundary)
    expected = {
        "before": {ending.pk},
        "at": {starting.pk},
        "after": {starting.pk},
    }
    for name, moment in moments(boundary).items():
        shown = set(model.objects.published(at=moment).values_list("pk", flat=True))
        assert shown == expected[name], (name, moment)
        with clock(moment):
            assert set(model.objects.published().values_list("pk", flat=True)) == shown


def test_a_draft_with_a_schedule_stays_hidden():
    boundary = BOUNDARIES["ordinary day"]
    make_cluster(is_published=False, publish_from=boundary - timedelta(days=1))
    assert not Cluster.objects.published(at=boundary).exists()


# What visitors see, on every public surface


def public_surfaces(cluster, highland, page) -> dict[str, tuple[str, str]]:
    """Surface name -> (address, text that shows the scheduled record on it)."""
    surfaces = {}
    for language in ("pl", "en"):
        with translation.override(language):
            surfaces |= {
                f"cluster page {language}": (cluster.get_absolute_url(), ""),
                f"directory {language}": (
                    reverse("clusters:list"),
                    cluster.get_absolute_url(),
                ),
                f"Highland page {language}": (highland.get_absolute_url(), ""),
                f"Highland list {language}": (
                    reverse("ecosystems:list"),
                    highland.get_absolute_url(),
                ),
                f"about page {language}": (reverse("clusters:about"), ""),
            }
    surfaces |= {
        "export JSON": ("/api/v1/clusters.json", f'"key": "{cluster.key}"'),
        "export CSV": ("/api/v1/clusters.csv", f"\r\n{cluster.key},"),
        "Highlands JSON": ("/api/v1/highlands.json", f'"key": "{highland.key}"'),
        "sitemap": ("/sitemap-clusters.xml", cluster.slug_pl),
    }
    return surfaces


def is_shown(response, text: str) -> bool:
    if not text:  # the record's own page
        assert response.status_code in (HTTPStatus.OK, HTTPStatus.NOT_FOUND)
        return response.status_code == HTTPStatus.OK
    assert response.status_code == HTTPStatus.OK
    content = response.getvalue().decode()
    return text in content


@pytest.mark.parametrize(
    "boundary",
    [
        BOUNDARIES["first hour of summer time"],
        BOUNDARIES["repeated hour, second time"],
    ],
    ids=["spring", "autumn"],
)
def test_public_surfaces_show_a_record_from_publish_from(visitor, boundary):
    cluster = make_cluster(key="zaplanowany", publish_from=boundary)
    highland = make_highland(key="zaplanowana", publish_from=boundary)
    page = make_page(key="about-clusters", publish_from=boundary)
    surfaces = public_surfaces(cluster, highland, page)
    for name, moment in moments(boundary).items():
        with clock(moment):
            for surface, (url, text) in surfaces.items():
                shown = is_shown(visitor.get(url), text)
                assert shown == (name != "before"), (surface, name, moment)


@pytest.mark.parametrize(
    "boundary",
    [
        BOUNDARIES["last second of winter time"],
        BOUNDARIES["repeated hour, first time"],
    ],
    ids=["spring", "autumn"],
)
def test_public_surfaces_hide_a_record_from_publish_until(visitor, boundary):
    cluster = make_cluster(key="konczacy-sie", publish_until=boundary)
    highland = make_highland(key="konczaca-sie", publish_until=boundary)
    page = make_page(key="about-clusters", publish_until=boundary)
    surfaces = public_surfaces(cluster, highland, page)
    for name, moment in moments(boundary).items():
        with clock(moment):
            for surface, (url, text) in surfaces.items():
                shown = is_shown(visitor.get(url), text)
                assert shown == (name == "before"), (surface, name, moment)


def test_home_page_introduction_follows_its_schedule(visitor):
    boundary = BOUNDARIES["ordinary day"]
    make_page(
        key="lublin-economic-highlands",
        summary_pl="Wstęp do Wyżyn.",
        publish_from=boundary,
    )
    with clock(boundary - SECOND):
        assert "Wstęp do Wyżyn." not in visitor.get("/pl/").content.decode()
    with clock(boundary):
        assert "Wstęp do Wyżyn." in visitor.get("/pl/").content.decode()


def test_home_page_figures_count_a_cluster_from_publish_from(visitor):
    boundary = BOUNDARIES["ordinary day"]
    make_cluster()
    make_cluster(publish_from=boundary)
    for moment, count in ((boundary - SECOND, 1), (boundary, 2)):
        with clock(moment):
            response = visitor.get("/en/")
        assert response.context["figures"]["clusters"] == count


# Cached pages and the next boundary


@pytest.mark.django_db(transaction=True)
def test_cached_directory_shows_a_cluster_when_it_is_due_without_any_save(
    visitor, django_assert_num_queries
):
    boundary = BOUNDARIES["first hour of summer time"]
    cluster = make_cluster(name_pl="Klaster Zaplanowany", publish_from=boundary)
    url = "/pl/klastry/"
    with clock(boundary - timedelta(seconds=30)):
        first = visitor.get(url)
    assert "Klaster Zaplanowany" not in first.content.decode()
    assert "s-maxage=30" in first["Cache-Control"]
    with clock(boundary - timedelta(seconds=10)), django_assert_num_queries(0):
        cached = visitor.get(url)
    assert cached.content == first.content
    assert "s-maxage=10" in cached["Cache-Control"]
    with clock(boundary):
        due = visitor.get(url)
    assert "Klaster Zaplanowany" in due.content.decode()
    assert visitor.get(cluster.get_absolute_url()).status_code == HTTPStatus.OK


@pytest.mark.django_db(transaction=True)
def test_cached_page_and_export_drop_a_cluster_when_its_time_is_up(visitor):
    boundary = BOUNDARIES["repeated hour, second time"]
    cluster = make_cluster(name_pl="Klaster Kończący", publish_until=boundary)
    with clock(boundary - timedelta(minutes=5)):
        assert visitor.get(cluster.get_absolute_url()).status_code == HTTPStatus.OK
        export = visitor.get("/api/v1/clusters.json")
        assert cluster.key in export.getvalue().decode()
        assert "s-maxage=60" in export["Cache-Control"]
    with clock(boundary - timedelta(seconds=5)):
        assert "s-maxage=5" in visitor.get("/api/v1/clusters.json")["Cache-Control"]
    with clock(boundary):
        assert (
            visitor.get(cluster.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
        )
        export = visitor.get("/api/v1/clusters.json")
        assert cluster.key not in export.getvalue().decode()


@pytest.mark.django_db(transaction=True)
def test_an_entry_that_outlived_its_boundary_is_rendered_afresh(visitor):
    boundary = BOUNDARIES["ordinary day"]
    make_cluster(name_pl="Klaster Później", publish_from=boundary)
    with clock(boundary - SECOND):
        assert "Klaster Później" not in visitor.get("/pl/klastry/").content.decode()
    # The boundary kept beside the version is lost (culled); the entry itself
    # still knows when it goes stale.
    cache.delete(caching._boundary_key())
    with clock(boundary):
        assert "Klaster Później" in visitor.get("/pl/klastry/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_without_a_boundary_ahead_pages_keep_the_normal_lifetime(visitor):
    boundary = BOUNDARIES["ordinary day"]
    make_cluster(publish_from=boundary - timedelta(days=1))
    make_cluster(is_published=False, publish_from=boundary + timedelta(days=1))
    with clock(boundary):
        response = visitor.get("/pl/klastry/")
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=60"


def test_next_boundary_is_the_nearest_future_time_of_a_published_record(
    django_assert_num_queries,
):
    now = BOUNDARIES["ordinary day"]
    make_cluster(publish_from=now - SECOND, publish_until=now + timedelta(hours=5))
    make_highland(publish_from=now + timedelta(hours=3))
    make_page(publish_until=now + timedelta(hours=2))
    make_cluster(is_published=False, publish_from=now + timedelta(hours=1))
    with django_assert_num_queries(1):
        assert caching.next_boundary(now) == now + timedelta(hours=2)
    assert caching.next_boundary(now + timedelta(hours=2)) == now + timedelta(hours=3)
    assert caching.next_boundary(now + timedelta(hours=5)) is None


def test_lifetimes_are_capped_by_the_seconds_to_the_next_boundary():
    assert caching.entry_timeout(None) == caching.ENTRY_TIMEOUT
    assert caching.entry_timeout(10**9) == caching.ENTRY_TIMEOUT
    assert caching.entry_timeout(12.2) == 13
    assert caching.entry_timeout(0.2) == 1
    assert caching.shared_max_age(None) == caching.SHARED_MAX_AGE
    assert caching.shared_max_age(3600) == caching.SHARED_MAX_AGE
    assert caching.shared_max_age(12.8) == 12
    assert caching.shared_max_age(-1) == 0


def test_stored_entry_expires_by_the_boundary(settings):
    stored = {}

    class Recorder:
        def __getattr__(self, name):
            return getattr(cache, name)

        def set_many(self, values, timeout=None):
            stored.update(dict.fromkeys(values, timeout))
            return cache.set_many(values, timeout)

    now = timezone.now()
    make_cluster(publish_from=now + timedelta(seconds=42))
    with (
        mock.patch.object(caching, "cache", Recorder()),
        mock.patch.object(caching, "in_transaction", return_value=False),
    ):
        Client(HTTP_HOST="127.0.0.1").get("/pl/klastry/")
    page_timeouts = [t for key, t in stored.items() if key.startswith("page:")]
    assert page_timeouts and all(0 < t <= 42 for t in page_timeouts)


# Only publishers publish


PUBLICATION_FIELDS = ("is_published", "publish_from", "publish_until")


@pytest.mark.parametrize(
    ("make", "admin_name"),
    [
        (make_cluster, "clusters_cluster"),
        (make_highland, "ecosystems_highland"),
        (make_page, "clusters_page"),
    ],
    ids=["cluster", "Highland", "page"],
)
def test_editors_see_the_schedule_but_cannot_change_it(
    client, editor, make, admin_name
):
    record = make(is_published=False)
    client.force_login(editor)
    url = reverse(f"admin:{admin_name}_change", args=[record.pk])
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    data = form_values(page.content.decode())
    for field in PUBLICATION_FIELDS:
        assert not any(name.startswith(field) for name in data), field
    assert "field-publish_from" in page.content.decode()  # shown, read-only
    data |= {
        "is_published": ["on"],
        "publish_from_0": ["2026-05-04"],
        "publish_from_1": ["09:00:00"],
        "publish_until_0": ["2026-06-04"],
        "publish_until_1": ["09:00:00"],
    }
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    record.refresh_from_db()
    assert (record.is_published, record.publish_from, record.publish_until) == (
        False,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("make", "admin_name"),
    [
        (make_cluster, "clusters_cluster"),
        (make_highland, "ecosystems_highland"),
        (make_page, "clusters_page"),
    ],
    ids=["cluster", "Highland", "page"],
)
def test_publishers_schedule_in_warsaw_time(client, publisher, make, admin_name):
    record = make(is_published=False)
    client.force_login(publisher)
    url = reverse(f"admin:{admin_name}_change", args=[record.pk])
    data = form_values(client.get(url).content.decode())
    data |= {
        "is_published": ["on"],
        "publish_from_0": ["2026-03-29"],
        "publish_from_1": ["03:00:00"],
        "publish_until_0": ["2026-10-25"],
        "publish_until_1": ["01:59:00"],
    }
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    record.refresh_from_db()
    assert record.is_published
    assert record.publish_from == warsaw(2026, 3, 29, 3, 0)
    assert record.publish_until == warsaw(2026, 10, 25, 1, 59)


CLOCK_CHANGE_MESSAGES = {
    "skipped hour": (
        "Godzina 02:30 nie istnieje 29 marca 2026: tej nocy zegary przesunięto o "
        "godzinę do przodu (początek czasu letniego). Wpisz 03:30 (to ta sama "
        "chwila) albo inną godzinę."
    ),
    "repeated hour": (
        "Godzina 02:30 występuje 25 października 2026 dwa razy: tej nocy zegary "
        "cofnięto o godzinę (koniec czasu letniego). Wpisz godzinę, która występuje "
        "raz, np. 01:30 albo 03:30."
    ),
}


@pytest.mark.parametrize(
    ("date", "time", "case"),
    [
        ("2026-03-29", "02:30:00", "skipped hour"),
        ("2026-10-25", "02:30:00", "repeated hour"),
    ],
    ids=["skipped hour", "repeated hour"],
)
def test_admin_refuses_a_time_that_does_not_exist_or_happens_twice(
    client, publisher, date, time, case
):
    cluster = make_cluster(is_published=False)
    client.force_login(publisher)
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    data = form_values(client.get(url).content.decode())
    data |= {"publish_from_0": [date], "publish_from_1": [time]}
    response = client.post(url, data, headers={"accept-language": "pl"})
    assert response.status_code == HTTPStatus.OK
    errors = response.context["adminform"].form.errors
    # Which case it is and what to type instead, in Polish, not Django's ISO time.
    assert errors["publish_from"] == [CLOCK_CHANGE_MESSAGES[case]]
    assert date in data["publish_from_0"]
    assert date in response.content.decode()  # what was typed is kept
    cluster.refresh_from_db()
    assert cluster.publish_from is None


def test_admin_refuses_an_end_before_the_start(client, publisher):
    cluster = make_cluster()
    client.force_login(publisher)
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    data = form_values(client.get(url).content.decode())
    data |= {
        "publish_from_0": ["2026-06-01"],
        "publish_from_1": ["12:00:00"],
        "publish_until_0": ["2026-06-01"],
        "publish_until_1": ["11:00:00"],
    }
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    cluster.refresh_from_db()
    assert cluster.publish_until is None


@pytest.mark.django_db(transaction=True)
def test_kept_pieces_follow_the_schedule_without_the_page_cache(settings):
    settings.PAGE_CACHE = False
    visitor = Client(HTTP_HOST="127.0.0.1")
    boundary = BOUNDARIES["ordinary day"]
    make_cluster(name_pl="Klaster Wcześniej")
    make_cluster(name_pl="Klaster Później", publish_from=boundary)
    with clock(boundary - SECOND):
        before = visitor.get("/pl/klastry/").content.decode()
    assert "Klaster Później" not in before
    # Another order of the same results: the directory's counts are a kept piece.
    with clock(boundary):
        due = visitor.get("/pl/klastry/?sort=-name").content.decode()
    assert "Klaster Później" in due
    assert "2 klastry" in due
