from django.core.management.base import BaseCommand

from bookings.reminders import send_pending_confirmations


class Command(BaseCommand):
    help = "Retry booking confirmations that could not be sent (run every few minutes from cron)."

    def handle(self, *args, **options):
        sent, failed = send_pending_confirmations()
        self.stdout.write(f"Pending confirmations: {sent} sent, {failed} failed.")
