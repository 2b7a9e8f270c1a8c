"""A soak: a steady rate of mixed page requests for a few minutes; errors and worker memory.

    .venv/bin/python bench/soak.py [--minutes 3] [--rate 30] [--workers 2] [--warmup 20]

gunicorn with production settings on a throw-away Postgres database (servers.py).
Workers are not recycled during the soak (GUNICORN_MAX_REQUESTS=0), so the memory
printed before and after belongs to the same processes. After a warm-up (every page
served by every worker, caches filled), it prints each worker's RSS
(/proc/<pid>/status VmRSS), then every minute, then after the soak. Passes when
every answer is 200 and no worker grew by more than --max-growth MiB.
"""

import argparse
import os
import re
import sys
import time

from servers import (
    discover_pages,
    fetch,
    gunicorn,
    postgres_database,
    prepare_site,
    production_env,
    rss_kib,
    workdir,
)
from steady_load import SteadyLoad, summary


def mixed_pages(base_url: str) -> list[str]:
    pages = discover_pages(base_url)
    paths = list(pages.values())
    _, _, home = fetch(base_url + "/")
    css = re.search(r'href="(/static/css/site[^"]*\.css)"', home.decode())
    if css:
        paths.append(css.group(1))
    if "plan" in pages:
        paths.append(f"{pages['plan']}calendar.ics?start=2027-01-04")
    paths += [
        "/articles/feed/",
        "/sitemap.xml",
        "/search/?q=nordic",
        "/healthz",
        "/book/initial-assessment/?practitioner=sam-patel",
    ]
    return paths


def rss_line(server) -> tuple[str, dict[int, int]]:
    rss = {pid: rss_kib(pid) for pid in server.worker_pids()}
    text = ", ".join(f"pid {pid}: {kib / 1024:.1f} MiB" for pid, kib in rss.items())
    return text, rss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--rate", type=float, default=30, help="requests per second (30)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--warmup", type=float, default=20, help="seconds (20)")
    parser.add_argument("--max-growth", type=float, default=5, help="MiB per worker (5)")
    args = parser.parse_args()

    failures = []
    with workdir("clinic-soak-") as tmp, postgres_database(f"clinic_soak_{os.getpid()}") as db:
        env = production_env(db, tmp, GUNICORN_MAX_REQUESTS="0")
        prepare_site(env)
        with gunicorn(env, workers=args.workers) as server:
            paths = mixed_pages(server.base_url)
            print(f"gunicorn: {args.workers} workers (not recycled), Postgres, DEBUG off")
            print(f"{len(paths)} pages in turn: {' '.join(paths)}")
            warmup = SteadyLoad(server.base_url, paths, args.rate).start()
            time.sleep(args.warmup)
            warmup.stop()
            print(f"Warm-up {args.warmup:.0f} s: {summary(warmup.results)}")
            text, before = rss_line(server)
            print(f"RSS before: {text}")

            load = SteadyLoad(server.base_url, paths, args.rate).start()
            seconds = args.minutes * 60
            for minute in range(1, int(args.minutes) + 1):
                time.sleep(max(0, minute * 60 - load.elapsed()))
                print(f"  after {minute} min: {rss_line(server)[0]}")
            time.sleep(max(0, seconds - load.elapsed()))
            load.stop()
            time.sleep(0.5)
            text, after = rss_line(server)
            print(f"Soak {args.minutes:g} min at {args.rate:g} requests/s: {summary(load.results)}")
            print(f"  late starts (>1 s behind schedule): {load.late_starts}")
            print(f"RSS after:  {text}")
            bad = [r for r in load.results if r.status != 200]
            for result in bad[:10]:
                print(f"  not 200: {result.path} {result.status} {result.error}")
            if bad:
                failures.append(f"{len(bad)} answers were not 200")
            for pid, kib in before.items():
                if pid not in after:
                    failures.append(f"worker {pid} was replaced during the soak")
                    continue
                growth = (after[pid] - kib) / 1024
                print(f"  worker {pid}: {growth:+.1f} MiB")
                if growth > args.max_growth:
                    failures.append(f"worker {pid} grew by {growth:.1f} MiB")
    print("\n" + ("Soak passed." if not failures else "Soak failed:\n- " + "\n- ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
