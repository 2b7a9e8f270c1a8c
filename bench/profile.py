"""Where a page's time goes: py-spy samples one gunicorn worker while wrk loads the page.

    .venv/bin/python bench/profile.py [--page home] [--seconds 8] [--top 25]

gunicorn as production runs it (gunicorn.conf.py, the Redis cache, the access log) with
one worker, on a throw-away Postgres database with the demo data. Prints the functions
with the largest share of the samples, inclusive and by themselves (py-spy's raw
output, folded here; idle threads such as the database pool's are left out). Pages:
static, home, article, plan, exercise, booking week, booking form. Needs py-spy (the
`bench` extra) and root or ptrace rights.
"""

import argparse
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from http_speed import wrk
from servers import (
    discover_pages,
    fetch,
    gunicorn,
    postgres_database,
    prepare_site,
    production_env,
    workdir,
)

IDLE = ("threading.py", "psycopg_pool", "queue.py")


def fold(raw: Path) -> tuple[int, Counter, Counter]:
    """Total samples, and samples per function inclusive and by itself."""
    inclusive, own, total = Counter(), Counter(), 0
    for line in raw.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        frames = [re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")]
        if any(idle in frame for frame in frames[-3:] for idle in IDLE):
            continue
        total += int(samples)
        for frame in set(frames):
            inclusive[frame] += int(samples)
        own[frames[-1]] += int(samples)
    return total, inclusive, own


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", default="home")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    with workdir("clinic-profile-") as tmp, postgres_database("clinic_profile") as db:
        env = production_env(db, tmp)
        prepare_site(env)
        with gunicorn(env, workers=1) as server:
            pages = discover_pages(server.base_url)
            _, _, home = fetch(server.base_url + "/")
            pages["static"] = re.search(r'href="(/static/css/site[^"]*\.css)"', home.decode())[1]
            path = pages[args.page]
            fetch(server.base_url + path)
            raw = tmp / "profile.txt"
            sampling = subprocess.Popen(  # noqa: S603
                [
                    spy,
                    "record",
                    "-p",
                    str(server.worker_pids()[0]),
                    "-d",
                    str(args.seconds + 1),
                    "-r",
                    "250",
                    "-f",
                    "raw",
                    "-o",
                    str(raw),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(0.5)
            load = wrk(server.base_url + path, args.seconds, 4, 1)
            sampling.wait()
        total, inclusive, own = fold(raw)
    print(f"{args.page} {path}: {load['rps']:.0f} req/s with one worker, {total} samples\n")
    # gunicorn's own loop is in (nearly) every sample: start below it.
    inclusive = Counter({f: n for f, n in inclusive.items() if n < 0.9 * total})
    for title, counts in (("inclusive (below gunicorn's loop)", inclusive), ("by itself", own)):
        print(f"--- {title}")
        for frame, samples in counts.most_common(args.top):
            print(f"{100 * samples / total:5.1f}%  {frame[:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
