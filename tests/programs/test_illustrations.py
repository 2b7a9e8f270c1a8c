"""Every exercise has the clinic's own drawing, described in words, on its page and plans."""

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programs.drawing.poses import DRAWINGS
from programs.models import Exercise

from .factories import make_exercise, make_plan

pytestmark = pytest.mark.django_db

FOLDER = Path(__file__).resolve().parents[2] / "static" / "programs" / "illustrations"
SITE_COLOURS = {"#0b5c55", "#5e8f8a", "#b9d3cf", "#8a5a00", "#6c757d", "#dee2e6"}


def test_every_shipped_exercise_has_a_drawing_that_exists_and_alt_text():
    exercises = list(Exercise.objects.published())
    assert len(exercises) >= 15
    for exercise in exercises:
        assert exercise.illustration, exercise.slug
        assert Path(exercise.illustration_file).is_file(), exercise.slug
        assert len(exercise.illustration_alt) > 60, exercise.slug
        assert "Start:" in exercise.illustration_alt and "End:" in exercise.illustration_alt


@pytest.mark.parametrize("slug", sorted(DRAWINGS))
def test_a_drawing_is_small_valid_svg_in_the_site_colours_with_no_text(slug):
    path = FOLDER / f"{slug}.svg"
    assert path.stat().st_size < 6_000
    root = ElementTree.fromstring(path.read_text())  # noqa: S314 (our own file)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert not root.findall(".//{http://www.w3.org/2000/svg}text")  # no words baked in
    assert not root.findall(".//{http://www.w3.org/2000/svg}image")  # nothing from elsewhere
    assert "marker-end" in path.read_text()  # an arrow shows the movement
    colours = set(re.findall(r"#[0-9a-f]{6}", path.read_text()))
    assert colours <= SITE_COLOURS


def test_the_drawings_on_disk_are_the_ones_the_poses_draw():
    # `python manage.py draw_illustrations` rewrites them after a pose changes.
    for slug, drawing in DRAWINGS.items():
        assert (FOLDER / f"{slug}.svg").read_text() == drawing.svg(), slug


def test_the_exercise_page_shows_the_drawing_with_its_alt_text(client):
    exercise = Exercise.objects.get(slug="nordic-hamstring-curl")
    html = client.get(exercise.get_absolute_url()).content.decode()
    assert f'src="{exercise.illustration_url}"' in html
    assert f'alt="{exercise.illustration_alt}"' in html
    assert 'width="400" height="224"' in html  # no layout shift while it loads


def test_a_plan_page_shows_each_exercise_drawing_once(client):
    exercise = Exercise.objects.get(slug="glute-hamstring-bridge")
    plan = make_plan(weeks=3, sessions_per_week=2, exercise=exercise)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert html.count(f'src="{exercise.illustration_url}"') == 1


def test_handouts_can_find_the_drawing_on_disk():
    exercise = Exercise.objects.get(slug="askling-glider")
    assert exercise.illustration_static_path == "programs/illustrations/askling-glider.svg"
    assert exercise.illustration_file.endswith("static/programs/illustrations/askling-glider.svg")
    assert exercise.illustration_url.endswith(".svg")


def test_an_exercise_without_a_drawing_has_no_picture_and_no_empty_image(client):
    exercise = make_exercise()
    assert exercise.illustration_url == "" and exercise.illustration_file is None
    html = client.get(exercise.get_absolute_url()).content.decode()
    assert 'class="illustration' not in html


def test_staff_cannot_name_a_drawing_that_does_not_exist():
    exercise = make_exercise(illustration="no-such-drawing.svg", illustration_alt="Something.")
    with pytest.raises(ValidationError, match="no-such-drawing.svg"):
        exercise.full_clean()


def test_a_drawing_without_alt_text_is_refused_by_the_database():
    with transaction.atomic(), pytest.raises(IntegrityError):
        make_exercise(illustration="calf-raise.svg", illustration_alt="")
