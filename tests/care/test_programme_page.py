"""The patient's private programme page: the token opens it alone, the next session is
first, the patient logs sessions, and takes the programme away (print, PDF, .ics, email)."""

from __future__ import annotations

import contextlib
import io
import re
import zlib
from datetime import timedelta

import pytest
import vobject
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from care.models import ProgrammeExercise, SessionLog
from tests.programs.factories import make_exercise

from .factories import log_session, make_programme

pytestmark = pytest.mark.django_db


def url(programme, suffix: str = "") -> str:
    return f"/programmes/{programme.token}/{suffix}"


def log(client, programme, **fields):
    data = {
        "action": "log",
        "performed_on": timezone.localdate().isoformat(),
        "completion": "done",
        "pain": "3",
        "effort": "6",
        "note": "Felt fine",
        **fields,
    }
    return client.post(url(programme), data)


def test_the_token_opens_its_programme_and_a_wrong_one_is_a_404(client, programme):
    assert client.get(url(programme)).status_code == 200
    assert client.get("/programmes/not-the-token/").status_code == 404
    assert client.get(f"/programmes/{programme.token[:-1]}x/").status_code == 404


def test_tokens_are_long_and_differ(programme, patient, practitioner):
    other = make_programme(patient, practitioner)
    assert len(programme.token) >= 43 and other.token != programme.token


def test_the_page_is_never_stored_by_any_cache(client, programme):
    for suffix in ("", "print/", "calendar.ics"):
        response = client.get(url(programme, suffix))
        assert "no-store" in response["Cache-Control"], suffix


def test_the_next_session_shows_each_exercise_with_its_steps_and_dose(client, programme):
    row = programme.exercises.get()
    page = client.get(url(programme)).content.decode()
    assert "Your next session" in page
    assert "Week 2 of 6, session 1 of 3" in page  # started a week ago, nothing logged
    assert row.exercise.name in page and "3 sets of 8 reps" in page
    assert "<li>Stand up.</li>" in page


def test_a_week_of_its_own_replaces_the_every_week_exercises(client, programme):
    special = ProgrammeExercise.objects.create(
        programme=programme, week=2, exercise=make_exercise(name="Week two only"), reps="5"
    )
    page = client.get(url(programme)).content.decode()
    assert special.exercise.name in page
    assert programme.exercises.get(week=None).exercise.name not in page.split("Log a session")[0]


def test_the_patient_logs_a_session(client, programme):
    response = log(client, programme)
    assert response.status_code == 303
    entry = SessionLog.objects.get()
    assert (entry.completion, entry.pain, entry.effort, entry.note) == ("done", 3, 6, "Felt fine")
    page = client.get(url(programme)).content.decode()
    assert "1 of 6 sessions" in page and "session 2 of 3" in page


def test_a_double_click_logs_the_session_once_but_a_second_session_is_kept(client, programme):
    assert log(client, programme).status_code == 303
    assert log(client, programme).status_code == 303
    assert SessionLog.objects.count() == 1
    log(client, programme, completion="partly")
    assert SessionLog.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"pain": "11"}, "Select a valid choice"),
        ({"effort": ""}, "how hard it felt"),
        ({"completion": "maybe"}, "Select a valid choice"),
        ({"performed_on": "yesterday"}, "Please give the day as a date"),
        ({"note": "x" * 201}, "at most 200 characters"),
    ],
)
def test_a_bad_log_gets_a_clear_message_and_stores_nothing(client, programme, fields, message):
    response = log(client, programme, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SessionLog.objects.exists()


def test_a_session_cannot_be_logged_for_a_day_to_come_or_before_the_start(client, programme):
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert log(client, programme, performed_on=tomorrow.isoformat()).status_code == 400
    before = programme.start_date - timedelta(days=1)
    assert log(client, programme, performed_on=before.isoformat()).status_code == 400
    assert not SessionLog.objects.exists()


def test_posts_are_rate_limited(client, programme, settings):
    settings.BOOKING_RATE_LIMIT = "2/h"
    assert log(client, programme, pain="1").status_code == 303
    assert log(client, programme, pain="2").status_code == 303
    assert log(client, programme, pain="3").status_code == 429
    assert SessionLog.objects.count() == 2


def test_an_unknown_action_is_a_400(client, programme):
    assert client.post(url(programme), {"action": "delete"}).status_code == 400


def test_email_me_again_queues_an_email_with_the_link_and_no_health_data(
    client, programme, run_tasks
):
    log_session(programme, timezone.localdate(), note="Knee hurt")
    response = client.post(url(programme), {"action": "email"})
    assert response.status_code == 303
    assert mail.outbox == []  # not sent in the request
    run_tasks()
    (message,) = mail.outbox
    assert message.to == ["ann@example.com"]
    body = message.body + message.alternatives[0][0]
    assert f"/programmes/{programme.token}/" in body
    for health_data in (programme.title, programme.exercises.get().exercise.name, "Knee hurt"):
        assert health_data not in body and health_data not in message.subject


def test_the_calendar_has_every_planned_session_and_no_private_detail(client, programme):
    response = client.get(url(programme, "calendar.ics"))
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    calendar = vobject.readOne(text)
    events = calendar.contents["vevent"]
    assert len(events) == 6 * 3
    days = sorted(event.dtstart.value for event in events)
    assert days[0] == programme.start_date
    assert days[1] == programme.start_date + timedelta(days=2)
    assert programme.token not in text and programme.title not in text
    assert programme.exercises.get().exercise.name not in text


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile("lunge.png", buffer.getvalue(), content_type="image/png")


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams included) inflated."""
    inflated = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        with contextlib.suppress(zlib.error):  # an image's own stream, not deflated
            inflated.append(zlib.decompress(match.group(1)))
    return b"\n".join(inflated)


def test_the_handout_is_an_a4_pdf_with_the_pictures(client, programme, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pictured = make_exercise(name="Pictured lunge", image=_png(), image_alt="A lunge")
    ProgrammeExercise.objects.create(programme=programme, exercise=pictured, order=2, reps="8")
    response = client.get(url(programme, "handout.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    pdf = pdf_objects(response.content)
    assert re.search(rb"/MediaBox\s*\[\s*0 0 595\.\d+ 841\.\d+", pdf)  # A4 in points
    assert b"/Subtype /Image" in pdf


def test_the_handout_without_pictures_has_no_image(client, programme):
    pdf = client.get(url(programme, "handout.pdf")).content
    assert pdf.startswith(b"%PDF") and b"/Subtype /Image" not in pdf_objects(pdf)


def test_the_print_view_lists_the_exercises_with_a_print_stylesheet(client, programme):
    page = client.get(url(programme, "print/")).content.decode()
    assert programme.exercises.get().exercise.name in page
    assert "phone us on 0117 496 0123" in page  # the clinic's details, without a request
    assert "handout" in page and ".css" in page


def test_the_clinics_drawing_is_the_exercises_picture_on_the_page_and_in_the_handout(
    client, programme
):
    drawn = make_exercise(
        name="Drawn Nordic",
        illustration="nordic-hamstring-curl.svg",
        illustration_alt="Start: kneeling upright. End: lowered towards the floor.",
    )
    ProgrammeExercise.objects.create(programme=programme, exercise=drawn, order=2, reps="5")
    page = client.get(url(programme)).content.decode()
    assert "programs/illustrations/nordic-hamstring-curl" in page
    assert 'alt="Start: kneeling upright. End: lowered towards the floor."' in page
    with_drawing = pdf_objects(client.get(url(programme, "handout.pdf")).content)
    drawn.illustration, drawn.illustration_alt = "", ""
    drawn.save()
    plain = pdf_objects(client.get(url(programme, "handout.pdf")).content)

    # The drawing is vector art in the PDF: its strokes are there only with it.
    def strokes(pdf: bytes) -> int:
        return pdf.count(b" l\n") + pdf.count(b" c\n")

    assert strokes(with_drawing) > strokes(plain)
