"""System checks for production (``manage.py check --deploy``)."""

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks


def check_shared_cache(app_configs=None, **kwargs):
    """Several gunicorn workers need one cache between them.

    The booking rate limits, the page cache's versions and the cached week pages live
    in the cache. With the local-memory default each worker keeps its own: a limit of
    10 an hour becomes 10 per worker, and an edit or a booking shows at once only on
    the worker that made it (the others catch up when their entries expire).
    """
    backend = settings.CACHES["default"]["BACKEND"]
    workers = os.environ.get("WEB_CONCURRENCY")
    if backend.endswith("LocMemCache") and workers != "1":
        return [
            checks.Warning(
                "The cache is local memory, but gunicorn runs several workers "
                f"(WEB_CONCURRENCY={workers or 'unset: 2 x cores + 1'}): each keeps its own "
                "rate limits and cached pages.",
                hint="Set CACHE_URL=redis://host:6379/1 (or WEB_CONCURRENCY=1).",
                id="clinic.W001",
            )
        ]
    return []


def check_site_url(app_configs=None, **kwargs):
    """Emails link to SITE_URL: in production it must be the clinic's public https address,
    never the developer default (patients would get links to 127.0.0.1)."""
    url = urlsplit(settings.SITE_URL)
    if url.scheme != "https" or url.hostname in (None, "localhost", "127.0.0.1", "::1"):
        return [
            checks.Error(
                f"SITE_URL is {settings.SITE_URL!r}: the links in patients' emails would not "
                "reach the clinic.",
                hint="Set SITE_URL to the site's public https address, e.g. https://clinic.example.",
                id="clinic.E002",
            )
        ]
    return []


def check_second_factor(app_configs=None, **kwargs):
    """Patients' records sit behind the admin: production never runs without the
    second factor (only the test suite turns it off)."""
    if not settings.STAFF_TWO_FACTOR:
        return [
            checks.Error(
                "STAFF_TWO_FACTOR is off: staff sign in to the admin with a password alone.",
                hint="Unset STAFF_TWO_FACTOR (it is on by default).",
                id="clinic.E003",
            )
        ]
    return []
