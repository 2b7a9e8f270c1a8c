"""Keeping patient details no longer than needed (BOOKING_RETENTION_DAYS)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from .models import Appointment

ANONYMISED_NAME = "(removed)"


def purge_appointments(now: datetime | None = None) -> int:
    """Anonymise patient details of appointments older than BOOKING_RETENTION_DAYS."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.BOOKING_RETENTION_DAYS)
    with transaction.atomic():
        expired = Appointment.objects.to_anonymise(cutoff)
        # The admin's history keeps each object's name as it was; older versions of
        # Appointment.__str__ put the patient's name there.
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Appointment),
            object_id__in=[str(pk) for pk in expired.values_list("pk", flat=True)],
        ).update(object_repr=ANONYMISED_NAME)
        return expired.update(
            patient_name=ANONYMISED_NAME,
            patient_email="",
            patient_phone="",
            reason="",
            anonymised_at=now,
        )
