"""A runner books on a phone, gets the email, then reschedules and cancels by the private link."""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.booking import choose_first_free_time, expect_appointment_page, manage_link_in

pytestmark = pytest.mark.e2e

REASON = "Sore left hamstring after interval sessions"


def test_runner_books_on_a_phone_gets_the_email_reschedules_and_cancels(phone, site):
    page = phone
    email = "runner.phone@example.com"
    page.goto("/")
    page.get_by_role("link", name="Book an appointment").first.click()
    expect(page).to_have_url(re.compile(r"/book/$"))
    page.get_by_role("link", name="Initial assessment").click()
    expect(page).to_have_url(re.compile(r"/book/initial-assessment/"))
    chosen = choose_first_free_time(page, from_next_week=True)

    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    consent = page.get_by_role("checkbox", name=re.compile("I agree"))
    expect(consent).not_to_be_checked()
    expect(page.locator("main")).to_contain_text("Cancellation policy")
    page.get_by_label("Your full name").fill("Robin Runner")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Phone number").fill("07700 900123")
    page.get_by_label(re.compile("What would you like help with")).fill(REASON)
    consent.check()
    page.get_by_role("button", name=re.compile(r"^Book ")).click()

    expect_appointment_page(page)
    expect(page.get_by_role("status")).to_contain_text("Your appointment is booked")
    expect(page.locator("main")).to_contain_text("Confirmed")
    private_path = urlparse(page.url).path
    practitioner = page.locator("main dl dd").nth(1).inner_text()  # whoever was free

    confirmation = site.wait_for_email(email)[0]
    assert manage_link_in(confirmation) == private_path
    attachments = [part.get_filename() for part in confirmation.iter_attachments()]
    assert any(name and name.endswith(".ics") for name in attachments), attachments
    assert REASON not in confirmation.as_string(), "the reason must never be emailed"

    # Later, from the email: move it to another time.
    page.goto(site.url(manage_link_in(confirmation)))
    expect_appointment_page(page)
    page.get_by_role("link", name="Choose a new time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new time")
    times = page.locator("main .bookings-times a")
    expect(times.first).to_be_visible()
    new_time = times.nth(1) if times.count() > 1 else times.first
    new_label = new_time.get_attribute("aria-label") or new_time.text_content()
    new_start = new_time.get_attribute("href").rstrip("/").rsplit("/", 1)[-1]
    new_time.click()
    page.get_by_role("button", name=re.compile(r"^Move it to ")).click()
    expect_appointment_page(page)
    assert urlparse(page.url).path == private_path, "the same private link after a move"
    expect(page.get_by_role("status")).to_contain_text("has moved")
    moved_to = re.search(r"\d\d:\d\d", new_label).group(0)
    expect(page.locator("main dl")).to_contain_text(moved_to)
    site.wait_for_email(email, count=2)
    assert not offered(page, practitioner, new_start), "a booked time is not offered"

    page.get_by_role("button", name="Cancel this appointment").click()
    expect_appointment_page(page)
    expect(page.get_by_role("status")).to_contain_text("cancelled")
    expect(page.locator("main dl")).to_contain_text("Cancelled")
    expect(page.get_by_role("button", name="Cancel this appointment")).to_have_count(0)
    cancellation = site.wait_for_email(email, count=3)[-1]
    assert "cancel" in str(cancellation["Subject"]).lower()
    assert chosen, "a time was chosen"
    assert not page.console_errors, page.console_errors
    assert offered(page, practitioner, new_start), "cancelling frees the time"


def offered(page, practitioner: str, start: str) -> bool:
    """Whether `practitioner` (a name) is offered at `start` on that day's free times (in a
    page of its own, then closed)."""
    other = page.context.new_page()
    other.goto(f"/book/initial-assessment/?day={start[:10]}")
    other.get_by_role("navigation", name="Practitioner").get_by_role(
        "link", name=practitioner
    ).click()
    slug = re.search(r"practitioner=([\w-]+)", other.url).group(1)
    found = other.locator(f"main a[href='/book/initial-assessment/{slug}/{start}/']").count() > 0
    other.close()
    return found


def test_an_unknown_private_link_is_not_found(page):
    response = page.goto("/appointments/not-a-real-token/")
    assert response.status == 404
