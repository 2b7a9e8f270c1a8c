"""The content the clinic ships in its data migration."""

import pytest

from programs.models import Article, Exercise, Plan

pytestmark = pytest.mark.django_db

NORDIC = "/plans/nordic-hamstring-programme/"


def test_the_stretch_page_gives_a_5_to_10_second_hold_repeated_5_to_8_times(client):
    response = client.get("/exercises/hamstring-stretch/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "5 to 10 seconds" in text
    assert "5-8" in text


def test_the_nordic_plan_follows_petersens_ten_week_protocol():
    plan = Plan.objects.for_page().get(slug="nordic-hamstring-programme")
    weeks = [
        [(p.sets, p.reps) for s in week.sessions.all() for p in s.prescriptions.all()]
        for week in plan.weeks.all()
    ]
    assert weeks[0] == [(2, "5")]
    assert weeks[1] == [(2, "6")] * 2
    assert weeks[2] == [(3, "6-8")] * 3
    assert weeks[3] == [(3, "8-10")] * 3
    assert weeks[4:] == [[(3, "12/10/8")] * 3] * 6
    assert plan.session_count == 27
    assert [r.doi for r in plan.references] == ["10.1177/0363546511419277"]


def test_the_shipped_article_and_plans_are_public():
    assert (
        Article.objects.published()
        .filter(slug="why-hamstring-strength-matters-for-runners")
        .exists()
    )
    assert Plan.objects.published().count() == 4
    assert Exercise.objects.published().count() >= 15


def test_the_article_names_its_sources_and_says_the_evidence_is_not_from_runners(client):
    text = client.get("/articles/why-hamstring-strength-matters-for-runners/").content.decode()
    assert "van Dyk" in text
    assert "10.1136/bjsports-2018-100045" in text
    assert "None of the studies was in runners" in text


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/articles/",
        "/articles/why-hamstring-strength-matters-for-runners/",
        "/articles/feed/",
        "/exercises/",
        "/exercises/nordic-hamstring-curl/",
        "/plans/",
        NORDIC,
        "/plans/beginner-hamstring-strength/",
        "/search/?q=nordic",
        "/sitemap.xml",
    ],
)
def test_every_public_page_works_with_the_shipped_content(client, url):
    assert client.get(url).status_code == 200
