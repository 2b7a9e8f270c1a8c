"""axe-core on every public page and the booking flow: no WCAG 2.2 A or AA violation."""

import re
from datetime import date, timedelta
from urllib.parse import urlparse
from xml.etree import ElementTree

import pytest
from playwright.sync_api import expect

from tests.e2e.accessibility import axe_violations, describe
from tests.e2e.booking import choose_first_free_time

pytestmark = pytest.mark.e2e


def first_link(page, listing: str, pattern: str, prefer: str) -> str:
    page.goto(listing)
    links = page.locator(f"main a[href^='{listing}']")
    hrefs = [
        href
        for href in links.evaluate_all("els => els.map(e => e.getAttribute('href'))")
        if re.fullmatch(pattern, href)
    ]
    assert hrefs, f"no link like {pattern} on {listing}"
    return next((href for href in hrefs if prefer in href), hrefs[0])


def coming_saturday() -> date:
    """A day with no free times: the demo diary has no initial assessments on Saturdays."""
    today = date.today()
    return today + timedelta(days=(5 - today.weekday()) % 7)


def open_booking_form(page) -> None:
    page.goto("/book/initial-assessment/")
    choose_first_free_time(page, from_next_week=True)


def book(page, email: str) -> None:
    open_booking_form(page)
    page.get_by_label("Your full name").fill("Ada Access")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Phone number").fill("07700 900321")
    page.get_by_role("checkbox", name=re.compile("I agree")).check()
    page.get_by_role("button", name=re.compile(r"^Book ")).click()
    expect(page).to_have_url(re.compile(r"/appointments/[\w-]+/$"))


def go_to_booking_form_with_errors(page) -> None:
    open_booking_form(page)
    page.get_by_role("button", name=re.compile(r"^Book ")).click()
    expect(page.get_by_role("alert")).to_be_visible()


def go_to_move_week(page) -> None:
    book(page, "ada.moves@example.com")
    page.get_by_role("link", name="Choose a new time").click()


# Each page by name, with how a visitor reaches it.
PAGES = {
    "home": lambda page: page.goto("/"),
    "article list": lambda page: page.goto("/articles/"),
    "article": lambda page: page.goto(
        first_link(page, "/articles/", r"/articles/[\w-]+/", "hamstring")
    ),
    "exercise library": lambda page: page.goto("/exercises/"),
    "exercise library filtered": lambda page: page.goto("/exercises/?category=eccentric"),
    "exercise": lambda page: page.goto(
        first_link(page, "/exercises/", r"/exercises/[\w-]+/", "nordic")
    ),
    "plan list": lambda page: page.goto("/plans/"),
    "plan": lambda page: page.goto(first_link(page, "/plans/", r"/plans/[\w-]+/", "nordic")),
    "topic": lambda page: page.goto("/articles/tag/hamstrings/"),
    "exercise library by topic": lambda page: page.goto("/exercises/?tag=core"),
    "exercise with a drawing": lambda page: page.goto("/exercises/askling-glider/"),
    "plan with effort targets and a load chart": lambda page: page.goto(
        "/plans/runner-strength-8-weeks/"
    ),
    "load chart's table open": lambda page: (
        page.goto("/plans/runner-strength-8-weeks/"),
        page.get_by_text("The chart's figures, week by week").click(),
    ),
    "search results": lambda page: page.goto("/search/?q=hamstring"),
    "empty search": lambda page: page.goto("/search/?q="),
    "services": lambda page: page.goto("/book/"),
    "week of free times": lambda page: page.goto("/book/initial-assessment/"),
    "free times with one practitioner": lambda page: page.goto(
        "/book/initial-assessment/?practitioner=alex-morgan"
    ),
    "a day with no free times": lambda page: page.goto(
        f"/book/initial-assessment/?day={coming_saturday()}"
    ),
    "a day that has passed": lambda page: page.goto(
        f"/book/initial-assessment/?day={date.today() - timedelta(days=1)}"
    ),
    "booking form": open_booking_form,
    "booking form with errors": go_to_booking_form_with_errors,
    "appointment page": lambda page: book(page, "ada.access@example.com"),
    "choose a new time": go_to_move_week,
    "privacy": lambda page: page.goto("/privacy/"),
    "page not found": lambda page: page.goto("/no-such-page/"),
}


def test_axe_reports_a_missing_alt_text_so_a_clean_result_means_something(page):
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main></html>')
    assert [v["id"] for v in axe_violations(page)] == ["image-alt"]


@pytest.mark.parametrize("screen", ["page", "phone"])
@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_wcag_violations(request, name, screen):
    page = request.getfixturevalue(screen)
    PAGES[name](page)
    violations = axe_violations(page)
    assert not violations, f"{name} ({page.url}):\n{describe(violations)}"


@pytest.mark.parametrize("name", PAGES)
def test_page_reflows_at_320_pixels_without_sideways_scrolling(narrow, name):
    PAGES[name](narrow)
    overflow = narrow.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = narrow.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 5).map(el => el.outerHTML.slice(0, 120))""")
    assert overflow <= 0, f"{name} ({narrow.url}) is {overflow}px too wide: {wide}"


def test_every_page_in_the_sitemap_has_no_wcag_violations(page):
    sitemap = page.request.get("/sitemap.xml")
    assert sitemap.ok
    namespace = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    # Our own server's sitemap, not untrusted input.
    root = ElementTree.fromstring(sitemap.body())  # noqa: S314
    locations = root.findall(".//sm:loc", namespace)
    paths = [urlparse(loc.text).path for loc in locations]
    assert len(paths) > 5, paths
    problems = []
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        violations = axe_violations(page)
        if violations:
            problems.append(f"{path}:\n{describe(violations)}")
    assert not problems, f"{len(problems)} of {len(paths)} pages:\n" + "\n".join(problems)
