"""Demo diary: the clinic's services, three practitioners and their hours (idempotent)."""

from datetime import time
from decimal import Decimal

from .models import BookingRules, Practitioner, Service, WorkingHours

SERVICES = [
    {
        "slug": "initial-assessment",
        "name": "Initial assessment",
        "duration_minutes": 45,
        "buffer_minutes": 15,
        "price": Decimal("60.00"),
        "description": "A first look at your injury or niggle, and a plan to get you running.",
    },
    {
        "slug": "follow-up",
        "name": "Follow-up",
        "duration_minutes": 30,
        "buffer_minutes": 10,
        "price": Decimal("45.00"),
        "description": "Treatment and progress check after your initial assessment.",
        "needs_previous_assessment": True,
    },
    {
        "slug": "running-injury-assessment",
        "name": "Running injury assessment and gait analysis",
        "duration_minutes": 60,
        "buffer_minutes": 15,
        "price": Decimal("85.00"),
        "description": "We watch you run on the treadmill, film your gait and look at the "
        "injury together.",
    },
    {
        "slug": "sports-massage-30",
        "name": "Sports massage (30 minutes)",
        "duration_minutes": 30,
        "buffer_minutes": 10,
        "price": Decimal("35.00"),
        "description": "Focused work on one area, for example calves or hamstrings.",
    },
    {
        "slug": "sports-massage-60",
        "name": "Sports massage (60 minutes)",
        "duration_minutes": 60,
        "buffer_minutes": 10,
        "price": Decimal("60.00"),
        "description": "Full lower-body massage before or after a big training block.",
    },
]

WEEKDAYS = [(0, 1, 2, 3, 4), (0, 1, 2, 3, 4), (1, 2, 3, 4, 5)]
PRACTITIONERS = [
    {
        "slug": "sam-patel",
        "name": "Sam Patel",
        "job_title": "Physiotherapist",
        "bio": "Sam treats running injuries and loves getting people back to their first parkrun.",
        "services": ["initial-assessment", "follow-up", "running-injury-assessment"],
    },
    {
        "slug": "alex-morgan",
        "name": "Alex Morgan",
        "job_title": "Physiotherapist",
        "bio": "Alex works with trail and ultra runners, and runs the gait analysis clinic.",
        "services": ["initial-assessment", "follow-up", "running-injury-assessment"],
    },
    {
        "slug": "jo-evans",
        "name": "Jo Evans",
        "job_title": "Sports massage therapist",
        "bio": "Jo keeps marathon runners moving through their training blocks.",
        "services": ["sports-massage-30", "sports-massage-60"],
    },
]
# Morning and afternoon with a lunch break; Saturdays mornings only.
WEEKDAY_HOURS = [(time(9), time(13)), (time(14), time(18))]
SATURDAY_HOURS = [(time(9), time(13))]


def seed(stdout) -> None:
    services = {}
    for position, data in enumerate(SERVICES):
        fields = {k: v for k, v in data.items() if k != "slug"}
        service, created = Service.objects.update_or_create(
            slug=data["slug"], defaults={**fields, "position": position}
        )
        services[service.slug] = service
        if created:
            stdout.write(f"Service: {service.name}")

    for data, weekdays in zip(PRACTITIONERS, WEEKDAYS, strict=True):
        fields = {k: v for k, v in data.items() if k not in ("slug", "services")}
        practitioner, created = Practitioner.objects.update_or_create(
            slug=data["slug"], defaults=fields
        )
        practitioner.services.set([services[slug] for slug in data["services"]])
        if created or not practitioner.working_hours.exists():
            practitioner.working_hours.all().delete()
            WorkingHours.objects.bulk_create(
                WorkingHours(practitioner=practitioner, weekday=day, start_time=s, end_time=e)
                for day in weekdays
                for s, e in (SATURDAY_HOURS if day == 5 else WEEKDAY_HOURS)
            )
            stdout.write(f"Practitioner: {practitioner.name}, with working hours")

    if not BookingRules.objects.exists():
        BookingRules().save()
        stdout.write("Booking rules: defaults")
