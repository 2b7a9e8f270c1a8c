"""Staff logins for the browser tests (the users are created by conftest's `site`)."""

import re

PASSWORD = "e2e-Clinic-passw0rd!"  # noqa: S105 (a throw-away database)


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Log into Django admin through its login form, as a person would."""
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("log in", re.I)).click()
    # Reception lands in the diary; everyone else on the admin's index.
    page.wait_for_url(re.compile(r"/admin/(bookings/appointment/diary/)?$"))
