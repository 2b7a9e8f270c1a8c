"""Many people pressing "Book" on one time at once: exactly one of them gets it."""

import threading

import pytest
from django.db import connection

from bookings import booking
from bookings.booking import PatientDetails, SlotTaken, book_appointment, book_with_anyone
from bookings.models import Appointment

from .factories import days_ahead, make_appointment, make_practitioner, make_service

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs Postgres: real row locks, an exclusion constraint and many connections",
    ),
]
PEOPLE = 20


def press_book_together(book) -> list[str]:
    """`book(patient)` from PEOPLE threads at once, each on its own connection, released
    together by a barrier; what each of them heard."""
    barrier = threading.Barrier(PEOPLE)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def press_book(number: int) -> None:
        try:
            connection.ensure_connection()  # each thread has its own connection
            barrier.wait(timeout=30)
            book(PatientDetails(f"Runner {number}", f"r{number}@example.com", "07700 900123"))
            outcomes.append("booked")
        except SlotTaken:
            outcomes.append("just taken")
        except BaseException as error:  # any other outcome fails the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=press_book, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_bookings_of_one_time_make_exactly_one_appointment():
    service = make_service()
    practitioner = make_practitioner(service)
    start = days_ahead(3, 10)
    outcomes = press_book_together(
        lambda patient: book_appointment(service, practitioner, start, patient)
    )
    assert outcomes == ["booked"] + ["just taken"] * (PEOPLE - 1)
    assert Appointment.objects.filter(start=start).count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_bookings_with_anyone_free_book_each_free_practitioner_once():
    service = make_service()
    make_practitioner(service)
    make_practitioner(service)
    start = days_ahead(3, 10)
    outcomes = press_book_together(lambda patient: book_with_anyone(service, start, patient))
    assert outcomes == ["booked"] * 2 + ["just taken"] * (PEOPLE - 2)
    booked = Appointment.objects.filter(start=start)
    assert booked.count() == 2
    assert len({appointment.practitioner_id for appointment in booked}) == 2


@pytest.mark.django_db
def test_when_the_constraint_catches_an_overlap_the_person_hears_it_was_just_taken(
    monkeypatch,
):
    # As if another server had booked between our check and our insert.
    service = make_service()
    practitioner = make_practitioner(service)
    start = days_ahead(3, 10)
    make_appointment(practitioner, service, start)
    monkeypatch.setattr(booking, "is_free", lambda *args, **kwargs: True)
    patient = PatientDetails("Ann Runner", "ann@example.com", "07700 900123")
    with pytest.raises(SlotTaken):
        book_appointment(service, practitioner, start, patient)
    assert Appointment.objects.count() == 1
