"""The service's booking page on a phone: a week's days, one day's times, the first free
time one tap away (bookings/timetable.py and the week view)."""

import re
from datetime import date, time
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from bookings.models import ClinicClosure

from .factories import local, make_appointment, make_practitioner, make_rules

pytestmark = pytest.mark.django_db

# Tuesday 1 December 2026, early: with two hours' notice the first free time is 09:00.
TUESDAY = date(2026, 12, 1)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The clinic's clock, pinned to 06:00 on Tuesday 1 December 2026."""
    moment = local(2026, 12, 1, 6)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def page(client, service, query: str = "") -> str:
    response = client.get(f"/book/{service.slug}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def day_strip(html: str) -> str:
    return re.search(r'<nav aria-label="Days">(.*?)</nav>', html, re.S)[1]


def chosen_day(html: str) -> str:
    return re.search(r'<section class="bookings-chosen-day".*?</section>', html, re.S)[0]


def text_of(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def test_the_page_opens_on_the_first_day_with_a_free_time_and_links_the_first_free_time(
    client, service, practitioner
):
    html = page(client, service)
    assert '<h2 class="h4" id="chosen-day">Tuesday 1 December</h2>' in html
    assert re.search(
        r'First free time: <a href="/book/initial-assessment/any/2026-12-01T09:00/">'
        r"Tuesday 1 December, 09:00</a>",
        html,
    )


def test_the_day_strip_names_each_day_with_its_number_of_free_times(client, service, practitioner):
    # Wednesday 10:00, blocked until 11:00 with its buffer: starts 09:15 to 10:45 are taken.
    make_appointment(practitioner, service, local(2026, 12, 2, 10))
    strip = day_strip(page(client, service))
    assert "Tuesday 1 December, 24 free times</span>" in strip
    assert "Wednesday 2 December, 17 free times</span>" in strip


def test_the_chosen_day_is_marked_current_in_the_strip(client, service, practitioner):
    strip = day_strip(page(client, service, "?day=2026-12-03"))
    assert re.findall(r'href="\?day=([\d-]+)" aria-current="date"', strip) == ["2026-12-03"]


def test_days_without_a_free_time_are_marked_as_such_and_are_not_links(
    client, service, practitioner
):
    ClinicClosure.objects.create(name="Staff training", start_date=TUESDAY, end_date=TUESDAY)
    strip = day_strip(page(client, service))
    assert "Monday 30 November, no free times" in strip  # the past
    assert "Tuesday 1 December, no free times" in strip
    assert 'href="?day=2026-12-01"' not in strip and 'href="?day=2026-11-30"' not in strip
    assert 'href="?day=2026-12-02"' in strip


def test_a_day_link_is_a_plain_address_that_opens_that_day(client, service, practitioner):
    html = page(client, service, "?day=2026-12-04")
    assert '<h2 class="h4" id="chosen-day">Friday 4 December</h2>' in html
    assert "/book/initial-assessment/any/2026-12-04T09:00/" in html
    assert "/book/initial-assessment/any/2026-12-01T09:00/" not in chosen_day(html)


def test_times_are_grouped_under_morning_afternoon_and_evening_headings(client, service):
    make_practitioner(service, hours=[(time(9), time(13)), (time(14), time(20))])
    day = chosen_day(page(client, service))
    headings = re.findall(r"<h3[^>]*>(.*?)</h3>", day)
    assert headings == ["Morning", "Afternoon", "Evening"]
    morning, afternoon, evening = re.split(r"<h3[^>]*>.*?</h3>", day)[1:]
    assert "T11:45/" in morning and "T12:00/" not in morning
    assert "T12:00/" in afternoon and "T16:45/" in afternoon and "T17:00/" not in afternoon
    assert "T17:00/" in evening and "T19:00/" in evening


def test_anyone_free_shows_each_time_once_without_a_name(client, service, practitioner):
    make_practitioner(service, name="Alex Morgan", slug="alex-morgan")
    day = chosen_day(page(client, service))
    assert day.count("T09:00/") == 1
    assert "Sam Patel" not in day and "Alex Morgan" not in day
    assert text_of(re.search(r"<a [^>]*T09:00/[^>]*>.*?</a>", day)[0]) == (
        "Tuesday 1 December, 09:00"
    )


def test_a_chosen_practitioner_is_named_once_with_their_bio_and_photo(
    client, service, practitioner
):
    practitioner.bio = "Sam treats running injuries and loves parkrun."
    practitioner.photo = "practitioners/sam.jpg"
    practitioner.photo_alt = "Sam smiling in the clinic"
    practitioner.save()
    html = page(client, service, "?practitioner=sam-patel")
    assert html.count("Sam treats running injuries") == 1
    assert '<img src="/media/practitioners/sam.jpg" alt="Sam smiling in the clinic"' in html
    assert "/book/initial-assessment/sam-patel/2026-12-01T09:00/" in html
    assert text_of(chosen_day(html)).count("Sam Patel") == 1  # in the day's heading only


def test_the_practitioner_choice_is_plain_links_that_keep_the_day_asked_for(
    client, service, practitioner
):
    make_practitioner(service, name="Alex Morgan", slug="alex-morgan")
    html = page(client, service, "?practitioner=alex-morgan&day=2026-12-03")
    choice = re.search(r'<nav aria-label="Practitioner".*?</nav>', html, re.S)[0]
    assert '<a href="/book/initial-assessment/?day=2026-12-03">Anyone free</a>' in choice
    assert '<a href="?practitioner=sam-patel&amp;day=2026-12-03">Sam Patel</a>' in choice
    assert (
        '<a href="?practitioner=alex-morgan&amp;day=2026-12-03" aria-current="true">Alex Morgan'
        in choice
    )
    assert "<form" not in html


def test_when_nothing_is_free_this_week_the_page_opens_on_the_week_of_the_first_free_time(
    client, service, practitioner
):
    ClinicClosure.objects.create(
        name="Christmas", start_date=date(2026, 11, 30), end_date=date(2026, 12, 8)
    )
    html = page(client, service)
    assert "Week of 7 December" in html
    assert '<h2 class="h4" id="chosen-day">Wednesday 9 December</h2>' in html
    assert re.search(r"First free time: <a [^>]*2026-12-09T09:00/", html)
    assert 'rel="prev" href="?week=2026-11-30"' in html  # this week is still a tap away


def test_a_week_with_nothing_free_links_the_next_free_time(client, service, practitioner):
    ClinicClosure.objects.create(
        name="Christmas", start_date=date(2026, 12, 21), end_date=date(2027, 1, 3)
    )
    html = page(client, service, "?week=2026-12-21")
    assert "Week of 21 December" in html
    assert re.search(r'Next free time: <a href="[^"]*2027-01-04T09:00/"', html)
    assert "No free times on Monday 21 December" in html


def test_a_later_week_says_its_first_free_time_is_this_weeks(client, service, practitioner):
    html = page(client, service, "?week=2026-12-14")
    assert re.search(r"First free time this week: <a [^>]*2026-12-14T09:00/", html)


def test_earlier_and_later_weeks_are_a_tap_away_within_the_booking_window(
    client, service, practitioner
):
    make_rules(booking_window_days=14)
    this_week = page(client, service)
    assert 'rel="prev"' not in this_week  # nothing before this week
    assert 'rel="next" href="?week=2026-12-07"' in this_week
    last_week = page(client, service, "?practitioner=sam-patel&week=2026-12-14")
    assert 'rel="prev" href="?practitioner=sam-patel&amp;week=2026-12-07"' in last_week
    assert 'rel="next"' not in last_week


def test_an_old_week_link_still_opens_that_week_on_its_first_free_day(
    client, service, practitioner
):
    html = page(client, service, "?practitioner=sam-patel&week=2026-12-10")  # a Thursday
    assert "Week of 7 December" in html
    assert '<h2 class="h4" id="chosen-day">Monday 7 December with Sam Patel</h2>' in html


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("?day=2026-11-20", "That day has passed."),
        ("?day=2027-06-01", "We take bookings up to 60 days ahead."),
        ("?week=2026-11-16", "That week has passed."),
        ("?week=2027-06-07", "We take bookings up to 60 days ahead."),
    ],
)
def test_a_day_or_week_out_of_reach_falls_back_to_the_first_free_day_with_a_notice(
    client, service, practitioner, query, notice
):
    html = page(client, service, query)
    assert notice in html
    assert '<h2 class="h4" id="chosen-day">Tuesday 1 December</h2>' in html


@pytest.mark.parametrize("day", ["tomorrow", "2026-02-30", "9999-12-31", "0001-01-01"])
def test_a_day_that_is_not_a_date_or_is_years_away_is_a_400(client, service, practitioner, day):
    response = client.get(f"/book/{service.slug}/?day={day}")
    assert response.status_code == 400
    assert b"That day is" in response.content


def test_the_page_is_cached_per_day_and_the_day_key_is_bounded(
    client, service, practitioner, django_assert_num_queries
):
    client.get(f"/book/{service.slug}/?day=2026-12-03")
    with django_assert_num_queries(0):
        client.get(f"/book/{service.slug}/?day=2026-12-03&utm_source=x")  # other values ignored
    far = f"/book/{service.slug}/?day=2027-12-01"  # beyond 26 weeks: built, never kept
    client.get(far)
    assert client.get(far).context is not None


# The week page of "Initial assessment" on the demo data before it showed a day at a time.
WEEK_PAGE_BEFORE = 33.9 * 1024


@pytest.mark.parametrize("query", ["", "?day=2026-12-08", "?practitioner=alex-morgan"])
def test_a_full_day_of_the_demo_data_weighs_under_half_the_week_page_it_replaced(client, query):
    call_command("seed_demo", stdout=StringIO())
    response = client.get(f"/book/initial-assessment/{query}")
    assert chosen_day(response.content.decode()).count("<li><a ") == 28  # 09:00 to 17:15
    assert len(response.content) < WEEK_PAGE_BEFORE / 2, f"{len(response.content)} bytes"
