import pytest
from django.contrib.auth.models import Group, User

from tests.staff_sessions import StaffClient, with_second_factor


def pytest_collection_modifyitems(config, items):
    """The two-server test runs only when `-m` names it (`make two-servers`, in
    .ci/run): it needs PostgreSQL, Redis and nginx at once, and a minute. Left out
    here rather than by `-m` in addopts, which any other `-m` would replace."""
    if "two_servers" in (config.getoption("markexpr") or ""):
        return
    left_out = [item for item in items if item.get_closest_marker("two_servers")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if item not in left_out]


@pytest.fixture(autouse=True)
def exports_dir(settings, tmp_path):
    """A folder of full dumps for each test: a dump kept for a content version that a
    test's rolled-back rows made must not be served in the next test."""
    settings.EXPORTS_DIR = tmp_path / "exports"


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
