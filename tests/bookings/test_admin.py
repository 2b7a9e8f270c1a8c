import csv
import io

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import Appointment, AuditEntry

from .factories import days_ahead, make_appointment, make_service

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/bookings/appointment/"


def staff_in(group: Group) -> User:
    # No password: tests log in with force_login, and hashing one is slow.
    user = User.objects.create(username="someone", email="someone@example.com", is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def reception(client):
    client.force_login(staff_in(Group.objects.get(name="Reception")))
    return client


def test_a_content_editor_cannot_see_appointments(client, service, practitioner):
    editors = Group.objects.create(name="Content editors")  # no bookings permissions
    client.force_login(staff_in(editors))
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(CHANGELIST + "diary/").status_code == 403


def test_reception_can_open_the_appointment_list(reception, service, practitioner):
    make_appointment(practitioner, service, days_ahead(2, 10), patient_name="Ann Runner")
    response = reception.get(CHANGELIST)
    assert response.status_code == 200
    assert b"Ann Runner" in response.content
    assert b"/admin/bookings/appointment/diary/" in response.content


def test_reception_can_search_appointments_by_patient(reception, service, practitioner):
    make_appointment(practitioner, service, days_ahead(2, 10), patient_name="Ann Runner")
    make_appointment(practitioner, service, days_ahead(3, 10), patient_name="Bob Jogger")
    response = reception.get(CHANGELIST + "?q=jogger")
    assert b"Bob Jogger" in response.content and b"Ann Runner" not in response.content


def test_the_diary_shows_a_practitioners_day(reception, service, practitioner):
    appointment = make_appointment(practitioner, service, days_ahead(2, 10))
    day = days_ahead(2, 10).date()
    response = reception.get(f"{CHANGELIST}diary/?practitioner={practitioner.pk}&date={day}")
    assert response.status_code == 200
    assert list(response.context["days"]) == [(day, [appointment])]


def test_the_diary_shows_a_week(reception, service, practitioner):
    make_appointment(practitioner, service, days_ahead(2, 10))
    response = reception.get(f"{CHANGELIST}diary/?span=week")
    assert len(response.context["days"]) == 7


def test_cancel_action_cancels_and_tells_the_patient(reception, service, practitioner, run_tasks):
    appointment = make_appointment(practitioner, service, days_ahead(0, 23))
    reception.post(
        CHANGELIST, {"action": "cancel_with_notice", "_selected_action": [appointment.pk]}
    )
    run_tasks()
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    cancelled = AuditEntry.objects.get(kind="cancelled")
    assert (cancelled.by, cancelled.user.username) == ("staff", "someone")
    assert mail.outbox[0].to == ["ann@example.com"]


def test_mark_attended_and_no_show_actions(reception, service, practitioner):
    first = make_appointment(practitioner, service, days_ahead(-2, 10))
    second = make_appointment(practitioner, service, days_ahead(-1, 10))
    reception.post(CHANGELIST, {"action": "mark_attended", "_selected_action": [first.pk]})
    reception.post(CHANGELIST, {"action": "mark_no_show", "_selected_action": [second.pk]})
    assert Appointment.objects.get(pk=first.pk).status == "attended"
    assert Appointment.objects.get(pk=second.pk).status == "no_show"


def test_resend_confirmation_action_emails_the_patient(reception, service, practitioner, run_tasks):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    reception.post(
        CHANGELIST, {"action": "resend_confirmation", "_selected_action": [appointment.pk]}
    )
    assert mail.outbox == []  # queued, not sent inside reception's request
    run_tasks()
    assert mail.outbox[0].to == ["ann@example.com"]
    assert Appointment.objects.get().confirmation_sent_at is not None


def test_export_csv_lists_appointments_without_the_reason(reception, service, practitioner):
    appointment = make_appointment(
        practitioner, service, days_ahead(3, 10), reason="private", patient_name="=cmd()"
    )
    response = reception.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [appointment.pk]}
    )
    content = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "'=cmd()" in content and "private" not in content


def test_reception_cannot_book_an_overlapping_time_by_phone(reception, service, practitioner):
    taken = make_appointment(practitioner, service, days_ahead(3, 10))
    local = days_ahead(3, 10, 30)
    response = reception.post(
        CHANGELIST + "add/",
        {
            "service": service.pk,
            "practitioner": practitioner.pk,
            "start_0": local.strftime("%d/%m/%Y"),
            "start_1": local.strftime("%H:%M"),
            "status": "confirmed",
            "patient_name": "Phone Caller",
            "patient_email": "",
            "patient_phone": "07700 900999",
            "reason": "",
        },
    )
    assert response.status_code == 200
    assert b"already has an appointment" in response.content
    assert Appointment.objects.get() == taken


def test_reception_can_book_a_free_time_by_phone(reception, service, practitioner):
    local = days_ahead(3, 10)
    response = reception.post(
        CHANGELIST + "add/",
        {
            "service": service.pk,
            "practitioner": practitioner.pk,
            "start_0": local.strftime("%d/%m/%Y"),
            "start_1": local.strftime("%H:%M"),
            "status": "confirmed",
            "patient_name": "Phone Caller",
            "patient_email": "",
            "patient_phone": "07700 900999",
            "reason": "",
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.blocked_until == local + service.duration + service.buffer


def test_the_diary_survives_an_odd_date(reception, db):
    assert reception.get(f"{CHANGELIST}diary/?date=9999-12-31&span=week").status_code == 200


def test_a_practitioner_with_a_login_sees_their_own_diary_first(reception, service, practitioner):
    practitioner.user = User.objects.get(username="someone")
    practitioner.save()
    response = reception.get(f"{CHANGELIST}diary/")
    assert response.context["chosen"] == practitioner


def test_moving_an_appointment_in_the_admin_tells_the_patient(
    reception, service, practitioner, run_tasks
):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    new_start = days_ahead(3, 15)
    response = reception.post(
        f"{CHANGELIST}{appointment.pk}/change/",
        {
            "service": service.pk,
            "practitioner": practitioner.pk,
            "start_0": new_start.strftime("%d/%m/%Y"),
            "start_1": new_start.strftime("%H:%M"),
            "status": "confirmed",
            "patient_name": "Ann Runner",
            "patient_email": "ann@example.com",
            "patient_phone": "07700 900123",
            "reason": "",
        },
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == new_start
    assert appointment.blocked_until == new_start + service.duration + service.buffer
    run_tasks()
    assert mail.outbox[0].subject.startswith("Moved")


def test_a_member_of_the_content_editor_group_cannot_see_appointments(
    client, service, practitioner
):
    make_appointment(practitioner, service, days_ahead(2, 10), patient_name="Ann Runner")
    client.force_login(staff_in(Group.objects.get(name="Content editor")))
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(CHANGELIST + "diary/").status_code == 403
    assert b"Ann Runner" not in client.get("/admin/").content


def test_the_admin_history_of_a_phone_booking_holds_no_patient_name(
    reception, service, practitioner
):
    from django.contrib.admin.models import LogEntry

    local = days_ahead(3, 10)
    reception.post(
        CHANGELIST + "add/",
        {
            "service": service.pk,
            "practitioner": practitioner.pk,
            "start_0": local.strftime("%d/%m/%Y"),
            "start_1": local.strftime("%H:%M"),
            "status": "confirmed",
            "patient_name": "Phone Caller",
            "patient_email": "",
            "patient_phone": "07700 900999",
            "reason": "",
        },
    )
    entry = LogEntry.objects.get()
    assert "Phone Caller" not in entry.object_repr
    assert practitioner.name in entry.object_repr


def test_marking_a_cancelled_appointment_attended_leaves_it_cancelled(
    reception, service, practitioner
):
    cancelled = make_appointment(practitioner, service, days_ahead(-1, 10), status="cancelled")
    make_appointment(practitioner, service, days_ahead(-1, 10))  # its time, booked again
    response = reception.post(
        CHANGELIST, {"action": "mark_attended", "_selected_action": [cancelled.pk]}
    )
    assert response.status_code == 302
    assert Appointment.objects.get(pk=cancelled.pk).status == "cancelled"


def test_export_csv_defuses_names_starting_with_a_tab(reception, service, practitioner):
    appointment = make_appointment(
        practitioner, service, days_ahead(3, 10), patient_name="\t=cmd()"
    )
    response = reception.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [appointment.pk]}
    )
    assert "'\t=cmd()" in response.content.decode()


def test_the_admin_view_on_site_redirect_never_reveals_a_private_link(
    client, service, practitioner
):
    from django.contrib.contenttypes.models import ContentType

    appointment = make_appointment(practitioner, service, days_ahead(2, 10))
    client.force_login(staff_in(Group.objects.get(name="Content editor")))
    kind = ContentType.objects.get_for_model(Appointment)
    response = client.get(f"/admin/r/{kind.pk}/{appointment.pk}/")
    assert response.status_code == 404
    assert appointment.token not in response.get("Location", "")


def test_reception_cancels_appointments_but_cannot_delete_them(reception, service, practitioner):
    appointment = make_appointment(practitioner, service, days_ahead(3, 10))
    assert reception.get(f"{CHANGELIST}{appointment.pk}/delete/").status_code == 403
    assert Appointment.objects.filter(pk=appointment.pk).exists()


# --- Follow-ups booked online with no earlier visit on record -----------------------


@pytest.fixture
def follow_up(practitioner):
    follow_up = make_service(name="Follow-up", needs_previous_assessment=True)
    practitioner.services.add(follow_up)
    return follow_up


def test_the_appointment_list_shows_whether_a_follow_up_has_an_earlier_visit(
    reception, service, practitioner, follow_up
):
    assessment = make_appointment(practitioner, service, days_ahead(-20, 10))
    returning = make_appointment(practitioner, follow_up, days_ahead(2, 10))
    stranger = make_appointment(
        practitioner, follow_up, days_ahead(2, 11), patient_email="bob@example.com"
    )
    response = reception.get(CHANGELIST)
    assert b"Earlier visit on record" in response.content
    shown = {a.pk: a.has_earlier_visit for a in response.context["cl"].result_list}
    assert shown == {assessment.pk: None, returning.pk: True, stranger.pk: False}


def test_the_filter_lists_only_follow_ups_with_no_earlier_visit_on_record(
    reception, service, practitioner, follow_up
):
    make_appointment(practitioner, service, days_ahead(-20, 10), patient_name="Ann Runner")
    make_appointment(practitioner, follow_up, days_ahead(2, 10), patient_name="Ann Runner")
    make_appointment(
        practitioner,
        follow_up,
        days_ahead(2, 11),
        patient_name="Bob Stranger",
        patient_email="bob@example.com",
    )
    response = reception.get(CHANGELIST)
    assert b"Follow-ups with no earlier visit on record" in response.content
    response = reception.get(CHANGELIST + "?earlier_visit=none")
    assert [a.patient.name for a in response.context["cl"].result_list] == ["Bob Stranger"]


def test_the_appointment_list_costs_the_same_queries_with_one_follow_up_or_twenty(
    reception, service, practitioner, follow_up
):
    def queries() -> int:
        reception.get(CHANGELIST)  # warm the session and cached clinic details
        with CaptureQueriesContext(connection) as captured:
            response = reception.get(CHANGELIST)
        assert response.status_code == 200
        return len(captured)

    make_appointment(practitioner, follow_up, days_ahead(1, 9))
    one = queries()
    for number in range(19):
        email = f"patient{number % 4}@example.com"  # some have an earlier visit, some not
        make_appointment(practitioner, follow_up, days_ahead(2 + number, 10), patient_email=email)
    assert Appointment.objects.count() == 20
    assert queries() == one


def test_export_csv_defuses_every_cell_and_formulas_after_a_separator(
    reception, service, practitioner
):
    """A spreadsheet that splits on ";" would read `x;=1+1;` as a cell `=1+1`; names
    staff typed (practitioner, service) are cells like any other."""
    service.name = "@SUM(1+1)"
    service.save()
    practitioner.name = "+Sam"
    practitioner.save()
    appointment = make_appointment(
        practitioner, service, days_ahead(3, 10), patient_name="x;=1+1;", patient_phone="-1"
    )
    response = reception.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [appointment.pk]}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    cells = rows[1]
    assert cells[2:4] == ["'+Sam", "'@SUM(1+1)"]
    assert cells[5] == "x;'=1+1;"
    assert cells[7] == "'-1"
    assert all(line.startswith('"') for line in response.content.decode().splitlines())


def test_bidirectional_controls_are_taken_out_of_a_booked_name(client, service, practitioner):
    from bookings.models import Patient

    from .test_views import DETAILS, url_for

    sneaky = "Ann \u202eenuR\u202c Runner"
    response = client.post(
        url_for(service, practitioner, days_ahead(3, 10)), {**DETAILS, "name": sneaky}
    )
    assert response.status_code == 303
    assert Patient.objects.get().name == "Ann enuR Runner"


def test_the_practitioner_form_offers_only_logins_that_may_be_practitioners(
    reception, practitioner
):
    physio = User.objects.create(username="physio-pat", is_staff=True)
    physio.groups.add(Group.objects.get(name="Physiotherapist"))
    User.objects.create(username="editor-ed", is_staff=True)
    User.objects.create(username="patient-paul")
    page = reception.get(f"/admin/bookings/practitioner/{practitioner.pk}/change/")
    choices = [label for _, label in page.context["adminform"].form.fields["user"].choices]
    assert "physio-pat" in choices
    assert "editor-ed" not in choices and "patient-paul" not in choices
    assert "someone" not in choices  # reception's own login
