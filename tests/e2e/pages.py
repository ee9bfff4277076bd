"""The pages the browser tests visit, and what they check on them with axe-core."""

import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page

from clusters.models import Cluster
from ecosystems.models import Highland

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
LANGUAGES = ["pl", "en"]
PASSWORD = "e2e-Password-not-secret-1"  # of every user the tests create
BROWSER_LOCALES = {"pl": "pl-PL", "en": "en-GB"}
WIDTHS = {"desktop": 1280, "phone": 390}
HEIGHTS = {"desktop": 800, "phone": 844}
WIDTH_IDS = [f"{width}px" for width in WIDTHS.values()]  # test ids: 1280px, 390px
# A cluster with the most on its page: a chart, lists, projects, members, a Highland.
SHOWCASE_CLUSTER = "klaster-wyzyna-motoryzacyjna-i-maszynowa"
SHOWCASE_HIGHLAND = "lublin-automotive-and-machine-highland"
PUBLIC_PAGES = [
    "home",
    "directory",
    "directory-filtered",
    "directory-empty",
    "cluster",
    "highland",
    "highlands",
    "about",
    "team",
    "statement",
    "not-found",
]
ADMIN_PAGES = ["login", "cluster-list", "cluster-form"]
WCAG_21_AA = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
    },
    "resultTypes": ["violations"],
}
# Open WCAG defects of third-party widgets on the admin's cluster form: (rule, the
# elements it excuses, where the defect lives). Only those elements are excused; any
# other violation fails, and so does an entry that no longer occurs, so the list can
# only shrink. Reported with issue 6; each needs an admin override to fix.
KNOWN_ADMIN_DEFECTS = [
    (
        "aria-input-field-name",
        r"select2",
        "Django's autocomplete widget (select2): the single-choice box has no name",
    ),
    (
        "label",
        r"select2-search__field",
        "select2: the search box of a multiple choice has no label",
    ),
    (
        "list",
        r"select2-selection--multiple",
        "select2: the list of chosen items holds other elements than <li>",
    ),
    (
        "label",
        r"^#id_(snapshots|items|membership_set)-\d+-",
        "Django's tabular inlines: fields named only by their column heading",
    ),
    (
        "select-name",
        r"^#id_items-\d+-kind$",
        "Django's tabular inlines: the list item's kind, named only by its heading",
    ),
    (
        "label",
        r"^#id_publish_(from|until)_[01]$",
        "Django's AdminSplitDateTime: date and time boxes named by plain text only",
    ),
    (
        "select-name",
        r"^#modeltranslation-main-switch$",
        "django-modeltranslation: the page-wide language switch has no label",
    ),
    (
        "nested-interactive",
        r"tab_id_|ui-tabs",
        "django-modeltranslation's jQuery UI tabs: a link inside each tab",
    ),
    (
        "link-in-text-block",
        r"^\.breadcrumbs > a",
        "Django admin's breadcrumbs: links told from text by colour alone",
    ),
]
MAX_TARGETS_SHOWN = 8
_axe = Axe()  # the axe-core the package bundles, read once


def public_url(name: str, language: str) -> str:
    """The address of a public page in `language`, from the starter content."""
    with translation.override(language):
        directory = reverse("clusters:list")
        if name == "home":
            return reverse("ecosystems:home")
        if name == "directory":
            return directory
        if name == "directory-filtered":
            highland = Highland.objects.get(key=SHOWCASE_HIGHLAND)
            return f"{directory}?highland={highland.slug}"
        if name == "directory-empty":
            return f"{directory}?q=zzzzzz"
        if name == "cluster":
            return Cluster.objects.get(key=SHOWCASE_CLUSTER).get_absolute_url()
        if name == "highland":
            return Highland.objects.get(key=SHOWCASE_HIGHLAND).get_absolute_url()
        if name == "highlands":
            return reverse("ecosystems:list")
        if name == "about":
            return reverse("clusters:about")
        if name == "team":
            return reverse("contacts:team")
        if name == "statement":
            return reverse("contacts:accessibility")
        if name == "not-found":
            return f"/{language}/no-such-page/"
    raise ValueError(f"Unknown page {name!r}.")


def admin_url(name: str) -> str:
    if name == "login":
        return reverse("admin:login")
    if name == "cluster-list":
        return reverse("admin:clusters_cluster_changelist")
    if name == "cluster-form":
        cluster = Cluster.objects.get(key=SHOWCASE_CLUSTER)
        return reverse("admin:clusters_cluster_change", args=[cluster.pk])
    raise ValueError(f"Unknown admin page {name!r}.")


def wcag_violations(page: Page) -> list[dict]:
    """axe-core's WCAG 2.0/2.1 level A and AA violations on the page as it is now."""
    return _axe.run(page, options=WCAG_21_AA).response["violations"]


def without_known_defects(
    violations: list[dict], known: list[tuple[str, str, str]]
) -> tuple[list[dict], list[tuple[str, str, str]]]:
    """The violations left once the known defects' elements are taken out, and the
    known defects that did not occur."""
    left, seen = [], set()
    for violation in violations:
        nodes = []
        for node in violation["nodes"]:
            target = node_target(node)
            excused = {
                index
                for index, (rule, pattern, _where) in enumerate(known)
                if rule == violation["id"] and re.search(pattern, target)
            }
            seen |= excused
            if not excused:
                nodes.append(node)
        if nodes:
            left.append(violation | {"nodes": nodes})
    return left, [defect for index, defect in enumerate(known) if index not in seen]


def describe(violations: list[dict], where: str) -> str:
    """One line per violation: rule, impact, what it asks, and the elements."""
    lines = [f"{len(violations)} WCAG 2.1 AA violation(s) on {where}:"]
    for violation in violations:
        targets = [node_target(node) for node in violation["nodes"]]
        shown = "; ".join(targets[:MAX_TARGETS_SHOWN])
        if len(targets) > MAX_TARGETS_SHOWN:
            shown += f"; and {len(targets) - MAX_TARGETS_SHOWN} more"
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" [{shown}] {violation['helpUrl']}"
        )
    return "\n".join(lines)


def node_target(node: dict) -> str:
    """The element's CSS selector (frames and shadow roots joined by >>>)."""
    return " >>> ".join(map(str, node["target"]))
