from django.core.management.base import BaseCommand

from bookings.reminders import send_pending_confirmations, send_reminders


class Command(BaseCommand):
    help = (
        "Email a reminder to every patient booked for tomorrow (run daily from cron; "
        "safe to run again), and retry confirmations that did not go out."
    )

    def handle(self, *args, **options):
        sent, failed = send_reminders()
        self.stdout.write(f"Reminders: {sent} sent, {failed} failed (will retry next run).")
        sent, failed = send_pending_confirmations()
        self.stdout.write(f"Pending confirmations: {sent} sent, {failed} failed.")
