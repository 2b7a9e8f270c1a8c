"""Patient records: which record a booking joins, merging and splitting records, and the
person's rights (everything held as a file; erasure)."""

import json
from datetime import date

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail

from bookings import audit
from bookings.booking import NotBookable, PatientDetails, SlotTaken, book_appointment
from bookings.models import Appointment, AuditEntry, Patient
from bookings.patients import (
    erase_patient,
    export_patient,
    find_or_create_patient,
    merge_patients,
    register_patient_data,
    split_patient,
)
from clinic.cache import PAGE_GROUPS, page_version

from .factories import days_ahead, make_appointment, make_patient
from .test_views import DETAILS, url_for

pytestmark = pytest.mark.django_db
PATIENTS = "/admin/bookings/patient/"
ANN = PatientDetails("Ann Runner", "ann@example.com", "07700 900123")


# --- Which record a booking joins ----------------------------------------------------------


def test_the_same_email_name_and_phone_find_the_existing_record_whatever_their_spelling(db):
    ann = make_patient()
    typed = PatientDetails("  ann   RUNNER ", "Ann@Example.COM", "07700900123")
    assert find_or_create_patient(typed) == ann
    assert Patient.objects.count() == 1


@pytest.mark.parametrize(
    "typed",
    [
        PatientDetails("Tom Runner", "ann@example.com", "07700 900123"),  # a family's email
        PatientDetails("Ann Runner", "ann@example.com", "07700 900999"),  # another phone
        PatientDetails("Ann Runner", "other@example.com", "07700 900123"),  # another email
    ],
)
def test_anything_less_than_all_three_makes_a_new_record(db, typed):
    ann = make_patient()
    assert find_or_create_patient(typed) != ann
    assert Patient.objects.count() == 2


def test_a_booking_never_changes_an_existing_record(db):
    ann = make_patient(date_of_birth=date(1990, 4, 1))
    find_or_create_patient(PatientDetails("ANN RUNNER", "ANN@EXAMPLE.COM", "07700-900-123"))
    ann.refresh_from_db()
    assert (ann.name, ann.email, ann.phone) == ("Ann Runner", "ann@example.com", "07700 900123")


def test_an_erased_record_is_never_matched(db):
    ann = make_patient()
    erase_patient(ann, audit.SYSTEM)
    assert find_or_create_patient(ANN) != ann


def test_without_an_email_a_record_matches_only_on_name_and_phone(db):
    phoned = make_patient(email="", phone="07700 900123")
    assert find_or_create_patient(PatientDetails("Ann Runner", "", "07700900123")) == phoned
    assert find_or_create_patient(PatientDetails("Ann Runner", "", "")) != phoned


def test_two_online_bookings_with_the_same_details_share_one_record(service, practitioner):
    first = book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    second = book_appointment(service, practitioner, days_ahead(4, 10), ANN)
    assert first.patient == second.patient


def test_a_refused_booking_leaves_no_new_record(service, practitioner):
    make_appointment(practitioner, service, days_ahead(3, 10), patient=make_patient(name="Bo"))
    with pytest.raises(SlotTaken):
        book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    assert list(Patient.objects.values_list("name", flat=True)) == ["Bo"]


def test_the_booking_page_answers_alike_whether_or_not_the_patient_is_known(
    client, service, practitioner
):
    make_appointment(practitioner, service, days_ahead(-30, 10))  # Ann is on record
    known = client.post(url_for(service, practitioner, days_ahead(5, 10)), DETAILS)
    unknown = client.post(
        url_for(service, practitioner, days_ahead(5, 11)),
        {**DETAILS, "name": "Nobody Weknow", "email": "nobody@example.com"},
    )
    booked = {a.patient.email: a for a in Appointment.objects.filter(start__gt=days_ahead(0))}
    assert known.status_code == unknown.status_code == 303
    assert known["Location"] == booked["ann@example.com"].private_url()
    assert unknown["Location"] == booked["nobody@example.com"].private_url()
    assert sorted(known.headers) == sorted(unknown.headers)
    assert known.content == unknown.content
    assert Patient.objects.count() == 2  # Ann's booking joined her record


# --- Merging and splitting ------------------------------------------------------------------


def test_merging_moves_the_appointments_and_their_history_and_deletes_the_others(
    service, practitioner, desk
):
    ann = make_patient()
    twice = make_patient(phone="+44 7700 900123")
    kept_visit = book_appointment(service, practitioner, days_ahead(3, 10), ann)
    moved = book_appointment(service, practitioner, days_ahead(4, 10), twice)
    assert merge_patients(ann, [ann, twice], by=audit.staff(desk)) == 1
    assert not Patient.objects.filter(pk=twice.pk).exists()
    assert set(ann.appointments.all()) == {kept_visit, moved}
    booked = AuditEntry.objects.get(appointment=moved, kind="booked")
    assert booked.patient == ann
    merged = AuditEntry.objects.filter(kind="merged")
    assert {(e.appointment_id, e.previous_patient_id, e.user) for e in merged} == {
        (None, twice.pk, desk),
        (moved.pk, twice.pk, desk),
    }


def test_reception_merges_records_choosing_the_one_to_keep(reception, service, practitioner):
    first, second = make_patient(), make_patient(email="ann.r@example.com")
    make_appointment(practitioner, service, days_ahead(3, 10), patient=second)
    chosen = {"action": "merge", "_selected_action": [first.pk, second.pk]}
    page = reception.post(PATIENTS, chosen)
    assert page.status_code == 200
    assert b"Choose the record to keep" in page.content
    done = reception.post(PATIENTS, {**chosen, "keep": second.pk})
    assert done.status_code == 302
    assert list(Patient.objects.all()) == [second]
    assert second.appointments.count() == 1


def test_an_erased_record_cannot_be_merged(reception):
    ann, erased = make_patient(), make_patient()
    erase_patient(erased, audit.SYSTEM)
    reception.post(
        PATIENTS, {"action": "merge", "_selected_action": [ann.pk, erased.pk], "keep": ann.pk}
    )
    assert Patient.objects.count() == 2


def test_splitting_moves_the_chosen_appointments_to_a_new_record(service, practitioner, desk):
    family = make_patient()
    parent = book_appointment(service, practitioner, days_ahead(3, 10), family)
    child = book_appointment(service, practitioner, days_ahead(4, 10), family)
    tom = split_patient(
        family, [child], PatientDetails("Tom Runner", "ann@example.com", ""), audit.staff(desk)
    )
    parent.refresh_from_db()
    child.refresh_from_db()
    assert (parent.patient, child.patient) == (family, tom)
    assert AuditEntry.objects.get(appointment=child, kind="booked").patient == tom
    split = AuditEntry.objects.get(kind="split")
    assert (split.patient, split.previous_patient_id, split.user) == (tom, family.pk, desk)


def test_reception_splits_a_record_from_its_page(reception, service, practitioner):
    family = make_patient()
    make_appointment(practitioner, service, days_ahead(3, 10), patient=family)
    child = make_appointment(practitioner, service, days_ahead(4, 10), patient=family)
    page = reception.get(f"{PATIENTS}{family.pk}/change/")
    assert f"{PATIENTS}{family.pk}/split/".encode() in page.content
    response = reception.post(
        f"{PATIENTS}{family.pk}/split/",
        {"appointments": [child.pk], "name": "Tom Runner", "email": "", "phone": ""},
    )
    tom = Patient.objects.get(name="Tom Runner")
    assert response["Location"] == f"{PATIENTS}{tom.pk}/change/"
    assert list(tom.appointments.all()) == [child]


# --- Everything held, and erasure ----------------------------------------------------------


def test_the_export_holds_the_record_its_appointments_emails_and_history(
    service, practitioner, desk
):
    ann = make_patient(date_of_birth=date(1990, 4, 1))
    appointment = book_appointment(
        service, practitioner, days_ahead(3, 10), ann, reason="sore knee"
    )
    held = export_patient(ann, by=audit.staff(desk))
    assert (held["format"], held["version"]) == ("physio-clinic-patient-export", 1)
    assert held["patient"]["email"] == "ann@example.com"
    assert held["patient"]["date_of_birth"] == "1990-04-01"
    [exported] = held["appointments"]
    assert (exported["id"], exported["reason"], exported["status"]) == (
        appointment.pk,
        "sore knee",
        "Confirmed",
    )
    assert [email["what"] for email in exported["emails"]] == [
        "Confirmation to the patient",
        "New booking, to the clinic",
    ]
    assert [entry["kind"] for entry in held["history"]] == ["booked", "exported"]
    assert appointment.token not in json.dumps(held)  # whoever holds a link can cancel


def test_reception_downloads_everything_held_as_a_json_file(reception, desk):
    ann = make_patient()
    response = reception.post(
        PATIENTS, {"action": "export_everything", "_selected_action": [ann.pk]}
    )
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == f'attachment; filename="patient-{ann.pk}.json"'
    assert json.loads(response.content)["patient"]["name"] == "Ann Runner"
    entry = AuditEntry.objects.get(kind="exported")
    assert (entry.patient, entry.user) == (ann, desk)


def test_erasing_anonymises_the_patient_and_keeps_their_appointments(service, practitioner, desk):
    ann = make_patient(date_of_birth=date(1990, 4, 1))
    appointment = make_appointment(
        practitioner, service, days_ahead(-3, 10), patient=ann, reason="sore knee"
    )
    erase_patient(ann, audit.staff(desk))
    ann.refresh_from_db()
    appointment.refresh_from_db()
    assert (ann.name, ann.email, ann.phone, ann.date_of_birth) == ("(erased)", "", "", None)
    assert ann.anonymised_at is not None
    assert (appointment.patient, appointment.reason) == (ann, "")
    entry = AuditEntry.objects.get(kind="erased")
    assert (entry.patient, entry.user) == (ann, desk)


def test_reception_erases_a_patient_after_confirming(reception):
    ann = make_patient()
    chosen = {"action": "erase", "_selected_action": [ann.pk]}
    assert b"cannot be undone" in reception.post(PATIENTS, chosen).content
    assert Patient.objects.get().name == "Ann Runner"
    reception.post(PATIENTS, {**chosen, "confirm": "yes"})
    assert Patient.objects.get().name == "(erased)"


def test_an_erased_record_cannot_be_edited(reception):
    ann = make_patient()
    erase_patient(ann, audit.SYSTEM)
    response = reception.post(
        f"{PATIENTS}{ann.pk}/change/", {"name": "Ann Runner", "email": "ann@example.com"}
    )
    assert response.status_code == 403


def test_erasing_takes_the_patients_name_out_of_the_admin_history(desk):
    ann = make_patient()
    LogEntry.objects.create(
        user=desk,
        content_type=ContentType.objects.get_for_model(Patient),
        object_id=str(ann.pk),
        object_repr=str(ann),
        action_flag=CHANGE,
    )
    erase_patient(ann, audit.SYSTEM)
    assert LogEntry.objects.get().object_repr == f"Patient {ann.pk}"


def test_an_erased_patient_gets_no_more_emails(service, practitioner, run_tasks):
    appointment = book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    erase_patient(appointment.patient, audit.SYSTEM)
    run_tasks()
    assert [message.to for message in mail.outbox] == [["reception@physio-fitness.example"]]


def test_what_other_apps_hold_joins_every_export_and_erasure(monkeypatch, db):
    from bookings import patients

    monkeypatch.setattr(patients, "_other_data", {})
    erased = []
    register_patient_data(
        "home_programmes",
        export=lambda patient: [{"programme": "Nordics", "patient": patient.pk}],
        erase=lambda ids, now: erased.extend(ids),
    )
    ann = make_patient()
    assert export_patient(ann, audit.SYSTEM)["home_programmes"] == [
        {"programme": "Nordics", "patient": ann.pk}
    ]
    erase_patient(ann, audit.SYSTEM)
    assert erased == [ann.pk]


# --- Patients are never on a public page -----------------------------------------------------


def versions() -> dict[str, int]:
    return {group: page_version(group) for group in PAGE_GROUPS}


def test_saving_merging_and_erasing_patients_empties_no_cached_page(service, practitioner, desk):
    before = versions()
    ann = make_patient()
    ann.phone = "07700 900999"
    ann.save()
    other = make_patient()
    assert versions() == before
    make_appointment(practitioner, service, days_ahead(-3, 10), patient=other)
    before = versions()  # an appointment's own save empties the booking pages, rightly
    merge_patients(ann, [other], audit.staff(desk))
    split_patient(ann, ann.appointments.all(), ANN, audit.staff(desk))
    export_patient(ann, audit.staff(desk))
    erase_patient(ann, audit.staff(desk))
    make_patient(name="Spare").delete()
    assert versions() == before


def test_reception_exports_and_erases_from_the_patients_own_page(reception):
    ann = make_patient()
    page = f"{PATIENTS}{ann.pk}/change/"
    on_the_page = {"CHANGE_FORM-action": "export_everything", "_selected_action": [ann.pk]}
    assert b"Export everything we hold" in reception.get(page).content
    exported = reception.post(page, on_the_page)
    assert json.loads(exported.content)["patient"]["id"] == ann.pk
    erase = {"CHANGE_FORM-action": "erase", "_selected_action": [ann.pk]}
    assert b"cannot be undone" in reception.post(page, erase).content
    reception.post(page, {**erase, "confirm": "yes"})
    assert Patient.objects.get().name == "(erased)"


def test_an_erased_record_takes_no_new_appointment(reception, service, practitioner):
    ann = make_patient()
    erase_patient(ann, audit.SYSTEM)
    with pytest.raises(NotBookable):
        book_appointment(service, practitioner, days_ahead(3, 10), ann, by=audit.SYSTEM)
    search = reception.get(
        "/admin/autocomplete/?app_label=bookings&model_name=appointment&field_name=patient"
    )
    assert json.loads(search.content)["results"] == []
