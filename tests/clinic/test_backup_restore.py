"""A backup is only a hope until it has been restored: back up a site, lose its database and
its uploads, restore, and find every record and file again.

Each test runs the commands an operator runs (`manage.py backup` / `restore`, what
`make backup` / `make restore` and the nightly job call) in separate processes against a
throw-away site: a Postgres database beside the test one when the suite runs on Postgres
(as CI does), an SQLite file otherwise. Every model of every installed app is compared, so
an app added later (home programmes) is covered without changing this test.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


class Site:
    """A throw-away site: its database, MEDIA_ROOT and BACKUP_DIR."""

    def __init__(self, tmp_path: Path, **env: str):
        self.media = tmp_path / "media"
        self.backups = tmp_path / "backups"
        url = os.environ.get("DATABASE_URL", "")
        self.postgres = url.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            base, _, name = url.rpartition("/")
            self.name = f"{name.split('?')[0]}_{tmp_path.name[-20:].replace('-', '_')}"[:60]
            self.admin_url = f"{base}/postgres"
            self.url = f"{base}/{self.name}"
        else:
            self.sqlite = tmp_path / "site.sqlite3"
            self.url = f"sqlite:///{self.sqlite}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        self.env.update(
            DJANGO_SETTINGS_MODULE="clinic.settings",
            DJANGO_SECRET_KEY="backup-test-" + "s3cr3t" * 10,
            DATABASE_URL=self.url,
            DJANGO_MEDIA_ROOT=str(self.media),
            BACKUP_DIR=str(self.backups),
            **env,
        )

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def create_empty_database(self) -> None:
        """As on a new machine: a database with nothing in it."""
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{self.name}"')

    def lose_everything(self) -> None:
        """The database and the uploads are gone; only BACKUP_DIR is left."""
        if self.postgres:
            self.create_empty_database()
        else:
            for path in self.sqlite.parent.glob(self.sqlite.name + "*"):  # with -wal, -shm
                path.unlink()
        shutil.rmtree(self.media)

    def drop(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def run(self, *args: str, input: str | None = None) -> str:
        result = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env,
            input=input,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def manage(self, *args: str) -> str:
        return self.run("manage.py", *args)

    def snapshot(self) -> dict:
        return json.loads(self.run("-m", "tests.clinic.sitedata", "snapshot"))


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path, BACKUP_KEEP="2")
    site.create_empty_database()
    try:
        site.manage("migrate", "--noinput", "-v0")
        site.run("-m", "tests.clinic.sitedata", "fill")
        yield site
    finally:
        site.drop()


def test_a_lost_database_and_uploads_come_back_whole_from_the_backup(site):
    before = site.snapshot()
    assert len(before["appointments"]) >= 3
    assert {"Ann Backup", "Bob Backup"} <= {a["patient"] for a in before["appointments"]}
    assert {path.split("/")[0] for path in before["files"]} == {
        "articles",
        "exercises",
        "practitioners",
    }

    site.manage("backup")
    site.lose_everything()
    assert not site.media.exists()
    site.manage("restore", "--noinput")
    after = site.snapshot()

    assert after["appointments"] == before["appointments"]
    assert after["files"] == before["files"]
    assert after["tables"] == before["tables"]  # every row of every model, programmes too


def test_restore_asks_before_replacing_the_database_and_stops_without_a_yes(site):
    site.manage("backup")
    backed_up = site.snapshot()
    site.run("-m", "tests.clinic.sitedata", "change")  # a patient added after the backup
    changed = site.snapshot()
    assert changed != backed_up  # so a restore would show
    result = subprocess.run(
        [sys.executable, "manage.py", "restore"],
        cwd=ROOT,
        env=site.env,
        input="no\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Nothing was restored" in result.stderr
    assert site.snapshot() == changed


def test_backups_are_timestamped_compressed_private_and_only_the_newest_are_kept(site):
    site.backups.mkdir()
    ext = "psql.bin.gz" if site.postgres else "sqlite3.gz"
    days = (1, 2, 3)
    old = [f"default-clinic-2026-01-0{day}-023000.{ext}" for day in days]
    old += [f"clinic-2026-01-0{day}-023000.tar.gz" for day in days]
    for name in old:
        (site.backups / name).write_bytes(b"an old backup")

    site.manage("backup")

    names = sorted(path.name for path in site.backups.iterdir() if "metadata" not in path.name)
    new = [name for name in names if name not in old]
    assert len(new) == 2  # the database and the uploads, named by date and time
    assert all(name.endswith(".gz") for name in new)
    for name in new:
        assert (site.backups / name).read_bytes()[:2] == b"\x1f\x8b"  # gzip
        assert (site.backups / name).stat().st_mode & 0o077 == 0  # patient data: owner only
    # BACKUP_KEEP=2: the new backup and the newest old one of each kind.
    assert sorted(set(names) - set(new)) == sorted(name for name in old if "-01-03-" in name)


@pytest.fixture
def keyring(tmp_path):
    """A throw-away GPG home; its agent (gpg starts one) is stopped afterwards."""
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    yield home
    subprocess.run(
        ["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], capture_output=True, timeout=30
    )


@pytest.mark.skipif(shutil.which("gpg") is None, reason="gpg is not installed")
def test_an_encrypted_backup_is_unreadable_without_the_key_and_restores_with_it(site, keyring):
    subprocess.run(
        [
            "gpg",
            "--homedir",
            str(keyring),
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            "Clinic backups <backups@clinic.test>",
            "default",
            "default",
            "never",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    site.env.update(GNUPGHOME=str(keyring), BACKUP_GPG_RECIPIENT="backups@clinic.test")
    before = site.snapshot()

    site.manage("backup")
    backups = [path for path in site.backups.iterdir() if "metadata" not in path.name]
    assert backups and all(path.name.endswith(".gz.gpg") for path in backups)
    for path in backups:
        content = path.read_bytes()
        assert content[:2] != b"\x1f\x8b" and b"Ann Backup" not in content

    site.lose_everything()
    site.manage("restore", "--noinput")
    assert site.snapshot() == before


@pytest.mark.django_db
def test_the_worker_backs_up_every_night_at_backup_at(settings, monkeypatch, run_tasks):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from clinic import backups
    from clinic.schedule import enqueue_due_jobs

    london = ZoneInfo("Europe/London")
    runs = []
    monkeypatch.setattr(
        backups, "back_up", lambda: runs.append(1) or backups.Backup("db.gz", "media.tar.gz")
    )
    assert settings.PERIODIC_TASKS["backup"] == {
        "task": "clinic.tasks.back_up_site",
        "at": "02:30",
    }
    settings.PERIODIC_TASKS = {"backup": settings.PERIODIC_TASKS["backup"]}

    assert enqueue_due_jobs(datetime(2026, 12, 1, 2, 29, tzinfo=london)) == []
    assert enqueue_due_jobs(datetime(2026, 12, 1, 2, 30, tzinfo=london)) == ["backup"]
    assert enqueue_due_jobs(datetime(2026, 12, 1, 23, 0, tzinfo=london)) == []
    run_tasks()
    assert runs == [1]
    assert enqueue_due_jobs(datetime(2026, 12, 2, 2, 30, tzinfo=london)) == ["backup"]


@pytest.mark.django_db
def test_a_failed_nightly_backup_is_logged_as_an_error_and_its_task_fails(
    monkeypatch, run_tasks, caplog
):
    from django_tasks_db.models import DBTaskResult

    from clinic import backups, tasks

    def disk_full():
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups, "back_up", disk_full)
    tasks.back_up_site.enqueue()
    run_tasks()
    assert "The nightly backup failed" in caplog.text
    assert DBTaskResult.objects.get().status == "FAILED"


def test_restore_with_no_backup_says_so_and_changes_nothing(site):
    before = site.snapshot()
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", "--noinput"],
        cwd=ROOT,
        env=site.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert f"No db backup in {site.backups}" in result.stderr
    assert "Traceback" not in result.stderr
    assert site.snapshot() == before
