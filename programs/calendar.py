"""A plan as iCalendar: one all-day event per session, from the runner's chosen start."""

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from .models import Plan, Session


def session_date(start: date, week_number: int, day_of_week: int, first_day_of_week: int) -> date:
    """The session's day when the plan's first session (on ``first_day_of_week`` of week
    1) falls on ``start``: the whole plan moves with it, so the sessions keep their order
    and the rest days between them, whatever weekday the runner starts on."""
    return start + timedelta(weeks=week_number - 1, days=day_of_week - first_day_of_week)


def _describe(session: Session, plan_url: str) -> str:
    lines = [
        f"{p.exercise.name}: {p.dose}"
        + (f", {p.effort}" if p.effort else "")
        + (f" ({p.notes})" if p.notes else "")
        for p in session.prescriptions.all()
    ]
    if session.notes:
        lines.append(session.notes)
    if session.week.notes:
        lines.append(f"This week: {session.week.notes}")
    lines.append(f"The whole plan: {plan_url}")
    return "\n".join(lines)


def plan_calendar(plan: Plan, start: date, plan_url: str, organiser: str) -> bytes:
    """The plan's sessions as an .ics file; `plan` should come from `Plan.objects.for_page()`."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{organiser}//Runner plans//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", plan.title)
    stamp = datetime.now(UTC)
    uid_domain = urlsplit(plan_url).hostname or "localhost"
    weeks = [week for week in plan.weeks.all() if week.sessions.all()]
    first_day = weeks[0].sessions.all()[0].day_of_week if weeks else 0
    for week in weeks:
        for session in week.sessions.all():
            session.week = week  # already loaded: spare a query per event
            day = session_date(start, week.number, session.day_of_week, first_day)
            event = Event()
            event.add("uid", f"{plan.slug}-{session.pk}-{start.isoformat()}@{uid_domain}")
            event.add("dtstamp", stamp)
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))
            event.add("summary", f"{plan.title}: week {week.number}, {session.title}")
            event.add("description", _describe(session, plan_url))
            event.add("url", plan_url)
            calendar.add_component(event)
    return calendar.to_ical()
