"""Patient records: finding the patient of an online booking, merging and splitting
records, and the person's rights (everything held on them as a file; erasure).

Plain functions called by the booking functions, the admin and the retention purge.
Each writes its audit entry in the same transaction as the change. None of them empties
a page of the page cache: patient records are never part of a public page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Concat
from django.utils import timezone

from . import audit
from .audit import Actor
from .models import Appointment, AuditEntry, Patient, normalised_name, phone_digits

Kind = AuditEntry.Kind
ERASED_NAME = "(erased)"
EXPORT_FORMAT = "physio-clinic-patient-export"
EXPORT_VERSION = 1


@dataclass(frozen=True)
class PatientDetails:
    """What a person gives when they book: who they are, and why they come (optional)."""

    name: str
    email: str
    phone: str
    reason: str = ""


# --- Finding the patient of a booking --------------------------------------------------------


def find_or_create_patient(details: PatientDetails, now: datetime | None = None) -> Patient:
    """The existing record these details belong to, or a new one.

    A record matches when its email (in any case), its name (ignoring case and spacing)
    and its phone number (its digits) are all the same as those given; without an email,
    the name and a phone number must match. Anything less makes a new record: families
    share an email address and people share names, and a booking must never attach
    someone to another person's history, nor change a record with what a visitor typed.
    Reception merges records that turn out to be one person (two first bookings made at
    the same instant can make two records too). An erased record never matches. Whether
    a record existed changes nothing the visitor sees.
    """
    name = " ".join(details.name.split())
    email = details.email.strip()
    phone = details.phone.strip()
    if email:
        candidates = Patient.objects.with_email(email)
    elif phone_digits(phone):
        candidates = Patient.objects.filter(email="", name__iexact=name)
    else:
        candidates = Patient.objects.none()
    wanted = (normalised_name(name), phone_digits(phone))
    for candidate in candidates.filter(anonymised_at__isnull=True).order_by("pk"):
        if (normalised_name(candidate.name), phone_digits(candidate.phone)) == wanted:
            return candidate
    return Patient.objects.create(
        name=name, email=email, phone=phone, created_at=now or timezone.now()
    )


# --- Merging and splitting records -----------------------------------------------------------


def merge_patients(keep: Patient, others: Iterable[Patient], by: Actor) -> int:
    """Move every appointment (and its history) of ``others`` onto ``keep``, and delete
    those records. ``keep``'s details stay as they are. Returns how many appointments moved.
    """
    other_ids = sorted({other.pk for other in others} - {keep.pk})
    if not other_ids:
        raise ValueError("Choose at least one other record to merge into the one kept.")
    now = timezone.now()
    with transaction.atomic():
        # Locked in one order, so two merges of overlapping records cannot deadlock.
        list(
            Patient.objects.select_for_update().filter(pk__in=[keep.pk, *other_ids]).order_by("pk")
        )
        moved = list(Appointment.objects.filter(patient_id__in=other_ids).order_by("start"))
        entries = [
            audit.entry(Kind.MERGED, by, patient=keep, previous_patient_id=other_id, at=now)
            for other_id in other_ids
        ]
        for appointment in moved:
            entries.append(
                audit.entry(
                    Kind.MERGED,
                    by,
                    appointment=appointment,
                    patient=keep,
                    previous_patient_id=appointment.patient_id,
                    at=now,
                )
            )
        Appointment.objects.filter(pk__in=[a.pk for a in moved]).update(patient=keep)
        AuditEntry.objects.filter(patient_id__in=other_ids).update(patient=keep)
        AuditEntry.objects.bulk_create(entries)
        _scrub_admin_history(other_ids, merged_into=keep.pk)
        Patient.objects.filter(pk__in=other_ids).delete()
    return len(moved)


def split_patient(
    patient: Patient, appointments: Iterable[Appointment], details: PatientDetails, by: Actor
) -> Patient:
    """A new record for ``details``, onto which the chosen appointments of ``patient``
    move with their history: two people booked under one record (a family's email)."""
    now = timezone.now()
    with transaction.atomic():
        Patient.objects.select_for_update().get(pk=patient.pk)
        moving = list(
            Appointment.objects.filter(
                patient=patient, pk__in=[appointment.pk for appointment in appointments]
            )
        )
        if not moving:
            raise ValueError("Choose at least one appointment of this patient to move.")
        new = Patient.objects.create(
            name=" ".join(details.name.split()),
            email=details.email.strip(),
            phone=details.phone.strip(),
            created_at=now,
        )
        ids = [appointment.pk for appointment in moving]
        Appointment.objects.filter(pk__in=ids).update(patient=new)
        AuditEntry.objects.filter(appointment_id__in=ids).update(patient=new)
        for appointment in moving:
            appointment.patient = new
        AuditEntry.objects.bulk_create(
            audit.entry(
                Kind.SPLIT,
                by,
                appointment=appointment,
                patient=new,
                previous_patient_id=patient.pk,
                at=now,
            )
            for appointment in moving
        )
    return new


# --- What other apps hold on a patient -------------------------------------------------------


@dataclass(frozen=True)
class OtherPatientData:
    """What another app holds on patients (care: programmes, logs, intake answers):
    ``export(patient)`` returns its part of the file; ``erase(patient_ids, now)``
    anonymises it, inside the erasure's transaction."""

    export: Callable[[Patient], Any]
    erase: Callable[[Sequence[int], datetime], None]


_other_data: dict[str, OtherPatientData] = {}


def register_patient_data(
    section: str,
    export: Callable[[Patient], Any],
    erase: Callable[[Sequence[int], datetime], None],
) -> None:
    """Called from another app's ``AppConfig.ready``: its data joins every export (under
    ``section``) and every erasure, without this app importing it."""
    _other_data[section] = OtherPatientData(export, erase)


# --- The person's rights: everything held, and erasure -------------------------------------


def export_patient(patient: Patient, by: Actor) -> dict[str, Any]:
    """Everything held on the patient, as a structure ready for JSON (a subject access
    request). The export itself is recorded in the audit trail, and listed in the file.

    The private links of the appointments are left out: whoever holds one can cancel.
    """
    now = timezone.now()
    with transaction.atomic():
        audit.record(Kind.EXPORTED, by, patient=patient, at=now)
    appointments = list(
        patient.appointments.select_related("service", "practitioner")
        .prefetch_related("emails")
        .order_by("start", "pk")
    )
    history = AuditEntry.objects.for_patient(patient).order_by("at", "pk")
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": _when(now),
        "patient": {
            "id": patient.pk,
            "name": patient.name,
            "email": patient.email,
            "phone": patient.phone,
            "date_of_birth": patient.date_of_birth.isoformat() if patient.date_of_birth else None,
            "record_created_at": _when(patient.created_at),
            "anonymised_at": _when(patient.anonymised_at),
        },
        "appointments": [_appointment(appointment) for appointment in appointments],
        "history": [
            {
                "at": _when(entry.at),
                "what": entry.get_kind_display(),
                "kind": entry.kind,
                "by": entry.get_by_display(),
                "appointment_id": entry.appointment_id,
                "appointment_time": _when(entry.start),
                "previous_time": _when(entry.previous_start),
                "previous_patient_record": entry.previous_patient_id,
            }
            for entry in history
        ],
        **{section: data.export(patient) for section, data in sorted(_other_data.items())},
    }


def _appointment(appointment: Appointment) -> dict[str, Any]:
    return {
        "id": appointment.pk,
        "service": appointment.service.name,
        "practitioner": appointment.practitioner.name,
        "start": _when(appointment.start),
        "end": _when(appointment.end),
        "status": appointment.get_status_display(),
        "reason": appointment.reason,
        "booked_at": _when(appointment.created_at),
        "consent_at": _when(appointment.consent_at),
        "cancelled_at": _when(appointment.cancelled_at),
        "anonymised_at": _when(appointment.anonymised_at),
        "emails": [
            {
                "what": email.get_kind_display(),
                "about_time": _when(email.about_start),
                "queued_at": _when(email.created_at),
                "sent_at": _when(email.sent_at),
                "given_up_at": _when(email.given_up_at),
            }
            for email in appointment.emails.all()
        ],
    }


def _when(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def erase_patient(patient: Patient, by: Actor) -> None:
    """Anonymise the patient: no name, email, phone or date of birth, and no reason on
    any of their appointments, which stay in the diary (and its figures)."""
    erase_patients([patient.pk], by)


def erase_patients(patient_ids: Sequence[int], by: Actor, now: datetime | None = None) -> int:
    """Anonymise these patients at once (the retention purge passes many); those already
    anonymised are left alone. Returns how many were anonymised."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Patient.objects.select_for_update()
            .filter(pk__in=patient_ids, anonymised_at__isnull=True)
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        Patient.objects.filter(pk__in=ids).update(
            name=ERASED_NAME, email="", phone="", date_of_birth=None, anonymised_at=now
        )
        Appointment.objects.filter(patient_id__in=ids).update(reason="", anonymised_at=now)
        _scrub_admin_history(ids)
        for data in _other_data.values():
            data.erase(ids, now)
        AuditEntry.objects.bulk_create(
            audit.entry(Kind.ERASED, by, patient=Patient(pk=pk), at=now) for pk in ids
        )
    return len(ids)


def _scrub_admin_history(patient_ids: Sequence[int], merged_into: int | None = None) -> None:
    """The admin's history keeps each object's name as it was: a patient's is their name,
    and older versions of Appointment.__str__ held it too."""
    kinds = ContentType.objects.get_for_models(Patient, Appointment)
    suffix = f" (merged into {merged_into})" if merged_into else ""
    LogEntry.objects.filter(
        content_type=kinds[Patient], object_id__in=[str(pk) for pk in patient_ids]
    ).update(
        object_repr=Concat(Value("Patient "), "object_id", Value(suffix), output_field=CharField())
    )
    appointment_ids = Appointment.objects.filter(patient_id__in=patient_ids).values_list(
        "pk", flat=True
    )
    LogEntry.objects.filter(
        content_type=kinds[Appointment], object_id__in=[str(pk) for pk in appointment_ids]
    ).exclude(object_repr__startswith="Appointment ").update(object_repr="Appointment (removed)")
