"""Test data helpers: `make_<model>(**overrides)` returns a saved, published record."""

from itertools import count

from clusters.models import Cluster, Coordinator, MembershipSnapshot, Page
from contacts.models import Team, TeamMember, Unit
from ecosystems.models import Highland

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
    values = {"year": 2024, "members": 10, "enterprises": 8}
    return MembershipSnapshot.objects.create(cluster=cluster, **values | overrides)


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
