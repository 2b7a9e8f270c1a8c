import pytest

from .factories import make_practitioner, make_service


@pytest.fixture
def service(db):
    return make_service(slug="initial-assessment", name="Initial assessment")


@pytest.fixture
def practitioner(service):
    return make_practitioner(service, name="Sam Patel", slug="sam-patel")
