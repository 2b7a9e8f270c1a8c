import json
import re
from datetime import time

import pytest
from django.db import OperationalError

from clinic import views
from clinic.models import ClinicDetails

pytestmark = pytest.mark.django_db


def test_home_page_invites_runners_to_book(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b'href="/book/"' in response.content


def test_footer_shows_the_details_staff_edited_in_admin(client):
    ClinicDetails(
        name="Riverside Physio", phone="0117 000 1111", opening_hours="Closed on bank holidays"
    ).save()
    page = client.get("/").content.decode()
    assert "Riverside Physio" in page
    assert "0117 000 1111" in page
    assert "Closed on bank holidays" in page


def test_the_footer_reads_the_weekly_hours_with_alike_days_run_together(client):
    clinic = ClinicDetails.objects.get()
    clinic.hours.all().delete()
    for day in range(5):
        clinic.hours.create(weekday=day, opens=time(7, 30), closes=time(20))
    clinic.hours.create(weekday=5, opens=time(9), closes=time(12))
    clinic.hours.create(weekday=5, opens=time(13), closes=time(15))
    page = client.get("/").content.decode()
    assert "Monday to Friday: 07:30 to 20:00" in page
    assert "Saturday: 09:00 to 12:00, 13:00 to 15:00" in page
    assert "Sunday: closed" in page


def test_an_edit_to_the_hours_shows_at_once(client):
    client.get("/")  # cached, with the hours
    hours = ClinicDetails.objects.get().hours.get(weekday=5)
    hours.closes = time(14)
    hours.save()
    assert "Saturday: 09:00 to 14:00" in client.get("/").content.decode()


def test_the_migration_reads_free_text_hours_as_data_and_keeps_the_rest_as_notes():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("clinic.migrations.0004_opening_hours_as_data")
    clinic = ClinicDetails.objects.get()
    clinic.hours.all().delete()
    clinic.opening_hours = "\n".join(
        [
            "Monday to Thursday 8:00 to 19:30",
            "Friday 8.00 to 17:00",
            "Saturday closed",
            "Bank holidays: closed",
        ]
    )
    clinic.save()
    migration.hours_as_rows(apps, None)
    clinic.refresh_from_db()
    assert sorted(clinic.hours.values_list("weekday", "opens", "closes")) == [
        *[(day, time(8), time(19, 30)) for day in range(4)],
        (4, time(8), time(17)),
    ]
    assert clinic.opening_hours == "Bank holidays: closed"


def test_the_clinic_speaks_schema_org_hours_an_international_phone_and_its_logo(client):
    page = client.get("/").content.decode()
    clinic = next(block for block in _json_ld(page) if block["@type"] == "MedicalClinic")
    assert clinic["telephone"] == "+44 117 496 0123"
    assert clinic["logo"].endswith(".png") and clinic["image"].endswith(".png")
    weekdays = clinic["openingHoursSpecification"][0]
    assert weekdays["dayOfWeek"][0] == "https://schema.org/Monday"
    assert len(weekdays["dayOfWeek"]) == 5
    assert (weekdays["opens"], weekdays["closes"]) == ("08:00", "19:00")


@pytest.mark.parametrize("path", ["/", "/book/", "/privacy/", "/plans/"])
def test_every_page_can_be_shared_with_a_picture_and_a_canonical_address(client, path):
    page = client.get(path).content.decode()
    assert f'<link rel="canonical" href="http://testserver{path}">' in page
    assert re.search(
        r'<meta property="og:image" content="http://testserver/static/[^"]+\.png">', page
    )
    assert '<meta name="twitter:card" content="summary_large_image">' in page


def test_the_map_link_searches_for_the_address_staff_edited(db):
    details = ClinicDetails(street_address="3 Quay Street", locality="Bath", postcode="BA1 1AA")
    assert details.map_url == (
        "https://www.openstreetmap.org/search?query=3+Quay+Street%2C+Bath+BA1+1AA"
    )


def test_clinic_details_are_cached_so_pages_do_not_query_for_them(django_assert_num_queries):
    ClinicDetails(name="Riverside Physio").save()
    ClinicDetails.current()  # fills the cache
    with django_assert_num_queries(0):
        assert ClinicDetails.current().name == "Riverside Physio"


def test_unknown_url_gets_the_styled_not_found_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert 'href="/book/"' in page
    assert "site.css" in page


def test_server_error_page_renders_without_the_database(
    client, monkeypatch, django_assert_num_queries
):
    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(views.HomeView, "get", broken)
    client.raise_request_exception = False
    with django_assert_num_queries(0):
        response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_database_outage_answers_503_with_a_plain_page(client, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.HomeView, "get", down)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Back in a moment" in response.content.decode()


def test_robots_txt_points_at_the_sitemap_and_hides_private_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /appointments/" in body
    assert "Disallow: /admin/" in body


def test_a_form_sent_without_its_security_check_gets_a_plain_explanation(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/privacy/", {"name": "Ann"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your form could not be sent" in page and "Nothing has been booked" in page
    assert "<style" not in page  # Django's own page has an inline style


@pytest.mark.parametrize(
    "url",
    ["/search/?q=%00", "/appointments/%00/", "/admin/bookings/appointment/?status__exact=%00"],
)
def test_a_nul_byte_in_the_address_is_a_400_never_a_500_on_postgres(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 400
    assert "Content-Security-Policy" in response.headers


def _json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]
