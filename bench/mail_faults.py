"""A mail server that accepts and never answers, under load; then one that works: bookings
stay fast, and every email arrives once, though the worker was killed mid-send.

    .venv/bin/python bench/mail_faults.py [--hang-seconds 60] [--rate 20] [--kill-at 20]

gunicorn with production settings (gunicorn.conf.py, Redis cache, a throw-away Postgres
database) and ONE `manage.py worker`, all with EMAIL_URL=smtp://127.0.0.1:<port>:

1. for --hang-seconds, a "black hole" listens on that port: it accepts connections and
   never sends a byte, so every send waits for the 10 s mail timeout. Meanwhile 20 page
   requests/s (open loop) and a booking every 0.5 s (the form, then the POST; distinct
   times, runner<N>@example.com). Goals: every booking answered 303 in under 1 s, pages
   all 200 with p99 under 200 ms. At --kill-at seconds, once the worker is stuck in a
   send, it is killed with SIGKILL and a new one started at once;
2. the black hole goes, and aiosmtpd (in this process) listens on the same port, while a
   lighter page load goes on. Goals, within --wait seconds: for every booking exactly one
   confirmation (to the patient's address) and one clinic notice (to CLINIC_INBOX_EMAIL,
   its subject naming the time), the last confirmation at most --deliver-within seconds
   after the mail server came back; no duplicate; nothing left pending in the outbox.

Prints `manage.py queue_status` at the end; exits 1 when a goal is missed.
"""

import argparse
import email
import email.policy
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import chain, zip_longest
from pathlib import Path

import psycopg
import redis
from aiosmtpd.controller import Controller
from booking_client import Bookings, free_slot_paths
from servers import (
    ROOT,
    discover_pages,
    free_port,
    gunicorn,
    manage,
    postgres_database,
    prepare_site,
    production_env,
    report,
    workdir,
)
from steady_load import Result, SteadyLoad, summary

CLINIC_INBOX = "reception@clinic.example"
PATIENT_EMAIL = "runner{}@example.com"
PRACTITIONERS = ("sam-patel", "alex-morgan")  # the two who give initial assessments
CONFIRMATION_SUBJECT = "Your appointment on "
NOTICE_SUBJECT = "New booking: "


class BlackHole:
    """An SMTP server that accepts every connection and never says a word, not even hello.

    It holds each connection until the client hangs up, so `open_connections` is the
    number of senders waiting on it right now.
    """

    def __init__(self, port: int):
        self.listener = socket.create_server(("127.0.0.1", port), backlog=128)
        self.accepted = 0
        self._held: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self.listener, selectors.EVENT_READ)
            while not self._stop.is_set():
                for key, _ in selector.select(timeout=0.1):
                    if key.fileobj is self.listener:
                        conn, _ = self.listener.accept()
                        selector.register(conn, selectors.EVENT_READ)
                        with self._lock:
                            self.accepted += 1
                            self._held.add(conn)
                    elif not key.fileobj.recv(4096):  # the sender gave up and hung up
                        selector.unregister(key.fileobj)
                        key.fileobj.close()
                        with self._lock:
                            self._held.discard(key.fileobj)

    def open_connections(self) -> int:
        with self._lock:
            return len(self._held)

    def start(self) -> "BlackHole":
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close the port and every connection held (the senders see the server hang up)."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._thread.join()
        with self._lock:
            for conn in self._held:
                conn.close()
            self._held.clear()
        self.listener.close()


@dataclass
class Mail:
    at: float  # seconds since the load began
    to: tuple[str, ...]
    subject: str


class Inbox:
    """aiosmtpd's handler: keeps each message's arrival time, recipients and subject."""

    def __init__(self, clock: Callable[[], float]):
        self.clock = clock
        self.mails: list[Mail] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        mail = Mail(self.clock(), tuple(envelope.rcpt_tos), str(message["Subject"]))
        with self._lock:
            self.mails.append(mail)
        return "250 Message accepted for delivery"

    def received(self) -> list[Mail]:
        with self._lock:
            return list(self.mails)


class Worker:
    """`manage.py worker` in a process of its own, its output appended to `log`."""

    def __init__(self, env: dict[str, str], log: Path):
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> int:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "worker", "--no-startup-delay"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return self.process.pid

    def kill(self) -> int:
        """SIGKILL: no chance to finish the send or record anything."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        return self.process.pid

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def spread_slots(base_url: str, weeks: int) -> list[str]:
    """Free times on the hour (45 minutes and the buffer never overlap), taking turns
    between the practitioners and the weeks so that no one diary fills first."""
    by_diary: dict[tuple[str, tuple[int, int]], list[str]] = {}
    for practitioner in PRACTITIONERS:
        for path in free_slot_paths(base_url, weeks=weeks, practitioner=practitioner):
            day = re.search(r"/(\d{4}-\d{2}-\d{2})T\d{2}:00", path)
            if day:
                week = date.fromisoformat(day.group(1)).isocalendar()[:2]
                by_diary.setdefault((practitioner, week), []).append(path)
    return [path for path in chain.from_iterable(zip_longest(*by_diary.values())) if path]


def percentile(times: list[float], p: float) -> float:
    times = sorted(times)
    return times[min(len(times) - 1, int(len(times) * p))] if times else 0.0


def hang_verdict(pages: list[Result], bookings: Bookings) -> list[str]:
    """Print how pages and bookings fared while the mail server hung; the goals missed."""
    failures = []
    done = bookings.done
    statuses = Counter(b.answer.status for b in done)
    posts = [b.post_seconds for b in done if b.post_seconds is not None]
    forms = [b.form_seconds for b in done]
    print(f"  pages:    {summary(pages)}")
    print(
        f"  bookings: {len(done)} attempted, {statuses[303]} booked (303); status "
        f"{dict(sorted(statuses.items()))}"
    )
    if posts:
        slowest = max(done, key=lambda b: b.post_seconds or 0)
        print(
            f"            POST median {percentile(posts, 0.5) * 1000:.0f} ms, slowest "
            f"{max(posts) * 1000:.0f} ms (runner{slowest.number}, at {slowest.started:.1f} s); "
            f"the form's GET median {percentile(forms, 0.5) * 1000:.0f} ms, slowest "
            f"{max(forms) * 1000:.0f} ms"
        )
    if not done or statuses[303] != len(done):
        failures.append(f"not every booking was made: {dict(statuses)}")
    if posts and max(posts) >= 1:
        failures.append(f"the slowest booking took {max(posts):.2f} s (goal: under 1 s)")
    p99 = percentile([r.seconds for r in pages], 0.99)
    if p99 >= 0.2:
        failures.append(f"page p99 {p99 * 1000:.0f} ms during the hang (goal: under 200 ms)")
    if {r.status for r in pages} != {200}:
        failures.append("pages answered other than 200 during the hang")
    return failures


def mail_verdict(
    mails: list[Mail], booked: set[str], smtp_up: float, deliver_within: float
) -> list[str]:
    """Print what arrived once the mail server was back; the goals missed."""
    failures = []
    confirmations = Counter(m.to for m in mails if m.subject.startswith(CONFIRMATION_SUBJECT))
    notices = Counter(m.subject for m in mails if m.subject.startswith(NOTICE_SUBJECT))
    notice_to = Counter(to for m in mails if m.subject.startswith(NOTICE_SUBJECT) for to in m.to)
    others = [m for m in mails if not m.subject.startswith((CONFIRMATION_SUBJECT, NOTICE_SUBJECT))]
    confirmed = {to[0] for to in confirmations if len(to) == 1}
    strangers = sorted(set(confirmations) - {(address,) for address in booked})
    missing = sorted(booked - confirmed, key=lambda address: int(re.sub(r"\D", "", address)))

    def last(prefix: str) -> str:
        times = [m.at - smtp_up for m in mails if m.subject.startswith(prefix)]
        return f"the last {max(times):.1f} s after the mail server was back" if times else "none"

    print(
        f"  messages: {len(mails)} ({confirmations.total()} confirmations, "
        f"{notices.total()} clinic notices, {len(others)} others)"
    )
    print(
        f"  confirmations: {len(booked & confirmed)} of {len(booked)} booked appointments "
        f"have one, {last(CONFIRMATION_SUBJECT)}; missing: {missing or 'none'}"
    )
    print(
        f"  clinic notices: {len(notices)} distinct appointments, to {dict(notice_to)}, "
        f"{last(NOTICE_SUBJECT)}"
    )
    duplicates = [
        f"confirmation to {', '.join(to)} x{n}" for to, n in confirmations.items() if n > 1
    ] + [f"clinic notice '{subject}' x{n}" for subject, n in notices.items() if n > 1]
    print(f"  duplicates: {'; '.join(duplicates) or 'none'}")
    arrivals = Counter(int((m.at - smtp_up) // 10) for m in mails)
    print(
        "  arrivals, by 10 s after the mail server was back: "
        + ", ".join(f"{10 * n}-{10 * n + 10} s {arrivals[n]}" for n in range(max(arrivals) + 1))
        if arrivals
        else "  arrivals: none"
    )
    if others or strangers:
        print(f"  unexpected: {[(m.to, m.subject) for m in others]} {strangers}")

    if missing:
        failures.append(f"{len(missing)} booked appointments got no confirmation")
    late = [
        m
        for m in mails
        if m.subject.startswith(CONFIRMATION_SUBJECT) and m.at - smtp_up > deliver_within
    ]
    if late or missing:
        failures.append(f"not every confirmation came within {deliver_within:g} s")
    if len(notices) != len(booked) or set(notice_to) != {CLINIC_INBOX}:
        failures.append(f"{len(notices)} clinic notices to {dict(notice_to)} for {len(booked)}")
    if duplicates:
        failures.append(f"emails sent twice: {'; '.join(duplicates)}")
    if others or strangers:
        failures.append("messages nobody should have had")
    return failures


def outbox_verdict(
    database_url: str, booked: set[str], back_at: datetime, worker_log: str
) -> list[str]:
    """Print what the database says about appointments and their emails; the goals missed."""
    failures = []
    with psycopg.connect(database_url) as conn:
        appointments = {
            address
            for (address,) in conn.execute(
                # This run's patients only: the demo data has appointments of its own.
                "SELECT p.email FROM bookings_appointment a JOIN bookings_patient p "
                "ON p.id = a.patient_id WHERE a.status <> 'cancelled' AND p.email LIKE %s",
                [PATIENT_EMAIL.replace("{}", "%")],
            )
        }
        emails = conn.execute(
            "SELECT kind, count(*), count(sent_at), count(given_up_at), "
            "count(*) FILTER (WHERE sent_at IS NULL AND given_up_at IS NULL), "
            "count(*) FILTER (WHERE attempts > 1), coalesce(max(attempts), 0) "
            "FROM bookings_appointmentemail GROUP BY kind ORDER BY kind"
        ).fetchall()
        tried_again = conn.execute(
            "SELECT e.kind, p.email, e.attempts, e.sent_at "
            "FROM bookings_appointmentemail e JOIN bookings_appointment a "
            "ON a.id = e.appointment_id JOIN bookings_patient p ON p.id = a.patient_id "
            "WHERE e.attempts > 1 ORDER BY e.sent_at"
        ).fetchall()
    print(f"  this run's patients' appointments in the database: {len(appointments)}")
    for kind, rows, sent, given_up, pending, retried, tries in emails:
        print(
            f"  outbox, {kind}: {rows} rows, {sent} sent, {pending} pending, {given_up} given "
            f"up; {retried} took more than one try (at most {tries})"
        )
    for kind, address, tries, sent_at in tried_again:
        sent = f"{(sent_at - back_at).total_seconds():.1f} s after" if sent_at else "not sent"
        print(f"    {kind} for {address}: {tries} tries, {sent} the mail server was back")
    print(
        f"  worker log: {worker_log.count('Could not send')} failed tries (retried later), "
        f"{worker_log.count('lost its task')} emails whose task was lost, "
        f"{worker_log.count('Traceback')} tracebacks"
    )
    if appointments != booked:
        failures.append("the appointments in the database are not the bookings answered 303")
    if any(pending or given_up for _, _, _, given_up, pending, _, _ in emails):
        failures.append("emails still pending or given up in the outbox")
    return failures


def pending_emails(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT count(*) FROM bookings_appointmentemail "
            "WHERE sent_at IS NULL AND given_up_at IS NULL"
        ).fetchone()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hang-seconds", type=float, default=60, help="black hole phase (60)")
    parser.add_argument("--rate", type=float, default=20, help="page requests/s meanwhile (20)")
    parser.add_argument("--booking-interval", type=float, default=0.5, help="seconds (0.5)")
    parser.add_argument("--kill-at", type=float, default=20, help="SIGKILL the worker (20 s)")
    parser.add_argument("--after-rate", type=float, default=5, help="page requests/s after (5)")
    parser.add_argument("--wait", type=float, default=180, help="longest wait for the mail (180)")
    parser.add_argument(
        "--deliver-within", type=float, default=120, help="goal, seconds after SMTP is back (120)"
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument("--smtp-port", type=int, default=0, help="default: a free port")
    parser.add_argument("--redis-db", type=int, default=6, help="Redis database, emptied (6)")
    args = parser.parse_args()
    if not 0 < args.kill_at < args.hang_seconds:
        parser.error("--kill-at must fall inside the hang")
    if args.redis_db in (0, 1):
        parser.error("Redis databases 0 and 1 are the defaults others use: choose another")

    failures: list[str] = []
    smtp_port = args.smtp_port or free_port()
    cache = redis.Redis(host="127.0.0.1", port=6379, db=args.redis_db)
    cache.flushdb()
    black_hole: BlackHole | None = None
    smtp: Controller | None = None
    worker: Worker | None = None
    with (
        workdir("clinic-mail-faults-") as tmp,
        postgres_database(f"clinic_mail_faults_{os.getpid()}") as db,
    ):
        env = production_env(
            db,
            tmp,
            CACHE_URL=f"redis://127.0.0.1:6379/{args.redis_db}",
            EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
            CLINIC_INBOX_EMAIL=CLINIC_INBOX,
            BOOKING_RATE_LIMIT="100000/h",
            BOOKING_EMAIL_RATE_LIMIT="100000/h",
            GUNICORN_MAX_REQUESTS="0",
        )
        prepare_site(env)
        try:
            black_hole = BlackHole(smtp_port).start()
            worker = Worker(env, tmp / "worker.log")
            with gunicorn(env, workers=args.workers, log=tmp / "gunicorn.log") as server:
                base = server.base_url
                pages = discover_pages(base)
                paths = [
                    pages[name]
                    for name in ("home", "article", "plan", "book", "booking week")
                    if name in pages
                ]
                slots = spread_slots(base, weeks=4)
                wanted = int(args.hang_seconds / args.booking_interval)
                if len(slots) < wanted:
                    raise SystemExit(f"Only {len(slots)} free times for {wanted} bookings")
                first_pid = worker.start()
                print(
                    f"SMTP black hole on 127.0.0.1:{smtp_port} for {args.hang_seconds:g} s, "
                    f"then aiosmtpd on the same port; gunicorn {args.workers} workers, Redis "
                    f"db {args.redis_db}; one worker (pid {first_pid}); {args.rate:g} page "
                    f"requests/s over {paths}; a booking every {args.booking_interval:g} s "
                    f"over {len(slots)} free times ({', '.join(PRACTITIONERS)}, 4 weeks)"
                )

                # Phase 1: the mail server hangs.
                load = SteadyLoad(base, paths, args.rate, timeout=30).start()
                clock = load.elapsed
                bookings = Bookings(
                    base, slots, args.booking_interval, name="Runner {}", email=PATIENT_EMAIL
                ).start()
                time.sleep(max(0, args.kill_at - clock()))
                while not black_hole.open_connections() and clock() < args.kill_at + 15:
                    time.sleep(0.05)  # until the worker is inside a send
                stuck = black_hole.open_connections()
                killed_at = clock()
                killed_pid = worker.kill()
                second_pid = worker.start()
                print(
                    f"{killed_at:5.1f} s  worker pid {killed_pid} killed (SIGKILL) with {stuck} "
                    f"connection(s) open to the black hole; worker pid {second_pid} started"
                )
                if not stuck:
                    failures.append("the worker was not inside a send when it was killed")
                time.sleep(max(0, args.hang_seconds - clock()))
                bookings.stop()
                load.stop()
                hang_end = clock()

                # Phase 2: a mail server that works, on the same port.
                waiting = black_hole.open_connections()
                black_hole.stop()
                inbox = Inbox(clock)
                smtp = Controller(
                    inbox, hostname="127.0.0.1", port=smtp_port, server_hostname="mail.localhost"
                )
                smtp.start()
                smtp_up, back_at = clock(), datetime.now(UTC)
                print(
                    f"{hang_end:5.1f} s  bookings stopped; black hole closed ({black_hole.accepted}"
                    f" connections in all, {waiting} waiting)\n{smtp_up:5.1f} s  aiosmtpd up"
                )
                booked = {b.email for b in bookings.done if b.answer.status == 303}
                after = SteadyLoad(base, paths, args.after_rate, timeout=30).start()
                outcome = f"still waiting after {args.wait:g} s: the wait is over"
                while clock() < smtp_up + args.wait:
                    mails = inbox.received()
                    confirmed = {
                        m.to[0] for m in mails if m.subject.startswith(CONFIRMATION_SUBJECT)
                    }
                    notices = sum(m.subject.startswith(NOTICE_SUBJECT) for m in mails)
                    if booked <= confirmed and notices >= len(booked) and not pending_emails(db):
                        outcome = "every email in, none pending in the outbox"
                        break
                    time.sleep(1)
                time.sleep(3)  # an email sent twice would come now
                after.stop()
                settled = clock()
                print(f"{settled:5.1f} s  {outcome}")

            during = [r for r in load.results if r.started < hang_end]
            print(f"\nWhile the mail server hung ({hang_end:.0f} s):")
            failures += hang_verdict(during, bookings)
            print(f"\nAfter it came back ({settled - smtp_up:.0f} s):")
            print(f"  pages ({args.after_rate:g}/s): {summary(after.results)}")
            failures += mail_verdict(inbox.received(), booked, smtp_up, args.deliver_within)
            worker_log = (tmp / "worker.log").read_text(errors="replace")
            failures += outbox_verdict(db, booked, back_at, worker_log)
            print("\nmanage.py queue_status:")
            print(manage(env, "queue_status").rstrip())
        finally:
            if worker:
                worker.stop()
            if smtp:
                smtp.stop()
            if black_hole:
                black_hole.stop()
            cache.flushdb()
    return report(failures, passed="Mail fault test passed.", failed="Mail fault test failed:")


if __name__ == "__main__":
    sys.exit(main())
