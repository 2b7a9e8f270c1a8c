"""Reminders the day before.

``queue_reminders`` is idempotent: each appointment gets one reminder per time it is
booked for (a database constraint backs this), however often the job runs.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from . import emails
from .models import Appointment, AppointmentEmail


def queue_reminders(today: date | None = None) -> int:
    """Queue a reminder for every patient booked tomorrow (clinic local day) who has not
    had one for that time. Returns how many were queued."""
    today = today or timezone.localdate()
    tomorrow = today + timedelta(days=1)
    tz = timezone.get_current_timezone()
    day_start = datetime.combine(tomorrow, time(0), tzinfo=tz)
    day_end = datetime.combine(tomorrow + timedelta(days=1), time(0), tzinfo=tz)
    already = AppointmentEmail.objects.filter(
        appointment=OuterRef("pk"),
        kind=AppointmentEmail.Kind.REMINDER,
        about_start=OuterRef("start"),
    )
    due = (
        Appointment.objects.due_reminder(day_start, day_end)
        .exclude(patient__email="")
        .exclude(Exists(already))
    )
    queued = 0
    for appointment in due:
        try:
            with transaction.atomic():
                emails.queue(appointment, AppointmentEmail.Kind.REMINDER)
        except IntegrityError:  # a run alongside this one queued it first
            continue
        queued += 1
    return queued
