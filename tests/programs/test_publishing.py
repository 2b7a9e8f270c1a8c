"""Drafts and scheduled articles: hidden from the public, previewed by staff."""

from datetime import timedelta

import pytest
from django.utils import timezone

from programs.models import Article

from .factories import make_article, make_exercise, make_plan

pytestmark = pytest.mark.django_db


def test_the_public_gets_404_for_a_draft_article(client):
    article = make_article(status=Article.Status.DRAFT)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_the_public_gets_404_for_an_unpublished_plan(client):
    plan = make_plan(is_published=False)
    assert client.get(plan.get_absolute_url()).status_code == 404


def test_the_public_gets_404_for_an_unpublished_exercise(client):
    exercise = make_exercise(is_published=False)
    assert client.get(exercise.get_absolute_url()).status_code == 404


def test_staff_preview_a_draft_article_with_a_draft_banner(staff_client):
    article = make_article(status=Article.Status.DRAFT)
    response = staff_client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "draft-banner" in html
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize(
    "make",
    [
        lambda: make_article(status=Article.Status.DRAFT),
        lambda: make_plan(is_published=False),
        lambda: make_exercise(is_published=False),
    ],
)
def test_a_preview_may_be_kept_by_the_staff_browser_only(staff_client, make):
    response = staff_client.get(make().get_absolute_url())
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-cache"} <= cache_control
    assert "public" not in cache_control


def test_published_pages_are_not_marked_private(client):
    response = client.get(make_article().get_absolute_url())
    assert "private" not in response["Cache-Control"]


def test_staff_preview_an_unpublished_plan(staff_client):
    plan = make_plan(is_published=False)
    response = staff_client.get(plan.get_absolute_url())
    assert response.status_code == 200
    assert "draft-banner" in response.content.decode()


def test_staff_without_view_permission_cannot_preview(client, django_user_model):
    user = django_user_model.objects.create_user("intern", password="x" * 16, is_staff=True)
    client.force_login(user)
    article = make_article(status=Article.Status.DRAFT)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_scheduled_article_stays_hidden_until_its_time(client):
    article = make_article(published_at=timezone.now() + timedelta(days=2))
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article.title not in client.get("/articles/").content.decode()
    assert article.title not in client.get("/articles/feed/").content.decode()
    assert article.get_absolute_url() not in client.get("/sitemap.xml").content.decode()


def test_a_scheduled_article_appears_once_its_time_has_come(client):
    article = make_article(published_at=timezone.now() + timedelta(days=2))
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert client.get(article.get_absolute_url()).status_code == 200
    assert article.title in client.get("/articles/").content.decode()


def test_staff_see_when_a_scheduled_article_goes_live(staff_client):
    article = make_article(published_at=timezone.now() + timedelta(days=2))
    html = staff_client.get(article.get_absolute_url()).content.decode()
    assert "Scheduled:" in html


def test_drafts_are_left_out_of_the_article_list_even_for_staff(staff_client):
    article = make_article(status=Article.Status.DRAFT)
    assert article.title not in staff_client.get("/articles/").content.decode()


def test_an_exercise_taken_off_the_site_leaves_its_published_plans_and_their_calendars(client):
    hidden = make_exercise(name="Half-finished drill", is_published=False)
    plan = make_plan(exercise=hidden)
    shown = make_exercise(name="Glute bridge")
    session = plan.weeks.get().sessions.get()
    session.prescriptions.create(exercise=shown, order=9, sets=3, reps="10")

    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Glute bridge" in page
    assert "Half-finished drill" not in page
    assert hidden.get_absolute_url() not in page
    calendar = client.get(f"{plan.get_absolute_url()}calendar.ics", {"start": "2026-01-05"})
    assert b"Glute bridge" in calendar.content
    assert b"Half-finished drill" not in calendar.content
