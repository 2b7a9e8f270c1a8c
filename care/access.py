"""Who may read health data (home programmes, their logs, intake answers): the one rule
every care view and admin class asks. It builds on bookings/access.py, which decides who
may read patient data at all.

- the patient, by the private link of one programme: that programme and its log; by the
  private link of one appointment: that appointment's intake form (to send it, not to
  read it back);
- physiotherapists (group "Physiotherapist", migration care 0002): read and write the
  programmes, logs and intake answers of *their* patients: those with an appointment
  with them, or a programme they prescribed (their login is Practitioner.user);
- reception: whether an intake is complete and whether it needs urgent care, never the
  answers; no programme or log;
- content editors, and any other staff: nothing;
- superusers: everything, and the log of who read what (``HealthDataAccess``).

Every time a member of staff opens a programme or an intake in the back office,
``record_read`` writes who and when.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from bookings import access as patient_access
from bookings.models import Appointment, Patient

from .models import HealthDataAccess, Intake, Programme, SessionLog

User = AbstractBaseUser | AnonymousUser


def _staff_with(user: User, permission: str) -> bool:
    return bool(user.is_active and user.is_staff and user.has_perm(permission))


def can_read_health_data(user: User) -> bool:
    """Physiotherapists and superusers (for their patients: see ``patients_of``)."""
    return patient_access.can_view_patient_data(user) and _staff_with(user, "care.view_programme")


def can_prescribe(user: User) -> bool:
    return can_read_health_data(user) and _staff_with(user, "care.add_programme")


def can_change_programmes(user: User) -> bool:
    return can_read_health_data(user) and _staff_with(user, "care.change_programme")


def can_edit_intake_questions(user: User) -> bool:
    return _staff_with(user, "care.change_intakequestion")


def can_see_intake_status(user: User) -> bool:
    """Whether an intake is complete, and flagged urgent: reception, physios, superusers."""
    return patient_access.can_view_patient_data(user)


def can_read_access_log(user: User) -> bool:
    return _staff_with(user, "care.view_healthdataaccess")


def patients_of(user: User) -> QuerySet[Patient]:
    """The patients whose health data ``user`` may read."""
    if not can_read_health_data(user):
        return Patient.objects.none()
    if user.is_superuser:
        return Patient.objects.all()
    seen = Appointment.objects.filter(patient=OuterRef("pk"), practitioner__user=user)
    prescribed = Programme.objects.filter(patient=OuterRef("pk"), practitioner__user=user)
    return Patient.objects.filter(Q(Exists(seen)) | Q(Exists(prescribed)))


def _own(queryset: QuerySet, user: User, patient_path: str) -> QuerySet:
    if not can_read_health_data(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(Exists(patients_of(user).filter(pk=OuterRef(patient_path))))


def programmes_visible_to(user: User) -> QuerySet[Programme]:
    return _own(Programme.objects.all(), user, "patient")


def logs_visible_to(user: User) -> QuerySet[SessionLog]:
    return _own(SessionLog.objects.all(), user, "programme__patient")


def intakes_visible_to(user: User) -> QuerySet[Intake]:
    """Intakes whose answers ``user`` may read (not merely their status)."""
    return _own(Intake.objects.all(), user, "appointment__patient")


def can_read_answers(user: User, appointment: Appointment) -> bool:
    return patients_of(user).filter(pk=appointment.patient_id).exists()


def programme_for_link(token: str) -> Programme:
    """The one programme a private link opens, or a 404, whoever holds it."""
    return get_object_or_404(Programme.objects.for_page(), token=token)


def record_read(
    user: User,
    what: str,
    patient_id: int,
    *,
    programme: Programme | None = None,
    intake: Intake | None = None,
) -> None:
    """Write who read a programme or an intake, and when (HealthDataAccess)."""
    HealthDataAccess.objects.create(
        user=user if user.is_authenticated else None,
        what=what,
        patient_id=patient_id,
        programme=programme,
        intake=intake,
    )
