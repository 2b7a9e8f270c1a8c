import json
import re

import pytest
from django.utils import timezone
from django.utils.http import http_date

from .factories import make_article, make_plan

pytestmark = pytest.mark.django_db

ARTICLE = "/articles/why-hamstring-strength-matters-for-runners/"
PLAN = "/plans/nordic-hamstring-programme/"
CONTENT_PAGES = [
    "/articles/",
    ARTICLE,
    "/exercises/",
    "/exercises/hamstring-stretch/",
    "/plans/",
    PLAN,
    "/search/?q=hamstring",
]


def _json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


@pytest.mark.parametrize("url", CONTENT_PAGES)
def test_every_content_page_ends_with_a_call_to_book(client, url):
    html = client.get(url).content.decode()
    assert 'href="/book/"' in html.split("</main>")[0].split("book-cta")[-1]


@pytest.mark.parametrize("url", CONTENT_PAGES + ["/"])
def test_every_page_has_exactly_one_h1(client, url):
    html = client.get(url).content.decode()
    assert len(re.findall(r"<h1[ >]", html)) == 1


@pytest.mark.parametrize("url", CONTENT_PAGES + ["/"])
def test_pages_have_no_inline_styles_or_scripts(client, url):
    html = client.get(url).content.decode()
    assert " style=" not in html
    assert "<style" not in html
    scripts = re.findall(r"<script[^>]*>", html)
    assert all('type="application/ld+json"' in tag for tag in scripts)


@pytest.mark.parametrize("url", [ARTICLE, "/exercises/nordic-hamstring-curl/", PLAN])
def test_detail_pages_have_a_canonical_url_and_open_graph_tags(client, url):
    html = client.get(url).content.decode()
    assert f'<link rel="canonical" href="http://testserver{url}">' in html
    assert 'property="og:title"' in html
    assert f'property="og:url" content="http://testserver{url}"' in html


def test_the_article_page_describes_itself_as_an_article_in_json_ld(client):
    data = _json_ld(client.get(ARTICLE).content.decode())
    assert data[0]["@type"] == "Article"
    assert data[0]["headline"] == "Why hamstring strength matters for runners"


def test_an_article_without_a_picture_still_names_an_image_and_the_publishers_logo(client):
    article = _json_ld(client.get(ARTICLE).content.decode())[0]
    assert article["image"].startswith("http://testserver/static/")
    assert article["publisher"]["logo"]["@type"] == "ImageObject"
    assert article["publisher"]["logo"]["url"].endswith(".png")


def test_the_plan_page_describes_itself_as_an_exercise_plan_in_json_ld(client):
    data = _json_ld(client.get(PLAN).content.decode())
    assert data[0]["@type"] == "ExercisePlan"


def test_the_exercise_page_describes_its_steps_as_a_how_to(client):
    data = _json_ld(client.get("/exercises/hamstring-stretch/").content.decode())
    assert data[0]["@type"] == "HowTo"
    assert len(data[0]["step"]) == 6


def test_the_home_page_describes_the_clinic_in_json_ld(client):
    data = _json_ld(client.get("/").content.decode())
    assert data[0]["@type"] == "MedicalClinic"
    assert data[0]["address"]["postalCode"]


def test_json_ld_cannot_break_out_of_its_script_element(client):
    article = make_article(title="</script><script>alert(1)</script>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert _json_ld(html)[0]["headline"] == "</script><script>alert(1)</script>"


def test_the_home_page_shows_the_latest_articles_and_a_featured_plan(client):
    make_article(title="Fresh from the clinic", published_at=timezone.now())
    make_plan(title="The plan we feature", is_featured=True)
    html = client.get("/").content.decode()
    assert "Fresh from the clinic" in html
    assert "The plan we feature" in html


def test_the_plan_grid_is_a_table_with_a_caption_and_header_scopes(client):
    html = client.get(PLAN).content.decode()
    assert html.count('<table class="table plan-grid">') == 10
    assert "<caption>Week 1: 1 session</caption>" in html
    assert '<th scope="col">Dose and effort (Borg CR10 scale, 0 to 10)</th>' in html
    assert 'scope="rowgroup"' in html


def test_the_plan_page_offers_a_calendar_form_with_a_labelled_date(client):
    html = client.get(PLAN).content.decode()
    assert f'action="{PLAN}calendar.ics"' in html
    assert re.search(
        r'<label\s+for="id_start" class="form-label[^"]*">\s*First day of the plan', html
    )
    assert 'aria-describedby="id_start_helptext"' in html and 'id="id_start_helptext"' in html


def test_an_unknown_article_is_not_found(client):
    assert client.get("/articles/no-such-article/").status_code == 404


def test_the_article_page_answers_not_modified_when_unchanged(client):
    response = client.get(ARTICLE)
    assert response.headers["Last-Modified"]
    again = client.get(ARTICLE, headers={"If-Modified-Since": response.headers["Last-Modified"]})
    assert again.status_code == 304


def test_the_plan_page_answers_not_modified_when_unchanged(client):
    response = client.get(PLAN)
    again = client.get(PLAN, headers={"If-Modified-Since": response.headers["Last-Modified"]})
    assert again.status_code == 304


def test_the_plan_page_is_sent_again_after_a_dose_changes(client):
    plan = make_plan()
    url = plan.get_absolute_url()
    old = http_date(plan.updated_at.timestamp() - 60)
    assert client.get(url, headers={"If-Modified-Since": old}).status_code == 200


def test_article_pages_ask_browsers_to_check_back_before_reusing_them(client):
    assert "no-cache" in client.get(ARTICLE).headers["Cache-Control"]


def test_a_later_page_of_articles_is_its_own_canonical_page(client):
    for _ in range(13):
        make_article()
    html = client.get("/articles/?page=2").content.decode()
    assert '<link rel="canonical" href="http://testserver/articles/?page=2">' in html


@pytest.mark.parametrize("url", ["/", "/articles/", ARTICLE])
def test_time_elements_carry_a_valid_html_datetime(client, url):
    """The HTML standard allows at most three digits of fractions of a second; a date
    is what the pages show, so a date is what they say."""
    make_article(title="Fresh", published_at=timezone.now().replace(microsecond=123456))
    values = re.findall(r'<time datetime="([^"]*)"', client.get(url).content.decode())
    assert values
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) for value in values)
