"""A new patient books on a 390-pixel phone: a day at a time, the first free time one
tap away, with and without JavaScript."""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.booking import TIME_LINK, expect_appointment_page

pytestmark = pytest.mark.e2e

# The week page of "Initial assessment" on the demo data, before it showed a day at a time.
WEEK_PAGE_BEFORE = 33.9 * 1024
PHONE_HEIGHT = 844


class Taps:
    """Taps on the touch screen, counted."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator) -> None:
        locator.tap()
        self.count += 1


def fill_in_details(page, name: str, email: str) -> None:
    page.get_by_label("Your full name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Phone number").fill("07700 900654")


@pytest.mark.parametrize("screen", ["phone", "phone_without_javascript"])
def test_from_the_services_to_a_confirmed_booking_in_four_taps_plus_typing(request, site, screen):
    page = request.getfixturevalue(screen)
    email = f"four.taps.{screen.replace('_', '.')}@example.com"
    tap = Taps()
    page.goto("/book/")
    tap(page.get_by_role("link", name="Initial assessment"))
    tap(page.locator(TIME_LINK).first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    fill_in_details(page, "Tapping Tess", email)
    tap(page.get_by_role("checkbox", name=re.compile("I agree")))
    tap(page.get_by_role("button", name=re.compile(r"^Book ")))

    expect_appointment_page(page)
    expect(page.locator("main dl")).to_contain_text("Confirmed")
    assert tap.count <= 4
    site.wait_for_email(email)


def test_the_first_free_time_is_one_tap_from_the_service_page(phone):
    phone.goto("/book/initial-assessment/")
    first = phone.locator("main .bookings-first a")
    when = first.text_content()
    first.tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your details")
    expect(phone.locator("main dl")).to_contain_text(when.split(", ")[1])  # its time
    assert re.search(r"/book/initial-assessment/any/[\dT:-]+/$", urlparse(phone.url).path)


def test_the_day_strip_names_each_day_with_its_count_and_marks_the_chosen_one(phone):
    phone.goto("/book/initial-assessment/")
    days = phone.get_by_role("navigation", name="Days").get_by_role("link")
    assert days.count() >= 1
    for number in range(days.count()):
        day = days.nth(number)
        box = day.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, box
        expect(day).to_have_accessible_name(re.compile(r"^\w+day \d+ \w+, \d+ free times?$"))
    current = phone.locator("nav[aria-label=Days] [aria-current=date]")
    expect(current).to_have_count(1)
    chosen = phone.get_by_role("heading", level=2).filter(has_text=re.compile(r"day \d+ \w+$"))
    expect(current.locator(".visually-hidden")).to_contain_text(chosen.first.text_content())


def test_a_day_is_a_plain_link_that_the_back_button_returns_from(phone_without_javascript):
    page = phone_without_javascript
    page.goto("/book/initial-assessment/")
    first_day = page.url
    other_day = page.locator("nav[aria-label=Days] a:not([aria-current])").last
    href = other_day.get_attribute("href")
    other_day.tap()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    expect(page.locator("nav[aria-label=Days] [aria-current=date]")).to_have_attribute("href", href)
    page.go_back()
    expect(page).to_have_url(first_day)


def test_a_practitioner_is_chosen_with_one_tap_without_javascript(phone_without_javascript):
    page = phone_without_javascript
    page.goto("/book/initial-assessment/")
    choice = page.get_by_role("navigation", name="Practitioner")
    choice.get_by_role("link", name="Alex Morgan").tap()
    expect(page).to_have_url(re.compile(r"\?practitioner=alex-morgan"))
    expect(page.locator("main")).to_contain_text("Alex works with trail and ultra runners")
    expect(page.locator(TIME_LINK).first).to_have_attribute(
        "href", re.compile(r"^/book/initial-assessment/alex-morgan/")
    )


def test_the_week_page_is_smaller_than_it_was(page):
    for path in ("/book/initial-assessment/", "/book/initial-assessment/?practitioner=sam-patel"):
        response = page.request.get(path)
        assert response.ok
        assert len(response.body()) < WEEK_PAGE_BEFORE, (path, len(response.body()))


def test_the_details_form_shows_the_booking_and_the_policy_above_the_fold(phone):
    phone.goto("/book/initial-assessment/")
    phone.locator(TIME_LINK).first.tap()
    summary = phone.locator("main dl.bookings-booking")
    for fact in ("When", "What", "With", "Price"):
        expect(summary).to_contain_text(fact)
    expect(summary).to_contain_text("£60.00")
    for part in (summary, phone.locator("main .bookings-policy")):
        box = part.bounding_box()
        assert box["y"] + box["height"] <= PHONE_HEIGHT, box
    expect(phone.get_by_label("Email address")).to_have_attribute("type", "email")
    expect(phone.get_by_label("Phone number")).to_have_attribute("type", "tel")


def test_errors_are_summed_up_at_the_top_and_each_links_to_its_field(phone):
    phone.goto("/book/initial-assessment/")
    phone.locator(TIME_LINK).first.tap()
    phone.get_by_label("Email address").fill("not an email")
    phone.get_by_role("button", name=re.compile(r"^Book ")).tap()
    summary = phone.get_by_role("alert")
    expect(summary).to_contain_text("Please check these details")
    expect(phone).to_have_title(re.compile(r"^Error: "))
    summary.get_by_role("link").nth(1).tap()  # the email's error
    expect(phone).to_have_url(re.compile(r"#id_email$"))
    email = phone.get_by_label("Email address")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(
        re.compile("an email address like name@example.com")
    )


def test_the_appointment_page_adds_it_to_a_calendar_and_links_a_map(phone, site):
    page = phone
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))
    page.goto("/book/initial-assessment/")
    page.locator(TIME_LINK).first.tap()
    fill_in_details(page, "Calendar Cal", "calendar.cal@example.com")
    page.get_by_label(re.compile("What would you like help with")).fill("Tight calves")
    page.get_by_role("checkbox", name=re.compile("I agree")).tap()
    page.get_by_role("button", name=re.compile(r"^Book ")).tap()
    expect_appointment_page(page)

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Add to calendar")).tap()
    assert download.value.suggested_filename == "appointment.ics"
    ics = open(download.value.path()).read()  # noqa: PTH123, SIM115
    assert "BEGIN:VEVENT" in ics and "12 Riverside Walk" in ics
    token = urlparse(page.url).path.split("/")[2]
    assert "Tight calves" not in ics and token not in ics

    map_link = page.get_by_role("link", name="Find it on OpenStreetMap")
    expect(map_link).to_have_attribute(
        "href", "https://www.openstreetmap.org/search?query=12+Riverside+Walk%2C+Bristol+BS1+4RW"
    )
    assert page.locator("iframe").count() == 0
    assert hosts == {"127.0.0.1"}, hosts  # nothing loaded from a third party
