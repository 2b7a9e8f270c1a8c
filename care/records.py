"""The care app's part of a patient's rights (bookings/patients.py calls these, registered
in CareConfig.ready): everything held, for the export; and erasure, which the retention
purge uses too. Health data is deleted outright: an anonymised programme or intake
would still be health data about someone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Value
from django.db.models.functions import Concat
from django.utils import timezone

from bookings.models import Patient

from .models import Intake, Programme


def _when(moment) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def export(patient: Patient) -> dict[str, Any]:
    """The patient's programmes (with their exercises and log) and intake answers."""
    programmes = Programme.objects.filter(patient=patient).for_page().order_by("start_date", "pk")
    intakes = (
        Intake.objects.filter(appointment__patient=patient)
        .prefetch_related("answers")
        .order_by("submitted_at", "pk")
    )
    return {
        "programmes": [
            {
                "id": programme.pk,
                "title": programme.title,
                "practitioner": programme.practitioner.name,
                "appointment_id": programme.appointment_id,
                "start_date": programme.start_date.isoformat(),
                "weeks": programme.weeks,
                "sessions_per_week": programme.sessions_per_week,
                "notes": programme.notes,
                "exercises": [
                    {
                        "week": row.week,
                        "exercise": row.exercise.name,
                        "dose": row.dose,
                        "effort_target": row.effort_target,
                        "notes": row.notes,
                    }
                    for row in programme.exercises.all()
                ],
                "log": [
                    {
                        "day": log.performed_on.isoformat(),
                        "completion": log.get_completion_display(),
                        "pain": log.pain,
                        "effort": log.effort,
                        "note": log.note,
                        "logged_at": _when(log.logged_at),
                    }
                    for log in programme.logs.all()
                ],
            }
            for programme in programmes
        ],
        "intake_forms": [
            {
                "appointment_id": intake.appointment_id,
                "submitted_at": _when(intake.submitted_at),
                "needs_urgent_care": intake.needs_urgent_care,
                "answers": [
                    {"question": answer.question_text, "answer": answer.answer}
                    for answer in intake.answers.all()
                ],
            }
            for intake in intakes
        ],
    }


def erase(patient_ids: Sequence[int], now: datetime) -> None:
    """Delete the patients' programmes, logs and intake answers (inside the erasure's
    transaction). Who read them stays in the access log, which holds no health data."""
    programme_ids = [
        str(pk)
        for pk in Programme.objects.filter(patient_id__in=patient_ids).values_list("pk", flat=True)
    ]
    # The admin's history names what was changed on a programme (its exercises): keep the
    # fact that someone changed it, not what.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Programme), object_id__in=programme_ids
    ).update(change_message="", object_repr=Concat(Value("Programme "), "object_id"))
    Programme.objects.filter(patient_id__in=patient_ids).delete()
    Intake.objects.filter(appointment__patient_id__in=patient_ids).delete()
