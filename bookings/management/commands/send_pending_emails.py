from django.core.management.base import BaseCommand

from bookings.emails import retry_lost


class Command(BaseCommand):
    help = (
        "Queue again the emails whose delivery task was lost (a worker killed mid-send). "
        "The worker does this every minute; safe to run by hand."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Emails queued again: {retry_lost()}.")
