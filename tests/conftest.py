import pytest
from django.contrib.auth.models import Group, User

from tests.staff_sessions import StaffClient, with_second_factor


def pytest_addoption(parser) -> None:
    parser.addoption(
        "--restore-after-transactions",
        action="store_true",
        help="Leave the test database with the rows it had at the start, after tests "
        "run in real transactions have emptied it (for `make mutate`).",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items) -> None:
    """`make mutate` runs each mutant's tests in a process of its own on one test
    database that all reuse (--reuse-db, docs/testing.md). Left empty by one run's
    transactional tests, it would lack the staff groups and the other rows the
    migrations create in every run after it, and tests needing them would fail
    whatever the mutant. With this option the rows are kept (Django's serialized
    rollback) and put back at the end of the run (restored_rows)."""
    if not config.getoption("restore_after_transactions"):
        return
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction"):
            restoring = marker.kwargs | {"serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(**restoring), append=False)


@pytest.fixture(scope="session", autouse=True)
def restored_rows(request):
    if not request.config.getoption("restore_after_transactions"):
        yield
        return
    request.getfixturevalue("django_db_setup")
    yield
    from django.db import connection

    contents = getattr(connection, "_test_serialized_contents", None)
    with request.getfixturevalue("django_db_blocker").unblock():
        if contents and not Group.objects.exists():
            connection.creation.deserialize_db_from_string(contents)


@pytest.fixture
def client() -> StaffClient:
    """pytest-django's client, whose force_login uses the user's second factor."""
    return StaffClient()


@pytest.fixture
def admin_user(admin_user) -> User:
    """pytest-django's superuser, with the second factor superusers need."""
    return with_second_factor(admin_user)


@pytest.fixture
def admin_client(client, admin_user) -> StaffClient:
    client.force_login(admin_user)
    return client


@pytest.fixture
def editor(db) -> User:
    user = User.objects.create_user(
        "editor", password="unused-Password-1", is_staff=True
    )
    user.groups.add(Group.objects.get(name="editors"))
    return user


@pytest.fixture
def publisher(db) -> User:
    user = User.objects.create_user(
        "publisher", password="unused-Password-1", is_staff=True
    )
    user.groups.add(Group.objects.get(name="publishers"))
    # Publishers reach the admin only with the second factor.
    return with_second_factor(user)


@pytest.fixture
def set_identity(db):
    """`set_identity(site_name_pl=…)`: the site's identity record, the starter values
    with those given. Afterwards the content version is replaced, so that no process
    memory (cms/site_identity.py) keeps the rolled-back record for the next test."""
    from cms.caching import bump_content_version
    from cms.identity import SiteIdentity, starter_identity

    def set_identity(**values) -> SiteIdentity:
        identity = SiteIdentity.objects.first() or starter_identity()
        for name, value in values.items():
            setattr(identity, name, value)
        identity.full_clean(validate_unique=False)
        identity.save()
        return identity

    yield set_identity
    bump_content_version()
