"""The bookings app's models: the diary (diary.py), the patients (patients.py), the emails
the diary sends (emails.py), the audit trail of its changes (audit.py), courses
(courses.py) and the waiting list (waitlist.py)."""

from .audit import AuditEntry, AuditEntryQuerySet
from .courses import Course
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
from .waitlist import PARTS_OF_DAY, WaitlistEntry, WaitlistEntryQuerySet, WaitlistOffer

__all__ = [
    "Appointment",
    "AppointmentEmail",
    "AppointmentQuerySet",
    "AuditEntry",
    "AuditEntryQuerySet",
    "BookingRules",
    "ClinicClosure",
    "Course",
    "Patient",
    "PatientQuerySet",
    "Practitioner",
    "PractitionerQuerySet",
    "Service",
    "ServiceQuerySet",
    "TimeOff",
    "PARTS_OF_DAY",
    "WaitlistEntry",
    "WaitlistEntryQuerySet",
    "WaitlistOffer",
    "WorkingHours",
    "new_token",
    "normalised_name",
    "phone_digits",
]
