"""Requests per second with wrk, and the weight of each public page.

    .venv/bin/python bench/http_speed.py [--duration 4] [--rounds 5] [--connections 20]

Starts gunicorn as production runs it (gunicorn.conf.py as shipped: its worker count,
access log; the Redis cache; INFO logging) on a throw-away Postgres database (created,
migrated, seeded, dropped), and beside it a bare gunicorn (no config file, the same
number of workers; two of each, since of identical servers the one started first
proved the slower). Then, in one run and with the same wrk settings for each:
requests/second for a static file (from all four servers), the home page, an article, a
plan, an exercise, the booking week page and the booking form, and each page's ratio
to the static file (goals: content pages >= 0.7, booking week >= 0.5, booking form >=
0.4; the shipped static rate no lower than the bare one's). Then each public page's
transfer size on a first visit with Brotli/gzip (HTML, CSS, JS, images; goal
under 100 KB) and whether any script blocks rendering.

(Named http_speed.py, not http.py: a script called http.py would shadow the
standard library's http package for everything it imports.)
"""

import argparse
import gzip
import os
import re
import shutil
import statistics
import subprocess
import sys
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import brotli
from servers import (
    discover_pages,
    fetch,
    gunicorn,
    postgres_database,
    prepare_site,
    production_env,
    report,
    workdir,
)

WEIGHT_LIMIT = 100 * 1024
GOALS = {
    "home": 0.7,
    "article": 0.7,
    "plan": 0.7,
    "exercise": 0.7,
    "booking week": 0.5,
    "booking form": 0.4,
}
# The bare gunicorn's static rate may beat ours by this much and count as noise.
STATIC_TOLERANCE = 0.95
COMPRESSED = {"Accept-Encoding": "br, gzip"}


def wrk(url: str, duration: int, connections: int, threads: int) -> dict:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "-H",
        "Accept-Encoding: br, gzip",
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    result["requests"] = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["errors"] = int(non_2xx.group(1)) if non_2xx else 0
    socket_errors = re.search(r"Socket errors: (.*)", output)
    result["socket_errors"] = socket_errors.group(1) if socket_errors else ""
    p99 = re.search(r"99%\s+([\d.]+\w+)", output)
    result["p99"] = p99.group(1) if p99 else "?"
    return result


class Resources(HTMLParser):
    """What a browser fetches for a page: stylesheets, scripts, images, icons."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.blocking_scripts: list[str] = []
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        elif tag == "link" and attrs.get("href"):
            rel = (attrs.get("rel") or "").lower().split()
            if {"stylesheet", "icon", "preload", "modulepreload"} & set(rel):
                self.urls.append(attrs["href"])
        elif tag == "script":
            if attrs.get("src"):
                self.urls.append(attrs["src"])
            deferred = "async" in attrs or "defer" in attrs or attrs.get("type") == "module"
            data = attrs.get("type", "") in ("application/ld+json", "application/json")
            if self.in_head and not deferred and not data:
                self.blocking_scripts.append(attrs.get("src") or "inline script")
        elif tag in ("img", "source"):
            if attrs.get("src"):
                self.urls.append(attrs["src"])
            if attrs.get("srcset") and not attrs.get("src"):
                self.urls.append(attrs["srcset"].split(",")[0].split()[0])


def page_weight(base_url: str, path: str) -> dict:
    status, headers, body = fetch(base_url + path, COMPRESSED)
    html_bytes = len(body)
    encoding = headers.get("Content-Encoding", "identity")
    raw = {"br": brotli.decompress, "gzip": gzip.decompress}.get(encoding, lambda b: b)(body)
    parser = Resources()
    parser.feed(raw.decode("utf-8", "replace"))
    total, parts = html_bytes, [f"HTML {html_bytes / 1024:.1f} KB ({encoding})"]
    for url in dict.fromkeys(parser.urls):
        absolute = urljoin(base_url + path, url)
        if urlparse(absolute).netloc != urlparse(base_url).netloc:
            parts.append(f"THIRD PARTY {absolute}")
            continue
        sub_status, sub_headers, sub_body = fetch(absolute, COMPRESSED)
        total += len(sub_body)
        name = urlparse(absolute).path.rsplit("/", 1)[-1]
        parts.append(
            f"{name} {len(sub_body) / 1024:.1f} KB"
            f" ({sub_headers.get('Content-Encoding', 'identity')}, {sub_status})"
        )
    return {"status": status, "total": total, "parts": parts, "blocking": parser.blocking_scripts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=4, help="seconds per page and round (4)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds over all pages (5)")
    parser.add_argument("--connections", type=int, default=20, help="wrk connections (20)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (gunicorn.conf.py's choice)"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")

    failures = []
    with workdir("clinic-bench-") as tmp, postgres_database(f"clinic_bench_{os.getpid()}") as db:
        env = production_env(db, tmp)  # Redis, access log, gunicorn.conf.py as shipped
        prepare_site(env)
        # Two servers of each kind, started shipped, bare, bare, shipped: of identical
        # servers the one started first was the slower by 3-4% in every trial here, and
        # this order lets neither kind have the better places.
        with (
            gunicorn(env, workers=args.workers) as server,
            gunicorn(env, workers=args.workers, config="") as bare,
            gunicorn(env, workers=args.workers, config="") as bare_2,
            gunicorn(env, workers=args.workers) as server_2,
        ):
            base = server.base_url
            static_servers = {
                "static file": base,
                "static, bare": bare.base_url,
                "static, bare 2": bare_2.base_url,
                "static, 2nd": server_2.base_url,
            }
            workers = len(server.worker_pids())
            pages = discover_pages(base)
            _, _, home = fetch(base + "/")
            css = re.search(r'href="(/static/css/site[^"]*\.css)"', home.decode())
            static = css.group(1) if css else "/static/css/site.css"
            targets = dict.fromkeys(static_servers, static)
            for name in GOALS:
                if name in pages:
                    targets[name] = pages[name]
                else:
                    failures.append(f"no {name} page found")
            print(
                f"gunicorn.conf.py: {workers} workers, Redis cache, Postgres, DEBUG off;"
                f" wrk -t{args.threads}"
                f" -c{args.connections} -d{args.duration}s x {args.rounds} rounds"
                " (ratios: the median of each round's),"
                " Accept-Encoding: br, gzip\n"
            )
            print(f"{'page':<14} {'path':<50} {'req/s':>7} {'ratio':>6} {'p99':>8}  err  goal")
            # Rounds interleave the pages, so a neighbour's burst of CPU use on this shared
            # machine hits every page alike; each rate is the median of its rounds, each
            # ratio the median of the rounds' ratios to that round's static file.
            runs = {name: [] for name in targets}
            for _ in range(args.rounds):
                for name, path in targets.items():
                    url = static_servers.get(name, base) + path
                    fetch(url)  # warm up
                    runs[name].append(wrk(url, args.duration, args.connections, args.threads))
            for name, path in targets.items():
                rps = statistics.median(r["rps"] for r in runs[name])
                # Each round's rate against the static file's in the same round: the
                # machine's speed drifts between rounds more than within one.
                rounds = zip(runs[name], runs["static file"], strict=True)
                ratio = statistics.median(page["rps"] / static["rps"] for page, static in rounds)
                goal = GOALS.get(name)
                verdict = "" if goal is None else ("ok" if ratio >= goal else f"< {goal:.2f}")
                errors = sum(r["errors"] for r in runs[name])
                each = "/".join(f"{r['rps']:.0f}" for r in runs[name])
                print(
                    f"{name:<14} {path[:50]:<50} {rps:>7.0f} {ratio:>6.2f}"
                    f" {runs[name][-1]['p99']:>8}  {errors:>3}  {verdict:<7} rounds {each}"
                )
                if goal is not None and ratio < goal:
                    failures.append(f"{name}: {ratio:.2f} of the static rate, goal {goal:.2f}")
                if errors:
                    failures.append(f"{name}: {errors} non-2xx/3xx answers")
            shipped = ("static file", "static, 2nd")
            bares = ("static, bare", "static, bare 2")
            shipped_to_bare = statistics.median(
                sum(runs[name][i]["rps"] for name in shipped)
                / sum(runs[name][i]["rps"] for name in bares)
                for i in range(args.rounds)
            )
            print(
                f"\nStatic file, as shipped against a bare gunicorn (two of each):"
                f" {shipped_to_bare:.2f} (goal at least {STATIC_TOLERANCE})"
            )
            if shipped_to_bare < STATIC_TOLERANCE:
                failures.append(
                    f"static file: {shipped_to_bare:.2f} of a bare gunicorn's rate "
                    f"(goal {STATIC_TOLERANCE})"
                )

            print(f"\nFirst-visit weight with Brotli/gzip (limit {WEIGHT_LIMIT // 1024} KB):")
            for name, path in pages.items():
                weight = page_weight(base, path)
                verdict = "ok" if weight["total"] < WEIGHT_LIMIT else "TOO HEAVY"
                blocking = ", ".join(weight["blocking"]) or "none"
                print(
                    f"{name:<14} {path[:58]:<58} {weight['total'] / 1024:>6.1f} KB {verdict}"
                    f" [{weight['status']}]; render-blocking scripts: {blocking}"
                )
                print(f"{'':<15}" + "; ".join(weight["parts"]))
                if weight["status"] != 200:
                    failures.append(f"{name} {path}: status {weight['status']}")
                if weight["total"] >= WEIGHT_LIMIT:
                    failures.append(f"{name}: {weight['total'] / 1024:.1f} KB")
                if weight["blocking"]:
                    failures.append(f"{name}: render-blocking script {blocking}")
    return report(failures)


if __name__ == "__main__":
    sys.exit(main())
