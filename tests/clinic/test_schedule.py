"""Periodic jobs run from the worker on their schedule, each run enqueued once."""

import signal
from datetime import datetime, timedelta
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from bookings.models import Appointment
from clinic.models import ScheduledJob
from clinic.schedule import enqueue_due_jobs
from tests.bookings.factories import (
    days_ahead,
    make_appointment,
    make_practitioner,
    make_service,
)
from tests.conftest import WORKER_CLOSES_CONNECTIONS

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
JOBS = {
    "retry-emails": {"task": "bookings.tasks.retry_emails", "every": 1},
    "reminders": {"task": "bookings.tasks.queue_reminders", "at": "09:00"},
}


@pytest.fixture(autouse=True)
def _two_jobs(settings):
    settings.PERIODIC_TASKS = JOBS


def enqueued() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


def test_a_new_worker_runs_interval_jobs_at_once_and_todays_daily_job_if_its_time_passed():
    assert enqueue_due_jobs(datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)) == [
        "retry-emails",
        "reminders",
    ]
    reminders = ScheduledJob.objects.get(name="reminders")
    assert reminders.next_run_at == datetime(2026, 12, 2, 9, 0, tzinfo=LONDON)


def test_a_daily_job_waits_for_its_time():
    enqueue_due_jobs(datetime(2026, 12, 1, 7, 0, tzinfo=LONDON))
    assert enqueued() == ["bookings.tasks.retry_emails"]
    assert "reminders" not in enqueue_due_jobs(datetime(2026, 12, 1, 8, 59, tzinfo=LONDON))
    assert "reminders" in enqueue_due_jobs(datetime(2026, 12, 1, 9, 0, tzinfo=LONDON))


def test_each_run_is_enqueued_once_however_often_the_workers_look():
    now = datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
    enqueue_due_jobs(now)
    assert enqueue_due_jobs(now) == []
    assert enqueue_due_jobs(now + timedelta(seconds=30)) == []
    assert enqueue_due_jobs(now + timedelta(minutes=1)) == ["retry-emails"]
    assert len(enqueued()) == 3


def test_a_daily_job_keeps_its_local_time_across_the_clock_change():
    # The clocks go back on Sunday 25 October 2026: 09:00 is 08:00 UTC before, 09:00 after.
    enqueue_due_jobs(datetime(2026, 10, 24, 9, 30, tzinfo=LONDON))
    reminders = ScheduledJob.objects.get(name="reminders")
    assert reminders.next_run_at == datetime(2026, 10, 25, 9, 0, tzinfo=LONDON)
    assert reminders.next_run_at.astimezone(ZoneInfo("UTC")).hour == 9
    enqueue_due_jobs(datetime(2026, 10, 25, 9, 0, tzinfo=LONDON))
    reminders.refresh_from_db()
    assert reminders.next_run_at == datetime(2026, 10, 26, 9, 0, tzinfo=LONDON)


def test_a_changed_time_in_the_settings_is_followed(settings):
    enqueue_due_jobs(datetime(2026, 12, 1, 9, 30, tzinfo=LONDON))  # ran at 09:30 today
    settings.PERIODIC_TASKS = {**JOBS, "reminders": {**JOBS["reminders"], "at": "08:00"}}
    assert "reminders" not in enqueue_due_jobs(datetime(2026, 12, 1, 9, 45, tzinfo=LONDON))
    reminders = ScheduledJob.objects.get(name="reminders")
    assert reminders.next_run_at == datetime(2026, 12, 2, 8, 0, tzinfo=LONDON)


def test_the_worker_runs_the_reminder_job_and_the_reminder_goes_once(settings):
    service = make_service()
    make_appointment(make_practitioner(service), service, days_ahead(1, 10))
    settings.PERIODIC_TASKS = {"reminders": {"task": "bookings.tasks.queue_reminders", "every": 1}}
    enqueue_due_jobs()
    run_worker_command()  # runs the job, which queues the reminder, then sends it
    enqueue_due_jobs(ScheduledJob.objects.get().next_run_at)  # the next run finds nothing new
    run_worker_command()
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Reminder"]
    assert Appointment.objects.get().reminder_sent_at is not None


def run_worker_command() -> None:
    """`manage.py worker --batch`, leaving the test process's signal handlers (and its CPU
    priority: --nice 0) as they were."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        options = {"batch": True, "reload": False, "startup_delay": False, "nice": 0}
        with mock.patch(WORKER_CLOSES_CONNECTIONS, lambda: None):
            call_command("worker", **options, stdout=StringIO())
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def test_periodic_jobs_go_ahead_of_a_backlog_of_emails():
    enqueue_due_jobs(datetime(2026, 12, 1, 10, 0, tzinfo=LONDON))
    assert set(DBTaskResult.objects.values_list("priority", flat=True)) == {10}
