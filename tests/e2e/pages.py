"""The pages the browser tests visit, and what they check on them with axe-core."""

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page

from clusters.models import Cluster, Report
from contacts.models import Team
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
    "overview",
    "growth",
    "cluster",
    "coordinator",
    "highland",
    "highlands",
    "about",
    "team",
    "statement",
    "open-data",
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
MAX_TARGETS_SHOWN = 8
_axe = Axe()  # the axe-core the package bundles, read once


def public_url(name: str, language: str) -> str:
    """The address of a public page in `language`, from the starter content."""
    with translation.override(language):
        directory = reverse("clusters:list")
        if name == "home":
            return reverse("home")
        if name == "directory":
            return directory
        if name == "directory-filtered":
            highland = Highland.objects.get(key=SHOWCASE_HIGHLAND)
            return f"{directory}?highland={highland.slug}"
        if name == "directory-empty":
            return f"{directory}?q=zzzzzz"
        if name == "overview":
            return reverse("clusters:overview")
        if name == "growth":
            return reverse("clusters:growth")
        if name == "cluster":
            return Cluster.objects.get(key=SHOWCASE_CLUSTER).get_absolute_url()
        if name == "coordinator":
            cluster = Cluster.objects.get(key=SHOWCASE_CLUSTER)
            return cluster.coordinators.get().get_absolute_url()
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
        if name == "open-data":
            return reverse("open_data_page")
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
    return staff_page_url(name)


# The rest of what staff reach, checked in Polish, their language.
STAFF_PAGES = [
    "dashboard",
    "history",
    "revisions",
    "figures-import",
    "cluster-export",
    "quality",
    "translations",
    "highland-form",
    "team-form",
    "report-form",
    "image-form",
    "document-form",
    "user-form",
    "group-form",
    "password-change",
]


def staff_page_url(name: str) -> str:
    cluster = Cluster.objects.get(key=SHOWCASE_CLUSTER)
    record = {
        "history": ("admin:clusters_cluster_history", [cluster.pk]),
        "revisions": ("admin:clusters_cluster_revisions", [cluster.pk]),
        "highland-form": (
            "admin:ecosystems_highland_change",
            [Highland.objects.get(key=SHOWCASE_HIGHLAND).pk],
        ),
        "team-form": ("admin:contacts_team_change", [Team.objects.first().pk]),
        "report-form": ("admin:clusters_report_change", [Report.objects.first().pk]),
        "user-form": (
            "admin:auth_user_change",
            [User.objects.get(username="editor").pk],
        ),
        "group-form": (
            "admin:auth_group_change",
            [Group.objects.get(name="editors").pk],
        ),
    }
    if name in record:
        view, args = record[name]
        return reverse(view, args=args)
    views = {
        "dashboard": "admin:index",
        "figures-import": "admin:clusters_membershipsnapshot_import",
        "cluster-export": "admin:clusters_cluster_export",
        "quality": "admin:clusters_quality",
        "translations": "admin:clusters_translations",
        "image-form": "admin:cms_image_add",
        "document-form": "admin:cms_document_add",
        "password-change": "admin:password_change",
    }
    if name in views:
        return reverse(views[name])
    raise ValueError(f"Unknown admin page {name!r}.")


def wcag_violations(page: Page) -> list[dict]:
    """axe-core's WCAG 2.0/2.1 level A and AA violations on the page as it is now."""
    return _axe.run(page, options=WCAG_21_AA).response["violations"]


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


# Dispatches a "leave the page?" check; true when a script asked to warn.
WOULD_WARN = """() => {
  const leaving = new Event("beforeunload", {cancelable: true});
  window.dispatchEvent(leaving);
  return leaving.defaultPrevented;
}"""


def fill_formatted_text(page: Page, field_id: str, text: str) -> None:
    """Types `text` in place of a formatted text's content, in its editor's box
    (cms/rich_text.py), as a person does: the field itself is hidden."""
    box = page.locator(
        f".prose-editor:has(#{field_id}) .ProseMirror[contenteditable=true]"
    )
    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
