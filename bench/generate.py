"""Fill the database named by DATABASE_URL with N synthetic but realistic clusters.

Both languages, Polish diacritics, 3 yearly snapshots, 6 list items, 2 projects, 1–2
coordinators and 5 member organisations per cluster, the five Highlands. Bulk inserts
in one transaction, then the derived search text computed by the application's own
code in one process per CPU. Run from the directory of the code to fill the database
for (bench/run.py --code): its models are imported from there.

    python bench/generate.py 10000
"""

import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lublin.settings")

import django  # noqa: E402

django.setup()

from django.db import connections, transaction  # noqa: E402

from clusters.models import (  # noqa: E402
    Cluster,
    ClusterItem,
    Coordinator,
    Membership,
    MembershipSnapshot,
    Organisation,
    Page,
    Project,
)
from cms.caching import bump_content_version  # noqa: E402
from contacts.models import Team, TeamMember, Unit  # noqa: E402
from ecosystems.models import Highland  # noqa: E402

HIGHLANDS = [
    ("it", "Informatyczna", "IT"),
    ("medical", "Medyczna", "Medical"),
    ("biotech", "Biotechnologiczna", "Biotechnological"),
    ("automotive", "Motoryzacyjno-Maszynowa", "Automotive and Machine"),
    ("aviation", "Lotnicza", "Aviation"),
]
SECTORS_PL = [
    "biotechnologiczny",
    "medyczny",
    "informatyczny",
    "lotniczy",
    "spożywczy",
    "ekologiczny",
    "energetyczny",
    "budowlany",
    "turystyczny",
    "motoryzacyjny",
    "chemiczny",
    "drzewny",
]
SECTORS_EN = [
    "Biotechnology",
    "Medical",
    "IT",
    "Aviation",
    "Food",
    "Green",
    "Energy",
    "Construction",
    "Tourism",
    "Automotive",
    "Chemical",
    "Wood",
]
TOWNS = ["Lubelski", "Wschodni", "Świdnicki", "Puławski", "Zamojski", "Chełmski"]
WORDS = (
    "współpraca innowacje przedsiębiorstwa uczelnie badania rozwój eksport "
    "technologie szkolenia doradztwo jakość żywność zdrowie energia środowisko"
).split()


def characteristics(rng: random.Random, sector: str) -> str:
    sentences = [
        f"Klaster {sector} zrzesza firmy, uczelnie i instytucje otoczenia biznesu.",
        " ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + ".",
        " ".join(rng.choice(WORDS) for _ in range(30)).capitalize() + ".",
    ]
    return "\n\n".join(sentences)


# Clusters whose search text one process computes at a time.
CHUNK = 1000


@transaction.atomic
def generate(size: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    highlands = Highland.objects.bulk_create(
        Highland(
            key=key,
            name_pl=f"Wyżyna {pl}",
            name_en=f"{en} Highland",
            slug_pl=f"wyzyna-{key}",
            slug_en=f"{key}-highland",
            summary_pl=f"Ekosystem {pl.lower()} Lublina.",
            summary_en=f"Lublin's {en} ecosystem.",
            body_pl="Opis wyżyny.\n\n" * 5,
            body_en="About the Highland.\n\n" * 5,
            is_published=True,
            order=order,
        )
        for order, (key, pl, en) in enumerate(HIGHLANDS)
    )
    coordinators = Coordinator.objects.bulk_create(
        Coordinator(
            key=f"coordinator-{n}",
            name_pl=f"Fundacja Rozwoju {rng.choice(TOWNS)} {n}",
            name_en=f"Development Foundation {n}",
        )
        for n in range(max(size // 2, 1))
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Przedsiębiorstwo {n} sp. z o.o.", kind="enterprise")
        for n in range(max(size, 50))
    )
    clusters = []
    cluster_coordinators = []
    for n in range(size):
        sector = rng.randrange(len(SECTORS_PL))
        town = rng.choice(TOWNS)
        cluster = Cluster(
            key=f"cluster-{n}",
            name_pl=f"{town} Klaster {SECTORS_PL[sector].capitalize()} {n}",
            name_en=f"{SECTORS_EN[sector]} Cluster {town} {n}",
            slug_pl=f"klaster-{n}",
            slug_en=f"cluster-{n}",
            year_established=rng.randint(1995, 2024),
            status=rng.choice(["active"] * 9 + ["inactive"]),
            characteristics_pl=characteristics(rng, SECTORS_PL[sector]),
            characteristics_en=f"A {SECTORS_EN[sector].lower()} cluster. " * 10,
            website=f"https://klaster-{n}.example.org/",
            is_published=n % 20 != 19,  # 5% unpublished; klaster-7 is shown
        )
        chosen = rng.sample(coordinators, k=min(len(coordinators), rng.randint(1, 2)))
        clusters.append(cluster)
        cluster_coordinators.append(chosen)
    clusters = Cluster.objects.bulk_create(clusters, batch_size=1000)

    coordinator_links, highland_links = [], []
    snapshots, items, projects, memberships = [], [], [], []
    CoordinatorLink = Cluster.coordinators.through
    HighlandLink = Cluster.highlands.through
    for cluster, chosen in zip(clusters, cluster_coordinators, strict=True):
        coordinator_links += [
            CoordinatorLink(cluster_id=cluster.pk, coordinator_id=c.pk) for c in chosen
        ]
        highland_links += [
            HighlandLink(cluster_id=cluster.pk, highland_id=h.pk)
            for h in rng.sample(highlands, k=rng.randint(1, 2))
        ]
        members = rng.randint(5, 150)
        for year in (2022, 2023, 2024):
            snapshots.append(
                MembershipSnapshot(
                    cluster=cluster,
                    year=year,
                    members=members,
                    enterprises=members * 7 // 10,
                    business_environment_institutions=members // 10,
                    universities=rng.randint(0, 3),
                    source="Ankieta Urzędu Miasta Lublin",
                )
            )
            members = max(5, members + rng.randint(-3, 10))
        for order, kind in enumerate(
            ["goal", "goal", "activity", "benefit", "service", "product"]
        ):
            items.append(
                ClusterItem(
                    cluster=cluster,
                    kind=kind,
                    order=order,
                    text_pl=f"{rng.choice(WORDS).capitalize()} i {rng.choice(WORDS)}",
                    text_en="Cooperation and innovation",
                )
            )
        projects += [
            Project(
                cluster=cluster,
                order=order,
                title_pl=f"Projekt {rng.choice(WORDS)}",
                title_en="Flagship project",
                description_pl="Opis projektu. " * 8,
            )
            for order in range(2)
        ]
        memberships += [
            Membership(cluster=cluster, organisation=organisation)
            for organisation in rng.sample(organisations, k=5)
        ]
    for model, rows in [
        (CoordinatorLink, coordinator_links),
        (HighlandLink, highland_links),
        (MembershipSnapshot, snapshots),
        (ClusterItem, items),
        (Project, projects),
        (Membership, memberships),
    ]:
        model.objects.bulk_create(rows, batch_size=2000)
    # Bulk inserts skip save(): the figures are derived now, the search text after.
    Cluster.objects.refresh_current_figures()

    Page.objects.bulk_create(
        Page(
            key=key,
            title_pl=title,
            title_en=title,
            slug_pl=key,
            slug_en=key,
            body_pl="Tekst strony.\n\n" * 10,
            is_published=True,
        )
        for key, title in [
            ("about-clusters", "O klastrach"),
            ("lublin-economic-highlands", "Lubelskie Wyżyny Gospodarcze"),
        ]
    )
    unit = Unit.objects.create(key="unit", name_pl="Referat ds. Relacji Biznesowych")
    team = Team.objects.create(key="team", unit=unit, name_pl="Zespół ds. Klastrów")
    TeamMember.objects.bulk_create(
        TeamMember(team=team, name=f"Osoba {n}", phone="81 466 25 05", order=n)
        for n in range(4)
    )


def refresh_search_text(first_pk: int) -> None:
    with transaction.atomic():
        Cluster.objects.filter(
            pk__gte=first_pk, pk__lt=first_pk + CHUNK
        ).refresh_search_text()


def refresh_all_search_text() -> None:
    """The search text of every cluster, computed in one process per CPU: the
    application's own code, which takes about 3 ms a cluster."""
    keys = Cluster.objects.order_by("pk").values_list("pk", flat=True)
    first, last = keys.first(), keys.last()
    connections.close_all()  # each process opens its own
    with multiprocessing.get_context("fork").Pool(os.cpu_count()) as pool:
        pool.map(refresh_search_text, range(first, last + 1, CHUNK), chunksize=1)


if __name__ == "__main__":
    size = int(sys.argv[1])
    if Cluster.objects.exists():
        sys.exit("The benchmark database already holds clusters.")
    started = time.monotonic()
    generate(size)
    inserted = time.monotonic()
    refresh_all_search_text()
    bump_content_version()  # bulk inserts and updates send no signals
    print(
        f"generated {Cluster.objects.count()} clusters: rows inserted in"
        f" {inserted - started:.0f} s, search text in {time.monotonic() - inserted:.0f} s"
    )
