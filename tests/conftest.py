import pytest
from django.contrib.auth.models import Group, User


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
    return user
