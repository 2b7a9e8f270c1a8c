"""What counts as an earlier visit when reception checks a follow-up."""

import pytest

from bookings.models import Appointment

from .factories import days_ahead, make_appointment, make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def follow_up(practitioner):
    follow_up = make_service(name="Follow-up", needs_previous_assessment=True)
    practitioner.services.add(follow_up)
    return follow_up


def earlier_visit_of(appointment: Appointment) -> bool | None:
    return Appointment.objects.with_earlier_visit().get(pk=appointment.pk).has_earlier_visit


def test_an_earlier_appointment_under_the_same_email_in_any_case_counts(
    service, practitioner, follow_up
):
    make_appointment(practitioner, service, days_ahead(-20, 10), patient_email="Ann@Example.com")
    checked = make_appointment(practitioner, follow_up, days_ahead(2, 10))
    assert earlier_visit_of(checked) is True
    assert not Appointment.objects.follow_ups_without_earlier_visit().exists()


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


def test_phone_bookings_without_an_email_never_vouch_for_each_other(
    service, practitioner, follow_up
):
    make_appointment(practitioner, service, days_ahead(-20, 10), patient_email="")
    checked = make_appointment(practitioner, follow_up, days_ahead(2, 10), patient_email="")
    assert earlier_visit_of(checked) is False


def test_other_services_are_not_checked(service, practitioner):
    assessment = make_appointment(practitioner, service, days_ahead(2, 10))
    assert earlier_visit_of(assessment) is None
    assert not Appointment.objects.follow_ups_without_earlier_visit().exists()
