"""The image's runtime, without Docker: the code copied into a root-owned directory, the
image's own last build steps run on it (deploy/prepare-image.sh, as the Dockerfile runs
them), then migrations and gunicorn run as an unprivileged user, and a member of staff
uploads a picture through the admin. A permission mistake (the app unable to create or
write MEDIA_ROOT) fails here even where no Docker engine runs.

The interpreter and the installed packages are hard-linked (copied where links cannot be
made) into a root-owned directory too, as the image's /venv is: this machine's Python may
sit under /root, where the unprivileged user cannot go.
"""

import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
USER = "nobody"
# What the Dockerfile's `COPY . .` brings (.dockerignore leaves out the rest).
IGNORED = shutil.ignore_patterns(
    ".venv",
    ".git",
    "__pycache__",
    "*.sqlite3*",
    "staticfiles",
    "media",
    "backups",
    "node_modules",
    "test-artifacts",
    ".pytest_cache",
    ".ruff_cache",
    ".env",
)

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("runuser") is None,
    reason="needs root (as CI runs) to make root-owned directories and run as another user",
)


def link_tree(source: Path, target: Path) -> None:
    """Hard links where the filesystem allows (fast), copies otherwise; all stay root's."""
    target.parent.mkdir(parents=True, exist_ok=True)
    linked = subprocess.run(["cp", "-al", f"{source}/.", str(target)], capture_output=True)
    if linked.returncode != 0:
        subprocess.run(["cp", "-a", f"{source}/.", str(target)], check=True)


def runtime_python(base: Path) -> Path:
    """This interpreter, with the project's installed packages as its own site-packages."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    link_tree(Path(sys.base_prefix), base / "python")
    site = base / "python" / "lib" / version / "site-packages"
    link_tree(Path(sysconfig.get_paths()["purelib"]), site)
    for installed in [*site.glob("__editable__*"), *site.glob("physio_clinic*")]:
        shutil.rmtree(installed) if installed.is_dir() else installed.unlink()  # the copy's
    return base / "python" / "bin" / version


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def throwaway_database(base: Path):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        data = base / "data"  # SQLite: a file the user may write (the image uses Postgres)
        data.mkdir()
        shutil.chown(data, USER)
        return f"sqlite:///{data / 'site.sqlite3'}", lambda: None
    import psycopg

    server, _, name = url.rpartition("/")
    name = f"{name.split('?')[0]}_unpriv"
    admin = f"{server}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{server}/{name}", drop


class Browser:
    """Just enough of a browser for the admin: cookies (secure ones too), CSRF, forms."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, path: str, data: bytes | None = None, content_type: str | None = None):
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{self.base.removeprefix('http://')}{path}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            response = self.opener.open(request, timeout=20)
        except urllib.error.HTTPError as error:
            response = error
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response

    def csrf_token(self, path: str) -> str:
        page = self.request(path).read().decode()
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]

    def post(self, path: str, fields: dict[str, str], files: dict | None = None):
        fields = {"csrfmiddlewaretoken": self.csrf_token(path), **fields}
        if not files:
            body = urllib.parse.urlencode(fields).encode()
            return self.request(path, body, "application/x-www-form-urlencoded")
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (filename, content) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: image/png\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(path, body, f"multipart/form-data; boundary={boundary}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def image_runtime():
    # Not pytest's tmp_path: its directories are private to root.
    base = Path(tempfile.mkdtemp(prefix="clinic-image-"))
    base.chmod(0o755)
    drop_database = lambda: None  # noqa: E731
    process = None
    try:
        app = base / "app"
        shutil.copytree(ROOT, app, ignore=IGNORED)  # COPY . . (root's)
        python = runtime_python(base)
        database_url, drop_database = throwaway_database(base)
        nobody = pwd.getpwnam(USER)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTHON"))}
        env.update(
            # The Dockerfile's ENV, with this directory for /app and /backups.
            PYTHONDONTWRITEBYTECODE="1",
            DJANGO_STATIC_ROOT=str(app / "staticfiles"),
            DJANGO_MEDIA_ROOT=str(app / "media"),
            BACKUP_DIR=str(base / "backups"),
            GNUPGHOME=str(app / ".gnupg"),
            LD_LIBRARY_PATH=str(python.parent.parent / "lib"),
            HOME=str(app),
        )
        # The Dockerfile's `RUN sh deploy/prepare-image.sh`, as root.
        subprocess.run(
            ["sh", "deploy/prepare-image.sh"],
            cwd=app,
            env={
                **env,
                "APP_DIR": str(app),
                "APP_USER": USER,
                "APP_GROUP": str(nobody.pw_gid),
                "PYTHON": str(python),
            },
            check=True,
            timeout=300,
        )
        assert app.stat().st_uid == 0 and (app / "clinic").stat().st_uid == 0
        port = free_port()
        env.update(
            DJANGO_SECRET_KEY="unprivileged-" + "s3cr3t" * 10,
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=database_url,
            EMAIL_URL="smtp://127.0.0.1:2525",
            STAFF_TWO_FACTOR="0",  # this test is about files, not the second factor
            WEB_CONCURRENCY="1",
        )
        as_user = ["runuser", "-u", USER, "--", str(python)]
        for command in (
            ["manage.py", "migrate", "--noinput", "-v0"],
            [
                "manage.py",
                "shell",
                "-c",
                "from django.contrib.auth.models import User; User.objects.create_superuser("
                "'editor', 'editor@clinic.test', 'a long passphrase 42')",
            ],
        ):
            subprocess.run(as_user + command, cwd=app, env=env, check=True, timeout=300)
        process = subprocess.Popen(
            as_user + ["-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
            cwd=app,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        url = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=5)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start: " + process.stderr.read1().decode())
        yield url, app / "media"
    finally:
        if process:
            process.terminate()
            process.wait(timeout=20)
        drop_database()
        shutil.rmtree(base, ignore_errors=True)


def test_a_picture_uploaded_through_the_admin_is_kept_by_the_unprivileged_app(image_runtime):
    url, media = image_runtime
    browser = Browser(url)
    signed_in = browser.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": "a long passphrase 42", "next": "/admin/"},
    )
    assert signed_in.status == 302, signed_in.read().decode()[:2000]
    picture = BytesIO()
    Image.new("RGB", (8, 8), "teal").save(picture, "PNG")

    response = browser.post(
        "/admin/programs/article/add/",
        {
            "title": "Pictured",
            "slug": "pictured",
            "summary": "An article with a picture.",
            "body": "Words.",
            "author": "A Physio",
            "status": "draft",
            "published_at_0": "",
            "published_at_1": "",
            "hero_image_alt": "A runner on a track",
        },
        files={"hero_image": ("track.png", picture.getvalue())},
    )

    assert response.status == 302, response.read().decode()[:3000]
    [stored] = list((media / "articles").iterdir())
    assert stored.read_bytes() == picture.getvalue()
    assert stored.stat().st_uid == pwd.getpwnam(USER).pw_uid
    assert media.stat().st_uid == pwd.getpwnam(USER).pw_uid
