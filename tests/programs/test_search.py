import pytest
from django.db import connection

from programs.models import Article

from .factories import make_article

pytestmark = pytest.mark.django_db


def _results(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return response.context["results"]


def test_search_finds_articles_exercises_and_plans(client):
    kinds = {result.kind for result in _results(client, "hamstring")}
    assert kinds == {"Article", "Exercise", "Plan"}


def test_a_title_match_ranks_above_a_body_match(client):
    make_article(title="Cadence drills for hill runners", body="Nothing else here.")
    make_article(title="Easy runs", body="Some words about cadence drills, deep in the text.")
    titles = [result.title for result in _results(client, "cadence drills")]
    assert titles[:2] == ["Cadence drills for hill runners", "Easy runs"]


def test_search_leaves_out_drafts(client):
    make_article(title="Secret plyometrics", status=Article.Status.DRAFT)
    assert _results(client, "plyometrics") == []


def test_an_empty_search_shows_the_form_and_runs_no_content_queries(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):  # the clinic's details for the footer
        response = client.get("/search/", {"q": "   "})
    assert response.context["results"] == []
    assert 'name="q"' in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "' OR 1=1 --",
        '"unclosed',
        "!!! & | :* <->",
        "%_%",
        "\\",
        "a" * 500,
        "<script>alert(1)</script>",
        "or and not",
        "🙂",
    ],
)
def test_hostile_queries_are_answered_safely(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_nul_byte_in_the_query_is_a_plain_400(client):
    response = client.get("/search/", {"q": "nordic\x00curl"})
    assert response.status_code == 400
    assert b"cannot read" in response.content


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Postgres full-text search")
def test_postgres_search_matches_word_forms(client):
    assert any(r.title.startswith("Nordic hamstring curl") for r in _results(client, "curls"))
