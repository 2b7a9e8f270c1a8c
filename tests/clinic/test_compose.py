"""The shipped deployment (docker-compose.yml): no Docker engine runs here, so these read
the file as an operator would, and check what keeps gunicorn behind its proxy."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def services() -> dict[str, str]:
    """Each compose service's block of text, by name."""
    text = (ROOT / "docker-compose.yml").read_text()
    block = text.split("\nservices:\n", 1)[1].split("\nvolumes:\n", 1)[0]
    parts = re.split(r"^  (\w+):\n", block, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_only_the_proxy_is_published_so_no_client_reaches_gunicorn_directly():
    published = {name for name, body in services().items() if re.search(r"^    ports:", body, re.M)}
    assert published == {"proxy"}
    assert 'FORWARDED_ALLOW_IPS: "*"' in services()["web"]  # safe only because of that


def test_the_proxy_is_caddy_with_the_shipped_caddyfile_passing_to_gunicorn():
    proxy = services()["proxy"]
    assert "image: caddy:2" in proxy
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddyfile
    assert "encode" not in caddyfile  # HTML with CSRF tokens stays uncompressed (BREACH)


def test_the_worker_runs_from_the_same_image_with_the_same_settings():
    web, worker = services()["web"], services()["worker"]
    assert "build: ." in web and "build: ." in worker
    assert "<<: *app-env" in web and "environment: *app-env" in worker
    assert 'command: ["python", "manage.py", "worker"]' in worker


def dockerfile_env() -> dict[str, str]:
    text = (ROOT / "Dockerfile").read_text()
    runtime = text.split("AS runtime", 1)[1]
    return dict(re.findall(r"(\w+)=(\S+?)\s*\\?$", runtime.split("RUN", 1)[0], re.M))


def test_migrations_run_once_in_a_one_shot_service_that_web_and_worker_wait_for():
    migrate = services()["migrate"]
    assert 'command: ["python", "manage.py", "migrate", "--noinput"]' in migrate
    assert 'restart: "no"' in migrate and "environment: *app-env" in migrate
    for name in ("web", "worker"):
        body = services()[name]
        assert "migrate: {condition: service_completed_successfully}" in body
        assert "manage.py migrate" not in body  # never in each web start


def test_uploads_live_on_a_named_volume_that_web_and_worker_write_and_the_proxy_serves():
    media_root = dockerfile_env()["DJANGO_MEDIA_ROOT"]
    assert media_root == "/app/media"
    assert re.search(r"^  media:$", (ROOT / "docker-compose.yml").read_text(), re.M)
    for name in ("web", "worker"):
        assert f"media:{media_root}" in services()[name]
    assert "media:/srv/media:ro" in services()["proxy"]
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    served = re.search(r"handle_path /media/\* \{(.*?)\n\t\}", caddyfile, re.S)[1]
    assert "root * /srv/media" in served and "file_server" in served
    max_age = int(re.search(r"max-age=(\d+)", served)[1])
    assert max_age >= 30 * 24 * 3600  # long caching: an upload's name is never reused
    assert "nosniff" in served


def test_the_code_is_roots_and_the_app_writes_only_what_prepare_image_makes_for_it():
    text = (ROOT / "Dockerfile").read_text()
    runtime = text.split("AS runtime", 1)[1]
    assert "COPY . ." in runtime and "--chown" not in runtime
    prepare, user = runtime.index("RUN sh deploy/prepare-image.sh"), runtime.index("USER clinic")
    assert prepare < user  # the directories are made as root, before the app's user runs
    script = (ROOT / "deploy" / "prepare-image.sh").read_text()
    for variable in ("DJANGO_MEDIA_ROOT", "BACKUP_DIR", "GNUPGHOME"):
        assert f"${{{variable}:-" in script  # the image's ENV names where it goes
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {"media", "backups", ".env"} <= set(ignored)  # patient data never in an image


def test_backups_go_to_their_own_volume_with_a_pg_dump_that_matches_the_database():
    assert dockerfile_env()["BACKUP_DIR"] == "/backups"
    worker = services()["worker"]
    assert "backups:/backups" in worker and "gnupg:/app/.gnupg" in worker
    text = (ROOT / "Dockerfile").read_text()
    debian = re.search(r"FROM python:3\.12-slim-(\w+) AS runtime", text)[1]
    assert "postgresql-client" in text and "gnupg" in text
    # pg_dump refuses a server newer than itself: Debian's client and the server agree.
    postgres_of = {"bookworm": "15", "trixie": "17"}
    assert f"image: postgres:{postgres_of[debian]}" in services()["db"]


def test_the_proxy_gives_each_request_the_id_the_app_logs():
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "header_up X-Request-ID {http.request.uuid}" in caddyfile
    assert "LOG_FORMAT: ${LOG_FORMAT:-json}" in (ROOT / "docker-compose.yml").read_text()
