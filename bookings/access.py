"""Who may read and change patient data: the one rule every view, admin class and export asks.

Patient data is a patient's record, their appointments (times, reasons, status), the
audit trail about them and the emails sent to them. The rule:

- the patient, by the private link of one appointment: that appointment, and nothing
  else (not their record, not their other appointments);
- reception (group "Reception"): reads everything, runs the diary, edits, merges and
  splits records, exports everything held on a patient and erases one;
- physiotherapists (group "Physiotherapist"): read patient records, appointments and the
  audit trail; change nothing;
- content editors, and any other staff: nothing at all;
- superusers: everything.

The groups carry Django permissions (migrations 0003, 0004 and 0012); this module reads
those permissions, so a member of staff given a permission directly is treated alike.
Anyone not logged in as active staff reads nothing here, whatever permissions they hold.
Health data (home programmes, their logs, intake answers) has a stricter rule built on
this one: care/access.py.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Appointment, AuditEntry, Patient

RECEPTION = "Reception"
PHYSIOTHERAPIST = "Physiotherapist"

User = AbstractBaseUser | AnonymousUser


def _staff_with(user: User, permission: str) -> bool:
    return bool(user.is_active and user.is_staff and user.has_perm(permission))


def can_view_patient_data(user: User) -> bool:
    """Reception, physiotherapists and superusers."""
    return _staff_with(user, "bookings.view_patient")


def can_book(user: User) -> bool:
    """Book appointments for patients (reception's phone bookings)."""
    return can_view_patient_data(user) and _staff_with(user, "bookings.add_appointment")


def can_change_diary(user: User) -> bool:
    """Move, cancel and mark appointments; resend their emails."""
    return can_view_patient_data(user) and _staff_with(user, "bookings.change_appointment")


def can_change_patient_records(user: User) -> bool:
    """Edit a patient's details, merge records and split them."""
    return can_view_patient_data(user) and _staff_with(user, "bookings.change_patient")


def can_add_patient_records(user: User) -> bool:
    return can_view_patient_data(user) and _staff_with(user, "bookings.add_patient")


def can_export_patient_data(user: User) -> bool:
    """Take patient data away as a file: everything held on one patient, or appointment lists."""
    return can_view_patient_data(user) and _staff_with(user, "bookings.export_patient")


def can_erase_patients(user: User) -> bool:
    return can_view_patient_data(user) and _staff_with(user, "bookings.erase_patient")


def can_delete_patient_data(user: User) -> bool:
    """Delete rows outright (not erase): nobody but a superuser, who has every permission."""
    return bool(user.is_active and user.is_superuser)


def patients_visible_to(user: User) -> QuerySet[Patient]:
    return Patient.objects.all() if can_view_patient_data(user) else Patient.objects.none()


def appointments_visible_to(user: User) -> QuerySet[Appointment]:
    if can_view_patient_data(user):
        return Appointment.objects.all()
    return Appointment.objects.none()


def audit_visible_to(user: User) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.all() if can_view_patient_data(user) else AuditEntry.objects.none()


def appointment_for_link(token: str) -> Appointment:
    """The one appointment a private link opens, or a 404: the link is the patient's key
    to that appointment alone, whoever holds it, logged in or not."""
    return get_object_or_404(
        Appointment.objects.select_related("service", "practitioner"), token=token
    )
