"""The rota each server process keeps (bookings/rota.py): read once, then again only after
a change, and never holding a change that rolled back."""

from datetime import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bookings.models import WorkingHours
from bookings.rota import current_rota

from .factories import make_practitioner, make_service

# Outside the test suite's own transaction, as a server runs.
pytestmark = pytest.mark.django_db(transaction=True)


def queries(read) -> int:
    with CaptureQueriesContext(connection) as captured:
        read()
    return len(captured)


class Rollback(Exception):
    pass


def test_it_is_read_once_and_again_after_a_change():
    sam = make_practitioner(make_service())
    assert queries(current_rota) == 7
    assert queries(current_rota) == 0
    WorkingHours.objects.create(practitioner=sam, weekday=6, start_time=time(20), end_time=time(22))
    assert (time(20), time(22)) in current_rota().hours[sam.pk][6]
    assert queries(current_rota) == 0


def test_a_change_that_rolls_back_is_forgotten():
    sam = make_practitioner(make_service())
    assert (time(20), time(22)) not in current_rota().hours[sam.pk][6]
    with pytest.raises(Rollback), transaction.atomic():
        WorkingHours.objects.create(
            practitioner=sam, weekday=6, start_time=time(20), end_time=time(22)
        )
        # Inside the transaction the rota shows its own change...
        assert (time(20), time(22)) in current_rota().hours[sam.pk][6]
        raise Rollback
    # ...and once it has rolled back, nothing of it is left.
    assert (time(20), time(22)) not in current_rota().hours[sam.pk][6]


def test_a_rota_read_in_a_transaction_that_changed_nothing_is_kept():
    make_practitioner(make_service())
    current_rota()
    with transaction.atomic():
        assert queries(current_rota) == 0
    assert queries(current_rota) == 0


def test_a_booking_asks_the_cache_for_the_version_once(client, monkeypatch):
    """Within one request the version is read once: only the request's own changes could
    move it, and those are seen (the first test above)."""
    from bookings import rota as rota_module

    from .factories import days_ahead
    from .test_views import DETAILS, url_for

    service = make_service()
    sam = make_practitioner(service)
    url = url_for(service, sam, days_ahead(3, 10))
    reads = []
    original = rota_module.page_version
    monkeypatch.setattr(
        rota_module, "page_version", lambda group: reads.append(group) or original(group)
    )
    assert client.post(url, DETAILS).status_code == 303
    assert reads == ["availability"]
    # Outside a request (a command, the worker's scheduler thread), every call asks.
    current_rota()
    current_rota()
    assert len(reads) == 3


def test_a_cache_that_is_away_is_asked_once_per_request(client, monkeypatch):
    """Each try at a hanging cache can wait CACHE_TIMEOUT: a request does not try again."""
    from bookings import rota as rota_module

    from .factories import days_ahead
    from .test_views import url_for

    service = make_service()
    sam = make_practitioner(service)
    tries = []

    def away(group):
        tries.append(group)
        raise ConnectionError("cache away")

    monkeypatch.setattr(rota_module, "page_version", away)
    assert client.get(url_for(service, sam, days_ahead(3, 10))).status_code == 200
    assert tries == ["availability"]
