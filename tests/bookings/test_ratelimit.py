import time

import pytest

from bookings.ratelimit import client_ip, hit, parse_rate, seconds_left

from .factories import days_ahead, make_appointment

pytestmark = pytest.mark.django_db


def test_rates_read_as_count_per_period():
    assert parse_rate("10/h") == (10, 3600)
    assert parse_rate("3/m") == (3, 60)
    assert parse_rate("100/5m") == (100, 300)


def test_booking_posts_over_the_limit_get_a_429_with_a_plain_message(
    client, service, practitioner, settings
):
    settings.BOOKING_RATE_LIMIT = "2/h"
    url = f"/book/{service.slug}/{practitioner.slug}/garbage/"
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {}).status_code == 400
    response = client.post(url, {})
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/plain")
    assert b"Too many attempts" in response.content


def test_retry_after_says_when_the_window_ends_not_its_length(
    client, service, practitioner, settings
):
    settings.BOOKING_RATE_LIMIT = "1/h"
    url = f"/book/{service.slug}/{practitioner.slug}/garbage/"
    client.post(url, {})
    response = client.post(url, {})
    left = 3600 - int(time.time()) % 3600
    assert response.status_code == 429
    assert left - 2 <= int(response["Retry-After"]) <= left + 1


def test_seconds_left_counts_to_the_end_of_the_clock_window():
    assert seconds_left("10/h", now=7200 + 1800.2) == 1800
    assert seconds_left("10/h", now=7200 + 3599.5) == 1
    assert seconds_left("5/m", now=60 * 100) == 60


def test_appointment_page_posts_are_rate_limited(client, service, practitioner, settings):
    settings.BOOKING_RATE_LIMIT = "1/h"
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    url = f"/appointments/{appointment.token}/"
    client.post(url, {"action": "unknown"})
    assert client.post(url, {"action": "cancel"}).status_code == 429
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"


def test_reading_pages_is_not_rate_limited(client, service, practitioner, settings):
    settings.BOOKING_RATE_LIMIT = "1/h"
    for _ in range(3):
        assert client.get(f"/book/{service.slug}/").status_code == 200


def test_the_limit_is_per_client_address(client, service, practitioner, settings):
    settings.BOOKING_RATE_LIMIT = "1/h"
    url = f"/book/{service.slug}/{practitioner.slug}/garbage/"
    assert client.post(url, {}, REMOTE_ADDR="10.0.0.1").status_code == 400
    assert client.post(url, {}, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.post(url, {}, REMOTE_ADDR="10.0.0.2").status_code == 400


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(rf, settings):
    settings.BOOKING_TRUSTED_PROXY_COUNT = 0
    request = rf.post("/", HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="10.0.0.9")
    assert client_ip(request) == "10.0.0.9"


def test_behind_one_trusted_proxy_the_address_it_saw_counts(rf, settings):
    settings.BOOKING_TRUSTED_PROXY_COUNT = 1
    request = rf.post("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.9")
    assert client_ip(request) == "203.0.113.7"


def test_a_new_window_starts_a_new_count():
    assert hit("test", "1.1.1.1", "1/m", now=60.0)
    assert not hit("test", "1.1.1.1", "1/m", now=61.0)
    assert hit("test", "1.1.1.1", "1/m", now=121.0)


def test_an_unreadable_rate_setting_fails_the_system_check(settings):
    from bookings.apps import check_rate_limit_setting

    settings.BOOKING_RATE_LIMIT = "lots"
    assert [error.id for error in check_rate_limit_setting()] == ["bookings.E001"]
    settings.BOOKING_RATE_LIMIT = "10/h"
    assert check_rate_limit_setting() == []


def test_addresses_in_one_ipv6_64_share_one_limit(client, service, practitioner, settings):
    settings.BOOKING_RATE_LIMIT = "1/h"
    url = f"/book/{service.slug}/{practitioner.slug}/2026-12-07T10:00/"
    assert client.post(url, {}, REMOTE_ADDR="2001:db8:1:2::1").status_code == 400
    assert client.post(url, {}, REMOTE_ADDR="2001:db8:1:2:ffff::9").status_code == 429
    assert client.post(url, {}, REMOTE_ADDR="2001:db8:1:3::1").status_code == 400


def test_a_runner_can_still_book_while_the_cache_server_is_away(
    client, service, practitioner, cache_server_away
):
    from .test_views import DETAILS, url_for

    url = url_for(service, practitioner, days_ahead(3, 10))
    assert client.get(f"/book/{service.slug}/").status_code == 200
    assert client.get(url).status_code == 200
    assert client.post(url, DETAILS).status_code == 303
