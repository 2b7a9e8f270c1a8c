"""The emails of a booking: confirmation, clinic notice, cancellation, move, reminder.

Every function takes an appointment id and is meant to run after the transaction
has committed (``transaction.on_commit``). A failure to send is logged and never
raised: the booking stands, ``confirmation_sent_at`` stays empty, and
``manage.py send_pending_emails`` (or reception's "resend" action) tries again.
No email carries the patient's reason for booking.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from clinic.models import ClinicDetails

from .calendar import appointment_ics
from .models import Appointment, BookingRules

logger = logging.getLogger(__name__)


def _context(appointment: Appointment, **extra) -> dict:
    return {
        "appointment": appointment,
        "clinic": ClinicDetails.current(),
        "rules": BookingRules.current(),
        "start": timezone.localtime(appointment.start),
        "end": timezone.localtime(appointment.end),
        "manage_url": f"{settings.SITE_URL}{appointment.private_url()}",
        "book_url": f"{settings.SITE_URL}/book/",
        **extra,
    }


def _message(
    template: str, subject: str, to: list[str], context: dict, ics: bytes | None = None
) -> EmailMultiAlternatives:
    # Staff type the service and practitioner names; a line break in one would make the
    # header unsendable (BadHeaderError), so every copy of the email would fail.
    subject = " ".join(subject.split())
    text = render_to_string(f"bookings/emails/{template}.txt", context)
    html = render_to_string(f"bookings/emails/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html, "text/html")
    if ics is not None:
        message.attach("appointment.ics", ics, "text/calendar")
    return message


def _load(appointment_id: int) -> Appointment | None:
    return (
        Appointment.objects.select_related("service", "practitioner")
        .filter(pk=appointment_id)
        .first()
    )


def _send(message: EmailMultiAlternatives, what: str, appointment_id: int) -> bool:
    try:
        message.send()
    except Exception:  # any mail failure: log it, keep the booking, retry later
        logger.exception("Could not send the %s for appointment %s", what, appointment_id)
        return False
    return True


def send_confirmation(appointment_id: int) -> bool:
    """Send the patient's confirmation (with the .ics) and record when it went."""
    appointment = _load(appointment_id)
    if appointment is None or not appointment.patient_email:
        return False
    context = _context(appointment)
    message = _message(
        "confirmation",
        f"Your appointment on {context['start']:%A %-d %B at %H:%M}",
        [appointment.patient_email],
        context,
        ics=appointment_ics(appointment),
    )
    if not _send(message, "confirmation", appointment_id):
        return False
    Appointment.objects.filter(pk=appointment_id).update(confirmation_sent_at=timezone.now())
    return True


def send_clinic_notice(appointment_id: int) -> bool:
    """Tell the clinic's inbox about a new booking (no reason text: it is in the admin)."""
    appointment = _load(appointment_id)
    if appointment is None:
        return False
    context = _context(appointment)
    message = _message(
        "clinic_notice",
        f"New booking: {appointment.service.name}, {context['start']:%a %-d %b %H:%M}, "
        f"{appointment.practitioner.name}",
        [settings.CLINIC_INBOX_EMAIL],
        context,
    )
    return _send(message, "clinic notice", appointment_id)


def send_booking_emails(appointment_id: int) -> None:
    send_confirmation(appointment_id)
    send_clinic_notice(appointment_id)


def send_cancellation(appointment_id: int) -> bool:
    appointment = _load(appointment_id)
    if appointment is None:
        return False
    context = _context(appointment)
    sent = True
    if appointment.patient_email:
        sent = _send(
            _message(
                "cancellation",
                f"Cancelled: your appointment on {context['start']:%A %-d %B at %H:%M}",
                [appointment.patient_email],
                context,
                ics=appointment_ics(appointment, cancelled=True),
            ),
            "cancellation",
            appointment_id,
        )
    clinic_sent = _send(
        _message(
            "clinic_cancellation",
            f"Cancelled: {appointment.service.name}, {context['start']:%a %-d %b %H:%M}, "
            f"{appointment.practitioner.name}",
            [settings.CLINIC_INBOX_EMAIL],
            context,
        ),
        "clinic cancellation notice",
        appointment_id,
    )
    return sent and clinic_sent


def send_rescheduled(appointment_id: int, previous_start: datetime) -> bool:
    appointment = _load(appointment_id)
    if appointment is None or not appointment.patient_email:
        return False
    context = _context(appointment, previous_start=timezone.localtime(previous_start))
    sent = _send(
        _message(
            "rescheduled",
            f"Moved: your appointment is now on {context['start']:%A %-d %B at %H:%M}",
            [appointment.patient_email],
            context,
            ics=appointment_ics(appointment),
        ),
        "reschedule notice",
        appointment_id,
    )
    _send(
        _message(
            "clinic_rescheduled",
            f"Moved: {appointment.service.name} with {appointment.practitioner.name} "
            f"to {context['start']:%a %-d %b %H:%M}",
            [settings.CLINIC_INBOX_EMAIL],
            context,
        ),
        "clinic reschedule notice",
        appointment_id,
    )
    return sent


def send_reminder(appointment: Appointment) -> bool:
    context = _context(appointment)
    return _send(
        _message(
            "reminder",
            f"Reminder: your appointment tomorrow at {context['start']:%H:%M}",
            [appointment.patient_email],
            context,
            ics=appointment_ics(appointment),
        ),
        "reminder",
        appointment.pk,
    )
