"""The intake form before a first assessment: who is offered it, and sending it."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from bookings.models import Appointment

from .models import Intake, IntakeAnswer, IntakeQuestion


class IntakeError(Exception):
    """The form cannot be sent (already sent, or no longer open); the message is for the patient."""


def intake_offered(appointment: Appointment, now: datetime) -> bool:
    """A confirmed first assessment (not a follow-up) that has not started yet."""
    return (
        appointment.status == Appointment.Status.CONFIRMED
        and appointment.start > now
        and not appointment.service.needs_previous_assessment
    )


def submit_intake(
    appointment: Appointment, answers: list[tuple[IntakeQuestion, str]], now: datetime
) -> Intake:
    """Store the answers with the appointment, once; flag it when a screening answer needs
    urgent care. All or nothing: a second send (a double click) changes nothing."""
    if not intake_offered(appointment, now):
        raise IntakeError("This appointment no longer takes the form: please phone us.")
    rows = [
        IntakeAnswer(
            question=question,
            question_text=question.text,
            answer=answer,
            urgent=question.yes_needs_urgent_care and answer == "yes",
        )
        for question, answer in answers
    ]
    try:
        with transaction.atomic():
            intake = Intake.objects.create(
                appointment=appointment,
                submitted_at=now,
                needs_urgent_care=any(row.urgent for row in rows),
            )
            for row in rows:
                row.intake = intake
            IntakeAnswer.objects.bulk_create(rows)
    except IntegrityError:
        raise IntakeError(
            "We already have your answers. To change them, please phone us."
        ) from None
    return intake


def urgent_messages(intake: Intake) -> list[str]:
    """The clinic's messages for the answers that need urgent care, each once."""
    messages: list[str] = []
    for answer in intake.answers.select_related("question"):
        message = answer.question.urgent_message if answer.urgent and answer.question else ""
        if message and message not in messages:
            messages.append(message)
    return messages
