"""Free appointment times.

``free_slots`` is a pure function of the data passed in: it builds candidate times in
the clinic's local time (so 9:00 stays 9:00 on the days the clocks change), converts
them to UTC, and drops every time that clashes with time off, closures, existing
appointments (buffers included), the minimum notice or the booking window.

``load_schedule`` fetches everything ``free_slots`` needs in one query (the appointments),
whatever the date range: the rest comes from the rota (bookings/rota.py).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from .models import Appointment, BookingRules, Practitioner, Service
from .rota import current_rota


@dataclass(frozen=True)
class Interval:
    """A half-open span of time [start, end), aware datetimes."""

    start: datetime
    end: datetime

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True)
class Rules:
    slot_step: timedelta
    minimum_notice: timedelta
    booking_window: timedelta

    @classmethod
    def from_model(cls, rules: BookingRules) -> Rules:
        return cls(rules.slot_step, rules.minimum_notice, rules.booking_window)


@dataclass
class PractitionerDiary:
    """What one practitioner's free time depends on."""

    practitioner_id: int
    name: str = ""
    slug: str = ""
    # weekday (Monday = 0) -> [(start, end)] in clinic local wall-clock time
    working_hours: dict[int, list[tuple[time, time]]] = field(default_factory=dict)
    time_off: list[Interval] = field(default_factory=list)
    # appointments as [start, blocked_until): the buffer after each is included
    busy: list[Interval] = field(default_factory=list)


@dataclass(frozen=True, order=True)
class Slot:
    start: datetime  # UTC
    practitioner_id: int
    end: datetime = field(compare=False)  # UTC
    practitioner_name: str = field(default="", compare=False)
    practitioner_slug: str = field(default="", compare=False)


def local_to_utc(day: date, wall: time, tz: ZoneInfo) -> datetime | None:
    """The UTC instant of a wall-clock time on a local day; None when it does not exist.

    On the spring change the hour the clocks skip does not exist; on the autumn change
    the repeated hour takes its first occurrence (fold=0).
    """
    local = datetime.combine(day, wall, tzinfo=tz)
    as_utc = local.astimezone(UTC)
    if as_utc.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return as_utc


def _days(first_day: date, last_day: date) -> Iterable[date]:
    day = first_day
    while day <= last_day:
        yield day
        day += timedelta(days=1)


class _Timeline:
    """Sorted intervals that answer "does anything overlap [start, end)?" in O(log n)."""

    def __init__(self, intervals: Iterable[Interval]):
        ordered = sorted(intervals, key=lambda interval: interval.start)
        self.starts = [interval.start for interval in ordered]
        # latest_end[i]: the latest end among the first i + 1 intervals
        self.latest_end: list[datetime] = []
        for interval in ordered:
            previous = self.latest_end[-1] if self.latest_end else interval.end
            self.latest_end.append(max(previous, interval.end))

    def overlaps(self, start: datetime, end: datetime) -> bool:
        before_end = bisect_left(self.starts, end)  # intervals starting before ``end``
        return before_end > 0 and self.latest_end[before_end - 1] > start


def free_slots(
    *,
    duration: timedelta,
    buffer: timedelta,
    diaries: Sequence[PractitionerDiary],
    closed_days: Iterable[date],
    rules: Rules,
    tz: ZoneInfo,
    first_day: date,
    last_day: date,
    now: datetime,
) -> list[Slot]:
    """Every free start time, per practitioner, between two local days (inclusive).

    A time is free when the appointment [start, start + duration) lies inside one of
    the practitioner's working intervals that day, misses their time off, and its
    blocked time [start, start + duration + buffer) misses every existing
    appointment's blocked time. It must start at least ``rules.minimum_notice`` after
    ``now`` and no later than ``rules.booking_window`` after it. Sorted by time.
    """
    closed = set(closed_days)
    earliest = now + rules.minimum_notice
    latest = now + rules.booking_window
    slots: list[Slot] = []
    for diary in diaries:
        busy = _Timeline(diary.busy)
        time_off = _Timeline(diary.time_off)
        for day in _days(first_day, last_day):
            if day in closed:
                continue
            for opens, closes in diary.working_hours.get(day.weekday(), ()):
                closes_utc = local_to_utc(day, closes, tz)
                if closes_utc is None:
                    continue
                for start in _starts(day, opens, closes, closes_utc, rules.slot_step, tz):
                    end = start + duration
                    if end > closes_utc:
                        break
                    if start < earliest or start > latest:
                        continue
                    if time_off.overlaps(start, end) or busy.overlaps(start, end + buffer):
                        continue
                    slots.append(Slot(start, diary.practitioner_id, end, diary.name, diary.slug))
    slots.sort()
    return slots


def _starts(
    day: date, opens: time, closes: time, closes_utc: datetime, step: timedelta, tz: ZoneInfo
) -> Iterable[datetime]:
    """The UTC instants of the wall-clock times opens, opens + step, ... before closes on
    ``day``, leaving out those that do not exist (the hour the clocks skip)."""
    opens_utc = local_to_utc(day, opens, tz)
    if opens_utc is not None and closes_utc - opens_utc == _wall_span(day, opens, closes):
        # No clock change in between (nearly always): UTC moves with the wall clock.
        start = opens_utc
        while start < closes_utc:
            yield start
            start += step
        return
    wall = datetime.combine(day, opens)
    while wall.time() < closes and wall.date() == day:
        start = local_to_utc(day, wall.time(), tz)
        wall += step
        if start is not None:
            yield start


def _wall_span(day: date, opens: time, closes: time) -> timedelta:
    return datetime.combine(day, closes) - datetime.combine(day, opens)


# With a preferred practitioner, how many of the nearest times are someone else's.
OTHERS = 2


def nearest(
    slots: Sequence[Slot], moment: datetime, count: int = 6, prefer: int | None = None
) -> list[Slot]:
    """The ``count`` slots closest to ``moment``, in time order.

    With ``prefer`` (a practitioner id), most of them are that practitioner's and the
    last OTHERS are the closest times with anyone else.
    """

    def closest(candidates, how_many):
        return sorted(candidates, key=lambda slot: abs(slot.start - moment))[:how_many]

    if prefer is None:
        return sorted(closest(slots, count))
    own = closest([s for s in slots if s.practitioner_id == prefer], count - OTHERS)
    others = [s for s in slots if s.practitioner_id != prefer]
    return sorted(own + closest(others, count - len(own)))


def one_per_time(slots: Sequence[Slot], preference: Sequence[int] = ()) -> list[Slot]:
    """For "any practitioner": each start time once, with the first free practitioner
    in ``preference`` (practitioner ids; others after them, by id)."""
    rank = {practitioner_id: index for index, practitioner_id in enumerate(preference)}
    seen: set[datetime] = set()
    chosen = []
    ordered = sorted(slots, key=lambda s: (s.start, rank.get(s.practitioner_id, len(rank)), s))
    for slot in ordered:
        if slot.start not in seen:
            seen.add(slot.start)
            chosen.append(slot)
    return chosen


def by_local_day(
    slots: Sequence[Slot], tz: ZoneInfo, first_day: date, last_day: date
) -> list[tuple[date, list[Slot]]]:
    """Slots grouped under each local day from ``first_day`` to ``last_day``."""
    days: dict[date, list[Slot]] = {day: [] for day in _days(first_day, last_day)}
    for slot in slots:
        day = slot.start.astimezone(tz).date()
        if day in days:
            days[day].append(slot)
    return list(days.items())


# Where the morning and the afternoon end, in clinic local time.
PARTS_OF_DAY = (("Morning", time(12)), ("Afternoon", time(17)), ("Evening", None))


def by_part_of_day(slots: Sequence[Slot], tz: ZoneInfo) -> list[tuple[str, list[Slot]]]:
    """One day's slots under "Morning", "Afternoon" and "Evening" (empty parts left out)."""
    parts: dict[str, list[Slot]] = {name: [] for name, _ in PARTS_OF_DAY}
    for slot in slots:
        wall = slot.start.astimezone(tz).time()
        name = next(name for name, ends in PARTS_OF_DAY if ends is None or wall < ends)
        parts[name].append(slot)
    return [(name, part) for name, part in parts.items() if part]


# --- Loading from the database ------------------------------------------------------


@dataclass
class Schedule:
    """Everything needed to compute free times for one service over some days."""

    service: Service
    practitioners: list[Practitioner]
    diaries: list[PractitionerDiary]
    closed_days: set[date]
    rules: BookingRules
    tz: ZoneInfo
    first_day: date
    last_day: date

    def least_busy_first(self) -> list[int]:
        """Practitioner ids, the one with the fewest appointments in the range first."""

        def appointments(diary: PractitionerDiary) -> int:
            days = (busy.start.astimezone(self.tz).date() for busy in diary.busy)
            return sum(self.first_day <= day <= self.last_day for day in days)

        return [d.practitioner_id for d in sorted(self.diaries, key=appointments)]

    def free_slots(self, now: datetime | None = None) -> list[Slot]:
        return free_slots(
            duration=self.service.duration,
            buffer=self.service.buffer,
            diaries=self.diaries,
            closed_days=self.closed_days,
            rules=Rules.from_model(self.rules),
            tz=self.tz,
            first_day=self.first_day,
            last_day=self.last_day,
            now=now or timezone.now(),
        )


def clinic_timezone() -> ZoneInfo:
    return ZoneInfo(timezone.get_default_timezone_name())


def load_schedule(
    service: Service,
    first_day: date,
    last_day: date,
    practitioner: Practitioner | None = None,
    ignore_appointment: Appointment | None = None,
    rules: BookingRules | None = None,
    appointments: bool = True,
) -> Schedule:
    """Everything ``free_slots`` needs for these days: the rota (bookings/rota.py, read
    once per change) and the appointments, in one query.

    ``practitioner`` limits it to one person (None: all who offer the service);
    ``ignore_appointment`` leaves one appointment out (the one being moved);
    ``rules``, when the caller has them already, are used instead of the rota's;
    ``appointments=False`` reads none (the caller has just checked them, under the lock).
    """
    tz = clinic_timezone()
    # A day either side: appointments and time off may straddle local midnight.
    range_start = datetime.combine(first_day - timedelta(days=1), time(0), tzinfo=tz)
    range_end = datetime.combine(last_day + timedelta(days=2), time(0), tzinfo=tz)
    rota = current_rota(since=range_start)
    practitioners = [
        person
        for person in rota.offering(service)
        if practitioner is None or person.pk == practitioner.pk
    ]
    busy: dict[int, list[Interval]] = {person.pk: [] for person in practitioners}
    if appointments and practitioners:
        taken = Appointment.objects.blocking(range_start, range_end).filter(
            practitioner_id__in=busy
        )
        if ignore_appointment is not None:
            taken = taken.exclude(pk=ignore_appointment.pk)
        for practitioner_id, start, blocked_until in taken.values_list(
            "practitioner_id", "start", "blocked_until"
        ):
            busy[practitioner_id].append(Interval(start, blocked_until))

    diaries = [
        PractitionerDiary(
            practitioner_id=person.pk,
            name=person.name,
            slug=person.slug,
            working_hours=rota.hours.get(person.pk, {}),
            time_off=[
                Interval(start, end)
                for start, end in rota.time_off.get(person.pk, ())
                if start < range_end and end > range_start
            ],
            busy=busy[person.pk],
        )
        for person in practitioners
    ]
    return Schedule(
        service=service,
        practitioners=practitioners,
        diaries=diaries,
        closed_days=rota.closed_days(first_day, last_day),
        rules=rules or rota.rules,
        tz=tz,
        first_day=first_day,
        last_day=last_day,
    )
