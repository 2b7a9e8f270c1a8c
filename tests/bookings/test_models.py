"""What counts as an earlier visit when reception checks a follow-up: one of the same
patient record, never another person's under the same email."""

import pytest

from bookings.models import Appointment

from .factories import days_ahead, make_appointment, make_patient, make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def follow_up(practitioner):
    follow_up = make_service(name="Follow-up", needs_previous_assessment=True)
    practitioner.services.add(follow_up)
    return follow_up


def earlier_visit_of(appointment: Appointment) -> bool | None:
    return Appointment.objects.with_earlier_visit().get(pk=appointment.pk).has_earlier_visit


def test_an_earlier_appointment_of_the_same_patient_counts(service, practitioner, follow_up):
    make_appointment(practitioner, service, days_ahead(-20, 10))
    checked = make_appointment(practitioner, follow_up, days_ahead(2, 10))
    assert earlier_visit_of(checked) is True
    assert not Appointment.objects.follow_ups_without_earlier_visit().exists()


def test_another_patient_sharing_the_email_is_no_earlier_visit(service, practitioner, follow_up):
    # A family books under one email address: the parent's visit is not the child's.
    make_appointment(practitioner, service, days_ahead(-20, 10), patient_name="Ann Runner")
    checked = make_appointment(
        practitioner, follow_up, days_ahead(2, 10), patient_name="Tom Runner"
    )
    assert earlier_visit_of(checked) is False


@pytest.mark.parametrize("status", ["cancelled", "no_show"])
def test_a_cancelled_or_missed_appointment_is_no_earlier_visit(
    service, practitioner, follow_up, status
):
    make_appointment(practitioner, service, days_ahead(-20, 10), status=status)
    checked = make_appointment(practitioner, follow_up, days_ahead(2, 10))
    assert earlier_visit_of(checked) is False
    assert list(Appointment.objects.follow_ups_without_earlier_visit()) == [checked]


def test_an_appointment_after_the_follow_up_is_no_earlier_visit(service, practitioner, follow_up):
    checked = make_appointment(practitioner, follow_up, days_ahead(2, 10))
    make_appointment(practitioner, service, days_ahead(9, 10))
    assert earlier_visit_of(checked) is False


def test_a_phone_booking_without_an_email_counts_for_its_own_patient_record(
    service, practitioner, follow_up
):
    phoned = make_patient(email="")
    make_appointment(practitioner, service, days_ahead(-20, 10), patient=phoned)
    checked = make_appointment(practitioner, follow_up, days_ahead(2, 10), patient=phoned)
    stranger = make_appointment(
        practitioner, follow_up, days_ahead(3, 10), patient=make_patient(email="")
    )
    assert earlier_visit_of(checked) is True
    assert earlier_visit_of(stranger) is False


def test_other_services_are_not_checked(service, practitioner):
    assessment = make_appointment(practitioner, service, days_ahead(2, 10))
    assert earlier_visit_of(assessment) is None
    assert not Appointment.objects.follow_ups_without_earlier_visit().exists()
