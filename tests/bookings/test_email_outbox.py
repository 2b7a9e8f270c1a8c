"""The email outbox: emails are queued in the diary change's own transaction and sent by
the worker, once, with retries; reception sees the ones that keep failing."""

import smtplib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bookings import audit, emails
from bookings.booking import (
    PatientDetails,
    SlotTaken,
    book_appointment,
    cancel_appointment,
    reschedule_appointment,
)
from bookings.models import AppointmentEmail
from bookings.tasks import send_emails
from clinic.cache import PAGE_GROUPS, page_version

from .factories import days_ahead
from .test_admin import CHANGELIST, staff_in

pytestmark = pytest.mark.django_db
ANN = PatientDetails("Ann Runner", "ann@example.com", "07700 900123")
Kind = AppointmentEmail.Kind
CLINIC_INBOX = "reception@physio-fitness.example"


def queued_email_ids() -> list[int]:
    tasks = DBTaskResult.objects.filter(task_path="bookings.tasks.send_emails")
    return sorted(pk for task in tasks for pk in task.args_kwargs["args"][0])


def kinds() -> list[str]:
    return list(AppointmentEmail.objects.order_by("pk").values_list("kind", flat=True))


def deliver(email_id: int, **kwargs) -> str:
    return emails.deliver([email_id], **kwargs)[email_id]


def test_a_booking_queues_exactly_its_two_emails_and_sends_none_itself(service, practitioner):
    book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    assert kinds() == [Kind.CONFIRMATION, Kind.CLINIC_NOTICE]
    assert DBTaskResult.objects.count() == 1  # one task delivers both
    assert queued_email_ids() == sorted(AppointmentEmail.objects.values_list("pk", flat=True))
    assert mail.outbox == []


def test_a_change_that_rolls_back_queues_nothing(service, practitioner):
    with pytest.raises(RuntimeError), transaction.atomic():
        book_appointment(service, practitioner, days_ahead(3, 10), ANN)
        raise RuntimeError("something later in the same transaction failed")
    assert kinds() == []
    assert DBTaskResult.objects.count() == 0


def test_a_refused_booking_queues_nothing(service, practitioner):
    start = days_ahead(3, 10)
    book_appointment(service, practitioner, start, ANN)
    with pytest.raises(SlotTaken):
        book_appointment(service, practitioner, start, PatientDetails("Bo", "bo@example.com", "1"))
    assert kinds() == [Kind.CONFIRMATION, Kind.CLINIC_NOTICE]
    assert DBTaskResult.objects.count() == 1


def test_a_move_and_a_cancellation_queue_two_emails_each(service, practitioner):
    appointment = book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    reschedule_appointment(appointment, days_ahead(4, 10))
    cancel_appointment(appointment, by=audit.PATIENT)
    assert kinds()[2:] == [
        Kind.MOVED,
        Kind.CLINIC_MOVED,
        Kind.CANCELLATION,
        Kind.CLINIC_CANCELLATION,
    ]
    assert len(queued_email_ids()) == 6


def test_an_email_delivered_twice_goes_once(service, practitioner, run_tasks):
    book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    confirmation = AppointmentEmail.objects.get(kind=Kind.CONFIRMATION)
    send_emails.enqueue([confirmation.pk])  # a redelivery racing the first task
    assert run_tasks() == 2
    assert [m.to for m in mail.outbox] == [["ann@example.com"], [CLINIC_INBOX]]
    assert deliver(confirmation.pk) == "already handled"
    assert len(mail.outbox) == 2


def test_an_email_another_worker_is_sending_is_left_to_it(service, practitioner):
    book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    confirmation = AppointmentEmail.objects.get(kind=Kind.CONFIRMATION)
    AppointmentEmail.objects.filter(pk=confirmation.pk).update(
        claimed_until=timezone.now() + timedelta(minutes=1)
    )
    assert deliver(confirmation.pk) == "already handled"
    assert mail.outbox == []


def test_a_failed_send_is_retried_after_a_delay(service, practitioner, run_tasks, monkeypatch):
    appointment = book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    with monkeypatch.context() as patched:
        patched.setattr(
            "django.core.mail.backends.locmem.EmailBackend.send_messages", lambda *a: 1 / 0
        )
        before = timezone.now()
        run_tasks()
    confirmation = AppointmentEmail.objects.get(kind=Kind.CONFIRMATION)
    assert confirmation.attempts == 1
    assert confirmation.last_error == "ZeroDivisionError"
    assert confirmation.next_attempt_at >= before + emails.RETRY_DELAYS[0]
    retries = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    retry = next(task for task in retries if task.args_kwargs["args"] == [[confirmation.pk]])
    assert retry.run_after == confirmation.next_attempt_at
    assert run_tasks() == 0  # not due yet

    # Time passes: the confirmation's retry is due (the clinic's notice failed too, and
    # the first success sends it at once: the mail server is back).
    retry.run_after = timezone.now()
    retry.save()
    assert run_tasks() == 2  # the retry, then the catch-up it enqueued
    assert [m.to for m in mail.outbox] == [["ann@example.com"], [CLINIC_INBOX]]
    appointment.refresh_from_db()
    assert appointment.confirmation_sent_at is not None


def test_an_email_that_keeps_failing_is_given_up_logged_and_shown_to_reception(
    service, practitioner, mail_server_down, caplog, client
):
    appointment = book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    confirmation = AppointmentEmail.objects.get(kind=Kind.CONFIRMATION)
    outcomes = []
    for _ in range(len(emails.RETRY_DELAYS) + 1):
        confirmation.refresh_from_db()
        outcomes.append(deliver(confirmation.pk, now=confirmation.next_attempt_at))
    assert outcomes == ["retry"] * len(emails.RETRY_DELAYS) + ["failed"]
    confirmation.refresh_from_db()
    assert confirmation.given_up_at is not None
    assert confirmation.last_error == "SMTPServerDisconnected"
    assert "Gave up on the confirmation email" in caplog.text
    assert "ann@example.com" not in caplog.text

    client.force_login(staff_in(Group.objects.get(name="Reception")))
    failed = client.get(CHANGELIST, {"emails": "failed"})
    assert list(failed.context["cl"].result_list) == [appointment]
    assert "Failed: not sent" in failed.content.decode()
    assert list(client.get(CHANGELIST, {"emails": "failing"}).context["cl"].result_list) == []


def test_reception_can_try_a_failed_email_again(service, practitioner, client, run_tasks):
    book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    confirmation = AppointmentEmail.objects.get(kind=Kind.CONFIRMATION)
    AppointmentEmail.objects.filter(pk=confirmation.pk).update(
        given_up_at=timezone.now(), attempts=11, last_error="SMTPServerDisconnected"
    )
    client.force_login(staff_in(Group.objects.get(name="Reception")))
    client.post(
        "/admin/bookings/appointmentemail/",
        {"action": "try_again", "_selected_action": [confirmation.pk]},
    )
    run_tasks()
    confirmation.refresh_from_db()
    assert confirmation.sent_at is not None
    assert mail.outbox[0].to == ["ann@example.com"]


def test_an_email_whose_worker_was_killed_mid_send_is_sent_again_once(service, practitioner):
    book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    confirmation = AppointmentEmail.objects.get(kind=Kind.CONFIRMATION)
    killed_at = timezone.now()
    # The worker claimed the task and the email, then died (SIGKILL) before finishing.
    DBTaskResult.objects.filter(pk=confirmation.task_id).update(
        status=TaskResultStatus.RUNNING, started_at=killed_at
    )
    AppointmentEmail.objects.filter(pk=confirmation.pk).update(
        attempts=1, claimed_until=killed_at + emails.CLAIM
    )
    assert emails.retry_lost(now=killed_at + timedelta(seconds=30)) == 0  # may still be sending
    later = killed_at + emails.CLAIM + timedelta(seconds=1)
    assert emails.retry_lost(now=later) == 2  # the clinic's notice was in the same task
    for email in AppointmentEmail.objects.all():
        assert deliver(email.pk, now=later) == "sent"
        assert deliver(email.pk, now=later) == "already handled"
    assert [m.to for m in mail.outbox] == [["ann@example.com"], [CLINIC_INBOX]]


def test_retry_lost_leaves_emails_whose_task_is_waiting_alone(service, practitioner):
    book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    much_later = timezone.now() + timedelta(hours=1)
    assert emails.retry_lost(now=much_later) == 0
    assert DBTaskResult.objects.count() == 1


def test_an_outbox_row_without_a_task_is_picked_up_by_the_retry_job(service, practitioner):
    appointment = book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    DBTaskResult.objects.all().delete()  # e.g. confirmations carried over by the migration
    AppointmentEmail.objects.update(task_id="", next_attempt_at=timezone.now())
    assert emails.retry_lost() == 2
    for email in AppointmentEmail.objects.all():
        deliver(email.pk)
    appointment.refresh_from_db()
    assert appointment.confirmation_sent_at is not None
    assert len(mail.outbox) == 2


def test_sending_an_email_does_not_empty_the_booking_pages_cache(service, practitioner, run_tasks):
    book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    before = page_version("availability")
    run_tasks()
    assert len(mail.outbox) == 2
    assert page_version("availability") == before


def test_a_booking_empties_no_whole_group_of_pages(service, practitioner):
    # It writes a patient record, an audit entry and emails too: none of them is a page,
    # and the booking itself empties only its own week (tests/bookings/test_week_cache.py).
    before = {group: page_version(group) for group in PAGE_GROUPS}
    book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    emptied = {group for group in PAGE_GROUPS if page_version(group) != before[group]}
    assert emptied == set()


def test_queue_status_shows_the_oldest_waiting_task_and_failed_emails(service, practitioner):
    book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=5))
    AppointmentEmail.objects.filter(kind=Kind.CLINIC_NOTICE).update(given_up_at=timezone.now())
    output = call_command_output("queue_status")
    assert "Tasks waiting:          1" in output
    oldest = int(output.split("Oldest waiting task:")[1].split("s")[0])
    assert 300 <= oldest < 400
    assert "Emails failed (gave up): 1" in output


def call_command_output(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_refused_message_is_retried_alone_while_the_others_of_its_task_go(
    service, practitioner, monkeypatch
):
    from django.core.mail.backends.locmem import EmailBackend

    send = EmailBackend.send_messages

    def refuse_the_clinic(self, messages):
        if messages[0].to == [CLINIC_INBOX]:
            raise smtplib.SMTPRecipientsRefused({CLINIC_INBOX: (550, b"mailbox full")})
        return send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_the_clinic)
    appointment = book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    outcomes = emails.deliver(list(appointment.emails.values_list("pk", flat=True)))
    assert sorted(outcomes.values()) == ["retry", "sent"]
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
    notice = AppointmentEmail.objects.get(kind=Kind.CLINIC_NOTICE)
    assert notice.last_error == "SMTPRecipientsRefused"
    assert CLINIC_INBOX not in notice.last_error


def test_once_the_mail_server_answers_again_waiting_emails_go_at_once(
    service, practitioner, run_tasks, monkeypatch
):
    """Without this, an email that failed three times during an outage would wait out a
    two-minute back-off after the server came back."""
    first = book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    with monkeypatch.context() as patched:
        patched.setattr(
            "django.core.mail.backends.locmem.EmailBackend.send_messages", lambda *a: 1 / 0
        )
        run_tasks()
    waiting = AppointmentEmail.objects.filter(appointment=first)
    assert all(email.next_attempt_at > timezone.now() for email in waiting)
    book_appointment(service, practitioner, days_ahead(4, 10), ANN)  # the server is back
    run_tasks()
    assert all(email.sent_at for email in AppointmentEmail.objects.all())
    assert len(mail.outbox) == 4


def test_a_send_that_outlasts_its_deadline_is_cut_short_and_retried(
    service, practitioner, monkeypatch
):
    import time

    def dribble(self, messages):
        time.sleep(5)  # a server answering each command just inside its timeout

    monkeypatch.setattr(emails, "SEND_DEADLINE", 0.2)
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", dribble)
    appointment = book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    started = time.monotonic()
    outcomes = emails.deliver(list(appointment.emails.values_list("pk", flat=True)))
    assert time.monotonic() - started < 2
    assert sorted(outcomes.values()) == ["retry", "retry"]
    assert set(appointment.emails.values_list("last_error", flat=True)) == {"SendDeadlineExceeded"}


def test_retry_lost_says_the_dead_workers_task_failed(service, practitioner):
    book_appointment(service, practitioner, days_ahead(3, 10), ANN)
    task = DBTaskResult.objects.get()
    started = timezone.now() - emails.CLAIM - timedelta(seconds=5)
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING, started_at=started
    )
    AppointmentEmail.objects.update(next_attempt_at=started + emails.CLAIM)
    assert emails.retry_lost() == 2
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == "worker lost"


def test_an_email_that_cannot_be_built_is_counted_and_retried_not_lost(
    service, practitioner, monkeypatch, caplog
):
    appointment = book_appointment(service, practitioner, days_ahead(3, 10), ANN)

    def broken(email, now):
        raise KeyError("a template fault")

    monkeypatch.setattr(emails, "build_message", broken)
    outcomes = emails.deliver(list(appointment.emails.values_list("pk", flat=True)))
    assert sorted(outcomes.values()) == ["retry", "retry"]
    assert set(appointment.emails.values_list("last_error", flat=True)) == {"KeyError"}
    assert "Could not build the confirmation email" in caplog.text
