"""Overloaded, a worker answers "busy, try again" at once (clinic/overload.py)."""

import socket
import time

import pytest

from clinic import overload
from clinic.overload import ShedLoad

pytestmark = pytest.mark.skipif(not hasattr(socket, "TCP_INFO"), reason="Linux's TCP_INFO")


def served(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"the page"]


def call(app, path="/articles/"):
    answer = {}

    def start_response(status, headers):
        answer.update(status=status, headers=dict(headers))

    body = b"".join(app({"PATH_INFO": path}, start_response))
    return answer["status"], answer["headers"], body


@pytest.fixture
def queue(monkeypatch):
    """A listening socket with `n` connections waiting that nobody accepts."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    monkeypatch.setattr(overload, "LISTENERS", [])
    overload.watch([listener])
    clients = []

    def fill(n):
        for _ in range(n):
            client = socket.create_connection(listener.getsockname())
            clients.append(client)
        for _ in range(50):  # the handshakes complete in the kernel
            if overload.waiting() >= n:
                break
            time.sleep(0.01)

    yield fill
    for client in clients:
        client.close()
    listener.close()


def test_the_kernel_tells_how_many_connections_wait(queue):
    assert overload.waiting() == 0
    queue(5)
    assert overload.waiting() == 5


def test_a_long_queue_is_answered_503_with_retry_after_at_once(queue):
    app = ShedLoad(served, limit=1)
    assert call(app)[0] == "200 OK"
    queue(20)
    time.sleep(overload.READ_EVERY)  # the worker reads the queue again
    answers = [call(app) for _ in range(200)]
    shed = [answer for answer in answers if answer[0] == "503 Service Unavailable"]
    status, headers, body = shed[0]
    assert headers["Retry-After"] == "2"
    assert headers["Cache-Control"] == "no-store"
    assert b"try again in a moment" in body
    # Most are shed (19 of 20 waiting over the limit), never all: some are still served.
    assert 150 <= len(shed) < 200
    # The proxy's health check is never shed: the server is busy, not broken.
    assert all(call(app, "/healthz")[0] == "200 OK" for _ in range(20))


def test_a_queue_within_the_limit_is_served(queue):
    queue(5)
    assert call(ShedLoad(served, limit=10))[0] == "200 OK"
    assert call(ShedLoad(served, limit=0))[0] == "200 OK"  # 0: never shed


def test_a_short_queue_is_read_once_per_interval_a_long_one_for_every_request(queue, monkeypatch):
    length = [5]
    reads = []
    monkeypatch.setattr(overload, "waiting", lambda: reads.append(1) or length[0])
    now = [100.0]
    app = ShedLoad(served, limit=64, clock=lambda: now[0])
    for _ in range(50):
        call(app)
    assert len(reads) == 1
    now[0] += overload.READ_EVERY
    length[0] = 40  # past half the limit
    call(app)
    assert len(reads) == 2
    for _ in range(10):
        call(app)
    assert len(reads) == 12


def test_without_gunicorn_nothing_is_watched_or_shed(monkeypatch):
    monkeypatch.setattr(overload, "LISTENERS", [])
    assert call(ShedLoad(served, limit=1))[0] == "200 OK"
