import pytest
from django.contrib.auth.models import Group, User

from .factories import make_practitioner, make_service


@pytest.fixture
def service(db):
    return make_service(slug="initial-assessment", name="Initial assessment")


@pytest.fixture
def practitioner(service):
    return make_practitioner(service, name="Sam Patel", slug="sam-patel")


@pytest.fixture
def desk(db) -> User:
    """A member of the Reception group (tests/bookings/test_admin.py has its own)."""
    user = User.objects.create(username="desk", is_staff=True)
    user.groups.add(Group.objects.get(name="Reception"))
    return user


@pytest.fixture
def reception(client, desk):
    client.force_login(desk)
    return client
