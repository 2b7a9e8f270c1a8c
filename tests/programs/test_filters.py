import pytest

from programs.models import Exercise
from programs.models.choices import Level

from .factories import make_equipment, make_exercise, make_muscle, make_plan

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    return [exercise.name for exercise in response.context["exercises"]]


def test_the_exercise_library_filters_by_category(client):
    response = client.get("/exercises/", {"category": "stretch"})
    names = _names(response)
    assert names == [
        "Kneeling hip flexor stretch",
        "Seated or standing hamstring stretch",
        "Wall calf stretch",
    ]


def test_the_exercise_library_filters_by_equipment(client):
    bar = make_equipment(name="Pull-up bar", slug="pull-up-bar")
    with_bar = make_exercise(name="Hanging knee raise")
    with_bar.equipment.add(bar)
    make_exercise(name="Air squat")
    assert _names(client.get("/exercises/", {"equipment": "pull-up-bar"})) == ["Hanging knee raise"]


def test_the_exercise_library_filters_by_muscle(client):
    shins = make_muscle(name="Shins", slug="shins")
    raise_ = make_exercise(name="Toe raise")
    raise_.target_muscles.add(shins)
    assert _names(client.get("/exercises/", {"muscle": "shins"})) == ["Toe raise"]


def test_filters_combine(client):
    names = _names(client.get("/exercises/", {"muscle": "glutes", "equipment": "mat"}))
    assert names == [
        "Glute and hamstring bridge",
        "Hamstring slider curl",
        "Single-leg glute bridge",
    ]


def test_an_unknown_filter_value_shows_every_exercise_and_keeps_the_page_working(client):
    response = client.get("/exercises/", {"category": "<script>", "muscle": "nope"})
    assert response.status_code == 200
    assert len(_names(response)) == Exercise.objects.published().count()


def test_the_filter_form_keeps_the_chosen_value_selected(client):
    html = client.get("/exercises/", {"category": "stretch"}).content.decode()
    assert '<option value="stretch" selected>' in html


def test_the_filter_form_has_a_label_for_every_field(client):
    html = client.get("/exercises/").content.decode()
    for field in ["category", "equipment", "muscle"]:
        assert f'for="id_{field}"' in html


def test_the_plans_page_filters_by_level(client):
    make_plan(title="An advanced block", level=Level.ADVANCED)
    plans = client.get("/plans/", {"level": "advanced"}).context["plans"]
    assert [plan.title for plan in plans] == ["An advanced block"]
