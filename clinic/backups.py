"""Backups of everything the clinic cannot lose: the database and the uploaded pictures.

django-dbbackup does the work: ``pg_dump --format=custom`` on Postgres (SQLite's online
backup API on SQLite), a tar of ``MEDIA_ROOT``, both gzipped, with a timestamp in their
names, written to ``BACKUP_DIR`` (``STORAGES["dbbackup"]``). With ``BACKUP_GPG_RECIPIENT``
set each file is encrypted to that GPG key. After each backup only the newest
``BACKUP_KEEP`` of each kind are kept. The worker runs ``back_up`` nightly (the ``backup``
job of ``PERIODIC_TASKS``); ``make backup`` / ``manage.py backup`` run it by hand.

``restore_latest`` puts the newest database backup back (dropping what is there) and
copies the newest uploads backup's files into ``MEDIA_ROOT``: ``make restore``.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import CommandError, call_command

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Backup:
    database: str  # file names in BACKUP_DIR
    media: str


def back_up(*, quiet: bool = True) -> Backup:
    """Back up the database, then the uploads; then drop all but the newest BACKUP_KEEP."""
    encrypt = bool(settings.DBBACKUP_GPG_RECIPIENT)
    options = {"compress": True, "encrypt": encrypt, "clean": True, "quiet": quiet}
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)  # no uploads yet: empty tar
    call_command("dbbackup", **options)
    call_command("mediabackup", **options)
    backup = Backup(latest("db"), latest("media"))
    logger.info("Backup written: %s and %s", backup.database, backup.media)
    return backup


def latest(content_type: str) -> str:
    """The newest backup file of a kind ("db" or "media"), encrypted or not."""
    from dbbackup.storage import StorageError, get_storage

    try:
        return get_storage().get_latest_backup(content_type=content_type)
    except (StorageError, FileNotFoundError) as error:
        raise CommandError(f"No {content_type} backup in {settings.BACKUP_DIR}: {error}") from error


def restore_latest(*, passphrase: str | None = None, quiet: bool = True) -> Backup:
    """Restore the newest database backup (replacing the database's tables) and the newest
    uploads backup (its files written over those of the same name)."""
    backup = Backup(latest("db"), latest("media"))
    with tempfile.TemporaryDirectory(prefix="clinic-restore-") as scratch:
        common = {"interactive": False, "quiet": quiet}
        database = _readable(backup.database, Path(scratch), passphrase)
        call_command("dbrestore", **database, **common)
        media = _readable(backup.media, Path(scratch), passphrase)
        call_command("mediarestore", **media, replace=True, **common)
    logger.info("Restored %s and %s", backup.database, backup.media)
    return backup


def _readable(name: str, scratch: Path, passphrase: str | None) -> dict:
    """dbrestore's or mediarestore's options to read backup ``name``: an encrypted one is
    decrypted into ``scratch`` first (django-dbbackup would prompt for a passphrase even
    for a key that has none)."""
    if not name.endswith(".gpg"):
        return {"input_filename": name, "uncompress": name.endswith(".gz")}
    import gnupg
    from dbbackup.storage import get_storage

    plain = scratch / name.removesuffix(".gpg")
    with get_storage().read_file(name) as encrypted:
        result = gnupg.GPG().decrypt_file(encrypted, passphrase=passphrase, output=str(plain))
    if not result.ok:
        raise CommandError(f"Could not decrypt {name}: {result.status}. Is the key imported?")
    return {"input_path": str(plain), "uncompress": plain.name.endswith(".gz")}
