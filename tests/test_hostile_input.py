"""Hostile input: generated query strings, paths and form data never get a 5xx.

Hypothesis sends them to every public page in both languages, the exports, the
sitemap, robots.txt and /healthz. Runs are derandomized (the same examples every run,
so CI is stable) and kept small; oversized input is refused early with a 4xx.
"""

from http import HTTPStatus
from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.factories import (
    make_cluster,
    make_highland,
    make_item,
    make_page,
    make_snapshot,
    make_statement,
    make_team_member,
)

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    # The site's records are made once per test and only read by the examples.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

CLUSTER_SLUGS = {"pl": "klaster-testowy", "en": "test-cluster"}
HIGHLAND_SLUGS = {"pl": "wyzyna-testowa", "en": "test-highland"}


def localised(language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def public_addresses() -> list[str]:
    addresses = []
    for language in ("pl", "en"):
        addresses += [
            localised(language, name)
            for name in (
                "home",
                "clusters:list",
                "ecosystems:list",
                "contacts:team",
                "contacts:accessibility",
                "clusters:about",
            )
        ]
        addresses.append(
            localised(language, "clusters:detail", slug=CLUSTER_SLUGS[language])
        )
        addresses.append(
            localised(language, "ecosystems:detail", slug=HIGHLAND_SLUGS[language])
        )
    return addresses


ADDRESSES = [
    *public_addresses(),
    "/api/v1/clusters.json",
    "/api/v1/clusters.csv",
    "/api/v1/highlands.json",
    "/sitemap.xml",
    "/sitemap-clusters.xml",
    "/robots.txt",
    "/healthz",
]
# Where a generated slug or path segment goes.
PATH_PREFIXES = [
    "/pl/klastry/",
    "/en/clusters/",
    "/pl/wyzyny/",
    "/en/highlands/",
    "/pl/",
    "/en/",
    "/api/v1/",
    "/",
]

# Parameter names the site reads, and values meant to trip a parser or a database.
KNOWN_NAMES = [
    "q",
    "highland",
    "year_from",
    "year_to",
    "size",
    "has_universities",
    "status",
    "sort",
    "page",
    "p",
    "language",
]
NASTY_VALUES = [
    "\x00",
    "null\x00byte",
    "9" * 5000,
    "-1",
    "1e400",
    "NaN",
    "0x10",
    "２０２０",
    "' OR 1=1 --",
    "name; DROP TABLE clusters_cluster",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "%",
    "\ufeff\u202e",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "Łódź ŻÓŁĆ",
    " " * 300,
]
texts = st.text(max_size=40)
# Few characters, often repeated: NUL, markup, quotes, separators, bidi, astral.
tricky_texts = st.text(
    alphabet=st.sampled_from("\x00\x01\t\n <>\"'%&=;/\\aZ09-łŻ€\ufeff\u202e𝔘"),
    max_size=20,
)
values = st.one_of(
    st.sampled_from(NASTY_VALUES),
    tricky_texts,
    texts,
    st.integers(min_value=-(10**60), max_value=10**60).map(str),
    st.floats().map(str),
)
names = st.one_of(st.sampled_from(KNOWN_NAMES), texts)
# Lists of pairs: names repeat, as in ?status=a&status=b.
pairs = st.lists(st.tuples(names, values), max_size=8)
# Every parameter the site reads, each left out or given one to three values.
known_parameters = st.fixed_dictionaries(
    {},
    optional={name: st.lists(values, min_size=1, max_size=3) for name in KNOWN_NAMES},
)
raw_bytes = st.binary(max_size=40)
query_strings = st.one_of(
    known_parameters.map(lambda params: urlencode(params, doseq=True)),
    pairs.map(urlencode),
    # Bytes that are not UTF-8, percent-encoded or sent as they are.
    st.lists(st.tuples(raw_bytes, raw_bytes), max_size=6).map(
        lambda items: "&".join(
            f"{quote_from_bytes(name)}={quote_from_bytes(value)}"
            for name, value in items
        )
    ),
    raw_bytes.map(lambda data: data.decode("latin-1")),
    st.text(alphabet="&=;%?#+ ", max_size=30),
)
segments = st.one_of(
    texts.map(lambda text: quote(text, safe="")),
    raw_bytes.map(lambda data: quote_from_bytes(data, safe="")),
    st.sampled_from(["..", ".", "%2e%2e", "%2F", "%00", "a" * 500, "-", "_"]),
)
methods = st.sampled_from(["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"])


@pytest.fixture
def site(settings):
    """A little of everything the public pages show, in a cache of the test's own."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    highland = make_highland(slug_pl=HIGHLAND_SLUGS["pl"], slug_en=HIGHLAND_SLUGS["en"])
    cluster = make_cluster(
        slug_pl=CLUSTER_SLUGS["pl"],
        slug_en=CLUSTER_SLUGS["en"],
        highlands=[highland],
        characteristics_pl="Opis.",
    )
    make_cluster(highlands=[highland], status="inactive")
    make_snapshot(cluster, year=2023, members=12, enterprises=9)
    make_snapshot(cluster, year=2024, members=15, enterprises=11)
    make_item(cluster)
    make_page(key="about-clusters")
    make_page(key="lublin-economic-highlands")
    make_statement(contact_team=make_team_member().team)


@pytest.fixture
def visitor() -> Client:
    """A client that gets the visitor's error page rather than the exception."""
    return Client(raise_request_exception=False)


def assert_no_server_error(response, description: str) -> None:
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, (
        f"{description}: {response.status_code}"
    )


@pytest.mark.usefixtures("site")
@pytest.mark.parametrize("address", ADDRESSES)
@FUZZ
@given(query=query_strings)
def test_generated_query_strings_never_give_a_server_error(visitor, address, query):
    response = visitor.get(address, QUERY_STRING=query)
    assert_no_server_error(response, f"{address}?{query!r}")


@pytest.mark.usefixtures("site")
@pytest.mark.parametrize("prefix", PATH_PREFIXES)
@FUZZ
@given(segment=segments, slash=st.booleans())
def test_generated_paths_never_give_a_server_error(visitor, prefix, segment, slash):
    path = prefix + segment + ("/" if slash else "")
    assert_no_server_error(visitor.get(path), path)


@pytest.mark.usefixtures("site")
@pytest.mark.parametrize("address", ADDRESSES)
@hypothesis_settings(FUZZ, max_examples=20)
@given(method=methods, data=pairs, urlencoded=st.booleans())
def test_generated_form_data_never_gives_a_server_error(
    visitor, address, method, data, urlencoded
):
    if urlencoded:
        response = visitor.generic(
            method,
            address,
            urlencode(data),
            content_type="application/x-www-form-urlencoded",
        )
    elif method == "POST":
        fields = {}
        for name, value in data:
            fields.setdefault(name, []).append(value)
        response = visitor.post(address, fields)
    else:
        response = visitor.generic(method, address, urlencode(data).encode())
    assert_no_server_error(response, f"{method} {address} {data!r}")


# Oversized input, refused before any work.


@pytest.mark.parametrize(
    "address", ["/pl/klastry/", "/en/", "/api/v1/clusters.json", "/healthz"]
)
def test_a_megabyte_of_query_string_is_refused_with_414_before_any_query(
    client, django_assert_num_queries, address
):
    with django_assert_num_queries(0):
        response = client.get(address, QUERY_STRING="q=" + "x" * 1024 * 1024)
    assert response.status_code == HTTPStatus.REQUEST_URI_TOO_LONG


def test_an_overlong_path_is_refused_with_414_in_the_visitors_language(client):
    response = client.get("/pl/klastry/" + "a" * 10_000 + "/")
    assert response.status_code == HTTPStatus.REQUEST_URI_TOO_LONG
    assert response.content.decode() == "Ten adres jest za długi."
    response = client.get("/en/clusters/" + "a" * 10_000 + "/")
    assert response.content.decode() == "This address is too long."


def test_addresses_of_ordinary_length_pass(client):
    make_cluster()
    query = urlencode({"q": "ź" * 200, "status": "active", "sort": "-year"})
    assert client.get("/pl/klastry/?" + query).status_code == HTTPStatus.OK


def test_more_query_fields_than_allowed_are_refused_with_400(client, settings):
    too_many = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1
    response = client.get("/pl/klastry/", QUERY_STRING="&".join(["a="] * too_many))
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_ten_thousand_form_fields_are_refused_with_400(client):
    fields = {f"field{n}": "x" for n in range(10_000)}
    response = client.post(reverse("two_factor:login"), fields)
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_a_form_body_over_a_megabyte_is_refused_with_400(client):
    response = client.post(
        reverse("two_factor:login"),
        "auth-username=" + "x" * (1024 * 1024 + 1),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
