from django.conf import settings
from django.core.management.base import BaseCommand

from clinic.backups import back_up


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files into BACKUP_DIR (compressed, timestamped, "
        "GPG-encrypted when BACKUP_GPG_RECIPIENT is set), keeping the newest BACKUP_KEEP. "
        "The worker runs this every night (the `backup` job)."
    )

    def handle(self, *args, **options):
        backup = back_up(quiet=options["verbosity"] < 2)
        written = f"{backup.database}, {backup.media}"
        self.stdout.write(self.style.SUCCESS(f"Backed up to {settings.BACKUP_DIR}: {written}"))
