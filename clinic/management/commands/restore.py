import getpass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from clinic.backups import latest, restore_latest


class Command(BaseCommand):
    help = (
        "Restore the newest backup in BACKUP_DIR: the database (its tables are replaced) and "
        "the uploaded files. Encrypted backups need the GPG private key in this keyring."
    )

    def add_arguments(self, parser):
        parser.add_argument("--noinput", action="store_false", dest="interactive")
        parser.add_argument(
            "--passphrase", help="The GPG key's passphrase, for an encrypted backup."
        )

    def handle(self, *args, **options):
        database, media = latest("db"), latest("media")
        self.stdout.write(f"Newest backups in {settings.BACKUP_DIR}: {database} and {media}")
        if options["interactive"]:
            answer = input("This replaces everything in the database. Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was restored.")
        passphrase = options["passphrase"]
        if passphrase is None and database.endswith(".gpg") and options["interactive"]:
            passphrase = getpass.getpass("GPG passphrase (empty if none): ") or None
        restore_latest(passphrase=passphrase, quiet=options["verbosity"] < 2)
        self.stdout.write(self.style.SUCCESS(f"Restored {database} and {media}."))
