"""Small factories for the care tests."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from care.models import IntakeQuestion, Programme, ProgrammeExercise, SessionLog
from tests.programs.factories import make_exercise


def make_programme(patient, practitioner, *, exercises: int = 1, **fields) -> Programme:
    defaults = {
        "title": "Hamstring rehab",
        "sessions_per_week": 3,
        "start_date": timezone.localdate() - timedelta(days=7),
        "weeks": 6,
    }
    programme = Programme.objects.create(
        patient=patient, practitioner=practitioner, **{**defaults, **fields}
    )
    for order in range(1, exercises + 1):
        ProgrammeExercise.objects.create(
            programme=programme, exercise=make_exercise(), order=order, sets=3, reps="8"
        )
    return programme


def log_session(programme: Programme, day: date, completion: str = "done", **fields) -> SessionLog:
    defaults = {"pain": 2, "effort": 5, "note": ""}
    return SessionLog.objects.create(
        programme=programme, performed_on=day, completion=completion, **{**defaults, **fields}
    )


def make_question(**fields) -> IntakeQuestion:
    defaults = {"text": "What is the injury?", "kind": IntakeQuestion.Kind.SHORT}
    return IntakeQuestion.objects.create(**{**defaults, **fields})
