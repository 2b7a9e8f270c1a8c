"""The waiting list: joining, leaving, which freed times go to whom and in what order, and
the first-come rule when several people are offered one time."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from bookings import audit, waitlist
from bookings.booking import cancel_appointment, reschedule_appointment
from bookings.models import Appointment, TimeOff, WaitlistEntry, WaitlistOffer
from bookings.retention import purge_waitlist

from .factories import days_ahead, make_appointment, make_practitioner

pytestmark = pytest.mark.django_db

EVERY_DAY, ALL_DAY = "0123456", "mae"


def join(service, practitioner=None, name="Wendy Wait", **fields) -> WaitlistEntry:
    details = {
        "name": name,
        "email": f"{name.split()[0].lower()}@example.com",
        "phone": "07700 900555",
        "days": EVERY_DAY,
        "parts_of_day": ALL_DAY,
        "until": timezone.localdate() + timedelta(days=30),
    }
    return waitlist.join(service, practitioner, **{**details, **fields})


def join_form(**fields) -> dict:
    until = timezone.localdate() + timedelta(days=20)
    return {
        "name": "Wendy Wait",
        "email": "wendy@example.com",
        "phone": "07700 900555",
        "practitioner": "any",
        "days": ["1", "3"],
        "parts_of_day": ["m"],
        "until": until.isoformat(),
        "consent": "on",
        **fields,
    }


def offered(mailoutbox) -> dict[str, str]:
    """Who was offered a time: their address and the email's text."""
    return {m.to[0]: m.body for m in mailoutbox if m.subject.startswith("A time has come free")}


def cancel(appointment, django_capture_on_commit_callbacks=None):
    """Cancel it; the offers' task is enqueued in the cancellation's own transaction, so
    no commit callback is needed for them."""
    cancel_appointment(appointment, by=audit.SYSTEM)


# --- Joining and leaving ---------------------------------------------------------------------


def test_joining_emails_a_private_link_that_leaves_the_list(
    client, service, practitioner, run_tasks, mailoutbox
):
    response = client.post(f"/book/{service.slug}/waitlist/", join_form())
    entry = WaitlistEntry.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/waitlist/{entry.token}/"
    assert (entry.days, entry.parts_of_day, entry.practitioner) == ("13", "m", None)
    run_tasks()
    [welcome] = mailoutbox
    assert welcome.to == ["wendy@example.com"]
    assert f"/waitlist/{entry.token}/" in welcome.body
    page = client.get(f"/waitlist/{entry.token}/")
    assert b"Tuesday, Thursday" in page.content and page["Cache-Control"].count("no-store")
    left = client.post(f"/waitlist/{entry.token}/", {"action": "leave"})
    assert left.status_code == 200 and b"You have left" in left.content
    assert not WaitlistEntry.objects.exists()
    assert client.get(f"/waitlist/{entry.token}/").status_code == 404


def test_a_bad_join_form_is_refused_with_the_reasons_and_nothing_saved(client, service):
    response = client.post(
        f"/book/{service.slug}/waitlist/",
        join_form(days=[], until=(date.today() - timedelta(days=2)).isoformat(), consent=""),
    )
    assert response.status_code == 400
    assert b"Please tick at least one day." in response.content
    assert b"That date has passed" in response.content
    assert not WaitlistEntry.objects.exists()


def test_the_honeypot_turns_a_bot_away(client, service):
    response = client.post(f"/book/{service.slug}/waitlist/", join_form(website="spam"))
    assert response.status_code == 400
    assert not WaitlistEntry.objects.exists()


def test_the_join_form_is_rate_limited_per_client(client, service, settings):
    settings.BOOKING_RATE_LIMIT = "2/h"
    for _ in range(2):
        client.post(f"/book/{service.slug}/waitlist/", join_form())
    assert client.post(f"/book/{service.slug}/waitlist/", join_form()).status_code == 429
    assert WaitlistEntry.objects.count() == 2


def test_the_week_page_links_to_the_waiting_list(client, service, practitioner):
    assert (
        f"/book/{service.slug}/waitlist/".encode() in client.get(f"/book/{service.slug}/").content
    )


# --- Matching and ordering -------------------------------------------------------------------


def test_a_cancelled_time_goes_to_the_first_three_who_want_it_in_join_order(
    service, practitioner, run_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    for name in ["Amy First", "Bob Second", "Cat Third", "Dan Fourth"]:
        join(service, name=name)
    cancel(appointment, django_capture_on_commit_callbacks)
    run_tasks()
    emails = offered(mailoutbox)
    assert set(emails) == {"amy@example.com", "bob@example.com", "cat@example.com"}
    wall = f"{timezone.localtime(appointment.start):%Y-%m-%dT%H:%M}"
    assert f"/{practitioner.slug}/{wall}/" in emails["amy@example.com"]


def test_only_the_days_parts_of_day_practitioner_and_dates_asked_for_match(
    service, practitioner, run_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    start = days_ahead(3, 10)  # a morning
    other = make_practitioner(service, name="Other Person", slug="other")
    weekday = str(timezone.localtime(start).weekday())
    join(service, name="Wrong Day", days="".join(d for d in EVERY_DAY if d != weekday))
    join(service, name="Afternoon Only", parts_of_day="ae")
    join(service, other, name="Other Practitioner")
    join(service, name="Too Late", until=timezone.localdate() + timedelta(days=2))
    join(service, practitioner, name="Right Person")
    cancel(make_appointment(practitioner, service, start), django_capture_on_commit_callbacks)
    run_tasks()
    assert set(offered(mailoutbox)) == {"right@example.com"}


def test_nobody_is_offered_the_same_time_twice(
    service, practitioner, run_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    join(service)
    cancel(appointment, django_capture_on_commit_callbacks)
    waitlist.offer_freed_time(practitioner.pk, appointment.start, appointment.blocked_until)
    run_tasks()
    assert len(offered(mailoutbox)) == 1
    assert WaitlistOffer.objects.count() == 1


def test_a_move_offers_the_time_it_left(
    service, practitioner, run_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    join(service)
    with django_capture_on_commit_callbacks(execute=True):
        reschedule_appointment(appointment, days_ahead(4, 15), by=audit.SYSTEM)
    run_tasks()
    [body] = offered(mailoutbox).values()
    assert f"{days_ahead(3, 10):%Y-%m-%d}T10:00" in body


def test_a_cancellation_that_rolls_back_offers_nothing(
    service, practitioner, run_tasks, mailoutbox
):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    join(service)
    run_tasks()  # the welcome email
    with pytest.raises(RuntimeError), transaction.atomic():
        cancel_appointment(appointment, by=audit.SYSTEM)
        raise RuntimeError("the request failed after the cancellation")
    run_tasks()
    assert offered(mailoutbox) == {}
    assert not WaitlistOffer.objects.exists()


def test_removing_time_off_offers_the_times_it_held(
    service, practitioner, run_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    off = TimeOff.objects.create(
        practitioner=practitioner, start=days_ahead(4, 9), end=days_ahead(4, 13)
    )
    join(service)
    with django_capture_on_commit_callbacks(execute=True):
        off.delete()
    run_tasks()
    [body] = offered(mailoutbox).values()
    assert f"{days_ahead(4, 9):%Y-%m-%d}T09:00" in body


def test_an_offer_email_carries_no_reason_and_a_link_to_leave(
    service, practitioner, run_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10), reason="Sore knee")
    entry = join(service)
    cancel(appointment, django_capture_on_commit_callbacks)
    run_tasks()
    [body] = offered(mailoutbox).values()
    assert "Sore knee" not in body and "Ann Runner" not in body
    assert f"/waitlist/{entry.token}/" in body


# --- Booking an offered time: first come, first served ----------------------------------------


def test_the_first_to_book_an_offered_time_gets_it_and_the_next_sees_the_nearest_times(
    client, service, practitioner, run_tasks, django_capture_on_commit_callbacks
):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    amy, bob = join(service, name="Amy First"), join(service, name="Bob Second")
    cancel(appointment, django_capture_on_commit_callbacks)
    run_tasks()
    wall = f"{timezone.localtime(appointment.start):%Y-%m-%dT%H:%M}"
    bob_link = f"/waitlist/{bob.token}/{practitioner.slug}/{wall}/"
    amy_link = f"/waitlist/{amy.token}/{practitioner.slug}/{wall}/"
    assert client.get(bob_link).status_code == 200
    booked = client.post(bob_link, {"consent": "on"})
    mine = Appointment.objects.active().get()
    assert booked.status_code == 303 and booked["Location"] == mine.private_url()
    assert (mine.patient.name, mine.start) == ("Bob Second", appointment.start)
    bob.refresh_from_db()
    assert bob.booked_at and bob.appointment == mine

    late = client.post(amy_link, {"consent": "on"})
    assert late.status_code == 409
    assert b"someone has booked that time" in late.content
    assert b"The nearest free times" in late.content
    assert Appointment.objects.active().count() == 1
    assert client.get(amy_link).status_code == 409


def test_booking_an_offered_time_needs_the_consent_box(
    client, service, practitioner, django_capture_on_commit_callbacks
):
    entry = join(service)
    wall = f"{days_ahead(3, 10):%Y-%m-%dT%H:%M}"
    response = client.post(f"/waitlist/{entry.token}/{practitioner.slug}/{wall}/", {})
    assert response.status_code == 400
    assert not Appointment.objects.exists()


def test_an_offer_link_with_a_nonsense_time_is_a_clear_400(client, service, practitioner):
    entry = join(service)
    response = client.get(f"/waitlist/{entry.token}/{practitioner.slug}/not-a-time/")
    assert response.status_code == 400


# --- Retention -----------------------------------------------------------------------------


def test_the_purge_deletes_entries_that_ended_and_keeps_those_still_waiting(service):
    waiting = join(service, name="Still Waiting")
    join(service, name="Past Date", until=timezone.localdate() - timedelta(days=1))
    booked = join(service, name="Booked Already")
    WaitlistEntry.objects.filter(pk=booked.pk).update(booked_at=timezone.now())
    assert purge_waitlist() == 2
    assert list(WaitlistEntry.objects.all()) == [waiting]


# --- Reception ---------------------------------------------------------------------------------


def test_reception_sees_the_list_in_join_order_and_cannot_save_nonsense_days(reception, service):
    join(service, name="Amy First")
    second = join(service, name="Bob Second")
    listing = reception.get("/admin/bookings/waitlistentry/").content.decode()
    assert listing.index("Amy First") < listing.index("Bob Second")
    page = f"/admin/bookings/waitlistentry/{second.pk}/change/"
    form = reception.get(page).context["adminform"].form
    data = {**form.initial, "service": service.pk, "practitioner": "", "days": "79"}
    data["until"] = second.until.isoformat()
    response = reception.post(page, {**data, "offers-TOTAL_FORMS": 0, "offers-INITIAL_FORMS": 0})
    assert response.status_code == 200 and b"Weekday numbers, Monday 0" in response.content
    second.refresh_from_db()
    assert second.days == EVERY_DAY
