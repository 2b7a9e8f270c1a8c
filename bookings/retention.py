"""Keeping patient details no longer than needed (BOOKING_RETENTION_DAYS), per patient.

A patient whose last appointment (or, with none, whose record) is older than the
retention period is erased as reception would erase them (bookings/patients.py): no
name, contact details or date of birth, no reason on any appointment; the appointments
stay in the diary. A patient who keeps coming keeps their history.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from . import audit
from .models import Patient
from .patients import erase_patients

BATCH = 500  # patients per transaction, and well under any database's parameter limit


def purge_appointments(now: datetime | None = None) -> int:
    """Anonymise every patient whose last contact is older than BOOKING_RETENTION_DAYS.
    Returns how many patients were anonymised."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.BOOKING_RETENTION_DAYS)
    expired = list(Patient.objects.to_anonymise(cutoff).values_list("pk", flat=True))
    return sum(
        erase_patients(expired[first : first + BATCH], audit.SYSTEM, now)
        for first in range(0, len(expired), BATCH)
    )
