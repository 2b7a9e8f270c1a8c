"""Lighthouse on mobile for the home page, an article, a plan and the booking form.

    .venv/bin/python bench/lighthouse.py [--runs 1] [--base-url http://127.0.0.1:8000]

Without --base-url it starts gunicorn with production settings on a throw-away
Postgres database (see servers.py). Lighthouse comes from npm (bench/package.json,
installed here with `npm ci` when missing) and runs Debian's Chromium. Prints the
four category scores per page; goals: performance >= 95, accessibility, best
practices and SEO 100. With --runs N each page is measured N times and the
median run (by performance) is shown.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

from servers import (
    discover_pages,
    gunicorn,
    postgres_database,
    prepare_site,
    production_env,
    report,
    workdir,
)

BENCH = Path(__file__).resolve().parent
LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GOALS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
PAGES = ("home", "article", "plan", "booking form")


def lighthouse(url: str, out: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            "--form-factor=mobile",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--max-wait-for-load=30000",
        ],
        env=env,
        check=True,
        timeout=300,
    )
    report = json.loads(out.read_text())
    scores = {c: round((report["categories"][c]["score"] or 0) * 100) for c in CATEGORIES}
    failing = [
        f"{audit['id']}: {audit['title']}"
        for category in CATEGORIES
        for ref in report["categories"][category]["auditRefs"]
        if ref["weight"] > 0
        and (audit := report["audits"][ref["id"]])["score"] is not None
        and audit["score"] < 1
        and category != "performance"
    ]
    metrics = report["audits"]
    scores["lcp"] = metrics["largest-contentful-paint"]["displayValue"]
    scores["cls"] = metrics["cumulative-layout-shift"]["displayValue"]
    scores["tbt"] = metrics["total-blocking-time"]["displayValue"]
    scores["failing"] = failing
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--base-url", help="measure a running site instead of starting one")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=BENCH, check=True
        )

    failures = []
    with ExitStack() as stack:
        tmp = stack.enter_context(workdir("clinic-lighthouse-"))
        base = args.base_url
        if not base:
            db = stack.enter_context(postgres_database(f"clinic_lighthouse_{os.getpid()}"))
            env = production_env(db, tmp)
            prepare_site(env)
            base = stack.enter_context(gunicorn(env, workers=2)).base_url
        pages = discover_pages(base)
        print(f"Lighthouse (npm lighthouse, mobile, simulated throttling), Chromium, {base}")
        header = f"{'page':<13} {'perf':>4} {'a11y':>4} {'b.p.':>4} {'seo':>4}"
        print(f"{header}   LCP / CLS / TBT   path")
        for name in PAGES:
            if name not in pages:
                failures.append(f"no {name} page found")
                continue
            runs = [
                lighthouse(base + pages[name], tmp / f"{name}-{n}.json") for n in range(args.runs)
            ]
            perf = statistics.median_low([run["performance"] for run in runs])
            scores = next(run for run in runs if run["performance"] == perf)
            print(
                f"{name:<13} {scores['performance']:>4} {scores['accessibility']:>4}"
                f" {scores['best-practices']:>4} {scores['seo']:>4}   "
                f"{scores['lcp']} / {scores['cls']} / {scores['tbt']}   {pages[name]}"
            )
            for audit in scores["failing"]:
                print(f"{'':<15}failing: {audit}")
            for category, goal in GOALS.items():
                if scores[category] < goal:
                    failures.append(f"{name}: {category} {scores[category]} < {goal}")
    return report(failures)


if __name__ == "__main__":
    sys.exit(main())
