import pytest
from django.db import OperationalError

from clinic import middleware

pytestmark = pytest.mark.django_db


def test_health_check_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_health_check_is_503_when_the_database_does_not_answer(client, monkeypatch):
    class DeadConnection:
        def cursor(self):
            raise OperationalError("could not connect to server")

    monkeypatch.setattr(middleware, "connection", DeadConnection())
    response = client.get("/healthz")
    assert response.status_code == 503


def test_health_check_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


@pytest.mark.parametrize("path", ["/healthz", "/robots.txt"])
def test_head_is_answered_like_get_without_a_body(client, db, path):
    """RFC 9110: a resource that answers GET answers HEAD (load balancers probe with it)."""
    response = client.head(path)
    assert response.status_code == 200
    assert response.content == b""
    assert client.post(path).status_code == 405
