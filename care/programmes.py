"""Building a programme (from a published plan), and emailing its link again."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from clinic.models import ClinicDetails
from programs.models import Plan

from .models import Programme, ProgrammeExercise, SessionLog

# The same session sent twice this soon is one press of "Save" arriving twice.
DOUBLE_SEND = timedelta(minutes=2)


@transaction.atomic
def copy_plan(programme: Programme, plan: Plan) -> int:
    """Copy the plan's weeks into the programme as week-by-week exercises (each session's
    exercises, in order, with the session named in the notes) and take its length and
    sessions a week. Returns how many exercises were copied."""
    plan = Plan.objects.for_page().get(pk=plan.pk)
    rows = []
    for week in plan.weeks.all():
        order = 0
        for session in week.sessions.all():
            for prescription in session.prescriptions.all():
                order += 1
                note = f"{session.title}: {prescription.notes}" if prescription.notes else ""
                rows.append(
                    ProgrammeExercise(
                        programme=programme,
                        week=week.number,
                        order=order,
                        exercise_id=prescription.exercise_id,
                        sets=prescription.sets,
                        reps=prescription.reps,
                        hold_seconds=prescription.hold_seconds,
                        rest_seconds=prescription.rest_seconds,
                        per_side=prescription.per_side,
                        # The plan's Borg CR10 range, as one target: its top.
                        effort_target=(
                            prescription.effort_max
                            if prescription.effort_max is not None
                            else prescription.effort_min
                        ),
                        notes=(note or session.title)[:200],
                    )
                )
    ProgrammeExercise.objects.bulk_create(rows)
    programme.weeks = min(max(plan.duration_weeks, 1), 52)
    programme.sessions_per_week = plan.sessions_per_week
    programme.based_on = plan
    programme.save()
    return len(rows)


def record_session(programme: Programme, log: SessionLog, now: datetime) -> SessionLog:
    """Save the patient's log of a session, once: under a lock on the programme, an
    identical entry saved in the last two minutes (a double click) is returned instead."""
    with transaction.atomic():
        Programme.objects.select_for_update().get(pk=programme.pk)
        same = SessionLog.objects.filter(
            programme=programme,
            performed_on=log.performed_on,
            completion=log.completion,
            pain=log.pain,
            effort=log.effort,
            note=log.note,
            logged_at__gte=now - DOUBLE_SEND,
        ).first()
        if same is not None:
            return same
        log.programme, log.logged_at = programme, now
        log.save()
        return log


def queue_link_email(programme: Programme) -> bool:
    """Queue the email with the programme's private link to the address on the patient's
    record (never one typed on the page). False when the record has no address."""
    if not programme.patient.email:
        return False
    from .tasks import send_programme_link  # the tasks module calls back into this one

    # The queue is a table in our database: the task commits or rolls back with the caller.
    send_programme_link.enqueue(programme.pk)
    return True


def send_link_email(programme_id: int) -> bool:
    """In the worker: the email holds the link and the clinic's details, no health data
    (not even the programme's title). False when there is nothing to send."""
    programme = Programme.objects.select_related("patient").filter(pk=programme_id).first()
    if programme is None or not programme.patient.email:
        return False
    context = {
        "clinic": ClinicDetails.current(),
        "programme_url": f"{settings.SITE_URL}{programme.private_url()}",
    }
    subject = f"Your home exercise programme link from {context['clinic'].name}"
    message = EmailMultiAlternatives(
        " ".join(subject.split()),
        render_to_string("care/emails/programme_link.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [programme.patient.email],
    )
    message.attach_alternative(
        render_to_string("care/emails/programme_link.html", context), "text/html"
    )
    message.send()
    return True
