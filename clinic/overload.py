"""Shed load before it queues: a quick 503 when more requests wait than can be served.

gunicorn's sync workers take connections from the kernel's listen queue one at a time.
Offered more than they can serve, the queue grows without bound, every visitor waits
longer, and workers end up answering people who gave up long ago. So before a request
is handed to Django, each worker asks the kernel how many connections wait behind it
(TCP_INFO on the listening socket, Linux). With ``n`` waiting, above SHED_QUEUE_LENGTH
``limit``, it answers a share ``(n - limit) / n`` of requests 503 with Retry-After at
once, which costs a fraction of a millisecond (a short queue's length is read once per
10 ms). A share, not all: visitors that retry at once would otherwise keep the queue
long and nobody would be served. Offered twice what the workers can serve, half are
shed and the queue settles near twice the limit, so a request is served within
``2 * limit / offered rate`` seconds (about half a second).

gunicorn.conf.py's ``post_worker_init`` tells this module the worker's sockets. Under any
other server (runserver, tests) nothing is watched and nothing is shed.
"""

from __future__ import annotations

import logging
import math
import random
import socket
import struct
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)

LISTENERS: list[socket.socket] = []
# struct tcp_info: eight one-byte fields, then rto, ato, snd_mss, rcv_mss and
# tcpi_unacked, which for a listening socket is the number of connections waiting.
_TCP_INFO_SIZE = 104
_WAITING_OFFSET = 24
BUSY = b"The clinic's website is very busy just now. Please try again in a moment.\n"


def watch(sockets) -> None:
    """The listening sockets of this worker (gunicorn's wrap theirs in ``.sock``)."""
    LISTENERS[:] = [getattr(listener, "sock", listener) for listener in sockets]


def waiting() -> int:
    """Connections the kernel has accepted that no worker has taken yet."""
    total = 0
    for listener in LISTENERS:
        try:
            info = listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, _TCP_INFO_SIZE)
        except (OSError, AttributeError):  # a Unix socket, or not Linux: nothing to tell
            continue
        total += struct.unpack_from("I", info, _WAITING_OFFSET)[0]
    return total


# How long a worker goes on using a short queue's length it read: asking the kernel was a
# fortieth of a cached page's time (bench/profile.py), and a short queue does not pass the
# limit in 10 ms. A queue past half the limit is read for every request, to shed no more
# than it must.
READ_EVERY = 0.01


class ShedLoad:
    """WSGI middleware: 503 + Retry-After for a share of requests while more than
    ``limit`` connections wait (a short queue read at most every ``read_every`` seconds)."""

    def __init__(
        self,
        app,
        limit: int,
        retry_after: int = 2,
        read_every: float = READ_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.app = app
        self.limit = limit
        self.retry_after = str(retry_after)
        self.read_every = read_every
        self.clock = clock
        self.read_at = -math.inf
        self.queued = 0

    def should_shed(self) -> bool:
        if self.limit <= 0 or not LISTENERS:
            return False
        now = self.clock()
        if now - self.read_at >= self.read_every or self.queued > self.limit // 2:
            self.read_at, self.queued = now, waiting()
        queued = self.queued
        return queued > self.limit and random.random() < (queued - self.limit) / queued

    def __call__(self, environ, start_response):
        # The proxy's health check is never shed: the server is busy, not broken.
        if environ.get("PATH_INFO") != "/healthz" and self.should_shed():
            start_response(
                "503 Service Unavailable",
                [
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Retry-After", self.retry_after),
                    ("Cache-Control", "no-store"),
                    ("X-Content-Type-Options", "nosniff"),
                    ("Content-Length", str(len(BUSY))),
                ],
            )
            return [BUSY]
        return self.app(environ, start_response)
