"""A patient booking over plain HTTP, as a browser would: the form, its CSRF token, the POST."""

import html
import http.client
import re
import threading
import time
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
    request_id: str = "",
) -> Answer:
    """POST the details form; success is a 303 to /appointments/<token>/. A
    ``request_id`` (8 or more letters, digits, dots, dashes) marks the server's log line."""
    cookie, token = form
    fields = {
        "csrfmiddlewaretoken": token,
        "name": name,
        "email": email,
        "phone": phone,
        "reason": "",
        "consent": "on",
        # A follow-up's form asks for an earlier assessment; other forms ignore it.
        "had_assessment": "on",
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
            **({"X-Request-ID": request_id} if request_id else {}),
        },
    )


def book(base_url: str, form_path: str, name: str, email: str) -> Answer:
    form = open_form(base_url, form_path)
    if isinstance(form, Answer):
        return form
    return submit(base_url, form_path, form, name, email)


@dataclass
class Booking:
    """One patient's try: the form's GET, then (if the form opened) the POST."""

    number: int
    path: str
    email: str
    started: float  # seconds since the bookings began
    answer: Answer  # the POST's answer, or the form's when it did not open (status 0: none)
    form_seconds: float
    post_seconds: float | None = None  # None when the form did not open


class Bookings:
    """Patients booking distinct times, one every `interval` seconds, in the background.

    Patient N is called `name.format(N)`, with the address `email.format(N)`; every try
    is kept in `done`, with how long the form and the POST took.
    """

    def __init__(
        self,
        base_url: str,
        slots: list[str],
        interval: float,
        name: str = "Patient {}",
        email: str = "patient{}@example.com",
    ):
        self.base_url, self.slots, self.interval = base_url, slots, interval
        self.name, self.email = name, email
        self.done: list[Booking] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._dispatcher = threading.Thread(target=self._run, daemon=True)
        self.t0 = time.perf_counter()

    def _book(self, number: int, path: str) -> None:
        started = time.perf_counter()
        email = self.email.format(number)
        post_seconds = None
        try:
            form = open_form(self.base_url, path)
            form_seconds = time.perf_counter() - started
            if isinstance(form, Answer):
                answer = form
            else:
                posted = time.perf_counter()
                answer = submit(self.base_url, path, form, self.name.format(number), email)
                post_seconds = time.perf_counter() - posted
        except OSError as problem:
            answer, form_seconds = Answer(0, "", str(problem)), time.perf_counter() - started
        self.done.append(
            Booking(number, path, email, started - self.t0, answer, form_seconds, post_seconds)
        )

    def _run(self) -> None:
        for number, path in enumerate(self.slots):
            if self._stop.wait(self.interval):
                return
            thread = threading.Thread(target=self._book, args=(number, path))
            thread.start()
            self._threads.append(thread)

    def start(self) -> "Bookings":
        self.t0 = time.perf_counter()
        self._dispatcher.start()
        return self

    def stop(self) -> None:
        """No new bookings; waits for those under way."""
        self._stop.set()
        if self._dispatcher.is_alive():
            self._dispatcher.join()
        for thread in self._threads:
            thread.join()
