"""Topic pages (/articles/tag/<slug>/), the library by topic, and what to read or do next."""

import pytest
from django.core.exceptions import ValidationError

from programs.models import Article, Exercise, Plan, Tag

from .factories import make_article, make_exercise, make_plan, make_tag

pytestmark = pytest.mark.django_db


def test_a_topic_page_lists_its_articles_exercises_and_plans(client):
    html = client.get("/articles/tag/hamstring-strain/").content.decode()
    assert "<h1>Hamstring strain</h1>" in html
    assert "Back from a hamstring strain: the lengthening exercises" in html
    assert "/exercises/askling-glider/" in html
    assert "/plans/hamstring-strain-lengthening-exercises/" in html
    assert 'href="/exercises/?tag=hamstring-strain"' in html


def test_a_topic_page_leaves_out_drafts_and_unpublished_content(client):
    tag = make_tag(name="Hills", slug="hills")
    make_article(title="Public hills", slug="public-hills").tags.add(tag)
    make_article(title="Draft hills", status=Article.Status.DRAFT).tags.add(tag)
    make_exercise(name="Hidden hill drill", is_published=False).tags.add(tag)
    make_plan(title="Hidden hill plan", is_published=False).tags.add(tag)
    html = client.get("/articles/tag/hills/").content.decode()
    assert "Public hills" in html
    assert "Draft hills" not in html
    assert "Hidden hill drill" not in html
    assert "Hidden hill plan" not in html


def test_an_unknown_topic_or_one_with_nothing_public_is_not_found(client):
    make_tag(name="Empty", slug="empty")
    assert client.get("/articles/tag/no-such-topic/").status_code == 404
    assert client.get("/articles/tag/empty/").status_code == 404


def test_tags_on_an_article_link_to_their_topic_pages(client):
    html = client.get("/articles/why-hamstring-strength-matters-for-runners/").content.decode()
    assert 'class="tag-link" href="/articles/tag/hamstrings/"' in html


def test_the_article_list_offers_every_topic_with_an_article(client):
    html = client.get("/articles/").content.decode()
    assert 'href="/articles/tag/flexibility/"' in html
    assert 'href="/articles/tag/balance/"' not in html  # no article on balance yet


def test_no_article_can_take_the_topic_pages_address():
    article = make_article(slug="tag")
    with pytest.raises(ValidationError, match="taken by a page"):
        article.full_clean()


def test_the_library_filters_by_topic(client):
    response = client.get("/exercises/", {"tag": "core"})
    names = [exercise.name for exercise in response.context["exercises"]]
    assert names == ["Dead bug", "Front plank", "Hamstring slider curl"]
    assert '<option value="core" selected>' in response.content.decode()


def test_an_unknown_topic_in_the_library_shows_every_exercise(client):
    response = client.get("/exercises/", {"tag": "<nope>"})
    assert response.status_code == 200
    assert len(response.context["exercises"]) == Exercise.objects.published().count()


def test_an_article_ends_with_other_articles_on_its_topics(client):
    html = client.get("/articles/hamstring-stretching-holds-worth-doing/").content.decode()
    related = html[html.index('id="related-more-title"') :]
    assert "Why hamstring strength matters for runners" in related
    assert "Stretching your hamstrings" not in related  # not itself


def test_an_exercise_ends_with_its_articles_plans_and_exercises_on_the_same_topic(client):
    html = client.get("/exercises/askling-diver/").content.decode()
    related = html[html.index('id="related-more-title"') :]
    assert "Back from a hamstring strain: the lengthening exercises" in related
    assert "After a hamstring strain: the lengthening exercises" in related  # the plan
    assert "The Extender" not in related  # already linked as the easier version
    assert "Nordic hamstring curl" in related  # shares the hamstrings topic


def test_a_plan_ends_with_the_articles_that_point_to_it(client):
    html = client.get("/plans/nordic-hamstring-programme/").content.decode()
    related = html[html.index('id="related-more-title"') :]
    assert "Nordic hamstring curls: what the research shows" in related


def test_related_lists_leave_out_unpublished_content(client):
    tag = make_tag()
    exercise = make_exercise(slug="lonely")
    exercise.tags.add(tag)
    make_article(title="Draft about it", status=Article.Status.DRAFT).related_exercises.add(
        exercise
    )
    make_exercise(name="Hidden twin", is_published=False).tags.add(tag)
    make_plan(title="Hidden plan", is_published=False, exercise=exercise)
    html = client.get("/exercises/lonely/").content.decode()
    assert 'id="related-more-title"' not in html


def test_topic_pages_are_in_the_sitemap_only_with_something_public(client):
    make_tag(name="Empty", slug="empty")
    xml = client.get("/sitemap.xml").content.decode()
    assert "/articles/tag/hamstring-strain/</loc>" in xml
    assert "/articles/tag/balance/</loc>" in xml  # exercises and a plan, no article
    assert "/articles/tag/empty/" not in xml


def test_plans_and_exercises_carry_topics():
    assert set(
        Plan.objects.get(slug="runner-strength-8-weeks").tags.values_list("slug", flat=True)
    ) >= {
        "glutes",
        "quadriceps",
        "core",
        "balance",
    }
    assert Tag.objects.get(slug="calves").exercises.filter(slug="calf-raise").exists()
