import pytest
from django.contrib.auth.models import User
from django.core.cache import cache, caches

from clinic.cache import version_key
from clinic.models import CACHE_KEY as CLINIC_DETAILS_KEY
from clinic.models import ClinicDetails
from programs.models import Article
from tests.bookings.factories import days_ahead, make_appointment, make_practitioner, make_service
from tests.programs.factories import make_article

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_get_the_home_page_from_the_cache(client, django_assert_num_queries):
    first = client.get("/")
    with django_assert_num_queries(0):
        second = client.get("/")
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Security-Policy"]


def test_an_edit_in_admin_shows_at_once(client):
    client.get("/")
    ClinicDetails(name="Harbourside Physio").save()
    assert "Harbourside Physio" in client.get("/").content.decode()


def change_name_behind_the_caches(name: str) -> None:
    ClinicDetails.objects.update(name=name)  # no save(), so no signal
    cache.delete(CLINIC_DETAILS_KEY)


def test_staff_always_get_a_fresh_page(client):
    ClinicDetails(name="Before").save()
    client.get("/")
    change_name_behind_the_caches("After")
    assert "Before" in client.get("/").content.decode()  # anonymous: cached
    staff = User.objects.create_user("editor", password="pw-long-enough-1", is_staff=True)
    client.force_login(staff)
    assert "After" in client.get("/").content.decode()


def test_cached_pages_answer_conditional_requests_with_304(client):
    etag = client.get("/")["ETag"]
    assert client.get("/", headers={"if-none-match": etag}).status_code == 304


def test_the_cache_can_be_turned_off(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    ClinicDetails(name="Before").save()
    client.get("/")
    change_name_behind_the_caches("After")
    assert "After" in client.get("/").content.decode()


def test_article_pages_are_served_from_the_cache_until_an_edit(client, django_assert_num_queries):
    article = make_article(title="Hamstrings for beginners")
    url = f"/articles/{article.slug}/"
    client.get(url)
    with django_assert_num_queries(0):
        assert "Hamstrings for beginners" in client.get(url).content.decode()
    article.title = "Hamstrings for everyone"
    article.save()
    assert "Hamstrings for everyone" in client.get(url).content.decode()
    assert "Hamstrings for everyone" in client.get("/articles/").content.decode()


def test_a_cached_list_shows_a_newly_published_article_at_once(client):
    client.get("/articles/")
    make_article(title="Fresh off the press")
    assert "Fresh off the press" in client.get("/articles/").content.decode()


def test_a_draft_is_never_cached_for_the_public(client):
    draft = make_article(status=Article.Status.DRAFT)
    assert client.get(f"/articles/{draft.slug}/").status_code == 404
    staff = User.objects.create_superuser("boss", password="pw-long-enough-1")
    client.force_login(staff)
    assert client.get(f"/articles/{draft.slug}/").status_code == 200
    client.logout()
    assert client.get(f"/articles/{draft.slug}/").status_code == 404


def test_pages_with_a_query_string_are_not_cached(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/articles/?utm_source=newsletter")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/articles/?utm_source=newsletter").status_code == 200
    assert len(queries) > 0  # built afresh: such pages never fill the cache


def test_each_host_gets_its_own_cached_page(client, settings):
    settings.ALLOWED_HOSTS = ["clinic.example", "www.clinic.example"]
    client.get("/articles/", HTTP_HOST="www.clinic.example")
    page = client.get("/articles/", HTTP_HOST="clinic.example").content.decode()
    assert "http://clinic.example/articles/" in page
    assert "www.clinic.example" not in page


def test_a_flood_of_host_ports_cannot_fill_the_cache(client, settings):
    """ALLOWED_HOSTS ignores the port: 40 spellings of one host once made 40 copies."""
    settings.ALLOWED_HOSTS = ["localhost"]
    pages = caches["pages"]
    client.get("/articles/", HTTP_HOST="localhost", SERVER_PORT="80")
    stored = len(pages._cache)
    for port in range(8000, 8040):
        response = client.get("/articles/", HTTP_HOST=f"localhost:{port}", SERVER_PORT="80")
        assert response.status_code == 200
        assert f"http://localhost:{port}/articles/" in response.content.decode()
    assert len(pages._cache) == stored


def test_the_port_the_server_listens_on_is_cached(client, settings, django_assert_num_queries):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    client.get("/articles/", HTTP_HOST="127.0.0.1:8211", SERVER_PORT="8211")
    with django_assert_num_queries(0):
        client.get("/articles/", HTTP_HOST="127.0.0.1:8211", SERVER_PORT="8211")


def test_a_visitors_own_message_is_never_cached_for_everyone(client, db):
    from django.test import Client

    service = make_service()
    appointment = make_appointment(make_practitioner(service), service, days_ahead(3, 10))
    client.post(f"/appointments/{appointment.token}/", {"action": "cancel"})  # not followed
    assert "Your appointment is cancelled" in client.get("/").content.decode()
    assert "Your appointment is cancelled" not in Client().get("/").content.decode()


def test_pages_are_served_while_the_cache_server_is_away(client, cache_server_away):
    ClinicDetails(name="Harbourside Physio").save()  # saving clears a cache it cannot reach
    page = client.get("/")
    assert page.status_code == 200
    assert "Harbourside Physio" in page.content.decode()
    assert client.get("/articles/").status_code == 200


def test_a_page_asks_a_cache_that_is_away_once(client, db, monkeypatch):
    """A hanging Redis costs a page one CACHE_TIMEOUT, not one per place that asks."""
    asked = []

    def hangs(*args, **kwargs):
        asked.append(args)
        raise TimeoutError("Timeout reading from cache:6379")

    monkeypatch.setattr(caches["pages"], "get_many", hangs)
    article = make_article(title="Hamstrings for beginners")
    assert client.get(f"/articles/{article.slug}/").status_code == 200
    assert len(asked) == 1


def test_a_cached_page_is_answered_alike_before_and_after_the_session_middleware(client, db):
    """ServeCachedPages answers visitors with no session cookie early; a visitor whose
    browser sends one (here a stale one) goes the usual way. Both get the same page."""
    from django.test import Client

    article = make_article(title="Hamstrings for beginners")
    url = f"/articles/{article.slug}/"
    client.get(url)
    early = Client().get(url)
    usual = Client(headers={"cookie": "sessionid=expired-long-ago"}).get(url)
    assert early["X-Page-Cache"] == usual["X-Page-Cache"] == "hit"
    assert early.content == usual.content
    kept = ("Content-Type", "ETag", "Last-Modified", "Vary", "X-Frame-Options")
    kept += ("Content-Security-Policy", "Cache-Control", "X-Content-Type-Options")
    assert {h: early.get(h) for h in kept} == {h: usual.get(h) for h in kept}
    assert early["X-Frame-Options"] == "DENY" and "Cookie" in early["Vary"]
    assert Client().get(url, headers={"if-none-match": early["ETag"]}).status_code == 304


def test_a_signed_in_visitor_is_never_answered_early(client, db, monkeypatch):
    from clinic import cache as page_cache

    early = []
    original = page_cache.replay
    monkeypatch.setattr(
        page_cache,
        "replay",
        lambda request, *how: early.append(1) or original(request, *how),
    )
    article = make_article(title="Hamstrings for beginners")
    client.get(f"/articles/{article.slug}/")
    client.get(f"/articles/{article.slug}/")
    assert early == [1]  # the second visit, from the cache
    staff = User.objects.create_user("editor", password="pw-long-enough-1", is_staff=True)
    client.force_login(staff)
    assert client.get(f"/articles/{article.slug}/").get("X-Page-Cache") is None  # built afresh
    assert early == [1]


def test_a_cached_page_goes_compressed_to_browsers_that_take_it(client, db):
    import gzip

    import brotli
    from django.test import Client

    article = make_article(title="Hamstrings for beginners")
    url = f"/articles/{article.slug}/"
    plain = client.get(url).content
    br = Client().get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert (br["X-Page-Cache"], br["Content-Encoding"]) == ("hit", "br")
    assert brotli.decompress(br.content) == plain
    packed = Client().get(url, headers={"accept-encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain
    assert "Accept-Encoding" in packed["Vary"]
    assert packed["ETag"].startswith("W/")
    again = Client().get(url, headers={"accept-encoding": "gzip", "if-none-match": packed["ETag"]})
    assert again.status_code == 304
    identity = Client().get(url)
    assert not identity.has_header("Content-Encoding") and identity.content == plain


# --- Each process's own copies (clinic.cache.NearCache) ------------------------------------


def page_reads(monkeypatch) -> list[list[str]]:
    """The keys of every read from the shared page cache, as the test goes on."""
    pages = caches["pages"]
    reads, get_many = [], pages.get_many
    monkeypatch.setattr(pages, "get_many", lambda keys: reads.append(keys) or get_many(keys))
    return reads


def test_a_page_served_before_is_checked_not_fetched_again(client, monkeypatch, settings):
    settings.CONTENT_PAGE_TRUST_SECONDS = 0  # checked on every request
    reads = page_reads(monkeypatch)
    client.get("/")  # built and kept
    client.get("/")  # from the shared cache, and now this process has a copy
    reads.clear()
    assert client.get("/")["X-Page-Cache"] == "hit"
    # One read, of the versions alone: not the page.
    assert len(reads) == 1
    assert all(key.startswith("pages:") and key.endswith(":version") for key in reads[0])


@pytest.fixture
def clock(monkeypatch):
    """The near cache's clock, moved by hand: ``clock.now += 0.5``."""
    from clinic import cache as page_cache

    class Clock:
        now = 1000.0

    monkeypatch.setattr(page_cache._near, "clock", lambda: Clock.now)
    return Clock


def edited_in_another_process(article: Article, title: str) -> None:
    """What another server's save does to this one: the database and the shared
    versions change; this process's own copies are not told."""
    Article.objects.filter(pk=article.pk).update(title=title)
    caches["pages"].incr(version_key("content"))


def test_a_content_page_checked_a_moment_ago_is_served_without_asking(client, monkeypatch, clock):
    reads = page_reads(monkeypatch)
    client.get("/")
    client.get("/")  # copied here, and found current
    reads.clear()
    clock.now += 0.9
    assert client.get("/")["X-Page-Cache"] == "hit"
    assert reads == []  # not even the versions


def test_an_edit_in_another_process_shows_here_within_a_second(client, clock):
    article = make_article(title="Hamstrings for beginners")
    url = f"/articles/{article.slug}/"
    client.get(url)
    client.get(url)  # copied here
    edited_in_another_process(article, "Hamstrings for everyone")
    clock.now += 0.9
    assert "Hamstrings for beginners" in client.get(url).content.decode()  # within the bound
    clock.now += 0.1
    assert "Hamstrings for everyone" in client.get(url).content.decode()


def test_an_edit_shows_at_once_in_the_process_that_saved_it(client, clock):
    article = make_article(title="Hamstrings for beginners")
    url = f"/articles/{article.slug}/"
    client.get(url)
    client.get(url)  # copied here
    article.title = "Hamstrings for everyone"
    article.save()
    assert "Hamstrings for everyone" in client.get(url).content.decode()


def test_a_booking_here_leaves_this_process_trusting_its_content_copies(client, monkeypatch, clock):
    service = make_service(slug="massage")
    sam = make_practitioner(service, slug="sam")
    client.get("/")
    client.get("/")  # copied here, and found current
    make_appointment(sam, service, days_ahead(7, 10))  # empties booking pages, not content
    reads = page_reads(monkeypatch)
    assert client.get("/")["X-Page-Cache"] == "hit"
    assert reads == []


def test_a_booking_page_copy_is_checked_on_every_request(client, clock):
    make_practitioner(make_service(slug="massage"), slug="sam")
    client.get("/book/massage/")
    assert client.get("/book/massage/")["X-Page-Cache"] == "hit"  # copied here
    caches["pages"].incr(version_key("availability"))  # another server changed the diary
    assert client.get("/book/massage/")["X-Page-Cache"] == "miss"


def test_while_the_cache_hangs_a_copy_checked_a_moment_ago_is_served_without_asking(
    client, monkeypatch, clock
):
    """A hanging Redis: within the bound the visitor gets this process's copy with no wait;
    after it, the page asks once, gives up after CACHE_TIMEOUT and is built afresh."""
    client.get("/")
    client.get("/")  # copied here, and found current
    asked = []

    def hangs(*args, **kwargs):
        asked.append(args)
        raise TimeoutError("Timeout reading from cache:6379")

    monkeypatch.setattr(caches["pages"], "get_many", hangs)
    clock.now += 0.9
    copy = client.get("/")
    assert (copy.status_code, copy["X-Page-Cache"]) == (200, "hit")
    assert asked == []
    clock.now += 0.1
    assert client.get("/").status_code == 200
    assert len(asked) == 1


def test_a_copy_lapses_when_its_entry_would_have(client, settings, monkeypatch):
    import time

    ClinicDetails(name="Before").save()
    client.get("/")
    client.get("/")  # copied here
    change_name_behind_the_caches("After")
    assert "Before" in client.get("/").content.decode()
    later = time.time() + settings.PUBLIC_PAGE_CACHE_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert "After" in client.get("/").content.decode()


def test_the_copies_are_bounded_in_bytes():
    from clinic.cache import NearCache

    near = NearCache(limit=8_000)
    page = (b"x" * 900, {}, {}, None, float("inf"))
    for n in range(20):
        near.keep(f"page{n}", page)
    assert near.size <= 8_000
    assert "page19" in near.entries and "page0" not in near.entries  # the oldest went
    near.keep("huge", (b"x" * 5_000, {}, {}, None, float("inf")))
    assert "huge" not in near.entries  # one page never pushes out all the others
