"""Reception's diary grid: appointments in place, free times as links to a phone booking
that goes through the one booking path, reception lands on it, constant queries."""

import re
from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.diary_grid import build_grid, load_columns
from bookings.models import Appointment, AppointmentEmail, AuditEntry, TimeOff

from .factories import days_ahead, local, make_appointment, make_practitioner, make_service

pytestmark = pytest.mark.django_db

DIARY = "/admin/bookings/appointment/diary/"
DIARY_BOOK = DIARY + "book/"


def cells(response) -> list[tuple[str, str]]:
    """(time row, cell text) for every cell of the grid, as a screen reader reads a row."""
    html = response.content.decode()
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(\d\d:\d\d)</th>(.*?)</tr>", html, re.S)
    return [
        (wall, re.sub(r"<[^>]+>|\s+", " ", cell).strip())
        for wall, row in rows
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]


def test_the_day_grid_puts_each_appointment_in_place_across_its_rows(
    reception, service, practitioner
):
    start = days_ahead(2, 10)
    make_appointment(practitioner, service, start, patient_name="Gail Grid")
    response = reception.get(f"{DIARY}?date={start:%Y-%m-%d}")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<th scope="col"><a href="?practitioner=' in html
    assert re.search(r'<td rowspan="3" class="diary-booked">.*?Gail Grid', html, re.S)
    grid = dict(cells(response))
    assert "Gail Grid" in grid["10:00"] and grid["10:45"] == "Buffer"
    assert grid["11:00"].startswith("Free")
    assert "Not working" in grid["13:00"]  # lunch


def test_every_free_time_links_to_a_phone_booking_with_that_time_filled_in(
    reception, service, practitioner
):
    day = days_ahead(2).date()
    response = reception.get(f"{DIARY}?date={day}")
    link = f"{DIARY_BOOK}?practitioner={practitioner.pk}&amp;start={day}T09:15"
    assert link.encode() in response.content
    form = reception.get(link.replace("&amp;", "&"))
    assert form.status_code == 200
    assert form.context["form"].initial["time"] == time(9, 15)
    assert form.context["form"].initial["practitioner"] == practitioner


def test_a_phone_booking_from_the_grid_books_through_the_booking_path(
    reception, service, practitioner
):
    day = days_ahead(2).date()
    data = {
        "practitioner": practitioner.pk,
        "service": service.pk,
        "date": day.isoformat(),
        "time": "09:15",
        "sessions": 1,
        "every_weeks": 1,
        "name": "Phil Phone",
        "phone": "07700 900888",
        "email": "phil@example.com",
    }
    response = reception.post(DIARY_BOOK, data)
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.start == local(day.year, day.month, day.day, 9, 15)
    assert AuditEntry.objects.get().by == AuditEntry.By.STAFF
    kinds = set(AppointmentEmail.objects.values_list("kind", flat=True))
    assert kinds == {AppointmentEmail.Kind.CONFIRMATION, AppointmentEmail.Kind.CLINIC_NOTICE}
    # The same time again: a clash, shown with the nearest free times; nothing more booked.
    again = reception.post(DIARY_BOOK, {**data, "name": "Other Caller"})
    assert again.status_code == 200 and again.context["plan"][0].clash
    assert again.context["plan"][0].alternatives
    assert Appointment.objects.count() == 1


def test_time_off_is_marked_in_the_grid(reception, service, practitioner):
    start = days_ahead(3, 9)
    TimeOff.objects.create(practitioner=practitioner, start=start, end=days_ahead(3, 10))
    grid = dict(cells(reception.get(f"{DIARY}?date={start:%Y-%m-%d}")))
    assert grid["09:00"] == "Time off" and grid["10:00"].startswith("Free")


def test_the_week_grid_shows_one_practitioners_days_as_columns(reception, service, practitioner):
    start = days_ahead(7, 14)
    make_appointment(practitioner, service, start, patient_name="Wes Week")
    response = reception.get(
        f"{DIARY}?span=week&practitioner={practitioner.pk}&date={start:%Y-%m-%d}"
    )
    assert len(response.context["columns"]) == 7
    assert b"Wes Week" in response.content


def test_a_reception_user_lands_on_the_diary(reception):
    response = reception.get("/admin/")
    assert response.status_code == 302 and response["Location"] == DIARY
    assert reception.get("/admin/?menu=1").status_code == 200


def test_a_physiotherapist_sees_the_grid_but_no_booking_links(client, service, practitioner):
    from django.contrib.auth.models import Group, User

    physio = User.objects.create(username="physio", is_staff=True)
    physio.groups.add(Group.objects.get(name="Physiotherapist"))
    client.force_login(physio)
    response = client.get(f"{DIARY}?date={days_ahead(2):%Y-%m-%d}")
    assert response.status_code == 200 and b"Free" in response.content
    assert DIARY_BOOK.encode() not in response.content
    assert client.get(DIARY_BOOK).status_code == 403


def test_the_grid_keeps_wall_times_on_the_day_the_clocks_go_back(db):
    service = make_service()
    practitioner = make_practitioner(service)
    day = local(2026, 10, 25).date()
    make_appointment(practitioner, service, local(2026, 10, 25, 10))
    from bookings.models import Appointment as A

    rows = build_grid(load_columns([practitioner], [day], A.objects.all()), timedelta(minutes=15))
    assert rows[0].wall == time(9) and rows[4].cells[0].appointments


def queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_day_grid_costs_the_same_with_one_practitioner_or_six_and_fifty_appointments(
    reception, service, practitioner
):
    day = days_ahead(2)
    url = f"{DIARY}?date={day:%Y-%m-%d}"
    make_appointment(practitioner, service, day)
    one = queries(reception, url)
    people = [make_practitioner(service) for _ in range(5)]
    for number in range(49):
        person = people[number % 5]
        make_appointment(person, service, days_ahead(2, 9) + timedelta(hours=number // 5))
    assert queries(reception, url) == one


def test_the_week_grid_costs_the_same_with_one_appointment_or_fifty(
    reception, service, practitioner
):
    url = f"{DIARY}?span=week&practitioner={practitioner.pk}&date={days_ahead(7):%Y-%m-%d}"
    make_appointment(practitioner, service, days_ahead(7, 9))
    one = queries(reception, url)
    monday = days_ahead(7) - timedelta(days=days_ahead(7).weekday())
    for number in range(49):
        start = monday.replace(hour=9) + timedelta(days=number // 7, minutes=60 * (number % 7))
        if not Appointment.objects.filter(start=start).exists():
            make_appointment(practitioner, service, start)
    assert queries(reception, url) == one
