"""Demo health data (called by seed_demo; idempotent): a home programme with a week of
logs, an appointment with its intake form, both private links, and, in development
only, demo staff logins to see them from the back office."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.utils import timezone

from bookings.models import Appointment, Patient, Practitioner, Service
from programs.models import Exercise

from .models import Intake, IntakeAnswer, IntakeQuestion, Programme, ProgrammeExercise, SessionLog

DEMO_PASSWORD = "demo-clinic-2026"  # noqa: S105 (development only: DEBUG must be on)
STAFF = [
    ("demo-physio", "Physiotherapist", "sam-patel"),
    ("demo-reception", "Reception", None),
    ("demo-editor", "Content editor", None),
]


def seed(stdout) -> None:
    practitioner = Practitioner.objects.filter(slug="sam-patel").first()
    assessment = Service.objects.filter(slug="initial-assessment").first()
    exercises = list(Exercise.objects.published().order_by("name")[:3])
    if practitioner is None or assessment is None or not exercises:
        stdout.write("Care demo: skipped (no demo practitioner, service or exercises)")
        return
    today = timezone.localdate()
    programme = _programme(practitioner, assessment, exercises, today)
    appointment = _appointment_with_intake(practitioner, assessment, today)
    site = settings.SITE_URL
    stdout.write(f"Demo home programme (patient's private page): {site}{programme.private_url()}")
    stdout.write(f"Demo appointment with an intake form: {site}{appointment.private_url()}")
    if settings.DEBUG:
        _staff_logins(stdout, practitioner)


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _patient(name: str, email: str) -> Patient:
    patient = Patient.objects.filter(email=email, anonymised_at__isnull=True).first()
    return patient or Patient.objects.create(name=name, email=email, phone="07700 900123")


def _appointment(practitioner, service, patient, start, status) -> Appointment:
    appointment = Appointment.objects.filter(patient=patient, service=service).first()
    if appointment is None:
        end = start + service.duration
        appointment = Appointment.objects.create(
            service=service,
            practitioner=practitioner,
            patient=patient,
            start=start,
            end=end,
            blocked_until=end + service.buffer,
            status=status,
            consent_at=timezone.now(),
        )
    return appointment


def _programme(practitioner, service, exercises, today) -> Programme:
    patient = _patient("Demo Runner", "demo.runner@example.com")
    programme = Programme.objects.filter(patient=patient).first()
    if programme is not None:
        return programme
    seen = _appointment(
        practitioner, service, patient, _at(today - timedelta(days=8), 7), "attended"
    )
    programme = Programme.objects.create(
        patient=patient,
        appointment=seen,
        practitioner=practitioner,
        title="Hamstring strength (demo)",
        sessions_per_week=3,
        start_date=today - timedelta(days=7),
        weeks=6,
        notes="Little and often. Stop and phone us if pain is sharp or worse the next morning.",
    )
    ProgrammeExercise.objects.bulk_create(
        ProgrammeExercise(
            programme=programme,
            order=order,
            exercise=exercise,
            sets=exercise.default_sets or 3,
            reps=exercise.default_reps or ("" if exercise.default_hold_seconds else "8"),
            hold_seconds=exercise.default_hold_seconds,
            rest_seconds=exercise.default_rest_seconds,
            per_side=exercise.per_side,
            effort_target=6,
        )
        for order, exercise in enumerate(exercises, start=1)
    )
    SessionLog.objects.bulk_create(
        SessionLog(
            programme=programme,
            performed_on=today - timedelta(days=days_ago),
            completion=completion,
            pain=pain,
            effort=effort,
            note=note,
        )
        for days_ago, completion, pain, effort, note in [
            (7, "done", 3, 6, "Sore the next day, fine after."),
            (5, "done", 2, 6, ""),
            (3, "partly", 4, 7, "Stopped the last set: tight behind the knee."),
            (1, "done", 2, 5, ""),
        ]
    )
    return programme


def _appointment_with_intake(practitioner, service, today) -> Appointment:
    patient = _patient("Demo Newcomer", "demo.newcomer@example.com")
    appointment = _appointment(
        practitioner, service, patient, _at(today + timedelta(days=3), 7), "confirmed"
    )
    if not Intake.objects.filter(appointment=appointment).exists():
        intake = Intake.objects.create(appointment=appointment)
        answers = ["Achilles pain", "Right heel", "Six weeks", "30 km a week", "Half marathon"]
        IntakeAnswer.objects.bulk_create(
            IntakeAnswer(
                intake=intake,
                question=question,
                question_text=question.text,
                answer=answers[index] if index < len(answers) else "no",
            )
            for index, question in enumerate(IntakeQuestion.objects.active())
        )
    return appointment


def _staff_logins(stdout, practitioner: Practitioner) -> None:
    for username, group_name, practitioner_slug in STAFF:
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "first_name": username.title()}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=group_name))
        if practitioner_slug and practitioner.user_id is None:
            practitioner.user = user
            practitioner.save(update_fields=["user"])
    stdout.write(
        "Demo staff logins (development only): "
        + ", ".join(f"{username} / {DEMO_PASSWORD}" for username, _, _ in STAFF)
        + " (demo-physio is Sam Patel)"
    )
