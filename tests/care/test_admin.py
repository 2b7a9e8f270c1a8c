"""A physio builds a programme in admin: from library exercises with their dose, or from a
published plan whose weeks are copied in to edit."""

from __future__ import annotations

import pytest
from django.utils import timezone

from care.models import Programme
from programs.models import Prescription
from tests.programs.factories import make_exercise, make_plan

pytestmark = pytest.mark.django_db

INLINE = "exercises"


def form(seen, practitioner, rows: list[dict], **fields) -> dict:
    data = {
        "patient": seen.patient_id,
        "appointment": seen.pk,
        "practitioner": practitioner.pk,
        "title": "Achilles loading",
        "start_date": timezone.localdate().isoformat(),
        "weeks": "6",
        "sessions_per_week": "3",
        "notes": "",
        "based_on": "",
        f"{INLINE}-TOTAL_FORMS": str(len(rows)),
        f"{INLINE}-INITIAL_FORMS": "0",
        f"{INLINE}-MIN_NUM_FORMS": "0",
        f"{INLINE}-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{INLINE}-{index}-{key}"] = value
    return data


def row(exercise, **dose) -> dict:
    return {"exercise": exercise.pk, "order": "1", "sets": "3", "reps": "15", **dose}


def test_a_physio_prescribes_exercises_with_their_dose(client, seen, practitioner):
    heel_drop = make_exercise(name="Heel drop")
    client.force_login(practitioner.user)
    response = client.post(
        "/admin/care/programme/add/",
        form(
            seen,
            practitioner,
            [row(heel_drop, hold_seconds="3", per_side="on", effort_target="6", notes="Slow")],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    programme = Programme.objects.get()
    assert (programme.patient, programme.appointment, programme.created_by) == (
        seen.patient,
        seen,
        practitioner.user,
    )
    prescribed = programme.exercises.get()
    assert (prescribed.exercise, prescribed.effort_target, prescribed.per_side) == (
        heel_drop,
        6,
        True,
    )
    assert "each side" in prescribed.dose


def test_a_dose_without_reps_or_hold_is_refused_with_a_message(client, seen, practitioner):
    client.force_login(practitioner.user)
    response = client.post(
        "/admin/care/programme/add/",
        form(seen, practitioner, [row(make_exercise(), reps="")]),
    )
    assert response.status_code == 200
    assert "Give reps, a hold time, or both." in response.content.decode()
    assert not Programme.objects.exists()


def test_starting_from_a_published_plan_copies_its_weeks_to_edit(client, seen, practitioner):
    plan = make_plan(weeks=3, sessions_per_week=2, exercises_per_session=2)
    client.force_login(practitioner.user)
    response = client.post(
        "/admin/care/programme/add/", form(seen, practitioner, [], based_on=str(plan.pk))
    )
    programme = Programme.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/admin/care/programme/{programme.pk}/change/")
    assert (programme.weeks, programme.sessions_per_week) == (3, 2)
    assert sorted(set(programme.exercises.values_list("week", flat=True))) == [1, 2, 3]
    assert programme.exercises.filter(week=1).count() == 4  # 2 sessions x 2 exercises
    assert programme.exercises.first().reps == "5"


def test_a_plans_effort_range_becomes_the_programmes_effort_target(client, seen, practitioner):
    plan = make_plan(weeks=1, sessions_per_week=1, exercises_per_session=1)
    Prescription.objects.update(effort_min=5, effort_max=7)
    client.force_login(practitioner.user)
    client.post("/admin/care/programme/add/", form(seen, practitioner, [], based_on=str(plan.pk)))
    assert Programme.objects.get().exercises.get().effort_target == 7


def test_a_draft_plan_cannot_be_the_start(client, seen, practitioner):
    draft = make_plan(is_published=False)
    client.force_login(practitioner.user)
    response = client.post(
        "/admin/care/programme/add/", form(seen, practitioner, [], based_on=str(draft.pk))
    )
    assert response.status_code == 200 and not Programme.objects.exists()


def test_the_programme_page_gives_the_patients_private_link(client, programme, practitioner):
    client.force_login(practitioner.user)
    page = client.get(f"/admin/care/programme/{programme.pk}/change/").content.decode()
    assert f"/programmes/{programme.token}/" in page


def test_the_database_refuses_a_dose_without_reps_or_hold_and_pain_above_10(programme):
    from django.db import IntegrityError, transaction

    from care.models import ProgrammeExercise, SessionLog

    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeExercise.objects.create(programme=programme, exercise=make_exercise(), reps="")
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionLog.objects.create(
            programme=programme,
            performed_on=programme.start_date,
            completion="done",
            pain=11,
            effort=5,
        )
