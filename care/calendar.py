"""A programme's sessions as iCalendar: all-day events spread through each week.

Calendars get shared, so an event says only "Home exercises" (no programme title, no
exercise, no private link): the exercises are on the patient's own page.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event

from clinic.models import ClinicDetails

from .models import Programme


def session_days(programme: Programme) -> list[tuple[int, int, date]]:
    """(week, session number, day) for every planned session, spread evenly through each
    week from the start date (three a week: days 0, 2 and 4 of the week)."""
    per_week = programme.sessions_per_week
    return [
        (week, index + 1, programme.week_start(week) + timedelta(days=index * 7 // per_week))
        for week in range(1, programme.weeks + 1)
        for index in range(per_week)
    ]


def programme_ics(programme: Programme) -> bytes:
    clinic = ClinicDetails.current()
    host = urlsplit(settings.SITE_URL).hostname or "clinic.invalid"
    calendar = Calendar()
    calendar.add("prodid", f"-//{clinic.name}//Home programmes//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Home exercises")
    stamp = datetime.now(UTC)
    per_week = programme.sessions_per_week
    for week, number, day in session_days(programme):
        event = Event()
        event.add("uid", f"programme-{programme.pk}-{week}-{number}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", f"Home exercises (week {week}, session {number} of {per_week})")
        event.add("description", "Your exercises are on the page your physio gave you.")
        calendar.add_component(event)
    return calendar.to_ical()
