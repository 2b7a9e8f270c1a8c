"""Demo diary: the clinic's services, three practitioners and their hours, and a few
appointments this week and next so that the diary and the calendar feeds are not empty
(idempotent)."""

from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from .availability import clinic_timezone, local_to_utc
from .feeds import feed_url
from .models import Appointment, BookingRules, Patient, Practitioner, Service, WorkingHours

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

    seed_appointments(stdout)
    stdout.write("Practitioners' calendar feeds (subscribe in a calendar app):")
    for practitioner in Practitioner.objects.filter(slug__in=[p["slug"] for p in PRACTITIONERS]):
        stdout.write(f"  {practitioner.name}: {feed_url(practitioner)}")


# (practitioner, service, weekday, local time). Alex Morgan's diary stays empty: the
# booking tests and the browser tests book there.
DEMO_APPOINTMENTS = (
    [("sam-patel", "follow-up", day, time(10)) for day in range(5)]
    + [("sam-patel", "initial-assessment", day, time(14)) for day in (0, 2, 4)]
    + [("jo-evans", "sports-massage-30", day, time(11)) for day in range(1, 6)]
    + [("jo-evans", "sports-massage-60", day, time(15)) for day in (1, 3)]
)
DEMO_PATIENTS = [
    ("Ada Demo", "ada.demo@example.com", "07700 900001"),
    ("Ben Demo", "ben.demo@example.com", "07700 900002"),
    ("Cat Demo", "cat.demo@example.com", "07700 900003"),
    ("Dev Demo", "dev.demo@example.com", "07700 900004"),
]


def seed_appointments(stdout) -> None:
    """Appointments this week and next for demo patients, written straight to the diary
    (no emails to the demo addresses); a time already taken is left alone."""
    tz = clinic_timezone()
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    patients = [
        Patient.objects.get_or_create(email=email, name=name, defaults={"phone": phone})[0]
        for name, email, phone in DEMO_PATIENTS
    ]
    people = {p.slug: p for p in Practitioner.objects.filter(slug__in=["sam-patel", "jo-evans"])}
    services = {s.slug: s for s in Service.objects.all()}
    now = timezone.now()
    made = 0
    for week in (0, 1):
        for number, (who, what, weekday, wall) in enumerate(DEMO_APPOINTMENTS):
            practitioner, service = people.get(who), services.get(what)
            start = local_to_utc(monday + timedelta(days=7 * week + weekday), wall, tz)
            if practitioner is None or service is None or start is None:
                continue
            blocked_until = start + service.duration + service.buffer
            if (
                Appointment.objects.filter(practitioner=practitioner)
                .blocking(start, blocked_until)
                .exists()
            ):
                continue
            Appointment.objects.create(
                service=service,
                practitioner=practitioner,
                start=start,
                end=start + service.duration,
                blocked_until=blocked_until,
                patient=patients[(number + week) % len(patients)],
                status=Appointment.Status.ATTENDED if start < now else Appointment.Status.CONFIRMED,
                created_at=min(now, start) - timedelta(days=7),
                confirmation_sent_at=now,
            )
            made += 1
    if made:
        stdout.write(f"Demo appointments: {made} this week and next")
