"""Migration 0010: the appointments made before patient records move onto patients.

The database is migrated back to 0009 (patients exist, appointments still carry the
details), rows are written with the models as they were then, and 0010 runs on them.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("bookings", "0009_patients_and_audit_trail")
AFTER = ("bookings", "0010_appointments_onto_patients")


@pytest.fixture
def migrate(transactional_db):
    """``migrate(target)`` moves the bookings app to a migration and returns the models as
    they were there; the database is brought back to the latest migrations afterwards."""
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()

    def to(target):
        executor = MigrationExecutor(connection)
        executor.migrate([target])
        return executor.loader.project_state([target]).apps

    yield to
    to_latest = MigrationExecutor(connection)
    to_latest.migrate(latest)


def old_appointments(apps, *rows):
    """Appointments as 0009 stored them: ``rows`` of (name, email, phone, extra fields),
    a day apart, oldest first."""
    Service = apps.get_model("bookings", "Service")
    Practitioner = apps.get_model("bookings", "Practitioner")
    Appointment = apps.get_model("bookings", "Appointment")
    service = Service.objects.create(
        name="Assessment", slug="assessment", duration_minutes=45, price=60
    )
    practitioner = Practitioner.objects.create(name="Sam Patel", slug="sam")
    first = datetime(2026, 1, 5, 10, tzinfo=UTC)
    made = []
    for day, (name, email, phone, extra) in enumerate(rows):
        start = first + timedelta(days=day)
        made.append(
            Appointment.objects.create(
                service=service,
                practitioner=practitioner,
                start=start,
                end=start + timedelta(minutes=45),
                blocked_until=start + timedelta(minutes=60),
                patient_name=name,
                patient_email=email,
                patient_phone=phone,
                created_at=start - timedelta(days=7),
                **extra,
            )
        )
    return made


def test_existing_appointments_move_onto_one_patient_per_person(migrate):
    apps = migrate(BEFORE)
    ann_first, ann_again, tom, pat, pat_again, removed, also_removed, walk_in, walk_in_again = (
        old_appointments(
            apps,
            ("Ann Runner", "ann@example.com", "07700 900123", {}),
            # The same person: email in another case, name spaced and cased differently.
            ("  ann  RUNNER", "Ann@Example.com", "07700 900999", {}),
            # A family shares Ann's email: another person.
            ("Tom Runner", "ann@example.com", "07700 900123", {}),
            # Phone bookings without an email: one person by name and phone digits.
            ("Pat Caller", "", "07700 900111", {}),
            ("Pat Caller", "", "07700900111", {}),
            # Already anonymised by the purge: nothing says whose they are.
            ("(removed)", "", "", {"anonymised_at": datetime(2026, 2, 1, tzinfo=UTC)}),
            ("(removed)", "", "", {"anonymised_at": datetime(2026, 2, 1, tzinfo=UTC)}),
            # Neither email nor phone: nothing to go on either.
            ("Walk In", "", "", {}),
            ("Walk In", "", "", {}),
        )
    )
    apps = migrate(AFTER)
    Appointment = apps.get_model("bookings", "Appointment")
    Patient = apps.get_model("bookings", "Patient")

    def patient_of(appointment):
        return Appointment.objects.get(pk=appointment.pk).patient

    ann = patient_of(ann_first)
    assert patient_of(ann_again) == ann
    # The latest appointment's details, its name tidied; the earliest booking's date.
    assert (ann.name, ann.email, ann.phone) == ("ann RUNNER", "Ann@Example.com", "07700 900999")
    assert ann.created_at == ann_first.created_at
    assert patient_of(tom) != ann
    assert patient_of(pat) == patient_of(pat_again)
    assert patient_of(removed) != patient_of(also_removed)
    assert patient_of(removed).anonymised_at is not None
    assert patient_of(walk_in) != patient_of(walk_in_again)
    assert Patient.objects.count() == 7
    assert not Appointment.objects.filter(patient__isnull=True).exists()


def test_who_cancelled_moves_into_the_audit_trail(migrate):
    apps = migrate(BEFORE)
    User = apps.get_model("auth", "User")
    desk = User.objects.create(username="desk", is_staff=True)
    cancelled_at = datetime(2026, 1, 2, 9, tzinfo=UTC)
    by_staff, by_patient = old_appointments(
        apps,
        ("Ann Runner", "ann@example.com", "1", {"status": "cancelled", "cancelled_at": cancelled_at,
                                               "cancelled_by": "staff:desk"}),
        ("Bob Jogger", "bob@example.com", "2", {"status": "cancelled", "cancelled_at": cancelled_at,
                                               "cancelled_by": "patient"}),
    )  # fmt: skip
    apps = migrate(AFTER)
    AuditEntry = apps.get_model("bookings", "AuditEntry")
    entries = {
        entry.appointment_id: (entry.kind, entry.by, entry.user_id, entry.at)
        for entry in AuditEntry.objects.all()
    }
    assert entries == {
        by_staff.pk: ("cancelled", "staff", desk.pk, cancelled_at),
        by_patient.pk: ("cancelled", "patient", None, cancelled_at),
    }


def test_migrating_back_puts_the_details_on_the_appointments_again(migrate):
    apps = migrate(BEFORE)
    (appointment,) = old_appointments(apps, ("Ann Runner", "ann@example.com", "07700 900123", {}))
    migrate(AFTER)
    apps = migrate(BEFORE)
    Appointment = apps.get_model("bookings", "Appointment")
    back = Appointment.objects.get(pk=appointment.pk)
    assert (back.patient_name, back.patient_email, back.patient_phone) == (
        "Ann Runner",
        "ann@example.com",
        "07700 900123",
    )
