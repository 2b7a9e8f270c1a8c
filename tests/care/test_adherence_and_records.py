"""Adherence week by week (page, chart, admin column and filter), and the patient's
rights over health data: export, erasure and the retention purge."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from bookings import audit
from bookings.patients import erase_patient, export_patient
from bookings.retention import purge_appointments
from care.adherence import adherence, chart
from care.intake import submit_intake
from care.models import HealthDataAccess, Intake, IntakeAnswer, Programme, SessionLog
from tests.bookings.factories import days_ahead, make_appointment

from .factories import log_session, make_programme, make_question

pytestmark = pytest.mark.django_db


def test_adherence_counts_sessions_done_against_planned_week_by_week(programme):
    start = programme.start_date  # a week ago: weeks 1 and 2 so far
    log_session(programme, start)
    log_session(programme, start + timedelta(days=2), "partly")
    log_session(programme, start + timedelta(days=7))
    result = adherence(Programme.objects.for_page().get(pk=programme.pk), timezone.localdate())
    assert [(w.number, w.planned, w.done, w.partly) for w in result.weeks] == [
        (1, 3, 1, 1),
        (2, 3, 1, 0),
    ]
    assert str(result) == "3 of 6 sessions (50%)"


def test_a_week_runs_monday_to_sunday_across_the_clock_change(patient, practitioner):
    # Clocks go forward on Sunday 29 March 2026: the Sunday still belongs to week 1.
    programme = make_programme(patient, practitioner, start_date=date(2026, 3, 23), weeks=2)
    log_session(programme, date(2026, 3, 29))
    log_session(programme, date(2026, 3, 30))
    result = adherence(Programme.objects.for_page().get(pk=programme.pk), date(2026, 4, 5))
    assert [(w.number, w.done) for w in result.weeks] == [(1, 1), (2, 1)]


def test_before_the_start_nothing_is_planned_yet(patient, practitioner):
    programme = make_programme(
        patient, practitioner, start_date=timezone.localdate() + timedelta(days=3)
    )
    result = adherence(programme, timezone.localdate())
    assert result.weeks == [] and str(result) == "Not started"


def test_the_chart_has_a_text_alternative_and_a_bar_per_week(programme):
    log_session(programme, programme.start_date)
    svg = chart(adherence(Programme.objects.for_page().get(pk=programme.pk), timezone.localdate()))
    assert 'role="img"' in svg and "<title" in svg and "1 of 6 sessions" in svg
    assert svg.count('class="chart-done"') == 2


def test_the_admin_list_shows_adherence_and_filters_programmes_with_nothing_logged_for_7_days(
    client, practitioner, patient, programme
):
    quiet = make_programme(
        patient, practitioner, title="Calf plan", start_date=timezone.localdate() - timedelta(10)
    )
    log_session(quiet, timezone.localdate() - timedelta(days=8))
    log_session(quiet, timezone.localdate() - timedelta(days=9), "partly")
    log_session(programme, timezone.localdate() - timedelta(days=1))
    client.force_login(practitioner.user)
    page = client.get("/admin/care/programme/").content.decode()
    assert "1 of 6 (17%)" in page  # Hamstring rehab: 1 logged, weeks 1-2 planned
    assert "2 of 6 (33%)" in page  # Calf plan: 2 logged in its first two weeks
    filtered = client.get("/admin/care/programme/?logging=quiet").content.decode()
    assert "Calf plan" in filtered and "Hamstring rehab" not in filtered


def test_a_programme_just_started_is_not_called_quiet(client, practitioner, patient):
    make_programme(patient, practitioner, title="New plan", start_date=timezone.localdate())
    client.force_login(practitioner.user)
    assert "New plan" not in client.get("/admin/care/programme/?logging=quiet").content.decode()


@pytest.fixture
def held(programme, seen, practitioner, service):
    """Ann's programme with a logged session, and an intake for her next appointment."""
    log_session(programme, timezone.localdate(), note="Sore")
    coming = make_appointment(practitioner, service, days_ahead(3, 10), patient=seen.patient)
    submit_intake(coming, [(make_question(text="Injury?"), "Calf")], timezone.now())
    return programme


def test_the_patients_export_holds_their_programmes_logs_and_intake(held, patient):
    data = export_patient(patient, audit.SYSTEM)["care"]
    (programme,) = data["programmes"]
    assert programme["title"] == "Hamstring rehab"
    assert programme["log"][0]["note"] == "Sore"
    assert data["intake_forms"][0]["answers"] == [{"question": "Injury?", "answer": "Calf"}]
    assert held.token not in str(data)


def test_erasing_a_patient_deletes_their_health_data_and_keeps_who_read_it(
    held, patient, practitioner
):
    HealthDataAccess.objects.create(
        user=practitioner.user, what="programme", patient=patient, programme=held
    )
    erase_patient(patient, audit.staff(User.objects.create(username="desk")))
    assert not Programme.objects.exists() and not SessionLog.objects.exists()
    assert not Intake.objects.exists() and not IntakeAnswer.objects.exists()
    read = HealthDataAccess.objects.get()
    assert read.patient_id == patient.pk and read.programme is None


def test_the_retention_purge_covers_programmes_logs_and_intake(held, settings):
    settings.BOOKING_RETENTION_DAYS = 730
    assert purge_appointments(timezone.now()) == 0
    assert Programme.objects.exists() and Intake.objects.exists()
    assert purge_appointments(timezone.now() + timedelta(days=800)) == 1
    assert not Programme.objects.exists() and not SessionLog.objects.exists()
    assert not Intake.objects.exists()


def test_erasing_leaves_no_programme_detail_in_the_admins_history(held, patient, practitioner):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.create(
        user=practitioner.user,
        content_type=ContentType.objects.get_for_model(Programme),
        object_id=str(held.pk),
        object_repr=str(held),
        action_flag=CHANGE,
        change_message='[{"added": {"name": "programme exercise", "object": "Heel drop"}}]',
    )
    erase_patient(patient, audit.SYSTEM)
    entry = LogEntry.objects.get()
    assert (entry.object_repr, entry.change_message) == (f"Programme {held.pk}", "")
    assert "Hamstring" not in str(held)
