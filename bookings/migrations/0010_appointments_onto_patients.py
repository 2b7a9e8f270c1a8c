"""Existing appointments move onto patient records, and their cancellations into the audit trail.

Appointments are grouped into one patient when they share an email (in any case) and a
name (ignoring case and spacing); those without an email, when they share a name and a
phone number (its digits). An appointment with neither email nor phone, or one already
anonymised by the retention purge, gets a record of its own: nothing says whose it is.
Each record takes the details of its group's latest appointment. Reception merges any
records that turn out to be one person.

A cancellation's free-text "cancelled by" becomes an audit entry: by the patient, or by
the member of staff whose login it named.
"""

from django.conf import settings
from django.db import migrations


def normalised_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def phone_digits(phone: str) -> str:
    return "".join(character for character in phone if character.isdigit())


def person_key(appointment) -> tuple | None:
    """Which person an appointment belongs to, or None when it cannot be told."""
    if appointment.anonymised_at is not None:
        return None
    name = normalised_name(appointment.patient_name)
    if appointment.patient_email:
        return ("email", appointment.patient_email.casefold(), name)
    if phone_digits(appointment.patient_phone):
        return ("phone", name, phone_digits(appointment.patient_phone))
    return None


def patients_from_appointments(apps, schema_editor):
    Appointment = apps.get_model("bookings", "Appointment")
    Patient = apps.get_model("bookings", "Patient")
    groups: dict[tuple, list] = {}
    alone = []
    for appointment in Appointment.objects.filter(patient__isnull=True).order_by("start", "pk"):
        key = person_key(appointment)
        if key is None:
            alone.append([appointment])
        else:
            groups.setdefault(key, []).append(appointment)
    for group in [*groups.values(), *alone]:
        latest = group[-1]  # ordered by start: the details the patient gave last
        anonymised = latest.anonymised_at is not None
        patient = Patient.objects.create(
            name=" ".join(latest.patient_name.split()) or "(unknown)",
            email="" if anonymised else latest.patient_email,
            phone="" if anonymised else latest.patient_phone,
            created_at=min(appointment.created_at for appointment in group),
            anonymised_at=latest.anonymised_at,
        )
        Appointment.objects.filter(pk__in=[appointment.pk for appointment in group]).update(
            patient=patient
        )


def cancellations_into_the_audit_trail(apps, schema_editor):
    Appointment = apps.get_model("bookings", "Appointment")
    AuditEntry = apps.get_model("bookings", "AuditEntry")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    entries = []
    cancelled = Appointment.objects.filter(status="cancelled", cancelled_at__isnull=False)
    for appointment in cancelled.order_by("pk"):
        by, user = "system", None
        if appointment.cancelled_by == "patient":
            by = "patient"
        elif appointment.cancelled_by.startswith("staff:"):
            by = "staff"
            username = appointment.cancelled_by.removeprefix("staff:")
            user = User.objects.filter(username=username).first()
        entries.append(
            AuditEntry(
                at=appointment.cancelled_at,
                kind="cancelled",
                by=by,
                user=user,
                appointment=appointment,
                patient_id=appointment.patient_id,
                start=appointment.start,
            )
        )
    AuditEntry.objects.bulk_create(entries)


def forwards(apps, schema_editor):
    patients_from_appointments(apps, schema_editor)
    cancellations_into_the_audit_trail(apps, schema_editor)


def backwards(apps, schema_editor):
    """Copy each patient's details back onto their appointments, and who cancelled."""
    Appointment = apps.get_model("bookings", "Appointment")
    AuditEntry = apps.get_model("bookings", "AuditEntry")
    for appointment in Appointment.objects.select_related("patient").filter(patient__isnull=False):
        cancelled = (
            AuditEntry.objects.filter(appointment=appointment, kind="cancelled")
            .select_related("user")
            .order_by("-at")
            .first()
        )
        cancelled_by = ""
        if cancelled is not None:
            cancelled_by = {"patient": "patient", "staff": "staff:"}.get(cancelled.by, "system")
            if cancelled.by == "staff" and cancelled.user is not None:
                cancelled_by += cancelled.user.username
        Appointment.objects.filter(pk=appointment.pk).update(
            patient_name=appointment.patient.name,
            patient_email=appointment.patient.email,
            patient_phone=appointment.patient.phone,
            cancelled_by=cancelled_by[:160],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0009_patients_and_audit_trail"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
