"""Settings come from the environment, and production refuses to start unsafe."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "debug": s.DEBUG,
    "hosts": s.ALLOWED_HOSTS,
    "origins": s.CSRF_TRUSTED_ORIGINS,
    "db_engine": s.DATABASES["default"]["ENGINE"],
    "db_name": str(s.DATABASES["default"]["NAME"]),
    "db_pool": bool(s.DATABASES["default"].get("OPTIONS", {}).get("pool")),
    "cache": s.CACHES["default"]["BACKEND"],
    "mailer": s.MAILERS["default"]["BACKEND"],
    "mail_host": s.MAILERS["default"]["OPTIONS"].get("host"),
    "mail_tls": s.MAILERS["default"]["OPTIONS"].get("use_tls", False),
    "time_zone": s.TIME_ZONE,
    "ssl_redirect": s.SECURE_SSL_REDIRECT,
    "hsts": s.SECURE_HSTS_SECONDS,
    "secure_cookies": s.SESSION_COOKIE_SECURE and s.CSRF_COOKIE_SECURE,
}))
"""


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "clinic.settings", **env})
    for name in ("EMAIL_URL", "CACHE_URL", "TIME_ZONE"):
        if name not in env:
            clean.pop(name, None)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_for(**env: str) -> dict:
    result = run_python(PRINT_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_are_read_from_the_environment():
    values = settings_for(
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="clinic.example,www.clinic.example",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://clinic.example",
        DATABASE_URL="postgres://clinic:pw@db.internal:5432/clinic",
        CACHE_URL="redis://cache.internal:6379/1",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example:587",
        TIME_ZONE="Europe/Dublin",
    )
    assert values["debug"] is False
    assert values["hosts"] == ["clinic.example", "www.clinic.example"]
    assert values["origins"] == ["https://clinic.example"]
    assert values["db_engine"] == "django.db.backends.postgresql"
    assert values["db_name"] == "clinic"
    assert values["db_pool"] is True
    assert values["cache"] == "clinic.redis_cache.RedisCache"
    assert values["mailer"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["mail_host"] == "smtp.example"
    assert values["mail_tls"] is True
    assert values["time_zone"] == "Europe/Dublin"
    assert values["ssl_redirect"] is True
    assert values["hsts"] >= 31_536_000
    assert values["secure_cookies"] is True


def test_developer_defaults_need_no_configuration():
    values = settings_for(DJANGO_DEBUG="1")
    assert values["debug"] is True
    assert values["db_engine"] == "django.db.backends.sqlite3"
    assert values["db_name"].endswith("db.sqlite3")
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["mailer"] == "django.core.mail.backends.console.EmailBackend"
    assert values["time_zone"] == "Europe/London"
    assert values["ssl_redirect"] is False


@pytest.mark.parametrize("command", [["check"], ["migrate", "--plan"], ["runserver", "--help"]])
def test_without_a_secret_key_production_refuses_to_start_with_one_clear_line(command):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines == [lines[0]]
    assert "DJANGO_SECRET_KEY" in lines[0]


def deploy_check(**env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("DJANGO_", "EMAIL_", "CACHE_", "WEB_CONCURRENCY", "SITE_URL", "STAFF_")
        )
    }
    clean.update(
        DJANGO_SECRET_KEY="k3y-" + "a1B2c3D4e5F6g7H8i9J0" * 3,
        DJANGO_ALLOWED_HOSTS="clinic.example",
        SITE_URL="https://clinic.example",
    )
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_deploy_check_is_clean_with_production_environment():
    result = deploy_check(
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example:587", CACHE_URL="redis://cache:6379/1"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_fails_when_several_workers_would_each_keep_their_own_cache():
    result = deploy_check(EMAIL_URL="smtp+tls://mailer:secret@smtp.example:587")
    assert result.returncode != 0
    assert "CACHE_URL=redis://" in result.stderr
    one_worker = deploy_check(
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example:587", WEB_CONCURRENCY="1"
    )
    assert one_worker.returncode == 0, one_worker.stdout + one_worker.stderr


@pytest.mark.parametrize(
    "site_url", ["", "http://clinic.example", "https://127.0.0.1:8000", "https://localhost"]
)
def test_deploy_check_refuses_a_site_url_patients_could_not_follow(site_url):
    env = {"EMAIL_URL": "smtp+tls://mailer:secret@smtp.example:587"}
    result = deploy_check(CACHE_URL="redis://cache:6379/1", **env, SITE_URL=site_url)
    assert result.returncode != 0
    assert "clinic.E002" in result.stderr


def test_deploy_check_fails_when_production_would_only_print_emails():
    result = deploy_check(CACHE_URL="redis://cache:6379/1")
    assert result.returncode != 0
    assert "email backend" in result.stderr


@pytest.mark.parametrize(
    ("email_url", "folder"),
    [
        ("filemail:///sent-mail", ROOT / "sent-mail"),
        ("filemail:////var/mail/clinic", "/var/mail/clinic"),
    ],
)
def test_a_filemail_folder_is_the_projects_or_an_absolute_one(email_url, folder):
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.MAILERS['default']['OPTIONS']['file_path'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "clinic.settings", "EMAIL_URL": email_url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == str(folder), result.stderr


def test_deploy_check_refuses_the_admin_without_its_second_factor():
    env = {"EMAIL_URL": "smtp+tls://mailer:secret@smtp.example:587"}
    result = deploy_check(CACHE_URL="redis://cache:6379/1", STAFF_TWO_FACTOR="0", **env)
    assert result.returncode != 0
    assert "clinic.E003" in result.stderr
