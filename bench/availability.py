"""Benchmark: free times for four weeks, all practitioners, 500 existing appointments.

Prints the time and the number of queries to compute them. Uses a throwaway database:
a temporary SQLite file, or BENCH_DATABASE_URL (its bookings tables are emptied!).

    .venv/bin/python bench/availability.py
    .venv/bin/python bench/availability.py --postgres   # a throw-away Postgres database
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/clinic_bookings_bench \
        .venv/bin/python bench/availability.py
"""

import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
scratch = tempfile.mkdtemp(prefix="bench-availability-")
if "--postgres" in sys.argv:
    # A throw-away Postgres database, created here and dropped at exit.
    import atexit
    from contextlib import ExitStack

    from bench.servers import postgres_database

    _databases = ExitStack()
    atexit.register(_databases.close)
    os.environ["DATABASE_URL"] = _databases.enter_context(
        postgres_database("clinic_bench_availability")
    )
else:
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3"
    )
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bookings import demo  # noqa: E402
from bookings.availability import load_schedule  # noqa: E402
from bookings.models import Appointment, BookingRules, Patient, Practitioner, Service  # noqa: E402
from bookings.rota import LOOK_BACK, Rota, current_rota  # noqa: E402

APPOINTMENTS = 500
RUNS = 20


def main() -> None:
    call_command("migrate", verbosity=0)
    Appointment.objects.all().delete()
    demo.seed(open(os.devnull, "w"))  # noqa: SIM115
    rules = BookingRules.current()
    rules.booking_window_days = 60
    rules.save()
    # All practitioners offer the assessment, so "all practitioners" means all three.
    assessment = Service.objects.get(slug="initial-assessment")
    massage = Service.objects.get(slug="sports-massage-30")
    for person in Practitioner.objects.all():
        person.services.add(assessment, massage)

    today = timezone.localdate()
    first_day = today + timedelta(days=7 - today.weekday())  # next Monday
    last_day = first_day + timedelta(days=27)
    now = datetime.combine(first_day - timedelta(days=1), datetime.min.time(), tzinfo=UTC)

    # 500 non-overlapping 30-minute appointments in the practitioners' free time.
    runner = Patient.objects.create(
        name="Bench Runner", email="bench@example.com", phone="07700 900123"
    )
    free = load_schedule(massage, first_day, last_day).free_slots(now)
    random.seed(4)
    random.shuffle(free)
    taken: dict[int, list[tuple[datetime, datetime]]] = {}
    rows = []
    for slot in free:
        blocked_until = slot.end + massage.buffer
        mine = taken.setdefault(slot.practitioner_id, [])
        if any(s < blocked_until and slot.start < b for s, b in mine):
            continue
        mine.append((slot.start, blocked_until))
        rows.append(
            Appointment(
                service=massage,
                practitioner_id=slot.practitioner_id,
                start=slot.start,
                end=slot.end,
                blocked_until=blocked_until,
                patient=runner,
            )
        )
        if len(rows) == APPOINTMENTS:
            break
    Appointment.objects.bulk_create(rows)

    # The rota (hours, time off, closures, rules) is read once per change and kept in
    # each process (bookings/rota.py): timed apart, then the schedules with it kept.
    rota_timings = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as rota_queries:
            started = time.perf_counter()
            Rota.load(timezone.now() - LOOK_BACK)
            rota_timings.append(time.perf_counter() - started)
    current_rota()
    timings = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            slots = load_schedule(assessment, first_day, last_day).free_slots(now)
            timings.append(time.perf_counter() - started)
    print(f"database:       {connection.vendor}")
    print(f"practitioners:  {Practitioner.objects.count()}")
    print(f"appointments:   {Appointment.objects.count()} in the four weeks")
    print(f"range:          {first_day} to {last_day} (4 weeks)")
    print(f"free slots:     {len(slots)} for '{assessment.name}'")
    print(f"queries:        {len(queries)} (with the rota kept)")
    print(
        f"rota:           {len(rota_queries)} queries, median "
        f"{statistics.median(rota_timings) * 1000:.1f} ms, read once per change"
    )
    print(
        f"time:           median {statistics.median(timings) * 1000:.1f} ms, "
        f"best {min(timings) * 1000:.1f} ms, worst {max(timings) * 1000:.1f} ms "
        f"over {RUNS} runs"
    )


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        shutil.rmtree(scratch, ignore_errors=True)
