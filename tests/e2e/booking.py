"""Steps of the booking flow that several browser tests share."""

import re
from datetime import date
from urllib.parse import urlparse

from playwright.sync_api import expect

TIME_LINK = "main .bookings-times a"


def choose_first_free_time(page, weeks: int = 4, from_next_week: bool = False) -> str:
    """On a week of free times, follow the first free time (moving on a week if none).

    `from_next_week` skips to a week that starts at least two days away, so the
    appointment can still be changed online (outside the late-cancellation window).
    """
    if from_next_week:
        for _ in range(2 if date.today().weekday() >= 5 else 1):
            page.get_by_role("link", name="Next week").click()
    for _ in range(weeks):
        page.wait_for_load_state()
        times = page.locator(TIME_LINK)
        if times.count():
            label = times.first.get_attribute("aria-label") or times.first.text_content()
            times.first.click()
            return label
        page.get_by_role("link", name="Next week").click()
    raise AssertionError(f"no free time in {weeks} weeks at {page.url}")


def manage_link_in(message) -> str:
    """The private appointment link in an email's text part, as a path."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://\S+/appointments/[\w-]+/", text)
    assert match, f"no private link in the email:\n{text}"
    return urlparse(match.group(0)).path


def expect_appointment_page(page):
    expect(page).to_have_url(re.compile(r"/appointments/[\w-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your appointment")
