"""System checks for production (``manage.py check --deploy``)."""

import os

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
