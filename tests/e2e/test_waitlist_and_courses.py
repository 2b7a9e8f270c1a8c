"""Reception books a course by phone from the diary grid; a patient on the waiting list
books a freed time from the email's link; the new pages are axe clean."""

import re
from datetime import date, timedelta
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.accessibility import axe_violations, describe
from tests.e2e.booking import expect_appointment_page, manage_link_in
from tests.e2e.staff import log_in

pytestmark = pytest.mark.e2e


def monday_in(weeks: int) -> date:
    today = date.today()
    return today + timedelta(days=7 * weeks - today.weekday())


def weekday_in(weeks: int, weekday: int) -> date:
    return monday_in(weeks) + timedelta(days=weekday)


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def desk_without_javascript(browser, site):
    """Reception's tab with JavaScript off: the diary and its forms are plain HTML."""
    context = browser.new_context(base_url=site.base_url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_reception_books_a_six_week_course_by_phone_from_the_diary(desk_without_javascript, site):
    desk = desk_without_javascript
    log_in(desk, "reception")
    expect(desk).to_have_url(re.compile(r"/admin/bookings/appointment/diary/$"))
    first = monday_in(4)  # weeks where no other test books Sam Patel in the afternoon
    desk.get_by_label("Date").fill(first.isoformat())
    desk.get_by_role("button", name="Show").click()
    grid = desk.get_by_role("table", name=re.compile("Every practitioner"))
    expect(grid.get_by_role("columnheader", name="Sam Patel")).to_be_visible()
    label = f"Free to book: Sam Patel, {first:%A} {first.day} {first:%B} at 16:00"
    grid.get_by_role("link", name=label).click()

    expect(desk.get_by_label("Time:")).to_have_value("16:00")
    expect(desk.get_by_label("Date:")).to_have_value(first.isoformat())
    desk.get_by_label("Service:").select_option(label="Follow-up")
    desk.get_by_label("Number of sessions:").fill("6")
    desk.get_by_label("Or a new patient: name:").fill("Cora Course")
    desk.get_by_label("Email:").fill("cora.course@example.com")
    desk.get_by_label("Phone:").fill("07700 900432")
    desk.get_by_role("button", name="Check and book").click()

    plan = desk.get_by_role("table", name=re.compile("Each session"))
    expect(plan.get_by_role("row")).to_have_count(7)  # a header and six sessions
    expect(plan).not_to_contain_text("Clash")
    desk.get_by_role("button", name="Book these sessions").click()
    expect(desk.locator(".messagelist")).to_contain_text("Booked 6 sessions with Sam Patel")
    expect(desk.locator("#content-main")).to_contain_text("Cora Course")

    [confirmation] = site.wait_for_email("cora.course@example.com")
    body = text_of(confirmation)
    for week in range(6):
        day = first + timedelta(weeks=week)
        assert f"{day:%A} {day.day} {day:%B %Y}, 16:00" in body
    [ics] = [part for part in confirmation.iter_attachments()]
    assert ics.get_content().count("BEGIN:VEVENT") == 6

    # The patient cancels the first session by its link: the others stay booked.
    desk.goto(manage_link_in(confirmation))
    desk.get_by_role("button", name="Cancel this appointment").click()
    expect(desk.locator("main")).to_contain_text("Cancelled")
    desk.goto(f"/admin/bookings/appointment/diary/?date={first}")
    expect(desk.locator("#content-main table")).not_to_contain_text("Cora Course")
    desk.goto(f"/admin/bookings/appointment/diary/?date={first + timedelta(weeks=1)}")
    expect(desk.locator("#content-main table")).to_contain_text("Cora Course")


def test_a_waiting_patient_books_a_freed_time_from_the_emails_link(page, staff_page, site):
    day = weekday_in(3, 2)  # a Wednesday three weeks on: Jo Evans works, no other test books
    made = site.shell(
        "from datetime import datetime\n"
        "from django.utils import timezone\n"
        "from bookings import audit\n"
        "from bookings.booking import PatientDetails, book_appointment\n"
        "from bookings.models import Practitioner, Service\n"
        "start = timezone.make_aware(datetime.fromisoformat("
        f"'{day.isoformat()}T12:00'))\n"
        "a = book_appointment(Service.objects.get(slug='sports-massage-30'),"
        " Practitioner.objects.get(slug='jo-evans'), start,"
        " PatientDetails('Cass Cancel', 'cass.cancel@example.com', '07700 900111'),"
        " by=audit.SYSTEM)\n"
        "print(a.private_url())"
    )
    private = made.splitlines()[-1]

    page.goto("/book/sports-massage-30/")
    page.get_by_role("link", name="Join the waiting list").click()
    page.get_by_label("Your full name").fill("Wanda Waiting")
    page.get_by_label("Email address").fill("wanda.waiting@example.com")
    page.get_by_label("Phone number").fill("07700 900222")
    page.get_by_label("With").select_option(label="Jo Evans")
    page.get_by_role("checkbox", name="Wednesday").check()
    page.get_by_role("checkbox", name="Afternoon").check()
    page.get_by_label("Until when?").fill((day + timedelta(days=7)).isoformat())
    page.get_by_role("checkbox", name=re.compile("I agree")).check()
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your place on the waiting list")
    assert axe_violations(page) == [], describe(axe_violations(page))
    [welcome] = site.wait_for_email("wanda.waiting@example.com")
    assert urlparse(page.url).path in text_of(welcome)

    staff_page.goto(private)  # the other patient cancels: the time frees
    staff_page.get_by_role("button", name="Cancel this appointment").click()
    expect(staff_page.locator("main")).to_contain_text("Cancelled")

    offers = site.wait_for_email("wanda.waiting@example.com", count=2, timeout=20)
    offer = next(m for m in offers if m["Subject"].startswith("A time has come free"))
    link = re.search(r"https?://\S+/waitlist/\S+/jo-evans/\S+/", text_of(offer)).group(0)
    assert f"{day.isoformat()}T12:00" in link
    page.goto(urlparse(link).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("A time has come free")
    assert axe_violations(page) == [], describe(axe_violations(page))
    page.get_by_role("checkbox", name=re.compile("I agree")).check()
    page.get_by_role("button", name=re.compile(r"^Book ")).click()
    expect_appointment_page(page)
    expect(page.locator("main dl")).to_contain_text("Jo Evans")
    expect(page.locator("main dl")).to_contain_text("12:00")

    page.goto(urlparse(link).path)  # a second click: the time is gone
    expect(page.get_by_role("heading", level=1)).to_have_text("That time is no longer free")
    expect(page.locator("main")).to_contain_text("You have booked a time from the list already")
    assert axe_violations(page) == [], describe(axe_violations(page))


@pytest.mark.parametrize("screen", ["page", "narrow"])
def test_the_waiting_list_form_is_axe_clean_and_its_errors_too(request, screen):
    page = request.getfixturevalue(screen)
    page.goto("/book/initial-assessment/waitlist/")
    assert axe_violations(page) == [], describe(axe_violations(page))
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.get_by_role("alert")).to_contain_text("Please tick at least one day")
    assert axe_violations(page) == [], describe(axe_violations(page))


def test_the_diary_grid_the_week_and_the_phone_booking_form_are_axe_clean(staff_page):
    desk = staff_page
    log_in(desk, "reception")
    desk.goto(f"/admin/bookings/appointment/diary/?date={monday_in(1)}")
    assert axe_violations(desk) == [], describe(axe_violations(desk))
    desk.get_by_role("columnheader").get_by_role("link", name="Sam Patel").click()
    expect(desk.get_by_role("table", name=re.compile("Sam Patel's week"))).to_be_visible()
    assert axe_violations(desk) == [], describe(axe_violations(desk))
    desk.get_by_role("link", name=re.compile(r"^Free to book: Sam Patel")).first.click()
    expect(desk.get_by_label("Time:")).to_have_value(re.compile(r"\d\d:\d\d"))
    assert axe_violations(desk) == [], describe(axe_violations(desk))
    desk.get_by_role("button", name="Check and book").click()  # nobody named: an error
    expect(desk.locator(".errornote")).to_be_visible()
    assert axe_violations(desk) == [], describe(axe_violations(desk))
