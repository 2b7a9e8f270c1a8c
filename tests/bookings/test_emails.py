import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from bookings import audit
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
def booked(service, practitioner, run_tasks):
    appointment = book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    run_tasks()
    return appointment


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
    assert name == "appointment.ics" and mimetype == "text/calendar; method=PUBLISH"
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == booked.start
    assert event.decoded("dtend") == booked.end
    assert booked.token not in str(event["uid"])


def test_no_email_carries_the_reason_for_booking(booked, run_tasks):
    reschedule_appointment(booked, days_ahead(4, 10))
    cancel_appointment(booked, by=audit.PATIENT)
    run_tasks()
    assert len(mail.outbox) == 6
    assert "marathon" not in everything_sent()


def test_cancellation_emails_the_patient_and_the_clinic(booked, run_tasks):
    mail.outbox.clear()
    cancel_appointment(booked, by=audit.PATIENT)
    run_tasks()
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Cancelled", "Cancelled"]
    assert mail.outbox[0].to == ["ann@example.com"]


def test_reschedule_email_carries_the_new_time_and_a_calendar_file(booked, run_tasks):
    mail.outbox.clear()
    new_start = days_ahead(4, 15)
    reschedule_appointment(booked, new_start)
    run_tasks()
    message = mail.outbox[0]
    assert message.subject.startswith("Moved")
    assert timezone.localtime(new_start).strftime("%H:%M") in message.body
    assert message.attachments[0][0] == "appointment.ics"


def test_the_calendar_file_does_not_carry_the_private_link(booked):
    content = mail.outbox[0].attachments[0][1]
    assert booked.token not in (content.decode() if isinstance(content, bytes) else content)


def test_a_line_break_in_a_practitioners_name_still_sends_both_booking_emails(
    service, practitioner, run_tasks
):
    practitioner.name = "Sam\r\nBcc: someone@example.com"
    practitioner.save()
    book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    run_tasks()
    assert len(mail.outbox) == 2  # the clinic's notice names the practitioner in its subject
    assert all("\n" not in message.subject for message in mail.outbox)
    assert all(not message.bcc for message in mail.outbox)
    assert Appointment.objects.get().confirmation_sent_at is not None


def test_emails_to_the_patient_carry_nothing_the_visitor_typed(service, practitioner, run_tasks):
    """The booking form must not be a relay: whatever is typed as a name reaches only the
    clinic's own inbox, never the address given."""
    lure = "customer. URGENT: your card was charged, refund at https://evil.example"
    appointment = book_appointment(
        service, practitioner, days_ahead(3, 10), PatientDetails(lure, "victim@example.com", "1")
    )
    reschedule_appointment(appointment, days_ahead(4, 10))
    cancel_appointment(appointment, by=audit.PATIENT)
    run_tasks()
    to_patient = [m for m in mail.outbox if m.to == ["victim@example.com"]]
    assert len(to_patient) == 3
    for message in to_patient:
        sent = message.subject + message.body + message.alternatives[0].content
        assert "URGENT" not in sent and "evil.example" not in sent


def test_every_html_email_has_a_title_and_a_message_id_on_the_sites_domain(
    booked, run_tasks, settings
):
    settings.SITE_URL = "https://clinic.example"
    reschedule_appointment(booked, days_ahead(4, 10))
    cancel_appointment(booked, by=audit.PATIENT)
    run_tasks()
    for message in mail.outbox:
        html = message.alternatives[0].content
        assert f"<title>{message.subject}</title>" in html
    messages = mail.outbox[2:]  # built after SITE_URL changed
    assert all(m.extra_headers["Message-ID"].endswith("@clinic.example>") for m in messages)


def test_the_cancellation_emails_html_offers_to_book_again_like_its_text(booked, run_tasks):
    mail.outbox.clear()
    cancel_appointment(booked, by=audit.PATIENT)
    run_tasks()
    cancellation = mail.outbox[0]
    assert "/book/" in cancellation.body
    assert 'href="http://127.0.0.1:8000/book/"' in cancellation.alternatives[0].content


def calendar_of(message):
    """The message's .ics read by a second parser (vobject), and its MIME type."""
    import vobject

    name, content, mimetype = message.attachments[0]
    text = content.decode() if isinstance(content, bytes) else content
    return vobject.readOne(text), mimetype


def test_calendar_files_name_their_organiser_and_method_and_later_ones_outrank_earlier(
    booked, run_tasks
):
    """RFC 5546 and 6047: ORGANIZER, METHOD in the file and in the MIME type; a
    cancellation sent the same second as the booking still has the higher SEQUENCE."""
    cancel_appointment(booked, by=audit.PATIENT)
    run_tasks()
    confirmation, confirmation_type = calendar_of(mail.outbox[0])
    cancellation_message = next(m for m in mail.outbox if m.subject.startswith("Cancelled"))
    cancellation, cancellation_type = calendar_of(cancellation_message)
    assert confirmation_type == "text/calendar; method=PUBLISH"
    assert cancellation_type == "text/calendar; method=CANCEL"
    assert confirmation.method.value == "PUBLISH" and cancellation.method.value == "CANCEL"
    assert confirmation.vevent.organizer.value == "mailto:hello@physio-fitness.example"
    assert int(cancellation.vevent.sequence.value) > int(confirmation.vevent.sequence.value)
    assert cancellation.vevent.uid.value == confirmation.vevent.uid.value
    assert 'Content-Type: text/calendar; method="CANCEL"' in (
        cancellation_message.message().as_string()
    )
