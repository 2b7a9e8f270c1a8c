"""One write path: the admin's forms and actions change the diary only through
bookings/booking.py, so a change there emails the patient, records who and when, and
tells the waiting list (appointment_changed), exactly as a change online does."""

import pytest
from django.core import mail

from bookings import audit
from bookings.booking import PatientDetails, book_appointment, cancel_appointment
from bookings.models import Appointment, AppointmentEmail, AuditEntry, Patient
from bookings.signals import FreedTime, appointment_changed

from .factories import days_ahead, make_appointment, make_patient, make_rules

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/bookings/appointment/"


@pytest.fixture
def heard():
    """Every appointment_changed sent while the test runs: (kind, appointment id, freed)."""
    sent = []

    def receiver(sender, entry, kind, appointment_id, freed, **kwargs):
        sent.append((kind, appointment_id, freed))

    appointment_changed.connect(receiver, dispatch_uid="test-heard")
    yield sent
    appointment_changed.disconnect(dispatch_uid="test-heard")


def change_form(appointment: Appointment, **changes) -> dict:
    """The change form as the admin shows it, with ``changes`` typed in."""
    start = changes.pop("start", None) or appointment.start
    from django.utils import timezone

    local = timezone.localtime(start)
    return {
        "start_0": local.strftime("%d/%m/%Y"),
        "start_1": local.strftime("%H:%M"),
        "status": appointment.status,
        "reason": appointment.reason,
        **changes,
    }


def test_cancelling_in_the_change_form_emails_the_patient_and_records_who_and_when(
    reception, desk, service, practitioner, run_tasks, django_capture_on_commit_callbacks
):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    with django_capture_on_commit_callbacks(execute=True):
        response = reception.post(
            f"{CHANGELIST}{appointment.pk}/change/", change_form(appointment, status="cancelled")
        )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert appointment.cancelled_at is not None
    entry = AuditEntry.objects.get(appointment=appointment)
    assert (entry.kind, entry.by, entry.user, entry.at) == (
        "cancelled",
        "staff",
        desk,
        appointment.cancelled_at,
    )
    run_tasks()
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Cancelled", "Cancelled"]
    assert mail.outbox[0].to == ["ann@example.com"]
    assert "Cancelled by staff (desk)" in mail.outbox[1].body


def test_a_cancellation_in_the_change_form_tells_the_waiting_list_the_freed_time(
    reception, service, practitioner, heard, django_capture_on_commit_callbacks
):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    with django_capture_on_commit_callbacks(execute=True):
        reception.post(
            f"{CHANGELIST}{appointment.pk}/change/", change_form(appointment, status="cancelled")
        )
    freed = FreedTime(practitioner.pk, service.pk, appointment.start, appointment.blocked_until)
    assert heard == [("cancelled", appointment.pk, freed)]


def test_moving_in_the_change_form_goes_through_reschedule_and_records_the_old_time(
    reception, desk, service, practitioner, heard, django_capture_on_commit_callbacks
):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    new_start = days_ahead(3, 15)
    with django_capture_on_commit_callbacks(execute=True):
        reception.post(
            f"{CHANGELIST}{appointment.pk}/change/", change_form(appointment, start=new_start)
        )
    entry = AuditEntry.objects.get(appointment=appointment)
    assert (entry.kind, entry.user, entry.start, entry.previous_start) == (
        "moved",
        desk,
        new_start,
        appointment.start,
    )
    assert [(kind, freed.start) for kind, _, freed in heard] == [("moved", appointment.start)]
    assert list(AppointmentEmail.objects.values_list("kind", flat=True)) == [
        "moved",
        "clinic_moved",
    ]


def test_the_change_form_cannot_move_an_appointment_onto_a_taken_time(
    reception, service, practitioner
):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    make_appointment(practitioner, service, days_ahead(3, 14))
    response = reception.post(
        f"{CHANGELIST}{appointment.pk}/change/",
        change_form(appointment, start=days_ahead(3, 14, 30)),
    )
    assert response.status_code == 200
    assert b"already has an appointment then" in response.content
    appointment.refresh_from_db()
    assert appointment.start == days_ahead(3, 10)
    assert not AuditEntry.objects.exists()


def test_the_change_form_takes_a_new_time_or_a_new_status_not_both_at_once(
    reception, service, practitioner
):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    response = reception.post(
        f"{CHANGELIST}{appointment.pk}/change/",
        change_form(appointment, start=days_ahead(3, 15), status="cancelled"),
    )
    assert b"one at a time" in response.content
    appointment.refresh_from_db()
    assert (appointment.start, appointment.status) == (days_ahead(3, 10), "confirmed")


def test_the_change_form_cannot_revive_a_cancelled_appointment(reception, service, practitioner):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10), status="cancelled")
    response = reception.post(
        f"{CHANGELIST}{appointment.pk}/change/", change_form(appointment, status="confirmed")
    )
    assert b"stays cancelled" in response.content
    assert Appointment.objects.get().status == "cancelled"


def test_the_change_form_never_writes_the_practitioner_service_or_patient(
    reception, service, practitioner
):
    from .factories import make_practitioner, make_service

    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    other_service = make_service()
    other_person = make_practitioner(other_service)
    stranger = make_patient(name="Someone Else")
    response = reception.post(
        f"{CHANGELIST}{appointment.pk}/change/",
        change_form(
            appointment,
            service=other_service.pk,
            practitioner=other_person.pk,
            patient=stranger.pk,
            reason="new reason",
        ),
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.service, appointment.practitioner, appointment.reason) == (
        service,
        practitioner,
        "new reason",
    )
    assert appointment.patient.name == "Ann Runner"


def test_marking_attended_in_the_change_form_records_who(reception, desk, service, practitioner):
    appointment = make_appointment(practitioner, service, days_ahead(-1, 10))
    reception.post(
        f"{CHANGELIST}{appointment.pk}/change/", change_form(appointment, status="attended")
    )
    entry = AuditEntry.objects.get()
    assert (entry.kind, entry.user) == ("attended", desk)
    assert Appointment.objects.get().status == "attended"


def test_the_list_actions_record_who_made_each_change(reception, desk, service, practitioner):
    first = make_appointment(practitioner, service, days_ahead(-2, 10))
    second = make_appointment(practitioner, service, days_ahead(-1, 10))
    reception.post(CHANGELIST, {"action": "mark_attended", "_selected_action": [first.pk]})
    reception.post(CHANGELIST, {"action": "mark_no_show", "_selected_action": [second.pk]})
    recorded = AuditEntry.objects.order_by("pk").values_list("appointment", "kind", "user")
    assert list(recorded) == [(first.pk, "attended", desk.pk), (second.pk, "no_show", desk.pk)]


def phone_booking(start, **patient) -> dict:
    from django.utils import timezone

    local = timezone.localtime(start)
    return {
        "start_0": local.strftime("%d/%m/%Y"),
        "start_1": local.strftime("%H:%M"),
        "reason": "",
        "patient_name": "",
        "patient_email": "",
        "patient_phone": "",
        **patient,
    }


def test_a_phone_booking_goes_through_book_appointment(
    reception, desk, service, practitioner, heard, django_capture_on_commit_callbacks
):
    start = days_ahead(3, 10)
    data = {
        "service": service.pk,
        "practitioner": practitioner.pk,
        **phone_booking(
            start,
            patient_name="Phone Caller",
            patient_email="caller@example.com",
            patient_phone="07700 900999",
        ),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = reception.post(CHANGELIST + "add/", data)
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == CHANGELIST  # the admin carries on with the booked row
    assert appointment.patient.name == "Phone Caller"
    assert appointment.consent_at is None  # the online consent box was not ticked
    entry = AuditEntry.objects.get()
    assert (entry.kind, entry.by, entry.user) == ("booked", "staff", desk)
    assert heard == [("booked", appointment.pk, None)]
    assert list(AppointmentEmail.objects.values_list("kind", flat=True)) == [
        "confirmation",
        "clinic_notice",
    ]


def test_a_phone_booking_can_be_for_an_existing_patient_record(reception, service, practitioner):
    ann = make_patient()
    data = {
        "service": service.pk,
        "practitioner": practitioner.pk,
        **phone_booking(days_ahead(3, 10), patient=ann.pk),
    }
    assert reception.post(CHANGELIST + "add/", data).status_code == 302
    assert Appointment.objects.get().patient == ann
    assert Patient.objects.count() == 1


def test_a_phone_booking_needs_a_patient(reception, service, practitioner):
    data = {"service": service.pk, "practitioner": practitioner.pk, **phone_booking(days_ahead(3))}
    response = reception.post(CHANGELIST + "add/", data)
    assert b"type a new patient" in response.content
    assert not Appointment.objects.exists()


def test_reception_may_book_by_phone_inside_the_minimum_notice(reception, service, practitioner):
    make_rules(minimum_notice_hours=72)  # online, nothing within three days
    data = {
        "service": service.pk,
        "practitioner": practitioner.pk,
        **phone_booking(days_ahead(1, 10), patient_name="Phone Caller", patient_phone="0770090"),
    }
    assert reception.post(CHANGELIST + "add/", data).status_code == 302
    assert Appointment.objects.count() == 1


def test_reception_cannot_book_a_practitioner_for_a_service_they_do_not_offer(
    reception, service, practitioner
):
    from .factories import make_service

    massage = make_service(name="Massage")
    data = {
        "service": massage.pk,
        "practitioner": practitioner.pk,
        **phone_booking(days_ahead(3, 10), patient_name="Phone Caller"),
    }
    response = reception.post(CHANGELIST + "add/", data)
    assert b"does not offer" in response.content
    assert not Appointment.objects.exists()


# --- The signal, whoever makes the change -----------------------------------------------


def test_every_change_sends_one_signal_after_it_commits(
    service, practitioner, heard, django_capture_on_commit_callbacks
):
    ann = PatientDetails("Ann Runner", "ann@example.com", "07700 900123")
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book_appointment(service, practitioner, days_ahead(3, 10), ann)
    assert heard == [("booked", appointment.pk, None)]
    with django_capture_on_commit_callbacks(execute=True):
        cancel_appointment(appointment, by=audit.PATIENT)
    assert [kind for kind, _, _ in heard] == ["booked", "cancelled"]
    assert heard[1][2].start == appointment.start


def test_a_change_that_rolls_back_sends_no_signal(
    service, practitioner, heard, django_capture_on_commit_callbacks
):
    from django.db import transaction

    ann = PatientDetails("Ann Runner", "ann@example.com", "07700 900123")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        book_appointment(service, practitioner, days_ahead(3, 10), ann)
        raise RuntimeError("something later in the same transaction failed")
    assert heard == []
    assert not AuditEntry.objects.exists() and not Patient.objects.exists()


def test_a_cancellation_by_the_private_link_is_recorded_as_the_patients(
    client, service, practitioner, heard, django_capture_on_commit_callbacks
):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/appointments/{appointment.token}/", {"action": "cancel"})
    entry = AuditEntry.objects.get()
    assert (entry.kind, entry.by, entry.user) == ("cancelled", "patient", None)
    assert [kind for kind, _, _ in heard] == ["cancelled"]
