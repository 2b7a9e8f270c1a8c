"""The diary as a grid: one column per practitioner (a day) or per day (one practitioner's
week), one row per slot step of clinic local time, each appointment in place across the
rows it fills, and every free step a link to reception's phone-booking form.

``build_grid`` is a pure function of data loaded by ``load_columns`` in a fixed number of
queries, whatever the number of practitioners, days or appointments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from .availability import Interval, clinic_timezone, local_to_utc
from .models import Appointment, ClinicClosure, Practitioner, TimeOff, WorkingHours

FREE, AWAY, OFF, CLOSED, BLOCKED, GAP = "free", "away", "off", "closed", "blocked", "gap"


@dataclass
class Column:
    practitioner: Practitioner
    day: date
    hours: list[tuple[time, time]] = field(default_factory=list)
    time_off: list[Interval] = field(default_factory=list)
    closed: bool = False
    appointments: list[Appointment] = field(default_factory=list)


@dataclass
class Cell:
    column: Column
    kind: str = FREE
    start: datetime | None = None  # the step's UTC start
    wall: time | None = None
    rowspan: int = 1
    appointments: list[Appointment] = field(default_factory=list)


@dataclass
class Row:
    wall: time
    cells: list[Cell]


def _minutes(wall: time) -> int:
    return wall.hour * 60 + wall.minute


def _wall(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def load_columns(practitioners: list[Practitioner], days: list[date], appointments) -> list[Column]:
    """Columns for every (practitioner, day) pair, practitioner-major for a day view and
    day-major for one practitioner's week: four queries (hours, time off, closures,
    appointments). ``appointments`` is a queryset already limited to who may see them."""
    tz = clinic_timezone()
    start = datetime.combine(min(days), time(0), tzinfo=tz)
    end = datetime.combine(max(days) + timedelta(days=1), time(0), tzinfo=tz)
    ids = [person.pk for person in practitioners]
    hours: dict[tuple[int, int], list[tuple[time, time]]] = {}
    for row in WorkingHours.objects.filter(practitioner__in=ids).order_by("start_time"):
        hours.setdefault((row.practitioner_id, row.weekday), []).append(
            (row.start_time, row.end_time)
        )
    off: dict[int, list[Interval]] = {}
    for row in TimeOff.objects.filter(practitioner__in=ids, start__lt=end, end__gt=start):
        off.setdefault(row.practitioner_id, []).append(Interval(row.start, row.end))
    closed = set()
    for closure in ClinicClosure.objects.filter(end_date__gte=min(days), start_date__lte=max(days)):
        closed.update(day for day in days if closure.covers(day))
    booked: dict[tuple[int, date], list[Appointment]] = {}
    for appointment in (
        appointments.active()
        .filter(practitioner__in=ids, start__lt=end, blocked_until__gt=start)
        .select_related("service", "patient")
        .order_by("start")
    ):
        day = timezone.localtime(appointment.start, tz).date()
        booked.setdefault((appointment.practitioner_id, day), []).append(appointment)
    return [
        Column(
            practitioner=person,
            day=day,
            hours=hours.get((person.pk, day.weekday()), []),
            time_off=off.get(person.pk, []),
            closed=day in closed,
            appointments=booked.get((person.pk, day), []),
        )
        for person in practitioners
        for day in days
    ]


def build_grid(columns: list[Column], step: timedelta) -> list[Row]:
    """The rows of the grid: from the earliest opening to the latest closing among the
    columns (stretched to any appointment outside them), a row per ``step``."""
    tz = clinic_timezone()
    step_minutes = max(int(step.total_seconds() // 60), 5)
    bounds = [(_minutes(a), _minutes(b)) for column in columns for a, b in column.hours]
    for column in columns:
        for appointment in column.appointments:
            local_start = timezone.localtime(appointment.start, tz)
            local_end = timezone.localtime(appointment.end, tz)
            end = 24 * 60 if local_end.date() > column.day else _minutes(local_end.time())
            bounds.append((_minutes(local_start.time()), end))
    if not bounds:
        return []
    first = min(a for a, _ in bounds) // step_minutes * step_minutes
    last = max(b for _, b in bounds)
    walls = list(range(first, last, step_minutes))
    by_column = [_column_cells(column, walls, step_minutes, tz) for column in columns]
    return [
        Row(_wall(wall), [cells[index] for cells in by_column if cells[index] is not None])
        for index, wall in enumerate(walls)
    ]


def _column_cells(column: Column, walls: list[int], step: int, tz) -> list[Cell | None]:
    """One cell per row; None where an appointment above spans over the row."""
    cells: list[Cell | None] = []
    starts: dict[int, list[Appointment]] = {}
    for appointment in column.appointments:
        minutes = _minutes(timezone.localtime(appointment.start, tz).time())
        row = max(0, min(len(walls) - 1, (minutes - walls[0]) // step))
        starts.setdefault(row, []).append(appointment)
    busy = [Interval(a.start, a.blocked_until) for a in column.appointments]
    covered_until = -1
    for index, wall in enumerate(walls):
        if index <= covered_until:
            cells.append(None)
            continue
        start = local_to_utc(column.day, _wall(wall), tz)
        if index in starts:
            appointments = starts[index]
            end = max(a.end for a in appointments)
            rows = 1
            while index + rows < len(walls):
                following = local_to_utc(column.day, _wall(walls[index + rows]), tz)
                if following is None or following >= end:
                    break
                rows += 1
            covered_until = index + rows - 1
            cells.append(Cell(column, "appointments", start, _wall(wall), rows, appointments))
            continue
        cells.append(Cell(column, _kind(column, wall, step, start, busy), start, _wall(wall)))
    return cells


def _kind(column: Column, wall: int, step: int, start: datetime | None, busy) -> str:
    if start is None:
        return GAP  # the clocks skip this time
    if column.closed:
        return CLOSED
    if not any(_minutes(a) <= wall and wall + step <= _minutes(b) for a, b in column.hours):
        return AWAY
    end = start + timedelta(minutes=step)
    if any(interval.overlaps(start, end) for interval in column.time_off):
        return OFF
    if any(interval.overlaps(start, end) for interval in busy):
        return BLOCKED
    return FREE
