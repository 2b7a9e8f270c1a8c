"""The second round of content in data migration 0005: the library, plans and articles."""

import importlib
import json
import re

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from programs.models import Article, Exercise, Plan, Prescription

pytestmark = pytest.mark.django_db

CONTENT = importlib.import_module("programs.migrations.0005_second_round_content")
NEW_ARTICLES = [
    "/articles/nordic-hamstring-research-for-runners/",
    "/articles/hamstring-stretching-holds-worth-doing/",
    "/articles/back-from-a-hamstring-strain-lengthening-exercises/",
]


def test_every_exercise_says_how_what_and_how_much():
    exercises = list(Exercise.objects.published().prefetch_related("target_muscles"))
    assert len(exercises) >= 15
    for exercise in exercises:
        assert len(exercise.step_list) >= 3, exercise.slug
        assert exercise.cue_list and exercise.mistake_list, exercise.slug
        assert exercise.default_dose, exercise.slug
        assert exercise.target_muscles.all(), exercise.slug


@pytest.mark.parametrize(
    "topic", ["glutes", "quadriceps", "calves", "core", "balance", "flexibility"]
)
def test_the_library_covers_what_the_article_recommends_besides_hamstrings(topic):
    assert Exercise.objects.published().filter(tags__slug=topic).count() >= 2


def test_the_strength_plan_is_eight_weeks_of_two_short_all_round_sessions():
    plan = Plan.objects.for_page().get(slug="runner-strength-8-weeks")
    weeks = list(plan.weeks.all())
    assert len(weeks) == plan.duration_weeks == 8
    topics = set()
    for week in weeks:
        sessions = list(week.sessions.all())
        assert len(sessions) == 2
        for session in sessions:
            prescriptions = list(session.prescriptions.all())
            assert len(prescriptions) <= 4  # short sessions
            for prescription in prescriptions:
                assert prescription.effort_min is not None
                topics |= set(prescription.exercise.tags.values_list("slug", flat=True))
    assert topics >= {"hamstrings", "glutes", "quadriceps", "core", "balance"}
    assert [week.phase for week in weeks].count("deload") == 2


def test_the_lengthening_plan_follows_asklings_doses_and_timing():
    plan = Plan.objects.for_page().get(slug="hamstring-strain-lengthening-exercises")
    days = [
        {p.exercise.slug: (p.sets, p.reps) for p in session.prescriptions.all()}
        for week in plan.weeks.all()
        for session in week.sessions.all()
    ]
    assert len(days) == 28
    for day, doses in enumerate(days):
        assert doses["askling-extender"] == (3, "12")  # every day (twice: said in its notes)
        assert ("askling-diver" in doses) == (day % 2 == 0)
        assert ("askling-glider" in doses) == (day % 3 == 0)
    assert {doses.get("askling-diver") for doses in days} == {(3, "6"), None}
    assert {doses.get("askling-glider") for doses in days} == {(3, "4"), None}
    assert [r.doi for r in plan.references] == ["10.1136/bjsports-2013-092165"]
    assert "go-ahead" in plan.audience


def test_the_lengthening_plan_page_asks_for_the_physios_go_ahead_and_cites_the_trials(client):
    html = client.get("/plans/hamstring-strain-lengthening-exercises/").content.decode()
    assert "physio&#x27;s go-ahead" in html or "physio’s go-ahead" in html
    assert "10.1136/bjsports-2013-092165" in html
    assert "Twice today: morning and evening." in html


@pytest.mark.parametrize("url", NEW_ARTICLES)
def test_each_new_article_lists_its_sources(client, url):
    response = client.get(url)
    assert response.status_code == 200
    article = response.context["article"]
    assert article.references.exists()
    html = response.content.decode()
    for reference in article.references.all():
        assert reference.doi in html


def test_the_strain_article_gives_only_the_figures_we_could_check(client):
    html = client.get(NEW_ARTICLES[2]).content.decode()
    assert "75 Swedish elite footballers" in html
    assert "back in 49 days with the lengthening protocol, against 86" in html.replace("\n", " ")
    assert "28 days" not in html and "51 days" not in html  # 2013 averages left out


def test_the_nordic_article_says_the_studies_were_not_in_runners(client):
    html = client.get(NEW_ARTICLES[0]).content.decode()
    assert "None of the studies was in runners" in html
    assert "8,459" in html and "0.49" in html


def test_the_feed_search_and_structured_data_include_the_new_content(client):
    feed = client.get("/articles/feed/").content.decode()
    for url in NEW_ARTICLES:
        assert url in feed
    results = client.get("/search/", {"q": "glider"}).context["results"]
    assert {result.kind for result in results} >= {"Exercise", "Plan", "Article"}
    html = client.get("/exercises/askling-glider/").content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert json.loads(block)["image"].endswith("/static/programs/illustrations/askling-glider.svg")


def _run_the_migration_again():
    state = MigrationLoader(connection).project_state(("programs", "0005_second_round_content"))
    CONTENT.add_content(state.apps, None)


def test_running_the_content_migration_again_adds_nothing():
    counts = [m.objects.count() for m in (Exercise, Plan, Article, Prescription)]
    _run_the_migration_again()
    assert [m.objects.count() for m in (Exercise, Plan, Article, Prescription)] == counts


def test_the_migration_keeps_what_staff_changed_on_the_first_exercises():
    Exercise.objects.filter(slug="hamstring-stretch").update(
        illustration="calf-stretch.svg", illustration_alt="Staff chose this."
    )
    Prescription.objects.filter(exercise__slug="glute-hamstring-bridge").update(
        effort_min=2, effort_max=3
    )
    _run_the_migration_again()
    assert Exercise.objects.get(slug="hamstring-stretch").illustration_alt == "Staff chose this."
    efforts = Prescription.objects.filter(exercise__slug="glute-hamstring-bridge")
    assert set(efforts.values_list("effort_min", "effort_max")) == {(2, 3)}
