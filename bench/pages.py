"""How fast each public programs page is, against a trivial view measured in the same run.

Run on demand (not part of the test suite):

    .venv/bin/python bench/pages.py [--iterations 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clinic_bench .venv/bin/python bench/pages.py

It builds a throw-away test database (in memory on SQLite, test_<name> on Postgres) with the
shipped content plus a 10-week plan of 30 sessions, 100 exercises and 30 articles, then times
each page through Django's test Client with DEBUG off. Server time is the median time of a
whole request through middleware, view and template; queries are counted on a cold cache
(as the tests count them) and on a warm one (as in production, where the clinic's details
are cached).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
os.environ["DJANGO_DEBUG"] = "0"
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
os.environ["DJANGO_STATIC_MANIFEST"] = "0"
os.environ.setdefault("LOG_LEVEL", "ERROR")

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    setup_test_environment,
    teardown_databases,
)
from django.urls import include, path  # noqa: E402


def trivial(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/trivial/", trivial), path("", include("clinic.urls"))]

PAGES = [
    ("trivial view (baseline)", "/bench/trivial/"),
    ("home", "/"),
    ("article list", "/articles/"),
    ("article", "/articles/why-hamstring-strength-matters-for-runners/"),
    ("article feed", "/articles/feed/"),
    ("exercise list (100+)", "/exercises/"),
    ("exercise list, filtered", "/exercises/?category=strength&muscle=hamstrings"),
    ("exercise", "/exercises/nordic-hamstring-curl/"),
    ("plan list", "/plans/"),
    ("plan, 10 weeks / 30 sessions", "/plans/bench-10-week-plan/"),
    ("plan calendar (.ics)", "/plans/bench-10-week-plan/calendar.ics?start=2026-01-05"),
    ("search", "/search/?q=hamstring+strength"),
    ("sitemap.xml", "/sitemap.xml"),
]


def build_content() -> None:
    from programs.models import (
        Article,
        Equipment,
        Exercise,
        Muscle,
        Plan,
        PlanWeek,
        Prescription,
        Reference,
        Session,
    )

    equipment = [Equipment.objects.create(name=f"Kit {n}", slug=f"kit-{n}") for n in range(10)]
    muscles = list(Muscle.objects.all())
    reference = Reference.objects.first()
    exercises = []
    for n in range(100):
        exercise = Exercise.objects.create(
            name=f"Bench exercise {n}",
            slug=f"bench-exercise-{n}",
            summary="A hamstring strength exercise for runners.",
            steps="Set up.\nLower slowly.\nReturn.",
            coaching_cues="Slow.\nControlled.",
            category=Exercise.Category.STRENGTH,
            default_sets=3,
            default_reps="8",
        )
        exercise.equipment.add(equipment[n % 10])
        exercise.target_muscles.add(muscles[n % len(muscles)])
        exercise.references.add(reference)
        exercises.append(exercise)
    plan = Plan.objects.create(
        title="Bench 10-week plan",
        slug="bench-10-week-plan",
        summary="Benchmark plan.",
        audience="Runners.",
        duration_weeks=10,
        sessions_per_week=3,
        equipment="A mat.",
        description="Three sessions a week.",
        is_published=True,
    )
    for number in range(1, 11):
        week = PlanWeek.objects.create(plan=plan, number=number)
        week.references.add(reference)
        for day in (0, 2, 4):
            session = Session.objects.create(week=week, day_of_week=day, title="Strength")
            for order in range(1, 4):
                Prescription.objects.create(
                    session=session,
                    exercise=exercises[(number * day + order) % 100],
                    order=order,
                    sets=3,
                    reps="12/10/8",
                    rest_seconds=90,
                )
    source = Article.objects.get(slug="why-hamstring-strength-matters-for-runners")
    for n in range(30):
        article = Article.objects.create(
            title=f"Bench article {n} on hamstring strength",
            slug=f"bench-article-{n}",
            summary=source.summary,
            body=source.body,
            author="Bench",
            status="published",
        )
        article.tags.set(source.tags.all())


def median_ms(client: Client, url: str, iterations: int) -> float:
    for _ in range(5):
        client.get(url)
    timings = []
    for _ in range(iterations):
        started = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def measure(client: Client, url: str, iterations: int) -> tuple[float, float, int, int]:
    """(rendered ms, cached ms, queries on a cold cache, queries per rendered request)."""
    for cache in caches.all():
        cache.clear()
    with CaptureQueriesContext(connection) as cold:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    cold_queries = len(cold.captured_queries)  # read now: later requests reset the log
    # Rendered: the page cache off, so every request runs the view and its queries.
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0):
        with CaptureQueriesContext(connection) as warm:
            client.get(url)
        warm_queries = len(warm.captured_queries)
        rendered = median_ms(client, url, iterations)
    # Cached: what an anonymous visitor gets once the page is in the cache.
    cached = median_ms(client, url, iterations)
    return rendered, cached, cold_queries, warm_queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    args = parser.parse_args()

    setup_test_environment()
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        build_content()
        client = Client()
        with override_settings(ROOT_URLCONF=__name__):
            rows = [(name, url, *measure(client, url, args.iterations)) for name, url in PAGES]
    finally:
        teardown_databases(old_config, verbosity=0)

    baseline = rows[0][2]
    print(f"Database: {connection.vendor}; {args.iterations} requests per page; median times.")
    print("Rendered: page cache off (view, queries, template). Cached: an anonymous visitor's")
    print("request once the page is in the cache (search and calendar are never cached).")
    print()
    print(
        "| Page | URL | Rendered | x trivial | Cached | x trivial "
        "| Queries (cold cache / rendered) |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for name, url, rendered, cached, cold, warm in rows:
        print(
            f"| {name} | `{url}` | {rendered:.2f} ms | {rendered / baseline:.1f} "
            f"| {cached:.2f} ms | {cached / baseline:.1f} | {cold} / {warm} |"
        )


if __name__ == "__main__":
    main()
