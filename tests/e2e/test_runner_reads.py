"""A runner reads about hamstrings, learns the Nordic curl and takes the Nordic plan home."""

import re
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def next_monday() -> date:
    today = date.today()
    return today + timedelta(days=7 - today.weekday())


def test_runner_reads_the_hamstring_article_and_takes_the_nordic_plan_calendar_home(page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    article = re.compile("hamstring strength matters", re.I)  # the clinic's first article
    page.locator("a[href^='/articles/']", has_text=article).first.click()
    expect(page).to_have_url(re.compile(r"/articles/[\w-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("hamstring", re.I))
    expect(page.locator("main")).to_contain_text(re.compile("Nordic", re.I))

    page.locator("main a[href^='/exercises/']", has_text=re.compile("Nordic", re.I)).first.click()
    expect(page).to_have_url(re.compile(r"/exercises/[\w-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("Nordic", re.I))

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Plans").click()
    expect(page).to_have_url(re.compile(r"/plans/$"))
    page.locator("main a[href^='/plans/']", has_text=re.compile("Nordic", re.I)).first.click()
    expect(page).to_have_url(re.compile(r"/plans/[\w-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("Nordic", re.I))
    expect(page.get_by_role("heading", name=re.compile(r"^Week 10\b"))).to_be_visible()

    start = next_monday()
    page.get_by_label(re.compile("first day", re.I)).fill(start.isoformat())
    with page.expect_download() as download_info:
        page.get_by_role("button", name=re.compile("calendar", re.I)).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = Calendar.from_ical(download.path().read_bytes())
    days = sorted(event.decoded("dtstart") for event in calendar.walk("VEVENT"))
    # The cited protocol: 27 sessions over 10 weeks, from the week the runner chose.
    assert len(days) == 27, f"{len(days)} events in the plan calendar"
    assert start <= days[0] < start + timedelta(weeks=1)
    assert days[-1] < start + timedelta(weeks=10)
    assert not page.console_errors, page.console_errors


def test_a_calendar_start_that_is_not_a_date_is_refused_with_a_message(page):
    page.goto("/plans/")
    plan = page.locator("main a[href^='/plans/']", has_text=re.compile("Nordic", re.I)).first
    slug_path = plan.get_attribute("href")
    response = page.goto(f"{slug_path}calendar.ics?start=next-tuesday")
    assert response.status == 400
    expect(page.locator("body")).to_contain_text(re.compile("date", re.I))


def open_nordic_plan(page) -> None:
    page.goto("/plans/")
    page.locator("main a[href^='/plans/']", has_text=re.compile("Nordic", re.I)).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("Nordic", re.I))


def test_the_plan_reads_on_a_phone_without_sideways_scrolling(phone):
    open_nordic_plan(phone)
    expect(phone.get_by_role("heading", name=re.compile(r"^Week 10\b"))).to_be_visible()
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"


def test_the_plan_prints_without_navigation_or_the_call_to_book(page):
    open_nordic_plan(page)
    expect(page.locator(".book-cta")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.locator(".book-cta")).to_be_hidden()
    expect(page.get_by_role("heading", name=re.compile(r"^Week 10\b"))).to_be_visible()
