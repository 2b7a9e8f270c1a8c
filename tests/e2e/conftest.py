"""The real site in a real browser.

One gunicorn server per test session, with production settings (DEBUG off,
WhiteNoise serving the collected static files) on a throw-away SQLite database
that is migrated and seeded with the demo data, and a worker beside it that sends
the emails. Mail goes to files that the tests read (E2E_DATABASE_URL=postgres://host/name
runs it on a fresh Postgres database `name` instead). Playwright drives Debian's Chromium
(/usr/bin/chromium); a test that fails leaves a screenshot in test-artifacts/.
"""

import email
import email.policy
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.staff import PASSWORD

try:
    import playwright  # noqa: F401 (the `e2e` extra; `make e2e` installs it)
except ImportError:
    # `make test` installs only the dev extra: leave the browser tests out, don't fail.
    collect_ignore_glob = ["test_*.py"]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# The flags this machine needs: no sandbox as root, and no calls home (the network is closed).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 3,
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# WCAG 1.4.10 (reflow): content works at 320 CSS pixels wide without scrolling sideways.
NARROW = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}

USERS_SCRIPT = f"""
from django.contrib.auth.models import Group, User
User.objects.create_superuser("admin", "admin@clinic.example", {PASSWORD!r})
for username, group_name in (("reception", "Reception"), ("editor", "Content editor")):
    user = User.objects.create_user(username, f"{{username}}@clinic.example", {PASSWORD!r},
                                    is_staff=True, first_name=username.title())
    group = Group.objects.filter(name=group_name).first()
    if group is None:
        print(f"WARNING: no {{group_name!r}} group (its app's migration is missing)")
    else:
        user.groups.add(group)
"""


def pytest_sessionstart(session):
    """Screenshots and logs of an earlier run's failures would mislead: start with none."""
    for old in [*ARTIFACTS.glob("*.png"), ARTIFACTS / "gunicorn.log"]:
        old.unlink(missing_ok=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Site:
    """The running site: its address, its mailbox and a way to run manage.py on its database."""

    base_url: str
    mail_dir: Path
    env: dict = field(repr=False)

    def url(self, path: str) -> str:
        return self.base_url + path

    def manage(self, *args: str, timeout: int = 120) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", code).strip()

    def emails(self) -> list[email.message.EmailMessage]:
        """Every message sent so far (Django's file backend: one file per connection)."""
        messages = []
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime):
            for chunk in re.split(rb"\n-{79}\n", path.read_bytes()):
                if chunk.strip():
                    messages.append(
                        email.message_from_bytes(chunk.lstrip(), policy=email.policy.default)
                    )
        return messages

    def emails_to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.emails() if address in str(m.get("To", ""))]

    def wait_for_email(self, address: str, count: int = 1, timeout: float = 10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.emails_to(address)
            if len(found) >= count:
                return found
            time.sleep(0.2)
        raise AssertionError(
            f"expected {count} email(s) to {address}, found {len(self.emails_to(address))}; "
            f"all recipients: {[str(m.get('To')) for m in self.emails()]}"
        )


@contextmanager
def throwaway_database(tmp: Path):
    """SQLite by default; with E2E_DATABASE_URL=postgres://.../name, a fresh `name` there."""
    url = os.environ.get("E2E_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp / 'e2e.sqlite3'}"
        return
    import psycopg

    base, _, name = url.rpartition("/")
    admin_url = f"{base}/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    with throwaway_database(tmp_path_factory.mktemp("database")) as url:
        yield url


@pytest.fixture(scope="session")
def site(tmp_path_factory, database_url):
    tmp = tmp_path_factory.mktemp("site")
    mail_dir = tmp / "mail"
    mail_dir.mkdir()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SECRET_KEY="e2e-only-" + "k3y" * 20,
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        CACHE_URL="locmemcache://e2e",
        EMAIL_URL=f"filemail:///{mail_dir}",  # four slashes: an absolute path
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        DJANGO_SECURE_SSL_REDIRECT="0",
        BOOKING_RATE_LIMIT="1000/h",
        BOOKING_EMAIL_RATE_LIMIT="1000/h",
        SITE_URL=base_url,
        # One process (with threads): the default local-memory cache is per process, so
        # with several workers an edit in admin reaches only one worker's cached pages.
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="8",
        GUNICORN_ACCESS_LOG="0",
        LOG_LEVEL="WARNING",
    )
    running = Site(base_url=base_url, mail_dir=mail_dir, env=env)
    running.manage("collectstatic", "--noinput", "-v0")
    running.manage("migrate", "--noinput", "-v0")
    running.manage("seed_demo")
    print(running.shell(USERS_SCRIPT))
    log = open(tmp / "gunicorn.log", "wb")  # noqa: SIM115 (closed at teardown)
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # The background worker sends the emails, as in production.
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-startup-delay", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base_url}/healthz", timeout=1)
                break
            except OSError:  # not listening yet (URLError, refused, timed out)
                if process.poll() is not None:
                    break
                time.sleep(0.1)
        else:
            pass
        if process.poll() is not None:
            pytest.fail("gunicorn did not start:\n" + (tmp / "gunicorn.log").read_text())
        yield running
    finally:
        for running_process in (process, worker):
            running_process.terminate()
        for running_process in (process, worker):
            running_process.wait(timeout=30)
        log.close()
        server_log = (tmp / "gunicorn.log").read_text(errors="replace")
        # 403s and 404s are logged as warnings (some with a traceback): only errors matter.
        if re.search(r"^\S+ \S+ (ERROR|CRITICAL) ", server_log, re.M):
            ARTIFACTS.mkdir(exist_ok=True)
            (ARTIFACTS / "gunicorn.log").write_text(server_log)
            print("The server logged errors: see test-artifacts/gunicorn.log")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _record_console_error(page, message) -> None:
    source = (message.location or {}).get("url", "")
    # Admin pages have no icon, so Chromium asks for /favicon.ico and gets a 404.
    if message.type == "error" and not source.endswith("/favicon.ico"):
        page.console_errors.append(f"{message.text} ({source})")


def _open_page(request, browser, site, options, label):
    context = browser.new_context(base_url=site.base_url, accept_downloads=True, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: _record_console_error(page, message))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])[:150]
        for number, open_page in enumerate(context.pages):
            suffix = f"-{number}" if number else ""
            path = ARTIFACTS / f"{name}-{label}{suffix}.png"
            try:
                open_page.screenshot(path=path, full_page=True)
                print(f"Screenshot of the failure: {path} ({open_page.url})")
            except Exception as error:  # a crashed page must not hide the real failure
                print(f"No screenshot: {error}")
    context.close()


@pytest.fixture
def page(request, browser, site):
    """A fresh desktop browser tab (own cookies) on the running site."""
    yield from _open_page(request, browser, site, DESKTOP, "page")


@pytest.fixture
def phone(request, browser, site):
    """A fresh phone-sized tab (390 x 844, touch) on the running site."""
    yield from _open_page(request, browser, site, PHONE, "phone")


@pytest.fixture
def phone_without_javascript(request, browser, site):
    """A phone-sized tab with JavaScript turned off, as some patients browse."""
    options = {**PHONE, "java_script_enabled": False}
    yield from _open_page(request, browser, site, options, "phone-no-js")


@pytest.fixture
def narrow(request, browser, site):
    """A 320-pixel-wide tab: the narrowest screen WCAG asks pages to reflow to."""
    yield from _open_page(request, browser, site, NARROW, "narrow")


@pytest.fixture
def staff_page(request, browser, site):
    """Another desktop tab, for a member of staff working beside a patient."""
    yield from _open_page(request, browser, site, DESKTOP, "staff")
