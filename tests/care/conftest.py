import pytest
from django.contrib.auth.models import Group, User

from tests.bookings.factories import (
    days_ahead,
    make_appointment,
    make_patient,
    make_practitioner,
    make_service,
)

from .factories import make_programme


def staff_in(username: str, group: str | None) -> User:
    user = User.objects.create(username=username, is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def service(db):
    return make_service(slug="initial-assessment", name="Initial assessment")


@pytest.fixture
def physio(db) -> User:
    return staff_in("physio", "Physiotherapist")


@pytest.fixture
def practitioner(service, physio):
    return make_practitioner(service, name="Sam Patel", slug="sam-patel", user=physio)


@pytest.fixture
def patient(db):
    return make_patient()


@pytest.fixture
def seen(practitioner, service, patient):
    """Ann's assessment with Sam, last week."""
    return make_appointment(practitioner, service, days_ahead(-7, 10), patient=patient)


@pytest.fixture
def programme(seen, practitioner, patient):
    return make_programme(patient, practitioner, appointment=seen)
