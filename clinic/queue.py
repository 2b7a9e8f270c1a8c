"""What an operator needs to know about the background queue (django-tasks-db), and its
housekeeping: `manage.py queue_status` prints ``queue_health()``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Min, Q
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

# A task running longer than this lost its worker (killed); nothing of ours runs so long.
ABANDONED_AFTER = timedelta(hours=1)
# Finished task records are kept this long (each email keeps its own history).
KEEP_FINISHED = timedelta(days=7)


@dataclass(frozen=True)
class QueueHealth:
    waiting: int  # due now, not started
    oldest_waiting_seconds: float | None
    deferred: int  # retries and other tasks due later
    running: int
    failed_last_day: int
    emails_failing: int  # retrying
    emails_failed: int  # given up on: reception phones the patient


def queue_health(now: datetime | None = None) -> QueueHealth:
    from bookings.models import AppointmentEmail

    now = now or timezone.now()
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    due = ready.filter(Q(run_after__lte=now) | Q(run_after=get_date_max()))
    oldest = due.aggregate(oldest=Min("enqueued_at"))["oldest"]
    return QueueHealth(
        waiting=due.count(),
        oldest_waiting_seconds=(now - oldest).total_seconds() if oldest else None,
        deferred=ready.count() - due.count(),
        running=DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count(),
        failed_last_day=DBTaskResult.objects.filter(
            status=TaskResultStatus.FAILED, finished_at__gte=now - timedelta(days=1)
        ).count(),
        emails_failing=AppointmentEmail.objects.failing().count(),
        emails_failed=AppointmentEmail.objects.given_up().count(),
    )


def mark_lost(*task_ids: str) -> None:
    """Record that these running tasks' worker died (killed) before they finished."""
    _mark_lost(DBTaskResult.objects.filter(pk__in=task_ids, status=TaskResultStatus.RUNNING))


def _mark_lost(tasks, now: datetime | None = None) -> None:
    tasks.update(
        status=TaskResultStatus.FAILED,
        finished_at=now or timezone.now(),
        exception_class_path="worker lost",
        traceback="The worker running this task stopped before it finished.",
    )


def prune_finished_tasks(now: datetime | None = None) -> int:
    """Mark tasks whose worker died as failed, and delete finished ones past KEEP_FINISHED."""
    now = now or timezone.now()
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    _mark_lost(running.filter(started_at__lt=now - ABANDONED_AFTER), now)
    deleted, _ = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=now - KEEP_FINISHED,
    ).delete()
    return deleted
