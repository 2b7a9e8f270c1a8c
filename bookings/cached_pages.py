"""Which cached booking pages an appointment empties: its service's weeks, no others.

A booking page (a service's week or day, a details form) is built from the group
"availability" (services, practitioners, hours, time off, closures, rules: any change
there empties every booking page, clinic/cache.py) and from the appointments of the
weeks it shows. Those are its *parts*, one per service and week: ``"<slug>:<monday>"``.
An appointment saved or deleted bumps the parts of its week (and, for a move, of the
week it left) for every service its practitioner offers, since a practitioner taken
for one service is taken for all. Every other week stays cached.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from clinic.cache import bump_parts, cached_page

from .models import Appointment
from .rota import current_rota
from .timetable import Timetable, monday_of

# Weeks further than this from today are never cached (no booking window is longer).
CACHED_WEEKS = 26


def week_part(service_slug: str, monday: date) -> str:
    return f"{service_slug}:{monday:%Y-%m-%d}"


def weeks_from(service_slug: str, first: date) -> list[str]:
    """The parts a page starting at ``first`` may read: its week and every later week
    the page cache keeps (when its own week has nothing free, it looks further)."""
    last = monday_of(timezone.localdate()) + timedelta(weeks=CACHED_WEEKS)
    monday = monday_of(first)
    weeks = (last - monday).days // 7 + 1
    return [week_part(service_slug, monday + timedelta(weeks=n)) for n in range(weeks)]


def from_cache(request: HttpRequest, name: str, build, parts) -> HttpResponse:
    """A booking page from the page cache, kept AVAILABILITY_CACHE_SECONDS at most (the
    clock alone moves times into the minimum notice)."""
    return cached_page(
        request,
        name,
        build,
        group="availability",
        seconds=settings.AVAILABILITY_CACHE_SECONDS,
        parts=parts,
    )


def read_parts(response: HttpResponse, service_slug: str, timetable: Timetable) -> None:
    """Tell the page cache which weeks a week page read: its own, unless it had to look
    beyond it for the first free time (then all that ``weeks_from`` offered)."""
    if not timetable.looked_later:
        response.cache_parts = [week_part(service_slug, timetable.monday)]


def empty_appointment_weeks(sender, instance: Appointment, using=None, **kwargs) -> None:
    """post_save and post_delete of an Appointment: bump the weeks it was and is in."""
    practitioners = {instance.practitioner_id, instance.loaded_at[0]} - {None}
    starts: set[datetime] = {instance.start, instance.loaded_at[1]} - {None}
    if not practitioners or not starts:
        return
    mondays = {monday_of(timezone.localtime(start).date()) for start in starts}
    slugs = current_rota().service_slugs_offered_by(practitioners)
    bump_parts({week_part(slug, monday) for slug in slugs for monday in mondays}, using)
