import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from .factories import make_article

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_the_feed_lists_the_newest_published_articles(client):
    make_article(title="Newest article", published_at=timezone.now())
    response = client.get("/articles/feed/")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own feed)
    titles = [item.findtext("title") for item in root.iter("item")]
    assert titles[0] == "Newest article"
    assert "Why hamstring strength matters for runners" in titles


def test_the_article_list_links_to_its_feed(client):
    assert 'type="application/rss+xml"' in client.get("/articles/").content.decode()


def test_the_sitemap_lists_every_public_page(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = {
        loc.text.removeprefix("http://testserver")
        for loc in ET.fromstring(response.content).findall("s:url/s:loc", SITEMAP_NS)  # noqa: S314
    }
    assert {
        "/",
        "/articles/",
        "/exercises/",
        "/plans/",
        "/book/",
        "/privacy/",
        "/articles/why-hamstring-strength-matters-for-runners/",
        "/exercises/hamstring-stretch/",
        "/exercises/nordic-hamstring-curl/",
        "/plans/nordic-hamstring-programme/",
        "/plans/beginner-hamstring-strength/",
    } <= locations


def test_feed_descriptions_are_escaped_exactly_once(client):
    """A feed reader unescapes the XML once and shows the summary: no "&amp;amp;"."""

    make_article(title="Hips & knees", summary="Runners' hips & knees: <why> it matters")
    feed = ET.fromstring(client.get("/articles/feed/").content)  # noqa: S314 (our own feed)
    item = next(i for i in feed.iter("item") if i.findtext("title") == "Hips & knees")
    assert item.findtext("description") == "Runners' hips & knees: <why> it matters"
    assert b"&amp;amp;" not in client.get("/articles/feed/").content
