"""Periodic jobs, enqueued by the worker (`manage.py worker`) so that no host cron is needed.

The jobs and their times are ``settings.PERIODIC_TASKS``: each names a task and either
``every`` (minutes) or ``at`` (a local time of day, daily). Each job's next time is kept
in the database (``ScheduledJob``): a worker that starts after a missed time enqueues
the job at once, and with several workers each run is enqueued by one of them only.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduledJob

logger = logging.getLogger(__name__)

# How often the worker's scheduler looks for due jobs.
TICK_SECONDS = 15
# The queue runs higher priorities first (emails have the default, 0).
JOB_PRIORITY = 10


@dataclass(frozen=True)
class Job:
    name: str
    task_path: str
    every: timedelta | None = None
    at: time | None = None

    @property
    def schedule(self) -> str:
        return f"every {self.every}" if self.every else f"daily at {self.at:%H:%M}"

    def first_run(self, now: datetime) -> datetime:
        """A new job runs at once (interval) or at today's time, even if passed (daily)."""
        if self.every:
            return now
        return datetime.combine(timezone.localdate(now), self.at, tzinfo=_zone())

    def next_run(self, now: datetime) -> datetime:
        if self.every:
            return now + self.every
        day = timezone.localdate(now)
        candidate = datetime.combine(day, self.at, tzinfo=_zone())
        if candidate <= now:
            candidate = datetime.combine(day + timedelta(days=1), self.at, tzinfo=_zone())
        return candidate


def _zone():
    return timezone.get_default_timezone()


def configured_jobs() -> list[Job]:
    jobs = []
    for name, spec in settings.PERIODIC_TASKS.items():
        if "every" in spec:
            jobs.append(Job(name, spec["task"], every=timedelta(minutes=spec["every"])))
        else:
            jobs.append(Job(name, spec["task"], at=time.fromisoformat(spec["at"])))
    return jobs


def enqueue_due_jobs(now: datetime | None = None) -> list[str]:
    """Enqueue every job whose time has come; return their names."""
    now = now or timezone.now()
    enqueued = []
    for job in configured_jobs():
        try:
            with transaction.atomic():
                ScheduledJob.objects.get_or_create(
                    name=job.name,
                    defaults={"schedule": job.schedule, "next_run_at": job.first_run(now)},
                )
        except IntegrityError:  # another worker created it at the same moment
            pass
        with transaction.atomic():
            row = ScheduledJob.objects.select_for_update(skip_locked=True).filter(name=job.name)
            row = row.first()
            if row is None:  # another worker holds it now
                continue
            changed = row.schedule != job.schedule
            if changed:  # the settings changed: follow the new times
                row.schedule = job.schedule
                last = row.last_run_at
                row.next_run_at = job.next_run(last) if last else job.first_run(now)
            if row.next_run_at <= now:
                # Ahead of any backlog: a periodic job is what clears a backlog.
                import_string(job.task_path).using(priority=JOB_PRIORITY).enqueue()
                row.last_run_at = now
                row.next_run_at = job.next_run(now)
                enqueued.append(job.name)
                changed = True
            if changed:  # most ticks find nothing due: no write
                row.save()
    for name in enqueued:
        logger.info("Scheduled job %s enqueued", name)
    return enqueued


def run_scheduler(stop: threading.Event) -> None:
    """The worker's scheduler thread: enqueue due jobs every TICK_SECONDS until ``stop``."""
    while not stop.is_set():
        try:
            close_old_connections()
            enqueue_due_jobs()
        except Exception:  # a database hiccup must not end the thread: try again next tick
            logger.exception("Could not enqueue the periodic jobs")
        finally:
            connections.close_all()
        stop.wait(TICK_SECONDS)


def start_scheduler() -> threading.Event:
    """Start the scheduler in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=run_scheduler, args=(stop,), name="scheduler", daemon=True).start()
    return stop
