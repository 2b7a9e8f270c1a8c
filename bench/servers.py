"""Start the site as production runs it, for the scripts in bench/.

gunicorn with DEBUG off and WhiteNoise, on a throw-away Postgres database that
is created, migrated and seeded here and dropped afterwards.
"""

import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def postgres_database(name: str, server: str = POSTGRES_SERVER) -> Iterator[str]:
    """A new empty database on `server`, dropped on the way out; yields its URL."""
    import psycopg

    admin_url = f"{server}/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        try:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except psycopg.OperationalError as error:
            print(f"Could not drop database {name}: {error}", file=sys.stderr)


# The benchmarks' Redis database, emptied before each run (the tests use 9).
BENCH_REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/7")


def production_env(database_url: str, workdir: Path, **extra: str) -> dict[str, str]:
    """Production settings, except plain http on localhost and mail written to files:
    the Redis cache, the access log and INFO logging, as shipped."""
    import redis

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    (workdir / "mail").mkdir(exist_ok=True)
    redis.Redis.from_url(BENCH_REDIS).flushdb()
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        CACHE_URL=BENCH_REDIS,
        EMAIL_URL=f"filemail:///{workdir / 'mail'}",
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        DJANGO_SECURE_SSL_REDIRECT="0",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def prepare_site(env: dict[str, str]) -> None:
    """collectstatic, migrate and the demo data, as a deployment would."""
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return sorted(int(pid) for pid in children.read_text().split())


def rss_kib(pid: int) -> int:
    """Resident memory of a process, from /proc/<pid>/status (VmRSS, in KiB)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))


@contextmanager
def gunicorn(
    env: dict[str, str],
    workers: int | None = None,
    port: int | None = None,
    log: Path | None = None,
    config: str = "gunicorn.conf.py",
) -> Iterator[Server]:
    """gunicorn with the repository's gunicorn.conf.py (and as many workers as it picks
    unless told); waits until /healthz answers. ``config=""``: a bare gunicorn."""
    port = port or free_port()
    env = dict(env)
    if workers is not None:
        env["WEB_CONCURRENCY"] = str(workers)
    workers = workers or gunicorn_workers()
    command = [str(GUNICORN), "-c", config] if config else [str(GUNICORN), "-w", str(workers)]
    if not config:
        command.append("clinic.wsgi:application")
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {process.returncode}")
            try:
                urllib.request.urlopen(f"{base_url}/healthz", timeout=2)
                break
            except OSError:  # not listening yet (URLError, refused, timed out)
                time.sleep(0.1)
        server = Server(base_url, process)
        for _ in range(50):  # every worker booted
            if len(server.worker_pids()) >= workers:
                break
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        if log:
            out.close()


def gunicorn_workers() -> int:
    """The number of workers gunicorn.conf.py starts on this machine."""
    import runpy

    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"]


@contextmanager
def workdir(prefix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=prefix) as path:
        yield Path(path)


def fetch(url: str, headers: dict[str, str] | None = None, timeout: float = 10):
    """(status, headers, raw body as sent on the wire) without raising on 4xx/5xx."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def first_link(html: str, pattern: str, prefer: str = "") -> str | None:
    """The first href matching `pattern` in a page, preferring one that contains `prefer`."""
    links = list(dict.fromkeys(re.findall(rf'href="({pattern})"', html)))
    preferred = [link for link in links if prefer and prefer in link]
    return (preferred or links or [None])[0]


def discover_pages(base_url: str) -> dict[str, str]:
    """The site's public pages by name, found by following links from the listings."""
    pages = {"home": "/"}

    def html_of(path: str) -> str:
        status, _, body = fetch(base_url + path)
        return body.decode("utf-8", "replace") if status == 200 else ""

    listings = {
        "articles": ("/articles/", r"/articles/[\w-]+/", "hamstring", "article"),
        "exercises": ("/exercises/", r"/exercises/[\w-]+/", "nordic", "exercise"),
        "plans": ("/plans/", r"/plans/[\w-]+/", "nordic", "plan"),
        "book": ("/book/", r"/book/[\w-]+/", "", "booking week"),
    }
    for listing, (path, pattern, prefer, detail) in listings.items():
        html = html_of(path)
        if not html:
            continue
        pages[listing] = path
        link = first_link(html, pattern, prefer)
        if link and not link.startswith(("/articles/feed", "/exercises/?", "/plans/?")):
            pages[detail] = link
    if "booking week" in pages:
        # A time some days ahead: the first free one today slips into the minimum notice
        # while the benchmark runs, and its form then says "too soon".
        later = (date.today() + timedelta(days=3)).isoformat()
        form = first_link(
            html_of(f"{pages['booking week']}?day={later}"),
            rf"/book/[\w-]+/[\w-]+/{later}T[^\"/]+/",
        )
        week = html_of(pages["booking week"])
        form = form or first_link(week, r"/book/[\w-]+/[\w-]+/[^\"/]+/")
        if not form:  # no free time this week: try the next one
            next_week = first_link(week, r"/book/[\w-]+/\?[^\"]*week=[^\"]+")
            if next_week:
                form = first_link(
                    html_of(next_week.replace("&amp;", "&")), r"/book/[\w-]+/[\w-]+/[^\"/]+/"
                )
        if form:
            pages["booking form"] = form.replace("&amp;", "&")
    pages["search"] = "/search/?q=hamstring"
    pages["privacy"] = "/privacy/"
    return pages


def report(
    failures: list[str], passed: str = "All goals met.", failed: str = "Short of the goals:"
) -> int:
    """Print the verdict; the exit status for the script (1 when anything failed)."""
    print("\n" + (passed if not failures else failed + "\n- " + "\n- ".join(failures)))
    return 1 if failures else 0
