"""Booking, cancelling and moving appointments.

Plain functions called by the pages, the admin and the management commands alike.
Each runs in one transaction that locks the practitioner's row, checks the time is
still free, writes, and queues its emails in the same transaction (bookings/emails.py):
a change that rolls back sends nothing, and one that commits cannot lose its email. On Postgres
an exclusion constraint backs the check up, so two servers can never double-book.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import emails
from .availability import Slot, load_schedule, nearest, one_per_time
from .models import Appointment, BookingRules, Practitioner, Service

logger = logging.getLogger(__name__)


class BookingError(Exception):
    """A booking that cannot be made; the message is meant for the patient."""


class SlotTaken(BookingError):
    """The time was free when the page was shown, but someone else has it now."""


class NotBookable(BookingError):
    """The time is not one the patient may book (outside hours, notice or window)."""


class TooLateToChange(BookingError):
    """Inside the late-cancellation window: the patient must phone the clinic."""


@dataclass(frozen=True)
class PatientDetails:
    name: str
    email: str
    phone: str
    reason: str = ""


def check_bookable_time(start: datetime, now: datetime, rules: BookingRules) -> None:
    """Raise ``NotBookable`` for times in the past, inside the notice or beyond the window."""
    if start <= now:
        raise NotBookable("That time has already passed.")
    if start < now + rules.minimum_notice:
        raise NotBookable(
            f"That time is too soon: we need {rules.minimum_notice_hours} hours' notice "
            "to book online. Please phone us for anything sooner."
        )
    if start > now + rules.booking_window:
        raise NotBookable(
            f"That time is too far ahead: you can book up to "
            f"{rules.booking_window_days} days ahead."
        )


def is_free(
    service: Service,
    practitioner: Practitioner,
    start: datetime,
    now: datetime | None = None,
    ignore_appointment: Appointment | None = None,
) -> bool:
    """Whether ``start`` is one of the practitioner's free times for the service."""
    day = timezone.localtime(start).date()
    schedule = load_schedule(service, day, day, practitioner, ignore_appointment)
    return any(slot.start == start for slot in schedule.free_slots(now))


def free_practitioners(
    service: Service, start: datetime, now: datetime | None = None
) -> list[Practitioner]:
    """Who offers the service and is free at ``start``, the least busy that day first."""
    day = timezone.localtime(start).date()
    schedule = load_schedule(service, day, day)
    free = {slot.practitioner_id for slot in schedule.free_slots(now) if slot.start == start}
    by_id = {person.pk: person for person in schedule.practitioners}
    return [by_id[pk] for pk in schedule.least_busy_first() if pk in free]


def nearest_free_times(
    service: Service,
    around: datetime,
    practitioner: Practitioner | None = None,
    count: int = 6,
    now: datetime | None = None,
) -> list[Slot]:
    """Up to ``count`` free times near ``around`` (within a fortnight either side),
    mostly with ``practitioner`` when given, and a couple with anyone else; without
    one, each time once (for "anyone free")."""
    now = now or timezone.now()
    # Only bookable times can be near: clamp to [now, end of the booking window].
    around = min(max(around, now), now + BookingRules.current().booking_window)
    day = timezone.localtime(around).date()
    schedule = load_schedule(service, day - timedelta(days=14), day + timedelta(days=14))
    if practitioner is None:
        return nearest(one_per_time(schedule.free_slots(now)), around, count)
    return nearest(schedule.free_slots(now), around, count, practitioner.pk)


def book_appointment(
    service: Service,
    practitioner: Practitioner,
    start: datetime,
    patient: PatientDetails,
    now: datetime | None = None,
) -> Appointment:
    """Book ``start`` (UTC) for the patient, or raise a ``BookingError``.

    Locks the practitioner's row so that bookings for one person run one at a time,
    re-checks that the time is still free, then inserts and queues the confirmation
    emails. Raises ``SlotTaken`` when someone else got there first.

    A follow-up is booked whatever the email's history: refusing unknown emails would
    tell anyone whether an address belongs to a patient. The form asks the patient to
    confirm an earlier assessment, and reception sees follow-ups with no earlier visit.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            Practitioner.objects.select_for_update().get(pk=practitioner.pk)
            if not is_free(service, practitioner, start, now):
                if (
                    Appointment.objects.filter(practitioner=practitioner)
                    .blocking(start, start + service.duration + service.buffer)
                    .exists()
                ):
                    raise SlotTaken("Sorry, that time was just taken.")
                raise NotBookable("That time is not available to book.")
            appointment = Appointment.objects.create(
                service=service,
                practitioner=practitioner,
                start=start,
                end=start + service.duration,
                blocked_until=start + service.duration + service.buffer,
                patient_name=patient.name,
                patient_email=patient.email,
                patient_phone=patient.phone,
                reason=patient.reason,
                consent_at=now,
                created_at=now,
            )
            emails.queue_booking_emails(appointment)
    except IntegrityError as error:
        # The exclusion constraint (Postgres): another server booked the same time.
        logger.info("Booking refused by the database: %s at %s was just taken", practitioner, start)
        raise SlotTaken("Sorry, that time was just taken.") from error
    logger.info("Booked appointment %s: %s at %s", appointment.pk, practitioner, start)
    return appointment


def book_with_anyone(
    service: Service, start: datetime, patient: PatientDetails, now: datetime | None = None
) -> Appointment:
    """Book ``start`` with whoever offers the service and is free then, or raise a
    ``BookingError`` (``SlotTaken`` when everyone free a moment ago has been booked).

    The least busy practitioner that day is tried first. Each try is
    ``book_appointment``, which locks and re-checks: two people booking one time under
    "anyone free" get two practitioners, or one of them hears it was just taken.
    """
    now = now or timezone.now()
    for practitioner in free_practitioners(service, start, now):
        try:
            return book_appointment(service, practitioner, start, patient, now)
        except BookingError:
            continue  # booked (or given time off) since we looked: try the next person
    if (
        Appointment.objects.filter(practitioner__in=Practitioner.objects.offering(service))
        .blocking(start, start + service.duration + service.buffer)
        .exists()
    ):
        raise SlotTaken("Sorry, that time was just taken.")
    raise NotBookable("That time is not available to book.")


def _check_changeable(appointment: Appointment, now: datetime) -> None:
    if appointment.status != Appointment.Status.CONFIRMED:
        raise BookingError("This appointment is no longer booked.")
    if not appointment.can_be_changed_online(now, BookingRules.current()):
        raise TooLateToChange("It is too late to change this appointment online: please phone us.")


def cancel_appointment(
    appointment: Appointment,
    by: str,
    now: datetime | None = None,
    enforce_window: bool = True,
    notify: bool = True,
) -> Appointment:
    """Cancel it (which frees its time) and queue the emails that say so.

    ``by`` records who cancelled ("patient" or "staff:<username>"); staff skip the
    late-cancellation window with ``enforce_window=False``.
    """
    now = now or timezone.now()
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if enforce_window:
            _check_changeable(appointment, now)
        elif appointment.status == Appointment.Status.CANCELLED:
            return appointment
        appointment.status = Appointment.Status.CANCELLED
        appointment.cancelled_at = now
        appointment.cancelled_by = by[:160]
        appointment.save(update_fields=["status", "cancelled_at", "cancelled_by"])
        if notify:
            emails.queue_cancellation_emails(appointment)
    logger.info("Cancelled appointment %s (by %s)", appointment.pk, appointment.cancelled_by)
    return appointment


def reschedule_appointment(
    appointment: Appointment,
    new_start: datetime,
    now: datetime | None = None,
    enforce_window: bool = True,
) -> Appointment:
    """Move it to ``new_start`` with the same practitioner; the token stays the same."""
    now = now or timezone.now()
    service = appointment.service
    try:
        with transaction.atomic():
            Practitioner.objects.select_for_update().get(pk=appointment.practitioner_id)
            appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
            if enforce_window:
                _check_changeable(appointment, now)
            if not is_free(service, appointment.practitioner, new_start, now, appointment):
                raise SlotTaken("Sorry, that time is no longer free.")
            previous_start = appointment.start
            appointment.start = new_start
            appointment.end = new_start + service.duration
            appointment.blocked_until = appointment.end + service.buffer
            appointment.reminder_sent_at = None
            appointment.save(update_fields=["start", "end", "blocked_until", "reminder_sent_at"])
            emails.queue_moved_emails(appointment, previous_start)
    except IntegrityError as error:
        raise SlotTaken("Sorry, that time is no longer free.") from error
    logger.info("Moved appointment %s to %s", appointment.pk, new_start)
    return appointment


def mark_status(appointment: Appointment, status: str) -> None:
    """Record attended or no-show (reception, after the appointment).

    A cancelled appointment stays cancelled: its time may be booked again since, and
    reviving it would double-book (or break the exclusion constraint on Postgres).
    """
    Appointment.objects.active().filter(pk=appointment.pk).update(status=status)
