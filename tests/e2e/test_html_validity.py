"""Every public page type and every email's HTML passes the W3C Nu HTML checker.

The checker (vnu-jar from npm, run with Debian's Java) reads the HTML exactly as the
server sent it, not as a browser repaired it.
"""

import json
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

VNU = Path(__file__).parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PAGES = [
    "/",
    "/articles/",
    "/articles/why-hamstring-strength-matters-for-runners/",
    "/exercises/",
    "/exercises/nordic-hamstring-curl/",
    "/plans/",
    "/plans/nordic-hamstring-programme/",
    # The second round of content: topics, drawings, effort targets and the load chart.
    "/articles/tag/hamstrings/",
    "/articles/back-from-a-hamstring-strain-lengthening-exercises/",
    "/exercises/?tag=core",
    "/exercises/askling-glider/",
    "/plans/runner-strength-8-weeks/",
    "/plans/hamstring-strain-lengthening-exercises/",
    "/search/?q=hamstring",
    "/book/",
    "/book/initial-assessment/",
    "/book/initial-assessment/waitlist/",
    "/privacy/",
    "/no-such-page/",
]
# A booking made in the site's database, its pages, and every kind of email about it.
BOOKING_SCRIPT = """
import json
from datetime import timedelta
from django.utils import timezone
from bookings.availability import load_schedule
from bookings.booking import PatientDetails, book_appointment
from bookings.emails import build_message
from bookings.models import AppointmentEmail, Service

service = Service.objects.get(slug="initial-assessment")
today = timezone.localdate()
slot = load_schedule(service, today + timedelta(days=7), today + timedelta(days=21)).free_slots()[0]
practitioner = next(p for p in service.practitioners.all() if p.pk == slot.practitioner_id)
patient = PatientDetails("Val Nu", "val.nu@example.com", "07700 900555")
appointment = book_appointment(service, practitioner, slot.start, patient)
start = timezone.localtime(slot.start)
emails = {}
for kind in AppointmentEmail.Kind.values:
    outbox = AppointmentEmail(appointment=appointment, kind=kind, previous_start=slot.start)
    emails[kind] = build_message(outbox, timezone.now()).alternatives[0].content
print(json.dumps({
    "private": appointment.private_url(),
    "details": f"/book/{service.slug}/{practitioner.slug}/{start:%Y-%m-%dT%H:%M}/",
    "emails": emails,
}))
"""
# The home programme's private pages (seed_demo's demo programme and a first assessment),
# and the "email me this programme again" message.
CARE_SCRIPT = """
import json
from django.template.loader import render_to_string
from bookings.models import Appointment
from care.models import Programme
from clinic.models import ClinicDetails

programme = Programme.objects.first()
first = Appointment.objects.filter(  # the booking above: its form is not sent yet
    status="confirmed", service__slug="initial-assessment", intake__isnull=True
).last()
print(json.dumps({
    "pages": [programme.private_url(), programme.private_url() + "print/",
              first.private_url() + "intake/"],
    "email": render_to_string("care/emails/programme_link.html", {
        "clinic": ClinicDetails.current(), "programme_url": programme.private_url()}),
}))
"""

# A waiting-list entry and an offer: their private pages, and the list's emails.
WAITLIST_SCRIPT = """
import json
from datetime import timedelta
from django.utils import timezone
from bookings import waitlist
from bookings.availability import load_schedule
from bookings.models import Practitioner, Service, WaitlistOffer

service = Service.objects.get(slug="sports-massage-30")
today = timezone.localdate()
slot = load_schedule(service, today + timedelta(days=7), today + timedelta(days=21)).free_slots()[0]
practitioner = Practitioner.objects.get(pk=slot.practitioner_id)
entry = waitlist.join(
    service, None, name="Wil Wait", email="wil.wait@example.com", phone="07700 900556",
    days="0123456", parts_of_day="mae", until=today + timedelta(days=30),
)
offer = WaitlistOffer.objects.create(entry=entry, practitioner=practitioner, start=slot.start)
print(json.dumps({
    "entry": f"/waitlist/{entry.token}/",
    "offer": waitlist.offer_path(entry, practitioner, slot.start),
    "emails": {
        "waitlist-welcome": waitlist._welcome(entry).alternatives[0].content,
        "waitlist-offer": waitlist._offer(offer).alternatives[0].content,
    },
}))
"""


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our server)
            return response.read().decode()
    except urllib.error.HTTPError as error:  # a 404 page is a page too
        return error.read().decode()


def nu_errors(files: list[Path]) -> list[str]:
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr)["messages"]
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']} ({m.get('extract')})"
        for m in messages
        if m["type"] == "error"
    ]


def test_every_page_type_and_email_passes_the_nu_html_checker(site, tmp_path):
    booking = json.loads(site.shell(BOOKING_SCRIPT).splitlines()[-1])
    documents = {path: fetch(site.base_url + path) for path in PAGES}
    documents[booking["details"]] = fetch(site.base_url + booking["details"])
    documents[booking["private"]] = fetch(site.base_url + booking["private"])
    documents.update({f"email-{kind}": html for kind, html in booking["emails"].items()})
    care = json.loads(site.shell(CARE_SCRIPT).splitlines()[-1])
    documents.update({path: fetch(site.base_url + path) for path in care["pages"]})
    assert "Send my answers" in documents[care["pages"][-1]]
    documents["email-programme-link"] = care["email"]
    assert len(booking["emails"]) == 8
    waiting = json.loads(site.shell(WAITLIST_SCRIPT).splitlines()[-1])
    for path in (waiting["entry"], waiting["offer"]):
        documents[path] = fetch(site.base_url + path)
    documents.update(waiting["emails"])

    files = []
    for number, (name, html) in enumerate(documents.items()):
        assert "<html" in html, f"{name} sent no HTML"
        path = tmp_path / f"{number:02d}-{name.strip('/').replace('/', '_') or 'home'}.html"
        path.write_text(html)
        files.append(path)
    assert nu_errors(files) == []
