"""Visitors get no cookie at all, so the site needs no consent banner."""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import (
    make_cluster,
    make_highland,
    make_page,
    make_snapshot,
    make_statement,
    make_team_member,
)

pytestmark = pytest.mark.django_db

PUBLIC_ADDRESSES = [
    "/",
    "/pl/",
    "/en/",
    "/pl/klastry/",
    "/en/clusters/",
    "/pl/klastry/?q=swiatlowodow&status=active&sort=-size",
    "/en/clusters/?year_from=abc",
    "/pl/klastry/?q=&status=",
    "/pl/klastry/klaster-a/",
    "/en/clusters/cluster-a/",
    "/en/clusters/klaster-a/",
    "/pl/wyzyny/",
    "/en/highlands/",
    "/pl/wyzyny/wyzyna-a/",
    "/en/highlands/highland-a/",
    "/pl/kontakt/",
    "/en/contact/",
    "/pl/deklaracja-dostepnosci/",
    "/en/accessibility-statement/",
    "/pl/o-klastrach/",
    "/en/about-clusters/",
    "/pl/klastry/nie-ma-takiego/",
    "/en/no-such-page/",
]


@pytest.fixture(autouse=True)
def own_cache(settings, request):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


@pytest.fixture
def site():
    highland = make_highland(slug_pl="wyzyna-a", slug_en="highland-a")
    cluster = make_cluster(
        slug_pl="klaster-a", slug_en="cluster-a", highlands=[highland]
    )
    make_snapshot(cluster)
    make_page(key="about-clusters")
    make_statement(contact_team=make_team_member(email="a@lublin.eu").team)


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
def test_public_pages_set_no_cookie(client, site, address):
    response = client.get(address)
    assert response.status_code in {
        HTTPStatus.OK,
        HTTPStatus.FOUND,
        HTTPStatus.MOVED_PERMANENTLY,
        HTTPStatus.NOT_FOUND,
    }
    assert response.cookies == {}
    assert not response.has_header("Set-Cookie")
    if address != "/":
        # Nothing read the session either, which would make caches vary on cookies.
        # (Only "/" varies on Cookie: Django chooses the language there, and would
        # honour a language cookie if one were ever set; none is.)
        assert "cookie" not in response.get("Vary", "").lower()


def test_pages_render_no_csrf_token(client, site):
    for address in ["/pl/", "/pl/klastry/", "/en/contact/"]:
        assert b"csrfmiddlewaretoken" not in client.get(address).content


def test_the_admin_login_does_set_cookies_so_the_check_above_can_see_them(client):
    response = client.get(reverse("two_factor:login"))
    assert response.status_code == HTTPStatus.OK
    assert settings.CSRF_COOKIE_NAME in response.cookies
