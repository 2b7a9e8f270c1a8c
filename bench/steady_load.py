"""Requests at a fixed rate (an open loop, unlike wrk), recorded one by one.

A dispatcher starts request number i at t0 + i / rate whatever the server does, so a
slow server shows up as latency and late starts, not as a politely lower rate.
"""

import http.client
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import cycle
from urllib.parse import urlparse


@dataclass
class Result:
    started: float  # seconds since the load began
    path: str
    status: int  # 0: no answer (connection error or timeout)
    seconds: float
    body: bytes = b""
    error: str = ""
    finished: float = 0.0  # seconds since the load began, when the answer (or error) came


@dataclass
class SteadyLoad:
    base_url: str
    paths: list[str]
    rate: float  # requests per second
    timeout: float = 30
    keep_body: bool = False
    results: list[Result] = field(default_factory=list)

    def __post_init__(self):
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.late_starts = 0

    def _one(self, path: str, started: float) -> None:
        address = urlparse(self.base_url)
        begin = time.perf_counter()
        status, body, error = 0, b"", ""
        try:
            conn = http.client.HTTPConnection(address.hostname, address.port, timeout=self.timeout)
            conn.request("GET", path, headers={"Accept-Encoding": "br, gzip"})
            response = conn.getresponse()
            status, body = response.status, response.read()
            conn.close()
        except OSError as problem:
            error = f"{type(problem).__name__}: {problem}"
        end = time.perf_counter()
        body = body if self.keep_body else b""
        result = Result(started, path, status, end - begin, body, error, end - self.t0)
        with self._lock:
            self.results.append(result)

    def _dispatch(self) -> None:
        with ThreadPoolExecutor(max_workers=256) as pool:
            t0 = self.t0
            for number, path in enumerate(cycle(self.paths)):
                if self._stop.is_set():
                    break
                due = t0 + number / self.rate
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                elif delay < -1:
                    self.late_starts += 1
                pool.submit(self._one, path, due - t0)

    def start(self) -> "SteadyLoad":
        self.t0 = time.perf_counter()
        self._thread = threading.Thread(target=self._dispatch, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()

    def elapsed(self) -> float:
        return time.perf_counter() - self.t0

    def between(self, start: float, end: float) -> list[Result]:
        with self._lock:
            return [r for r in self.results if start <= r.started < end]


def summary(results: list[Result]) -> str:
    """Count by status, and latency percentiles, of some results."""
    if not results:
        return "no requests"
    statuses = Counter(r.status for r in results)
    times = sorted(r.seconds for r in results)

    def pct(p: float) -> str:
        return f"{times[min(len(times) - 1, int(len(times) * p))] * 1000:.0f} ms"

    return (
        f"{len(results)} requests, status {dict(sorted(statuses.items()))}, "
        f"latency p50 {pct(0.5)} p95 {pct(0.95)} p99 {pct(0.99)} max {pct(1)}"
    )
