"""Browser tests: the site on 127.0.0.1, driven by Debian's Chromium through Playwright.

How the pieces fit, and why:

- The site runs in pytest-django's live server thread on 127.0.0.1 (any free port),
  serving static files from the finders as `runserver` does, so the browser gets the
  stylesheets and scripts of the working tree, never a stale `collectstatic` copy.
  Nothing leaves the loopback interface.
- Sync Playwright keeps its event loop marked as running in the main thread between
  calls, so every ORM call made there (the test body, and the fixtures that load and
  reset the database) would raise SynchronousOnlyOperation. We set
  DJANGO_ALLOW_ASYNC_UNSAFE, and only while the browser is open: the `browser`
  fixture is scoped to this package and removes the variable when it closes, so no
  other test runs with the check off. It is safe here because that loop is idle
  whenever test code runs (it only turns while a Playwright call waits), and the
  site itself answers in threads of its own, where the check never fires. Keeping
  the ORM out of the test body instead would not be enough: with one browser shared
  by the whole run, pytest-django's own per-test database setup and flush run in
  the main thread too.
- The starter content (`loaddata ecosystems clusters contacts`) takes 1-2 s to load
  and pytest-django's flush after a transactional test up to 2 s more on PostgreSQL;
  paid by each of some ninety tests, that alone would take minutes. So the content is
  loaded once and shared by the tests that only read it (`transactional_db` below
  gives committed access without the flush); a test that changes content asks for
  `editable_site`, and the next test that needs the starter content reloads it into
  an emptied database. The package leaves the database as migrations made it (no
  content, the staff groups).
- While Playwright runs, code in the main thread sees contextvars of its own, so
  Django opens database connections for it apart from the ones it had; the `browser`
  fixture closes them when it closes.
- The public page cache is a local-memory cache of this package's own, emptied
  before every test: a page cached by one test is never served to the next.
- No Chromium: the tests skip with the reason, except in CI (`CI=true`), where they
  fail.
"""

import importlib
import os
import shutil
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.test.utils import override_settings
from playwright.sync_api import ConsoleMessage, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from contacts.models import AccessibilityStatement, Unit
from tests.e2e.pages import BROWSER_LOCALES, HEIGHTS, PASSWORD, WIDTHS
from tests.staff_sessions import StaffClient, with_second_factor

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTER_FIXTURES = ["ecosystems", "clusters", "contacts"]
# The data migrations that make the staff groups and grant them permissions: run
# again after a flush, with the models as they were then.
STAFF_GROUP_MIGRATIONS = [
    ("clusters", "0002_staff_groups", "create_groups"),
    ("contacts", "0003_publish_permissions", "grant_to_publishers"),
    ("clusters", "0012_report_document", "grant_documents"),
    ("clusters", "0013_logos", "grant_image_permissions"),
    ("clusters", "0017_site_identity_permissions", "grant_identity_permissions"),
]


def chromium_executable() -> str | None:
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"true", "1"}


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the package; each test gets a fresh context of its own."""
    executable = chromium_executable()
    if executable is None:
        reason = f"Chromium is not installed ({CHROMIUM} or `chromium` on PATH)"
        if in_ci():
            pytest.fail(f"{reason}: CI=true requires the browser tests.", pytrace=False)
        pytest.skip(f"{reason}: browser tests skipped (apt-get install chromium).")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=executable, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
            # Code run while Playwright is on sees contextvars of its own, so Django
            # gave it database connections of its own: close them, or PostgreSQL
            # refuses to drop the test database at the end.
            connections.close_all()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class StarterSite:
    """The starter content and one user per role, in the live server's database."""

    is_pristine: bool = False
    users: dict = field(default_factory=dict)

    def reset(self, *, with_content: bool = True) -> None:
        name = str(connection.settings_dict["NAME"])
        if not (name.startswith("test_") or "mode=memory" in name):
            raise RuntimeError(f"Refusing to empty {name!r}: not a test database.")
        call_command("flush", interactive=False, verbosity=0)
        # The staff groups come from data migrations, which a flush empties: run
        # them again, with the models as they were then.
        for app, migration_name, function in STAFF_GROUP_MIGRATIONS:
            migration = importlib.import_module(f"{app}.migrations.{migration_name}")
            state = MigrationLoader(connection).project_state((app, migration_name))
            getattr(migration, function)(state.apps, None)
        if with_content:
            call_command("loaddata", *STARTER_FIXTURES, verbosity=0)
            complete_the_statement()
            self.users = {
                # Superusers and publishers sign in with the second factor.
                "admin": with_second_factor(
                    User.objects.create_superuser("admin", password=PASSWORD)
                ),
                "editor": self.staff_user("editor", "editors"),
                "publisher": with_second_factor(
                    self.staff_user("publisher", "publishers")
                ),
            }
        self.is_pristine = with_content

    @staticmethod
    def staff_user(username: str, group: str) -> User:
        user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        return user


def complete_the_statement() -> None:
    """The starter statement is a draft until staff complete it (issue 20): here it
    is completed with test values and published, so that its page is checked as the
    others are. Nothing of it is starter content."""
    statement = AccessibilityStatement.objects.get(key="accessibility-statement")
    Unit.objects.filter(pk=statement.contact_team.unit_id).update(
        email="klastry@example.org"
    )
    AccessibilityStatement.objects.filter(pk=statement.pk).update(
        status=AccessibilityStatement.Status.COMPLIANT,
        prepared_on=date(2026, 1, 10),
        published_on=date(2026, 1, 15),
        updated_on=date(2026, 1, 15),
        architecture_pl="<p>Test: budynek.</p>",
        architecture_en="<p>Test: the building.</p>",
        mobile_apps_pl="<p>Test: aplikacje.</p>",
        mobile_apps_en="<p>Test: applications.</p>",
        is_published=True,
    )


@pytest.fixture(scope="package")
def site_database(django_db_setup, django_db_blocker):
    site = StarterSite()
    yield site
    with django_db_blocker.unblock():
        site.reset(with_content=False)


@pytest.fixture(scope="package")
def live_server(site_database):
    """pytest-django's live server, on the loopback address, with a cache of its own.

    Requesting a fixture of this name is also what makes pytest-django create the
    test database for these tests and run them with its transactional tests.
    """
    with override_settings(
        CACHES={
            **settings.CACHES,
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "browser-tests",
            },
        }
    ):
        server = LiveServer("127.0.0.1", start=False)
        # Static files from the finders, as `runserver` serves them. pytest-django
        # only does so when INSTALLED_APPS names "django.contrib.staticfiles" itself,
        # and the project installs it through an AppConfig of its own.
        server.thread.static_handler = StaticFilesHandler
        server.start()
        yield server
        server.stop()


@pytest.fixture
def transactional_db(django_db_setup, django_db_blocker):
    """Committed database access for the test and the live server.

    Replaces pytest-django's fixture of this name, which the live server requests:
    that one empties the database after every test, and the starter content is
    shared here instead (see the module's docstring).
    """
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def starter_site(live_server, transactional_db, site_database):
    """The starter content, unchanged by earlier tests, and an empty page cache."""
    if not site_database.is_pristine:
        site_database.reset()
    cache.clear()
    yield site_database
    cache.clear()


@pytest.fixture
def editable_site(starter_site):
    """The starter content, for a test that changes it: reloaded after the test."""
    yield starter_site
    starter_site.is_pristine = False


@dataclass
class ConsoleLog:
    """What the pages of a test reported: console errors and uncaught exceptions."""

    errors: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return [error for error in self.errors if "Content Security Policy" in error]


# Chromium logs what the policy blocks; this adds where (directive, file and line).
# Init scripts run outside the page's policy, so this one is never blocked itself.
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content Security Policy violation: ${event.violatedDirective}`
    + ` blocked ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def console() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture
def new_context(browser, live_server, starter_site, console):
    """`new_context(language="pl", width="desktop")`: a fresh browser profile.

    The language is the browser's (the admin follows it); the public pages take
    theirs from the address. Every page's console errors go to `console`. Contexts
    are closed after the test.
    """
    contexts = []

    def watch(page: Page) -> None:
        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                console.errors.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        page.on(
            "pageerror", lambda error: console.errors.append(f"{page.url}: {error}")
        )

    def new_context(*, language: str = "pl", width: str = "desktop", density=1):
        context = browser.new_context(
            base_url=live_server.url,
            locale=BROWSER_LOCALES[language],
            viewport={"width": WIDTHS[width], "height": HEIGHTS[width]},
            device_scale_factor=density,
        )
        # CI runs the SQLite pass beside these, on two cores: room for a slow step.
        context.set_default_timeout(30_000)
        context.add_init_script(CSP_REPORTER)
        context.on("page", watch)
        contexts.append(context)
        return context

    yield new_context
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context) -> Page:
    return context.new_page()


@pytest.fixture
def sign_in(starter_site):
    """`sign_in(context, "admin")`: a signed-in session for the browser, no form.

    For the pages behind the login; the journeys sign in through the form itself.
    """

    def sign_in(context, role: str) -> None:
        client = StaffClient()
        client.force_login(starter_site.users[role])
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [
                {
                    "name": cookie.key,
                    "value": cookie.value,
                    "domain": "127.0.0.1",
                    "path": "/",
                    "httpOnly": True,
                }
            ]
        )

    return sign_in
