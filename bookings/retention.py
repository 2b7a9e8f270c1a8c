"""Keeping patient details no longer than needed (BOOKING_RETENTION_DAYS)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Appointment

ANONYMISED_NAME = "(removed)"


def purge_appointments(now: datetime | None = None) -> int:
    """Anonymise patient details of appointments older than BOOKING_RETENTION_DAYS."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.BOOKING_RETENTION_DAYS)
    with transaction.atomic():
        return Appointment.objects.to_anonymise(cutoff).update(
            patient_name=ANONYMISED_NAME,
            patient_email="",
            patient_phone="",
            reason="",
            anonymised_at=now,
        )
