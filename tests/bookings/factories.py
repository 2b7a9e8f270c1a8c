"""Small factories for the bookings tests: each makes one row with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from bookings.models import (
    Appointment,
    BookingRules,
    Patient,
    Practitioner,
    Service,
    WorkingHours,
)

_numbers = itertools.count(1)
EVERY_DAY = range(7)
DAY_WITH_LUNCH = [(time(9), time(13)), (time(14), time(17))]


def make_service(**fields) -> Service:
    number = next(_numbers)
    defaults = {
        "name": f"Initial assessment {number}",
        "slug": f"service-{number}",
        "duration_minutes": 45,
        "buffer_minutes": 15,
        "price": Decimal("60.00"),
    }
    return Service.objects.create(**{**defaults, **fields})


def make_practitioner(
    *services: Service, weekdays=EVERY_DAY, hours=DAY_WITH_LUNCH, **fields
) -> Practitioner:
    number = next(_numbers)
    defaults = {"name": f"Sam Patel {number}", "slug": f"practitioner-{number}"}
    practitioner = Practitioner.objects.create(**{**defaults, **fields})
    practitioner.services.set(services)
    WorkingHours.objects.bulk_create(
        WorkingHours(practitioner=practitioner, weekday=day, start_time=start, end_time=end)
        for day in weekdays
        for start, end in hours
    )
    return practitioner


ANN = {"name": "Ann Runner", "email": "ann@example.com", "phone": "07700 900123"}


def make_patient(**fields) -> Patient:
    return Patient.objects.create(**{**ANN, **fields})


def make_appointment(
    practitioner: Practitioner,
    service: Service,
    start: datetime,
    patient: Patient | None = None,
    **fields,
) -> Appointment:
    """An appointment written straight to the database (as if booked earlier).

    Without ``patient``, it belongs to the record with exactly these details (Ann Runner's
    by default), made if there is none: ``patient_name``, ``patient_email`` and
    ``patient_phone`` change them.
    """
    if patient is None:
        details = {**ANN}
        for field in ("name", "email", "phone"):
            if f"patient_{field}" in fields:
                details[field] = fields.pop(f"patient_{field}")
        patient = Patient.objects.filter(**details).first() or Patient.objects.create(**details)
    defaults = {
        "end": start + service.duration,
        "blocked_until": start + service.duration + service.buffer,
        "consent_at": timezone.now(),
    }
    return Appointment.objects.create(
        practitioner=practitioner,
        service=service,
        start=start,
        patient=patient,
        **{**defaults, **fields},
    )


def make_rules(**fields) -> BookingRules:
    rules = BookingRules(**fields)
    rules.save()
    return rules


def local(year, month, day, hour=0, minute=0) -> datetime:
    """An aware datetime in the clinic's time zone (Europe/London in the tests)."""
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def days_ahead(days: int, hour: int = 10, minute: int = 0) -> datetime:
    """A clinic-local time some days from today."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))
