"""Who may see patient data: every page that shows it, for every kind of visitor.

One rule (bookings/access.py), tested as a matrix: each row a page, each column a
visitor, each cell what they get. A private link opens its own appointment and nothing
else; staff see patient data only through the admin, and only reception and
physiotherapists (and superusers) see it there; only reception changes or exports it.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from bookings.booking import book_appointment
from bookings.models import Appointment, Patient

from .factories import days_ahead, make_appointment, make_patient, make_practitioner, make_service

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "link holder",
    "other link holder",
    "reception",
    "content editor",
    "physiotherapist",
    "superuser",
]
GROUPS = {
    "reception": "Reception",
    "content editor": "Content editor",
    "physiotherapist": "Physiotherapist",
}
GUESSED_TOKEN = "a-token-nobody-was-given-0123456789"

SHOWS = "shows"  # 200, with the patient's data (or the action done)
OWN = "own"  # 200, the visitor's own appointment: none of the patient's data
LOGIN = "login"  # sent to the admin's login page
DENIED = "denied"  # 403
MISSING = "missing"  # 404
REFUSED = "refused"  # the action is not there for them: no file, nothing asked


@dataclass
class World:
    ann: Patient
    a: Appointment  # Ann's appointment: the data every page is asked about
    b: Appointment  # someone else's, whose link the "other link holder" has


@pytest.fixture
def world(db) -> World:
    knee = make_service(name="Knee assessment")
    massage = make_service(name="Sports massage")
    practitioner = make_practitioner(knee, massage, name="Sam Patel")
    ann = make_patient(name="Ann Runner")
    # Booked as online, so the audit trail and the outbox hold entries about it too.
    a = book_appointment(knee, practitioner, days_ahead(3, 10), ann, reason="sore knee")
    bob = make_patient(name="Bob Jogger", email="bob@example.com")
    b = make_appointment(practitioner, massage, days_ahead(4, 10), patient=bob)
    return World(ann, a, b)


def visitor(role: str, world: World) -> tuple[Client, str]:
    """A browser for the role, and the private-link token it holds (or could guess)."""
    client = Client()
    token = {"link holder": world.a.token, "other link holder": world.b.token}.get(
        role, GUESSED_TOKEN
    )
    if role == "superuser":
        client.force_login(User.objects.create_superuser("boss", "boss@clinic.example"))
    elif role in GROUPS:
        user = User.objects.create(username=role.replace(" ", "-"), is_staff=True)
        user.groups.add(Group.objects.get(name=GROUPS[role]))
        client.force_login(user)
    return client, token


def is_file(response) -> bool:
    kind = response.get("Content-Type", "")
    return response.status_code == 200 and kind.startswith(("application/json", "text/csv"))


def asks_to_erase(response) -> bool:
    return response.status_code == 200 and b"Yes, erase" in response.content


def autocomplete(w, token):
    return (
        "/admin/autocomplete/?app_label=bookings&model_name=appointment&field_name=patient&term=Ann"
    )


def patient_action(action):
    return lambda w, token: {"action": action, "_selected_action": [w.ann.pk]}


def appointment_action(action):
    return lambda w, token: {"action": action, "_selected_action": [w.a.pk]}


# page: (url, POST data or None, what proves the patient's data is there)
PAGES = {
    "private page": (lambda w, t: f"/appointments/{t}/", None, b"Knee assessment"),
    "private move page": (lambda w, t: f"/appointments/{t}/move/", None, b"Knee assessment"),
    "patient list": (lambda w, t: "/admin/bookings/patient/", None, b"Ann Runner"),
    "patient record": (
        lambda w, t: f"/admin/bookings/patient/{w.ann.pk}/change/",
        None,
        b"sore knee",
    ),
    "patient split page": (
        lambda w, t: f"/admin/bookings/patient/{w.ann.pk}/split/",
        None,
        b"Ann Runner",
    ),
    "new patient form": (lambda w, t: "/admin/bookings/patient/add/", None, None),
    "patient search": (autocomplete, None, b"Ann Runner"),
    "appointment list": (lambda w, t: "/admin/bookings/appointment/", None, b"Ann Runner"),
    "appointment record": (
        lambda w, t: f"/admin/bookings/appointment/{w.a.pk}/change/",
        None,
        b"sore knee",
    ),
    "phone booking form": (lambda w, t: "/admin/bookings/appointment/add/", None, None),
    "diary": (
        lambda w, t: f"/admin/bookings/appointment/diary/?date={w.a.start:%Y-%m-%d}",
        None,
        b"Ann Runner",
    ),
    "diary phone booking": (lambda w, t: "/admin/bookings/appointment/diary/book/", None, None),
    "waiting list": (lambda w, t: "/admin/bookings/waitlistentry/", None, None),
    "audit trail": (lambda w, t: "/admin/bookings/auditentry/", None, b"Ann Runner"),
    "email outbox": (lambda w, t: "/admin/bookings/appointmentemail/", None, None),
    "export all held": (
        lambda w, t: "/admin/bookings/patient/",
        patient_action("export_everything"),
        is_file,
    ),
    "erase (asks first)": (
        lambda w, t: "/admin/bookings/patient/",
        patient_action("erase"),
        asks_to_erase,
    ),
    "appointments as CSV": (
        lambda w, t: "/admin/bookings/appointment/",
        appointment_action("export_csv"),
        is_file,
    ),
}

A = MISSING  # a guessed link: what anyone but its holder gets
# fmt: off
EXPECTED = {
    #                       anon    holder  other  recept. editor  physio   super
    "private page":         (A,      SHOWS,  OWN,   A,      A,      A,       A),
    "private move page":    (A,      SHOWS,  OWN,   A,      A,      A,       A),
    "patient list":         (LOGIN,  LOGIN,  LOGIN, SHOWS,  DENIED, SHOWS,   SHOWS),
    "patient record":       (LOGIN,  LOGIN,  LOGIN, SHOWS,  DENIED, SHOWS,   SHOWS),
    "patient split page":   (LOGIN,  LOGIN,  LOGIN, SHOWS,  DENIED, DENIED,  SHOWS),
    "new patient form":     (LOGIN,  LOGIN,  LOGIN, SHOWS,  DENIED, DENIED,  SHOWS),
    "patient search":       (LOGIN,  LOGIN,  LOGIN, SHOWS,  DENIED, SHOWS,   SHOWS),
    "appointment list":     (LOGIN,  LOGIN,  LOGIN, SHOWS,  DENIED, SHOWS,   SHOWS),
    "appointment record":   (LOGIN,  LOGIN,  LOGIN, SHOWS,  DENIED, SHOWS,   SHOWS),
    "phone booking form":   (LOGIN,  LOGIN,  LOGIN, SHOWS,  DENIED, DENIED,  SHOWS),
    "diary":                (LOGIN,  LOGIN,  LOGIN, SHOWS,  DENIED, SHOWS,   SHOWS),
    "diary phone booking":  (LOGIN,  LOGIN,  LOGIN, SHOWS,  DENIED, DENIED,  SHOWS),
    "waiting list":         (LOGIN,  LOGIN,  LOGIN, SHOWS,  DENIED, DENIED,  SHOWS),
    "audit trail":          (LOGIN,  LOGIN,  LOGIN, SHOWS,  DENIED, SHOWS,   SHOWS),
    "email outbox":         (LOGIN,  LOGIN,  LOGIN, SHOWS,  DENIED, DENIED,  SHOWS),
    "export all held":      (LOGIN,  LOGIN,  LOGIN, SHOWS,  DENIED, REFUSED, SHOWS),
    "erase (asks first)":   (LOGIN,  LOGIN,  LOGIN, SHOWS,  DENIED, REFUSED, SHOWS),
    "appointments as CSV":  (LOGIN,  LOGIN,  LOGIN, SHOWS,  DENIED, REFUSED, SHOWS),
}
# fmt: on


def test_the_matrix_covers_every_page_and_every_kind_of_visitor():
    assert set(EXPECTED) == set(PAGES)
    assert all(len(row) == len(ROLES) for row in EXPECTED.values())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_who_may_see_patient_data(world, page, role):
    url, post, proof = PAGES[page]
    expected = EXPECTED[page][ROLES.index(role)]
    client, token = visitor(role, world)
    address = url(world, token)
    response = client.post(address, post(world, token)) if post else client.get(address)

    status = response.status_code
    if expected == LOGIN:
        assert status == 302 and response["Location"].startswith("/admin/login/")
    elif expected == DENIED:
        assert status == 403
    elif expected == MISSING:
        assert status == 404
    elif expected == REFUSED:
        assert not proof(response)
    elif expected == OWN:
        assert status == 200 and proof not in response.content
    else:
        assert status == 200
        if callable(proof):
            assert proof(response)
        elif proof is not None:
            assert proof in response.content
    if expected in (LOGIN, DENIED, MISSING, OWN):
        assert b"Ann Runner" not in response.content and b"sore knee" not in response.content


def test_a_content_editor_sees_nothing_of_bookings_on_the_admin_index(world):
    client, _ = visitor("content editor", world)
    index = client.get("/admin/").content
    assert b"Patients" not in index and b"Appointments" not in index


def test_a_physiotherapist_reads_records_but_not_the_diarys_configuration(world):
    client, _ = visitor("physiotherapist", world)
    index = client.get("/admin/").content
    assert b"Patients" in index and b"Appointments" in index
    assert b"Practitioners" not in index and b"Booking rules" not in index
    assert client.get("/admin/bookings/practitioner/").status_code == 403
    assert client.get("/admin/bookings/bookingrules/").status_code == 403


def test_a_physiotherapist_cannot_change_an_appointment(world):
    client, _ = visitor("physiotherapist", world)
    url = f"/admin/bookings/appointment/{world.a.pk}/change/"
    response = client.post(url, {"status": "cancelled", "reason": "", "start_0": "", "start_1": ""})
    assert response.status_code == 403
    world.a.refresh_from_db()
    assert world.a.status == "confirmed"


def test_an_inactive_member_of_reception_sees_nothing(world):
    from bookings import access

    user = User.objects.create(username="left", is_staff=True, is_active=False)
    user.groups.add(Group.objects.get(name="Reception"))
    assert not access.can_view_patient_data(user)
    assert not access.patients_visible_to(user).exists()
