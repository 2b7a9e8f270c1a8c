"""Small factories for the bookings tests: each makes one row with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from bookings.models import Appointment, BookingRules, Practitioner, Service, WorkingHours

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


def make_appointment(
    practitioner: Practitioner, service: Service, start: datetime, **fields
) -> Appointment:
    defaults = {
        "end": start + service.duration,
        "blocked_until": start + service.duration + service.buffer,
        "patient_name": "Ann Runner",
        "patient_email": "ann@example.com",
        "patient_phone": "07700 900123",
        "consent_at": timezone.now(),
    }
    return Appointment.objects.create(
        practitioner=practitioner, service=service, start=start, **{**defaults, **fields}
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
