"""Reminders the day before, and retries of confirmations that did not go out.

Each function is idempotent, so cron may run it as often as it likes.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from . import emails
from .models import Appointment


def send_reminders(today: date | None = None) -> tuple[int, int]:
    """Remind every patient booked for tomorrow (clinic local day) who has not been reminded.

    Each appointment is claimed (reminder_sent_at set) before its email goes out, so two
    overlapping runs never send twice; a failed send releases the claim for the next run.
    Returns (sent, failed).
    """
    today = today or timezone.localdate()
    tomorrow = today + timedelta(days=1)
    tz = timezone.get_current_timezone()
    day_start = datetime.combine(tomorrow, time(0), tzinfo=tz)
    day_end = datetime.combine(tomorrow + timedelta(days=1), time(0), tzinfo=tz)
    sent = failed = 0
    due = Appointment.objects.due_reminder(day_start, day_end).exclude(patient_email="")
    for appointment in due.select_related("service", "practitioner"):
        claimed = Appointment.objects.filter(
            pk=appointment.pk, reminder_sent_at__isnull=True
        ).update(reminder_sent_at=timezone.now())
        if not claimed:
            continue
        if emails.send_reminder(appointment):
            sent += 1
        else:
            Appointment.objects.filter(pk=appointment.pk).update(reminder_sent_at=None)
            failed += 1
    return sent, failed


def send_pending_confirmations(now: datetime | None = None) -> tuple[int, int]:
    """Retry confirmations that did not go out (mail server down at booking time)."""
    now = now or timezone.now()
    # Leave a moment for the normal after-commit send of a booking just made.
    pending = Appointment.objects.confirmation_unsent(now - timedelta(minutes=2), now)
    sent = failed = 0
    for appointment_id in pending.values_list("pk", flat=True):
        if emails.send_confirmation(appointment_id):
            sent += 1
        else:
            failed += 1
    return sent, failed
