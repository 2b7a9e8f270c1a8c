"""The waiting list: people who want a time that is not free, offered one when it frees.

A person joins from a service's page (bookings/waitlist_views.py) with the days and parts
of the day that suit them, a practitioner or anyone, and until when; they get an email with
a private link to leave. When a time frees (a cancellation, the old time of a move, time
off removed), ``offer_freed_time`` runs in the worker: for each service the practitioner
offers, the free times that now start in the freed span go, in join order, to the first
few (``OFFERS_PER_TIME``) people waiting whom they suit, by email with a link to book that
exact time. The task is enqueued in the transaction that frees the time
(bookings/booking.py, and a post_delete handler for time off), so it commits with it.
Booking it goes through ``book_appointment`` like any online booking, so
whoever books first gets it and nobody is double-booked; a later click shows the nearest
free times. Each person is offered a time once, and at most one time per freed span.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from clinic.models import ClinicDetails

from .availability import PARTS_OF_DAY as PART_ENDS
from .availability import clinic_timezone, load_schedule
from .emails import (
    SEND_DEADLINE,
    _message,  # the one way our emails are put together
    send_deadline,
)
from .models import Practitioner, Service, WaitlistEntry, WaitlistOffer

logger = logging.getLogger(__name__)

OFFERS_PER_TIME = 3
MAX_ATTEMPTS = 6
RETRY_AFTER = timedelta(minutes=2)


def part_of_day(wall: time) -> str:
    """The letter stored on an entry for a local time: m(orning), a(fternoon), e(vening)."""
    for (_name, ends), letter in zip(PART_ENDS, "mae", strict=True):
        if ends is None or wall < ends:
            return letter
    return "e"  # pragma: no cover (the last part has no end)


def suits(entry: WaitlistEntry, practitioner_id: int, start: datetime) -> bool:
    """Whether a free time with that practitioner is one the person asked for."""
    local = timezone.localtime(start, clinic_timezone())
    return (
        entry.practitioner_id in (None, practitioner_id)
        and local.date() <= entry.until
        and str(local.weekday()) in entry.days
        and part_of_day(local.time()) in entry.parts_of_day
    )


# --- Joining and leaving -----------------------------------------------------------------


def join(
    service: Service,
    practitioner: Practitioner | None,
    *,
    name: str,
    email: str,
    phone: str,
    days: str,
    parts_of_day: str,
    until: date,
    now: datetime | None = None,
) -> WaitlistEntry:
    """Add a person to the list and queue the email with their link to leave it, in one
    transaction (the task is a row in our database, so it commits with the entry)."""
    now = now or timezone.now()
    with transaction.atomic():
        entry = WaitlistEntry.objects.create(
            service=service,
            practitioner=practitioner,
            name=name,
            email=email,
            phone=phone,
            days=days,
            parts_of_day=parts_of_day,
            until=until,
            created_at=now,
            consent_at=now,
        )
        _enqueue_emails(entry_ids=[entry.pk])
    return entry


def leave(entry: WaitlistEntry) -> None:
    """Off the list: the entry and its offers are deleted, details and all."""
    entry.delete()


def mark_booked(entry: WaitlistEntry, appointment, now: datetime) -> None:
    WaitlistEntry.objects.filter(pk=entry.pk).update(booked_at=now, appointment=appointment)


# --- Offering freed times ------------------------------------------------------------------


def offer_freed_time(
    practitioner_id: int, start: datetime, end: datetime, now: datetime | None = None
) -> int:
    """Offer the practitioner's free times starting in [start, end) to the people waiting
    whom they suit, in join order; returns the number of offers made. Times are chosen so
    that no two offered times overlap; each person gets at most one of them."""
    now = now or timezone.now()
    today = timezone.localdate(now, clinic_timezone())
    practitioner = Practitioner.objects.active().filter(pk=practitioner_id).first()
    if practitioner is None:
        return 0
    services = Service.objects.active().filter(
        practitioners=practitioner,
        pk__in=WaitlistEntry.objects.waiting(today).values("service_id"),
    )
    made: list[WaitlistOffer] = []
    with transaction.atomic():
        for service in services:
            made += _offers_for(service, practitioner, start, end, now, today)
        made = WaitlistOffer.objects.bulk_create(made)
        if made:
            _enqueue_emails(offer_ids=[offer.pk for offer in made])
    logger.info(
        "Waiting list: %s offers for a freed time of practitioner %s", len(made), practitioner_id
    )
    return len(made)


def _offers_for(service, practitioner, start, end, now, today) -> list[WaitlistOffer]:
    tz = clinic_timezone()
    first_day = timezone.localtime(start, tz).date()
    last_day = timezone.localtime(end, tz).date()
    slots = [
        slot
        for slot in load_schedule(service, first_day, last_day, practitioner).free_slots(now)
        if start <= slot.start < end
    ]
    waiting = list(
        WaitlistEntry.objects.waiting(today)
        .filter(service=service)
        .filter(Q(practitioner__isnull=True) | Q(practitioner=practitioner))
        .order_by("created_at", "pk")
    )
    # Whoever was offered a time in this span already (a second run for the same freed time).
    offered_before = set(
        WaitlistOffer.objects.filter(
            entry__in=waiting, practitioner=practitioner, start__gte=start, start__lt=end
        ).values_list("entry_id", flat=True)
    )
    offers: list[WaitlistOffer] = []
    given: set[int] = set()
    taken_until: datetime | None = None
    for slot in slots:
        if taken_until is not None and slot.start < taken_until:
            continue  # overlaps a time already offered
        takers = [
            entry
            for entry in waiting
            if entry.pk not in given
            and entry.pk not in offered_before
            and suits(entry, practitioner.pk, slot.start)
        ][:OFFERS_PER_TIME]
        if not takers:
            continue
        taken_until = slot.end + service.buffer
        for entry in takers:
            given.add(entry.pk)
            offers.append(
                WaitlistOffer(
                    entry=entry, practitioner=practitioner, start=slot.start, created_at=now
                )
            )
    return offers


def on_time_off_deleted(sender, instance, **kwargs) -> None:
    """Time off removed: its span may hold free times now. The task is enqueued in the
    delete's transaction (it runs once that commits, or never if it rolls back)."""
    enqueue_offers(instance.practitioner_id, instance.start, instance.end)


def enqueue_offers(practitioner_id: int, start: datetime, end: datetime) -> None:
    from .tasks import offer_freed_time as task  # the tasks module imports this one

    task.enqueue(practitioner_id, start.isoformat(), end.isoformat())


# --- Emails ----------------------------------------------------------------------------------


def _enqueue_emails(
    entry_ids: list[int] = (), offer_ids: list[int] = (), run_after: datetime | None = None
) -> None:
    from .tasks import send_waitlist_emails

    task = send_waitlist_emails.using(run_after=run_after) if run_after else send_waitlist_emails
    task.enqueue(list(entry_ids), list(offer_ids))


def deliver(entry_ids: list[int], offer_ids: list[int], now: datetime | None = None) -> int:
    """Send the welcome emails and offers not sent yet; a failure is tried again later
    (up to ``MAX_ATTEMPTS``). Returns how many went."""
    now = now or timezone.now()
    sent = 0
    retry_entries, retry_offers = [], []
    entries = WaitlistEntry.objects.filter(pk__in=entry_ids, welcome_sent_at__isnull=True)
    for entry in entries.select_related("service", "practitioner"):
        if _send(_welcome(entry)):
            WaitlistEntry.objects.filter(pk=entry.pk).update(welcome_sent_at=timezone.now())
            sent += 1
        else:
            retry_entries.append(entry.pk)
    offers = WaitlistOffer.objects.filter(
        pk__in=offer_ids, sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS
    ).select_related("entry__service", "practitioner")
    for offer in offers:
        if offer.start <= now or offer.entry.booked_at:
            continue  # too late, or booked something already: nothing to offer
        if _send(_offer(offer)):
            WaitlistOffer.objects.filter(pk=offer.pk).update(sent_at=timezone.now())
            sent += 1
        else:
            offer.attempts += 1
            offer.save(update_fields=["attempts"])
            if offer.attempts < MAX_ATTEMPTS:
                retry_offers.append(offer.pk)
    if retry_entries or retry_offers:
        _enqueue_emails(retry_entries, retry_offers, run_after=now + RETRY_AFTER)
    return sent


def _send(message) -> bool:
    try:
        with send_deadline(SEND_DEADLINE):  # a hanging mail server cannot hold the worker
            mail.mailers.default.send_messages([message])
    except Exception as error:  # noqa: BLE001 (any mail fault: try again later)
        logger.warning("Waiting list email not sent: %s", error.__class__.__name__)
        return False
    return True


def _context(entry: WaitlistEntry, **extra) -> dict:
    return {
        "entry": entry,
        "clinic": ClinicDetails.current(),
        "leave_url": f"{settings.SITE_URL}{reverse('bookings:waitlist_entry', args=[entry.token])}",
        **extra,
    }


def _welcome(entry: WaitlistEntry):
    subject = f"You are on our waiting list for {entry.service.name}"
    return _message("waitlist_welcome", subject, [entry.email], _context(entry))


def offer_path(entry: WaitlistEntry, practitioner: Practitioner, start: datetime) -> str:
    wall = timezone.localtime(start, clinic_timezone()).strftime("%Y-%m-%dT%H:%M")
    return reverse("bookings:waitlist_offer", args=[entry.token, practitioner.slug, wall])


def _offer(offer: WaitlistOffer):
    entry = offer.entry
    start = timezone.localtime(offer.start, clinic_timezone())
    context = _context(
        entry,
        practitioner=offer.practitioner,
        start=start,
        book_url=f"{settings.SITE_URL}{offer_path(entry, offer.practitioner, offer.start)}",
    )
    subject = f"A time has come free: {entry.service.name}, {start:%A %-d %B at %H:%M}"
    return _message("waitlist_offer", subject, [entry.email], context)
