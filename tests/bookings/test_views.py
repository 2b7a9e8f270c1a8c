import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from bookings.models import Appointment
from bookings.rota import current_rota

from .factories import days_ahead, make_appointment, make_practitioner, make_rules, make_service

pytestmark = pytest.mark.django_db

DETAILS = {
    "name": "Ann Runner",
    "email": "ann@example.com",
    "phone": "07700 900123",
    "reason": "Sore knee after long runs",
    "consent": "on",
}


def url_for(service, practitioner, start) -> str:
    return f"/book/{service.slug}/{practitioner.slug}/{timezone.localtime(start):%Y-%m-%dT%H:%M}/"


def test_booking_page_lists_active_services(client, service):
    response = client.get("/book/")
    assert response.status_code == 200
    assert f'href="/book/{service.slug}/"'.encode() in response.content


def test_week_page_links_each_free_time_with_an_accessible_name(client, service, practitioner):
    start = days_ahead(7, 10)
    response = client.get(f"/book/{service.slug}/?practitioner=sam-patel&day={start:%Y-%m-%d}")
    assert response.status_code == 200
    link = re.search(
        rf'<a [^>]*href="{url_for(service, practitioner, start)}">(.*?)</a>',
        response.content.decode(),
    )[1]
    accessible_name = re.sub(r"<[^>]+>", "", link)
    assert accessible_name == f"{start:%A} {start.day} {start:%B}, 10:00"


def test_week_page_is_not_indexed(client, service, practitioner):
    response = client.get(f"/book/{service.slug}/")
    assert b'<meta name="robots" content="noindex">' in response.content


def test_week_page_for_one_practitioner_shows_only_their_times(client, service, practitioner):
    response = client.get(f"/book/{service.slug}/?practitioner={practitioner.slug}")
    assert response.status_code == 200
    assert response.context["practitioner"] == practitioner


def test_week_page_links_to_the_next_week(client, service, practitioner):
    response = client.get(f"/book/{service.slug}/")
    next_monday = response.context["timetable"].monday + timedelta(days=7)
    assert f"week={next_monday:%Y-%m-%d}".encode() in response.content


def test_week_page_with_a_malformed_week_is_a_400(client, service, practitioner):
    response = client.get(f"/book/{service.slug}/?week=next-tuesday")
    assert response.status_code == 400
    assert b"not a date we understand" in response.content


def test_unknown_service_or_practitioner_is_a_404(client, service, practitioner):
    assert client.get("/book/no-such-service/").status_code == 404
    assert client.get(f"/book/{service.slug}/?practitioner=nobody").status_code == 404
    start = days_ahead(3, 10)
    assert client.get(url_for(service, type(practitioner)(slug="nobody"), start)).status_code == 404


def test_details_page_shows_the_form_with_consent_unticked_and_the_policy(
    client, service, practitioner
):
    response = client.get(url_for(service, practitioner, days_ahead(3, 10)))
    assert response.status_code == 200
    content = response.content.decode()
    assert re.search(r'<input type="checkbox" name="consent"[^>]*>', content)
    assert "checked" not in re.search(r'<input type="checkbox" name="consent"[^>]*>', content)[0]
    assert "Cancellation policy" in content
    assert 'name="csrfmiddlewaretoken"' in content
    assert content.count("<h1") == 1


def test_booking_redirects_to_the_private_appointment_page(client, service, practitioner):
    start = days_ahead(3, 10)
    response = client.post(url_for(service, practitioner, start), DETAILS)
    appointment = Appointment.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/appointments/{appointment.token}/"
    assert appointment.start == start
    assert appointment.reason == "Sore knee after long runs"


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("not-a-time", b"not hold a time we understand"),
        ("2026-02-30T10:00", b"not hold a time we understand"),
        ("2026-03-29T01:30", b"does not exist"),
        ("2020-01-06T10:00", b"already passed"),
    ],
)
def test_a_bad_start_is_a_400_with_the_nearest_free_times(
    client, service, practitioner, start, message
):
    response = client.get(f"/book/{service.slug}/{practitioner.slug}/{start}/")
    assert response.status_code == 400
    assert message in response.content
    assert response.context["nearby"]


def test_a_start_inside_the_notice_is_a_400(client, service, practitioner):
    make_rules(minimum_notice_hours=48)
    response = client.get(url_for(service, practitioner, days_ahead(1, 10)))
    assert response.status_code == 400
    assert b"too soon" in response.content


def test_a_start_beyond_the_booking_window_is_a_400(client, service, practitioner):
    make_rules(booking_window_days=7)
    response = client.get(url_for(service, practitioner, days_ahead(30, 10)))
    assert response.status_code == 400
    assert b"too far ahead" in response.content


def test_a_start_that_is_not_a_free_slot_is_a_409_with_the_nearest_free_times(
    client, service, practitioner
):
    response = client.get(url_for(service, practitioner, days_ahead(3, 12, 45)))
    assert response.status_code == 409
    assert response.context["nearby"]


@pytest.mark.parametrize(
    "start",
    [
        "9999-12-31T23:00",
        "0001-01-01T00:00",
        "2026-12-07",
        "2026-12-07T10:00+05:00",
        "2026-12-07T10:00:30",
        "%00",
        "x" * 500,
    ],
)
def test_odd_starts_are_refused_politely_never_a_500(client, service, practitioner, start):
    response = client.get(f"/book/{service.slug}/{practitioner.slug}/{start}/")
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01", "2026-13-01"])
def test_odd_weeks_are_refused_politely_never_a_500(client, service, practitioner, week):
    assert client.get(f"/book/{service.slug}/?week={week}").status_code == 400


def test_posting_to_a_bad_start_is_never_a_500(client, service, practitioner):
    response = client.post(f"/book/{service.slug}/{practitioner.slug}/garbage/", DETAILS)
    assert response.status_code == 400


def test_missing_consent_is_a_400_with_the_error_tied_to_the_checkbox(
    client, service, practitioner
):
    response = client.post(
        url_for(service, practitioner, days_ahead(3, 10)), {**DETAILS, "consent": ""}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert 'aria-describedby="id_consent_error"' in content
    assert 'id="id_consent_error"' in content
    assert 'aria-invalid="true"' in content
    assert Appointment.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", ""), ("email", "not-an-email"), ("phone", "call me"), ("reason", "x" * 201)],
)
def test_invalid_details_are_a_400_and_keep_what_was_typed(
    client, service, practitioner, field, value
):
    response = client.post(
        url_for(service, practitioner, days_ahead(3, 10)), {**DETAILS, field: value}
    )
    assert response.status_code == 400
    assert f'id="id_{field}_error"'.encode() in response.content
    assert b"Ann Runner" in response.content or field == "name"


def test_the_honeypot_stops_simple_bots(client, service, practitioner):
    response = client.post(
        url_for(service, practitioner, days_ahead(3, 10)), {**DETAILS, "website": "http://spam"}
    )
    assert response.status_code == 400
    assert Appointment.objects.count() == 0


def test_lost_race_keeps_what_the_person_typed(client, service, practitioner):
    start = days_ahead(3, 10)
    make_appointment(practitioner, service, start)  # someone else got there first
    response = client.post(url_for(service, practitioner, start), DETAILS)
    assert response.status_code == 409
    content = response.content.decode()
    assert "just taken" in content
    assert 'value="Ann Runner"' in content
    assert 'value="ann@example.com"' in content
    assert "Sore knee after long runs" in content
    assert response.context["nearby"]
    assert "formaction=" in content  # one press books a nearby time with the same details


# --- "Anyone free": the details form of a time, booked with whoever is free then ------


def any_url(service, start) -> str:
    return f"/book/{service.slug}/any/{timezone.localtime(start):%Y-%m-%dT%H:%M}/"


def test_the_form_for_anyone_free_names_who_is_free_at_that_time(client, service, practitioner):
    make_practitioner(service, name="Alex Morgan", slug="alex-morgan")
    response = client.get(any_url(service, days_ahead(3, 10)))
    assert response.status_code == 200
    assert "Alex Morgan or Sam Patel: whoever is free when you book" in response.content.decode()


def test_booking_anyone_free_books_a_practitioner_free_at_that_time(client, service, practitioner):
    alex = make_practitioner(service, name="Alex Morgan", slug="alex-morgan")
    start = days_ahead(3, 10)
    make_appointment(alex, service, start)
    response = client.post(any_url(service, start), DETAILS)
    appointment = Appointment.objects.get(patient__name="Ann Runner", practitioner=practitioner)
    assert response.status_code == 303
    assert response["Location"] == appointment.private_url()


def test_anyone_free_once_everyone_is_booked_is_a_409_with_the_nearest_times_for_anyone(
    client, service, practitioner
):
    start = days_ahead(3, 10)
    make_appointment(practitioner, service, start, patient_name="Someone Else")
    response = client.post(any_url(service, start), DETAILS)
    assert response.status_code == 409
    content = response.content.decode()
    assert "just taken" in content and 'value="Ann Runner"' in content
    assert 'formaction="/book/initial-assessment/any/' in content
    assert not Appointment.objects.filter(patient__name="Ann Runner").exists()


def test_the_form_for_anyone_free_at_a_time_nobody_has_is_a_409(client, service, practitioner):
    start = days_ahead(3, 10)
    make_appointment(practitioner, service, start)
    response = client.get(any_url(service, start))
    assert response.status_code == 409
    assert b"/book/initial-assessment/any/" in response.content


# --- The details form on a phone ---------------------------------------------------


def test_the_details_form_asks_for_the_right_keyboards_and_autofill(client, service, practitioner):
    content = client.get(url_for(service, practitioner, days_ahead(3, 10))).content.decode()
    name = re.search(r'<input [^>]*name="name"[^>]*>', content)[0]
    email = re.search(r'<input [^>]*name="email"[^>]*>', content)[0]
    phone = re.search(r'<input [^>]*name="phone"[^>]*>', content)[0]
    assert 'autocomplete="name"' in name
    assert 'type="email"' in email and 'autocomplete="email"' in email
    assert 'type="tel"' in phone and 'autocomplete="tel"' in phone


def test_the_details_form_shows_time_service_practitioner_price_and_policy_before_the_fields(
    client, service, practitioner
):
    start = days_ahead(3, 10)
    content = client.get(url_for(service, practitioner, start)).content.decode()
    summary = content[: content.index('name="name"')]
    for fact in (
        f"{start:%A} {start.day} {start:%B %Y}, 10:00",
        "Initial assessment, 45 minutes",
        "Sam Patel",
        "£60.00",
        "Cancellation policy",
        "up to 24 hours before it starts",
    ):
        assert fact in summary, fact


def test_details_with_errors_start_with_a_summary_linking_to_each_field(
    client, service, practitioner
):
    response = client.post(
        url_for(service, practitioner, days_ahead(3, 10)),
        {**DETAILS, "email": "not-an-email", "phone": ""},
    )
    content = response.content.decode()
    summary = re.search(r'<div class="alert alert-danger" role="alert".*?</div>', content, re.S)[0]
    assert re.findall(r'<a href="#(id_\w+)">([^<]+)</a>', summary) == [
        ("id_email", "Please enter an email address like name@example.com."),
        ("id_phone", "Please enter a phone number, for example 07700 900123."),
    ]
    assert "<title>Error: Your details" in content
    email = re.search(r'<input [^>]*name="email"[^>]*>', content)[0]
    assert 'aria-invalid="true"' in email and "id_email_error" in email


def test_appointment_page_shows_the_booking(client, service, practitioner):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    response = client.get(f"/appointments/{appointment.token}/")
    assert response.status_code == 200
    assert b"Cancel this appointment" in response.content
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_appointment_page_offers_the_calendar_file_and_a_map_of_the_address(
    client, service, practitioner
):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    content = client.get(f"/appointments/{appointment.token}/").content.decode()
    assert f'href="/appointments/{appointment.token}/calendar.ics" download>Add to calendar' in (
        content
    )
    assert (
        '<a href="https://www.openstreetmap.org/search?query=12+Riverside+Walk%2C+Bristol+BS1+4RW">'
        in content
    )
    assert "<iframe" not in content


def test_the_calendar_file_is_private_and_carries_neither_the_reason_nor_the_link(
    client, service, practitioner
):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10), reason="Sore knee")
    response = client.get(f"/appointments/{appointment.token}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == 'attachment; filename="appointment.ics"'
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body and "Sam Patel" in body
    assert "Sore knee" not in body and appointment.token not in body


def test_a_cancelled_appointments_calendar_file_cancels_the_event(client, service, practitioner):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10), status="cancelled")
    body = client.get(f"/appointments/{appointment.token}/calendar.ics").content.decode()
    assert "METHOD:CANCEL" in body
    assert "Add to calendar" not in client.get(appointment.private_url()).content.decode()


def test_unknown_token_is_a_404(client, db):
    assert client.get("/appointments/not-a-real-token/calendar.ics").status_code == 404
    assert client.get("/appointments/not-a-real-token/").status_code == 404


def test_cancelling_by_the_link_frees_the_time(client, service, practitioner):
    start = days_ahead(3, 10)
    appointment = make_appointment(practitioner, service, start)
    response = client.post(f"/appointments/{appointment.token}/", {"action": "cancel"})
    assert response.status_code == 303
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert client.get(url_for(service, practitioner, start)).status_code == 200


def test_inside_the_late_cancellation_window_the_page_says_to_phone(client, service, practitioner):
    appointment = make_appointment(practitioner, service, timezone.now() + timedelta(hours=5))
    response = client.get(f"/appointments/{appointment.token}/")
    assert b"please phone us" in response.content.lower()
    assert b"Cancel this appointment" not in response.content
    response = client.post(f"/appointments/{appointment.token}/", {"action": "cancel"})
    assert response.status_code == 409
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"


def test_rescheduling_by_the_link_keeps_the_token(client, service, practitioner):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    new_start = days_ahead(4, 15)
    week = client.get(f"/appointments/{appointment.token}/move/?week={new_start:%Y-%m-%d}")
    move_url = (
        f"/appointments/{appointment.token}/move/{timezone.localtime(new_start):%Y-%m-%dT%H:%M}/"
    )
    assert move_url.encode() in week.content
    assert client.get(move_url).status_code == 200
    response = client.post(move_url)
    assert response.status_code == 303
    assert response["Location"] == f"/appointments/{appointment.token}/"
    appointment.refresh_from_db()
    assert appointment.start == new_start


def test_rescheduling_to_a_bad_time_is_a_4xx(client, service, practitioner):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    assert client.get(f"/appointments/{appointment.token}/move/junk/").status_code == 400
    taken = make_appointment(practitioner, service, days_ahead(4, 10))
    url = (
        f"/appointments/{appointment.token}/move/{timezone.localtime(taken.start):%Y-%m-%dT%H:%M}/"
    )
    assert client.post(url).status_code == 409


def test_privacy_page_states_the_retention_period(client, db, settings):
    settings.BOOKING_RETENTION_DAYS = 400
    response = client.get("/privacy/")
    assert response.status_code == 200
    assert b"400 days" in response.content


def test_a_runner_books_gets_the_calendar_file_and_cancels_by_the_link(
    client, service, practitioner, run_tasks, mailoutbox
):
    start = days_ahead(5, 14)
    day_page = f"/book/{service.slug}/?practitioner=sam-patel&day={start:%Y-%m-%d}"
    details_url = url_for(service, practitioner, start)
    assert details_url.encode() in client.get(day_page).content
    booked = client.post(details_url, DETAILS)
    run_tasks()
    manage_url = booked["Location"]
    confirmation = mailoutbox[0]
    assert manage_url in confirmation.body
    assert confirmation.attachments[0][0] == "appointment.ics"
    assert details_url.encode() not in client.get(day_page).content

    client.post(manage_url, {"action": "cancel"})
    assert b"Cancelled" in client.get(manage_url).content
    assert details_url.encode() in client.get(day_page).content


@pytest.mark.parametrize("practitioner_param", ["any", "sam-patel"])
def test_the_week_page_needs_a_small_fixed_number_of_queries(
    client, service, practitioner, practitioner_param, django_assert_max_num_queries
):
    for day in range(1, 6):
        make_appointment(practitioner, service, days_ahead(day, 10))
    # A cold rota costs seven more (a fixed number too: tests/bookings/test_availability.py);
    # a server reads it once after each change to hours, time off or services.
    current_rota()
    with django_assert_max_num_queries(4):
        client.get(f"/book/{service.slug}/?practitioner={practitioner_param}")


@pytest.mark.parametrize(
    ("in_the_url", "utc_hour"),
    [
        ("2026-03-29T09:00", 8),  # spring change: BST, UTC+1
        ("2026-03-29T15:00", 14),
        ("2026-10-25T09:00", 9),  # autumn change: back to GMT
        ("2026-10-25T15:00", 15),
    ],
)
def test_a_start_in_the_url_is_clinic_local_time_on_the_clock_change_days(in_the_url, utc_hour):
    from datetime import UTC, datetime

    from bookings.templatetags.bookings_tags import local_iso
    from bookings.views import parse_start

    start = parse_start(in_the_url)
    assert start.astimezone(UTC) == datetime(
        *map(int, in_the_url[:10].split("-")), utc_hour, tzinfo=UTC
    )
    assert local_iso(start) == in_the_url


def test_pages_without_a_form_answer_only_get(client, service, practitioner):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    assert client.post("/book/").status_code == 405
    assert client.delete(f"/book/{service.slug}/").status_code == 405
    assert client.post(f"/appointments/{appointment.token}/move/").status_code == 405
    assert client.put(f"/appointments/{appointment.token}/move/").status_code == 405


@pytest.mark.parametrize(
    ("zone", "start"),
    [("Asia/Tokyo", "0001-01-01T00:00"), ("America/New_York", "9999-12-31T23:59")],
)
def test_a_start_at_the_end_of_the_calendar_is_a_400_in_any_clinic_time_zone(
    client, service, practitioner, settings, zone, start
):
    settings.TIME_ZONE = zone
    response = client.get(f"/book/{service.slug}/{practitioner.slug}/{start}/")
    assert response.status_code == 400
    assert b"too far from today" in response.content
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    assert client.get(f"/appointments/{appointment.token}/move/{start}/").status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/appointments/%00/",
        "/appointments/a%00b/move/",
        "/appointments/a%00b/move/2026-12-07T10:00/",
        "/book/initial-assessment/sam-patel/%00/",
        "/book/initial-assessment/?practitioner=%00&week=%00",
        "/book/initial-assessment/?day=%00",
        "/book/initial-assessment/any/%00/",
        "/search/?q=%00",
        "/exercises/?category=%00",
        "/plans/?level=%00",
    ],
)
def test_nul_bytes_in_the_address_are_never_a_500_on_any_database(
    client, service, practitioner, url
):
    assert client.get(url).status_code < 500


def test_a_time_that_became_too_soon_while_typing_keeps_what_the_person_typed(
    client, service, practitioner
):
    make_rules(minimum_notice_hours=48)  # the notice ran out between showing and sending
    response = client.post(url_for(service, practitioner, days_ahead(1, 10)), DETAILS)
    assert response.status_code == 400
    content = response.content.decode()
    assert "too soon" in content
    assert 'value="Ann Runner"' in content and "Sore knee after long runs" in content
    assert "formaction=" in content
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [("2026-03-29", 14), ("2026-10-25", 15)],  # 15:00 in London: BST, then GMT
)
def test_booking_on_a_clock_change_day_stores_utc_and_shows_the_local_time(
    client, service, practitioner, monkeypatch, day, utc_hour
):
    from datetime import UTC, date, datetime

    booked_on = datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: booked_on - timedelta(days=3))
    response = client.post(f"/book/{service.slug}/{practitioner.slug}/{day}T15:00/", DETAILS)
    assert response.status_code == 303
    appointment = Appointment.objects.get()
    assert appointment.start == booked_on.replace(hour=utc_hour)
    assert b"15:00" in client.get(response["Location"]).content


# --- Follow-ups: the page never tells whether an email belongs to a patient ---------

HAD_ASSESSMENT_BOX = r'<input type="checkbox" name="had_assessment"[^>]*>'


@pytest.fixture
def follow_up(practitioner):
    follow_up = make_service(
        slug="follow-up", name="Follow-up", needs_previous_assessment=True, duration_minutes=30
    )
    practitioner.services.add(follow_up)
    return follow_up


def test_a_follow_up_asks_the_patient_to_confirm_an_earlier_assessment_unticked(
    client, practitioner, follow_up
):
    response = client.get(url_for(follow_up, practitioner, days_ahead(3, 10)))
    content = response.content.decode()
    box = re.search(HAD_ASSESSMENT_BOX, content)[0]
    assert "checked" not in box and "required" in box
    assert 'aria-describedby="id_had_assessment_helptext"' in box
    assert "I have had an assessment at the clinic before" in content
    assert "If not, please book an initial assessment first." in content


def test_an_initial_assessment_does_not_ask_about_an_earlier_assessment(
    client, service, practitioner
):
    response = client.get(url_for(service, practitioner, days_ahead(3, 10)))
    assert not re.search(HAD_ASSESSMENT_BOX, response.content.decode())


def test_a_follow_up_without_the_assessment_box_is_a_400_that_keeps_what_was_typed(
    client, practitioner, follow_up
):
    response = client.post(url_for(follow_up, practitioner, days_ahead(3, 10)), DETAILS)
    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="id_had_assessment_error"' in content
    assert "If not, please book an initial assessment first." in content
    assert 'value="Ann Runner"' in content and 'value="ann@example.com"' in content
    assert 'value="07700 900123"' in content and "Sore knee after long runs" in content
    assert not Appointment.objects.exists()


def test_a_follow_up_with_the_assessment_box_is_booked_alike_for_known_and_unknown_emails(
    client, service, practitioner, follow_up
):
    make_appointment(practitioner, service, days_ahead(-30, 10), patient_email="ann@example.com")
    ticked = {**DETAILS, "had_assessment": "on"}
    known = client.post(url_for(follow_up, practitioner, days_ahead(5, 10)), ticked)
    unknown = client.post(
        url_for(follow_up, practitioner, days_ahead(5, 11)),
        {**ticked, "email": "nobody-we-know@example.com"},
    )
    booked = {a.patient.email: a for a in Appointment.objects.filter(service=follow_up)}
    assert known.status_code == unknown.status_code == 303
    assert known["Location"] == booked["ann@example.com"].private_url()
    assert unknown["Location"] == booked["nobody-we-know@example.com"].private_url()
    assert sorted(known.headers) == sorted(unknown.headers)
    assert known.content == unknown.content


def test_booking_never_waits_on_the_mail_server(
    client, service, practitioner, mail_server_down, run_tasks, mailoutbox
):
    """The request only queues the emails: a mail server that hangs or is down cannot
    slow or fail a booking. The worker sends them afterwards."""
    response = client.post(url_for(service, practitioner, days_ahead(3, 10)), DETAILS)
    appointment = Appointment.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/appointments/{appointment.token}/"
    assert appointment.emails.count() == 2
    assert all(email.attempts == 0 for email in appointment.emails.all())


def test_the_details_form_may_be_crawled_and_points_search_engines_at_the_services(
    client, service, practitioner
):
    content = client.get(url_for(service, practitioner, days_ahead(3, 10))).content.decode()
    assert 'name="robots"' not in content
    assert '<link rel="canonical" href="http://testserver/book/">' in content
    assert "Disallow: /book/" not in client.get("/robots.txt").content.decode()


@pytest.fixture
def browser(db):
    """A client that, like a browser, has a CSRF cookie from the form it opened."""
    from django.test import Client

    return Client(enforce_csrf_checks=True)


def open_form(visitor, url) -> dict:
    """GET the form, as a browser would: the details to send, with its CSRF token."""
    form = visitor.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    return {**DETAILS, "csrfmiddlewaretoken": token}


def test_a_double_click_on_book_books_once_and_both_land_on_the_appointment(
    browser, service, practitioner, run_tasks
):
    url = url_for(service, practitioner, days_ahead(3, 10))
    form = open_form(browser, url)
    first = browser.post(url, form)
    again = browser.post(url, form)  # the same form sent again
    assert first.status_code == again.status_code == 303
    assert first["Location"] == again["Location"]
    assert Appointment.objects.count() == 1
    run_tasks()
    assert len(mail.outbox) == 2  # one confirmation, one clinic notice


def test_another_visitor_sending_the_same_details_is_told_the_time_was_taken(
    browser, service, practitioner
):
    from django.test import Client

    url = url_for(service, practitioner, days_ahead(3, 10))
    other = Client(enforce_csrf_checks=True)
    theirs = open_form(other, url)
    assert browser.post(url, open_form(browser, url)).status_code == 303
    assert other.post(url, theirs).status_code == 409
    assert Appointment.objects.count() == 1


def test_bookings_per_email_address_are_limited(client, service, practitioner, settings):
    settings.BOOKING_EMAIL_RATE_LIMIT = "2/d"
    for hour in (10, 11):
        response = client.post(url_for(service, practitioner, days_ahead(3, hour)), DETAILS)
        assert response.status_code == 303
    refused = client.post(url_for(service, practitioner, days_ahead(3, 12)), DETAILS)
    assert refused.status_code == 429
    assert "please phone us" in refused.content.decode()
    assert 'value="Ann Runner"' in refused.content.decode()  # what they typed is kept
    assert Appointment.objects.count() == 2


def test_a_move_sent_twice_moves_once_and_emails_once(client, service, practitioner, run_tasks):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    new_start = days_ahead(4, 15)
    move_url = (
        f"/appointments/{appointment.token}/move/{timezone.localtime(new_start):%Y-%m-%dT%H:%M}/"
    )
    assert client.post(move_url).status_code == 303
    assert client.post(move_url).status_code == 303
    run_tasks()
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Moved", "Moved"]  # patient, clinic
    assert appointment.audit.filter(kind="moved").count() == 1


def test_after_cancelling_the_same_form_books_the_time_again(browser, service, practitioner):
    url = url_for(service, practitioner, days_ahead(3, 10))
    form = open_form(browser, url)
    first = browser.post(url, form)
    from bookings import audit
    from bookings.booking import cancel_appointment

    cancel_appointment(Appointment.objects.get(), by=audit.PATIENT)
    again = browser.post(url, form)
    assert again.status_code == 303
    assert again["Location"] != first["Location"]
    assert Appointment.objects.filter(status="confirmed").count() == 1


def test_one_browser_booking_for_someone_else_is_not_sent_to_the_first_booking(
    browser, service, practitioner
):
    url = url_for(service, practitioner, days_ahead(3, 10))
    form = open_form(browser, url)
    assert browser.post(url, form).status_code == 303
    sibling = browser.post(url, {**form, "name": "Bo Runner"})  # same email, same time
    assert sibling.status_code == 409  # taken: never the first person's private page
