"""The back office: reception runs the day's diary; a content editor writes and publishes."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.e2e.booking import choose_first_free_time
from tests.e2e.staff import log_in

pytestmark = pytest.mark.e2e


def book_online(page, name: str, email: str, practitioner: str, week: date) -> str:
    """A patient books the first free time of `week` with `practitioner`; returns its day."""
    page.goto(f"/book/initial-assessment/?practitioner={practitioner}&week={week.isoformat()}")
    choose_first_free_time(page)
    page.get_by_label("Your full name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Phone number").fill("07700 900456")
    page.get_by_role("checkbox", name=re.compile("I agree")).check()
    page.get_by_role("button", name=re.compile(r"^Book ")).click()
    expect(page).to_have_url(re.compile(r"/appointments/[\w-]+/$"))
    return page.locator("main dl dd").nth(2).inner_text()


def next_week_monday() -> date:
    today = date.today()
    return date.fromordinal(today.toordinal() + 7 - today.weekday())


def test_reception_finds_the_days_appointments_in_the_diary_and_marks_one_attended(
    page, staff_page
):
    week = next_week_monday()
    when = book_online(page, "Dana Diary", "dana@example.com", "alex-morgan", week)
    book_online(page, "Eli Diary", "eli@example.com", "alex-morgan", week)
    day = date.fromisoformat(week.isoformat())
    for offset in range(7):  # the day the first free time fell on
        candidate = date.fromordinal(week.toordinal() + offset)
        if f"{candidate:%A} {candidate.day} {candidate:%B}" in when:
            day = candidate
            break

    desk = staff_page
    log_in(desk, "reception")
    desk.get_by_role("link", name="Appointments", exact=True).first.click()
    desk.get_by_role("link", name="Diary").click()
    desk.get_by_label("Date").fill(day.isoformat())
    desk.get_by_label("Practitioner").select_option(label="Alex Morgan")
    desk.get_by_role("button", name="Show").click()
    diary = desk.locator("#content-main")
    expect(diary.get_by_role("heading", level=2).first).to_contain_text(f"{day.day} {day:%B}")
    expect(diary).to_contain_text("Dana Diary")
    expect(diary).to_contain_text("Eli Diary")

    desk.get_by_role("link", name="Appointments").last.click()
    desk.get_by_role("searchbox").fill("Dana Diary")
    desk.get_by_role("button", name="Search").click()
    row = desk.locator("#result_list tbody tr", has_text="Dana Diary")
    expect(row).to_have_count(1)
    row.get_by_role("checkbox").check()
    desk.get_by_role("combobox", name="Action").select_option(label="Mark attended")
    desk.get_by_role("button", name="Run").or_(desk.get_by_role("button", name="Go")).click()
    expect(desk.locator(".messagelist")).to_contain_text("attended")
    expect(desk.locator("#result_list tbody tr", has_text="Dana Diary")).to_contain_text("Attended")

    desk.goto(f"/admin/bookings/appointment/diary/?date={day.isoformat()}")
    expect(desk.locator("#content-main tr", has_text="Dana Diary")).to_contain_text("Attended")
    expect(desk.locator("#content-main tr", has_text="Eli Diary")).to_contain_text("Confirmed")


def test_content_editor_drafts_previews_and_publishes_an_article(page, staff_page):
    editor = staff_page
    log_in(editor, "editor")
    editor.goto("/admin/programs/article/add/")
    # Typed key by key, as a person does: admin fills the slug in from the title as we type.
    editor.get_by_label("Title:", exact=True).press_sequentially(
        "Easing back into running after a hamstring strain"
    )
    slug = editor.get_by_label("Slug:", exact=True)
    expect(slug).to_have_value("easing-back-into-running-after-a-hamstring-strain")
    assert not editor.console_errors, editor.console_errors
    editor.get_by_label("Summary:", exact=True).fill("How our physios plan the first weeks back.")
    editor.get_by_label("Body:", exact=True).fill(
        "Start with **walking and easy jogging**.\n\n## Week one\n\nThree short runs."
    )
    editor.get_by_label("Author:", exact=True).fill("Alex Morgan")
    editor.get_by_label("Status:", exact=True).select_option(label="Draft")
    editor.get_by_role("button", name="Save and continue editing").click()
    expect(editor.locator(".messagelist")).to_contain_text("was added successfully")

    path = "/articles/easing-back-into-running-after-a-hamstring-strain/"
    assert page.goto(path).status == 404, "a draft is not public"
    preview = editor.context.new_page()
    preview.goto(path)
    expect(preview.get_by_role("status").first).to_contain_text(re.compile("draft", re.I))
    expect(preview.get_by_role("heading", level=1)).to_have_text(
        "Easing back into running after a hamstring strain"
    )
    expect(preview.locator("main strong", has_text="walking and easy jogging")).to_be_visible()
    preview.close()

    editor.get_by_label("Status:", exact=True).select_option(label="Published")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")

    assert page.goto(path).status == 200, "published: public"
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Easing back into running after a hamstring strain"
    )
    page.goto("/articles/")
    expect(page.locator("main")).to_contain_text("Easing back into running")


def test_content_editor_cannot_open_the_appointments(staff_page):
    log_in(staff_page, "editor")
    expect(staff_page.locator("#content-main")).not_to_contain_text("Appointments")
    response = staff_page.goto("/admin/bookings/appointment/")
    assert response.status == 403
    response = staff_page.goto("/admin/bookings/appointment/diary/")
    assert response.status == 403
