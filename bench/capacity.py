"""Capacity in the production configuration: a clinic's mix of requests at rising rates.

    .venv/bin/python bench/capacity.py [--rates 100,200,300,400,500,600] [--seconds 20]

gunicorn as shipped (gunicorn.conf.py: its worker count, no recycling, the access log),
the Redis cache, INFO logging and a task worker beside it (bookings queue their emails),
on a throw-away Postgres database with the demo data. The load is open-loop: request i
starts at i / rate seconds whatever the server does, each on its own connection, with a
10-second timeout, so a slow server shows as latency and timeouts, not as a politely
lower rate. The mix: 70% content pages (home, listings, articles, exercises, plans),
5% search, 5% static files, 15% booking pages (a service's days, the details form),
5% bookings (a form opened and sent; the POST is what is counted as the booking).

First, on the idle server, a lost booking race against a won one, one request at a time
(goal: the lost one no dearer in server time, as the request log times it). Then for
each rate: answered per second, p50/p95 by type of request, shed (503) and timed
out. Capacity is the highest rate answered in full with p95 under 300 ms (goal: at
least 150 req/s). Then twice that rate (goal: a graceful overload: every answer within
a second at p95, shed requests told 503 with Retry-After, no timeouts, and at least 90%
of the capacity still served, scaled by the CPU this client leaves the server). Then
the week pages' cache hit rate under the trickle of bookings. Each step also says how
much of the machine this client used, since it shares the server's two cores.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import count
from pathlib import Path
from urllib.parse import urlparse

from booking_client import Answer, free_slot_paths, open_form, submit
from servers import (
    ROOT,
    discover_pages,
    fetch,
    gunicorn,
    postgres_database,
    prepare_site,
    production_env,
    report,
    workdir,
)

MIX = {"content": 70, "search": 5, "static": 5, "booking page": 15, "booking": 5}
SEARCHES = ["hamstring", "nordic", "stretch", "runner", "strength", "knee", "calf", "plan"]
P95_GOAL = 0.3
TIMEOUT = 10.0


@dataclass
class Result:
    kind: str
    status: int  # 0: no answer within the timeout (or the connection failed)
    seconds: float
    cache: str = ""  # the X-Page-Cache header: hit, miss or ""


# Times kept for lost races, and more people than any service has practitioners, each
# with the form for one of those times open.
RACES = 20
RIVALS = 5
# The load comes from this process, on the machine the server runs on.
MACHINE_CORES = os.cpu_count() or 1


class Site:
    """What the load asks for, found by following the site's own links."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        pages = discover_pages(base_url)
        self.content = [pages[name] for name in ("home", "privacy") if name in pages]
        for listing, pattern in (
            ("/articles/", r"/articles/[\w-]+/"),
            ("/exercises/", r"/exercises/[\w-]+/"),
            ("/plans/", r"/plans/[\w-]+/"),
        ):
            _, _, body = fetch(base_url + listing)
            links = set(re.findall(rf'href="({pattern})"', body.decode()))
            self.content += [listing, *sorted(links - {"/articles/feed/"})]
        _, _, home = fetch(base_url + "/")
        self.static = re.findall(r'href="(/static/[^"]+\.(?:css|svg))"', home.decode())
        _, _, services = fetch(base_url + "/book/")
        self.services = sorted(set(re.findall(r'href="/book/([\w-]+)/"', services.decode())))
        today = date.today()
        # A service's page and its next days: what people look at before choosing a time.
        self.weeks = [f"/book/{s}/" for s in self.services] + [
            f"/book/{s}/?day={today + timedelta(days=n)}" for s in self.services for n in range(7)
        ]
        # Far apart, so that one booking does not take the next one's time.
        slots = [p for s in self.services for p in free_slot_paths(base_url, s, weeks=8)]
        random.Random(1).shuffle(slots)
        self.slots = slots
        self.forms = slots[: len(slots) // 4]  # shown, not booked
        self.for_races = slots[-RACES:]  # kept for lost_and_won, after the load
        self._to_book = iter(slots[len(slots) // 4 : -RACES])
        self._lock = threading.Lock()
        self._people = count(1)

    def next_slot(self) -> str | None:
        with self._lock:
            return next(self._to_book, None)

    def person(self) -> int:
        with self._lock:
            return next(self._people)


def get(base_url: str, path: str) -> tuple[int, str]:
    address = urlparse(base_url)
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=TIMEOUT)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "br, gzip"})
        response = conn.getresponse()
        response.read()
        return response.status, response.headers.get("X-Page-Cache", "")
    finally:
        conn.close()


def one(site: Site, kind: str, rng: random.Random) -> list[Result]:
    """One request of the mix (two for a booking: the form, then the POST)."""
    started = time.perf_counter()
    try:
        if kind == "booking":
            slot = site.next_slot()
            if slot is None:
                return [Result(kind, -1, 0.0)]  # no free time left to book
            form = open_form(site.base_url, slot)
            form_done = time.perf_counter()
            first = Result("booking page", getattr(form, "status", 200), form_done - started)
            if isinstance(form, Answer):
                return [first]
            number = site.person()
            answer = submit(site.base_url, slot, form, f"Runner {number}", f"r{number}@example.com")
            return [first, Result(kind, answer.status, time.perf_counter() - form_done)]
        path = {
            "content": lambda: rng.choice(site.content),
            "search": lambda: f"/search/?q={rng.choice(SEARCHES)}",
            "static": lambda: rng.choice(site.static),
            # Half a service's days, half the details form of a time.
            "booking page": lambda: rng.choice(rng.choice((site.weeks, site.forms))),
        }[kind]()
        status, cache = get(site.base_url, path)
        week = "week" if path.startswith("/book/") and path.count("/") == 3 else ""
        return [Result(kind, status, time.perf_counter() - started, cache and f"{week}{cache}")]
    except OSError:  # timed out, refused or reset
        return [Result(kind, 0, time.perf_counter() - started)]


def load(site: Site, rate: float, seconds: float) -> tuple[list[Result], int, float]:
    """Open loop: request i starts at i / rate; returns the results, late starts and the
    cores this client kept busy meanwhile (it shares the machine with the server)."""
    rng = random.Random(int(rate))
    kinds = [kind for kind, weight in MIX.items() for _ in range(weight)]
    results: list[Result] = []
    lock = threading.Lock()
    late = 0

    def run(kind: str) -> None:
        done = one(site, kind, rng)
        with lock:
            results.extend(done)

    cpu = time.process_time()
    with ThreadPoolExecutor(max_workers=600) as pool:
        t0 = time.perf_counter()
        for number in range(int(rate * seconds)):
            delay = t0 + number / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            elif delay < -0.1:
                late += 1
            pool.submit(run, rng.choice(kinds))
        took = time.perf_counter() - t0
    cores = (time.process_time() - cpu) / max(took, seconds)
    return [r for r in results if r.status != -1], late, cores


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else 0.0


def describe(rate: float, seconds: float, results: list[Result], late: int, cores: float) -> dict:
    answered = [r for r in results if r.status and r.status != 503]
    shed = [r for r in results if r.status == 503]
    failed = [r for r in results if r.status == 0 or r.status >= 500 and r.status != 503]
    p95 = pct([r.seconds for r in results], 0.95)
    by_kind = defaultdict(list)
    for r in answered:
        by_kind[r.kind].append(r.seconds)
    kinds = "  ".join(
        f"{kind} {pct(v, 0.5) * 1000:.0f}/{pct(v, 0.95) * 1000:.0f}"
        for kind, v in sorted(by_kind.items())
    )
    # The 4xx by type of request: 409 is a time taken meanwhile (a form opened, or a
    # booking sent, for a time someone else has just booked).
    statuses = dict(sorted(Counter((r.status, r.kind) for r in results if r.status >= 400).items()))
    errors = ", ".join(f"{status} {kind}: {n}" for (status, kind), n in statuses.items())
    print(
        f"{rate:>6.0f} {len(answered) / seconds:>8.1f} {p95 * 1000:>7.0f} {len(shed):>5}"
        f" {len(failed):>5} {late:>5}  {errors}\n{'':>8}p50/p95 ms: {kinds}"
        f"; this client used {cores:.2f} of the {MACHINE_CORES} cores",
        flush=True,
    )
    return {"answered": answered, "shed": shed, "failed": failed, "p95": p95}


def cache_hits(results: list[Result]) -> str:
    weeks = Counter(r.cache for r in results if r.cache.startswith("week"))
    total = weeks["weekhit"] + weeks["weekmiss"]
    return f"{weeks['weekhit']} of {total} ({weeks['weekhit'] / max(total, 1):.0%})"


def lost_and_won(site: Site, log: Path) -> dict[str, float]:
    """Medians, in seconds, of a won booking POST and of a lost one, one request at a
    time: as the client waited ("won", "lost") and as the server's request log timed
    them ("won on the server", "lost on the server")."""
    won, lost, marks = [], [], {}
    for n, slot in enumerate(site.for_races):  # before the load: an idle server
        # Forms opened before anyone books: with anyone free, the next ones may still get
        # another practitioner, so the race is lost by the first turned away.
        forms = [open_form(site.base_url, slot) for _ in range(RIVALS)]
        if any(isinstance(form, Answer) for form in forms):
            continue
        for turn, form in enumerate(forms):
            number = site.person()
            mark = f"race-{n}-{turn}"
            started = time.perf_counter()
            answer = submit(
                site.base_url,
                slot,
                form,
                f"Runner {number}",
                f"r{number}@example.com",
                request_id=mark,
            )
            took = time.perf_counter() - started
            if turn == 0 and answer.status == 303:
                won.append(took)
                marks[mark] = True
            elif answer.status == 409:
                lost.append(took)
                marks[mark] = False
                break
    time.sleep(0.5)  # the last lines reach the log
    on_server = {True: [], False: []}
    for mark, ms in re.findall(r"\[(race-\d+-\d+)\] POST \S+ \d+ ([\d.]+)ms", log.read_text()):
        if mark in marks:
            on_server[marks[mark]].append(float(ms) / 1000)
    return {
        "won": statistics.median(won),
        "lost": statistics.median(lost),
        "won on the server": statistics.median(on_server[True]),
        "lost on the server": statistics.median(on_server[False]),
        "lost races": len(lost),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", default="100,200,300,400,500,600", help="req/s, comma-separated")
    parser.add_argument("--seconds", type=float, default=20, help="seconds per rate (20)")
    parser.add_argument("--workers", type=int, default=None, help="(gunicorn.conf.py's choice)")
    args = parser.parse_args()
    rates = [float(rate) for rate in args.rates.split(",")]
    failures: list[str] = []
    with workdir("clinic-capacity-") as tmp, postgres_database(f"clinic_cap_{os.getpid()}") as db:
        env = production_env(db, tmp, BOOKING_RATE_LIMIT="100000/h")  # one IP, many people
        prepare_site(env)
        log = tmp / "worker.log"
        with (
            gunicorn(env, workers=args.workers, log=tmp / "gunicorn.log") as server,
            open(log, "w") as worker_log,
        ):
            worker = subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
                [sys.executable, "manage.py", "worker", "--no-startup-delay"],
                cwd=ROOT,
                env=env,
                stdout=worker_log,
                stderr=subprocess.STDOUT,
            )
            try:
                site = Site(server.base_url)
                workers = len(server.worker_pids())
                print(
                    f"gunicorn.conf.py: {workers} workers; Redis; Postgres; task worker; "
                    f"{len(site.content)} content pages, {len(site.slots)} free times.\n"
                    f"Mix {MIX}; open loop, {args.seconds:g} s per rate, {TIMEOUT:g} s timeout."
                )
                race = lost_and_won(site, tmp / "gunicorn.log")
                print(
                    "\nBooking POST, one at a time on the idle server"
                    f" (medians of {race['lost races']} lost races and their wins):"
                    f" won {race['won'] * 1000:.1f} ms, lost {race['lost'] * 1000:.1f} ms"
                    f" as the client waited; on the server (request log)"
                    f" won {race['won on the server'] * 1000:.1f} ms,"
                    f" lost {race['lost on the server'] * 1000:.1f} ms"
                )
                if race["lost on the server"] > race["won on the server"]:
                    failures.append(
                        f"a lost race ({race['lost on the server'] * 1000:.1f} ms on the server)"
                        " dearer than a win"
                    )
                print(
                    f"\n{'offered':>6} {'answered':>8} {'p95 ms':>7} {'shed':>5} {'fail':>5} "
                    f"{'late':>5}  4xx and 5xx by type of request"
                )
                capacity, at_capacity, client_at_capacity = 0.0, [], 0.0
                for rate in rates:
                    results, late, cores = load(site, rate, args.seconds)
                    seen = describe(rate, args.seconds, results, late, cores)
                    if not seen["shed"] and not seen["failed"] and seen["p95"] < P95_GOAL:
                        capacity, at_capacity, client_at_capacity = rate, results, cores
                    time.sleep(3)  # let the queue drain between rates
                if capacity < 150:
                    failures.append(f"capacity {capacity:.0f} req/s, goal 150 (p95 < 300 ms)")
                print(f"\nCapacity: {capacity:.0f} req/s with p95 under {P95_GOAL * 1000:.0f} ms.")
                if at_capacity:
                    print(f"Week pages from the cache at that rate: {cache_hits(at_capacity)}")
                overload = 2 * max(capacity, rates[0])
                print(f"\nOverload, twice that: {overload:.0f} req/s")
                results, late, cores = load(site, overload, args.seconds)
                seen = describe(overload, args.seconds, results, late, cores)
                served = len(seen["answered"]) / args.seconds
                # This client's own load grows with the rate and takes CPU from the server:
                # 90% of the capacity, scaled by the share of the machine left to the server.
                left = (MACHINE_CORES - cores) / (MACHINE_CORES - client_at_capacity)
                goal = 0.9 * capacity * left
                print(
                    f"Served {served:.0f} req/s: {served / capacity:.0%} of the capacity, with"
                    f" {left:.0%} of the CPU the server had then (goal: {goal:.0f} req/s,"
                    " 90% of the capacity scaled by that)"
                )
                if seen["p95"] > 1.0 or seen["failed"] or served < goal:
                    failures.append(
                        f"overload: p95 {seen['p95']:.2f} s, {len(seen['failed'])} failed, "
                        f"{served:.0f} req/s served (goal {goal:.0f})"
                    )
            finally:
                worker.terminate()
                worker.wait(timeout=30)
    return report(failures)


if __name__ == "__main__":
    sys.exit(main())
