"""Editors set effort targets, drawings and topics in the admin; mistakes get a message."""

import pytest

from programs.models import Exercise, Session

from .factories import make_exercise, make_plan, make_tag

pytestmark = pytest.mark.django_db


def _session_form(session, **prescription):
    return {
        "week": session.week_id,
        "day_of_week": 0,
        "title": "Strength",
        "notes": "",
        "prescriptions-TOTAL_FORMS": 1,
        "prescriptions-INITIAL_FORMS": 1,
        "prescriptions-MIN_NUM_FORMS": 0,
        "prescriptions-MAX_NUM_FORMS": 1000,
        "prescriptions-0-id": session.prescriptions.get().pk,
        "prescriptions-0-session": session.pk,
        "prescriptions-0-order": 1,
        "prescriptions-0-exercise": session.prescriptions.get().exercise_id,
        "prescriptions-0-sets": 3,
        "prescriptions-0-reps": "8",
        **{f"prescriptions-0-{key}": value for key, value in prescription.items()},
    }


def test_an_editor_sets_an_effort_target_on_a_dose(staff_client):
    session = Session.objects.get(week__plan=make_plan())
    url = f"/admin/programs/session/{session.pk}/change/"
    response = staff_client.post(url, _session_form(session, effort_min=6, effort_max=7))
    assert response.status_code == 302
    prescription = session.prescriptions.get()
    assert (prescription.effort_min, prescription.effort_max) == (6, 7)


def test_an_effort_range_written_backwards_is_refused_with_a_message(staff_client):
    session = Session.objects.get(week__plan=make_plan())
    url = f"/admin/programs/session/{session.pk}/change/"
    response = staff_client.post(url, _session_form(session, effort_min=8, effort_max=6))
    assert response.status_code == 200
    assert "Give the lower effort first" in response.content.decode()
    assert session.prescriptions.get().effort_min is None


def _exercise_form(exercise, **fields):
    return {
        "name": exercise.name,
        "slug": exercise.slug,
        "summary": exercise.summary,
        "category": exercise.category,
        "level": exercise.level,
        "is_published": "on",
        "steps": exercise.steps,
        "default_sets": 3,
        "default_reps": "8",
        **fields,
    }


def test_an_editor_picks_a_drawing_and_topics_for_an_exercise(staff_client):
    exercise = make_exercise()
    tag = make_tag()
    response = staff_client.post(
        f"/admin/programs/exercise/{exercise.pk}/change/",
        _exercise_form(
            exercise,
            illustration="calf-raise.svg",
            illustration_alt="Rising onto the toes.",
            tags=[tag.pk],
        ),
    )
    assert response.status_code == 302
    exercise.refresh_from_db()
    assert exercise.illustration == "calf-raise.svg"
    assert list(exercise.tags.all()) == [tag]


@pytest.mark.parametrize(
    ("illustration", "alt", "message"),
    [
        ("no-such-drawing.svg", "Something.", "There is no no-such-drawing.svg"),
        ("../settings.py", "Something.", "Give a file name such as bridge.svg."),
        ("calf-raise.svg", "", "Say what the body does"),
    ],
)
def test_a_wrong_drawing_is_refused_with_a_message(staff_client, illustration, alt, message):
    exercise = make_exercise()
    response = staff_client.post(
        f"/admin/programs/exercise/{exercise.pk}/change/",
        _exercise_form(exercise, illustration=illustration, illustration_alt=alt),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Exercise.objects.get(pk=exercise.pk).illustration == ""
