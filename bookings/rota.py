"""The slow half of the diary: who offers what, and when they work.

Free times depend on two kinds of data. Services, practitioners, working hours, time off,
closures and the booking rules change a few times a week, when reception edits them;
appointments change by the minute. Every booking page and every booking needs both, and
reading the slow half took five of a booking's queries. So it is read into a ``Rota``
(seven queries) and kept in each server process until it changes: every save of those
models bumps the "availability" version in the shared cache (clinic/cache.py, the same
version that empties the cached booking pages), and a process that sees a new version
reads the rota again. A booking then reads only the appointments.

A rota read inside a transaction after this process changed it there is used only until
that transaction ends (the changes may roll back); when the cache cannot be reached, the
rota is read afresh every time.
"""

from __future__ import annotations

from collections import defaultdict
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from clinic.cache import cache_call, page_version

from .models import BookingRules, ClinicClosure, Practitioner, Service, TimeOff, WorkingHours

# Time off and closures that ended this long before the rota was read are left out (a
# week page starts on Monday, and reads a day either side). Older days read afresh.
LOOK_BACK = timedelta(days=14)


@dataclass(frozen=True)
class Rota:
    services: dict[str, Service]  # by slug, active or not
    practitioners: list[Practitioner]  # the active ones, by name
    offers: dict[int, frozenset[int]]  # practitioner id -> ids of the services they offer
    # practitioner id -> weekday (Monday = 0) -> [(start, end)] in clinic wall-clock time
    hours: dict[int, dict[int, list[tuple[time, time]]]]
    # practitioner id -> [(start, end)] of time off ending after ``since``
    time_off: dict[int, list[tuple[datetime, datetime]]]
    closures: list[tuple[date, date]]  # (first day, last day), ending on or after ``since``
    rules: BookingRules
    since: datetime  # what ended before this is not held

    @classmethod
    def load(cls, since: datetime) -> Rota:
        """Read from the database, time off and closures from ``since`` on."""
        practitioners = list(
            Practitioner.objects.active().prefetch_related(
                Prefetch("working_hours", queryset=WorkingHours.objects.order_by("start_time")),
                Prefetch("time_off", queryset=TimeOff.objects.filter(end__gt=since)),
            )
        )
        offers: dict[int, set[int]] = defaultdict(set)
        links = Practitioner.services.through.objects.values_list("practitioner_id", "service_id")
        for practitioner_id, service_id in links:
            offers[practitioner_id].add(service_id)
        hours: dict[int, dict[int, list[tuple[time, time]]]] = {}
        for person in practitioners:
            week = hours.setdefault(person.pk, {})
            for interval in person.working_hours.all():
                week.setdefault(interval.weekday, []).append(
                    (interval.start_time, interval.end_time)
                )
        closures = ClinicClosure.objects.filter(end_date__gte=timezone.localdate(since))
        return cls(
            services={service.slug: service for service in Service.objects.all()},
            practitioners=practitioners,
            offers={pk: frozenset(ids) for pk, ids in offers.items()},
            hours=hours,
            time_off={
                person.pk: [(off.start, off.end) for off in person.time_off.all()]
                for person in practitioners
            },
            closures=[(closure.start_date, closure.end_date) for closure in closures],
            rules=BookingRules.current(),
            since=since,
        )

    def active_service(self, slug: str) -> Service:
        """The active service with this slug, or 404."""
        service = self.services.get(slug)
        if service is None or not service.active:
            raise Http404("No such service.")
        return service

    def offering(self, service: Service) -> list[Practitioner]:
        """The active practitioners who offer ``service``, by name."""
        return [p for p in self.practitioners if service.pk in self.offers.get(p.pk, ())]

    def practitioner_offering(self, service: Service, slug: str) -> Practitioner:
        """The active practitioner with this slug who offers ``service``, or 404."""
        for practitioner in self.offering(service):
            if practitioner.slug == slug:
                return practitioner
        raise Http404("No such practitioner.")

    def service_slugs_offered_by(self, practitioner_ids) -> set[str]:
        """The slugs of every service any of these practitioners offers (active or not)."""
        ids = set().union(*(self.offers.get(pk, ()) for pk in practitioner_ids))
        return {service.slug for service in self.services.values() if service.pk in ids}

    def closed_days(self, first_day: date, last_day: date) -> set[date]:
        days: set[date] = set()
        for start, end in self.closures:
            day = max(start, first_day)
            while day <= min(end, last_day):
                days.add(day)
                day += timedelta(days=1)
        return days


@dataclass(frozen=True)
class _Kept:
    version: int  # of the "availability" group when the rota was read
    rota: Rota
    # Read after this process changed the rota in a transaction still open: it holds
    # changes that may roll back, so it serves only while a transaction is open, and is
    # dropped once none is (see ``settle``).
    unsettled: bool


_kept: _Kept | None = None
# This process changed the rota inside a transaction that may still be open.
_writing = False


def current_rota(since: datetime | None = None) -> Rota:
    """The rota as it is now, holding at least what ends after ``since`` (default: now).

    This process's copy while the "availability" version in the cache is the one it was
    read at; else read again. When the cache cannot be reached, read every time."""
    global _kept
    since = since or timezone.now()
    version = _version()
    in_transaction = connection.in_atomic_block
    if not in_transaction:
        settle()
    kept = _kept
    if (
        kept is not None
        and version is not None
        and kept.version == version
        and kept.rota.since <= since
        and (in_transaction or not kept.unsettled)
    ):
        return kept.rota
    rota = Rota.load(min(since, timezone.now() - LOOK_BACK))
    if version is not None:
        _kept = _Kept(version, rota, unsettled=in_transaction and _writing)
    return rota


# Within one request or task, the version read first (None: not read yet; AWAY: the
# cache could not be reached, and is not asked again, since each try can wait
# CACHE_TIMEOUT); outside them (OFF), read at every call.
OFF = object()
AWAY = object()
_this_request: ContextVar = ContextVar("rota_version", default=OFF)


def _version() -> int | None:
    known = _this_request.get()
    if known is AWAY:
        return None
    if known is not OFF and known is not None:
        return known
    version = cache_call(page_version, "availability")
    if known is None:
        _this_request.set(AWAY if version is None else version)
    return version


def request_started(**kwargs) -> None:
    """request_started and task_started: the version is read once for the whole request
    (only this request's own changes can move it meanwhile: ``rota_changed``)."""
    _this_request.set(None)


def rota_changed(**kwargs) -> None:
    """post_save, post_delete and m2m_changed of the rota's models. (The version bump that
    makes every process read the rota again is clinic/cache.py's.)"""
    global _writing
    if connection.in_atomic_block:
        _writing = True
    if _this_request.get() is not OFF:
        _this_request.set(None)  # read the bumped version at the next call


def request_finished(**kwargs) -> None:
    """request_finished and task_finished."""
    _this_request.set(OFF)
    settle()


def settle() -> None:
    """When no transaction is open any more: a copy read after this process's own
    changes is dropped, whether they committed or not."""
    global _kept, _writing
    if not _writing and (_kept is None or not _kept.unsettled):
        return  # nothing to settle (every request ends here: kept cheap)
    if connection.in_atomic_block:  # the test suite's transaction, around every request
        return
    _writing = False
    if _kept is not None and _kept.unsettled:
        _kept = None
