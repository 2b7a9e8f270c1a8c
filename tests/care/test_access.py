"""Who may read health data (care/access.py), as a matrix over every care page of the
admin and every kind of visitor; and who read what is recorded."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from care.intake import submit_intake
from care.models import HealthDataAccess, IntakeQuestion
from tests.bookings.factories import days_ahead, make_appointment, make_patient, make_practitioner

from .conftest import staff_in
from .factories import log_session

pytestmark = pytest.mark.django_db

SHOWS, LOGIN, DENIED, ELSEWHERE = "shows", "login", "denied", "elsewhere"
ROLES = ["anonymous", "content editor", "reception", "physio", "other physio", "superuser"]
GROUPS = {
    "content editor": "Content editor",
    "reception": "Reception",
    "physio": "Physiotherapist",
    "other physio": "Physiotherapist",
}


@pytest.fixture
def world(programme, seen, service, practitioner):
    """Ann's programme (by Sam, the physio) with a log entry, and her intake."""
    log_session(programme, timezone.localdate(), note="Knee sore after set two")
    coming = make_appointment(practitioner, service, days_ahead(5, 10), patient=seen.patient)
    question = IntakeQuestion.objects.create(text="Where does it hurt?")
    intake = submit_intake(coming, [(question, "Left knee, inside")], timezone.now())
    return {"programme": programme, "intake": intake, "appointment": coming}


def visitor(role: str, practitioner) -> Client:
    client = Client()
    if role == "superuser":
        client.force_login(User.objects.create_superuser("boss", "boss@clinic.example"))
    elif role == "physio":
        client.force_login(practitioner.user)
    elif role in GROUPS:
        user = staff_in(role.replace(" ", "-"), GROUPS[role])
        if role == "other physio":
            make_practitioner(name="Alex Morgan", slug="alex-morgan", user=user)
        client.force_login(user)
    return client


def outcome(response, secret: str) -> str:
    if response.status_code == 302 and "/login/" in response["Location"]:
        return LOGIN
    if response.status_code == 403:
        return DENIED
    if response.status_code == 200 and secret in response.content.decode():
        return SHOWS
    return ELSEWHERE  # a redirect to the admin's index, or a page without the data


PAGES = {
    # page: (url from the world, the health data it must or must not show)
    "programme list": (lambda w: "/admin/care/programme/", lambda w: "Hamstring rehab"),
    "programme page": (
        lambda w: f"/admin/care/programme/{w['programme'].pk}/change/",
        lambda w: "Knee sore after set two",
    ),
    "intake list": (lambda w: "/admin/care/intake/", lambda w: "Intake"),
    "intake page": (
        lambda w: f"/admin/care/intake/{w['intake'].pk}/change/",
        lambda w: "Left knee, inside",
    ),
    "appointment's answers": (
        lambda w: f"/admin/bookings/appointment/{w['appointment'].pk}/change/",
        lambda w: "Left knee, inside",
    ),
    "appointment's intake status": (
        lambda w: f"/admin/bookings/appointment/{w['appointment'].pk}/change/",
        lambda w: "Intake: complete",
    ),
    "access log": (lambda w: "/admin/care/healthdataaccess/", lambda w: "Health data access"),
}
EXPECTED = {
    # anonymous, content editor, reception, physio, other physio, superuser
    "programme list": [LOGIN, DENIED, DENIED, SHOWS, ELSEWHERE, SHOWS],
    "programme page": [LOGIN, DENIED, DENIED, SHOWS, ELSEWHERE, SHOWS],
    "intake list": [LOGIN, DENIED, DENIED, SHOWS, SHOWS, SHOWS],
    "intake page": [LOGIN, DENIED, DENIED, SHOWS, ELSEWHERE, SHOWS],
    "appointment's answers": [LOGIN, DENIED, ELSEWHERE, SHOWS, ELSEWHERE, SHOWS],
    "appointment's intake status": [LOGIN, DENIED, SHOWS, SHOWS, SHOWS, SHOWS],
    "access log": [LOGIN, DENIED, DENIED, DENIED, DENIED, SHOWS],
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_who_reads_health_data(world, practitioner, role, page):
    url, secret = PAGES[page]
    client = visitor(role, practitioner)
    got = outcome(client.get(url(world)), secret(world))
    assert got == EXPECTED[page][ROLES.index(role)], f"{role} on {page}"


def test_the_other_physios_intake_list_is_empty(world, practitioner):
    page = visitor("other physio", practitioner).get("/admin/care/intake/").content.decode()
    assert "0 intakes" in page


def test_reception_sees_the_urgent_flag_in_the_list_but_no_answer(
    world, practitioner, service, patient
):
    urgent = make_appointment(practitioner, service, days_ahead(6, 10), patient=make_patient())
    screening = IntakeQuestion.objects.create(
        text="Chest pain?", kind="yes_no", yes_needs_urgent_care=True
    )
    submit_intake(urgent, [(screening, "yes")], timezone.now())
    page = visitor("reception", practitioner).get("/admin/bookings/appointment/").content.decode()
    assert "Urgent: phone the patient" in page and "Complete" in page
    assert "Left knee" not in page and "Chest pain" not in page


def test_opening_a_programme_or_an_intake_is_recorded(world, practitioner):
    client = visitor("physio", practitioner)
    client.get(f"/admin/care/programme/{world['programme'].pk}/change/")
    client.get(f"/admin/care/intake/{world['intake'].pk}/change/")
    reads = list(HealthDataAccess.objects.order_by("pk"))
    assert [(r.what, r.user, r.patient_id) for r in reads] == [
        ("programme", practitioner.user, world["programme"].patient_id),
        ("intake", practitioner.user, world["programme"].patient_id),
    ]
    assert reads[0].programme == world["programme"] and reads[1].intake == world["intake"]


def test_the_practitioners_view_of_a_follow_up_shows_programme_adherence_and_is_recorded(
    world, practitioner
):
    page = (
        visitor("physio", practitioner)
        .get(f"/admin/bookings/appointment/{world['appointment'].pk}/change/")
        .content.decode()
    )
    assert "Hamstring rehab" in page and "1 of 6 sessions" in page
    assert '<svg class="adherence-chart"' in page
    assert set(HealthDataAccess.objects.values_list("what", flat=True)) == {"programme", "intake"}


def test_reception_opening_an_appointment_records_no_health_data_read(world, practitioner):
    visitor("reception", practitioner).get(
        f"/admin/bookings/appointment/{world['appointment'].pk}/change/"
    )
    assert not HealthDataAccess.objects.exists()


def test_a_physio_sees_a_patient_once_they_have_an_appointment_with_them(
    world, practitioner, service
):
    other = visitor("other physio", practitioner)
    url = f"/admin/care/programme/{world['programme'].pk}/change/"
    assert outcome(other.get(url), "Knee sore") == ELSEWHERE
    alex = User.objects.get(username="other-physio").practitioner
    make_appointment(alex, service, days_ahead(9, 10), patient=world["programme"].patient)
    assert outcome(other.get(url), "Knee sore") == SHOWS


def test_a_physio_prescribes_but_cannot_change_a_patients_log(world, practitioner):
    from care import access

    user = practitioner.user
    assert access.can_prescribe(user) and access.can_change_programmes(user)
    assert not user.has_perm("care.change_sessionlog")
    assert not user.has_perm("care.delete_programme")
