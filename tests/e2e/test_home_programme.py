"""Home programmes in a real browser: a physio builds one in admin, the patient logs two
sessions on a phone, the physio sees the adherence; the patient's pages are axe clean."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.accessibility import axe_violations, describe
from tests.e2e.staff import PASSWORD, log_in

pytestmark = pytest.mark.e2e

# A physio's login (Alex Morgan's), and a patient Alex assessed last week.
SETUP = f"""
import json
from datetime import datetime, time, timedelta
from django.contrib.auth.models import Group, User
from django.utils import timezone
from bookings.models import Appointment, Patient, Practitioner, Service

user, created = User.objects.get_or_create(username="physio", defaults={{"is_staff": True}})
if created:
    user.set_password({PASSWORD!r})
    user.save()
    user.groups.add(Group.objects.get(name="Physiotherapist"))
alex = Practitioner.objects.get(slug="alex-morgan")
alex.user = user
alex.save()
service = Service.objects.get(slug="initial-assessment")
patient, _ = Patient.objects.get_or_create(
    email="pat.programme@example.com", defaults={{"name": "Pat Programme", "phone": "07700 900777"}}
)
day = timezone.localdate() - timedelta(days=7)
start = timezone.make_aware(datetime.combine(day, time(7)))
appointment = Appointment.objects.filter(patient=patient).first() or Appointment.objects.create(
    service=service, practitioner=alex, patient=patient, start=start,
    end=start + service.duration, blocked_until=start + service.duration + service.buffer,
    status="attended",
)
print(json.dumps({{"patient": patient.pk, "appointment": appointment.pk}}))
"""


# A first assessment three weeks ahead (at 07:00, before the diary's hours: no clash).
NEW_APPOINTMENT = """
import json
from datetime import datetime, time, timedelta
from django.utils import timezone
from bookings.models import Appointment, Patient, Practitioner, Service

service = Service.objects.get(slug="initial-assessment")
patient = Patient.objects.create(name="Ina Take", email="ina@example.com")
start = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=20), time(7)))
appointment = Appointment.objects.create(
    service=service, practitioner=Practitioner.objects.get(slug="sam-patel"), patient=patient,
    start=start, end=start + service.duration,
    blocked_until=start + service.duration + service.buffer,
)
print(json.dumps(appointment.token))
"""


def choose_in_autocomplete(page, field: str, text: str) -> None:
    """Django admin's autocomplete (select2): open it, type, pick the match."""
    page.locator(f".field-{field} .select2-selection").click()
    page.locator(".select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def log_a_session(phone, completion: str, pain: str, note: str) -> None:
    phone.get_by_role("radio", name=completion, exact=True).check()
    phone.get_by_label(re.compile(r"^Pain")).select_option(pain)
    phone.get_by_label(re.compile(r"^How hard it felt")).select_option("6")
    phone.get_by_label(re.compile(r"^A short note")).fill(note)
    phone.get_by_role("button", name="Save this session").click()
    expect(phone.get_by_role("status")).to_contain_text("your session is in your log")


def test_a_physio_builds_a_programme_the_patient_logs_two_sessions_the_physio_sees_adherence(
    site, page, phone
):
    json.loads(site.shell(SETUP).splitlines()[-1])

    # The physio builds the programme in admin.
    log_in(page, "physio")
    page.goto("/admin/care/programme/add/")
    choose_in_autocomplete(page, "patient", "Pat Programme")
    page.get_by_label("Title:").fill("Hamstring return to running")
    page.locator("#id_exercises-0-exercise").select_option(label="Nordic hamstring curl")
    page.locator("#id_exercises-0-reps").fill("5")
    page.locator("#id_exercises-0-effort_target").fill("7")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    link = page.locator(".field-private_link a").get_attribute("href")
    assert re.fullmatch(r"/programmes/[\w-]{43}/", link)

    # The patient opens it on a phone and logs two sessions, without needing an account.
    phone.goto(link)
    expect(phone.get_by_role("heading", name="Hamstring return to running")).to_be_visible()
    expect(phone.locator(".care-exercise")).to_contain_text("Nordic hamstring curl")
    expect(phone.locator(".care-exercise")).to_contain_text("3 sets of 5 reps")
    assert axe_violations(phone) == [], describe(axe_violations(phone))
    log_a_session(phone, "Done", "2", "Hamstrings tight")
    log_a_session(phone, "Partly done", "4", "Stopped after two sets")
    expect(phone.locator("main")).to_contain_text("2 of 3 sessions (67%)")
    expect(phone.locator("svg.adherence-chart")).to_be_visible()
    expect(phone.locator(".care-log")).to_contain_text("Stopped after two sets")
    assert axe_violations(phone) == [], describe(axe_violations(phone))
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"

    # The physio sees the adherence in the list, and the whole log on the programme's page.
    page.goto("/admin/care/programme/")
    row = page.locator("#result_list tr", has_text="Hamstring return to running")
    expect(row).to_contain_text("2 of 3 (67%)")
    row.get_by_role("link", name="Hamstring return to running").click()
    expect(page.locator(".field-whole_log")).to_contain_text("Hamstrings tight")
    expect(page.locator(".field-whole_log")).to_contain_text("Partly done")


def test_the_print_view_and_the_handout_download(site, phone):
    token = site.shell(
        "from care.models import Programme; print(Programme.objects.first().token)"
    ).splitlines()[-1]
    phone.goto(f"/programmes/{token}/print/")
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    assert axe_violations(phone) == [], describe(axe_violations(phone))
    phone.goto(f"/programmes/{token}/")
    with phone.expect_download() as download:
        phone.get_by_role("link", name=re.compile("Handout")).click()
    assert download.value.suggested_filename.endswith(".pdf")


def test_the_intake_form_is_axe_clean_and_an_urgent_answer_shows_the_clinics_message(site, phone):
    token = json.loads(site.shell(NEW_APPOINTMENT).splitlines()[-1])
    phone.goto(f"/appointments/{token}/")
    phone.get_by_role("link", name="Answer a few questions for your physio").click()
    assert axe_violations(phone) == [], describe(axe_violations(phone))
    phone.get_by_role("button", name="Send my answers").click()  # nothing filled in
    expect(phone.get_by_role("alert")).to_contain_text("Please answer this question.")
    assert axe_violations(phone) == [], describe(axe_violations(phone))
    phone.get_by_label("What is the injury or problem?").fill("Sore calf")
    for group in phone.locator("fieldset").all():
        answer = "Yes" if "chest pain" in group.inner_text().lower() else "No"
        group.get_by_role("radio", name=answer).check()
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("alert")).to_contain_text("NHS 111")
    assert axe_violations(phone) == [], describe(axe_violations(phone))
