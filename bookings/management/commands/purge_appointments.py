from django.conf import settings
from django.core.management.base import BaseCommand

from bookings.retention import purge_appointments


class Command(BaseCommand):
    help = (
        "Anonymise patients whose last appointment is older than BOOKING_RETENTION_DAYS "
        "(the worker runs this daily; safe to run by hand)."
    )

    def handle(self, *args, **options):
        count = purge_appointments()
        self.stdout.write(
            f"Anonymised {count} patient(s) whose last appointment is older than "
            f"{settings.BOOKING_RETENTION_DAYS} days."
        )
