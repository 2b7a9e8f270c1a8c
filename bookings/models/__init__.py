"""The bookings app's models: the diary (diary.py) and the emails it sends (emails.py)."""

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

__all__ = [
    "Appointment",
    "AppointmentEmail",
    "AppointmentQuerySet",
    "BookingRules",
    "ClinicClosure",
    "Practitioner",
    "PractitionerQuerySet",
    "Service",
    "ServiceQuerySet",
    "TimeOff",
    "WorkingHours",
    "new_token",
]
