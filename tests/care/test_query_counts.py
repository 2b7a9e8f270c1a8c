"""The care pages cost the same number of queries with 1 item as with 50."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from care.models import IntakeQuestion, ProgrammeExercise
from tests.bookings.factories import days_ahead, make_appointment, make_patient
from tests.programs.factories import make_exercise

from .factories import log_session, make_programme, make_question

pytestmark = pytest.mark.django_db


def queries_for(client, url: str) -> int:
    client.get(url)  # warm the cached clinic details first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def grow(programme, count: int) -> None:
    """``count`` more exercises (each week, and week-specific) and logged sessions."""
    for number in range(count):
        ProgrammeExercise.objects.create(
            programme=programme, exercise=make_exercise(), order=number + 2, reps="8"
        )
        ProgrammeExercise.objects.create(
            programme=programme, week=3 + number % 3, exercise=make_exercise(), reps="5"
        )
        log_session(programme, programme.start_date + timedelta(days=number % 8))


@pytest.mark.parametrize("suffix", ["", "print/", "calendar.ics"])
def test_the_programme_pages_cost_the_same_with_1_or_50_exercises_and_logs(
    client, programme, suffix
):
    log_session(programme, programme.start_date)
    url = f"/programmes/{programme.token}/{suffix}"
    one = queries_for(client, url)
    grow(programme, 49)
    assert queries_for(client, url) == one
    assert one <= 6


def test_the_intake_page_costs_the_same_with_1_or_50_questions(client, seen, service):
    IntakeQuestion.objects.all().delete()
    make_question()
    coming = make_appointment(seen.practitioner, service, days_ahead(3), patient=seen.patient)
    url = f"/appointments/{coming.token}/intake/"
    one = queries_for(client, url)
    for number in range(49):
        make_question(text=f"Question {number}", kind="yes_no" if number % 2 else "long")
    assert queries_for(client, url) == one


def test_the_appointment_page_with_the_intake_hook_costs_the_same(client, seen, service):
    coming = make_appointment(seen.practitioner, service, days_ahead(3), patient=seen.patient)
    url = f"/appointments/{coming.token}/"
    one = queries_for(client, url)
    for number in range(49):
        make_question(text=f"Question {number}")
    assert queries_for(client, url) == one


def test_the_admin_programme_list_costs_the_same_with_1_or_50_programmes(
    client, programme, practitioner
):
    client.force_login(practitioner.user)
    log_session(programme, timezone.localdate())
    one = queries_for(client, "/admin/care/programme/")
    for _ in range(49):
        other = make_programme(make_patient(email=f"{_}@example.com"), practitioner)
        log_session(other, timezone.localdate())
    assert queries_for(client, "/admin/care/programme/") == one


def test_the_admin_programme_page_costs_the_same_with_1_or_50_logs(client, programme, practitioner):
    client.force_login(practitioner.user)
    url = f"/admin/care/programme/{programme.pk}/change/"
    log_session(programme, timezone.localdate())
    one = queries_for(client, url)
    for number in range(49):
        log_session(programme, programme.start_date + timedelta(days=number % 8))
    assert queries_for(client, url) == one
