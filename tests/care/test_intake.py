"""The intake form before a first assessment: offered on the appointment page, sent once,
urgent answers shown the clinic's message and flagged for reception."""

from __future__ import annotations

import pytest

from care.models import Intake, IntakeAnswer, IntakeQuestion
from tests.bookings.factories import days_ahead, make_appointment, make_service

from .factories import make_question

pytestmark = pytest.mark.django_db
URGENT = "Call NHS 111 now, before your appointment."


@pytest.fixture
def questions(db):
    IntakeQuestion.objects.all().delete()  # the migration's questions: ours are known
    return [
        make_question(text="What is the injury?", required=True, position=1),
        make_question(text="Your goal?", kind="long", required=False, position=2),
        make_question(
            text="Numbness in the saddle area?",
            kind="yes_no",
            yes_needs_urgent_care=True,
            urgent_message=URGENT,
            position=3,
        ),
    ]


@pytest.fixture
def coming(practitioner, service, patient):
    return make_appointment(practitioner, service, days_ahead(4, 10), patient=patient)


def answers(questions, injury="Sore knee", goal="A 10k", numbness="no") -> dict:
    return dict(zip([f"question_{q.pk}" for q in questions], [injury, goal, numbness], strict=True))


def intake_url(appointment) -> str:
    return f"/appointments/{appointment.token}/intake/"


def test_the_appointment_page_offers_the_form_before_a_first_assessment(client, coming):
    page = client.get(f"/appointments/{coming.token}/").content.decode()
    assert intake_url(coming) in page


def test_a_follow_up_or_a_past_appointment_is_not_offered_the_form(client, practitioner, patient):
    follow_up = make_service(name="Follow-up", needs_previous_assessment=True)
    later = make_appointment(practitioner, follow_up, days_ahead(4, 12), patient=patient)
    assert intake_url(later) not in client.get(f"/appointments/{later.token}/").content.decode()
    assert client.get(intake_url(later)).status_code == 409


def test_the_form_asks_the_clinics_questions_in_its_order(client, coming, questions):
    page = client.get(intake_url(coming)).content.decode()
    positions = [page.index(question.text) for question in questions]
    assert positions == sorted(positions)


def test_the_answers_are_stored_with_the_appointment(client, coming, questions):
    response = client.post(intake_url(coming), answers(questions))
    assert response.status_code == 303 and response["Location"] == coming.private_url()
    intake = Intake.objects.get(appointment=coming)
    assert not intake.needs_urgent_care
    assert [(a.question_text, a.answer) for a in intake.answers.all()] == [
        ("What is the injury?", "Sore knee"),
        ("Your goal?", "A 10k"),
        ("Numbness in the saddle area?", "no"),
    ]
    page = client.get(f"/appointments/{coming.token}/").content.decode()
    assert "we have your answers" in page and "Sore knee" not in page


def test_an_urgent_answer_shows_the_clinics_message_and_flags_the_appointment(
    client, coming, questions
):
    response = client.post(intake_url(coming), answers(questions, numbness="yes"))
    assert response.status_code == 200
    assert URGENT in response.content.decode()
    assert Intake.objects.get(appointment=coming).needs_urgent_care
    assert IntakeAnswer.objects.get(urgent=True).question_text == "Numbness in the saddle area?"


def test_a_missing_answer_is_a_400_and_nothing_is_stored(client, coming, questions):
    response = client.post(intake_url(coming), answers(questions, injury=""))
    assert response.status_code == 400
    assert "Please answer this question." in response.content.decode()
    assert not Intake.objects.exists()


def test_the_form_is_sent_once(client, coming, questions):
    client.post(intake_url(coming), answers(questions))
    again = client.post(intake_url(coming), answers(questions, injury="Changed my mind"))
    assert again.status_code == 409
    assert "already have your answers" in again.content.decode()
    assert IntakeAnswer.objects.filter(answer="Changed my mind").count() == 0
    assert Intake.objects.count() == 1


def test_the_answers_are_never_shown_back_on_the_link(client, coming, questions):
    client.post(intake_url(coming), answers(questions))
    page = client.get(intake_url(coming)).content.decode()
    assert "Sore knee" not in page and "we have your answers" in page


def test_a_guessed_token_finds_nothing(client, questions):
    assert client.get("/appointments/not-a-real-token/intake/").status_code == 404


def test_intake_posts_are_rate_limited(client, coming, questions, settings):
    settings.BOOKING_RATE_LIMIT = "1/h"
    client.post(intake_url(coming), answers(questions, injury=""))
    assert client.post(intake_url(coming), answers(questions)).status_code == 429
    assert not Intake.objects.exists()


def test_the_pages_are_no_store(client, coming, questions):
    assert "no-store" in client.get(intake_url(coming))["Cache-Control"]


def test_the_clinics_first_questions_come_with_the_migration(db):
    texts = list(IntakeQuestion.objects.active().values_list("text", flat=True))
    assert texts[0].startswith("What is the injury")
    urgent = IntakeQuestion.objects.filter(yes_needs_urgent_care=True, kind="yes_no")
    assert urgent.count() == 3 and not urgent.filter(urgent_message="").exists()
