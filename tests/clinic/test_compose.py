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
