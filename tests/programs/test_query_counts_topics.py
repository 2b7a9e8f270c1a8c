"""Topic pages, the library by topic and the "related" lists run the same few queries
however much content there is (see test_query_counts.py for the other pages)."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import Article, Exercise, Plan, Tag

from .factories import make_article, make_exercise, make_plan, make_tag
from .test_query_counts import MAX_QUERIES

pytestmark = pytest.mark.django_db


def _clear():
    for model in [Article, Plan, Exercise, Tag]:
        model.objects.all().delete()


def _queries(client, url: str) -> int:
    for cache in caches.all():
        cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def _topic(n):
    """n articles, exercises and plans on one topic, each with other topics too."""
    topic = make_tag(slug="topic")
    exercise = make_exercise(slug="linked", illustration="calf-raise.svg", illustration_alt="A.")
    exercise.tags.add(topic)
    article = make_article(slug="linked")
    article.tags.add(topic)
    article.related_exercises.add(exercise)
    plan = make_plan(slug="linked", weeks=2, exercise=exercise)
    plan.tags.add(topic)
    article.related_plans.add(plan)
    for _ in range(n):
        other = make_tag()
        more_article = make_article()
        more_article.tags.add(topic, other)
        more_article.related_exercises.add(exercise)
        more_article.related_plans.add(plan)
        more_exercise = make_exercise(illustration="dead-bug.svg", illustration_alt="B.")
        more_exercise.tags.add(topic, other)
        more_plan = make_plan(exercise=exercise)
        more_plan.tags.add(topic, other)


PAGES = [
    "/articles/tag/topic/",
    "/articles/",
    "/exercises/?tag=topic",
    "/articles/linked/",
    "/exercises/linked/",
    "/plans/linked/",
]


@pytest.mark.parametrize("url", PAGES)
def test_a_topic_or_related_list_runs_the_same_queries_with_1_or_50_items(client, no_content, url):
    _topic(1)
    with_one = _queries(client, url)
    _clear()
    _topic(50)
    with_fifty = _queries(client, url)
    assert with_one == with_fifty
    assert with_fifty <= MAX_QUERIES


def test_the_related_lists_stop_at_four_items(client, no_content):
    _topic(50)
    html = client.get("/exercises/linked/").content.decode()
    start = html.index('id="related-more-title"')
    related = html[start : html.index("</section>", start)]
    for heading in ["Articles", "Plans that use it", "More exercises on the same topic"]:
        items = related[related.index(heading) :]
        items = items[: items.index("</ul>")]
        assert items.count("<li>") == 4, heading
