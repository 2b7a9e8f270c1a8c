"""The emails of a booking: confirmation, clinic notice, cancellation, move, reminder.

Nothing here talks to the mail server inside a request. A change to the diary calls
``queue_*`` inside its own transaction: that writes an ``AppointmentEmail`` row per email
(the outbox) and enqueues one ``send_emails`` task, all of which commit or roll back with
the change. The worker then calls ``deliver``, which claims the row, builds the message from
the appointment as it is now, sends it, and records the outcome. A failure is retried
with back-off (``RETRY_DELAYS``) and, after the last try, left for reception to see.
No email carries the patient's reason for booking; each goes to the address on the
patient's record when it is sent (none, once the patient is erased).
"""

from __future__ import annotations

import logging
import signal
import smtplib
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from clinic.models import ClinicDetails
from clinic.queue import mark_lost

from .calendar import appointment_ics, appointments_ics, calendar_mimetype
from .models import Appointment, AppointmentEmail, AuditEntry
from .rota import current_rota

logger = logging.getLogger(__name__)

Kind = AppointmentEmail.Kind

# Wait after the 1st, 2nd, ... failed try; after the last one the email is given up on
# (about 16 hours in all) and reception sees it as failed.
RETRY_DELAYS = [
    timedelta(seconds=30),
    timedelta(minutes=1),
    timedelta(minutes=2),
    timedelta(minutes=5),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=2),
    timedelta(hours=4),
    timedelta(hours=8),
]
# A task's sends stop after this long, however slowly the mail server answers (its 10 s
# timeout is per socket operation, so a server that dribbles could hold a send far longer).
SEND_DEADLINE = 40
# And the goodbye (QUIT) after them.
CLOSE_DEADLINE = 5
# How long a worker holds an email while sending it: more than SEND_DEADLINE plus a
# goodbye, so only a worker that died lets go this way (its email is then sent again by
# retry_lost, which runs every minute).
CLAIM = timedelta(minutes=1)
# Emails pulled forward at once when the mail server works again (one task each batch).
CATCH_UP_BATCH = 20

# Whether this worker process saw a send fail since its last success: then the next
# success means the mail server is back, and the emails waiting out a back-off go now.
_failures_seen = False


# --- Queueing: called inside the transaction that changes the diary ----------------------


def queue(appointment: Appointment, *kinds: str, previous_start: datetime | None = None) -> None:
    """Write the emails to the outbox and enqueue one task to deliver them, in the caller's
    transaction: three queries, however many emails."""
    outbox = AppointmentEmail.objects.bulk_create(
        AppointmentEmail(
            appointment=appointment,
            kind=kind,
            about_start=appointment.start,
            previous_start=previous_start,
            next_attempt_at=timezone.now() + CLAIM,
        )
        for kind in kinds
    )
    _enqueue(outbox)


def queue_booking_emails(appointment: Appointment) -> None:
    _queue_for_patient_and_clinic(appointment, Kind.CONFIRMATION, Kind.CLINIC_NOTICE)


def queue_cancellation_emails(appointment: Appointment) -> None:
    _queue_for_patient_and_clinic(appointment, Kind.CANCELLATION, Kind.CLINIC_CANCELLATION)


def queue_moved_emails(appointment: Appointment, previous_start: datetime) -> None:
    _queue_for_patient_and_clinic(appointment, Kind.MOVED, Kind.CLINIC_MOVED, previous_start)


def _queue_for_patient_and_clinic(
    appointment: Appointment,
    to_patient: str,
    to_clinic: str,
    previous_start: datetime | None = None,
) -> None:
    """The patient's email (when the record has an address) and the clinic's copy."""
    kinds = [to_patient, to_clinic] if appointment.patient.email else [to_clinic]
    queue(appointment, *kinds, previous_start=previous_start)


def try_again(email: AppointmentEmail) -> None:
    """Reception's "try again now" for an email that failed: a fresh round of tries."""
    AppointmentEmail.objects.filter(pk=email.pk).update(
        given_up_at=None, attempts=0, last_error="", next_attempt_at=timezone.now() + CLAIM
    )
    _enqueue([email])


def _enqueue(outbox: list[AppointmentEmail], run_after: datetime | None = None) -> None:
    from .tasks import send_emails  # the tasks module calls back into this one

    task = send_emails.using(run_after=run_after) if run_after else send_emails
    result = task.enqueue([email.pk for email in outbox])
    AppointmentEmail.objects.filter(pk__in=[email.pk for email in outbox]).update(task_id=result.id)


# --- Delivery: in the worker ---------------------------------------------------------------


def deliver(email_ids: list[int], now: datetime | None = None) -> dict[int, str]:
    """Send the outbox emails that have not gone yet, over one connection to the mail
    server; record each outcome.

    Returns what happened to each: "sent", "retry", "failed", "skipped" or "already
    handled". The claims (``claimed_until``) are taken in a transaction of their own, so
    two workers handed the same email (a retry racing a redelivery) send it once.
    """
    now = now or timezone.now()
    outcomes = dict.fromkeys(email_ids, "already handled")
    claimed = _claim(email_ids, now)
    messages = {}
    errors: dict[AppointmentEmail, Exception] = {}
    for email in claimed:
        try:
            message = build_message(email, now)
        except Exception as error:  # a template or data fault: counted, retried, given up
            logger.exception("Could not build the %s email %s", email.kind, email.pk)
            errors[email] = error
            continue
        if message is None:
            _record(
                [email], given_up_at=now, last_error="Nothing to send (no address, or too late)"
            )
            outcomes[email.pk] = "skipped"
        else:
            messages[email] = message
    sent, refused = _send(messages)
    errors.update(refused)
    outcomes.update(dict.fromkeys((email.pk for email in sent), "sent"))
    if sent and _failures_seen and not errors:
        catch_up(timezone.now())
    for email, error in errors.items():
        outcomes[email.pk] = _failed(email, error, timezone.now())
    return outcomes


def catch_up(now: datetime) -> int:
    """The mail server works again: send the emails that are waiting out a back-off now,
    rather than minutes later. Returns how many were enqueued."""
    global _failures_seen
    _failures_seen = False
    waiting = list(
        AppointmentEmail.objects.failing()
        .filter(next_attempt_at__gt=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .order_by("next_attempt_at")[: CATCH_UP_BATCH * 10]
    )
    with transaction.atomic():
        AppointmentEmail.objects.filter(pk__in=[email.pk for email in waiting]).update(
            next_attempt_at=now
        )
        for start in range(0, len(waiting), CATCH_UP_BATCH):
            _enqueue(waiting[start : start + CATCH_UP_BATCH])
    if waiting:
        logger.info("The mail server answers again: %s waiting email(s) sent now", len(waiting))
    return len(waiting)


def _claim(email_ids: list[int], now: datetime) -> list[AppointmentEmail]:
    """Lock the emails, keep those nobody has sent or is sending, and hold them."""
    with transaction.atomic():
        claimable = list(
            AppointmentEmail.objects.select_for_update(of=("self",))
            .select_related(
                "appointment__service", "appointment__practitioner", "appointment__patient"
            )
            .filter(pk__in=email_ids)
            .pending()
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        )
        AppointmentEmail.objects.filter(pk__in=[email.pk for email in claimable]).update(
            attempts=F("attempts") + 1, claimed_until=now + CLAIM
        )
    for email in claimable:
        email.attempts += 1
    return claimable


def _send(
    messages: dict[AppointmentEmail, EmailMultiAlternatives],
) -> tuple[list[AppointmentEmail], dict[AppointmentEmail, Exception]]:
    """Send each message and record it sent at once (a worker killed later cannot send it
    again); a failure to connect fails them all, a refusal only its own. All the sends
    together stop after SEND_DEADLINE, the goodbye after a few seconds more, so a live
    worker never holds an email past its claim."""
    sent: list[AppointmentEmail] = []
    errors: dict[AppointmentEmail, Exception] = {}
    if not messages:
        return sent, errors
    mailer = mail.mailers.default
    give_up_at = time.monotonic() + SEND_DEADLINE
    try:
        with send_deadline(SEND_DEADLINE):
            mailer.open()
        for email, message in messages.items():
            try:
                with send_deadline(give_up_at - time.monotonic()):
                    mailer.send_messages([message])
            except SendDeadlineExceeded:
                raise
            except Exception as error:  # any mail failure: record it, try again later
                errors[email] = error
            else:
                _mark_sent([email], timezone.now())  # outside the timer: no query cut short
                sent.append(email)
    except Exception as error:  # the connection itself, or the deadline: none of the rest went
        errors.update({email: error for email in messages if email not in sent})
    finally:
        try:
            with send_deadline(CLOSE_DEADLINE):
                mailer.close()
        except Exception:  # the messages went or failed already; a bad goodbye changes nothing
            logger.warning("The mail connection did not close cleanly", exc_info=True)
    return sent, errors


class SendDeadlineExceeded(TimeoutError):
    """The mail server took longer than SEND_DEADLINE over one task's emails."""


@contextmanager
def send_deadline(seconds: float):
    """Raise SendDeadlineExceeded in the block after ``seconds`` (an interval timer, in
    the main thread where the worker runs tasks; elsewhere only the per-call timeout)."""
    if seconds <= 0:
        raise SendDeadlineExceeded("no time left to send")
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise SendDeadlineExceeded(f"no answer from the mail server within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _mark_sent(sent: list[AppointmentEmail], sent_at: datetime) -> None:
    _record(sent, sent_at=sent_at, last_error="")
    for kind, field in (
        (Kind.CONFIRMATION, "confirmation_sent_at"),
        (Kind.REMINDER, "reminder_sent_at"),
    ):
        appointment_ids = [email.appointment_id for email in sent if email.kind == kind]
        if appointment_ids:
            Appointment.objects.filter(pk__in=appointment_ids).update(**{field: sent_at})


def _failed(email: AppointmentEmail, error: Exception, now: datetime) -> str:
    global _failures_seen
    _failures_seen = True
    # The class and SMTP code only: a refusal's text can quote the patient's address.
    reason = type(error).__name__
    if isinstance(error, smtplib.SMTPResponseException):
        reason += f" {error.smtp_code}"
    if email.attempts > len(RETRY_DELAYS):
        logger.error(
            "Gave up on the %s email %s for appointment %s after %s tries (%s)",
            email.kind,
            email.pk,
            email.appointment_id,
            email.attempts,
            reason,
        )
        _record([email], given_up_at=now, last_error=reason)
        return "failed"
    retry_at = now + RETRY_DELAYS[email.attempts - 1]
    logger.warning(
        "Could not send the %s email %s for appointment %s (try %s, %s); next try at %s",
        email.kind,
        email.pk,
        email.appointment_id,
        email.attempts,
        reason,
        retry_at.isoformat(timespec="seconds"),
    )
    with transaction.atomic():
        _record([email], next_attempt_at=retry_at, last_error=reason)
        _enqueue([email], run_after=retry_at)
    return "retry"


def _record(outbox: list[AppointmentEmail], **fields) -> None:
    pks = [email.pk for email in outbox]
    AppointmentEmail.objects.filter(pk__in=pks).update(claimed_until=None, **fields)


def retry_lost(now: datetime | None = None, limit: int = 500) -> int:
    """Enqueue again the pending emails whose task is gone: finished without sending, or
    running for longer than a send can take (its worker was killed). Returns how many."""
    from .tasks import send_emails

    now = now or timezone.now()
    requeued = 0
    for email in AppointmentEmail.objects.due(now)[:limit]:
        try:
            task = send_emails.get_result(email.task_id) if email.task_id else None
        except TaskResultDoesNotExist:
            task = None
        if task is not None and (
            task.status == TaskResultStatus.READY
            or (task.status == TaskResultStatus.RUNNING and task.started_at > now - CLAIM)
        ):
            continue
        if task is not None and task.status == TaskResultStatus.RUNNING:
            mark_lost(task.id)  # its worker died: say so, rather than "running" for a day
        logger.warning("Email %s lost its task: enqueued again", email.pk)
        _enqueue([email])
        requeued += 1
    return requeued


# --- The messages ---------------------------------------------------------------------------


def build_message(email: AppointmentEmail, now: datetime) -> EmailMultiAlternatives | None:
    """The message for an outbox email, from the appointment as it is now (None when there
    is nothing to send: no address left, or a reminder whose time has passed)."""
    appointment = email.appointment
    to_patient = email.kind in {
        Kind.CONFIRMATION,
        Kind.CANCELLATION,
        Kind.MOVED,
        Kind.REMINDER,
        Kind.COURSE_CONFIRMATION,
    }
    if to_patient and not appointment.patient.email:
        return None
    if email.kind == Kind.REMINDER and appointment.start <= now:
        return None
    previous = timezone.localtime(email.previous_start) if email.previous_start else None
    context = _context(appointment, previous_start=previous)
    start = context["start"]
    names = f"{appointment.service.name}, {start:%a %-d %b %H:%M}, {appointment.practitioner.name}"
    patient = [appointment.patient.email]
    clinic = [settings.CLINIC_INBOX_EMAIL]
    match email.kind:
        case Kind.CONFIRMATION:
            subject = f"Your appointment on {start:%A %-d %B at %H:%M}"
            return _message("confirmation", subject, patient, context, appointment_ics(appointment))
        case Kind.CLINIC_NOTICE:
            return _message("clinic_notice", f"New booking: {names}", clinic, context)
        case Kind.CANCELLATION:
            subject = f"Cancelled: your appointment on {start:%A %-d %B at %H:%M}"
            ics = appointment_ics(appointment, cancelled=True)
            return _message("cancellation", subject, patient, context, ics, cancelled=True)
        case Kind.CLINIC_CANCELLATION:
            context["cancelled_by"] = _cancelled_by(appointment)
            return _message("clinic_cancellation", f"Cancelled: {names}", clinic, context)
        case Kind.MOVED:
            subject = f"Moved: your appointment is now on {start:%A %-d %B at %H:%M}"
            return _message("rescheduled", subject, patient, context, appointment_ics(appointment))
        case Kind.CLINIC_MOVED:
            subject = (
                f"Moved: {appointment.service.name} with {appointment.practitioner.name} "
                f"to {start:%a %-d %b %H:%M}"
            )
            return _message("clinic_rescheduled", subject, clinic, context)
        case Kind.REMINDER:
            subject = f"Reminder: your appointment tomorrow at {start:%H:%M}"
            return _message("reminder", subject, patient, context, appointment_ics(appointment))
        case Kind.COURSE_CONFIRMATION:
            course = appointment.course
            sessions = (
                list(course.appointments.active().select_related("service", "practitioner"))
                if course
                else [appointment]
            )
            if not sessions:
                return None
            context["sessions"] = [
                (session, timezone.localtime(session.start), timezone.localtime(session.end))
                for session in sessions
            ]
            subject = f"Your {len(sessions)} appointments from {start:%A %-d %B}"
            return _message(
                "course_confirmation", subject, patient, context, appointments_ics(sessions)
            )
    raise ValueError(f"Unknown email kind {email.kind!r}")


def _cancelled_by(appointment: Appointment) -> str:
    cancelled = (
        appointment.audit.filter(kind=AuditEntry.Kind.CANCELLED)
        .select_related("user")
        .order_by("-at", "-pk")
        .first()
    )
    return cancelled.who if cancelled else "unknown"


def _context(appointment: Appointment, **extra) -> dict:
    return {
        "appointment": appointment,
        "clinic": ClinicDetails.current(),
        "rules": current_rota().rules,
        "start": timezone.localtime(appointment.start),
        "end": timezone.localtime(appointment.end),
        "manage_url": f"{settings.SITE_URL}{appointment.private_url()}",
        "book_url": f"{settings.SITE_URL}/book/",
        "site_url": settings.SITE_URL,
        **extra,
    }


def _message(
    template: str,
    subject: str,
    to: list[str],
    context: dict,
    ics: bytes | None = None,
    cancelled: bool = False,
) -> EmailMultiAlternatives:
    # Staff type the service and practitioner names; a line break in one would make the
    # header unsendable (BadHeaderError), so every copy of the email would fail.
    subject = " ".join(subject.split())
    context = {**context, "subject": subject}
    text = render_to_string(f"bookings/emails/{template}.txt", context)
    html = render_to_string(f"bookings/emails/{template}.html", context)
    # On the site's own domain, not the sending machine's name.
    message_id = make_msgid(domain=urlsplit(settings.SITE_URL).hostname or "clinic.invalid")
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, to, headers={"Message-ID": message_id}
    )
    message.attach_alternative(html, "text/html")
    if ics is not None:
        message.attach("appointment.ics", ics, calendar_mimetype(cancelled=cancelled))
    return message
