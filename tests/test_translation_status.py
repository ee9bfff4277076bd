"""How complete each language is: columns, filters, the "Translations" page with links
to the fields, and the languages each change in the history touched."""

from http import HTTPStatus

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from modeltranslation.translator import translator

from cms import translation_status
from cms.admin import ContentAdmin, MissingTranslationFilter
from contacts.models import AccessibilityStatement, Unit
from tests.factories import (
    make_cluster,
    make_item,
    make_statement,
)

pytestmark = pytest.mark.django_db


def translated_model_admins():
    """The content admins of translated models (the yearly figures import has its
    own admin for snapshots, whose source is their only text)."""
    registered = set(translator.get_registered_models())
    return [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model in registered and isinstance(model_admin, ContentAdmin)
    ]


def test_every_translated_admin_has_the_column_and_the_filters(admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    admins = translated_model_admins()
    assert len(admins) >= 8
    for model_admin in admins:
        assert "translation_status" in model_admin.get_list_display(request), (
            model_admin
        )
        assert MissingTranslationFilter in model_admin.get_list_filter(request), (
            model_admin
        )


@pytest.mark.parametrize(
    ("model", "make", "field"),
    [
        (Unit, lambda **kw: Unit.objects.create(key=kw.pop("key"), **kw), "name"),
        (AccessibilityStatement, make_statement, "site_name"),
    ],
    ids=["unit", "accessibility statement"],
)
@pytest.mark.parametrize(
    ("language", "other"), [("en", "pl"), ("pl", "en")], ids=["English", "Polish"]
)
def test_missing_filters_on_admins_that_lacked_them(
    admin_client, model, make, field, language, other
):
    lacking = make(
        key="lacking", **{f"{field}_{other}": "Tekst", f"{field}_{language}": ""}
    )
    complete = make(
        key="complete", **{f"{field}_{other}": "Tekst", f"{field}_{language}": "Text"}
    )
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = admin_client.get(url, {"missing": language})
    assert response.status_code == HTTPStatus.OK
    shown = list(response.context["cl"].result_list)
    assert lacking in shown
    assert complete not in shown


def test_missing_fields_lists_texts_the_other_language_has():
    cluster = make_cluster(
        name_en="",
        characteristics_pl="Opis.",
        characteristics_en="",
        membership_conditions_pl="",
        membership_conditions_en="Only in English.",
    )
    assert translation_status.missing_fields(cluster, "en") == [
        "name",
        "characteristics",
    ]
    assert translation_status.missing_fields(cluster, "pl") == ["membership_conditions"]


# The "Translations" page


def translations_page(client):
    return client.get(reverse("admin:clusters_translations"))


def test_translations_page_links_each_missing_field_in_its_language(client, editor):
    cluster = make_cluster(name_pl="Klaster Bez Angielskiego", name_en="")
    make_cluster(name_pl="Kompletny", name_en="Complete")
    client.force_login(editor)
    response = translations_page(client)
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    change = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    assert f'href="{change}#translate=en&amp;field=name"' in content
    assert "Klaster Bez Angielskiego" in content
    assert "Kompletny" not in content


def test_translations_page_lists_inline_texts_under_their_cluster(client, editor):
    cluster = make_cluster(name_pl="Klaster Z Celami", name_en="Cluster With Goals")
    item = make_item(cluster, text_pl="Cel tylko po polsku", text_en="")
    client.force_login(editor)
    content = translations_page(client).content.decode()
    change = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    assert (
        f'href="{change}#translate=en&amp;field=text&amp;inline=items&amp;pk={item.pk}"'
        in content
    )
    assert "Klaster Z Celami – Cel tylko po polsku" in content


def test_translations_page_counts_records_per_language(client, editor):
    make_cluster(name_en="")
    make_cluster(name_en="")
    make_cluster(name_pl="", name_en="English only")
    client.force_login(editor)
    languages = {
        row["code"]: row["count"]
        for row in translations_page(client).context["languages"]
    }
    assert languages == {"pl": 1, "en": 2}


def test_translations_page_shows_only_what_the_user_may_see(client):
    make_cluster(name_pl="Klaster Bez Angielskiego", name_en="")
    staff = User.objects.create_user(
        "staff", password="unused-Password-1", is_staff=True
    )
    staff.user_permissions.add(Permission.objects.get(codename="view_highland"))
    client.force_login(staff)
    response = translations_page(client)
    assert response.status_code == HTTPStatus.OK
    assert "Klaster Bez Angielskiego" not in response.content.decode()


def test_translations_page_is_for_staff_only(client):
    response = translations_page(client)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))


def translations_page_queries(client, listed) -> int:
    """The queries of the translations page, once per-process lookups and the site
    name (read once per content version) are made; `listed` must be on it."""
    translations_page(client)
    with CaptureQueriesContext(connection) as queries:
        response = translations_page(client)
    assert response.status_code == HTTPStatus.OK
    change = reverse("admin:clusters_cluster_change", args=[listed.pk])
    assert f'href="{change}' in response.content.decode()
    return len(queries)


def test_translations_page_queries_do_not_grow_with_records(client, editor):
    client.force_login(editor)
    for _n in range(3):
        cluster = make_cluster(name_en="")
        make_item(cluster, text_en="")
    few = translations_page_queries(client, cluster)
    for _n in range(20):
        cluster = make_cluster(name_en="")
        make_item(cluster, text_en="")
    assert translations_page_queries(client, cluster) == few


def test_change_form_loads_the_script_that_opens_a_field_in_its_language(
    client, editor
):
    cluster = make_cluster()
    client.force_login(editor)
    content = client.get(
        reverse("admin:clusters_cluster_change", args=[cluster.pk])
    ).content.decode()
    assert "admin-extra/translation-links.js" in content
    assert client.get("/static/admin-extra/translation-links.js").status_code in (
        HTTPStatus.OK,
        HTTPStatus.NOT_FOUND,  # served by whitenoise after collectstatic only
    )


# The history


def test_languages_changed_compares_the_per_language_columns():
    cluster = make_cluster(characteristics_pl="Opis.", characteristics_en="")
    cluster.characteristics_en = "Description."
    cluster.save()
    cluster.name_pl = "Nowa nazwa"
    cluster.name_en = "New name"
    cluster.save()
    cluster.year_established = 2001
    cluster.save()
    records = list(cluster.history.all())
    translation_status.mark_languages_changed(records)
    assert [record.languages_changed for record in records] == [
        [],
        ["pl", "en"],
        ["en"],
        ["pl", "en"],  # created with texts in both languages
    ]


def test_marking_a_page_of_history_needs_one_query(django_assert_num_queries):
    cluster = make_cluster()
    for n in range(5):
        cluster.name_en = f"Name {n}"
        cluster.save()
    page = list(cluster.history.all()[:4])
    with django_assert_num_queries(1):
        translation_status.mark_languages_changed(page)
    assert page[-1].languages_changed == ["en"]


def test_history_page_shows_which_language_a_change_touched(client, publisher):
    cluster = make_cluster(name_pl="Klaster", name_en="Cluster")
    cluster.characteristics_en = "New English text."
    cluster.save()
    client.force_login(publisher)
    response = client.get(reverse("admin:clusters_cluster_history", args=[cluster.pk]))
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Zmienione języki" in content
    history = content.split('id="change-history"', 1)[1]
    rows = history.split("<tr>")[2:]  # after the header row
    assert '<abbr title="angielski">EN</abbr>' in rows[0]
    assert "PL</abbr>" not in rows[0]
    assert "PL</abbr>, <abbr" in rows[1]  # created in both languages
    assert 'style="' not in content.split('id="change-history"')[1]
