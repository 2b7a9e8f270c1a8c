"""Booking pages cost the same number of queries however many rows they show."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.models import ClinicClosure

from .factories import days_ahead, make_appointment, make_patient, make_practitioner, make_service

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pages_built_afresh(settings):
    # Served from the page cache, a page costs no query at all: count the building.
    settings.AVAILABILITY_CACHE_SECONDS = 0
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def queries_for(client, url: str) -> int:
    client.get(url)  # warm the cached clinic details first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    assert response.context is not None, f"{url} came from the page cache"
    return len(queries)


def test_the_service_list_costs_the_same_with_one_service_or_twenty(client):
    make_service()
    one = queries_for(client, "/book/")
    for _ in range(19):
        make_service()
    assert queries_for(client, "/book/") == one


def test_the_week_page_for_anyone_costs_the_same_with_one_practitioner_or_eight(client):
    service = make_service(slug="massage")
    make_practitioner(service)
    one = queries_for(client, "/book/massage/")
    for _ in range(7):
        person = make_practitioner(service)
        for day in range(1, 8):
            make_appointment(person, service, days_ahead(day, 10))
    assert queries_for(client, "/book/massage/") == one
    assert one <= 8


def test_one_practitioners_day_costs_the_same_with_one_appointment_or_fifty(client):
    service = make_service(slug="massage")
    sam = make_practitioner(service, slug="sam")
    day = f"{days_ahead(3):%Y-%m-%d}"
    one = queries_for(client, f"/book/massage/?practitioner=sam&day={day}")
    for number in range(50):
        make_appointment(sam, service, days_ahead(1 + number // 3, 9 + 2 * (number % 3)))
    assert queries_for(client, f"/book/massage/?practitioner=sam&day={day}") == one


def test_a_week_with_nothing_free_costs_the_same_with_one_appointment_or_fifty(client):
    # The page then looks for the first free time across the whole booking window.
    service = make_service(slug="massage")
    sam = make_practitioner(service, slug="sam")
    today = timezone.localdate()
    ClinicClosure.objects.create(name="Away", start_date=today, end_date=today + timedelta(8))
    one = queries_for(client, "/book/massage/")
    for number in range(50):
        make_appointment(sam, service, days_ahead(10 + number // 3, 9 + 2 * (number % 3)))
    assert queries_for(client, "/book/massage/") == one
    assert one <= 13


def test_the_details_page_costs_the_same_with_many_practitioners(client):
    service = make_service(slug="massage")
    sam = make_practitioner(service, slug="sam")
    start = days_ahead(3, 10)
    url = f"/book/massage/sam/{start:%Y-%m-%dT%H:%M}/"
    one = queries_for(client, url)
    for _ in range(7):
        person = make_practitioner(service)
        make_appointment(person, service, days_ahead(3, 11))
    make_appointment(sam, service, days_ahead(4, 10))
    assert queries_for(client, url) == one


def test_the_details_page_for_anyone_free_costs_the_same_with_many_practitioners(client):
    service = make_service(slug="massage")
    make_practitioner(service)
    url = f"/book/massage/any/{days_ahead(3, 10):%Y-%m-%dT%H:%M}/"
    one = queries_for(client, url)
    for _ in range(7):
        person = make_practitioner(service)
        make_appointment(person, service, days_ahead(3, 12))
    assert queries_for(client, url) == one


def test_the_appointment_page_and_its_move_page_cost_a_fixed_number_of_queries(client):
    service = make_service(slug="massage")
    sam = make_practitioner(service, slug="sam")
    appointment = make_appointment(sam, service, days_ahead(3, 10))
    manage = queries_for(client, f"/appointments/{appointment.token}/")
    move = queries_for(client, f"/appointments/{appointment.token}/move/")
    for day in range(4, 9):
        make_appointment(sam, service, days_ahead(day, 10))
    assert queries_for(client, f"/appointments/{appointment.token}/") == manage
    assert queries_for(client, f"/appointments/{appointment.token}/move/") == move
    assert manage <= 6 and move <= 10


# --- The back office: lists of patients and appointments ------------------------------------


@pytest.fixture
def reception(client, db):
    from django.contrib.auth.models import Group, User

    user = User.objects.create(username="desk", is_staff=True)
    user.groups.add(Group.objects.get(name="Reception"))
    client.force_login(user)
    return client


def test_the_patient_list_costs_the_same_with_one_patient_or_fifty(reception):
    service = make_service()
    sam = make_practitioner(service)
    make_appointment(sam, service, days_ahead(1, 10), patient=make_patient())
    one = queries_for(reception, "/admin/bookings/patient/")
    for number in range(49):
        patient = make_patient(name=f"Runner {number}", email=f"r{number}@example.com")
        make_appointment(sam, service, days_ahead(2 + number, 10), patient=patient)
    assert queries_for(reception, "/admin/bookings/patient/") == one
    assert queries_for(reception, "/admin/bookings/patient/?shared_email=yes") <= one


def test_the_appointment_list_costs_the_same_with_one_appointment_or_fifty(reception):
    service = make_service()
    sam = make_practitioner(service)
    make_appointment(sam, service, days_ahead(1, 10))
    one = queries_for(reception, "/admin/bookings/appointment/")
    for number in range(49):
        patient = make_patient(name=f"Runner {number}", email=f"r{number}@example.com")
        make_appointment(sam, service, days_ahead(2 + number, 10), patient=patient)
    assert queries_for(reception, "/admin/bookings/appointment/") == one


def test_a_patients_page_costs_the_same_with_one_appointment_or_fifty(reception):
    from bookings import audit
    from bookings.booking import book_appointment

    service = make_service()
    sam = make_practitioner(service)
    ann = make_patient()
    book_appointment(service, sam, days_ahead(2, 10), ann, by=audit.SYSTEM)
    url = f"/admin/bookings/patient/{ann.pk}/change/"
    one = queries_for(reception, url)
    for number in range(49):
        book_appointment(service, sam, days_ahead(3 + number, 10), ann, by=audit.SYSTEM)
    assert queries_for(reception, url) == one


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@pytest.mark.django_db(transaction=True)  # the booking's own transaction, as in production
@pytest.mark.parametrize("who", ["sam", "any"])
def test_a_lost_race_is_answered_in_ten_queries_whatever_the_diary(client, who):
    """Someone booked the time while this patient typed: the refusal, with the nearest
    free times, costs no more than ten queries, with one practitioner or eight busy ones,
    booking with Sam or with anyone free."""
    from .test_views import DETAILS

    service = make_service(slug="massage")
    sam = make_practitioner(service, slug="sam")
    start = days_ahead(3, 10)
    url = f"/book/massage/{who}/{start:%Y-%m-%dT%H:%M}/"

    def lost_race() -> int:
        client.get(url)
        make_appointment(sam, service, start)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, DETAILS)
        assert response.status_code == 409
        assert b"just taken" in response.content
        assert b"nearest free times" in response.content
        sam.appointments.all().delete()
        # Queries, not the transaction's own statements (BEGIN, ROLLBACK on SQLite).
        return sum(not q["sql"].startswith(TRANSACTION_CONTROL) for q in queries)

    assert lost_race() <= 10
    for _ in range(7):
        person = make_practitioner(service)
        for day in range(1, 10):
            make_appointment(person, service, days_ahead(day, 11))
        if who == "any":  # everyone is taken at that time, not only Sam
            make_appointment(person, service, start)
    assert lost_race() <= 10
