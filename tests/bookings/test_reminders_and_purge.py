from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from bookings import audit
from bookings.booking import reschedule_appointment
from bookings.emails import deliver
from bookings.models import Appointment, AppointmentEmail, AuditEntry, Patient
from bookings.reminders import queue_reminders
from bookings.retention import purge_appointments

from .factories import days_ahead, make_appointment, make_patient

pytestmark = pytest.mark.django_db


def test_reminders_go_to_patients_booked_for_tomorrow(service, practitioner, run_tasks):
    tomorrow = make_appointment(practitioner, service, days_ahead(1, 10))
    make_appointment(practitioner, service, days_ahead(2, 10), patient_email="later@example.com")
    assert queue_reminders() == 1
    run_tasks()
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
    assert mail.outbox[0].attachments[0][0] == "appointment.ics"
    tomorrow.refresh_from_db()
    assert tomorrow.reminder_sent_at is not None


def test_running_reminders_twice_sends_each_once(service, practitioner, run_tasks):
    make_appointment(practitioner, service, days_ahead(1, 10))
    call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    run_tasks()
    assert queue_reminders() == 0
    run_tasks()
    assert len(mail.outbox) == 1


def test_a_moved_appointment_is_reminded_of_its_new_time(service, practitioner, run_tasks):
    appointment = make_appointment(practitioner, service, days_ahead(1, 10))
    assert queue_reminders() == 1
    run_tasks()
    reschedule_appointment(appointment, days_ahead(1, 15), by=audit.SYSTEM)
    assert queue_reminders() == 1
    run_tasks()
    subjects = [m.subject.split(":")[0] for m in mail.outbox]
    assert subjects.count("Reminder") == 2


def test_cancelled_appointments_get_no_reminder(service, practitioner):
    make_appointment(practitioner, service, days_ahead(1, 10), status="cancelled")
    assert queue_reminders() == 0


def test_a_failed_reminder_is_tried_again(service, practitioner, monkeypatch, run_tasks):
    appointment = make_appointment(practitioner, service, days_ahead(1, 10))
    queue_reminders()
    with monkeypatch.context() as patched:
        patched.setattr(
            "django.core.mail.backends.locmem.EmailBackend.send_messages", lambda *a: 1 / 0
        )
        run_tasks()
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at is None
    assert queue_reminders() == 0  # still queued: its retry is on the way
    email = AppointmentEmail.objects.get()
    assert deliver([email.pk], now=email.next_attempt_at) == {email.pk: "sent"}
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at is not None
    assert len(mail.outbox) == 1


def test_reminders_carry_no_reason_text(service, practitioner, run_tasks):
    make_appointment(practitioner, service, days_ahead(1, 10), reason="private knee trouble")
    queue_reminders()
    run_tasks()
    message = mail.outbox[0]
    assert "knee" not in message.body + message.alternatives[0].content


def test_purge_anonymises_patients_whose_last_appointment_is_older_than_the_retention_period(
    service, practitioner, settings
):
    settings.BOOKING_RETENTION_DAYS = 30
    old = make_appointment(
        practitioner, service, timezone.now() - timedelta(days=31), reason="old knee"
    )
    recent = make_appointment(
        practitioner,
        service,
        timezone.now() - timedelta(days=29),
        patient=make_patient(name="Bob Jogger", email="bob@example.com"),
    )
    assert purge_appointments() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    erased = old.patient
    assert (erased.name, erased.email, erased.phone, old.reason) == ("(erased)", "", "", "")
    assert erased.anonymised_at is not None and old.anonymised_at is not None
    assert recent.patient.email == "bob@example.com"
    entry = AuditEntry.objects.get(kind="erased")
    assert (entry.patient, entry.by) == (erased, "system")


def test_a_patient_who_keeps_coming_keeps_their_history(service, practitioner, settings):
    settings.BOOKING_RETENTION_DAYS = 30
    first = make_appointment(
        practitioner, service, timezone.now() - timedelta(days=90), reason="old knee"
    )
    make_appointment(practitioner, service, timezone.now() - timedelta(days=10))
    assert purge_appointments() == 0
    first.refresh_from_db()
    assert (first.patient.name, first.reason) == ("Ann Runner", "old knee")


def test_a_patient_record_without_appointments_is_purged_by_its_age(db, settings):
    settings.BOOKING_RETENTION_DAYS = 30
    make_patient(created_at=timezone.now() - timedelta(days=31))
    make_patient(name="Bob Jogger", created_at=timezone.now() - timedelta(days=29))
    assert purge_appointments() == 1
    assert Patient.objects.filter(anonymised_at__isnull=True).get().name == "Bob Jogger"


def test_purge_keeps_the_diary_entry_itself(service, practitioner, settings):
    settings.BOOKING_RETENTION_DAYS = 30
    make_appointment(practitioner, service, timezone.now() - timedelta(days=60))
    call_command("purge_appointments", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Appointment.objects.count() == 1


def test_purge_removes_patient_names_from_the_admin_history(service, practitioner, settings):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.auth.models import User
    from django.contrib.contenttypes.models import ContentType

    settings.BOOKING_RETENTION_DAYS = 30
    old = make_appointment(practitioner, service, timezone.now() - timedelta(days=31))
    LogEntry.objects.create(
        user=User.objects.create(username="desk", is_staff=True),
        content_type=ContentType.objects.get_for_model(Appointment),
        object_id=str(old.pk),
        object_repr="Ann Runner, Initial assessment",  # as the old __str__ wrote it
        action_flag=CHANGE,
    )
    purge_appointments()
    assert not LogEntry.objects.filter(object_repr__contains="Ann Runner").exists()
