"""A patient booking over plain HTTP, as a browser would: the form, its CSRF token, the POST."""

import html
import http.client
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode, urlparse

SLOT_LINK = r'href="(/book/{service}/[\w-]+/[^"/]+/)"'


@dataclass
class Answer:
    status: int
    location: str
    body: str
    cookies: list[str] = field(default_factory=list)


def request(
    base_url: str,
    method: str,
    path: str,
    body: str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 60,
) -> Answer:
    """One request on its own connection (each call is a separate client)."""
    address = urlparse(base_url)
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        cookies = response.headers.get_all("Set-Cookie") or []
        return Answer(
            response.status,
            response.headers.get("Location", ""),
            response.read().decode("utf-8", "replace"),
            cookies,
        )
    finally:
        conn.close()


def free_slot_paths(
    base_url: str, service: str = "initial-assessment", weeks: int = 4, practitioner: str = "any"
) -> list[str]:
    """Links to the booking form for every free time in the next `weeks` weeks (the
    service's page shows one day's times: one request per day)."""
    paths: list[str] = []
    for offset in range(weeks * 7):
        day = date.today() + timedelta(days=offset)
        query = urlencode({"practitioner": practitioner, "day": day.isoformat()})
        page = request(base_url, "GET", f"/book/{service}/?{query}")
        if page.status == 200:
            paths += re.findall(SLOT_LINK.format(service=re.escape(service)), page.body)
    return list(dict.fromkeys(html.unescape(path) for path in paths))


def open_form(base_url: str, form_path: str) -> tuple[str, str] | Answer:
    """The CSRF cookie and form token of a booking form, or the answer if it did not open."""
    page = request(base_url, "GET", form_path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    cookie = next((c.split(";")[0] for c in page.cookies if c.startswith("csrftoken=")), None)
    if page.status != 200 or not token or not cookie:
        return page
    return cookie, token.group(1)


def submit(
    base_url: str,
    form_path: str,
    form: tuple[str, str],
    name: str,
    email: str,
    phone: str = "07700 900123",
) -> Answer:
    """POST the details form; success is a 303 to /appointments/<token>/."""
    cookie, token = form
    fields = {
        "csrfmiddlewaretoken": token,
        "name": name,
        "email": email,
        "phone": phone,
        "reason": "",
        "consent": "on",
        "website": "",
    }
    return request(
        base_url,
        "POST",
        form_path,
        body=urlencode(fields),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Referer": base_url + form_path,
        },
    )


def book(base_url: str, form_path: str, name: str, email: str) -> Answer:
    form = open_form(base_url, form_path)
    if isinstance(form, Answer):
        return form
    return submit(base_url, form_path, form, name, email)
