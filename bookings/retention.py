"""Keeping patient details no longer than needed (BOOKING_RETENTION_DAYS), per patient.

A patient whose last appointment (or, with none, whose record) is older than the
retention period is erased as reception would erase them (bookings/patients.py): no
name, contact details or date of birth, no reason on any appointment; the appointments
stay in the diary. A patient who keeps coming keeps their history. Waiting-list entries
are deleted once they end (booked, or past the last day the person wanted).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from . import audit
from .models import Patient, WaitlistEntry
from .patients import erase_patients

BATCH = 500  # patients per transaction, and well under any database's parameter limit


def purge_appointments(now: datetime | None = None) -> int:
    """Anonymise every patient whose last contact is older than BOOKING_RETENTION_DAYS.
    Returns how many patients were anonymised."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.BOOKING_RETENTION_DAYS)
    purge_waitlist(now)
    expired = list(Patient.objects.to_anonymise(cutoff).values_list("pk", flat=True))
    return sum(
        erase_patients(expired[first : first + BATCH], audit.SYSTEM, now)
        for first in range(0, len(expired), BATCH)
    )


def purge_waitlist(now: datetime | None = None) -> int:
    """Delete the waiting list's entries that ended (booked, or past their last day): a
    waiting list keeps details only while someone waits. Returns how many."""
    today = timezone.localdate(now or timezone.now())
    _, per_model = WaitlistEntry.objects.ended(today).delete()
    return per_model.get("bookings.WaitlistEntry", 0)
