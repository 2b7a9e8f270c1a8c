"""The deployable artefact: gunicorn with production settings, static files by WhiteNoise.

Runs against Postgres when the suite does (a throw-away database beside the test one).
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def throwaway_database_url(tmp_path: Path) -> tuple[str, callable]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp_path / 'prod.sqlite3'}", lambda: None
    import psycopg

    base, _, name = url.rpartition("/")
    smoke = f"{name.split('?')[0]}_prodsmoke"
    admin_url = f"{base}/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{smoke}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{smoke}"')

    def drop():
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{smoke}" WITH (FORCE)')

    return f"{base}/{smoke}", drop


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("prod")
    database_url, drop_database = throwaway_database_url(tmp_path)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SECRET_KEY="prod-smoke-" + "s3cr3t" * 10,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        EMAIL_URL="smtp://127.0.0.1:2525",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        WEB_CONCURRENCY="1",
        GUNICORN_ACCESS_LOG="0",
    )
    manage = [sys.executable, "manage.py"]
    for command in (["collectstatic", "--noinput", "-v0"], ["migrate", "--noinput", "-v0"]):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, timeout=300)
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5)
                break
            except OSError:  # not listening yet, or the worker still booting
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start: " + process.stderr.read1().decode())
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        drop_database()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        return opener.open(request, timeout=10)
    except urllib.error.HTTPError as error:
        return error


def test_gunicorn_serves_the_home_page_with_every_security_header(server):
    response = fetch(f"{server}/", **{"X-Forwarded-Proto": "https"})
    assert response.status == 200
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert int(re.search(r"max-age=(\d+)", headers["Strict-Transport-Security"])[1]) >= 31536000
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Permissions-Policy"]
    assert headers["X-Frame-Options"] == "DENY"


def test_plain_http_is_redirected_to_https(server):
    response = fetch(f"{server}/")
    assert response.status == 301
    assert response.headers["Location"] == f"https://{server.removeprefix('http://')}/"


def test_stylesheets_are_compressed_hashed_and_cached_for_a_year(server):
    page = fetch(f"{server}/", **{"X-Forwarded-Proto": "https"}).read().decode()
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)[1]
    response = fetch(
        f"{server}{stylesheet}", **{"Accept-Encoding": "br, gzip", "X-Forwarded-Proto": "https"}
    )
    assert response.status == 200
    assert response.headers["Content-Encoding"] in {"br", "gzip"}
    max_age = int(re.search(r"max-age=(\d+)", response.headers["Cache-Control"])[1])
    assert max_age >= 31_536_000


def test_unknown_url_gets_the_styled_404(server):
    response = fetch(f"{server}/no-such-page/", **{"X-Forwarded-Proto": "https"})
    assert response.status == 404
    assert "Page not found" in response.read().decode()
