"""The starter content in fixtures/: both seeds' facts, reconciled, loading cleanly.

These tests load the real fixtures (the one place tests lean on them) and check facts
chosen across the data set; docs/content-sources.md says where each fact comes from.
"""

import json
import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection
from django.urls import reverse
from django.utils import translation

from clusters.models import (
    CURRENT_FIGURES,
    Cluster,
    ClusterItem,
    Coordinator,
    Membership,
    MembershipSnapshot,
    Organisation,
    Page,
    Project,
    Report,
)
from cms import revisions
from cms.rich_text import rich_text_field
from contacts.models import AccessibilityStatement, Team, TeamMember, Unit
from ecosystems.models import Highland
from tests.admin_forms import form_values

pytestmark = pytest.mark.django_db

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"
# The documented order: Highlands first, as clusters refer to them.
FIXTURES = [
    FIXTURE_DIR / f"{name}.json" for name in ("ecosystems", "clusters", "contacts")
]
CONTENT_APPS = ["ecosystems", "clusters", "contacts"]
EXPECTED_COUNTS = {
    Highland: 5,
    Cluster: 24,
    Coordinator: 18,
    Organisation: 24,
    MembershipSnapshot: 37,
    ClusterItem: 138,
    Project: 4,
    Membership: 24,
    Page: 2,
    Report: 3,
    Unit: 1,
    Team: 1,
    TeamMember: 3,
    AccessibilityStatement: 1,
}
HTML = re.compile(r"<[a-zA-Z/!]|&[a-zA-Z]+;|&#\d+;")


def load(*paths):
    call_command("loaddata", *(str(path) for path in paths or FIXTURES), verbosity=0)


def fixture_records():
    for path in FIXTURES:
        yield from json.loads(path.read_text("utf-8"))


def content_tables():
    """Every table of the content apps, many-to-many tables included, history left out."""
    tables = set()
    for app_label in CONTENT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.model_name.startswith("historical"):
                continue
            tables.add(model._meta.db_table)
            tables.update(
                field.remote_field.through._meta.db_table
                for field in model._meta.local_many_to_many
            )
    return sorted(tables)


def table_rows():
    """The raw rows, bare translated columns included, as the database holds them."""
    rows = {}
    with connection.cursor() as cursor:
        for table in content_tables():
            cursor.execute(
                f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1"
            )
            rows[table] = cursor.fetchall()
    return rows


@pytest.fixture
def loaded():
    load()


def cluster(key):
    return Cluster.objects.get(key=key)


def test_fixtures_load_every_record_of_both_seeds(loaded):
    assert {model: model.objects.count() for model in EXPECTED_COUNTS} == (
        EXPECTED_COUNTS
    )
    # 19 rows of the Polish table and 3 clusters of the English page only, plus the
    # two LubTechBridge segments.
    assert Cluster.objects.filter(parent__isnull=True).count() == 22
    assert Cluster.objects.filter(snapshots__year=2019).count() == 19
    assert Cluster.objects.filter(snapshots__year=2024).count() == 18
    assert not Cluster.objects.filter(is_published=False).exists()


def test_loading_again_creates_and_changes_nothing(loaded):
    before = table_rows()

    load()

    assert table_rows() == before
    assert {model: model.objects.count() for model in EXPECTED_COUNTS} == (
        EXPECTED_COUNTS
    )


def test_each_file_loads_on_its_own_in_the_documented_order():
    for path in FIXTURES:
        load(path)

    assert Cluster.objects.get(key="lubelska-medycyna").highlands.get().key == (
        "lublin-medical-highland"
    )
    assert TeamMember.objects.count() == 3


def test_the_active_language_does_not_change_what_is_loaded():
    with translation.override("en"):
        load()

    for record in fixture_records():
        if record["model"] != "clusters.cluster":
            continue
        fields = record["fields"]
        obj = Cluster.objects.get(key=fields["key"])
        for name in ("name", "slug", "other_names", "characteristics"):
            for code in ("pl", "en"):
                assert getattr(obj, f"{name}_{code}") == fields[f"{name}_{code}"]


def test_cluster_is_named_in_both_languages(loaded):
    eastern_ict = cluster("wschodni-klaster-ict")

    with translation.override("pl"):
        assert eastern_ict.name == "Wschodni Klaster ICT"
    with translation.override("en"):
        assert eastern_ict.name == "Eastern ICT Cluster"
    assert eastern_ict.year_established == 2007
    assert eastern_ict.coordinators.get().name_en == (
        "Eastern Development Agency sp. z o.o."
    )


def test_names_that_differ_between_pages_are_all_kept(loaded):
    medicine = cluster("lubelska-medycyna")
    assert medicine.name_pl == (
        "Lubelska Medycyna – Klaster Usług Medycznych i Prozdrowotnych"
    )
    assert medicine.name_en == "Lublin Medicine – Medical & Wellness Cluster"
    assert "Klaster Lubelska Medycyna" in medicine.other_names_pl.splitlines()
    assert "Lublin Medicine – Medical and Health Services Cluster" in (
        medicine.other_names_en.splitlines()
    )
    assert {c.name_en for c in medicine.coordinators.all()} == {
        "Lublin Municipality",
        "Medical University of Lublin",
    }

    enterprise = cluster("lubelski-klaster-przedsiebiorstw")
    assert enterprise.name_en == "Lublin Enterprise Cluster"
    assert enterprise.other_names_en == "Lublin Cluster of Enterprises"


def test_both_snapshots_of_a_cluster_whose_figures_changed(loaded):
    snapshots = {s.year: s for s in cluster("wschodni-klaster-ict").snapshots.all()}

    assert set(snapshots) == {2019, 2024}
    assert (snapshots[2019].members, snapshots[2019].enterprises) == (103, 91)
    assert (snapshots[2024].members, snapshots[2024].enterprises) == (174, 158)
    assert "Klastry funkcjonujące w Lublinie w 2019 roku" in snapshots[2019].source_pl
    assert "Opracowanie własne Urzędu Miasta Lublin, 2015." in (
        snapshots[2019].source_pl
    )
    assert "founded in 2024 and nothing later" in snapshots[2024].source_en
    assert cluster("wschodni-klaster-ict").current_snapshot == snapshots[2024]


def test_cluster_on_the_polish_page_only(loaded):
    cebularz = cluster("lubelski-cebularz")

    # The official Polish name stays the name; English adds a descriptive one.
    assert (cebularz.name_pl, cebularz.name_en) == (
        "Lubelski Cebularz",
        "Lubelski Cebularz (Lublin Onion Flatbread)",
    )
    assert cebularz.translated_from == {"name": "pl"}
    assert (cebularz.slug_pl, cebularz.slug_en) == (
        "lubelski-cebularz",
        "lubelski-cebularz-lublin-onion-flatbread",
    )
    [snapshot] = cebularz.snapshots.all()
    assert (snapshot.year, snapshot.members, snapshot.enterprises) == (2019, 21, 21)


def test_cluster_on_the_english_page_only(loaded):
    esta = cluster("esta-cluster")

    assert (esta.name_pl, esta.name_en, esta.year_established) == (
        "Klaster ESTA",
        "ESTA Cluster",
        2024,
    )
    assert esta.translated_from["name"] == "en"
    assert esta.slug_pl == "klaster-esta"
    [snapshot] = esta.snapshots.all()
    assert snapshot.year == 2024
    assert (
        snapshot.members,
        snapshot.enterprises,
        snapshot.business_environment_institutions,
        snapshot.universities,
    ) == (30, 30, 0, 0)
    assert esta.items.filter(kind=ClusterItem.Kind.ACTIVITY).count() == 6


def test_count_missing_from_the_table_stays_missing(loaded):
    [snapshot] = cluster("klaster-lubelskie-jajko").snapshots.all()

    assert (snapshot.members, snapshot.enterprises) == (8, None)


def test_nameless_english_profile_is_klaster_group_pl(loaded):
    group = cluster("klaster-group-pl")

    # A brand: the same name in both languages, not a translation.
    assert (group.name_pl, group.name_en, group.year_established) == (
        "Klaster-Group.pl",
        "Klaster-Group.pl",
        2011,
    )
    assert "name" not in group.translated_from
    assert group.coordinators.get().name_en == "Netrix Group sp. z o.o."
    figures = {s.year: (s.members, s.enterprises) for s in group.snapshots.all()}
    assert figures == {2019: (15, 15), 2024: (26, 25)}


def test_industrial_upland_keeps_29_stated_and_24_listed_members(loaded):
    upland = cluster("klaster-wyzyna-motoryzacyjna-i-maszynowa")

    assert upland.name_pl == "Klaster Wyżyna Motoryzacyjna i Maszynowa"
    assert upland.name_en == "Industrial Upland Cluster"
    assert "Automotive and Machine Upland Cluster" in upland.other_names_en
    assert upland.year_established == 2018
    current = upland.snapshots.get(year=2024)
    assert (
        current.members,
        current.enterprises,
        current.business_environment_institutions,
        current.universities,
    ) == (29, 22, 4, 3)
    listed = Organisation.objects.filter(clusters=upland)
    assert listed.count() == 24
    assert {
        kind: listed.filter(kind=kind).count() for kind in Organisation.Kind.values
    } == {"enterprise": 17, "business_support": 4, "university": 3, "other": 0}
    assert listed.filter(name="Politechnika Lubelska", kind="university").exists()
    assert [p.title_en for p in upland.projects.all()] == [
        "#LubLean",
        "Technology and Implementation Center",
        "Personnel of the future",
    ]


def test_segments_belong_to_lubtechbridge_with_their_own_activities(loaded):
    parent = cluster("lubtechbridge")

    assert {s.name_en for s in parent.segments.all()} == {
        "LubTechBridge GOZ",
        "LubTechBridge 4.0",
    }
    for segment in parent.segments.all():
        # The source's "key activities", not "how the goals are achieved".
        assert segment.items.filter(kind=ClusterItem.Kind.KEY_ACTIVITY).count() == 5
        assert not segment.items.filter(kind=ClusterItem.Kind.ACTIVITY).exists()
        assert not segment.snapshots.exists()
    assert parent.coordinators.get().name_pl == "Software Camp sp. z o.o."
    assert parent.snapshots.get().business_environment_institutions == 1


def test_cluster_of_clusters_has_its_five_members(loaded):
    assert cluster("lubelskie-klastry").member_clusters == 5


def test_eastern_metal_processing_keeps_every_list(loaded):
    metal = cluster("wschodni-klaster-obrobki-metali")
    counts = {
        kind: metal.items.filter(kind=kind).count() for kind in ClusterItem.Kind.values
    }

    assert counts == {
        "goal": 4,
        "activity": 0,
        "key_activity": 0,
        "benefit": 3,
        "service": 14,
        "product": 17,
    }
    assert metal.membership_conditions_en.startswith(
        "<p>All metal processing companies located in Eastern Poland"
    )
    assert "(WKTiR), established in 1962" in metal.coordinators.get().description_en


# The seed's wording of each obvious typo, and the corrected text the fixtures hold.
CORRECTED_TYPOS = {
    "Lubelski Kalster Zaawansowanych": "Lubelski Klaster Zaawansowanych",
    "HACAP": "HACCP",
    "to rise the competitiveness": "to raise the competitiveness",
    "the other five Highland.": "the other five Highlands.",
    "Since 2018. The Foundation": "Since 2018, the Foundation",
    "w tym 3 które": "w tym 3, które",
}


@pytest.mark.parametrize(("seed", "corrected"), CORRECTED_TYPOS.items())
def test_obvious_seed_typos_are_corrected_and_listed(seed, corrected):
    fixtures = "".join(
        path.read_text(encoding="utf-8") for path in FIXTURE_DIR.glob("*.json")
    )
    assert seed not in fixtures
    assert corrected in fixtures
    sources = Path(settings.BASE_DIR) / "docs" / "content-sources.md"
    listed = " ".join(sources.read_text(encoding="utf-8").replace("**", "").split())
    assert seed.rstrip(".") in listed  # the seed's wording, beside the correction


def test_the_foundations_former_name_is_not_the_clusters(loaded):
    upland = cluster("klaster-wyzyna-motoryzacyjna-i-maszynowa")

    assert "Lublin Automotive and Machinery Highlands" not in upland.other_names_en
    assert "(formerly “Lublin Automotive and Machinery Highlands”)" in (
        upland.characteristics_en
    )


def test_highland_clusters_and_cooperating_highlands(loaded):
    medical = Highland.objects.get(key="lublin-medical-highland")
    it = Highland.objects.get(key="lublin-it-highland")

    assert [c.key for c in medical.clusters.all()] == ["lubelska-medycyna"]
    assert [h.key for h in medical.cooperates_with.all()] == [
        "lublin-biotechnological-highland"
    ]
    assert not it.clusters.exists()
    assert {h.key for h in it.cooperates_with.all()} == {
        "lublin-automotive-and-machine-highland",
        "lublin-aviation-highland",
    }
    automotive = Highland.objects.get(key="lublin-automotive-and-machine-highland")
    assert [c.key for c in automotive.clusters.all()] == [
        "klaster-wyzyna-motoryzacyjna-i-maszynowa"
    ]
    assert [h.key for h in automotive.cooperates_with.all()] == ["lublin-it-highland"]
    # The city's Polish names of the programme's Highlands, with Polish addresses.
    assert (medical.name_pl, medical.slug_pl) == (
        "Lubelska Wyżyna Medyczna",
        "lubelska-wyzyna-medyczna",
    )
    assert (medical.name_en, medical.slug_en) == (
        "Lublin Medical Highland",
        "lublin-medical-highland",
    )
    assert medical.translated_from["name"] == "en"


def test_pages_and_reports(loaded):
    about = Page.objects.get(key="about-clusters")
    assert (about.title_pl, about.title_en) == ("Klastry", "Clusters")
    assert "16 klastrów" in about.body_pl
    assert "16 clusters" in about.body_en
    assert about.translated_from == {"title": "pl", "summary": "pl", "body": "pl"}
    highlands = Page.objects.get(key="lublin-economic-highlands")
    assert (highlands.title_pl, highlands.title_en) == (
        "Lubelskie Wyżyny Gospodarcze",
        "Lublin Economic Highlands",
    )
    assert "quadruple helix" in highlands.body_en
    assert "poczwórnej helisy" in highlands.body_pl

    reports = list(Report.objects.all())
    assert [r.year for r in reports] == [2014, None, 2015]
    assert reports[2].title_pl == "Raport z inwentaryzacji klastrów w Polsce 2015"
    assert all(r.url.startswith("http://www.pi.gov.pl/") for r in reports)


def test_team_members_with_positions_and_phones(loaded):
    team = Team.objects.get(key="zespol-ds-klastrow")

    assert team.name_pl == "Zespół ds. Klastrów"
    assert team.unit.name_pl == (
        "Referat ds. wspierania przedsiębiorczości i relacji z biznesem"
    )
    assert [(m.name, m.position_pl, m.phone, m.email) for m in team.members.all()] == [
        ("Honorata Kępowicz-Olszówka", "Kierownik Referatu", "+48814662507", ""),
        ("Marzena Strok-Sadło", "Główny Specjalista", "+48814662505", ""),
        ("Iwona Urban", "", "+48814662525", ""),
    ]
    unit = team.unit
    # The seeds give no e-mail, address or hours for the unit.
    assert (unit.email, unit.address_pl, unit.office_hours_pl) == ("", "", "")


def test_accessibility_statement_leaves_facts_to_staff(loaded):
    statement = AccessibilityStatement.objects.get(key="accessibility-statement")

    assert statement.contact_team.key == "zespol-ds-klastrow"
    assert (statement.entity_pl, statement.site_name_pl, statement.status) == (
        "",
        "",
        "",
    )
    assert [
        statement.published_on,
        statement.updated_on,
        statement.prepared_on,
        statement.reviewed_on,
    ] == [None] * 4
    assert statement.non_accessible_content_pl == ""
    assert "4 kwietnia 2019" in statement.procedure_pl
    assert "@" not in statement.procedure_pl
    # A draft until staff complete it: not public, and it could not be published.
    assert not statement.is_published
    assert not AccessibilityStatement.objects.published().exists()
    assert statement.missing_for_publication()


def test_stored_search_text_matches_what_a_save_computes(loaded):
    for obj in Cluster.objects.prefetch_related("coordinators"):
        stored = {field: getattr(obj, field) for field in obj.build_search_text()}
        assert obj.build_search_text() == stored, obj.key
    assert " netrix group " in cluster("klaster-group-pl").search_text


def test_stored_current_figures_are_the_latest_snapshots(loaded):
    stored = list(Cluster.objects.order_by("key").values_list(*CURRENT_FIGURES))
    Cluster.objects.refresh_current_figures()
    assert list(Cluster.objects.order_by("key").values_list(*CURRENT_FIGURES)) == (
        stored
    )
    wschodni = cluster("wschodni-klaster-ict")
    assert (wschodni.current_year, wschodni.current_members) == (2024, 174)


def test_every_cluster_has_both_slugs(loaded):
    for code in ("pl", "en"):
        slugs = list(Cluster.objects.values_list(f"slug_{code}", flat=True))
        assert all(slugs)
        assert len(set(slugs)) == len(slugs)


def test_every_record_passes_model_validation(loaded):
    for model in EXPECTED_COUNTS:
        for obj in model.objects.all():
            obj.full_clean()


def test_no_website_is_invented(loaded):
    """The seeds kept no cluster's or coordinator's website, e-mail or phone: the
    starter content leaves them empty for staff to fill (issue 20)."""
    for model in (Cluster, Coordinator):
        for field in ("website", "email", "phone"):
            assert not model.objects.exclude(**{field: ""}).exists(), (model, field)
    assert not TeamMember.objects.exclude(email="").exists()


def rich_text_fields(record: dict) -> dict:
    """The record's formatted texts (cms/rich_text.py), by field."""
    model = apps.get_model(record["model"])
    return {
        name: field
        for name in record["fields"]
        if (field := rich_text_field(model, name))
    }


def test_fixture_texts_contain_no_html_but_in_formatted_texts():
    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, list | dict):
            for item in value.values() if isinstance(value, dict) else value:
                yield from strings(item)

    texts = [
        text
        for record in fixture_records()
        for name, value in record["fields"].items()
        if name not in rich_text_fields(record)
        for text in strings(value)
    ]
    assert len(texts) > 1000
    assert [text for text in texts if HTML.search(text)] == []


def test_fixture_formatted_texts_are_stored_as_a_save_stores_them():
    texts = [
        (value, field.stored(value))
        for record in fixture_records()
        for name, field in rich_text_fields(record).items()
        if (value := record["fields"][name])
    ]
    assert len(texts) > 50
    assert all(value.startswith("<p>") for value, _stored in texts)
    assert [value for value, stored in texts if value != stored] == []


@pytest.mark.parametrize(
    "text",
    [
        '[{"model": "clusters.organisation", "fields": {"name": "X"',
        '[{"model": "clusters.organisation", "fields": {"name": "X", "colour": 1}}]',
        '[{"model": "clusters.membershipsnapshot", "fields": {'
        '"cluster": ["wschodni-klaster-ict"], "year": 2020, "members": 5, '
        '"enterprises": 6}}]',
    ],
    ids=["bad-json", "unknown-field", "part-above-total"],
)
def test_broken_fixture_names_its_file_and_changes_nothing(loaded, tmp_path, text):
    broken = tmp_path / "broken.json"
    broken.write_text(text, "utf-8")
    before = table_rows()

    with pytest.raises((DeserializationError, DatabaseError)) as error:
        load(FIXTURE_DIR / "contacts.json", broken)

    assert "broken.json" in str(error.value)
    assert table_rows() == before


# In the 2019 table only: no source since says whether they still work.
ONLY_IN_2019 = {
    "klaster-lubelskie-jajko",
    "lubelski-cebularz",
    "lubelski-klaster-branzy-spozywczej",
    "lubelskie-klastry",
}


def test_a_cluster_is_active_only_where_a_source_says_so(loaded):
    unconfirmed = set(
        Cluster.objects.filter(status=Cluster.Status.UNCONFIRMED).values_list(
            "key", flat=True
        )
    )
    assert unconfirmed == ONLY_IN_2019
    # Every active one is described by the current English page: a profile with
    # figures, or a segment of one.
    for active in Cluster.objects.filter(status=Cluster.Status.ACTIVE):
        assert active.parent_id or active.snapshots.filter(year__gt=2019), active.key


def test_an_unconfirmed_cluster_says_since_when(loaded, client):
    jajko = cluster("klaster-lubelskie-jajko")
    with translation.override("pl"):
        page = client.get(jajko.get_absolute_url()).content.decode()
    assert "brak informacji od 2019 r." in page
    assert "aktywny" not in page


def test_only_the_undated_english_pages_figures_are_not_before_their_year(loaded):
    """The explore-lublin page gives no date: its figures are filed under 2024, the
    earliest it can be from, and flagged so; the 2019 table's are dated."""
    undated = MembershipSnapshot.objects.filter(year_is_earliest=True)
    assert undated.count() == 18
    assert all("explore-lublin" in s.source_en for s in undated)
    assert set(undated.values_list("year", flat=True)) == {2024}
    dated = MembershipSnapshot.objects.filter(year_is_earliest=False)
    assert set(dated.values_list("year", flat=True)) == {2019}
    assert cluster("wschodni-klaster-ict").current_year_is_earliest is True


@pytest.mark.parametrize("role", ["editor", "publisher"])
def test_every_starter_highland_saves_with_only_its_english_changed(
    loaded, client, role, request
):
    """Changing only an English text of a starter Highland is not refused over a
    Polish field the fixture left empty."""
    client.force_login(request.getfixturevalue(role))
    for highland in Highland.objects.all():
        url = reverse("admin:ecosystems_highland_change", args=[highland.pk])
        data = form_values(client.get(url).content.decode())
        data["summary_en"] = [data["summary_en"][0] + " (checked)"]
        response = client.post(url, data)
        assert response.status_code == HTTPStatus.FOUND, highland.key
        saved = revisions.latest(Highland, highland.pk).content["fields"]
        assert saved["summary_en"].endswith(" (checked)"), highland.key
