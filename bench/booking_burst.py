"""Twenty people (or --clients N) press "Book" on the same time, over HTTP, on two
servers sharing one Postgres database; then booking throughput over HTTP.

Starts two gunicorn servers (production settings: DEBUG off, Redis cache) on ports
8211 and 8212 against a throwaway database (created if missing; its appointments are
deleted first), fires the burst, prints the status codes and how many bookings were
made (must be 1), then books distinct times with several clients at once and prints
bookings per second. A background worker (`manage.py worker`) runs beside the servers,
as in production, and sends every booking's emails; the script says how long after the
last booking the last email went.

    .venv/bin/python bench/booking_burst.py [--clients 20] [--burst-only]
"""

import argparse
import contextlib
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clinic_bookings_bench"
)
PORTS = (8211, 8212)
PEOPLE = 20
THROUGHPUT_CLIENTS = 8
SERVICE = "initial-assessment"
ENV = {
    **os.environ,
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_STATIC_MANIFEST": "0",
    "DATABASE_URL": DATABASE_URL,
    # A Redis database of its own, emptied with the database: no page cached by an earlier run.
    "CACHE_URL": "redis://127.0.0.1:6379/7",
    "EMAIL_URL": "dummymail://",
    "BOOKING_RATE_LIMIT": "100000/h",
    "BOOKING_EMAIL_RATE_LIMIT": "100000/h",
    "WEB_CONCURRENCY": "3",
    "GUNICORN_ACCESS_LOG": "0",
    "LOG_LEVEL": "WARNING",
}
PYTHON = sys.executable
SCRATCH = Path(tempfile.mkdtemp(prefix="booking-burst-"))
ENV["DJANGO_STATIC_ROOT"] = str(SCRATCH / "static")
(SCRATCH / "static").mkdir()


def prepare_database() -> None:
    parts = urllib.parse.urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    manage = [PYTHON, str(ROOT / "manage.py")]
    # Our own interpreter and manage.py: no untrusted input reaches these commands.
    migrate = [*manage, "migrate", "--noinput", "-v0"]
    subprocess.run(migrate, env=ENV, check=True, cwd=ROOT)  # noqa: S603
    seed = [*manage, "seed_demo"]
    subprocess.run(seed, env=ENV, check=True, cwd=ROOT, capture_output=True)  # noqa: S603
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        # And everything that hangs on them (the outbox, the audit trail, the demo's
        # programmes, intakes and waiting list).
        conn.execute(
            "TRUNCATE django_tasks_database_dbtaskresult, bookings_appointment,"
            " bookings_patient CASCADE"
        )
    redis.Redis(host="127.0.0.1", port=6379, db=7).flushdb()


def start_servers() -> list[subprocess.Popen]:
    log = open(SCRATCH / "gunicorn.log", "w")  # noqa: SIM115
    print(f"Server logs: {log.name}")
    servers = [
        subprocess.Popen(  # noqa: S603
            [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
            env=ENV,
            cwd=ROOT,
            stdout=log,
            stderr=log,
        )
        for port in PORTS
    ]
    servers.append(
        subprocess.Popen(  # noqa: S603
            [PYTHON, "manage.py", "worker", "--no-startup-delay"],
            env=ENV,
            cwd=ROOT,
            stdout=log,
            stderr=log,
        )
    )
    deadline = time.time() + 30
    for port in PORTS:
        while True:
            try:
                if request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                raise SystemExit(f"server on port {port} did not start")
            time.sleep(0.2)
    return servers


def request(port: int, method: str, path: str, body: str = "", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, path, body=body or None, headers=headers or {})
    response = conn.getresponse()
    content = response.read().decode()
    cookies = response.headers.get_all("Set-Cookie") or []
    conn.close()
    return response.status, content, cookies


def open_form(port: int, path: str) -> dict:
    """GET the details page: the CSRF cookie and form token a browser would have."""
    status, content, cookies = request(port, "GET", path)
    assert status == 200, (status, path)
    cookie = next(c.split(";")[0] for c in cookies if c.startswith("csrftoken="))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content)[1]
    return {"cookie": cookie, "token": token}


def press_book(port: int, path: str, form: dict, number: int) -> int:
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": form["token"],
            "name": f"Runner {number}",
            "email": f"runner{number}@example.com",
            "phone": "07700 900123",
            "consent": "on",
        }
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": form["cookie"]}
    return request(port, "POST", path, body, headers)[0]


def slot_links(port: int, practitioner: str, day: str) -> list[str]:
    """The booking forms of one day's free times (the service's page shows a day)."""
    status, content, _ = request(
        port, "GET", f"/book/{SERVICE}/?practitioner={practitioner}&day={day}"
    )
    assert status == 200
    # That day's times only (the "first free time" link may point to another day), once each.
    links = re.findall(rf'href="(/book/{SERVICE}/[a-z-]+/{day}T[0-9:]+/)"', content)
    return list(dict.fromkeys(links))


def days_from_now(first: int, count: int) -> list[str]:
    return [
        time.strftime("%Y-%m-%d", time.localtime(time.time() + (first + n) * 86400))
        for n in range(count)
    ]


def burst() -> None:
    # One practitioner's time: under "anyone free" each practitioner free then could book it.
    path = next(
        links[0] for day in days_from_now(7, 7) if (links := slot_links(PORTS[0], "sam-patel", day))
    )
    forms = [open_form(PORTS[n % 2], path) for n in range(PEOPLE)]
    barrier = threading.Barrier(PEOPLE)
    statuses: list[int] = [0] * PEOPLE

    def person(number: int) -> None:
        barrier.wait()
        statuses[number] = press_book(PORTS[number % 2], path, forms[number], number)

    threads = [threading.Thread(target=person, args=(n,)) for n in range(PEOPLE)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    with psycopg.connect(DATABASE_URL) as conn:
        booked = conn.execute(
            "SELECT count(*) FROM bookings_appointment WHERE status <> 'cancelled'"
        ).fetchone()[0]
    counts = Counter(statuses)
    print(f"Burst: {PEOPLE} simultaneous POSTs to {path}")
    print(f"  servers:      127.0.0.1:{PORTS[0]} and 127.0.0.1:{PORTS[1]}, one Postgres database")
    print(f"  status codes: {dict(sorted(counts.items()))} (303 = booked, 409 = just taken)")
    print(f"  succeeded:    {counts[303]}")
    print(f"  appointments in the database: {booked}")
    print(f"  all answered in {elapsed * 1000:.0f} ms")
    if counts[303] != 1 or booked != 1 or set(counts) - {303, 409}:
        raise SystemExit("FAILED: expected exactly one booking and 409 for everyone else")


def throughput() -> int:
    # Times on the hour never clash (45 minutes + 15 buffer), so every booking can succeed.
    paths = []
    for day in days_from_now(14, 14):
        for practitioner in ("sam-patel", "alex-morgan"):
            paths += [p for p in slot_links(PORTS[0], practitioner, day) if p.endswith(":00/")]
    latencies: list[float] = []

    def book(item: tuple[int, str]) -> int:
        number, path = item
        port = PORTS[number % 2]
        form = open_form(port, path)
        started = time.perf_counter()
        status = press_book(port, path, form, 1000 + number)
        latencies.append(time.perf_counter() - started)
        return status

    started = time.perf_counter()
    with ThreadPoolExecutor(THROUGHPUT_CLIENTS) as pool:
        statuses = list(pool.map(book, enumerate(paths)))
    elapsed = time.perf_counter() - started
    counts = Counter(statuses)
    latencies.sort()
    print(f"Throughput: {len(paths)} bookings of distinct times, {THROUGHPUT_CLIENTS} clients")
    print(f"  status codes: {dict(sorted(counts.items()))}")
    print(
        f"  {counts[303] / elapsed:.1f} bookings/s (each: GET the form, then POST), "
        f"{len(paths) * 2 / elapsed:.1f} requests/s"
    )
    print(
        f"  POST latency: median {statistics.median(latencies) * 1000:.0f} ms, "
        f"95th percentile {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms"
    )
    emails_sent(since=time.perf_counter())
    return counts[303]


def emails_sent(since: float, limit: float = 120) -> None:
    """Wait for the worker to send every booking's emails; say how long it took."""
    query = (
        "SELECT count(*) FILTER (WHERE sent_at IS NULL), count(*) FROM bookings_appointmentemail"
    )
    while True:
        with psycopg.connect(DATABASE_URL) as conn:
            unsent, total = conn.execute(query).fetchone()
        waited = time.perf_counter() - since
        if not unsent or waited > limit:
            break
        time.sleep(0.2)
    print(
        f"  emails: {total - unsent} of {total} sent by the worker, "
        f"{waited:.1f} s after the last booking"
    )
    if unsent:
        raise SystemExit(f"FAILED: {unsent} emails still unsent after {limit:.0f} s")


def reference_loop() -> float:
    """Milliseconds for a fixed piece of pure Python on one core: how fast the machine
    is just now. On these shared machines it varies by half from one minute to the
    next, and every figure of a run with it; printed so that runs can be compared."""
    started = time.perf_counter()
    total = 0
    for number in range(300_000):
        total += number % 7
    return (time.perf_counter() - started) * 1000


def cpu_seconds(servers: list[subprocess.Popen]) -> dict[str, float]:
    """CPU time used so far by the web servers' workers, the task worker, Postgres and this
    client (from /proc), to say where a booking's time goes."""
    tick = os.sysconf("SC_CLK_TCK")

    def used(pid: int) -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    def children(pid: int) -> list[int]:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    postgres = [
        int(p.name)
        for p in Path("/proc").iterdir()
        if p.name.isdigit()
        and (p / "comm").exists()
        and (p / "comm").read_text().strip() in ("postgres", "postmaster")
    ]
    web = [pid for server in servers[:-1] for pid in children(server.pid)]
    totals = {
        "web servers": sum(map(used, web)),
        "task worker": used(servers[-1].pid),
        "postgres": 0.0,
        "this client": used(os.getpid()),
    }
    for pid in postgres:
        with contextlib.suppress(FileNotFoundError):  # a backend that just ended
            totals["postgres"] += used(pid)
    return totals


def main() -> None:
    global PEOPLE
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=PEOPLE, help="people pressing Book (20)")
    parser.add_argument("--burst-only", action="store_true", help="skip the throughput part")
    args = parser.parse_args()
    PEOPLE = args.clients
    prepare_database()
    servers = start_servers()
    try:
        burst()
        if not args.burst_only:
            speed = reference_loop()
            before = cpu_seconds(servers)
            bookings = throughput()
            after = cpu_seconds(servers)
            speed = (speed + reference_loop()) / 2
            print(
                "  CPU per booking: "
                + ", ".join(
                    f"{name} {(after[name] - before[name]) / bookings * 1000:.1f} ms"
                    for name in after
                )
            )
            print(f"  machine speed: reference loop {speed:.1f} ms (lower is faster)")
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
