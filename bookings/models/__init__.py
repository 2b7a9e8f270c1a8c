"""The bookings app's models: the diary (diary.py), the patients (patients.py), the emails
the diary sends (emails.py) and the audit trail of its changes (audit.py)."""

from .audit import AuditEntry, AuditEntryQuerySet
from .diary import (
    Appointment,
    AppointmentQuerySet,
    BookingRules,
    ClinicClosure,
    Practitioner,
    PractitionerQuerySet,
    Service,
    ServiceQuerySet,
    TimeOff,
    WorkingHours,
    new_token,
)
from .emails import AppointmentEmail
from .patients import Patient, PatientQuerySet, normalised_name, phone_digits

__all__ = [
    "Appointment",
    "AppointmentEmail",
    "AppointmentQuerySet",
    "AuditEntry",
    "AuditEntryQuerySet",
    "BookingRules",
    "ClinicClosure",
    "Patient",
    "PatientQuerySet",
    "Practitioner",
    "PractitionerQuerySet",
    "Service",
    "ServiceQuerySet",
    "TimeOff",
    "WorkingHours",
    "new_token",
    "normalised_name",
    "phone_digits",
]
