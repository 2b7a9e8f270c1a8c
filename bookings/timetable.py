"""What a service's booking page offers: the days of one week with how many free times
each has, one chosen day's times by morning, afternoon and evening, and the first free
time, one tap from the page.

Built from ``load_schedule`` in a fixed number of queries: the week shown and, only
when that week has nothing free, once more for the rest of the booking window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .availability import Slot, by_local_day, by_part_of_day, load_schedule, one_per_time
from .models import BookingRules, Practitioner, Service

# Instead of a practitioner's slug, in the page's query and the details form's address:
# whoever is free at the time chosen.
ANYONE = "any"


@dataclass(frozen=True)
class Day:
    """A day of the week shown, and how many free times it has."""

    date: date
    free_times: int


@dataclass(frozen=True)
class Timetable:
    monday: date
    days: list[Day]  # Monday to Sunday
    day: date  # the day whose times are shown
    times: list[tuple[str, list[Slot]]]  # that day's, under "Morning", "Afternoon", "Evening"
    # The first free time in the week shown or, when it has none, after it.
    first_free: Slot | None
    first_free_is_later: bool  # after the week shown
    # No earlier week has a free time: the first free time is the soonest there is.
    is_soonest_week: bool
    previous_week: date | None
    next_week: date | None
    # Why the day or week asked for is not the one shown (passed, or too far ahead).
    notice: str = ""
    # The week asked for had nothing free, so later weeks were read too.
    looked_later: bool = False


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def build_timetable(
    service: Service,
    practitioner: Practitioner | None,
    *,
    day: date | None,
    week: date | None,
    today: date,
    now: datetime,
    rules: BookingRules,
) -> Timetable:
    """The page for ``day``, or the week of the Monday ``week``, or (neither) the week
    of the first free time, with ``practitioner`` or, when None, anyone free.

    The day shown is ``day``, else the week's first day with a free time. A day or
    week that has passed or lies beyond the booking window is treated as not asked
    for, with a ``notice`` that says why.
    """
    last_day = today + timedelta(days=rules.booking_window_days)
    notice = ""
    if day is not None and not today <= day <= last_day:
        notice = "That day has passed." if day < today else _too_far(rules)
        day = None
    if week is not None and not monday_of(today) <= week <= last_day:
        notice = "That week has passed." if week < today else _too_far(rules)
        week = None
    asked = day is not None or week is not None

    monday = monday_of(day or week or today)
    sunday = monday + timedelta(days=6)
    schedule = load_schedule(service, monday, sunday, practitioner, rules=rules)
    tz = schedule.tz
    slots = _offered(schedule.free_slots(now), practitioner)
    first_free = slots[0] if slots else None
    first_free_is_later = False
    is_soonest_week = monday <= today
    looked_later = not slots and sunday < last_day
    if looked_later:
        rest = load_schedule(
            service, sunday + timedelta(days=1), last_day, practitioner, rules=rules
        )
        later = _offered(rest.free_slots(now), practitioner)
        first_free = later[0] if later else None
        first_free_is_later = first_free is not None
        if first_free is not None and not asked:
            # Nothing is free this week: open on the week of the first free time.
            monday = monday_of(_local_day(first_free, tz))
            sunday = monday + timedelta(days=6)
            slots = [slot for slot in later if _local_day(slot, tz) <= sunday]
            first_free_is_later = False
            is_soonest_week = True

    days = by_local_day(slots, tz, monday, sunday)
    if day is None:
        day = next((d for d, on_day in days if on_day), min(max(monday, today), sunday))
    times = next(on_day for d, on_day in days if d == day)
    previous_week = monday - timedelta(days=7)
    next_week = monday + timedelta(days=7)
    return Timetable(
        monday=monday,
        days=[Day(d, len(on_day)) for d, on_day in days],
        day=day,
        times=by_part_of_day(times, tz),
        first_free=first_free,
        first_free_is_later=first_free_is_later,
        is_soonest_week=is_soonest_week,
        previous_week=previous_week if previous_week >= monday_of(today) else None,
        next_week=next_week if next_week <= last_day else None,
        notice=notice,
        looked_later=looked_later,
    )


def _offered(slots: list[Slot], practitioner: Practitioner | None) -> list[Slot]:
    # Under "anyone free" each time once: who gets it is decided when it is booked.
    return slots if practitioner is not None else one_per_time(slots)


def _local_day(slot: Slot, tz: ZoneInfo) -> date:
    return slot.start.astimezone(tz).date()


def _too_far(rules: BookingRules) -> str:
    return f"We take bookings up to {rules.booking_window_days} days ahead."
