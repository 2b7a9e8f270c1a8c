"""Booking, moving, cancelling and marking appointments: the diary's one write path.

Plain functions called by the pages, the patient's private link, the admin's forms and
actions, and the commands alike; nothing else writes an appointment's time or status.
Each runs in one transaction that locks the practitioner's row, checks the time is
still free, writes, queues its emails (bookings/emails.py) and records who made the
change in the audit trail (bookings/audit.py), all in that transaction: a change that
rolls back sends nothing, and one that commits cannot lose its email or its entry. On
Postgres an exclusion constraint backs the check up, so two servers can never
double-book. After the commit each change sends ``appointment_changed``
(bookings/signals.py), which the waiting list hangs on.

Who acts decides the rules (``by``, an ``audit.Actor``): the patient books only the
free times on offer online and changes nothing inside the late-cancellation window;
staff (reception on the phone) may book or move to any time the practitioner's diary has
room for, buffers included, and cancel at any time.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import audit, emails, waitlist
from .audit import Actor
from .availability import OTHERS, Schedule, Slot, load_schedule, nearest, one_per_time
from .models import Appointment, AuditEntry, BookingRules, Patient, Practitioner, Service
from .patients import PatientDetails, find_or_create_patient
from .rota import current_rota
from .signals import FreedTime, appointment_changed

logger = logging.getLogger(__name__)
Status = Appointment.Status
Kind = AuditEntry.Kind


class BookingError(Exception):
    """A booking that cannot be made; the message is meant for the patient."""


class SlotTaken(BookingError):
    """The time was free when the page was shown, but someone else has it now."""

    def __init__(self, message: str, clash_key: str | None = None):
        super().__init__(message)
        # The booking key of the appointment in the way ("" for none), when known: the
        # same key means this very form booked it a moment ago (a double click).
        self.clash_key = clash_key


class NotBookable(BookingError):
    """The time is not one the patient may book (outside hours, notice or window)."""


class TooLateToChange(BookingError):
    """Inside the late-cancellation window: the patient must phone the clinic."""


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
    appointments: bool = True,
) -> bool:
    """Whether ``start`` is one of the practitioner's free times for the service;
    ``appointments=False``: leaving appointments aside (checked already, under the lock)."""
    day = timezone.localtime(start).date()
    schedule = load_schedule(
        service, day, day, practitioner, ignore_appointment, appointments=appointments
    )
    return any(slot.start == start for slot in schedule.free_slots(now))


def free_practitioners(
    service: Service,
    start: datetime,
    now: datetime | None = None,
    schedule: Schedule | None = None,
) -> list[Practitioner]:
    """Who offers the service and is free at ``start``, the least busy that day first.
    ``schedule``: the service's diary already read for days around ``start``."""
    day = timezone.localtime(start).date()
    schedule = dataclasses.replace(
        schedule or load_schedule(service, day, day), first_day=day, last_day=day
    )
    free = {slot.practitioner_id for slot in schedule.free_slots(now) if slot.start == start}
    by_id = {person.pk: person for person in schedule.practitioners}
    return [by_id[pk] for pk in schedule.least_busy_first() if pk in free]


def schedule_around(service: Service, moment: datetime, rules: BookingRules) -> Schedule:
    """The service's diary for the days the nearest free times are first looked for in
    (``NEAREST_REACH``): read once for "anyone free", both to book and, when the time
    has gone, to offer others."""
    day = timezone.localtime(moment).date()
    reach = NEAREST_REACH[0]
    return load_schedule(service, day - reach, day + reach, rules=rules)


# How far either side of a time the nearest free times are looked for: the first reach
# that holds enough of them.
NEAREST_REACH = (timedelta(days=1), timedelta(days=3), timedelta(days=14))


def nearest_free_times(
    service: Service,
    around: datetime,
    practitioner: Practitioner | None = None,
    count: int = 6,
    now: datetime | None = None,
    rules: BookingRules | None = None,
    schedule: Schedule | None = None,
) -> list[Slot]:
    """Up to ``count`` free times near ``around`` (within a fortnight either side),
    mostly with ``practitioner`` when given, and a couple with anyone else; without
    one, each time once (for "anyone free").

    The day either side is read first, then three days, and the fortnight only when
    those do not surely hold enough of the nearest times (the practitioner's, or
    anyone's): a lost race is answered from three days of the diary, not a month. The
    couple with someone else come from the days read.
    """
    now = now or timezone.now()
    rules = rules or current_rota().rules
    # Only bookable times can be near: clamp to [now, end of the booking window].
    around = min(max(around, now), now + rules.booking_window)
    day = timezone.localtime(around).date()
    for reach in NEAREST_REACH:
        first, last = day - reach, day + reach
        if schedule is not None and schedule.first_day <= first and last <= schedule.last_day:
            days = dataclasses.replace(schedule, first_day=first, last_day=last)
        else:  # ``schedule`` (read already, for the booking) does not reach so far
            days = load_schedule(service, first, last, rules=rules)
        slots = days.free_slots(now)
        if practitioner is None:
            found = nearest(one_per_time(slots), around, count)
            wanted = found
        else:
            found = nearest(slots, around, count, practitioner.pk)
            wanted = [slot for slot in found if slot.practitioner_id == practitioner.pk]
        # A time in the days not read could be nearer than the farthest found (an hour
        # spare for a clock change).
        surely_nearest = reach - timedelta(hours=1)
        enough = len(wanted) >= (count if practitioner is None else count - OTHERS)
        if enough and all(abs(slot.start - around) <= surely_nearest for slot in wanted):
            break
    return found


def _locked(appointment: Appointment, *related: str) -> Appointment:
    """The appointment as it is now, its row locked until the caller's transaction ends."""
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("patient", *related)
        .get(pk=appointment.pk)
    )


def lock_diary(practitioner_id: int) -> None:
    """Changes to one practitioner's diary run one at a time (the caller's transaction)."""
    Practitioner.objects.select_for_update().get(pk=practitioner_id)


def _check_free(
    service: Service,
    practitioner: Practitioner,
    start: datetime,
    by: Actor,
    now: datetime,
    ignore: Appointment | None = None,
) -> None:
    """Raise unless ``by`` may have ``start`` with the practitioner (see the module's
    docstring); ``ignore`` is the appointment being moved. Call it under ``lock_diary``."""
    clash = Appointment.objects.filter(practitioner=practitioner).blocking(
        start, start + service.duration + service.buffer
    )
    if ignore is not None:
        clash = clash.exclude(pk=ignore.pk)
    # The clash first: it is one query, and it is how a race is lost.
    clash_key = clash.values_list("booking_key", flat=True).first()
    if by.is_patient:
        if clash_key is not None:
            raise SlotTaken("Sorry, that time was just taken.", clash_key)
        if not is_free(service, practitioner, start, now, ignore, appointments=False):
            raise NotBookable("That time is not available to book.")
    elif clash_key is not None:
        raise SlotTaken(
            f"{practitioner.name} already has an appointment then (buffers included).", clash_key
        )


def check_offers(service: Service, practitioner: Practitioner) -> None:
    if not practitioner.services.filter(pk=service.pk).exists():
        raise NotBookable(f"{practitioner.name} does not offer {service.name}.")


def check_booking(
    service: Service,
    practitioner: Practitioner,
    start: datetime,
    by: Actor,
    now: datetime | None = None,
) -> None:
    """Raise the ``BookingError`` that ``book_appointment`` would, so that a form can show
    it before saving. Takes the same lock, held until the caller's transaction ends (the
    admin's form is checked and saved in one), so the answer cannot go stale."""
    lock_diary(practitioner.pk)
    check_offers(service, practitioner)
    _check_free(service, practitioner, start, by, now or timezone.now())


def book_appointment(
    service: Service,
    practitioner: Practitioner,
    start: datetime,
    patient: PatientDetails | Patient,
    now: datetime | None = None,
    *,
    by: Actor = audit.PATIENT,
    reason: str = "",
    booking_key: str = "",
) -> Appointment:
    """Book ``start`` (UTC) for the patient, or raise a ``BookingError``.

    ``booking_key`` identifies one press of "Book" (the same form sent twice has the same
    key): the database holds each key once, so a double click books once, and the second
    request finds the appointment with ``booked_with_key``.

    ``patient`` is a record (reception chose one) or the details a person gave, matched
    to a record by ``find_or_create_patient`` (bookings/patients.py); the details carry
    the reason, otherwise ``reason`` does. Locks the practitioner's row so that bookings
    for one person run one at a time, re-checks that the time is still free, then
    inserts, queues the emails and records the booking. Raises ``SlotTaken`` when someone
    else got there first; nothing is written then, not even a new patient record.

    A follow-up is booked whatever the patient's history: refusing unknown people would
    tell anyone whether an address belongs to a patient. The form asks the patient to
    confirm an earlier assessment, and reception sees follow-ups with no earlier visit.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            lock_diary(practitioner.pk)
            if not by.is_patient:  # online, "free" already means one who offers the service
                check_offers(service, practitioner)
            _check_free(service, practitioner, start, by, now)
            patient, reason = patient_to_book(patient, reason, now)
            appointment = insert_appointment(
                service,
                practitioner,
                start,
                patient,
                by,
                now,
                reason=reason,
                booking_key=booking_key,
            )
            emails.queue_booking_emails(appointment)
    except IntegrityError as error:
        # The exclusion constraint (Postgres): another server booked the same time.
        logger.info("Booking refused by the database: %s at %s was just taken", practitioner, start)
        raise SlotTaken("Sorry, that time was just taken.") from error
    logger.info("Booked appointment %s: %s at %s", appointment.pk, practitioner, start)
    return appointment


def patient_to_book(
    patient: PatientDetails | Patient, reason: str, now: datetime
) -> tuple[Patient, str]:
    """The record to book under (found or made from typed details, or the chosen record as
    it is now, refused once erased) and the reason. In the booking's transaction."""
    if isinstance(patient, PatientDetails):
        return find_or_create_patient(patient, now), patient.reason
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    if patient.is_anonymised:
        raise NotBookable("That patient's record is erased: book under a new one.")
    return patient, reason


def insert_appointment(
    service: Service,
    practitioner: Practitioner,
    start: datetime,
    patient: Patient,
    by: Actor,
    now: datetime,
    **fields,
) -> Appointment:
    """Write one appointment and its audit entry, and send ``appointment_changed`` after
    the commit. Only for callers holding the practitioner's lock that checked the time."""
    appointment = Appointment.objects.create(
        service=service,
        practitioner=practitioner,
        start=start,
        end=start + service.duration,
        blocked_until=start + service.duration + service.buffer,
        patient=patient,
        # Ticked on the online form; a phone booking has no such box.
        consent_at=now if by.is_patient else None,
        created_at=now,
        **fields,
    )
    _changed(audit.record(Kind.BOOKED, by, appointment=appointment, at=now))
    return appointment


# How long a second send of one booking form counts as the same press of "Book".
SAME_PRESS = timedelta(minutes=10)


def booked_with_key(booking_key: str, now: datetime | None = None) -> Appointment | None:
    """The appointment an earlier send of the same booking form made moments ago, if it
    is still booked (a cancelled or moved one has given its key up)."""
    now = now or timezone.now()
    return Appointment.objects.filter(
        booking_key=booking_key, status=Status.CONFIRMED, created_at__gte=now - SAME_PRESS
    ).first()


def book_with_anyone(
    service: Service,
    start: datetime,
    patient: PatientDetails,
    now: datetime | None = None,
    *,
    booking_key: str = "",
    schedule: Schedule | None = None,
) -> Appointment:
    """Book ``start`` with whoever offers the service and is free then, or raise a
    ``BookingError`` (``SlotTaken`` when everyone free a moment ago has been booked).
    ``schedule``: the service's diary already read around ``start`` (``schedule_around``).

    The least busy practitioner that day is tried first. Each try is
    ``book_appointment``, which locks and re-checks: two people booking one time under
    "anyone free" get two practitioners, or one of them hears it was just taken.
    """
    now = now or timezone.now()
    for practitioner in free_practitioners(service, start, now, schedule):
        try:
            return book_appointment(
                service, practitioner, start, patient, now, booking_key=booking_key
            )
        except BookingError:
            continue  # booked (or given time off) since we looked: try the next person
    clash_key = (
        Appointment.objects.filter(practitioner__in=Practitioner.objects.offering(service))
        .blocking(start, start + service.duration + service.buffer)
        .values_list("booking_key", flat=True)
        .first()
    )
    if clash_key is not None:
        raise SlotTaken("Sorry, that time was just taken.", clash_key)
    raise NotBookable("That time is not available to book.")


def _check_changeable(appointment: Appointment, by: Actor, now: datetime) -> None:
    if appointment.status != Status.CONFIRMED:
        raise BookingError("This appointment is no longer booked.")
    if by.is_patient and not appointment.can_be_changed_online(now, BookingRules.current()):
        raise TooLateToChange("It is too late to change this appointment online: please phone us.")


def cancel_appointment(
    appointment: Appointment, by: Actor, now: datetime | None = None
) -> Appointment:
    """Cancel it (which frees its time), queue the emails that say so, and record it.

    The patient may cancel until the late-cancellation window; staff at any time. Staff
    cancelling an appointment already cancelled changes nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        appointment = _locked(appointment)
        if not by.is_patient and appointment.status == Status.CANCELLED:
            return appointment
        _check_changeable(appointment, by, now)
        appointment.status = Status.CANCELLED
        appointment.cancelled_at = now
        appointment.sequence += 1  # calendars take this version over the earlier ones
        appointment.booking_key = ""  # the same form may book this time again
        appointment.save(update_fields=["status", "cancelled_at", "sequence", "booking_key"])
        emails.queue_cancellation_emails(appointment)
        _changed(
            audit.record(Kind.CANCELLED, by, appointment=appointment, at=now),
            freed=_time_of(appointment),
        )
    logger.info("Cancelled appointment %s (by %s)", appointment.pk, by.by)
    return appointment


def check_move(
    appointment: Appointment, new_start: datetime, by: Actor, now: datetime | None = None
) -> None:
    """Raise the ``BookingError`` that ``reschedule_appointment`` would (for a form), under
    the same lock, held until the caller's transaction ends."""
    now = now or timezone.now()
    lock_diary(appointment.practitioner_id)
    _check_changeable(appointment, by, now)
    _check_free(appointment.service, appointment.practitioner, new_start, by, now, appointment)


def reschedule_appointment(
    appointment: Appointment,
    new_start: datetime,
    now: datetime | None = None,
    *,
    by: Actor = audit.PATIENT,
) -> Appointment:
    """Move it to ``new_start`` with the same practitioner; the token stays the same."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            lock_diary(appointment.practitioner_id)
            appointment = _locked(appointment, "service", "practitioner")
            if appointment.start == new_start and appointment.status == Status.CONFIRMED:
                return appointment  # the same move again (a double click): done, nothing sent
            _check_changeable(appointment, by, now)
            service = appointment.service
            _check_free(service, appointment.practitioner, new_start, by, now, appointment)
            freed = _time_of(appointment)
            previous_start = appointment.start
            appointment.start = new_start
            appointment.end = new_start + service.duration
            appointment.blocked_until = appointment.end + service.buffer
            appointment.reminder_sent_at = None
            appointment.sequence += 1  # calendars take this version over the earlier ones
            appointment.booking_key = ""  # the form for the old time may book it again
            appointment.save(
                update_fields=[
                    "start",
                    "end",
                    "blocked_until",
                    "reminder_sent_at",
                    "sequence",
                    "booking_key",
                ]
            )
            emails.queue_moved_emails(appointment, previous_start)
            change = audit.record(
                Kind.MOVED, by, appointment=appointment, previous_start=previous_start, at=now
            )
            _changed(change, freed=freed)
    except IntegrityError as error:
        raise SlotTaken("Sorry, that time is no longer free.") from error
    logger.info("Moved appointment %s to %s", appointment.pk, new_start)
    return appointment


MARKS = {
    Status.CONFIRMED: Kind.CONFIRMED,
    Status.ATTENDED: Kind.ATTENDED,
    Status.NO_SHOW: Kind.NO_SHOW,
}


def check_status(appointment: Appointment, status: str) -> None:
    """Raise the ``BookingError`` that ``change_status`` would (for a form)."""
    if status == appointment.status:
        return
    if appointment.status == Status.CANCELLED:
        raise BookingError(
            "A cancelled appointment stays cancelled: its time may have been booked again. "
            "Book a new appointment instead."
        )
    if status == Status.CANCELLED and appointment.status != Status.CONFIRMED:
        raise BookingError("Only a booked appointment can be cancelled: mark it booked first.")


def mark_status(
    appointment: Appointment, status: str, by: Actor, now: datetime | None = None
) -> Appointment:
    """Record attended or no-show (reception, after the appointment), or undo such a mark.

    A cancelled appointment stays cancelled: its time may be booked again since, and
    reviving it would double-book (or break the exclusion constraint on Postgres).
    Marking the status it has already changes nothing.
    """
    if status not in MARKS:
        raise ValueError(f"Not a status to mark: {status!r} (cancel with cancel_appointment)")
    now = now or timezone.now()
    with transaction.atomic():
        appointment = _locked(appointment)
        check_status(appointment, status)
        if appointment.status == status:
            return appointment
        appointment.status = status
        appointment.save(update_fields=["status"])
        _changed(audit.record(MARKS[status], by, appointment=appointment, at=now))
    return appointment


def change_status(
    appointment: Appointment, status: str, by: Actor, now: datetime | None = None
) -> Appointment:
    """Set the status reception chose: a cancellation (with its emails) or a mark."""
    if status == Status.CANCELLED:
        return cancel_appointment(appointment, by, now)
    return mark_status(appointment, status, by, now)


def _time_of(appointment: Appointment) -> FreedTime:
    return FreedTime(
        practitioner_id=appointment.practitioner_id,
        service_id=appointment.service_id,
        start=appointment.start,
        blocked_until=appointment.blocked_until,
    )


def _changed(entry: AuditEntry, freed: FreedTime | None = None) -> None:
    """Send ``appointment_changed`` once the change's transaction commits (a receiver that
    fails is logged and does not undo the change). A freed time is offered to the waiting
    list by a task enqueued here, in the change's transaction: it commits with the change,
    so a crash after the commit cannot lose the offers."""
    if freed is not None:
        waitlist.enqueue_offers(freed.practitioner_id, freed.start, freed.blocked_until)
    transaction.on_commit(
        lambda: appointment_changed.send(
            sender=Appointment,
            entry=entry,
            kind=entry.kind,
            appointment_id=entry.appointment_id,
            freed=freed,
        ),
        robust=True,
    )


__all__ = [
    "BookingError",
    "NotBookable",
    "PatientDetails",
    "SlotTaken",
    "TooLateToChange",
    "book_appointment",
    "cancel_appointment",
    "change_status",
    "check_booking",
    "check_bookable_time",
    "check_move",
    "check_status",
    "is_free",
    "mark_status",
    "nearest_free_times",
    "reschedule_appointment",
]
