from django.core.management.base import BaseCommand

from bookings.reminders import queue_reminders


class Command(BaseCommand):
    help = (
        "Queue a reminder for every patient booked for tomorrow who has not had one. The "
        "worker does this daily (settings.PERIODIC_TASKS); safe to run again by hand."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Reminders queued: {queue_reminders()}.")
