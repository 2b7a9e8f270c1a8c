"""Every public page runs the same few queries however much content there is."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import Article, Equipment, Exercise, Muscle, Plan, Reference, Tag

from .factories import (
    make_article,
    make_equipment,
    make_exercise,
    make_muscle,
    make_plan,
    make_reference,
    make_tag,
)

pytestmark = pytest.mark.django_db

# The exercise page is the most: the exercise, its four lists, three "related" lists and
# the clinic details.
MAX_QUERIES = 9


def _clear():
    for model in [Article, Plan, Exercise, Reference, Tag, Muscle, Equipment]:
        model.objects.all().delete()


def _queries(client, url: str) -> int:
    for cache in caches.all():  # count the clinic details too, as on a cold cache
        cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def _articles(n):
    for _ in range(n):
        article = make_article(body="hamstring")
        article.tags.add(make_tag())


def _article_with_links(n):
    article = make_article(slug="linked")
    for _ in range(n):
        article.tags.add(make_tag())
        article.related_exercises.add(make_exercise())
        article.related_plans.add(make_plan())
        article.references.add(make_reference())


def _exercises(n):
    kit = make_equipment(slug="kit")
    for _ in range(n):
        exercise = make_exercise()
        exercise.equipment.add(kit, make_equipment())
        exercise.target_muscles.add(make_muscle())


def _exercise_with_links(n):
    exercise = make_exercise(slug="linked")
    exercise.easier_variation = make_exercise()
    exercise.harder_variation = make_exercise()
    exercise.save()
    for _ in range(n):
        exercise.target_muscles.add(make_muscle())
        exercise.equipment.add(make_equipment())
        exercise.references.add(make_reference())


def _plans(n):
    for _ in range(n):
        make_plan()


def _big_plan(n):
    plan = make_plan(slug="big", weeks=n, sessions_per_week=3, exercises_per_session=2)
    for week in plan.weeks.all():
        week.references.add(make_reference())


PAGES = [
    ("/", _articles),
    ("/articles/", _articles),
    ("/articles/feed/", _articles),
    ("/articles/linked/", _article_with_links),
    ("/exercises/", _exercises),
    ("/exercises/?equipment=kit", _exercises),
    ("/exercises/linked/", _exercise_with_links),
    ("/plans/", _plans),
    ("/plans/big/", _big_plan),
    ("/plans/big/calendar.ics?start=2026-01-05", _big_plan),
    ("/search/?q=hamstring", _articles),
    ("/sitemap.xml", _articles),
]


@pytest.mark.parametrize(("url", "add_content"), PAGES)
def test_a_page_runs_the_same_few_queries_with_1_or_50_items(client, no_content, url, add_content):
    add_content(1)
    with_one = _queries(client, url)
    _clear()
    add_content(50)
    with_fifty = _queries(client, url)
    assert with_one == with_fifty
    assert with_fifty <= MAX_QUERIES


def test_the_plan_page_stays_within_the_limit_with_50_weeks(
    client, no_content, django_assert_max_num_queries
):
    _big_plan(50)
    for cache in caches.all():
        cache.clear()
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get("/plans/big/").status_code == 200
