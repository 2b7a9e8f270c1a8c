from django.core.management.base import BaseCommand

from clinic.models import ScheduledJob
from clinic.queue import queue_health


class Command(BaseCommand):
    help = "How the background queue is doing: waiting tasks, the oldest one's age, failed emails."

    def handle(self, *args, **options):
        health = queue_health()
        oldest = health.oldest_waiting_seconds
        self.stdout.write(f"Tasks waiting:          {health.waiting}")
        self.stdout.write(
            "Oldest waiting task:    " + (f"{oldest:.0f} s" if oldest is not None else "none")
        )
        self.stdout.write(f"Retries due later:      {health.deferred}")
        self.stdout.write(f"Tasks running:          {health.running}")
        self.stdout.write(f"Tasks failed (24 h):    {health.failed_last_day}")
        self.stdout.write(f"Emails failing (retry): {health.emails_failing}")
        self.stdout.write(f"Emails failed (gave up): {health.emails_failed}")
        for job in ScheduledJob.objects.all():
            self.stdout.write(
                f"Job {job.name}: {job.schedule}, next {job.next_run_at:%Y-%m-%d %H:%M %Z}, "
                f"last {job.last_run_at or 'never'}"
            )
