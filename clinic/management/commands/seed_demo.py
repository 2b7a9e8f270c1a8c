from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from clinic.models import ClinicDetails

# Each app that has demo data offers `<app>.demo.seed(stdout)`; it must be idempotent.
DEMO_APPS = ("programs", "bookings", "care")


class Command(BaseCommand):
    help = "Load demo data (clinic details, practitioners, services, hours). Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        if not ClinicDetails.objects.exists():
            ClinicDetails().save()
            self.stdout.write("Clinic details: created with demo defaults")
        for app in DEMO_APPS:
            try:
                demo = import_module(f"{app}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app}.demo":
                    raise
                continue
            demo.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
