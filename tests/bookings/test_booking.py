from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from bookings import audit
from bookings.booking import (
    NotBookable,
    PatientDetails,
    SlotTaken,
    TooLateToChange,
    book_appointment,
    book_with_anyone,
    cancel_appointment,
    is_free,
    nearest_free_times,
    reschedule_appointment,
)
from bookings.models import Appointment, AuditEntry, TimeOff

from .factories import days_ahead, make_appointment, make_practitioner, make_service

pytestmark = pytest.mark.django_db
ANN = PatientDetails("Ann Runner", "ann@example.com", "07700 900123", "sore knee")


def test_booking_a_free_time_stores_start_end_and_buffer(service, practitioner):
    start = days_ahead(3, 10)
    appointment = book_appointment(service, practitioner, start, ANN)
    assert appointment.end == start + timedelta(minutes=45)
    assert appointment.blocked_until == start + timedelta(minutes=60)
    assert appointment.status == "confirmed"
    assert appointment.consent_at is not None
    assert len(appointment.token) >= 43


def test_booking_a_taken_time_raises_slot_taken(service, practitioner):
    start = days_ahead(3, 10)
    book_appointment(service, practitioner, start, ANN)
    with pytest.raises(SlotTaken):
        book_appointment(service, practitioner, start + timedelta(minutes=15), ANN)
    assert Appointment.objects.count() == 1


def test_booking_outside_working_hours_is_refused(service, practitioner):
    with pytest.raises(NotBookable):
        book_appointment(service, practitioner, days_ahead(3, 12, 30), ANN)


def test_a_follow_up_is_booked_for_an_email_with_no_earlier_appointment(service, practitioner):
    # Refusing it would tell anyone whether an email address belongs to a patient.
    follow_up = make_service(needs_previous_assessment=True, duration_minutes=30)
    practitioner.services.add(follow_up)
    appointment = book_appointment(follow_up, practitioner, days_ahead(5, 10), ANN)
    assert appointment.status == "confirmed"


def test_cancelling_frees_the_time(service, practitioner):
    start = days_ahead(3, 10)
    appointment = book_appointment(service, practitioner, start, ANN)
    cancel_appointment(appointment, by=audit.PATIENT)
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert appointment.cancelled_at is not None
    assert AuditEntry.objects.get(kind="cancelled").by == "patient"
    assert is_free(service, practitioner, start)


def test_patients_cannot_cancel_inside_the_late_cancellation_window(service, practitioner):
    appointment = make_appointment(practitioner, service, days_ahead(0, 23) - timedelta(hours=12))
    with pytest.raises(TooLateToChange):
        cancel_appointment(appointment, by=audit.PATIENT)


def test_staff_can_cancel_inside_the_late_cancellation_window(service, practitioner):
    appointment = make_appointment(practitioner, service, days_ahead(1, 9))
    cancel_appointment(appointment, by=audit.SYSTEM)
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"


def test_rescheduling_keeps_the_token_and_frees_the_old_time(service, practitioner):
    old_start, new_start = days_ahead(3, 10), days_ahead(4, 15)
    appointment = book_appointment(service, practitioner, old_start, ANN)
    token = appointment.token
    moved = reschedule_appointment(appointment, new_start)
    assert moved.token == token
    assert moved.start == new_start and moved.end == new_start + timedelta(minutes=45)
    assert is_free(service, practitioner, old_start)


def test_rescheduling_may_overlap_its_own_old_time(service, practitioner):
    appointment = book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    moved = reschedule_appointment(appointment, days_ahead(3, 10, 15))
    assert moved.start == days_ahead(3, 10, 15)


def test_rescheduling_onto_a_taken_time_is_refused(service, practitioner):
    book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    other = book_appointment(service, practitioner, days_ahead(4, 10), ANN)
    with pytest.raises(SlotTaken):
        reschedule_appointment(other, days_ahead(3, 10, 30))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints need Postgres")
def test_the_database_refuses_overlapping_active_appointments(service, practitioner):
    make_appointment(practitioner, service, days_ahead(3, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_appointment(practitioner, service, days_ahead(3, 10, 50))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints need Postgres")
def test_the_database_allows_a_cancelled_appointment_under_a_new_one(service, practitioner):
    make_appointment(practitioner, service, days_ahead(3, 10), status="cancelled")
    assert make_appointment(practitioner, service, days_ahead(3, 10)).pk


def test_two_practitioners_may_be_booked_at_the_same_time(service, practitioner):
    other = make_practitioner(service)
    book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    assert book_appointment(service, other, days_ahead(3, 10), ANN).pk


# --- "Anyone free": the time goes to whoever is free then ---------------------------


def test_booking_with_anyone_goes_to_the_practitioner_free_at_that_time(service, practitioner):
    zoe = make_practitioner(service, name="Zoe Hart")  # after Sam Patel by name
    start = days_ahead(3, 10)
    make_appointment(practitioner, service, start)
    assert book_with_anyone(service, start, ANN).practitioner == zoe


def test_booking_with_anyone_prefers_whoever_is_least_busy_that_day(service, practitioner):
    zoe = make_practitioner(service, name="Zoe Hart")
    make_appointment(practitioner, service, days_ahead(3, 15))
    assert book_with_anyone(service, days_ahead(3, 10), ANN).practitioner == zoe


def test_two_bookings_of_one_time_with_anyone_go_to_two_practitioners_then_it_is_taken(
    service, practitioner
):
    make_practitioner(service, name="Alex Morgan")
    start = days_ahead(3, 10)
    first = book_with_anyone(service, start, ANN)
    second = book_with_anyone(service, start, ANN)
    assert first.practitioner != second.practitioner
    with pytest.raises(SlotTaken):
        book_with_anyone(service, start, ANN)
    assert Appointment.objects.filter(start=start).count() == 2


def test_booking_with_anyone_tries_the_next_practitioner_when_the_first_was_just_taken(
    service, practitioner, monkeypatch
):
    # Both were free when we looked; Sam is booked between the look and the lock.
    alex = make_practitioner(service, name="Alex Morgan")
    start = days_ahead(3, 10)
    monkeypatch.setattr("bookings.booking.free_practitioners", lambda *args: [practitioner, alex])
    make_appointment(practitioner, service, start)
    assert book_with_anyone(service, start, ANN).practitioner == alex
    assert Appointment.objects.filter(start=start, practitioner=practitioner).count() == 1


def test_booking_with_anyone_outside_everyones_hours_is_not_bookable(service, practitioner):
    with pytest.raises(NotBookable):
        book_with_anyone(service, days_ahead(3, 12, 30), ANN)


# --- The nearest free times (a lost race, a bad link) ---------------------------------


def test_the_nearest_free_times_are_the_nearest_ones(service, practitioner):
    around = days_ahead(10, 12)
    found = nearest_free_times(service, around, practitioner)
    assert len(found) == 4  # one practitioner: no one else's to offer
    assert all(abs(slot.start - around) <= timedelta(hours=3) for slot in found)
    assert found == sorted(found)


def test_a_practitioner_away_for_a_week_is_offered_the_times_after_it(service, practitioner):
    """Nothing free within three days: the rest of the fortnight is read."""
    around = days_ahead(10, 12)
    away_until = days_ahead(15, 0)
    TimeOff.objects.create(practitioner=practitioner, start=days_ahead(5, 0), end=away_until)
    found = nearest_free_times(service, around, practitioner)
    assert len(found) == 4
    assert all(away_until <= slot.start < away_until + timedelta(days=1) for slot in found)


def test_the_nearest_for_anyone_free_are_each_time_once(service, practitioner):
    make_practitioner(service, name="Jo Bell", slug="jo-bell")
    found = nearest_free_times(service, days_ahead(10, 12))
    assert len(found) == 6
    assert len({slot.start for slot in found}) == 6
