"""Booking with the keyboard alone: Tab to move, Enter to follow and send, Space to tick."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.booking import TIME_LINK
from tests.e2e.keyboard import focused, tab_to

pytestmark = pytest.mark.e2e


def test_a_keyboard_user_books_an_appointment_without_a_mouse(page, site):
    page.goto("/")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content", "the skip link comes first"

    tab_to(page, lambda el: el["href"] == "/book/")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/book/$"))

    tab_to(page, lambda el: el["href"] == "/book/initial-assessment/")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/book/initial-assessment/$"))

    page.wait_for_load_state()
    if not page.locator(TIME_LINK).count():  # late in the week: nothing free until Monday
        tab_to(page, lambda el: el["text"] == "Next week")
        page.keyboard.press("Enter")
        expect(page.locator(TIME_LINK).first).to_be_visible()
    slot = tab_to(
        page,
        lambda el: re.fullmatch(r"/book/initial-assessment/[\w-]+/[^/]+/", el["href"]) is not None,
    )
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(slot["href"]) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")

    for field, value in (
        ("name", "Kim Keyboard"),
        ("email", "kim.keyboard@example.com"),
        ("phone", "07700 900789"),
    ):
        tab_to(page, lambda el, field=field: el["name"] == field)
        page.keyboard.type(value)
    reached = tab_to(page, lambda el: el["name"] in ("consent", "website"))
    assert reached["name"] == "consent", "the honeypot field is not in the tab order"
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name=re.compile("I agree"))).to_be_checked()
    tab_to(page, lambda el: el["tag"] == "button" and el["text"].startswith("Book "))
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/appointments/[\w-]+/$"))
    expect(page.get_by_role("status")).to_contain_text("Your appointment is booked")
    site.wait_for_email("kim.keyboard@example.com")
