"""The booking week page is served from the cache until the diary changes."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from bookings.booking import reschedule_appointment
from bookings.models import TimeOff

from .factories import days_ahead, make_appointment, make_practitioner, make_service
from .test_views import DETAILS

pytestmark = pytest.mark.django_db


def week_url(service, start, practitioner="any") -> str:
    return f"/book/{service.slug}/?practitioner={practitioner}&day={start:%Y-%m-%d}"


def time_link(service, practitioner, start) -> bytes:
    """The link of a free time: with `practitioner`, or with anyone free ("any")."""
    local = timezone.localtime(start)
    who = getattr(practitioner, "slug", practitioner)
    return f"/book/{service.slug}/{who}/{local:%Y-%m-%dT%H:%M}/".encode()


def test_a_second_visitor_gets_the_week_without_touching_the_database(
    client, service, practitioner, django_assert_num_queries
):
    start = days_ahead(7, 10)
    first = client.get(week_url(service, start))
    with django_assert_num_queries(0):
        second = client.get(week_url(service, start))
    assert second.status_code == 200
    assert second.content == first.content
    assert time_link(service, "any", start) in second.content
    # Operators (and bench/capacity.py) can tell which was which.
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")


@pytest.mark.parametrize("who", ["any", "sam-patel"])
def test_a_booked_time_leaves_the_cached_week_at_once(client, service, practitioner, who):
    start = days_ahead(7, 10)
    assert time_link(service, who, start) in client.get(week_url(service, start, who)).content
    make_appointment(practitioner, service, start)
    assert time_link(service, who, start) not in client.get(week_url(service, start, who)).content


def test_time_off_entered_by_reception_shows_at_once(client, service, practitioner):
    start = days_ahead(7, 10)
    client.get(week_url(service, start, practitioner.slug))
    TimeOff.objects.create(practitioner=practitioner, start=start, end=start + timedelta(hours=2))
    page = client.get(week_url(service, start, practitioner.slug)).content
    assert time_link(service, practitioner, start) not in page


def test_a_new_practitioner_is_found_even_after_their_slug_was_asked_for(client, service):
    start = days_ahead(7, 10)
    assert client.get(week_url(service, start, "jo-bell")).status_code == 404  # not cached
    jo = make_practitioner(service, name="Jo Bell", slug="jo-bell")
    page = client.get(week_url(service, start, "jo-bell"))
    assert page.status_code == 200
    assert time_link(service, jo, start) in page.content


def test_staff_see_the_live_week(client, service, practitioner, django_assert_max_num_queries):
    start = days_ahead(7, 10)
    staff = User.objects.create_user("reception", password="pw-long-enough-1", is_staff=True)
    client.force_login(staff)
    client.get(week_url(service, start))
    # 13: the page's 12, and the staff session saved again (its idle clock restarts).
    with django_assert_max_num_queries(13):
        second = client.get(week_url(service, start))
    assert second.status_code == 200
    assert second.context is not None  # rendered afresh, not replayed from the cache


def test_weeks_nobody_books_in_are_not_cached(client, service, practitioner):
    far = days_ahead(400, 10)
    client.get(week_url(service, far))
    assert client.get(week_url(service, far)).context is not None


def test_the_week_cache_can_be_turned_off(client, service, practitioner, settings):
    settings.AVAILABILITY_CACHE_SECONDS = 0
    start = days_ahead(7, 10)
    client.get(week_url(service, start))
    assert client.get(week_url(service, start)).context is not None


def csrf_token_in(page: bytes) -> str:
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1].decode()


def test_the_details_form_comes_from_the_cache_with_a_token_of_each_visitors_own(
    service, practitioner, django_assert_num_queries
):
    url = time_link(service, practitioner, days_ahead(7, 10)).decode()
    first_visitor = Client(enforce_csrf_checks=True)
    first_page = first_visitor.get(url).content
    second_visitor = Client(enforce_csrf_checks=True)
    with django_assert_num_queries(0):
        second = second_visitor.get(url)
    assert second.status_code == 200
    assert b"[csrf-token]" not in second.content
    assert csrf_token_in(second.content) != csrf_token_in(first_page)
    assert "csrftoken" in second.cookies

    details = {**DETAILS, "csrfmiddlewaretoken": csrf_token_in(second.content)}
    booked = second_visitor.post(url, details)
    assert booked.status_code == 303
    # The time is now taken: the cached form is gone, the next visitor is told so.
    assert Client().get(url).status_code == 409


def test_only_the_spelling_our_links_use_is_cached(client, service, practitioner):
    start = timezone.localtime(days_ahead(7, 10))
    other_spelling = f"/book/{service.slug}/{practitioner.slug}/{start:%Y-%m-%d %H:%M}/"
    assert client.get(other_spelling).status_code == 200  # still understood
    assert client.get(other_spelling).context is not None  # but never kept


def test_booking_pages_are_built_afresh_when_the_cache_is_away(
    client, service, practitioner, monkeypatch
):
    from django.core.cache import caches

    def away(*args, **kwargs):
        raise ConnectionError("cache server unreachable")

    for method in ("get", "get_many", "get_or_set", "add", "set", "incr"):
        monkeypatch.setattr(caches["pages"], method, away)
    start = days_ahead(7, 10)
    response = client.get(week_url(service, start))
    assert response.status_code == 200
    assert time_link(service, "any", start) in response.content


# --- A booking empties its own week only --------------------------------------------------


def monday_in(weeks: int, hour: int = 10):
    """A clinic-local Monday morning some weeks ahead."""
    today = timezone.localdate()
    return days_ahead(7 * weeks - today.weekday(), hour)


def test_a_booking_in_another_week_leaves_this_weeks_page_cached(
    client, service, practitioner, django_assert_num_queries
):
    this_week, later = monday_in(2), monday_in(3)
    client.get(week_url(service, this_week))
    make_appointment(practitioner, service, later)
    with django_assert_num_queries(0):
        assert client.get(week_url(service, this_week)).status_code == 200
    # The week booked in is built afresh and shows the time taken.
    assert time_link(service, "any", later) not in client.get(week_url(service, later)).content


def test_a_booking_empties_the_week_of_every_service_the_practitioner_offers(
    client, service, practitioner
):
    massage = make_service(slug="sports-massage", name="Sports massage")
    practitioner.services.add(massage)
    other = make_practitioner(massage, name="Jo Bell", slug="jo-bell")
    start = monday_in(2)
    client.get(week_url(massage, start, practitioner.slug))
    client.get(week_url(massage, start, other.slug))
    make_appointment(practitioner, service, start)  # an assessment takes Sam for massage too
    page = client.get(week_url(massage, start, practitioner.slug))
    assert page.context is not None  # built afresh
    assert time_link(massage, practitioner, start) not in page.content
    assert (
        time_link(massage, other, start) in client.get(week_url(massage, start, other.slug)).content
    )


def test_a_move_empties_the_week_it_left_and_the_week_it_went_to(client, service, practitioner):
    first, second = monday_in(2), monday_in(4)
    appointment = make_appointment(practitioner, service, first)
    assert time_link(service, "any", first) not in client.get(week_url(service, first)).content
    assert time_link(service, "any", second) in client.get(week_url(service, second)).content
    reschedule_appointment(appointment, second)
    assert time_link(service, "any", first) in client.get(week_url(service, first)).content
    assert time_link(service, "any", second) not in client.get(week_url(service, second)).content


def test_an_empty_week_that_looked_ahead_is_emptied_by_a_booking_later_on(
    client, service, practitioner
):
    """A week with nothing free shows the first free time after it: a booking of that
    time must empty it too, though it lies in another week."""
    this_week = monday_in(2)
    TimeOff.objects.create(
        practitioner=practitioner, start=this_week - timedelta(hours=10), end=monday_in(3, 0)
    )
    page = client.get(week_url(service, this_week)).content
    first_free = monday_in(3, 9)
    assert time_link(service, "any", first_free) in page
    make_appointment(practitioner, service, first_free)
    assert (
        time_link(service, "any", first_free)
        not in client.get(week_url(service, this_week)).content
    )


def test_the_week_is_answered_alike_before_and_after_the_session_middleware(
    client, service, practitioner
):
    url = week_url(service, days_ahead(7, 10))
    client.get(url)
    early = Client().get(url)  # no cookies: clinic.cache.ServeCachedPages answers
    usual = Client(headers={"cookie": "sessionid=expired-long-ago"}).get(url)
    assert early["X-Page-Cache"] == usual["X-Page-Cache"] == "hit"
    assert early.content == usual.content
    for header in ("Content-Type", "Vary", "X-Frame-Options", "ETag", "Cache-Control"):
        assert early.get(header) == usual.get(header), header
