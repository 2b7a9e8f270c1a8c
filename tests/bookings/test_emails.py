from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from bookings import emails
from bookings.booking import (
    PatientDetails,
    book_appointment,
    cancel_appointment,
    reschedule_appointment,
)
from bookings.models import Appointment

from .factories import days_ahead

pytestmark = pytest.mark.django_db
REASON = "Private: pain after my marathon"
ANN = PatientDetails("Ann Runner", "ann@example.com", "07700 900123", REASON)


@pytest.fixture
def booked(service, practitioner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return book_appointment(service, practitioner, days_ahead(3, 10), ANN)


def everything_sent() -> str:
    parts = []
    for message in mail.outbox:
        parts += [message.subject, message.body]
        parts += [content for content, _ in message.alternatives]
        parts += [str(attachment) for attachment in message.attachments]
    return "\n".join(parts)


def test_booking_sends_a_confirmation_to_the_patient_and_a_notice_to_the_clinic(booked, settings):
    recipients = [message.to for message in mail.outbox]
    assert recipients == [["ann@example.com"], [settings.CLINIC_INBOX_EMAIL]]
    booked.refresh_from_db()
    assert booked.confirmation_sent_at is not None


def test_confirmation_has_text_html_and_a_calendar_file(booked):
    confirmation = mail.outbox[0]
    assert booked.private_url() in confirmation.body
    assert confirmation.alternatives[0].mimetype == "text/html"
    (name, content, mimetype) = confirmation.attachments[0]
    assert name == "appointment.ics" and mimetype == "text/calendar"
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == booked.start
    assert event.decoded("dtend") == booked.end
    assert booked.token not in str(event["uid"])


def test_no_email_carries_the_reason_for_booking(booked, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reschedule_appointment(booked, days_ahead(4, 10))
    with django_capture_on_commit_callbacks(execute=True):
        cancel_appointment(booked, by="patient")
    assert len(mail.outbox) == 6
    assert "marathon" not in everything_sent()


def test_emails_wait_for_the_transaction_to_commit(service, practitioner):
    book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    assert mail.outbox == []  # the test transaction never commits


def test_cancellation_emails_the_patient_and_the_clinic(booked, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancel_appointment(booked, by="patient")
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Cancelled", "Cancelled"]
    assert mail.outbox[0].to == ["ann@example.com"]


def test_reschedule_email_carries_the_new_time_and_a_calendar_file(
    booked, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    new_start = days_ahead(4, 15)
    with django_capture_on_commit_callbacks(execute=True):
        reschedule_appointment(booked, new_start)
    message = mail.outbox[0]
    assert message.subject.startswith("Moved")
    assert timezone.localtime(new_start).strftime("%H:%M") in message.body
    assert message.attachments[0][0] == "appointment.ics"


def test_a_mail_failure_is_logged_and_keeps_the_booking(
    service, practitioner, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken_send(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken_send)
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"
    assert appointment.confirmation_sent_at is None
    assert "Could not send the confirmation" in caplog.text


def test_a_failed_confirmation_is_sent_by_the_retry(
    service, practitioner, django_capture_on_commit_callbacks, monkeypatch
):
    from bookings.reminders import send_pending_confirmations

    with monkeypatch.context() as patched:
        patched.setattr("django.core.mail.EmailMessage.send", lambda *a, **k: 1 / 0)
        with django_capture_on_commit_callbacks(execute=True):
            appointment = book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    assert send_pending_confirmations(now=timezone.now() + timedelta(minutes=5)) == (1, 0)
    appointment.refresh_from_db()
    assert appointment.confirmation_sent_at is not None
    assert send_pending_confirmations(now=timezone.now() + timedelta(minutes=5)) == (0, 0)


def test_resend_confirmation_sends_it_again(booked):
    mail.outbox.clear()
    assert emails.send_confirmation(booked.pk)
    assert mail.outbox[0].to == ["ann@example.com"]
    assert Appointment.objects.get().confirmation_sent_at is not None


def test_the_calendar_file_does_not_carry_the_private_link(booked):
    content = mail.outbox[0].attachments[0][1]
    assert booked.token not in (content.decode() if isinstance(content, bytes) else content)


def test_a_line_break_in_a_practitioners_name_still_sends_both_booking_emails(
    service, practitioner, django_capture_on_commit_callbacks
):
    practitioner.name = "Sam\r\nBcc: someone@example.com"
    practitioner.save()
    with django_capture_on_commit_callbacks(execute=True):
        book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    assert len(mail.outbox) == 2  # the clinic's notice names the practitioner in its subject
    assert all("\n" not in message.subject for message in mail.outbox)
    assert all(not message.bcc for message in mail.outbox)
