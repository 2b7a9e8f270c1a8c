"""Courses: several sessions booked in one step, every one checked under the same lock,
clashes shown first with the nearest free times, one email with every date."""

from datetime import date, time, timedelta

import pytest
import vobject
from django.utils import timezone

from bookings import audit
from bookings.booking import cancel_appointment
from bookings.courses import CourseClash, book_course, course_starts, plan_course
from bookings.models import Appointment, AppointmentEmail, Course, Patient, TimeOff
from bookings.patients import PatientDetails

from .factories import local, make_appointment, make_practitioner, make_service

pytestmark = pytest.mark.django_db

DIARY_BOOK = "/admin/bookings/appointment/diary/book/"
CAROL = PatientDetails("Carol Course", "carol@example.com", "07700 900777")


def next_monday() -> date:
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


def six_mondays(at: time = time(10)):
    return course_starts(next_monday(), at, 6)


def test_six_weekly_sessions_are_booked_at_once_with_one_email_holding_every_date(
    service, practitioner, run_tasks, mailoutbox
):
    starts = [start for _, start in six_mondays()]
    booked = book_course(service, practitioner, starts, CAROL, audit.SYSTEM)
    assert [a.start for a in booked] == starts
    assert Course.objects.get().appointments.count() == 6
    run_tasks()
    [to_patient] = [m for m in mailoutbox if m.to == ["carol@example.com"]]
    for start in starts:
        assert f"{timezone.localtime(start):%A %-d %B %Y}" in to_patient.body
    for appointment in booked:
        assert appointment.private_url() in to_patient.body
    [(name, ics, mimetype)] = to_patient.attachments
    events = vobject.readOne(ics).vevent_list  # text/calendar: a str
    assert len(events) == 6
    assert sorted(e.dtstart.value for e in events) == starts
    assert len([m for m in mailoutbox if m.to != ["carol@example.com"]]) == 1  # the clinic


def test_a_clash_is_shown_before_booking_with_the_nearest_free_times(service, practitioner):
    wanted = six_mondays()
    third = wanted[2][1]
    make_appointment(practitioner, service, third)
    plan = plan_course(service, practitioner, wanted)
    assert [bool(s.clash) for s in plan] == [False, False, True, False, False, False]
    alternatives = plan[2].alternatives
    assert alternatives and third not in [slot.start for slot in alternatives]
    assert all(abs(slot.start - third) <= timedelta(days=7) for slot in alternatives)
    assert min(abs(slot.start - third) for slot in alternatives) <= timedelta(hours=2)


def test_time_off_and_a_closed_hour_are_clashes_too(service, practitioner):
    wanted = course_starts(next_monday(), time(13, 30), 2)  # lunch: not working
    plan = plan_course(service, practitioner, wanted)
    assert all(session.clash for session in plan)
    first = six_mondays()[0][1]
    TimeOff.objects.create(practitioner=practitioner, start=first, end=first + timedelta(hours=1))
    assert plan_course(service, practitioner, six_mondays())[0].clash


def test_a_course_with_a_session_taken_since_the_plan_books_nothing(service, practitioner):
    starts = [start for _, start in six_mondays()]
    make_appointment(practitioner, service, starts[4], patient_name="Someone Faster")
    with pytest.raises(CourseClash) as refused:
        book_course(service, practitioner, starts, CAROL, audit.SYSTEM)
    assert [bool(s.clash) for s in refused.value.sessions][4]
    assert Appointment.objects.count() == 1
    assert not Patient.objects.filter(name="Carol Course").exists()
    assert not AppointmentEmail.objects.exists()


def test_two_sessions_of_one_course_cannot_overlap(service, practitioner):
    start = six_mondays()[0][1]
    with pytest.raises(CourseClash):
        book_course(
            service, practitioner, [start, start + timedelta(minutes=30)], CAROL, audit.SYSTEM
        )


def test_cancelling_one_session_leaves_the_others(service, practitioner):
    booked = book_course(service, practitioner, [s for _, s in six_mondays()], CAROL, audit.SYSTEM)
    cancel_appointment(booked[1], by=audit.PATIENT)
    statuses = [a.status for a in Appointment.objects.order_by("start")]
    assert statuses.count(Appointment.Status.CANCELLED) == 1
    assert statuses[1] == Appointment.Status.CANCELLED


def test_a_weekly_course_keeps_its_local_time_across_the_clock_change(db):
    service = make_service()
    practitioner = make_practitioner(service)
    # The clocks go back on Sunday 25 October 2026.
    wanted = course_starts(date(2026, 10, 19), time(10), 3)
    assert [start for _, start in wanted] == [
        local(2026, 10, 19, 10),
        local(2026, 10, 26, 10),
        local(2026, 11, 2, 10),
    ]
    assert wanted[1][1] - wanted[0][1] == timedelta(days=7, hours=1)  # in UTC
    # And a time the clocks skip (spring) is a clash, not a wrong time.
    skipped = course_starts(date(2027, 3, 21), time(1, 30), 2)
    assert skipped[1][1] is None
    assert plan_course(service, practitioner, skipped)[1].clash


# --- From the diary, as reception does it ------------------------------------------------------


def form(practitioner, service, day: date, sessions: int, **fields) -> dict:
    return {
        "practitioner": practitioner.pk,
        "service": service.pk,
        "date": day.isoformat(),
        "time": "10:00",
        "sessions": sessions,
        "every_weeks": 1,
        "name": "Carol Course",
        "email": "carol@example.com",
        "phone": "07700 900777",
        **fields,
    }


def test_reception_books_a_course_after_seeing_and_resolving_its_clash(
    reception, service, practitioner
):
    wanted = six_mondays()
    make_appointment(practitioner, service, wanted[3][1])
    data = form(practitioner, service, next_monday(), 6)
    plan = reception.post(DIARY_BOOK, data)
    assert plan.status_code == 200
    sessions = plan.context["plan"]
    assert [bool(s.clash) for s in sessions] == [False, False, False, True, False, False]
    assert Appointment.objects.count() == 1  # nothing booked yet
    alternative = sessions[3].alternatives[0].start
    choices = {f"session-{s.number}": s.start.isoformat() for s in sessions if not s.clash}
    choices["session-4"] = alternative.isoformat()
    done = reception.post(DIARY_BOOK, {**data, **choices, "confirm": "1"})
    assert done.status_code == 302
    course = Course.objects.get()
    starts = sorted(a.start for a in course.appointments.all())
    assert starts == sorted([s for _, s in wanted if s != wanted[3][1]] + [alternative])
    assert {a.patient.name for a in course.appointments.all()} == {"Carol Course"}


def test_a_session_left_out_is_not_booked(reception, service, practitioner):
    wanted = six_mondays()[:3]
    data = form(practitioner, service, next_monday(), 3)
    choices = {"session-1": wanted[0][1].isoformat(), "session-2": "skip"}
    choices["session-3"] = wanted[2][1].isoformat()
    assert reception.post(DIARY_BOOK, {**data, **choices, "confirm": "1"}).status_code == 302
    assert Appointment.objects.count() == 2


def test_confirming_a_time_taken_meanwhile_shows_the_plan_again_and_books_nothing(
    reception, service, practitioner
):
    wanted = six_mondays()[:2]
    data = form(practitioner, service, next_monday(), 2)
    make_appointment(practitioner, service, wanted[1][1], patient_name="Someone Faster")
    choices = {f"session-{n}": start.isoformat() for n, (_, start) in enumerate(wanted, 1)}
    response = reception.post(DIARY_BOOK, {**data, **choices, "confirm": "1"})
    assert response.status_code == 409
    assert response.context["plan"][1].clash
    assert Appointment.objects.count() == 1


def test_a_course_form_with_nonsense_is_a_400_not_a_500(reception, service, practitioner):
    data = form(practitioner, service, next_monday(), 99, time="25:99")
    assert reception.post(DIARY_BOOK, data).status_code == 400
    forged = {**form(practitioner, service, next_monday(), 1), "confirm": "1"}
    response = reception.post(DIARY_BOOK, {**forged, "session-1": "yesterday"})
    assert response.status_code == 409 and not Appointment.objects.exists()
