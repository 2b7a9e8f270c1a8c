from datetime import date

import pytest
from icalendar import Calendar

from programs.calendar import session_date

pytestmark = pytest.mark.django_db

NORDIC = "/plans/nordic-hamstring-programme/calendar.ics"


def _events(response):
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_the_nordic_calendar_has_one_event_per_session(client):
    response = client.get(NORDIC, {"start": "2026-01-05"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert len(_events(response)) == 27


def test_the_first_session_falls_on_the_chosen_start_day(client):
    events = _events(client.get(NORDIC, {"start": "2026-01-07"}))  # a Wednesday
    days = sorted(event.decoded("dtstart") for event in events)
    assert days[0] == date(2026, 1, 7)  # week 1's one session
    # Week 10 ends 9 weeks later on the session two days after its Wednesday one.
    assert days[-1] == date(2026, 3, 13)


@pytest.mark.parametrize("start", ["2026-01-05", "2026-01-07", "2026-01-10"])
def test_sessions_keep_the_plans_order_whatever_day_the_runner_starts(client, start):
    """Monday, Wednesday and Saturday starts: week 2's first session never comes after
    its second, and no week's sessions mix with the next week's."""
    events = _events(client.get(NORDIC, {"start": start}))  # listed in the plan's order
    dates = [event.decoded("dtstart") for event in events]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    assert dates[0] == date.fromisoformat(start)


def test_each_calendar_event_lists_its_exercises_and_doses(client):
    events = _events(client.get(NORDIC, {"start": "2026-01-05"}))
    first = min(events, key=lambda event: event.decoded("dtstart"))
    assert "Nordic hamstring curl: 2 sets of 5 reps" in str(first["description"])


def test_a_plan_moves_whole_with_its_start_keeping_the_rest_days():
    # First session on a Monday; started on a Wednesday, a Friday session moves to Sunday.
    assert session_date(date(2026, 1, 7), 1, 4, first_day_of_week=0) == date(2026, 1, 11)
    assert session_date(date(2026, 1, 7), 2, 0, first_day_of_week=0) == date(2026, 1, 14)


@pytest.mark.parametrize("start", ["next monday", "2026-13-01", "05/01/2026", ""])
def test_a_start_that_is_not_a_date_gets_400_with_a_message(client, start):
    response = client.get(NORDIC, {"start": start})
    assert response.status_code == 400
    assert b"YYYY-MM-DD" in response.content


def test_a_missing_start_gets_400(client):
    assert client.get(NORDIC).status_code == 400


def test_an_unpublished_plan_has_no_public_calendar(client):
    from .factories import make_plan

    plan = make_plan(is_published=False)
    response = client.get(f"{plan.get_absolute_url()}calendar.ics", {"start": "2026-01-05"})
    assert response.status_code == 404
