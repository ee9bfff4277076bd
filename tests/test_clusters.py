"""The cluster content model: integrity in the database, the admin and its history."""

import datetime
import html
import re
from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from clusters.admin import MembershipSnapshotInline
from clusters.models import Cluster, MembershipSnapshot
from cms.history import shown, word_diff
from cms.search import normalise
from tests.admin_forms import form_values
from tests.factories import make_cluster, make_coordinator, make_highland, make_snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "part", ["enterprises", "business_environment_institutions", "universities"]
)
def test_database_refuses_a_part_above_the_total(part):
    cluster = make_cluster()
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipSnapshot.objects.create(
            cluster=cluster, year=2019, members=10, **{part: 11}
        )


def test_database_refuses_two_snapshots_for_one_year():
    cluster = make_cluster()
    make_snapshot(cluster, year=2019)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_snapshot(cluster, year=2019)


def test_database_refuses_an_implausible_year():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_cluster(year_established=20)


def test_database_refuses_a_cluster_without_any_name():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_cluster(name_pl="", name_en="")


def test_a_cluster_named_in_one_language_only_is_allowed():
    cluster = make_cluster(name_pl="", name_en="ESTA Cluster")
    with translation.override("pl"):
        assert str(Cluster.objects.get(pk=cluster.pk)) == "ESTA Cluster"


def test_current_figures_are_the_latest_snapshot():
    cluster = make_cluster()
    make_snapshot(cluster, year=2019, members=103, enterprises=91)
    make_snapshot(cluster, year=2024, members=174, enterprises=158)
    assert cluster.current_snapshot.members == 174


def test_admin_form_refuses_a_count_above_its_total_with_a_clear_message(rf, publisher):
    cluster = make_cluster()
    request = RequestFactory().get("/")
    request.user = publisher
    inline = MembershipSnapshotInline(Cluster, admin.site)
    formset = inline.get_formset(request, cluster)(
        data={
            "snapshots-TOTAL_FORMS": "1",
            "snapshots-INITIAL_FORMS": "0",
            "snapshots-0-year": "2024",
            "snapshots-0-members": "10",
            "snapshots-0-enterprises": "12",
        },
        instance=cluster,
        prefix="snapshots",
    )
    with translation.override("en"):
        assert not formset.is_valid()
        assert formset.errors[0]["enterprises"] == [
            "enterprises (12) cannot be more than the members (10)."
        ]
    assert not MembershipSnapshot.objects.exists()


def test_search_text_folds_case_and_polish_letters():
    cluster = make_cluster(
        name_pl="Klaster Fotoniki i Światłowodów",
        name_en="",
        characteristics_pl="Wyżyna Łódź",
        coordinators=[make_coordinator(name_pl="Fundacja Żółć", name_en="")],
    )
    assert "swiatlowodow" in cluster.search_name
    assert " swiatlowodow " in cluster.search_name_forms
    for word in ("wyzyna", "lodz", "fundacja", "zolc"):
        assert f" {word} " in cluster.search_text
    assert normalise("  ŁĄKA  Ęe ") == "laka ee"


def test_history_records_a_change_to_the_english_text():
    cluster = make_cluster(characteristics_en="Old text.")
    cluster.characteristics_en = "New English text."
    cluster.save()
    latest, previous = cluster.history.all()[:2]
    assert latest.characteristics_en == "<p>New English text.</p>"
    changed = [change.field for change in latest.diff_against(previous).changes]
    assert changed == ["characteristics_en"]


def test_staff_edit_both_languages_in_the_admin_and_see_it_in_the_history(
    client, publisher
):
    cluster = make_cluster(characteristics_pl="Stary.", characteristics_en="Old.")
    client.force_login(publisher)
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    data = form_values(page.content.decode())
    data["characteristics_pl"] = ["Nowy opis klastra."]
    data["characteristics_en"] = ["New description of the cluster."]
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    cluster.refresh_from_db()
    assert cluster.characteristics_pl == "<p>Nowy opis klastra.</p>"
    assert cluster.characteristics_en == "<p>New description of the cluster.</p>"
    history = client.get(reverse("admin:clusters_cluster_history", args=[cluster.pk]))
    assert publisher.username in history.content.decode()
    assert cluster.history.first().history_user == publisher


def test_history_shows_a_long_text_change_as_the_words_removed_and_added(
    client, publisher
):
    opening = " ".join(f"word{number}" for number in range(300))
    cluster = make_cluster(characteristics_en=f"{opening} Old ending.")
    cluster.characteristics_en = f"{opening} New ending, <b>longer</b>."
    cluster.save()
    client.force_login(publisher)

    page = client.get(reverse("admin:clusters_cluster_history", args=[cluster.pk]))

    content = page.content.decode()
    assert (
        "<del>Old ending.</del> <ins>New ending, &lt;b&gt;longer&lt;/b&gt;.</ins>"
        in (content)
    )
    assert "… word292 word293" in content  # the words before the change, no more
    assert "word291 " not in content
    assert "chars]" not in content
    assert ">None<" not in content


def test_history_shows_values_as_staff_read_them_in_polish(client, publisher):
    highland = make_highland(name_pl="Wyżyna IT")
    cluster = make_cluster(is_published=False)
    cluster.is_published = True
    cluster.status = "inactive"
    cluster.save()
    cluster.highlands.add(highland)
    cluster.save()
    client.force_login(publisher)

    page = client.get(
        reverse("admin:clusters_cluster_history", args=[cluster.pk]),
        HTTP_ACCEPT_LANGUAGE="pl",
    ).content.decode()

    changes = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "Opublikowany: nie → tak" in changes
    assert "Status: aktywny → nieaktywny" in changes
    assert "Wyżyny: — → Wyżyna IT" in changes
    for python in ("False", "True", "[]", "None", "active"):
        assert python not in changes.split(), python


def test_word_diff_keeps_short_unchanged_runs_and_cuts_long_ones():
    assert word_diff("a b c", "a x c") == "a <del>b</del> <ins>x</ins> c"
    long = " ".join(str(number) for number in range(40))
    assert word_diff(f"start {long} end", f"begin {long} finish") == (
        "<del>start</del> <ins>begin</ins> 0 1 2 3 4 5 6 7 … "
        "32 33 34 35 36 37 38 39 <del>end</del> <ins>finish</ins>"
    )
    assert word_diff("", "New <i>text</i>") == "<ins>New &lt;i&gt;text&lt;/i&gt;</ins>"


def test_word_diff_joins_changes_split_by_a_common_word_and_shows_rewrites_whole():
    old = "one two three four five and six seven eight nine"
    new = "one two three FOUR FIVE and SIX seven eight nine"
    assert word_diff(old, new) == (
        "one two three <del>four five and six</del> <ins>FOUR FIVE and SIX</ins> "
        "seven eight nine"
    )
    assert word_diff("The old and long text.", "A new text, and short.") == (
        "<del>The old and long text.</del> <ins>A new text, and short.</ins>"
    )


def test_admin_tabs_load_jquery_ui_locally(client, publisher):
    client.force_login(publisher)
    page = client.get(reverse("admin:clusters_cluster_add")).content.decode()
    assert "jquery-ui/jquery-ui.min.js" in page
    assert "tabbed_translation_fields.js" in page
    assert "googleapis" not in page


def test_admin_tabs_load_a_jquery_ui_without_known_vulnerabilities(client, publisher):
    """1.13.0 and 1.13.1 have CVE-2022-31160 (script in a checkboxradio label)."""
    client.force_login(publisher)
    page = client.get(reverse("admin:clusters_cluster_add")).content.decode()
    src = re.search(r'<script src="([^"]*jquery-ui[^"]*)"', page).group(1)
    served = finders.find(src.removeprefix(settings.STATIC_URL).removeprefix("/"))
    with open(served, encoding="utf-8") as script:
        banner = script.readline()
    version = re.match(r"/\*! jQuery UI - v(\d+)\.(\d+)\.(\d+) ", banner).groups()
    assert tuple(map(int, version)) >= (1, 13, 2), banner


def test_admin_changelist_filters_missing_english(client, publisher):
    make_cluster(name_pl="Tylko po polsku", name_en="")
    make_cluster(name_pl="Oba", name_en="Both")
    client.force_login(publisher)
    url = reverse("admin:clusters_cluster_changelist")
    page = client.get(url, {"missing": "en"}).content.decode()
    assert "Tylko po polsku" in page
    assert "Both" not in page


def test_editors_cannot_delete_or_publish(client, editor):
    cluster = make_cluster(is_published=False)
    client.force_login(editor)
    delete = reverse("admin:clusters_cluster_delete", args=[cluster.pk])
    assert client.get(delete).status_code == HTTPStatus.FORBIDDEN
    assert not editor.has_perm("auth.change_user")
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    data = form_values(client.get(url).content.decode())
    assert "is_published" not in data
    data["is_published"] = ["on"]
    client.post(url, data)
    cluster.refresh_from_db()
    assert not cluster.is_published


def test_publishers_publish_and_delete(client, publisher):
    cluster = make_cluster(is_published=False)
    client.force_login(publisher)
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    data = form_values(client.get(url).content.decode())
    data["is_published"] = ["on"]
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    cluster.refresh_from_db()
    assert cluster.is_published
    assert publisher.has_perm("clusters.delete_cluster")


@pytest.mark.parametrize(
    "query", ["światłowodów", "ŚWIATŁOWODÓW", "swiatlowodow", "Photonics", "fotonika"]
)
def test_admin_search_folds_case_and_diacritics_in_both_languages(
    client, publisher, query
):
    wanted = make_cluster(
        key="fotonika",
        name_pl="Klaster Technologii Światłowodów",
        name_en="Photonics Cluster",
    )
    make_cluster(name_pl="Klaster Medyczny", name_en="Medical Cluster")
    client.force_login(publisher)

    page = client.get(reverse("admin:clusters_cluster_changelist"), {"q": query})

    assert [cluster.pk for cluster in page.context["cl"].result_list] == [wanted.pk]


def test_history_values_name_nothing_rows_choices_and_times_as_staff_read_them():
    field = Cluster._meta.get_field
    with translation.override("pl"):
        for nothing in (None, "", []):
            assert shown(field("status"), nothing) == "—"
        assert shown(field("status"), 0) == "0"
        assert shown(field("highlands"), [{"highland": "A"}, {"highland": "B"}]) == (
            "A, B"
        )
        assert shown(field("status"), "inactive") == "nieaktywny"
        assert shown(field("status"), "retired") == "retired"  # a choice since removed
        assert shown(field("is_published"), False) == "nie"
        noon_utc = datetime.datetime(2026, 7, 1, 10, 0, tzinfo=datetime.UTC)
        assert "12:00" in shown(field("updated_at"), noon_utc)  # Warsaw, summer time


def test_word_diff_cuts_an_unchanged_run_at_the_start_or_end_to_the_side_of_the_change():
    words = [f"w{number}" for number in range(20)]
    sixteen, twenty = " ".join(words[:16]), " ".join(words)
    assert word_diff(f"{sixteen} old", f"{sixteen} new") == (
        f"{sixteen} <del>old</del> <ins>new</ins>"  # 2 × 8 words: kept whole
    )
    assert word_diff(f"{twenty} old", f"{twenty} new") == (
        f"… {' '.join(words[12:])} <del>old</del> <ins>new</ins>"
    )
    assert word_diff(f"old {twenty}", f"new {twenty}") == (
        f"<del>old</del> <ins>new</ins> {' '.join(words[:8])} …"
    )
