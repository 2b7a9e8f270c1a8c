"""Courses: reception books several sessions for one patient in one step (for example
weekly at the same time for six weeks).

``plan_course`` lists the sessions with, for each one that cannot be had, why and the
nearest free times with the same practitioner, so that reception sees every clash before
confirming. ``book_course`` books the chosen times in one transaction under the
practitioner's lock (bookings/booking.py): every session is checked again there, and
either all are booked or none is (``CourseClash`` names the ones that clash now). The
patient gets one email listing every date, with one calendar file holding every event.
Each session is an ordinary appointment: cancelling one leaves the others.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import emails
from .audit import Actor
from .availability import Rules, Slot, clinic_timezone, free_slots, load_schedule, local_to_utc
from .booking import (
    BookingError,
    SlotTaken,
    check_offers,
    insert_appointment,
    lock_diary,
    patient_to_book,
)
from .models import (
    Appointment,
    AppointmentEmail,
    BookingRules,
    Course,
    Patient,
    Practitioner,
    Service,
)
from .patients import PatientDetails

logger = logging.getLogger(__name__)

MAX_SESSIONS = 20
# Alternatives are looked for this far either side of a clashing session.
ALTERNATIVES_WITHIN = timedelta(days=7)
ALTERNATIVES = 3
# Reception's rules: any time the practitioner works and has room for, no notice needed.
STAFF_RULES = Rules(
    slot_step=timedelta(minutes=5), minimum_notice=timedelta(0), booking_window=timedelta(days=3660)
)


class CourseClash(BookingError):
    """Some sessions cannot be booked; ``sessions`` is the plan with their reasons."""

    def __init__(self, message: str, sessions: list[Session]):
        super().__init__(message)
        self.sessions = sessions


@dataclass
class Session:
    """One session of a planned course: its time (UTC), or None when the local time
    does not exist, and why it cannot be had (empty when it can)."""

    number: int
    start: datetime | None
    wall: datetime  # the local date and time asked for
    clash: str = ""
    alternatives: list[Slot] = field(default_factory=list)


def course_starts(
    first_day, at: time, sessions: int, every_weeks: int = 1
) -> list[tuple[datetime, datetime | None]]:
    """The local wall times (same time of day each time, across clock changes) and their
    UTC instants (None for a time the clocks skip)."""
    tz = clinic_timezone()
    result = []
    for number in range(sessions):
        day = first_day + timedelta(weeks=number * every_weeks)
        result.append((datetime.combine(day, at), local_to_utc(day, at, tz)))
    return result


def plan_course(
    service: Service,
    practitioner: Practitioner,
    wanted: list[tuple[datetime, datetime | None]],
    now: datetime | None = None,
) -> list[Session]:
    """Each wanted session, marked with a clash and the nearest alternatives when it
    cannot be booked. A fixed number of queries, however many sessions."""
    now = now or timezone.now()
    sessions = [
        Session(number, start, wall) for number, (wall, start) in enumerate(wanted, start=1)
    ]
    if not sessions:
        return sessions
    days = [wall.date() for wall, _ in wanted]
    first, last = min(days) - ALTERNATIVES_WITHIN, max(days) + ALTERNATIVES_WITHIN
    schedule = load_schedule(service, first, last, practitioner)
    free = free_slots(
        duration=service.duration,
        buffer=service.buffer,
        diaries=schedule.diaries,
        closed_days=schedule.closed_days,
        rules=STAFF_RULES,
        tz=schedule.tz,
        first_day=first,
        last_day=last,
        now=now,
    )
    free_starts = {slot.start for slot in free}
    chosen = set()
    for session in sessions:
        session.clash = _why_not(session.start, free_starts, chosen, service, now)
        if session.clash:
            session.alternatives = _nearest(free, session, chosen, service)
        else:
            chosen.add(session.start)
    return sessions


def _why_not(start, free_starts, chosen, service, now) -> str:
    if start is None:
        return "That time does not exist that day: the clocks go forward."
    if start <= now:
        return "That time has passed."
    if start not in free_starts:
        return "Not free: another appointment, time off, a closure or outside working hours."
    if any(abs(start - other) < service.duration + service.buffer for other in chosen):
        return "Overlaps another session of this course."
    return ""


def _nearest(free: list[Slot], session: Session, chosen: set, service: Service) -> list[Slot]:
    around = session.start or session.wall.replace(tzinfo=clinic_timezone())
    length = service.duration + service.buffer
    step = BookingRules.current().slot_step_minutes
    tz = clinic_timezone()
    candidates = [
        slot
        for slot in free
        if abs(slot.start - around) <= ALTERNATIVES_WITHIN
        and slot.start.astimezone(tz).minute % step == 0  # times on the diary's grid
        and all(abs(slot.start - other) >= length for other in chosen)
    ]
    return sorted(sorted(candidates, key=lambda slot: abs(slot.start - around))[:ALTERNATIVES])


def book_course(
    service: Service,
    practitioner: Practitioner,
    starts: list[datetime],
    patient: PatientDetails | Patient,
    by: Actor,
    now: datetime | None = None,
    *,
    reason: str = "",
) -> list[Appointment]:
    """Book every start (UTC) for the patient with the practitioner, or none of them.

    Under the practitioner's lock, the whole course is planned again: any session that
    clashes now raises ``CourseClash`` with the fresh plan (nothing is written). Queues
    one email to the patient listing every date, with every event in one calendar file,
    and one notice to the clinic.
    """
    now = now or timezone.now()
    if not starts:
        raise BookingError("Choose at least one session.")
    if len(starts) > MAX_SESSIONS:
        raise BookingError(f"A course has at most {MAX_SESSIONS} sessions.")
    starts = sorted(starts)
    try:
        with transaction.atomic():
            lock_diary(practitioner.pk)
            check_offers(service, practitioner)
            tz = clinic_timezone()
            wanted = [(start.astimezone(tz).replace(tzinfo=None), start) for start in starts]
            plan = plan_course(service, practitioner, wanted, now)
            clashes = [session for session in plan if session.clash]
            if clashes:
                raise CourseClash(
                    f"{len(clashes)} of the sessions cannot be booked now: choose again.", plan
                )
            patient, reason = patient_to_book(patient, reason, now)
            course = Course.objects.create(created_at=now)
            appointments = [
                insert_appointment(
                    service, practitioner, start, patient, by, now, reason=reason, course=course
                )
                for start in starts
            ]
            kinds = [AppointmentEmail.Kind.CLINIC_NOTICE]
            if patient.email:
                kinds.insert(0, AppointmentEmail.Kind.COURSE_CONFIRMATION)
            emails.queue(appointments[0], *kinds)
    except IntegrityError as error:  # the exclusion constraint: another server got there
        raise SlotTaken("Sorry, one of those times was just taken.") from error
    logger.info("Booked course %s: %s sessions with %s", course.pk, len(starts), practitioner)
    return appointments
