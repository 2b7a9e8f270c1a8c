"""Who made a change, and the entry that records it in the audit trail (AuditEntry).

Every function that changes the diary or a patient's record takes an ``Actor``: staff
(their login), the patient (online, or by their private link) or the system (the
retention purge, a command). The actor also decides the rules: the patient is held to
the online rules (notice, window, late cancellation); staff and the system are not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from .models import Appointment, AuditEntry, Patient

By = AuditEntry.By
Kind = AuditEntry.Kind


@dataclass(frozen=True)
class Actor:
    by: str  # AuditEntry.By
    user: AbstractBaseUser | None = None

    @property
    def is_patient(self) -> bool:
        return self.by == By.PATIENT


PATIENT = Actor(By.PATIENT)
SYSTEM = Actor(By.SYSTEM)


def staff(user: AbstractBaseUser) -> Actor:
    """A member of staff, by their login."""
    return Actor(By.STAFF, user)


def entry(
    kind: str,
    by: Actor,
    *,
    appointment: Appointment | None = None,
    patient: Patient | None = None,
    previous_start: datetime | None = None,
    previous_patient_id: int | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """An unsaved entry (for ``bulk_create``); ``record`` saves one."""
    if patient is None and appointment is not None:
        patient = appointment.patient
    return AuditEntry(
        at=at or timezone.now(),
        kind=kind,
        by=by.by,
        user=by.user if by.user is not None and by.user.is_authenticated else None,
        appointment=appointment,
        patient=patient,
        start=appointment.start if appointment is not None else None,
        previous_start=previous_start,
        previous_patient_id=previous_patient_id,
    )


def record(kind: str, by: Actor, **details) -> AuditEntry:
    """Write one entry, in the caller's transaction (the change and its entry go together)."""
    audit_entry = entry(kind, by, **details)
    audit_entry.save()
    return audit_entry
