"""Stop Postgres under load, start it again: 503s with the styled page, then recovery.

    .venv/bin/python bench/faults.py [--rate 20] [--outage 15] [--port 5499]

Runs on a Postgres cluster of its own (`pg_createcluster <version> faults --port
5499`, trust authentication on localhost), created for the test and dropped
afterwards, so nobody else's database stops. gunicorn with production settings
serves the site from it while a steady load of pages and bookings runs:

1. normal service: every answer 200 (bookings 303);
2. `pg_ctlcluster <version> faults stop --mode fast`: pages answer 503 with the
   styled "Back in a moment" page (its stylesheet still loads), /healthz says 503,
   no 500 and no hung request; a page served from the page cache may still be 200;
3. `pg_ctlcluster <version> faults start`: the same gunicorn processes recover by
   themselves (no restart); time to the first healthy answer is printed, and from
   then on, once each worker's circuit breaker has had its pause
   (DATABASE_OUTAGE_PAUSE, --pause) to try the database again, every answer is 200;
4. no half-written booking: every booking answered 303 exists, complete (with its two
   emails in the outbox), and every appointment in the database was answered 303.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from booking_client import Bookings, free_slot_paths
from servers import (
    discover_pages,
    fetch,
    gunicorn,
    manage,
    postgres_database,
    prepare_site,
    production_env,
    report,
    workdir,
)
from steady_load import SteadyLoad, summary

CLUSTER = "faults"
STYLED_503 = "Back in a moment"


def timed_fetch(url: str, timeout: float = 40) -> tuple[int, bytes, float]:
    """(status, body, seconds); status 0 when nothing came back within `timeout`."""
    begin = time.perf_counter()
    try:
        status, _, body = fetch(url, timeout=timeout)
    except OSError:
        status, body = 0, b""
    return status, body, time.perf_counter() - begin


def postgres_version() -> str:
    return sorted(os.listdir("/etc/postgresql"), key=float)[-1]


def pg_ctl(version: str, action: str, *options: str) -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, CLUSTER, action, *options],
        check=True,
    )


@contextmanager
def own_cluster(port: int):
    """A throw-away Postgres cluster on `port`; yields its server URL."""
    version = postgres_version()
    if Path(f"/etc/postgresql/{version}/{CLUSTER}").exists():
        subprocess.run(["pg_dropcluster", "--stop", version, CLUSTER], check=True)
    subprocess.run(
        ["pg_createcluster", version, CLUSTER, "--port", str(port), "--", "--auth=trust"],
        check=True,
        capture_output=True,
    )
    try:
        pg_ctl(version, "start")
        yield version, f"postgres://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(["pg_dropcluster", "--stop", version, CLUSTER], check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=20, help="page requests/second (20)")
    parser.add_argument("--outage", type=float, default=15, help="seconds without Postgres")
    parser.add_argument("--port", type=int, default=5499)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--booking-interval", type=float, default=0.5, help="seconds (0.5)")
    parser.add_argument("--after", type=float, default=20, help="seconds of load after recovery")
    parser.add_argument(
        "--pause", type=float, default=3, help="DATABASE_OUTAGE_PAUSE for gunicorn (3)"
    )
    parser.add_argument(
        "--pool-timeout", help="DATABASE_POOL_TIMEOUT for gunicorn (default: the settings' default)"
    )
    args = parser.parse_args()

    failures: list[str] = []
    with (
        own_cluster(args.port) as (version, server_url),
        workdir("clinic-faults-") as tmp,
        postgres_database("clinic_faults", server_url) as db,
    ):
        extra = {"DATABASE_OUTAGE_PAUSE": str(args.pause)}
        if args.pool_timeout:
            extra["DATABASE_POOL_TIMEOUT"] = args.pool_timeout
        # Workers are not recycled here, so a changed worker pid means a crash.
        env = production_env(
            db, tmp, BOOKING_RATE_LIMIT="100000/h", GUNICORN_MAX_REQUESTS="0", **extra
        )
        prepare_site(env)
        with gunicorn(env, workers=args.workers, log=tmp / "gunicorn.log") as server:
            base = server.base_url
            pages = discover_pages(base)
            paths = [
                pages[name]
                for name in ("home", "article", "plan", "booking week", "exercises", "privacy")
                if name in pages
            ]
            paths.append("/healthz")
            slots = free_slot_paths(base, weeks=3, practitioner="sam-patel")
            slots += free_slot_paths(base, weeks=3, practitioner="alex-morgan")
            slots = [s for s in slots if s.endswith(":00/")]  # on the hour: never overlap
            pids_before = (server.process.pid, server.worker_pids())
            print(
                f"Postgres {version} cluster '{CLUSTER}' on port {args.port}; gunicorn "
                f"{args.workers} workers; {args.rate:g} page requests/s over {paths}; "
                f"a booking every {args.booking_interval:g} s over {len(slots)} free times"
            )

            load = SteadyLoad(base, paths, args.rate, timeout=40, keep_body=True).start()
            bookings = Bookings(
                base,
                slots,
                interval=args.booking_interval,
                name="Fault Patient {}",
                email="fault{}@example.com",
            ).start()
            time.sleep(8)
            stopped_at = load.elapsed()
            pg_ctl(version, "stop", "--mode", "fast")
            print(f"{stopped_at:5.1f} s  Postgres stopped (fast shutdown)")
            time.sleep(3)
            health, _, health_seconds = timed_fetch(base + "/healthz")
            page_status, body, page_seconds = timed_fetch(base + pages["article"])
            css = re.search(rb'href="(/static/[^"]+[.]css)"', body)
            css_status = timed_fetch(base + css.group(1).decode())[0] if css else None
            print(
                f"        during the outage: /healthz {health} in {health_seconds:.1f} s; "
                f"article {page_status} in {page_seconds:.1f} s, styled page: "
                f"{STYLED_503.encode() in body}, its stylesheet {css_status}"
            )
            if health != 503:
                failures.append(f"/healthz answered {health} without a database")
            if page_status != 503 or STYLED_503.encode() not in body or css_status != 200:
                failures.append("the article did not answer the styled 503 page")
            time.sleep(max(0, stopped_at + args.outage - load.elapsed()))
            started_at = load.elapsed()
            pg_ctl(version, "start")
            print(f"{started_at:5.1f} s  Postgres started")
            recovered_at = None
            while load.elapsed() < started_at + 60:
                if timed_fetch(base + "/healthz", timeout=5)[0] == 200:
                    recovered_at = load.elapsed()
                    break
                time.sleep(0.1)
            if recovered_at is None:
                failures.append("not healthy 60 s after Postgres returned")
                recovered_at = load.elapsed()
            print(
                f"{recovered_at:5.1f} s  /healthz 200 again "
                f"({recovered_at - started_at:.1f} s after Postgres started)"
            )
            time.sleep(args.after)
            load.stop()
            bookings.stop()
            end = load.elapsed()

            with load._lock:
                results = list(load.results)
            before = [r for r in results if r.started < stopped_at]
            in_outage = [r for r in results if stopped_at <= r.finished < started_at]
            unanswered = [r for r in results if r.status == 0]
            # One worker answering again does not mean all do: each tries again after
            # its own pause.
            all_back = recovered_at + args.pause + 1
            after = [r for r in results if r.started >= all_back]
            last_503 = max(
                (r.finished for r in results if r.status == 503 and r.started >= started_at),
                default=None,
            )
            print(f"  started before the stop:   {summary(before)}")
            print(f"  answered during the outage: {summary(in_outage)}")
            served = Counter(r.path for r in in_outage if r.status == 200)
            if served:
                print(f"    200 during the outage (from the page cache): {dict(served)}")
            print(
                f"  no answer within {load.timeout:.0f} s: {len(unanswered)} "
                f"{dict(Counter(r.path for r in unanswered))}"
            )
            print(f"  started after recovery:     {summary(after)}")
            if last_503 is not None:
                print(f"    last 503 answered {last_503 - started_at:.1f} s after Postgres started")
            for start in range(0, int(end - all_back), 5):
                window = all_back + start
                print(
                    f"    +{start:>2}-{start + 5:<2} s: "
                    f"{summary([r for r in after if window <= r.started < window + 5])}"
                )
            wrong = [
                r
                for r in in_outage
                if r.status not in (200, 503)
                or (r.status == 503 and r.path != "/healthz" and STYLED_503.encode() not in r.body)
            ]
            if wrong:
                failures.append(
                    f"{len(wrong)} answers in the outage neither 200 nor the styled "
                    f"503, e.g. {wrong[0].path} {wrong[0].status}"
                )
            if unanswered:
                failures.append(
                    f"{len(unanswered)} requests had no answer within "
                    f"{load.timeout:.0f} s (they hung while the database was away)"
                )
            for phase, phase_results in (("before the stop", before), ("after recovery", after)):
                bad = [r for r in phase_results if r.status != 200]
                if bad:
                    failures.append(
                        f"{len(bad)} non-200 answers {phase}, e.g. "
                        f"{bad[0].path} {bad[0].status} {bad[0].error}"
                    )
            pids_after = (server.process.pid, server.worker_pids())
            print(f"  gunicorn master and workers before {pids_before}, after {pids_after}")
            if pids_before != pids_after:
                failures.append("gunicorn processes changed (a worker died or was restarted)")

            booked = {
                b.answer.location.rstrip("/").rsplit("/", 1)[-1]
                for b in bookings.done
                if b.answer.status == 303
            }
            statuses = Counter(b.answer.status for b in bookings.done)
            print(
                f"  bookings:  {len(bookings.done)} attempts, status "
                f"{dict(sorted(statuses.items()))} (303 booked, 503 database away)"
            )
            if set(statuses) - {303, 503}:
                failures.append(f"booking answers other than 303/503: {dict(statuses)}")
        rows = manage(
            env,
            "shell",
            "-v0",
            "-c",
            (
                "from bookings.models import Appointment\n"
                "for a in Appointment.objects.select_related('patient'):\n"
                "    print(a.token, a.emails.count(), bool(a.patient.name and a.patient.email "
                "and a.patient.phone and a.consent_at and a.end > a.start))"
            ),
        ).split("\n")
        rows = [row.split() for row in rows if row.count(" ") == 2]
        in_database = {token for token, _, _ in rows}
        queued = {token: int(emails) for token, emails, _ in rows}
        # Complete: every field, and both emails in the outbox (queued in the same commit).
        incomplete = [t for t, emails, complete in rows if complete != "True" or emails != "2"]
        print(
            f"  appointments in the database: {len(in_database)}; answered 303: {len(booked)}; "
            f"incomplete rows: {len(incomplete)}"
        )
        for token in sorted(in_database - booked):
            answer = next(
                (
                    b.answer
                    for b in bookings.done
                    if b.answer.status != 303 and token in b.answer.location
                ),
                None,
            )
            print(
                f"  booked but not answered 303: {token}; emails queued: {queued[token]}; "
                f"the patient saw: {answer.status if answer else 'a 503 or no answer'}"
            )
        if in_database != booked:
            failures.append(
                f"database and answers disagree: only in the database "
                f"{sorted(in_database - booked)}, only answered "
                f"{sorted(booked - in_database)}"
            )
        if incomplete:
            failures.append(f"half-written appointments: {incomplete}")
        log = (tmp / "gunicorn.log").read_text(errors="replace")
        errors = Counter(re.findall(r"^(\w+(?:\.\w+)*(?:Error|Timeout|Exception)): ", log, re.M))
        print(f"  exceptions in the server log: {dict(errors)}")
        print(
            f"  server log: {log.count('Database unavailable')} 'Database unavailable' lines, "
            f"{log.count('Traceback')} tracebacks, {log.count('WORKER TIMEOUT')} worker timeouts"
        )
    return report(failures, passed="Fault test passed.", failed="Fault test failed:")


if __name__ == "__main__":
    sys.exit(main())
